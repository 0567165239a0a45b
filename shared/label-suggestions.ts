/**
 * What the node selector's inputs suggest from the cluster's nodes: every label key, and label pairs
 * up to a limit, the most common first. A big cluster has a unique hostname (and often instance and
 * serial number) label per node: suggesting them all puts tens of thousands of options in the page,
 * slow to build and of no use in a list. Counted over the node table's pair indices: each distinct
 * pair is made a string once, not once per node (5,000 GPU nodes carry some 365,000 labels).
 */
import type { NodeTable } from './node-table.ts';

export const MAX_PAIR_SUGGESTIONS = 1_000;

export interface LabelSuggestions {
  keys: string[];
  pairs: string[];
}

export function labelSuggestions(table: NodeTable, maxPairs = MAX_PAIR_SUGGESTIONS): LabelSuggestions {
  const counts = new Array<number>(table.labelPairs.length).fill(0);
  for (const node of table.nodes) for (const index of node.labels) counts[index] = (counts[index] as number) + 1;
  const pairs = table.labelPairs.map(([key, value], index) => ({ text: `${key}=${value}`, count: counts[index] as number }));
  // Ties in code-unit order, the order the list is shown in (a locale-aware comparison of ten thousand
  // pairs took longer than all the rest).
  const byText = (a: { text: string }, b: { text: string }) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
  const kept = pairs.length <= maxPairs ? pairs : pairs.sort((a, b) => b.count - a.count || byText(a, b)).slice(0, maxPairs);
  return { keys: [...new Set(table.labelPairs.map(([key]) => key))].sort(), pairs: kept.sort(byText).map((pair) => pair.text) };
}
