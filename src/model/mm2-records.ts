// MirrorMaker 2's internal records, decoded. A disaster-recovery failover moves a consumer group to
// the target cluster at the offsets MirrorMaker translated for it: the latest checkpoint of each
// (group, topic, partition). Offset syncs explain a translation, heartbeats say whether a flow is
// alive, and the Connect offsets topic holds where replication resumes (the rebuild trap).
//
// Formats as Kafka 3.9 writes them (apache/kafka, branch 3.9):
//   connect/mirror-client/.../mirror/Checkpoint.java, Heartbeat.java; connect/mirror/.../mirror/OffsetSync.java
//   (Kafka protocol types: INT16/INT32/INT64 big-endian; STRING = INT16 byte length + UTF-8;
//   keys carry no version header; offset syncs carry none at all);
//   source offsets: MirrorUtils.wrapPartition/wrapOffset, written by Connect's OffsetStorageWriter
//   as [connector, partition] through JsonConverter with schemas.enable=false (Worker.java).
// Like Kafka's Schema.read, bytes after the last field are ignored.

export class Mm2RecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Mm2RecordError";
  }
}

export interface Checkpoint {
  group: string;
  topic: string;
  partition: number;
  /** The group's committed offset on the source cluster. */
  upstreamOffset: number;
  /** That offset translated to the target cluster: where the group resumes after failover. */
  downstreamOffset: number;
  metadata: string;
}

export interface OffsetSync { topic: string; partition: number; upstreamOffset: number; downstreamOffset: number }

export interface Heartbeat { sourceClusterAlias: string; targetClusterAlias: string; timestamp: number }

export interface SourceOffsetKey { connector: string; cluster?: string; topic: string; partition: number }

/** The only value/heartbeat version Kafka 3.9 writes or reads. */
const VERSION = 0;
const MAX_STRING_BYTES = 0x7fff;

