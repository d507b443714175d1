// One look at a cluster's offsets and consumer groups, for the lag exporter. The number of
// requests grows with brokers and groups, never partitions × groups:
//   1 Metadata · 1 ListGroups per broker (a broker lists the groups it coordinates, so no
//   FindCoordinator is needed) · 1 DescribeGroups per coordinator · 1 OffsetFetch per group (all
//   its partitions at once) · 2 ListOffsets per partition leader (earliest and latest).
// Group offsets are read before the logs' end offsets, so lag computed from one snapshot is never
// negative for a healthy log. Errors stay data: a broker that cannot be reached costs its own
// part of the answer, named in `failures`, not the whole snapshot.
import { Kafka } from "kafkajs";
import { kafkaConfig, type ClientOptions } from "./cluster";
import { toClusterError, type ClusterError } from "./errors";
import { API, connectBroker, createCluster, decodeAssignment, errorFromCode, sendRaw, type RawBroker, type RawCluster, type RawMetadata } from "./kafkajs-internals";

export interface PartitionSnapshot {
  partition: number;
  /** -1 while the partition has no leader. */
  leader: number;
  replicas: number[];
  isr: number[];
  /** Log start and end (high watermark) offsets; null when the leader could not be asked. */
  oldest: number | null;
  latest: number | null;
  /** When the end offset was read (ms since the epoch). */
  readAt: number;
}

export interface TopicSnapshot { topic: string; partitions: PartitionSnapshot[] }

export interface GroupSnapshot {
  group: string;
  /** Stable, Empty, PreparingRebalance, CompletingRebalance, Dead. */
  state: string;
  protocolType: string;
  members: number;
  coordinator: number;
  /** Committed offsets (only partitions with a commit). */
  committed: { topic: string; partition: number; offset: number }[];
  /** Partitions the members were assigned (consumer protocol). */
  assigned: { topic: string; partition: number }[];
}

export interface SnapshotFailure { kind: string; detail: string }

export interface ClusterSnapshot {
  takenAt: number;
  brokers: number[];
  controller: number | null;
  topics: TopicSnapshot[];
  groups: GroupSnapshot[];
  /** Brokers whose groups are missing from this snapshot because they could not be asked. */
  unreachable: number[];
  failures: SnapshotFailure[];
  /** Requests sent to take this snapshot. */
  requests: number;
}

const READ_UNCOMMITTED = 0; // the high watermark, as consumers and kafka-consumer-groups see it
const EARLIEST = -2;
const LATEST = -1;
/** OffsetFetch requests in flight at once (they are small and answered from the coordinator's cache). */
const FETCH_CONCURRENCY = 32;
/**
 * Connections per broker. A broker answers one connection's requests one at a time, so one
 * connection makes a coordinator's hundreds of OffsetFetch requests a queue; a few spread them
 * over its request handlers.
 */
const CONNECTIONS_PER_BROKER = 4;

interface RawListOffsets { responses: { topic: string; partitions: { partition: number; errorCode: number; offset: string }[] }[] }
interface RawListGroups { errorCode: number; groups: { groupId: string; protocolType: string }[] }
interface RawDescribeGroups {
  groups: { errorCode: number; groupId: string; state: string; protocolType: string; members: { memberAssignment: Buffer }[] }[];
}
interface RawOffsetFetch { errorCode?: number; responses: { topic: string; partitions: { partition: number; offset: string; errorCode: number }[] }[] }

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A long-lived reader: keeps one connection per broker between snapshots. */
export class LagReader {
  private readonly kafka: Kafka;
  private cluster: RawCluster | undefined;
  private readonly connections = new Map<number, { address: string; brokers: RawBroker[] }>();
  private turn = 0;
  private requests = 0;

  constructor(private readonly opts: ClientOptions) {
    this.kafka = new Kafka(kafkaConfig({ clientId: "kafka-platform-lag-exporter", ...opts }));
  }

  private fail(e: unknown, action: string, extra: { topic?: string; group?: string } = {}): ClusterError {
    return toClusterError(e, { action, principal: this.opts.principal ?? this.opts.identity?.scram?.username ?? "anonymous", ...extra });
  }

