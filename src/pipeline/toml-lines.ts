/**
 * Where the tables and keys of a TOML text are, for error messages: smol-toml gives positions only for
 * syntax errors, so td finds a key's line by scanning the text for its table header and the key.
 * The text has already parsed, so the scan only has to tell headers, keys and multi-line strings apart.
 */
export class TomlLines {
  /** `table -> key -> 1-based line`; top-level keys under the table `''`. Subtables count as keys of their parent. */
  private readonly keys = new Map<string, Map<string, number>>();
  private readonly headers = new Map<string, number>();

  constructor(text: string) {
    let table = '';
    let inMultiline: '"""' | "'''" | undefined;
    const lines = text.split(/\r?\n/);
    lines.forEach((line, index) => {
      const lineNumber = index + 1;
      if (inMultiline) {
        if (countOf(line, inMultiline) % 2 === 1) inMultiline = undefined;
        return;
      }
      const header = /^\s*\[(?!\[)\s*([^\]]+?)\s*\](?:\s*#.*)?\s*$/.exec(line);
      if (header) {
        const path = splitDotted(header[1]!);
        table = path.join('.');
        if (!this.headers.has(table)) this.headers.set(table, lineNumber);
        // `[judge.panel]` defines the key `panel` of `[judge]`.
        for (let depth = 1; depth < path.length; depth++) this.note(path.slice(0, depth).join('.'), path[depth]!, lineNumber);
        return;
      }
      const key = /^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=/.exec(line);
      if (!key) return;
      const path = splitDotted(key[1]!);
      this.note(table, path[0]!, lineNumber);
      const rest = line.slice(key[0].length);
      for (const quote of ['"""', "'''"] as const) {
        if (countOf(rest, quote) % 2 === 1) inMultiline = quote;
      }
    });
  }

  /** The line of the header `[table]`, if the text has one. */
  header(table: string): number | undefined {
    return this.headers.get(table);
  }

  /** The line where `key` is first set in `[table]` (or its subtable header), if found. */
  key(table: string, key: string): number | undefined {
    return this.keys.get(table)?.get(key);
  }

  private note(table: string, key: string, line: number): void {
    let keys = this.keys.get(table);
    if (!keys) this.keys.set(table, (keys = new Map()));
    if (!keys.has(key)) keys.set(key, line);
  }
}

function countOf(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** `judge . "a.b"` -> `['judge', 'a.b']`. */
function splitDotted(text: string): string[] {
  const parts: string[] = [];
  const pattern = /\s*(?:"([^"]*)"|'([^']*)'|([^."'\s]+))\s*(?:\.|$)/g;
  for (const match of text.matchAll(pattern)) {
    if (match[0] === '') break;
    parts.push(match[1] ?? match[2] ?? match[3]!);
  }
  return parts;
}
