// The cluster client: the only code that imports kafkajs. Tools, the smoke test, the roll's gates
// and tests talk to a cluster through this small surface, and every failure leaves it as a
// ClusterError (errors.ts). Moving off kafkajs means rewriting this folder only.
//
// Imports are named and from "crypto", not "node:crypto": the roll's gate runs this code inside
// Pulumi's dynamic provider, whose closure serializer must recognise every module it captures.
import { Kafka, logLevel, type Admin, type Consumer, type KafkaConfig, type Producer } from "kafkajs";
import { ClusterError, toClusterError, type ErrorContext } from "./errors";
import { API, connectBroker, createCluster, errorFromCode, sendRaw, type RawBroker, type RawCluster, type RawConfigResource, type RawMetadata } from "./kafkajs-internals";

/** How a client proves who it is: plaintext (nothing), TLS with a CA, plus SCRAM or a certificate. */
export interface Identity {
  /** PEM bundle of the CAs to trust; TLS is on when set. */
  ca?: string;
  certificate?: string;
  privateKey?: string;
  /** SCRAM-SHA-512 credentials, on a SASL_SSL listener. */
  scram?: { username: string; password: string };
}

export interface ClientOptions {
  bootstrapServers: string[];
  identity?: Identity;
  /** Who this client is, for messages ("as 'my-consumer'"). */
  principal?: string;
  clientId?: string;
  /** Per connection; kafkajs' default of 1 s is too tight for a busy 2-core machine. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Retries of a retriable request; 0 for probes that expect a refusal. */
  retries?: number;
}

export interface PartitionState { id: number; leader: number; replicas: number[]; isr: number[] }
export interface TopicState { name: string; partitions: PartitionState[] }
export interface Message {
  key?: string; value: string;
  /** CreateTime, ms since the epoch (default: now). */ timestamp?: number;
  /** A partition of the producer's choosing (default: by key). */ partition?: number;
}
export interface Received {
  topic: string; partition: number; offset: string; key?: string; value: string;
  /** The record's timestamp (CreateTime, kept by MirrorMaker), ms since the epoch. */ timestamp: number;
}

export interface ProducerHandle {
  /** Sends with acks=all unless told otherwise; resolves once acknowledged. */
  send(topic: string, messages: Message[], acks?: -1 | 0 | 1): Promise<void>;
  close(): Promise<void>;
}

export interface ConsumeOptions {
  topic: string;
  /** Several topics in one subscription (a group reading a topic and its mirror): `topic` is then only for messages. */
  topics?: string[];
  /** Default: a fresh group of this run. */
  group?: string;
  fromBeginning?: boolean;
  /** Default true; false reads without moving the group's offsets. */
  autoCommit?: boolean;
  /** Return true to stop. */
  onMessage: (m: Received) => boolean | void | Promise<boolean | void>;
  /** Stop after this long without a message, once the first fetch came back (default: never). */
  idleMs?: number;
  /** Stop, successfully, after this long in all (default: never; the caller bounds the wait). */
  maxMs?: number;
  /** Called once the first fetch came back (the consumer is reading). */
  onFirstFetch?: () => void;
  /** Fail (kind timeout) when no fetch came back within this long: a join that never completes. */
  firstFetchTimeoutMs?: number;
  /** An abort (Ctrl-C) stops the consumer and resolves normally. */
  signal?: AbortSignal;
  /** Called after each successful commit with the offsets committed (the next to read). kafkajs reports partitions as strings: converted. */
  onCommit?: (offsets: { topic: string; partition: number; offset: number }[]) => void;
  /**
   * Given, the consumer behaves like a long-running application: after a retriable crash (a
   * coordinator moving or still loading) kafkajs restarts it, and this hears the cause. Absent,
   * a check fails on the first crash and names its cause.
   */
  onRetriableCrash?: (cause: string) => void;
}