  private async send<T>(broker: RawBroker, apiKey: number, args: object): Promise<T> {
    this.requests++;
    return sendRaw<T>(broker, apiKey, args);
  }

  private async seed(): Promise<RawBroker> {
    if (!this.cluster) {
      const c = createCluster(this.kafka);
      await c.connect();
      this.cluster = c;
    }
    const seed = this.cluster.brokerPool.seedBroker;
    if (!seed.isConnected()) await seed.connect();
    return seed;
  }

  /** The connections to broker `b` (opened, or re-opened when its address changed or one dropped). */
  private async broker(b: RawMetadata["brokers"][number]): Promise<RawBroker[]> {
    const address = `${b.host}:${b.port}`;
    const known = this.connections.get(b.nodeId);
    if (known && known.address === address && known.brokers.every((x) => x.isConnected())) return known.brokers;
    if (known) await Promise.all(known.brokers.map((x) => x.disconnect().catch(() => undefined)));
    this.connections.delete(b.nodeId);
    const brokers = await Promise.all(Array.from({ length: CONNECTIONS_PER_BROKER }, () => connectBroker(this.cluster, b.nodeId, b.host, b.port)));
    this.connections.set(b.nodeId, { address, brokers });
    return brokers;
  }

  /** Takes one snapshot. Throws (a ClusterError) only when the cluster's metadata cannot be read at all. */
  async snapshot(): Promise<ClusterSnapshot> {
    this.requests = 0;
    const failures: SnapshotFailure[] = [];
    const note = (e: ClusterError) => failures.push({ kind: e.kind, detail: e.message });
    let md: RawMetadata;
    try {
      md = await this.send<RawMetadata>(await this.seed(), API.Metadata, { topics: [], allowAutoTopicCreation: false });
    } catch (e) {
      // A broken seed connection is rebuilt on the next snapshot.
      await this.close();
      throw this.fail(e, "read the metadata of");
    }
    const byId = new Map(md.brokers.map((b) => [b.nodeId, b]));
    const reachable = new Map<number, RawBroker[]>();
    const unreachable: number[] = [];
    await Promise.all(md.brokers.map(async (b) => {
      try {
        reachable.set(b.nodeId, await this.broker(b));
      } catch (e) {
        unreachable.push(b.nodeId);
        note(this.fail(e, `connect to broker ${b.nodeId} of`));
      }
    }));

    const groups = await this.readGroups(reachable, unreachable, note);
    const topics = await this.readOffsets(md, byId, reachable, note);
    return {
      takenAt: Date.now(),
      brokers: md.brokers.map((b) => b.nodeId).sort((a, b) => a - b),
      controller: md.controllerId ?? null,
      topics,
      groups,
      unreachable: unreachable.sort((a, b) => a - b),
      failures,
      requests: this.requests,
    };
  }

