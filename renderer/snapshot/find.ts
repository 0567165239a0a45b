/**
 * Find in a snapshot's text with the engine's own regular expressions (the literal query escaped,
 * case-insensitive). CodeMirror's search normalises the text character by character, which takes
 * seconds to cross a few megabytes; native matching crosses 20 MB in milliseconds.
 */
export interface Hit {
  from: number;
  to: number;
}

/** Counting stops here: beyond it the number tells a user nothing more. */
export const MAX_COUNTED_HITS = 10_000;
/** Backward search scans chunks of this size back from the position. */
const CHUNK = 64 * 1024;

const escape = (query: string) => query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function pattern(query: string): RegExp {
  return new RegExp(escape(query), 'gi');
}

/** The first hit starting at or after `from`, wrapping around to the start; undefined when there is none. */
export function findNext(text: string, query: string, from: number): Hit | undefined {
  if (query === '') return undefined;
  const re = pattern(query);
  for (const start of [from, 0]) {
    re.lastIndex = start;
    const match = re.exec(text);
    if (match) return { from: match.index, to: match.index + match[0].length };
  }
  return undefined;
}

/** The last hit starting before `before`, wrapping around to the end; undefined when there is none. */
export function findPrevious(text: string, query: string, before: number): Hit | undefined {
  if (query === '') return undefined;
  const re = pattern(query);
  const lastIn = (from: number, to: number): Hit | undefined => {
    let last: Hit | undefined;
    re.lastIndex = from;
    for (let match = re.exec(text); match && match.index < to; match = re.exec(text)) {
      last = { from: match.index, to: match.index + match[0].length };
      if (match[0].length === 0) re.lastIndex++;
    }
    return last;
  };
  for (const end of [before, text.length]) {
    for (let to = end; to > 0; to -= CHUNK) {
      const hit = lastIn(Math.max(0, to - CHUNK), to);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Where the hits start, up to {@link MAX_COUNTED_HITS} of them; computed once per query. */
export function hitPositions(text: string, query: string): { positions: number[]; capped: boolean } {
  const positions: number[] = [];
  if (query === '') return { positions, capped: false };
  const re = pattern(query);
  for (let match = re.exec(text); match; match = re.exec(text)) {
    positions.push(match.index);
    if (positions.length >= MAX_COUNTED_HITS) return { positions, capped: true };
  }
  return { positions, capped: false };
}

/** The 1-based number of the hit starting at `at`, or undefined when none of the counted ones does. */
export function hitNumber(positions: readonly number[], at: number): number | undefined {
  let low = 0;
  let high = positions.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const position = positions[middle] as number;
    if (position === at) return middle + 1;
    if (position < at) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}
