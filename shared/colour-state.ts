/**
 * What a run of log lines leaves behind in a terminal, for passing over lines nobody will see: if
 * they hold nothing but text, tabs, carriage returns and colour changes (SGR), writing the colour
 * state they end in has the same effect as writing them. Any other control (cursor movement, titles,
 * character sets, C1 controls) could change more than a line, so such lines are never passed over.
 */

// Any control but tab, line feed and carriage return, and any ESC that does not start an SGR sequence.
// eslint-disable-next-line no-control-regex
const OTHER_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]|\x1b(?!\[[0-9;:]*m)/;
/** Any control but tab, line feed and carriage return, ESC included: most logs have none, and this scans fastest. */
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;
/** An SGR sequence whose first parameter is a reset (ESC[m, ESC[0m, ESC[0;31m): nothing before it counts. */
// eslint-disable-next-line no-control-regex
const STARTS_WITH_RESET = /^\x1b\[0*[;:m]/;
/** A log that changes colours and never resets them would make the state grow without end. */
const MAX_STATE_CHARS = 1024;

/**
 * The colour state after `text` (lines joined with line feeds), starting from `state`, as the SGR
 * sequences to write in its place; undefined when `text` holds any other control, or the state grew
 * too long.
 */
export function colourStateAfter(state: string, text: string): string | undefined {
  if (!ANY_CONTROL.test(text)) return state;
  if (OTHER_CONTROL.test(text)) return undefined;
  // Every ESC now starts an SGR sequence ending at the next "m"; only those after the last reset count.
  const sequences: string[] = [];
  let before = state;
  for (let at = text.lastIndexOf('\x1b'); at !== -1; at = at === 0 ? -1 : text.lastIndexOf('\x1b', at - 1)) {
    const sequence = text.slice(at, text.indexOf('m', at) + 1);
    sequences.push(sequence);
    if (STARTS_WITH_RESET.test(sequence)) {
      before = '';
      break;
    }
  }
  const after = before + sequences.reverse().join('');
  return after.length <= MAX_STATE_CHARS ? after : undefined;
}
