/** A value of the card's front matter. */
export type YamlValue = string | number | boolean | YamlValue[] | { [key: string]: YamlValue };

/**
 * A small YAML emitter for the card's front matter: block maps and lists, every string double-quoted as
 * JSON writes it (JSON strings are valid YAML double-quoted scalars), so no value can be read as another
 * type (`n<1K`, `yes`, `1e3`) or break the block. Keys are td's own, plain words.
 */
export function toYaml(value: Record<string, YamlValue>): string {
  return mapLines(value, '').join('\n') + '\n';
}

function scalar(value: string | number | boolean): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function isBlock(value: YamlValue): value is YamlValue[] | { [key: string]: YamlValue } {
  return typeof value === 'object';
}

function mapLines(map: { [key: string]: YamlValue }, indent: string): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (!isBlock(value)) lines.push(`${indent}${key}: ${scalar(value)}`);
    else if (Array.isArray(value) && value.length === 0) lines.push(`${indent}${key}: []`);
    else if (Array.isArray(value)) lines.push(`${indent}${key}:`, ...listLines(value, indent));
    else lines.push(`${indent}${key}:`, ...mapLines(value, `${indent}  `));
  }
  return lines;
}

function listLines(list: YamlValue[], indent: string): string[] {
  const lines: string[] = [];
  for (const item of list) {
    if (!isBlock(item)) {
      lines.push(`${indent}- ${scalar(item)}`);
      continue;
    }
    // A map (or list) as a list item: its first line after "- ", the rest indented under it.
    const inner = Array.isArray(item) ? listLines(item, `${indent}  `) : mapLines(item, `${indent}  `);
    lines.push(`${indent}- ${inner[0]!.trimStart()}`, ...inner.slice(1));
  }
  return lines;
}
