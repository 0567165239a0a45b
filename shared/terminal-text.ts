/**
 * Text from outside (agent log lines, API server messages, credential plugin stderr) is shown in a
 * terminal; control sequences in it could move the cursor, retitle the window, hide text or worse.
 */

// CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte ESC sequences, and C0/C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL_SEQUENCES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]/g;
// eslint-disable-next-line no-control-regex
const SGR = /^\x1b\[[0-9;]*m$/;

/** Removes every control sequence and control character except tab; with keepColors, SGR colour codes stay. */
export function stripControlSequences(text: string, options: { keepColors?: boolean } = {}): string {
  return text.replace(CONTROL_SEQUENCES, (seq) => (options.keepColors && SGR.test(seq) ? seq : ''));
}

/** A URL without its user:password part, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1');
}
