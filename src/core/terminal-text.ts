/** C0 controls (NUL to US), DEL and C1 controls (0x80 to 0x9F): what a terminal may act on. */
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;
const CONTROL_BUT_LINE_BREAK = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text for stderr, where td quotes what it read: a bad input line, a file name, a record id, a server's
 * reply. A control character there would reach the terminal raw (`\x1b]0;...\x07` sets the window title,
 * `\x1b[2J` clears the screen, a C1 control can start an escape sequence too), so each is written as an
 * escape: `\n`, `\r`, `\t`, else `\xHH`. `keepLineBreaks` keeps the line breaks of a message td itself
 * wrote on several lines (a pipeline file's problems, a stack trace); everything else passes as it is.
 */
export function forTerminal(text: string, options: { keepLineBreaks?: boolean } = {}): string {
  return text.replace(options.keepLineBreaks ? CONTROL_BUT_LINE_BREAK : CONTROL, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
