// Reads MirrorMaker 2's internal topics off a cluster, for disaster recovery: the checkpoints a
// failover commits, the positions replication resumes from, the heartbeats that say a flow lives.
// No consumer group: Metadata, ListOffsets and Fetch go straight to the partition leaders, so the
// reader needs only Read (and Describe) on the topic and leaves nothing behind on the cluster.
// Reads are read_committed (MirrorMaker with exactly-once source writes these topics in
// transactions), from the log start to the end offsets seen when the read began.
import { Kafka } from "kafkajs";
import { kafkaConfig, type ClientOptions } from "./cluster";
import { ClusterError, toClusterError } from "./errors";
import { API, connectBroker, createCluster, errorFromCode, sendRaw, type RawBroker, type RawCluster, type RawMetadata } from "./kafkajs-internals";
import { within } from "./wait";
import {
  Mm2RecordError, decodeCheckpoint, decodeHeartbeat, decodeSourceOffsetKey, decodeSourceOffsetValue, type Checkpoint, type Heartbeat,
} from "../model/mm2-records";

export interface TopicRecord { partition: number; offset: string; key: Buffer | null; value: Buffer | null; timestamp: string }

/** Where MirrorSourceTask resumes a source partition: after `offset`, the last upstream offset it replicated. */
export interface SourcePosition {
  connector: string;
  cluster?: string;
  topic: string;
  partition: number;
  offset: number;
  /** The record's key as stored: a tombstone with these bytes (to `storedAt.partition`) clears the position. */
  key: Buffer;
  storedAt: { partition: number; offset: string };
}

/** Called for a record that is not of the topic's format (skipped, as MirrorClient skips it). */
export type OnUndecodable = (record: TopicRecord, error: Mm2RecordError) => void;

const READ_COMMITTED = 1;
const EARLIEST = -2;
const LATEST = -1; // with read_committed: the last stable offset
const PARTITION_BYTES = 1 << 20;
/** A fetch that returns no record past its offset is retried with more room up to this, then the rest counts as compacted away. */
const MAX_PARTITION_BYTES = 16 << 20;

interface RawListOffsets { responses: { topic: string; partitions: { partition: number; errorCode: number; offset: string }[] }[] }
interface FetchedRecord {
  offset: string; key: Buffer | null; value: Buffer | null; timestamp: string; isControlRecord: boolean;
  /** Absent for a legacy (magic 0/1) message set. */
  batchContext?: { firstOffset: string; lastOffsetDelta: number; producerId: string; inTransaction: boolean };
}
interface RawFetch {
  responses: { topicName: string; partitions: { partition: number; abortedTransactions: { producerId: string; firstOffset: string }[]; messages: FetchedRecord[] }[] }[];
}

interface Progress { next: number; end: number; maxBytes: number; records: TopicRecord[] }

/** The records of committed transactions (and of none), without control records; as Kafka's consumer filters a fetch. */
function committedOnly(messages: FetchedRecord[], aborted: RawFetch["responses"][number]["partitions"][number]["abortedTransactions"]): FetchedRecord[] {
  const pending = [...(aborted ?? [])].sort((a, b) => Number(a.firstOffset) - Number(b.firstOffset));
  const abortedProducers = new Set<string>();
  return messages.filter((m) => {
    while (pending.length > 0 && Number(pending[0].firstOffset) <= Number(m.offset)) abortedProducers.add(pending.shift()!.producerId);
    const { producerId, inTransaction } = m.batchContext ?? { producerId: "-1", inTransaction: false }; // a legacy message set has none
    if (m.isControlRecord) {
      // Control key: version INT16, type INT16 (0 = ABORT, 1 = COMMIT).
      if (m.key && m.key.length >= 4 && m.key.readInt16BE(2) === 0) abortedProducers.delete(producerId);
      return false;
    }
    return !(inTransaction && abortedProducers.has(producerId));
  });
}

