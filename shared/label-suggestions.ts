/**
 * What the node selector's inputs suggest from the cluster's nodes: every label key, and label pairs
 * up to a limit, the most common first. A big cluster has a unique hostname (and often instance and
 * serial number) label per node: suggesting them all puts tens of thousands of options in the page,
 * slow to build and of no use in a list.
 */
import type { NodeSummary } from './contract.ts';

export const MAX_PAIR_SUGGESTIONS = 1_000;

export function labelSuggestions(nodes: readonly NodeSummary[], maxPairs = MAX_PAIR_SUGGESTIONS): { keys: string[]; pairs: string[] } {
  const counts = new Map<string, number>();
  const keys = new Set<string>();
  for (const node of nodes) {
    for (const [key, value] of Object.entries(node.labels)) {
      keys.add(key);
      const pair = `${key}=${value}`;
      counts.set(pair, (counts.get(pair) ?? 0) + 1);
    }
  }
  const pairs = [...counts.keys()];
  const kept = pairs.length <= maxPairs ? pairs : pairs.sort((a, b) => (counts.get(b) as number) - (counts.get(a) as number) || a.localeCompare(b)).slice(0, maxPairs);
  return { keys: [...keys].sort(), pairs: kept.sort() };
}
