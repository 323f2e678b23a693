/**
 * The paths a unified git diff changes, from its `diff --git a/X b/Y` headers (SWE-rebench-V2-PRs has
 * no files column). The new path (`b/`) is kept, so a rename reports where the file ends up; each path
 * once, in the order the diff shows them.
 */
export function patchFiles(patch: string): string[] {
  const files: string[] = [];
  const seen = new Set<string>();
  for (const line of patch.split('\n')) {
    if (!line.startsWith('diff --git ')) continue;
    const path = newPath(line.slice('diff --git '.length).replace(/\r$/, ''));
    if (path !== undefined && !seen.has(path)) {
      seen.add(path);
      files.push(path);
    }
  }
  return files;
}

function newPath(rest: string): string | undefined {
  // Git quotes paths with unusual characters: "a/x y" "b/x y" (C-style escapes inside).
  const quoted = /^(?:"a\/(?:[^"\\]|\\.)*"|a\/\S+) "b\/((?:[^"\\]|\\.)*)"$/.exec(rest);
  if (quoted) return unquote(quoted[1]!);
  // Unquoted paths may contain spaces: when both sides are the same path, split exactly in the middle.
  if ((rest.length - 1) % 2 === 0) {
    const half = (rest.length - 1) / 2;
    const left = rest.slice(0, half);
    const right = rest.slice(half + 1);
    if (rest[half] === ' ' && left.startsWith('a/') && right.startsWith('b/') && left.slice(2) === right.slice(2)) return right.slice(2);
  }
  // `.+$` cannot cross a line break (a stray CR, U+2028, U+2029), so only the part after the last one can
  // hold the match; searching the whole line retried it from every ` b/` before the break (quadratic).
  const tail = rest.slice(Math.max(rest.lastIndexOf('\r'), rest.lastIndexOf('\u2028'), rest.lastIndexOf('\u2029')) + 1);
  const match = / b\/(.+)$/.exec(tail);
  return match ? match[1] : undefined;
}

function unquote(text: string): string {
  const bytes: number[] = [];
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const octal = /^[0-7]{3}/.exec(text.slice(i + 1));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      const next = text[i + 1] ?? '';
      bytes.push(escapes[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
