// The smoke test's checks against a deployed cluster. Each throws SmokeFailure with the
// reason; waits are bounded.
import { randomUUID } from "node:crypto";
import type { Admin, Kafka } from "kafkajs";
import type { DeclaredTopic } from "../clients/stack";
import { waitFor } from "../util/wait";

export class SmokeFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SmokeFailure";
  }
}

/** Waits until the cluster's metadata lists exactly the declared broker ids. */
export async function waitForBrokers(admin: Admin, ids: number[], timeoutMs: number): Promise<void> {
  const want = [...ids].sort((a, b) => a - b).join(",");
  let seen = "";
  await waitFor(async () => {
    const c = await admin.describeCluster();
    seen = c.brokers.map((b) => b.nodeId).sort((a, b) => a - b).join(",");
    return seen === want;
  }, { what: `brokers [${want}] to register (seen [${seen}])`, timeoutMs });
}

/** Waits until every partition of the topics has a leader and a full ISR. */
export async function waitForFullIsr(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  if (topics.length === 0) return;
  let lagging: string[] = [];
  await waitFor(async () => {
    const md = await admin.fetchTopicMetadata({ topics });
    lagging = md.topics.flatMap((t) =>
      t.partitions.filter((p) => p.leader < 0 || p.isr.length < p.replicas.length).map((p) => `${t.name}[${p.partitionId}] isr ${p.isr.length}/${p.replicas.length}`),
    );
    return lagging.length === 0;
  }, { what: `full ISRs (${lagging.join(", ") || "metadata"})`, timeoutMs });
}

/** Compares live metadata and the declared configs (declared keys only) with the declaration. */
export async function checkTopics(admin: Admin, declared: DeclaredTopic[]): Promise<string[]> {
  const problems: string[] = [];
  if (declared.length === 0) return problems;
  const existing = new Set(await admin.listTopics());
  const missing = declared.filter((t) => !existing.has(t.name)).map((t) => t.name);
  for (const m of missing) problems.push(`topic '${m}' does not exist`);
  const present = declared.filter((t) => existing.has(t.name));
  if (present.length === 0) return problems;
  const md = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: present.map((t) => ({ type: 2 /* TOPIC */, name: t.name })),
  });
  for (const t of present) {
    const m = md.topics.find((x) => x.name === t.name)!;
    if (m.partitions.length !== t.partitions) problems.push(`topic '${t.name}': ${m.partitions.length} partitions, declared ${t.partitions}`);
    const rfs = [...new Set(m.partitions.map((p) => p.replicas.length))];
    if (rfs.length !== 1 || rfs[0] !== t.replicationFactor) problems.push(`topic '${t.name}': replication factor ${rfs.join("/")}, declared ${t.replicationFactor}`);
    const live = configs.resources.find((r) => r.resourceName === t.name)?.configEntries ?? [];
    for (const [k, v] of Object.entries(t.config)) {
      const got = live.find((e) => e.configName === k)?.configValue;
      if (got !== v) problems.push(`topic '${t.name}': ${k}=${got ?? "(unset)"}, declared ${v}`);
    }
  }
  return problems;
}

export interface RoundTrip {
  topic: string;
  messages: number;
  produceMs: number;
  latencyMs: { p50: number; p95: number; max: number };
}

/**
 * Produces `count` keyed messages with acks=all (idempotent, so retries keep order),
 * consumes them with a fresh group and checks count, per-key order and content.
 */
export async function roundTrip(kafka: Kafka, topic: string, count: number, timeoutMs: number): Promise<RoundTrip> {
  const run = randomUUID().slice(0, 8);
  const keys = 16;
  const value = (key: number, seq: number, sentAt: number) => `${run}|${key}|${seq}|${sentAt}`;

  const consumer = kafka.consumer({ groupId: `kp-smoke-${run}`, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const received: { key: number; seq: number; partition: number; latency: number }[] = [];
  const problems: string[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let done!: () => void;
    const allIn = new Promise<void>((r) => (done = r));
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const [r, k, s, sentAt] = (message.value?.toString() ?? "").split("|");
        if (r !== run) return; // earlier data and other runs' messages
        const key = Number(k);
        if (message.key?.toString() !== `key-${key}`) problems.push(`message ${k}/${s}: key ${message.key?.toString()} does not match its value`);
        received.push({ key, seq: Number(s), partition, latency: Date.now() - Number(sentAt) });
        if (received.length >= count) done();
      },
    });

    await producer.connect();
    const t0 = Date.now();
    const batch = 100;
    for (let i = 0; i < count; i += batch) {
      const messages = [];
      for (let j = i; j < Math.min(count, i + batch); j++) {
        const key = j % keys;
        messages.push({ key: `key-${key}`, value: value(key, Math.floor(j / keys), Date.now()) });
      }
      await producer.send({ topic, acks: -1, messages });
    }
    const produceMs = Date.now() - t0;

    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      allIn,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new SmokeFailure(`consumed ${received.length} of ${count} messages within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));

    if (received.length !== count) problems.push(`consumed ${received.length} messages, produced ${count}`);
    // Per key: one partition, sequence numbers 0..n-1 in order.
    const byKey = new Map<number, typeof received>();
    for (const m of received) byKey.set(m.key, [...(byKey.get(m.key) ?? []), m]);
    for (const [key, ms] of byKey) {
      const parts = new Set(ms.map((m) => m.partition));
      if (parts.size !== 1) problems.push(`key-${key} landed in partitions ${[...parts].join(",")}`);
      ms.forEach((m, i) => {
        if (m.seq !== i) problems.push(`key-${key}: message ${i} has sequence ${m.seq} (out of order or duplicated)`);
      });
    }
    if (problems.length > 0) throw new SmokeFailure(problems.slice(0, 10).join("; "));
    const lat = received.map((m) => m.latency).sort((a, b) => a - b);
    const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))];
    return { topic, messages: count, produceMs, latencyMs: { p50: pct(50), p95: pct(95), max: lat[lat.length - 1] } };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await consumer.disconnect().catch(() => undefined);
  }
}
