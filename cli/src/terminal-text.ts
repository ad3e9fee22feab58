// biome-ignore-all lint/suspicious/noControlCharactersInRegex: matching control characters is the point of this module.
/**
 * What reaches the terminal. Pipeline names, stage names, errors, command output and file text
 * are the user's (or an attacker's) data, and a terminal obeys control characters in them: an
 * escape sequence can retitle the window (OSC 0), write the clipboard (OSC 52), clear the screen
 * or the scrollback, or move the cursor over earlier lines. Everything the CLI prints goes through
 * `terminalSafe`, which keeps text, newlines, tabs and colours (SGR: `ESC [ ... m`) and removes every
 * other control character and escape sequence. C1 controls (U+0080 to U+009F, which some
 * terminals read as escapes) are written as `\u0085`-style text, which inside JSON output is the
 * same character.
 */

/** The live view's redraw, written as its own chunk: cursor up N lines, clear to the end. */
const REDRAW = /^\x1b\[\d+A\x1b\[J$/;

// An escape sequence: CSI (ESC [ params final), OSC/DCS/APC/PM/SOS (ESC ] ... up to BEL or ST), or
// ESC and one character; then any other C0 control except tab and newline, and DEL.
const CONTROL =
  /\x1b\[[0-?]*[ -/]*[@-~]?|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[^[\]PX^_]?|[\x00-\x08\x0b-\x1f\x7f]/g;
const SGR = /^\x1b\[[0-9;:]*m$/;
const C1 = /[\u0080-\u009f]/g;

/** `text` with only printable characters, newlines, tabs and colour sequences left. */
export function terminalSafe(text: string): string {
  if (REDRAW.test(text)) return text;
  return text
    .replace(CONTROL, (match) => (SGR.test(match) ? match : ""))
    .replace(C1, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
