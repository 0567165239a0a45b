import { describe, expect, it } from 'vitest';
import { ProtobufError, ProtoReader, kubernetesObject } from '../../electron/kube/protobuf.ts';
import { decodeNodeList } from '../../electron/kube/node-list.ts';
import { fromNodeTable } from '../../shared/node-table.ts';

// A protobuf writer just big enough to build the answers the decoder reads.
function varint(value: number): number[] {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  bytes.push(value);
  return bytes;
}
const key = (field: number, wireType: number) => varint(field * 8 + wireType);
const bytesField = (field: number, payload: number[]) => [...key(field, 2), ...varint(payload.length), ...payload];
const text = (field: number, value: string) => bytesField(field, [...Buffer.from(value, 'utf8')]);
const mapEntry = (field: number, k: string, value: number[]) => bytesField(field, [...text(1, k), ...bytesField(2, value)]);
const kubernetesBody = (object: number[] | Buffer) =>
  Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00, ...bytesField(1, text(1, 'v1')), ...key(2, 2), ...varint(object.length)]), Buffer.from(object), Buffer.from(text(4, 'application/vnd.kubernetes.protobuf'))]);

// Fields the decoder must pass over, one of each wire type: varint, fixed64, length-delimited, fixed32.
const noise = (field: number) => [...key(field, 0), ...varint(2 ** 40), ...key(field + 1, 1), 1, 2, 3, 4, 5, 6, 7, 8, ...text(field + 2, 'x'.repeat(300)), ...key(field + 3, 5), 1, 2, 3, 4];

function node(name: string, labels: Record<string, string>, taints: number[][], capacity: Record<string, string>): number[] {
  const meta = [...text(1, name), ...text(5, 'uid-1'), ...Object.entries(labels).flatMap(([k, v]) => mapEntry(11, k, [...Buffer.from(v)])), ...bytesField(17, text(1, 'kubelet')), ...noise(20)];
  const spec = [...text(1, '10.0.0.0/24'), ...taints.flatMap((taint) => bytesField(5, taint)), ...noise(20)];
  const status = [...Object.entries(capacity).flatMap(([k, v]) => mapEntry(1, k, text(1, v))), ...bytesField(4, text(1, 'Ready')), ...noise(20)];
  return bytesField(2, [...bytesField(1, meta), ...bytesField(2, spec), ...bytesField(3, status), ...noise(10)]);
}