  private async readGroups(reachable: Map<number, RawBroker[]>, unreachable: number[], note: (e: ClusterError) => void): Promise<GroupSnapshot[]> {
    const perBroker = await Promise.all([...reachable].map(async ([id, pool]) => {
      const broker = pool[0];
      try {
        const r = await this.send<RawListGroups>(broker, API.ListGroups, {});
        if (r.errorCode) throw errorFromCode(r.errorCode);
        if (r.groups.length === 0) return [];
        const d = await this.send<RawDescribeGroups>(broker, API.DescribeGroups, { groupIds: r.groups.map((g) => g.groupId) });
        return d.groups.filter((g) => {
          if (g.errorCode) note(this.fail(errorFromCode(g.errorCode), "describe", { group: g.groupId }));
          return !g.errorCode && g.state !== "Dead";
        }).map((g) => ({ g, id, pool }));
      } catch (e) {
        unreachable.push(id);
        note(this.fail(e, `list the groups on broker ${id} of`));
        return [];
      }
    }));
    const described = perBroker.flat();
    const groups = await mapLimit(described, FETCH_CONCURRENCY, async ({ g, id, pool }): Promise<GroupSnapshot | undefined> => {
      try {
        const r = await this.send<RawOffsetFetch>(pool[this.turn++ % pool.length], API.OffsetFetch, { groupId: g.groupId, topics: [] });
        if (r.errorCode) throw errorFromCode(r.errorCode);
        const committed = r.responses.flatMap((t) => t.partitions
          .filter((p) => !p.errorCode && Number(p.offset) >= 0)
          .map((p) => ({ topic: t.topic, partition: p.partition, offset: Number(p.offset) })));
        const assigned = g.members.flatMap((m) => decodeAssignment(m.memberAssignment))
          .flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })));
        return { group: g.groupId, state: g.state, protocolType: g.protocolType, members: g.members.length, coordinator: id, committed, assigned };
      } catch (e) {
        note(this.fail(e, "read the offsets of", { group: g.groupId }));
        return undefined;
      }
    });
    return groups.filter((g): g is GroupSnapshot => !!g).sort((a, b) => a.group.localeCompare(b.group));
  }

  private async readOffsets(md: RawMetadata, byId: Map<number, RawMetadata["brokers"][number]>, reachable: Map<number, RawBroker[]>, note: (e: ClusterError) => void): Promise<TopicSnapshot[]> {
    const topics = md.topicMetadata
      .filter((t) => {
        if (t.topicErrorCode) note(this.fail(errorFromCode(t.topicErrorCode), "describe", { topic: t.topic }));
        return !t.topicErrorCode;
      })
      .map((t): TopicSnapshot => ({
        topic: t.topic,
        partitions: t.partitionMetadata.map((p) => ({
          partition: p.partitionId, leader: p.leader, replicas: [...p.replicas].sort((a, b) => a - b), isr: [...p.isr].sort((a, b) => a - b),
          oldest: null, latest: null, readAt: 0,
        })).sort((a, b) => a.partition - b.partition),
      }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
    const index = new Map<string, PartitionSnapshot>();
    const byLeader = new Map<number, Map<string, number[]>>();
    for (const t of topics) {
      for (const p of t.partitions) {
        index.set(`${t.topic}/${p.partition}`, p);
        if (p.leader < 0 || !byId.has(p.leader)) continue;
        const m = byLeader.get(p.leader) ?? new Map<string, number[]>();
        m.set(t.topic, [...(m.get(t.topic) ?? []), p.partition]);
        byLeader.set(p.leader, m);
      }
    }
    await Promise.all([...byLeader].map(async ([leader, parts]) => {
      const pool = reachable.get(leader);
      if (!pool) return;
      // Earliest and latest on two connections: they are answered side by side.
      const ask = async (timestamp: number) => {
        const r = await this.send<RawListOffsets>(pool[timestamp === EARLIEST || pool.length === 1 ? 0 : 1], API.ListOffsets, {
          isolationLevel: READ_UNCOMMITTED,
          topics: [...parts].map(([topic, ps]) => ({ topic, partitions: ps.map((partition) => ({ partition, timestamp })) })),
        });
        return { r, at: Date.now() };
      };
      try {
        const [earliest, latest] = await Promise.all([ask(EARLIEST), ask(LATEST)]);
        for (const [{ r, at }, field] of [[earliest, "oldest"], [latest, "latest"]] as const) {
          for (const t of r.responses) {
            for (const p of t.partitions) {
              const s = index.get(`${t.topic}/${p.partition}`);
              if (!s) continue;
              if (p.errorCode) {
                note(this.fail(errorFromCode(p.errorCode), "read the offsets of", { topic: t.topic }));
                continue;
              }
              s[field] = Number(p.offset);
              if (field === "latest") s.readAt = at;
            }
          }
        }
      } catch (e) {
        note(this.fail(e, `read the log offsets on broker ${leader} of`));
      }
    }));
    return topics;
  }

  async close(): Promise<void> {
    const all = [...this.connections.values()].flatMap((c) => c.brokers);
    this.connections.clear();
    const cluster = this.cluster;
    this.cluster = undefined;
    await Promise.all(all.map((b) => b.disconnect().catch(() => undefined)));
    if (cluster) await cluster.disconnect().catch(() => undefined);
  }
}
