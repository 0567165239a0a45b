/**
 * What the form shows of a node selector and tolerations, worked out over the node table (node-table.ts)
 * without reading the nodes out of it: 5,000 GPU nodes are some 365,000 labels, and making an object of
 * each node's took the page 20-60 ms.
 */
import { keepsAway, type Taint } from './node-match.ts';
import { LabelPairIndex, type NodeRow, type NodeTable } from './node-table.ts';
import type { Toleration } from './tolerations.ts';

export interface NodeCounts {
  /** Nodes whose labels match the selector. */
  matching: number;
  /** Of those, nodes whose taints the tolerations allow. */
  hosting: number;
  /** Every taint of the matching nodes, once. */
  taintsOfMatching: Taint[];
}

/** Each table's label pairs by key, then value, made the first time it is asked. */
const pairIndices = new WeakMap<NodeTable, LabelPairIndex>();

function pairIndexOf(table: NodeTable): LabelPairIndex {
  let index = pairIndices.get(table);
  if (!index) {
    index = new LabelPairIndex();
    for (const [i, [key, value]] of table.labelPairs.entries()) index.set(key, value, i);
    pairIndices.set(table, index);
  }
  return index;
}

function rowsMatching(table: NodeTable, selector: Record<string, string>): NodeRow[] {
  const wanted: number[] = [];
  for (const [key, value] of Object.entries(selector)) {
    const pair = pairIndexOf(table).get(key, value);
    if (pair === undefined) return []; // no node has this label pair
    wanted.push(pair);
  }
  return wanted.length === 0 ? table.nodes : table.nodes.filter((row) => wanted.every((pair) => row.labels.includes(pair)));
}

export function nodeCounts(table: NodeTable, selector: Record<string, string>, tolerations: readonly Toleration[]): NodeCounts {
  const matching = rowsMatching(table, selector);
  const keptAway = table.taints.map((taint) => keepsAway(taint, tolerations));
  const taintsSeen = new Set<number>();
  let hosting = 0;
  for (const row of matching) {
    if (!row.taints.some((taint) => keptAway[taint])) hosting++;
    for (const taint of row.taints) taintsSeen.add(taint);
  }
  return { matching: matching.length, hosting, taintsOfMatching: [...taintsSeen].sort((a, b) => a - b).map((taint) => table.taints[taint] as Taint) };
}
