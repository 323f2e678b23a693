/**
 * HTML built by one tagged template that escapes every interpolated value unless it is already
 * `Html` (made by this template). Record text can only reach a page through `${...}`, so a reply
 * holding `<script>` or `</textarea>` is shown as text, in element content and attributes alike.
 */

export class Html {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A value as HTML: `Html` as it is, arrays joined, nothing for null/undefined/false, anything else escaped. */
function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Joins fragments. */
export function join(parts: readonly Html[], separator = ''): Html {
  return new Html(parts.map((part) => part.text).join(separator));
}