const SECRETS = /password|privateKey|BEGIN [A-Z ]*PRIVATE KEY/;
/** kafkajs settings for these options: timeouts, retries, TLS and SASL. */
export function kafkaConfig(opts: ClientOptions): KafkaConfig {
  const id = opts.identity;
  return {
    brokers: opts.bootstrapServers,
    clientId: opts.clientId ?? "kafka-platform",
    connectionTimeout: opts.connectionTimeoutMs ?? 5_000,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    retry: { retries: opts.retries ?? 5, initialRetryTime: 200, maxRetryTime: 5_000 },
    logLevel: logLevel.NOTHING,
    ...(id?.ca ? { ssl: { ca: [id.ca], cert: id.certificate, key: id.privateKey } } : {}),
    ...(id?.scram ? { sasl: { mechanism: "scram-sha-512" as const, ...id.scram } } : {}),
  };
}

// Fields are assigned in the constructor, none by initializer: Pulumi's closure serializer (the
// roll's gate runs this class inside a dynamic provider) drops class-field initializers.
export class ClusterClient {
  private readonly kafka: Kafka;
  private adminClient: Admin | undefined;
  private readonly open: Set<{ disconnect(): Promise<void> }>;
  private readonly opts: ClientOptions;
  readonly principal: string;
  private readonly transport: { tls: boolean; sasl: boolean };

  constructor(opts: ClientOptions) {
    this.opts = opts;
    this.open = new Set();
    this.adminClient = undefined;
    const id = opts.identity;
    this.principal = opts.principal ?? id?.scram?.username ?? "anonymous";
    this.transport = { tls: !!id?.ca, sasl: !!id?.scram };
    this.kafka = new Kafka(kafkaConfig(opts));
  }

  /** The same cluster as another principal (or with other patience). */
  as(identity: Identity | undefined, principal: string, overrides: Partial<ClientOptions> = {}): ClusterClient {
    return new ClusterClient({ ...this.opts, identity, principal, ...overrides });
  }