class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer, private readonly what: string) {}

  private take(n: number, field: string): number {
    if (this.pos + n > this.buf.length) {
      throw new Mm2RecordError(`${this.what} is too short: ${field} needs ${n} bytes at byte ${this.pos}, ${this.buf.length - this.pos} left`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int16(field: string): number { return this.buf.readInt16BE(this.take(2, field)); }
  int32(field: string): number { return this.buf.readInt32BE(this.take(4, field)); }

  int64(field: string): number {
    const v = this.buf.readBigInt64BE(this.take(8, field));
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new Mm2RecordError(`${this.what}: ${field} ${v} is beyond 2^53`);
    }
    return Number(v);
  }

  string(field: string): string {
    const n = this.int16(`the length of ${field}`);
    if (n < 0) throw new Mm2RecordError(`${this.what}: ${field} has a negative length ${n}`);
    const at = this.take(n, field);
    return this.buf.toString("utf8", at, at + n);
  }

  version(): void {
    const v = this.int16("the version");
    if (v !== VERSION) throw new Mm2RecordError(`${this.what} has version ${v}; only version ${VERSION} is known (Kafka 3.9)`);
  }
}

class Writer {
  private readonly parts: Buffer[] = [];

  int16(v: number): this { return this.fixed(2, (b) => b.writeInt16BE(v)); }
  int32(v: number): this { return this.fixed(4, (b) => b.writeInt32BE(v)); }
  int64(v: number): this {
    if (!Number.isSafeInteger(v)) throw new Mm2RecordError(`offset ${v} is not an integer below 2^53`);
    return this.fixed(8, (b) => b.writeBigInt64BE(BigInt(v)));
  }

  string(v: string): this {
    const bytes = Buffer.from(v, "utf8");
    if (bytes.length > MAX_STRING_BYTES) throw new Mm2RecordError(`a string of ${bytes.length} bytes is longer than Kafka's ${MAX_STRING_BYTES}`);
    this.int16(bytes.length);
    this.parts.push(bytes);
    return this;
  }

  done(): Buffer { return Buffer.concat(this.parts); }

  private fixed(n: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(n);
    write(b);
    this.parts.push(b);
    return this;
  }
}

/** Key: group STRING, topic STRING, partition INT32 (no version header). */
export function decodeCheckpointKey(key: Buffer): Pick<Checkpoint, "group" | "topic" | "partition"> {
  const r = new Reader(key, "checkpoint key");
  return { group: r.string("group"), topic: r.string("topic"), partition: r.int32("partition") };
}

/** Value: version INT16 (0), upstreamOffset INT64, offset INT64, metadata STRING. */
export function decodeCheckpoint(key: Buffer, value: Buffer): Checkpoint {
  const r = new Reader(value, "checkpoint value");
  r.version();
  const upstreamOffset = r.int64("upstreamOffset");
  const downstreamOffset = r.int64("offset");
  const metadata = r.string("metadata");
  return { ...decodeCheckpointKey(key), upstreamOffset, downstreamOffset, metadata };
}

export function encodeCheckpointKey(c: Pick<Checkpoint, "group" | "topic" | "partition">): Buffer {
  return new Writer().string(c.group).string(c.topic).int32(c.partition).done();
}

export function encodeCheckpoint(c: Checkpoint): { key: Buffer; value: Buffer } {
  const value = new Writer().int16(VERSION).int64(c.upstreamOffset).int64(c.downstreamOffset).string(c.metadata).done();
  return { key: encodeCheckpointKey(c), value };
}

/** Key: topic STRING, partition INT32. Value: upstreamOffset INT64, offset INT64. No version anywhere. */
export function decodeOffsetSync(key: Buffer, value: Buffer): OffsetSync {
  const k = new Reader(key, "offset-sync key");
  const topic = k.string("topic");
  const partition = k.int32("partition");
  const v = new Reader(value, "offset-sync value");
  return { topic, partition, upstreamOffset: v.int64("upstreamOffset"), downstreamOffset: v.int64("offset") };
}

export function encodeOffsetSync(s: OffsetSync): { key: Buffer; value: Buffer } {
  return {
    key: new Writer().string(s.topic).int32(s.partition).done(),
    value: new Writer().int64(s.upstreamOffset).int64(s.downstreamOffset).done(),
  };
}

/** Key: sourceClusterAlias STRING, targetClusterAlias STRING. Value: version INT16 (0), timestamp INT64. */
export function decodeHeartbeat(key: Buffer, value: Buffer): Heartbeat {
  const k = new Reader(key, "heartbeat key");
  const sourceClusterAlias = k.string("sourceClusterAlias");
  const targetClusterAlias = k.string("targetClusterAlias");
  const v = new Reader(value, "heartbeat value");
  v.version();
  return { sourceClusterAlias, targetClusterAlias, timestamp: v.int64("timestamp") };
}

export function encodeHeartbeat(h: Heartbeat): { key: Buffer; value: Buffer } {
  return {
    key: new Writer().string(h.sourceClusterAlias).string(h.targetClusterAlias).done(),
    value: new Writer().int16(VERSION).int64(h.timestamp).done(),
  };
}

function parseJson(buf: Buffer, what: string): unknown {
  try {
    return JSON.parse(buf.toString("utf8"));
  } catch (e) {
    throw new Mm2RecordError(`${what} is not JSON: ${(e as Error).message}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A Connect offsets-topic key, `["<connector>",{"cluster":"A","topic":"t","partition":0}]`, when it
 * is a MirrorSourceTask position; undefined for other connectors' keys (checkpoint connector:
 * {group, topic, partition}; heartbeat connector: {sourceClusterAlias, targetClusterAlias}).
 * Throws when the key is not Connect's [name, object] JSON at all.
 */
export function decodeSourceOffsetKey(key: Buffer): SourceOffsetKey | undefined {
  const k = parseJson(key, "offsets-topic key");
  if (!Array.isArray(k) || k.length !== 2 || typeof k[0] !== "string" || !isObject(k[1])) {
    throw new Mm2RecordError(`offsets-topic key is not Connect's ["connector", {partition}]: ${key.toString("utf8").slice(0, 200)}`);
  }
  const [connector, p] = k as [string, Record<string, unknown>];
  if ("group" in p || typeof p.topic !== "string" || !Number.isInteger(p.partition)) return undefined;
  if (p.cluster !== undefined && typeof p.cluster !== "string") return undefined;
  return { connector, ...(p.cluster !== undefined ? { cluster: p.cluster as string } : {}), topic: p.topic, partition: p.partition as number };
}

/**
 * A Connect offsets-topic value `{"offset":N}`: the upstream offset of the last record the task
 * replicated (it resumes at N + 1). Undefined for a tombstone (offsets reset) or a missing offset.
 */
export function decodeSourceOffsetValue(value: Buffer | null): number | undefined {
  if (value === null) return undefined;
  const v = parseJson(value, "offsets-topic value");
  if (!isObject(v)) throw new Mm2RecordError(`offsets-topic value is not a JSON object: ${value.toString("utf8").slice(0, 200)}`);
  if (v.offset === undefined || v.offset === null) return undefined;
  if (!Number.isSafeInteger(v.offset)) throw new Mm2RecordError(`offsets-topic value has offset ${String(v.offset)}, not an integer below 2^53`);
  return v.offset as number;
}
