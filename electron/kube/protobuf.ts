/**
 * Just enough of the protobuf wire format to read the fields a caller names out of a Kubernetes
 * protobuf answer and pass over the rest without decoding it. A big list is mostly fields the app
 * never shows (managed fields, conditions, images); skipping them by their length is what makes
 * protobuf cheaper than JSON, which must parse everything.
 */

/** Kubernetes prefixes every protobuf body with these four bytes ("k8s\0"), then a runtime.Unknown. */
const KUBERNETES_MAGIC = [0x6b, 0x38, 0x73, 0x00];

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

/** Reads one message's fields in order; a length-delimited field is read as a string or as a nested message. */
export class ProtoReader {
  private readonly buffer: Buffer;
  private position: number;
  private readonly end: number;
  private wireType = -1;

  constructor(buffer: Buffer, start = 0, end = buffer.length) {
    this.buffer = buffer;
    this.position = start;
    this.end = end;
  }

  /** The next field's number, or undefined at the end of the message. Read or skip its value before asking again. */
  nextField(): number | undefined {
    if (this.position >= this.end) return undefined;
    const key = this.varint();
    this.wireType = key & 7;
    return key >>> 3;
  }

  /** A varint that fits a JavaScript number exactly (lengths, keys, small integers). */
  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 53; shift += 7) {
      if (this.position >= this.end) throw new ProtobufError('a varint runs past the end of its message');
      const byte = this.buffer[this.position++] ?? 0;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw new ProtobufError('a varint is longer than a length can be');
  }

  private lengthDelimited(): [start: number, end: number] {
    if (this.wireType !== WIRE_LENGTH_DELIMITED) throw new ProtobufError(`expected a length-delimited field, found wire type ${this.wireType}`);
    const length = this.varint();
    const start = this.position;
    if (start + length > this.end) throw new ProtobufError('a field runs past the end of its message');
    this.position = start + length;
    return [start, start + length];
  }

  /** Decoded in place: thousands of small strings, each through a view of its own, kept the collector busy. */
  string(): string {
    const [start, end] = this.lengthDelimited();
    return this.buffer.toString('utf8', start, end);
  }

  message(): ProtoReader {
    const [start, end] = this.lengthDelimited();
    return new ProtoReader(this.buffer, start, end);
  }

  /**
   * A nested message, with its bytes as a string of one character per byte (not decoded): tells a
   * message seen before (a label most nodes have) from a new one without decoding it again.
   */
  messageWithBytes(): [message: ProtoReader, bytes: string] {
    const [start, end] = this.lengthDelimited();
    return [new ProtoReader(this.buffer, start, end), this.buffer.toString('latin1', start, end)];
  }

  /** Passes over the current field's value, whatever its type. */
  skip(): void {
    switch (this.wireType) {
      case WIRE_VARINT: {
        // Not varint(): an int64 field may take ten bytes, more than a length ever does.
        let byte: number;
        do {
          if (this.position >= this.end) throw new ProtobufError('a varint runs past the end of its message');
          byte = this.buffer[this.position++] ?? 0;
        } while (byte >= 0x80);
        return;
      }
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_LENGTH_DELIMITED:
        this.lengthDelimited();
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      default:
        throw new ProtobufError(`unsupported wire type ${this.wireType}`);
    }
  }

  private advance(bytes: number): void {
    if (this.position + bytes > this.end) throw new ProtobufError('a field runs past the end of its message');
    this.position += bytes;
  }

  /** A map<string, V> entry (key = 1, value = 2): the key and a reader spanning the value's bytes. */
  mapEntry(): [key: string, value: ProtoReader] {
    const entry = this.message();
    let key = '';
    let value = new ProtoReader(this.buffer, 0, 0);
    for (let field = entry.nextField(); field !== undefined; field = entry.nextField()) {
      if (field === 1) key = entry.string();
      else if (field === 2) value = entry.message();
      else entry.skip();
    }
    return [key, value];
  }

  /** This reader's message as a map<string, string> entry (key = 1, value = 2). */
  stringPair(): [key: string, value: string] {
    let key = '';
    let value = '';
    for (let field = this.nextField(); field !== undefined; field = this.nextField()) {
      if (field === 1) key = this.string();
      else if (field === 2) value = this.string();
      else this.skip();
    }
    return [key, value];
  }
}

/**
 * The object inside a Kubernetes protobuf body: checks the magic prefix and unwraps the
 * runtime.Unknown envelope (raw = 2), which carries the encoded object.
 */
export function kubernetesObject(body: Buffer): ProtoReader {
  if (body.length < KUBERNETES_MAGIC.length || KUBERNETES_MAGIC.some((byte, i) => body[i] !== byte)) {
    throw new ProtobufError('the answer is not a Kubernetes protobuf object (no "k8s" prefix)');
  }
  const envelope = new ProtoReader(body, KUBERNETES_MAGIC.length);
  for (let field = envelope.nextField(); field !== undefined; field = envelope.nextField()) {
    if (field === 2) return envelope.message();
    envelope.skip();
  }
  throw new ProtobufError('the Kubernetes protobuf envelope carries no object');
}