  /** Runs `op`, turning whatever it throws into a ClusterError that names the action and principal. */
  private async run<T>(c: ErrorContext, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      throw await this.explain(e, c);
    }
  }

  private async explain(e: unknown, c: ErrorContext): Promise<ClusterError> {
    const ctx = { principal: this.principal, transport: this.transport, ...c };
    // kafkajs swallows the broker's answer to FindCoordinator (GROUP_AUTHORIZATION_FAILED among
    // them) and reports "Failed to find group coordinator": ask the broker again, directly.
    if (c.group && (e as Error)?.name === "KafkaJSGroupCoordinatorNotFound") {
      const answer = await this.coordinatorAnswer(c.group);
      if (answer) return toClusterError(answer, ctx);
    }
    const err = toClusterError(e, ctx);
    // A message never carries a credential, whatever a library put in it.
    return SECRETS.test(err.message) ? new ClusterError(err.kind, `${err.kind} error (details withheld: they contained a credential)`, err.retriable, err.code) : err;
  }

  /** A bare kafkajs cluster connected to one random bootstrap server, disconnected afterwards. */
  private async withSeedBroker<T>(fn: (broker: RawBroker, cluster: RawCluster) => Promise<T>): Promise<T> {
    const cluster = createCluster(this.kafka);
    try {
      await cluster.connect();
      return await fn(cluster.brokerPool.seedBroker, cluster);
    } finally {
      await cluster.disconnect().catch(() => undefined);
    }
  }

  /** The broker's own error for FindCoordinator(group) (any broker answers it), or undefined when it found one. */
  private async coordinatorAnswer(group: string): Promise<unknown> {
    return this.withSeedBroker((broker) => broker.findGroupCoordinator({ groupId: group, coordinatorType: 0 })).then(() => undefined, (e) => e);
  }

  private async admin(): Promise<Admin> {
    if (!this.adminClient) {
      const a = this.kafka.admin();
      await this.run({ action: "connect to" }, () => a.connect());
      this.adminClient = a;
    }
    return this.adminClient;
  }

  /**
   * One Metadata request, answered as the broker sent it. kafkajs' own metadata calls (admin
   * describeCluster, listTopics, fetchTopicMetadata) ask for every topic and throw on the first
   * partition without a leader — so while one broker is down they all fail, exactly when someone
   * needs the answer. This keeps partition errors as data. Each call has a fresh connection to a
   * random bootstrap server, so one hung broker cannot hold every probe.
   */
  private async metadata(topics: string[] | null): Promise<RawMetadata> {
    // An empty list means "every topic" to kafkajs (it encodes [] as null).
    return this.withSeedBroker((broker) => sendRaw<RawMetadata>(broker, API.Metadata, { topics: topics ?? [], allowAutoTopicCreation: false }));
  }

  async describeCluster(): Promise<{ brokers: number[]; controller: number | null }> {
    return this.run({ action: "describe" }, async () => {
      const md = await this.metadata(null);
      return { brokers: md.brokers.map((b) => b.nodeId).sort((a, b) => a - b), controller: md.controllerId ?? null };
    });
  }

  /** Every topic, Kafka's internal ones (__consumer_offsets) included. */
  async listTopics(): Promise<string[]> {
    return this.run({ action: "list the topics of" }, async () => (await this.metadata(null)).topicMetadata.map((t) => t.topic).sort());
  }

  /** Partitions, leaders, replicas and ISRs; a partition without a leader has leader -1. */
  async describeTopics(names: string[]): Promise<TopicState[]> {
    if (names.length === 0) return [];
    return this.run({ action: "describe", topic: names.length === 1 ? names[0] : undefined }, async () => {
      const md = await this.metadata(names);
      const failed = md.topicMetadata.find((t) => t.topicErrorCode !== 0);
      if (failed) {
        throw toClusterError(errorFromCode(failed.topicErrorCode), { action: "describe", topic: failed.topic, principal: this.principal });
      }
      return md.topicMetadata.map((t) => ({
        name: t.topic,
        partitions: t.partitionMetadata
          .map((p) => ({ id: p.partitionId, leader: p.leader, replicas: [...p.replicas].sort((a, b) => a - b), isr: [...p.isr].sort((a, b) => a - b) }))
          .sort((a, b) => a.id - b.id),
      })).sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
    });
  }

  /**
   * The topics' config values as the brokers report them (defaults included). Asked raw of one
   * broker: kafkajs' admin first refreshes metadata and fails while any partition has no leader
   * (a replication-factor-1 partition on a stopped broker) — exactly when the roll's guard asks.
   */
  async topicConfigs(names: string[]): Promise<Record<string, Record<string, string>>> {
    if (names.length === 0) return {};
    return this.run({ action: "describe the configs of", topic: names.length === 1 ? names[0] : undefined }, async () =>
      Object.fromEntries((await this.rawTopicConfigs(names)).map((res) => [res.resourceName,
        Object.fromEntries(res.configEntries.map((e) => [e.configName, e.configValue ?? ""]))])));
  }

  private async rawTopicConfigs(names: string[]): Promise<RawConfigResource[]> {
    const r = await this.withSeedBroker((broker) => sendRaw<{ resources: RawConfigResource[] }>(broker, API.DescribeConfigs, {
      // No config names: kafkajs encodes an empty list as null, "every config".
      resources: names.map((name) => ({ type: 2 /* TOPIC */, name })), includeSynonyms: false,
    }));
    const failed = r.resources.find((res) => res.errorCode !== 0);
    if (failed) throw toClusterError(errorFromCode(failed.errorCode), { action: "describe the configs of", topic: failed.resourceName, principal: this.principal });
    return r.resources;
  }

  /** Sets a topic's dynamic configs (replaces every dynamic value: Kafka's AlterConfigs). */
  async setTopicConfigs(topic: string, config: Record<string, string>): Promise<void> {
    await this.setDynamicConfigs(2, topic, config);
  }

  /**
   * The values set dynamically on a topic (type 2) or on one broker (type 4, name = its id): what
   * AlterConfigs replaces as a whole, so a change is read-modify-write. Sensitive values (which
   * the broker does not return) are refused rather than wiped.
   */
  async dynamicConfigs(type: 2 | 4, name: string): Promise<Record<string, string>> {
    return this.run({ action: "describe the configs of", ...(type === 2 ? { topic: name } : {}) }, async () => {
      // A broker's own configs are answered by that broker: kafkajs' admin routes the request.
      const resources = type === 2 ? await this.rawTopicConfigs([name])
        : (await (await this.admin()).describeConfigs({ includeSynonyms: false, resources: [{ type, name }] })).resources;
      const own = type === 2 ? 1 /* TOPIC_CONFIG */ : 2 /* DYNAMIC_BROKER_CONFIG */;
      const entries = resources[0]?.configEntries.filter((e) => e.configSource === own) ?? [];
      const secret = entries.find((e) => e.isSensitive);
      if (secret) throw new ClusterError("other", `${type === 2 ? "topic" : "broker"} ${name} has a sensitive dynamic config (${secret.configName}) that AlterConfigs would erase`, false, "SENSITIVE_DYNAMIC_CONFIG");
      return Object.fromEntries(entries.map((e) => [e.configName, e.configValue ?? ""]));
    });
  }

  /** Replaces the dynamic configs of a topic (type 2) or a broker (type 4). */
  async setDynamicConfigs(type: 2 | 4, name: string, config: Record<string, string>): Promise<void> {
    await this.run({ action: "alter the config of", ...(type === 2 ? { topic: name } : {}) }, async () => {
      await (await this.admin()).alterConfigs({ validateOnly: false, resources: [{ type, name, configEntries: Object.entries(config).map(([n, value]) => ({ name: n, value })) }] });
    });
  }

  /** Starts moving partitions to new replica lists (KIP-455); returns at once. */
  async reassign(moves: { topic: string; partition: number; replicas: number[] }[]): Promise<void> {
    if (moves.length === 0) return;
    const byTopic = new Map<string, { partition: number; replicas: number[] }[]>();
    for (const m of moves) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), { partition: m.partition, replicas: m.replicas }]);
    await this.run({ action: "reassign the partitions of" }, async () => {
      await (await this.admin()).alterPartitionReassignments({ topics: [...byTopic].map(([topic, partitionAssignment]) => ({ topic, partitionAssignment })) });
    });
  }

  /** Partitions still being moved: "orders-1". */
  async ongoingReassignments(): Promise<string[]> {
    return this.run({ action: "list the reassignments of" }, async () => {
      const r = await (await this.admin()).listPartitionReassignments({});
      return r.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p.partitionIndex}`)).sort();
    });
  }

  async createTopic(topic: string, partitions = 1, replicationFactor = -1, config: Record<string, string> = {}): Promise<void> {
    await this.run({ action: "create", topic }, async () => {
      const configEntries = Object.entries(config).map(([name, value]) => ({ name, value }));
      await (await this.admin()).createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor, configEntries }] });
    });
  }

  /** A group's state (Empty, Stable, Dead…) and its member count. */
  async describeGroup(group: string): Promise<{ state: string; members: number }> {
    return this.run({ action: "describe", group }, async () => {
      const g = (await (await this.admin()).describeGroups([group])).groups[0];
      return { state: g?.state ?? "Dead", members: g?.members.length ?? 0 };
    });
  }

  /** The group's committed offsets on the topic, by partition (-1: nothing committed). */
  async groupOffsets(group: string, topic: string): Promise<{ partition: number; offset: string }[]> {
    return this.run({ action: "read the offsets of", group, topic }, async () => {
      const r = await (await this.admin()).fetchOffsets({ groupId: group, topics: [topic] });
      return (r[0]?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset }));
    });
  }

  /**
   * Commits offsets for a group that has no members, as Kafka's admin client does: one OffsetCommit
   * to the coordinator outside any generation. (kafkajs' admin.setOffsets joins the group with a
   * consumer instead: seconds per call, and the group shows a member meanwhile.)
   */
  async commitOffsets(group: string, topic: string, offsets: { partition: number; offset: number }[]): Promise<void> {
    await this.run({ action: "commit offsets of", group, topic }, () => this.withSeedBroker(async (seed, cluster) => {
      // A fresh cluster answers COORDINATOR_NOT_AVAILABLE while it creates __consumer_offsets.
      const coordinator = await retrying(async () => (await seed.findGroupCoordinator({ groupId: group, coordinatorType: 0 })).coordinator, 30_000);
      const broker = await connectBroker(cluster, coordinator.nodeId, coordinator.host, coordinator.port);
      try {
        await broker.offsetCommit({
          groupId: group, groupGenerationId: -1, memberId: "", retentionTime: -1,
          topics: [{ topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: String(o.offset) })) }],
        });
      } finally {
        await broker.disconnect().catch(() => undefined);
      }
    }));
  }

  /** Every committed offset of the group, on every topic (Kafka's OffsetFetch for all partitions). */
  async allGroupOffsets(group: string): Promise<{ topic: string; partition: number; offset: number }[]> {
    return this.run({ action: "read the offsets of", group }, async () => {
      const r = await (await this.admin()).fetchOffsets({ groupId: group });
      return r.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: Number(p.partition), offset: Number(p.offset) })))
        .filter((p) => p.offset >= 0).sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    });
  }

  /** Each partition's log start and end (high watermark) offsets. */
  async endOffsets(topic: string): Promise<{ partition: number; low: number; high: number }[]> {
    return this.run({ action: "read the offsets of", topic }, async () => {
      const r = await (await this.admin()).fetchTopicOffsets(topic);
      return r.map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) })).sort((a, b) => a.partition - b.partition);
    });
  }

  /** The cluster's id: a rebuilt cluster has a new one. */
  async clusterId(): Promise<string> {
    return this.run({ action: "describe" }, async () => (await (await this.admin()).describeCluster()).clusterId);
  }

  /** Deletes a group that has no members, with its committed offsets. */
  async deleteGroup(group: string): Promise<void> {
    await this.run({ action: "delete", group }, async () => {
      await (await this.admin()).deleteGroups([group]);
    });
  }

  async producer(opts: { idempotent?: boolean } = {}): Promise<ProducerHandle> {
    const idempotent = opts.idempotent ?? true;
    // One request in flight: ordering survives retries even where idempotence is not granted.
    const p: Producer = this.kafka.producer({ idempotent, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    // An idempotent producer asks the cluster for a producer id first (Write on a topic or
    // IdempotentWrite on the cluster): a refusal there is about producing, not connecting.
    await this.run({ action: idempotent ? "start an idempotent producer on" : "connect to" }, () => p.connect());
    this.open.add(p);
    return {
      send: (topic, messages, acks = -1) => this.run({ action: "write to", topic }, async () => {
        await p.send({ topic, acks, messages: messages.map((m) => ({
          key: m.key, value: m.value, ...(m.timestamp !== undefined ? { timestamp: String(m.timestamp) } : {}), ...(m.partition !== undefined ? { partition: m.partition } : {}),
        })) });
      }),
      close: async () => {
        this.open.delete(p);
        await p.disconnect().catch(() => undefined);
      },
    };
  }

  /**
   * Deletes keys of a compacted topic: a record with a null value (a tombstone) per key, in the
   * partition the key lives in (given, not recomputed: the writer's partitioner decided it), acks=all.
   */
  async tombstones(topic: string, keys: { partition: number; key: Buffer }[]): Promise<void> {
    if (keys.length === 0) return;
    const p: Producer = this.kafka.producer({ idempotent: false, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.open.add(p);
    try {
      await this.run({ action: "write to", topic }, async () => {
        await p.connect();
        await p.send({ topic, acks: -1, messages: keys.map((k) => ({ key: k.key, value: null, partition: k.partition })) });
      });
    } finally {
      this.open.delete(p);
      await p.disconnect().catch(() => undefined);
    }
  }

  /**
   * Consumes until `onMessage` says stop, the consumer goes idle or `maxMs` runs out, or the
   * signal aborts. A consumer that crashes (not authorized, topic gone…) rejects with the cause
   * instead of waiting for messages that will never come. Always disconnects.
   */
  async consume(o: ConsumeOptions): Promise<{ count: number }> {
    const group = o.group ?? `kp-${process.pid}-${Date.now().toString(36)}`;
    const c: Consumer = this.kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1_000, allowAutoTopicCreation: false });
    this.open.add(c);
    let count = 0;
    const timers: NodeJS.Timeout[] = []; // the fixed bounds (maxMs, first fetch)
    let idle: NodeJS.Timeout | undefined; // re-armed by every message
    try {
      await this.run({ action: "connect to" }, () => c.connect());
      await this.run({ action: "read", topic: o.topic, group }, () => c.subscribe({ topics: o.topics ?? [o.topic], fromBeginning: o.fromBeginning ?? false }));
      await new Promise<void>((resolve, reject) => {
        const fail = (e: unknown) => void this.explain(e, { action: "read", topic: o.topic, group }).then(reject);
        const armIdle = () => {
          if (o.idleMs === undefined) return;
          clearTimeout(idle);
          idle = setTimeout(resolve, o.idleMs);
        };
        c.on(c.events.CRASH, (e) => {
          // kafkajs sets restart only for a retriable error, and then rejoins by itself.
          if (o.onRetriableCrash && e.payload.restart) o.onRetriableCrash(e.payload.error.message);
          else fail(e.payload.error);
        });
        let fetched = false;
        c.on(c.events.FETCH, () => {
          if (fetched) return;
          fetched = true;
          o.onFirstFetch?.();
          armIdle();
        });
        if (o.onCommit) {
          const onCommit = o.onCommit;
          c.on(c.events.COMMIT_OFFSETS, (e) => onCommit(e.payload.topics.flatMap((t) =>
            t.partitions.map((p) => ({ topic: t.topic, partition: Number(p.partition), offset: Number(p.offset) })))));
        }
        if (o.maxMs !== undefined) timers.push(setTimeout(resolve, o.maxMs));
        if (o.firstFetchTimeoutMs !== undefined) {
          const ms = o.firstFetchTimeoutMs;
          timers.push(setTimeout(() => fetched || reject(new ClusterError("timeout", `no fetch from topic '${o.topic}' within ${ms / 1000} s (group '${group}' as '${this.principal}')`, true, "FIRST_FETCH_TIMEOUT")), ms));
        }
        if (o.signal) o.signal.addEventListener("abort", () => resolve(), { once: true });
        c.run({
          autoCommit: o.autoCommit ?? true,
          eachMessage: async ({ topic, partition, message }) => {
            count++;
            armIdle();
            const stop = await o.onMessage({
              topic, partition, offset: message.offset, key: message.key?.toString(), value: message.value?.toString() ?? "", timestamp: Number(message.timestamp),
            });
            if (stop) resolve();
          },
        }).catch(fail);
      });
      return { count };
    } finally {
      for (const t of [...timers, idle]) clearTimeout(t);
      this.open.delete(c);
      await c.disconnect().catch(() => undefined);
    }
  }

  /** Disconnects everything this client opened. Safe to call twice. */
  async close(): Promise<void> {
    const all = [...this.open];
    this.open.clear();
    if (this.adminClient) all.push(this.adminClient);
    this.adminClient = undefined;
    await Promise.all(all.map((x) => x.disconnect().catch(() => undefined)));
  }
}

/** Retries `op` while it fails with a retriable Kafka error, for up to `forMs`. */
async function retrying<T>(op: () => Promise<T>, forMs: number): Promise<T> {
  const until = Date.now() + forMs;
  for (let wait = 200; ; wait = Math.min(wait * 2, 2_000)) {
    try {
      return await op();
    } catch (e) {
      if (!(e as { retriable?: boolean }).retriable || Date.now() + wait > until) throw e;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** Runs `fn` with a client and closes it afterwards, whatever happened. */
export async function withClient<T>(client: ClusterClient, fn: (c: ClusterClient) => Promise<T>): Promise<T> {
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
