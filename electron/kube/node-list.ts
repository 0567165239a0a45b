/**
 * The cluster's nodes as the app uses them (the form, a run's placement): name, labels, taints and
 * GPU capacity, as a node table (each label pair and taint once). Asked for in protobuf, as client-go
 * asks for built-in types: on a settled 5,000-node cluster the JSON list is 14 MB (managed fields and
 * conditions are most of it) and parsing all of it held main for 60–160 ms; the protobuf answer is
 * read by passing over every field not used here. A server or proxy that answers in JSON anyway is
 * read as JSON.
 */
import { GPU_RESOURCE } from '../../shared/gpu.ts';
import type { NodeSummary } from '../../shared/contract.ts';
import type { Taint } from '../../shared/node-match.ts';
import { NodeTableBuilder, toNodeTable, type NodeRow, type NodeTable } from '../../shared/node-table.ts';
import type { KubeClient } from './client.ts';
import { paths } from './paths.ts';
import { kubernetesObject, ProtobufError, type ProtoReader } from './protobuf.ts';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

export interface NodeObject {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { taints?: { key: string; value?: string; effect: string }[] };
  status?: { capacity?: Record<string, string> };
}

/** The cluster's nodes, or those matching `labelSelector`; rejects as the client does (not found, forbidden, network). */
export async function listNodes(client: KubeClient, signal: AbortSignal, options: { labelSelector?: string; timeoutMs?: number } = {}): Promise<NodeTable> {
  const read = (accept: string) => client.requestBytes(paths.nodes(), { accept, signal, query: { labelSelector: options.labelSelector }, timeoutMs: options.timeoutMs });
  const answer = await read(`${PROTOBUF}, application/json`);
  if (!answer.contentType.startsWith(PROTOBUF)) return nodesFromJson(answer.body);
  try {
    return await decodeNodeList(answer.body, signal);
  } catch (err) {
    // Protobuf this reader does not understand (a proxy's rewrite, a future envelope): ask for JSON.
    if (!(err instanceof ProtobufError)) throw err;
    return nodesFromJson((await read('application/json')).body);
  }
}

const nodesFromJson = (body: Buffer): NodeTable => toNodeTable((JSON.parse(body.toString('utf8')) as { items: NodeObject[] }).items.map(nodeFromJson));

/** A node of a JSON list, as the app uses it. */
export function nodeFromJson(node: NodeObject): NodeSummary {
  return {
    name: node.metadata.name,
    labels: node.metadata.labels ?? {},
    taints: (node.spec?.taints ?? []).map(({ key, value, effect }) => ({ key, ...(value ? { value } : {}), effect })),
    gpus: Number(node.status?.capacity?.[GPU_RESOURCE] ?? 0),
  };
}

// Field numbers from k8s.io/api/core/v1/generated.proto and k8s.io/apimachinery's meta/v1 and resource.

/**
 * NodeList: items = 2, read into a node table (node-table.ts). Decoded in turns of a few
 * milliseconds: 5,000 nodes take 30-75 ms, which would hold up everything else main does (the
 * window's requests, other clusters' answers).
 */
export async function decodeNodeList(body: Buffer, signal?: AbortSignal): Promise<NodeTable> {
  const list = kubernetesObject(body);
  const decoder = new NodeDecoder();
  const { nodes } = decoder.builder.table;
  let turnStarted = performance.now();
  for (let field = list.nextField(); field !== undefined; field = list.nextField()) {
    if (field === 2) nodes.push(decoder.node(list.message()));
    else list.skip();
    if (nodes.length % NODES_BETWEEN_CLOCK_READS === 0 && performance.now() - turnStarted > TURN_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      turnStarted = performance.now();
    }
  }
  return decoder.builder.table;
}

const TURN_MS = 4;
const NODES_BETWEEN_CLOCK_READS = 50;

class NodeDecoder {
  readonly builder = new NodeTableBuilder();
  /**
   * Label pairs by their encoded bytes: a GPU cluster's nodes share most of their some 80 labels, and
   * recognising an entry's bytes costs a fraction of decoding its two strings.
   */
  private readonly pairsByBytes = new Map<string, number>();

  /** Node: metadata = 1, spec = 2, status = 3. */
  node(node: ProtoReader): NodeRow {
    const row: NodeRow = { name: '', labels: [], taints: [], gpus: 0 };
    for (let field = node.nextField(); field !== undefined; field = node.nextField()) {
      if (field === 1) this.objectMeta(node.message(), row);
      else if (field === 2) for (const taint of decodeTaints(node.message())) row.taints.push(this.builder.taint(taint));
      else if (field === 3) row.gpus = decodeGpuCapacity(node.message());
      else node.skip();
    }
    return row;
  }

  /** ObjectMeta: name = 1, labels = 11 (map<string, string>: key = 1, value = 2). */
  private objectMeta(meta: ProtoReader, row: NodeRow): void {
    for (let field = meta.nextField(); field !== undefined; field = meta.nextField()) {
      if (field === 1) row.name = meta.string();
      else if (field === 11) {
        const [entry, bytes] = meta.messageWithBytes();
        let index = this.pairsByBytes.get(bytes);
        if (index === undefined) {
          const [key, value] = entry.stringPair();
          this.pairsByBytes.set(bytes, (index = this.builder.labelPair(key, value)));
        }
        row.labels.push(index);
      } else meta.skip();
    }
  }
}

/** NodeSpec: taints = 5 (Taint: key = 1, value = 2, effect = 3; timeAdded is not shown). */
function decodeTaints(spec: ProtoReader): Taint[] {
  const taints: Taint[] = [];
  for (let field = spec.nextField(); field !== undefined; field = spec.nextField()) {
    if (field !== 5) {
      spec.skip();
      continue;
    }
    const taint = spec.message();
    let key = '';
    let value = '';
    let effect = '';
    for (let part = taint.nextField(); part !== undefined; part = taint.nextField()) {
      if (part === 1) key = taint.string();
      else if (part === 2) value = taint.string();
      else if (part === 3) effect = taint.string();
      else taint.skip();
    }
    taints.push({ key, ...(value ? { value } : {}), effect });
  }
  return taints;
}

/** NodeStatus: capacity = 1 (map<string, Quantity>; Quantity: string = 1): the GPUs, 0 when none. */
function decodeGpuCapacity(status: ProtoReader): number {
  let gpus = 0;
  for (let field = status.nextField(); field !== undefined; field = status.nextField()) {
    if (field !== 1) {
      status.skip();
      continue;
    }
    const [resource, quantity] = status.mapEntry();
    if (resource !== GPU_RESOURCE) continue;
    for (let part = quantity.nextField(); part !== undefined; part = quantity.nextField()) {
      if (part === 1) gpus = Number(quantity.string());
      else quantity.skip();
    }
  }
  return gpus;
}
