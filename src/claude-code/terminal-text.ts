// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal control sequences are what it matches
const OSC_SEQUENCE = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal control sequences are what it matches
const CSI_SEQUENCE = /\u001b\[[0-9;?<>=]*[ -/]*[@-~]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal control sequences are what it matches
const ESCAPE_PAIR = /\u001b[@-_]/g;

/**
 * Text without terminal control sequences (colours, cursor moves,
 * hyperlinks). A control sequence becomes a space, so that words a cursor
 * move separated on the screen stay separate.
 *
 * @param text - What a terminal program wrote.
 */
export function stripTerminalCodes(text: string): string {
  return text.replace(OSC_SEQUENCE, '').replace(CSI_SEQUENCE, ' ').replace(ESCAPE_PAIR, '');
}
