/**
 * What a run of log lines leaves behind in a terminal, for passing over lines nobody will see: if
 * they hold nothing but text, tabs, carriage returns and colour changes (SGR), writing the colour
 * state they end in has the same effect as writing them. Any other control (cursor movement, titles,
 * character sets, C1 controls) could change more than a line, so such lines are never passed over.
 *
 * Every line of a log flood is checked, so the check reads UTF-8 bytes four at a time and looks
 * closer only at words holding a control or a byte above 0x7e: a regular expression over the decoded
 * text was a third of main's work in a flood.
 */

const TEXT = 0;
const OTHER_CONTROL = 1;
const ESC = 2;
/** The lead byte of the C1 controls (U+0080 to U+009F are 0xC2 0x80 to 0xC2 0x9F in UTF-8). */
const C1_LEAD = 3;
const KIND = new Uint8Array(256);
KIND.fill(OTHER_CONTROL, 0x00, 0x20);
KIND[0x09] = KIND[0x0a] = KIND[0x0d] = TEXT; // tab, line feed, carriage return
KIND[0x1b] = ESC;
KIND[0x7f] = OTHER_CONTROL;
KIND[0xc2] = C1_LEAD;

/** An SGR sequence whose first parameter is a reset (ESC[m, ESC[0m, ESC[0;31m): nothing before it counts. */
// eslint-disable-next-line no-control-regex
const STARTS_WITH_RESET = /^\x1b\[0*[;:m]/;
/** A log that changes colours and never resets them would make the state grow without end. */
const MAX_STATE_CHARS = 1024;

/** The index after the SGR sequence (ESC [ digits ; : m) starting at `at`, or -1 if it is not one. */
function sgrEnd(bytes: Uint8Array, at: number): number {
  if (bytes[at + 1] !== 0x5b) return -1;
  let end = at + 2;
  for (let byte = bytes[end]; byte !== undefined && byte >= 0x30 && byte <= 0x3b; byte = bytes[end]) end++;
  return bytes[end] === 0x6d ? end + 1 : -1;
}

/**
 * Judges bytes from `from` to `to` one by one: -1 at a control other than tab, line feed, carriage
 * return or an SGR sequence; else the index after the last byte judged (past `to` when a sequence
 * runs on).
 */
function judge(bytes: Uint8Array, from: number, to: number): number {
  let at = from;
  while (at < to) {
    const kind = KIND[bytes[at] as number];
    if (kind === TEXT) at++;
    else if (kind === ESC) {
      at = sgrEnd(bytes, at);
      if (at === -1) return -1;
    } else if (kind === C1_LEAD) {
      const next = bytes[at + 1] ?? 0;
      if (next >= 0x80 && next <= 0x9f) return -1;
      at++;
    } else return -1;
  }
  return at;
}

/** Bit 7 of each byte set where a byte of the word is below 0x20 or above 0x7e (exact for "any", not for "which"). */
function suspects(word: number): number {
  return (((word - 0x20202020) & ~word) | (word + 0x01010101) | word) & 0x80808080;
}

/** Whether `bytes` hold no control but tab, line feed, carriage return and SGR sequences. */
function onlyTextAndColours(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return judge(bytes, 0, bytes.length) !== -1;
  const head = (4 - (bytes.byteOffset & 3)) & 3;
  const words = new Int32Array(bytes.buffer, bytes.byteOffset + head, (bytes.length - head) >>> 2);
  // The first byte not judged yet: a sequence judged byte by byte may run into the words after it.
  let next = judge(bytes, 0, head);
  for (let w = 0; w < words.length && next !== -1; w++) {
    // Clean words two at a time: a third less time than one at a time on a flood's coloured lines.
    while (w + 1 < words.length && (suspects(words[w] as number) | suspects(words[w + 1] as number)) === 0) w += 2;
    if (w < words.length && suspects(words[w] as number) !== 0) {
      const at = head + w * 4;
      if (next < at + 4) next = judge(bytes, Math.max(next, at), at + 4);
    }
  }
  const tail = head + words.length * 4;
  return next !== -1 && judge(bytes, Math.max(next, tail), bytes.length) !== -1;
}

/**
 * The colour state after `bytes` (lines joined with line feeds, UTF-8), starting from `state`, as the
 * SGR sequences to write in its place; undefined when they hold any other control, or the state grew
 * too long.
 */
export function colourStateAfter(state: string, bytes: Uint8Array): string | undefined {
  if (!onlyTextAndColours(bytes)) return undefined;
  // Every ESC now starts an SGR sequence ending at the next "m"; only those after the last reset count.
  const sequences: string[] = [];
  let length = 0;
  let before = state;
  for (let at = bytes.lastIndexOf(0x1b); at !== -1; at = at === 0 ? -1 : bytes.lastIndexOf(0x1b, at - 1)) {
    const end = bytes.indexOf(0x6d, at) + 1;
    length += end - at;
    if (length > MAX_STATE_CHARS) return undefined;
    const sequence = String.fromCharCode(...bytes.subarray(at, end));
    sequences.push(sequence);
    if (STARTS_WITH_RESET.test(sequence)) {
      before = '';
      break;
    }
  }
  const after = before + sequences.reverse().join('');
  return after.length <= MAX_STATE_CHARS ? after : undefined;
}

/**
 * The colour state after `state` and then `next`, itself a state colourStateAfter returned (its reset,
 * if it has one, is its first sequence): as colourStateAfter(state, next), without reading `next`
 * again. Undefined when the state grew too long.
 */
export function stateFollowedBy(state: string, next: string): string | undefined {
  const after = STARTS_WITH_RESET.test(next) ? next : state + next;
  return after.length <= MAX_STATE_CHARS ? after : undefined;
}