/**
 * Every record of `topic` from the log start to the end offsets found at the start, by partition
 * and offset. Fails with kind "unknown-topic" when the topic does not exist, and kind "timeout"
 * (naming how far it got) when `timeoutMs` runs out; retries leader moves meanwhile.
 */
export async function readTopicToEnd(opts: ClientOptions, topic: string, timeoutMs: number): Promise<TopicRecord[]> {
  return readTopic(opts, topic, timeoutMs);
}

/** The last `tail` offsets of each partition (fewer records where some are transaction markers). */
export async function readTopicTail(opts: ClientOptions, topic: string, tail: number, timeoutMs: number): Promise<TopicRecord[]> {
  return readTopic(opts, topic, timeoutMs, (_p, _low, high) => ({ from: high - tail, to: high }));
}

/** The offsets [from, to) of the partitions `at` names (clamped to the log), e.g. one record at a stored position. */
export async function readTopicRange(opts: ClientOptions, topic: string, at: Map<number, { from: number; to: number }>, timeoutMs: number): Promise<TopicRecord[]> {
  return readTopic(opts, topic, timeoutMs, (p, low, high) => at.get(p) ?? { from: high, to: high });
}

type Range = (partition: number, low: number, high: number) => { from: number; to: number };

async function readTopic(opts: ClientOptions, topic: string, timeoutMs: number, range?: Range): Promise<TopicRecord[]> {
  const deadline = Date.now() + timeoutMs;
  const ctx = { action: "read", topic, principal: opts.principal ?? opts.identity?.scram?.username ?? "anonymous" };
  const kafka = new Kafka(kafkaConfig({ clientId: "kafka-platform-dr-reader", ...opts }));
  let cluster: RawCluster | undefined;
  const leaders = new Set<RawBroker>();
  /** Bumped when an attempt is abandoned: its stragglers stop instead of racing the next one. */
  let generation = 0;
  /** By partition, from the first time its end offset was read. */
  const parts = new Map<number, Progress>();
  let lastError: string | undefined;

  const timedOut = () => {
    const open = [...parts].filter(([, p]) => p.next < p.end);
    const where = parts.size === 0 ? "its end offsets were not read yet"
      : `${parts.size - open.length} of ${parts.size} partitions read to the end; ${open.slice(0, 5).map(([id, p]) => `partition ${id} at ${p.next} of ${p.end}`).join(", ")}${open.length > 5 ? ", …" : ""}`;
    return new ClusterError("timeout", `timed out after ${timeoutMs / 1000} s reading topic '${topic}': ${where}${lastError ? `; last error: ${lastError}` : ""}`, true, "READ_TIMEOUT");
  };
  const step = async <T>(op: () => Promise<T>): Promise<T> => {
    const left = deadline - Date.now();
    if (left <= 0) throw timedOut();
    try {
      return await within(left, op, "the cluster");
    } catch (e) {
      throw e instanceof ClusterError && e.code === "PROBE_TIMEOUT" ? timedOut() : toClusterError(e, ctx);
    }
  };
  const disconnect = async () => {
    const open = [...leaders];
    leaders.clear();
    await Promise.all(open.map((b) => b.disconnect().catch(() => undefined)));
    await cluster?.disconnect().catch(() => undefined);
    cluster = undefined;
  };
  const done = (id: number) => { const p = parts.get(id); return !!p && p.next >= p.end; };

  /** Reads one leader's partitions to their ends. */
  const readFrom = async (broker: RawBroker, ps: number[], gen: number): Promise<void> => {
    const list = async (timestamp: number, of: number[]) => {
      if (of.length === 0) return new Map<number, number>();
      const r = await step(() => sendRaw<RawListOffsets>(broker, API.ListOffsets, { isolationLevel: READ_COMMITTED, topics: [{ topic, partitions: of.map((partition) => ({ partition, timestamp })) }] }));
      const all = r.responses.flatMap((x) => x.partitions);
      const failed = all.find((p) => p.errorCode);
      if (failed) throw toClusterError(errorFromCode(failed.errorCode), ctx);
      return new Map(all.map((p) => [p.partition, Number(p.offset)]));
    };
    const ends = await list(LATEST, ps.filter((id) => !parts.has(id)));
    const starts = await list(EARLIEST, ps);
    if (gen !== generation) return;
    for (const id of ps) {
      const fresh = !parts.has(id);
      const p = parts.get(id) ?? { next: 0, end: ends.get(id)!, maxBytes: PARTITION_BYTES, records: [] };
      if (fresh && range) {
        const r = range(id, starts.get(id)!, p.end);
        p.next = Math.max(0, r.from);
        p.end = Math.max(p.next, Math.min(p.end, r.to));
      }
      p.next = Math.max(p.next, starts.get(id)!); // the log start may have moved past us (retention, DeleteRecords)
      parts.set(id, p);
    }
    for (let open = ps.filter((id) => !done(id)); open.length > 0; open = ps.filter((id) => !done(id))) {
      const r = await step(() => broker.fetch({
        replicaId: -1, isolationLevel: READ_COMMITTED, maxWaitTime: 500, minBytes: 1, maxBytes: MAX_PARTITION_BYTES,
        topics: [{ topic, partitions: open.map((id) => ({ partition: id, fetchOffset: String(parts.get(id)!.next), maxBytes: parts.get(id)!.maxBytes })) }],
      }) as Promise<RawFetch>);
      if (gen !== generation) return;
      for (const fp of r.responses.flatMap((x) => x.partitions)) {
        const p = parts.get(fp.partition);
        if (!p) continue;
        const from = p.next;
        // Past the last batch returned, control and aborted records included.
        const reached = fp.messages.reduce((n, m) => Math.max(n, Number(m.offset) + 1, m.batchContext ? Number(m.batchContext.firstOffset) + m.batchContext.lastOffsetDelta + 1 : 0), from);
        if (reached === from) {
          // Only empty (compacted) batches fitted: give the next batch room, or conclude nothing is left.
          if (p.maxBytes < MAX_PARTITION_BYTES) p.maxBytes *= 2;
          else p.next = p.end;
          continue;
        }
        for (const m of committedOnly(fp.messages, fp.abortedTransactions)) {
          const o = Number(m.offset);
          if (o >= from && o < p.end) p.records.push({ partition: fp.partition, offset: m.offset, key: m.key, value: m.value, timestamp: m.timestamp });
        }
        p.next = reached;
      }
    }
  };

  /** One attempt: metadata, then each leader's partitions read to their ends. */
  const attempt = async (gen: number): Promise<void> => {
    const c = (cluster = createCluster(kafka));
    await step(() => c.connect());
    const md = await step(() => sendRaw<RawMetadata>(c.brokerPool.seedBroker, API.Metadata, { topics: [topic], allowAutoTopicCreation: false }));
    const t = md.topicMetadata.find((x) => x.topic === topic);
    if (!t) throw toClusterError(errorFromCode(3 /* UNKNOWN_TOPIC_OR_PARTITION */), ctx);
    if (t.topicErrorCode) throw toClusterError(errorFromCode(t.topicErrorCode), ctx);
    const byLeader = new Map<number, number[]>();
    for (const p of t.partitionMetadata) {
      if (done(p.partitionId)) continue;
      if (!md.brokers.some((b) => b.nodeId === p.leader)) throw toClusterError(errorFromCode(5 /* LEADER_NOT_AVAILABLE */), ctx);
      byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p.partitionId]);
    }
    await Promise.all([...byLeader].map(async ([id, ps]) => {
      const b = md.brokers.find((x) => x.nodeId === id)!;
      // A connection that arrives after its attempt was abandoned is closed at once.
      const broker = await step(() => connectBroker(c, b.nodeId, b.host, b.port).then((x: RawBroker) => {
        if (gen !== generation) void x.disconnect().catch(() => undefined);
        else leaders.add(x);
        return x;
      }));
      await readFrom(broker, ps, gen);
    }));
  };

  try {
    for (let wait = 200; ; wait = Math.min(wait * 2, 2_000)) {
      try {
        await attempt(generation);
        break;
      } catch (e) {
        generation++;
        const err = toClusterError(e, ctx);
        const again = err.retriable || err.code === "OFFSET_OUT_OF_RANGE"; // out of range: re-read the log start
        if (err.code === "READ_TIMEOUT" || err.kind === "unknown-topic" || !again) throw err;
        lastError = err.message;
        await disconnect();
        if (deadline - Date.now() <= wait) throw timedOut();
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  } finally {
    generation++;
    await disconnect();
  }
  return [...parts].sort(([a], [b]) => a - b).flatMap(([, p]) => p.records);
}

/** The last record of each key (by its bytes, as compaction and Connect keep them); a tombstone removes its key. */
function latestByKey(records: TopicRecord[]): TopicRecord[] {
  const latest = new Map<string, TopicRecord>();
  for (const r of records) {
    if (!r.key) continue;
    const id = r.key.toString("hex");
    latest.delete(id); // keep the order of the last write
    if (r.value !== null) latest.set(id, r);
  }
  return [...latest.values()];
}

/** Decodes records that have a key and a value (as latestByKey leaves them). */
function decodeEach<T>(records: TopicRecord[], decode: (r: TopicRecord & { key: Buffer; value: Buffer }) => T | undefined, onUndecodable?: OnUndecodable): T[] {
  const out: T[] = [];
  for (const r of records) {
    try {
      const v = decode(r as TopicRecord & { key: Buffer; value: Buffer });
      if (v !== undefined) out.push(v);
    } catch (e) {
      if (!(e instanceof Mm2RecordError)) throw e;
      onUndecodable?.(r, e);
    }
  }
  return out;
}

/** The latest checkpoint of each (group, topic, partition) in `<sourceAlias>.checkpoints.internal`, sorted so. */
export async function readCheckpoints(opts: ClientOptions, sourceAlias: string, timeoutMs: number, onUndecodable?: OnUndecodable): Promise<Checkpoint[]> {
  const records = latestByKey(await readTopicToEnd(opts, `${sourceAlias}.checkpoints.internal`, timeoutMs));
  return decodeEach(records, (r) => decodeCheckpoint(r.key, r.value), onUndecodable)
    .sort((a, b) => a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/**
 * The stored MirrorSourceTask position of each source (topic, partition) in
 * `mm2-offsets.<sourceAlias>.internal`: MirrorSourceConnector's keys (any connector name; one per
 * connector where several mirror the same partition), skipping other clusters' and connectors'.
 */
export async function readSourceOffsets(opts: ClientOptions, sourceAlias: string, timeoutMs: number, onUndecodable?: OnUndecodable): Promise<SourcePosition[]> {
  const records = latestByKey(await readTopicToEnd(opts, `mm2-offsets.${sourceAlias}.internal`, timeoutMs));
  return decodeEach(records, (r): SourcePosition | undefined => {
    const k = decodeSourceOffsetKey(r.key);
    const offset = decodeSourceOffsetValue(r.value);
    if (!k || offset === undefined || (k.cluster !== undefined && k.cluster !== sourceAlias)) return undefined;
    return { ...k, offset, key: r.key, storedAt: { partition: r.partition, offset: r.offset } };
  }, onUndecodable).sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || a.connector.localeCompare(b.connector));
}

/** The latest heartbeat of each source cluster alias in the local `heartbeats` topic. */
export async function readHeartbeats(opts: ClientOptions, timeoutMs: number, onUndecodable?: OnUndecodable): Promise<Heartbeat[]> {
  const latest = new Map<string, Heartbeat>();
  for (const h of decodeEach(latestByKey(await readTopicToEnd(opts, "heartbeats", timeoutMs)), (r) => decodeHeartbeat(r.key, r.value), onUndecodable)) {
    if ((latest.get(h.sourceClusterAlias)?.timestamp ?? -Infinity) < h.timestamp) latest.set(h.sourceClusterAlias, h);
  }
  return [...latest.values()].sort((a, b) => a.sourceClusterAlias.localeCompare(b.sourceClusterAlias));
}