describe('node list in protobuf', () => {
  it('reads name, labels, taints and GPU capacity, passing over every other field', async () => {
    const list = [
      ...bytesField(1, text(2, '12345')),
      ...node('gpu-node-1', { nodeGroup: 'customer-gpu', 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3', 'example.com/empty': '' }, [[...text(1, 'nvidia.com/gpu'), ...text(2, 'present'), ...text(3, 'NoSchedule'), ...bytesField(4, key(1, 0).concat(varint(1700000000)))], [...text(1, 'dedicated'), ...text(3, 'NoExecute')]], { cpu: '96', 'nvidia.com/gpu': '8', memory: '2Ti' }),
      ...node('cpu-node-é', {}, [], { cpu: '4' }),
    ];
    expect(fromNodeTable(await decodeNodeList(kubernetesBody(list)))).toEqual([
      {
        name: 'gpu-node-1',
        labels: { nodeGroup: 'customer-gpu', 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3', 'example.com/empty': '' },
        taints: [
          { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
          { key: 'dedicated', effect: 'NoExecute' },
        ],
        gpus: 8,
      },
      { name: 'cpu-node-é', labels: {}, taints: [], gpus: 0 },
    ]);
  });

  it('holds each label pair and taint of the nodes once, whichever node had it first', async () => {
    const gpuTaint = [...text(1, 'nvidia.com/gpu'), ...text(2, 'present'), ...text(3, 'NoSchedule')];
    const list = [
      ...node('gpu-1', { pool: 'a', 'nvidia.com/gpu.present': 'true' }, [gpuTaint], {}),
      ...node('gpu-2', { 'nvidia.com/gpu.present': 'true', pool: 'b' }, [[...gpuTaint, ...bytesField(4, key(1, 0).concat(varint(1700000000)))]], {}),
    ];
    const table = await decodeNodeList(kubernetesBody(list));
    expect(table.labelPairs).toEqual([['pool', 'a'], ['nvidia.com/gpu.present', 'true'], ['pool', 'b']]);
    expect(table.nodes.map((n) => n.labels)).toEqual([[0, 1], [1, 2]]);
    // The second taint differs only in when it was added, which is not shown.
    expect(table.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }]);
  });

  it('an empty list is no nodes', async () => {
    expect(fromNodeTable(await decodeNodeList(kubernetesBody(bytesField(1, text(2, '1')))))).toEqual([]);
  });

  it('a big list is decoded in turns: main answers other work meanwhile, and a cancelled read stops', async () => {
    const oneNode = Buffer.from(node('node-a', { zone: 'z0' }, [], { 'nvidia.com/gpu': '8' }));
    const body = kubernetesBody(Buffer.concat(Array.from({ length: 20_000 }, () => oneNode)));
    let otherWorkDoneAt: number | undefined;
    setImmediate(() => (otherWorkDoneAt = performance.now()));
    const table = await decodeNodeList(body);
    const finishedAt = performance.now();
    expect(table.nodes).toHaveLength(20_000);
    expect(fromNodeTable(table)[19_999]).toEqual({ name: 'node-a', labels: { zone: 'z0' }, taints: [], gpus: 8 });
    // The label all nodes share is in the table once.
    expect(table.labelPairs).toEqual([['zone', 'z0']]);
    expect(otherWorkDoneAt).toBeLessThan(finishedAt);

    const controller = new AbortController();
    setImmediate(() => controller.abort(new Error('window closed')));
    await expect(decodeNodeList(body, controller.signal)).rejects.toThrow('window closed');
  });

  it('refuses a body without the Kubernetes prefix, and a cut one, instead of reading garbage', async () => {
    await expect(decodeNodeList(Buffer.from('{"items":[]}'))).rejects.toThrow(ProtobufError);
    const whole = kubernetesBody(node('n', { a: 'b' }, [], {}));
    // Cut inside the list (the envelope's content type, 37 bytes, comes after it).
    await expect(decodeNodeList(whole.subarray(0, whole.length - 40))).rejects.toThrow(/past the end/);
    expect(() => kubernetesObject(Buffer.from([0x6b, 0x38, 0x73, 0x00, ...text(4, 'x')]))).toThrow(/carries no object/);
  });
});

describe('protobuf reader', () => {
  it('reads varints up to 2^53 and refuses longer or cut ones', () => {
    expect(new ProtoReader(Buffer.from(varint(2 ** 53 - 1))).varint()).toBe(2 ** 53 - 1);
    expect(new ProtoReader(Buffer.from(varint(300))).varint()).toBe(300);
    expect(() => new ProtoReader(Buffer.from([0x80, 0x80])).varint()).toThrow(/past the end/);
    expect(() => new ProtoReader(Buffer.from(Array(9).fill(0xff))).varint()).toThrow(/longer/);
  });
  it('passes over a ten-byte int64 varint, and refuses one cut short', () => {
    const negative = [...key(7, 0), ...Array(9).fill(0xff), 0x01, ...key(1, 2), 1, 0x61];
    const reader = new ProtoReader(Buffer.from(negative));
    reader.nextField();
    reader.skip();
    expect(reader.nextField()).toBe(1);
    expect(reader.string()).toBe('a');
    const cut = new ProtoReader(Buffer.from([...key(7, 0), 0xff, 0xff]));
    cut.nextField();
    expect(() => cut.skip()).toThrow(/past the end/);
  });
  it('refuses a wire type it cannot pass over, and a string read from a number field', () => {
    const groupStart = new ProtoReader(Buffer.from(key(1, 3)));
    groupStart.nextField();
    expect(() => groupStart.skip()).toThrow(/wire type 3/);
    const number = new ProtoReader(Buffer.from([...key(1, 0), 5]));
    number.nextField();
    expect(() => number.string()).toThrow(/length-delimited/);
  });
});
