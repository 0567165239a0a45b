/**
 * A cluster's nodes as main sends them to the window: each label pair and taint once, each node naming
 * its own by index. The nodes of a GPU cluster share most of their labels (GPU feature discovery,
 * node feature discovery, the cloud's: some 80 a node): 5,000 such nodes were 20 MB of JSON as
 * objects, which main had to write and the page to take in and parse before the form could show them.
 */
import type { NodeSummary } from './contract.ts';
import type { Taint } from './node-match.ts';

export interface NodeTable {
  /** Every label pair of any node, [key, value], once. */
  labelPairs: [string, string][];
  /** Every taint of any node, once. */
  taints: Taint[];
  /** Each node's labels and taints as indices into the lists above. */
  nodes: { name: string; labels: number[]; taints: number[]; gpus: number }[];
}

/** An index per distinct key, in order of first sight. */
class Interned<T> {
  readonly items: T[] = [];
  private readonly indices = new Map<string, number>();

  indexOf(key: string, item: () => T): number {
    let index = this.indices.get(key);
    if (index === undefined) {
      index = this.items.push(item()) - 1;
      this.indices.set(key, index);
    }
    return index;
  }
}

export function toNodeTable(nodes: readonly NodeSummary[]): NodeTable {
  const labelPairs = new Interned<[string, string]>();
  const taints = new Interned<Taint>();
  return {
    nodes: nodes.map((node) => ({
      name: node.name,
      // A NUL cannot be part of a label key, so it separates key and value unambiguously.
      labels: Object.entries(node.labels).map(([key, value]) => labelPairs.indexOf(`${key}\0${value}`, () => [key, value])),
      taints: node.taints.map((taint) => taints.indexOf(JSON.stringify([taint.key, taint.value ?? null, taint.effect]), () => taint)),
      gpus: node.gpus,
    })),
    labelPairs: labelPairs.items,
    taints: taints.items,
  };
}

/** The nodes as the form works with them; label values and taints are shared between nodes, not copied. */
export function fromNodeTable(table: NodeTable): NodeSummary[] {
  return table.nodes.map((node) => {
    const labels: Record<string, string> = {};
    for (const index of node.labels) {
      const [key, value] = table.labelPairs[index] as [string, string];
      labels[key] = value;
    }
    return { name: node.name, labels, taints: node.taints.map((index) => table.taints[index] as Taint), gpus: node.gpus };
  });
}
