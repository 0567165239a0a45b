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
  nodes: NodeRow[];
}

/** A node's labels and taints as indices into its table's lists. */
export interface NodeRow {
  name: string;
  labels: number[];
  taints: number[];
  gpus: number;
}

/** Label pairs' indices by key, then value: no string is made per lookup (a string keeps its hash once computed). */
export class LabelPairIndex {
  private readonly byKey = new Map<string, Map<string, number>>();

  get(key: string, value: string): number | undefined {
    return this.byKey.get(key)?.get(value);
  }

  set(key: string, value: string, index: number): void {
    let byValue = this.byKey.get(key);
    if (!byValue) this.byKey.set(key, (byValue = new Map()));
    byValue.set(value, index);
  }
}

/** Makes a table node by node, each label pair and taint the first time it is seen. */
export class NodeTableBuilder {
  readonly table: NodeTable = { labelPairs: [], taints: [], nodes: [] };
  private readonly pairIndices = new LabelPairIndex();
  private readonly taintIndices = new Map<string, number>();

  labelPair(key: string, value: string): number {
    let index = this.pairIndices.get(key, value);
    if (index === undefined) this.pairIndices.set(key, value, (index = this.table.labelPairs.push([key, value]) - 1));
    return index;
  }

  taint(taint: Taint): number {
    const identity = JSON.stringify([taint.key, taint.value ?? null, taint.effect]);
    let index = this.taintIndices.get(identity);
    if (index === undefined) this.taintIndices.set(identity, (index = this.table.taints.push(taint) - 1));
    return index;
  }
}

export function toNodeTable(nodes: readonly NodeSummary[]): NodeTable {
  const builder = new NodeTableBuilder();
  for (const node of nodes) {
    const labels: number[] = [];
    for (const key in node.labels) labels.push(builder.labelPair(key, node.labels[key] as string));
    builder.table.nodes.push({ name: node.name, labels, taints: node.taints.map((taint) => builder.taint(taint)), gpus: node.gpus });
  }
  return builder.table;
}

/** The nodes as objects (a run's placement); label values and taints are shared between nodes, not copied. */
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
