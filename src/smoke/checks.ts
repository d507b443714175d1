// The smoke test's checks against a deployed cluster. Each fails with a SmokeFailure that names
// what was wrong; every wait is bounded and reports what it last saw.
import { randomUUID } from "crypto";
import type { ClusterClient } from "../clients/cluster";
import { observe, whole } from "../clients/in-sync";
import type { DeclaredTopic } from "../clients/stack";
import { waitUntil, WaitTimeoutError } from "../clients/wait";

export class SmokeFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SmokeFailure";
  }
}

/** A bounded wait that fails the smoke test with the wait's own reason. */
async function mustReach<O>(spec: Parameters<typeof waitUntil<O>>[0]): Promise<O> {
  try {
    return await waitUntil(spec);
  } catch (e) {
    if (e instanceof WaitTimeoutError) throw new SmokeFailure(`${spec.what}: ${e.lastState} (waited ${spec.timeoutMs / 1000} s)`);
    throw e;
  }
}

/** Exactly the declared brokers registered and every partition of `topics` with a leader and a full ISR. */
export async function waitForWholeCluster(client: ClusterClient, ids: number[], topics: string[], timeoutMs: number): Promise<void> {
  await mustReach({
    what: `brokers ${ids.join(",")} registered and ${topics.length ? "every partition of the declared topics" : "the cluster"} in sync`,
    probe: () => observe(client, topics),
    done: (o) => whole(o, ids).done,
    describe: (o) => whole(o, ids).state,
    timeoutMs,
  });
}

/** Differences between live metadata/configs and the declaration (declared config keys only). */
async function topicDrift(client: ClusterClient, declared: DeclaredTopic[]): Promise<string[]> {
  if (declared.length === 0) return [];
  const existing = new Set(await client.listTopics());
  const problems = declared.filter((t) => !existing.has(t.name)).map((t) => `topic '${t.name}' does not exist`);
  const present = declared.filter((t) => existing.has(t.name));
  const live = await client.describeTopics(present.map((t) => t.name));
  const configs = await client.topicConfigs(present.map((t) => t.name));
  for (const t of present) {
    const m = live.find((x) => x.name === t.name);
    if (!m) {
      problems.push(`topic '${t.name}': no metadata`);
      continue;
    }
    if (m.partitions.length !== t.partitions) problems.push(`topic '${t.name}': ${m.partitions.length} partitions, declared ${t.partitions}`);
    const rfs = [...new Set(m.partitions.map((p) => p.replicas.length))];
    if (rfs.length !== 1 || rfs[0] !== t.replicationFactor) problems.push(`topic '${t.name}': replication factor ${rfs.join("/")}, declared ${t.replicationFactor}`);
    for (const [k, v] of Object.entries(t.config)) {
      const got = configs[t.name]?.[k];
      if (got !== v) problems.push(`topic '${t.name}': ${k}=${got ?? "(unset)"}, declared ${v}`);
    }
  }
  return problems;
}

/**
 * Waits (briefly: brokers learn new topics from the controller a moment apart) until the live
 * topics match the declaration; fails naming every difference still there at the end.
 */
export async function waitForDeclaredTopics(client: ClusterClient, declared: DeclaredTopic[], timeoutMs: number): Promise<void> {
  await mustReach({
    what: "topics to match the declaration",
    probe: () => topicDrift(client, declared),
    done: (problems) => problems.length === 0,
    describe: (problems) => problems.join("; "),
    timeoutMs,
  });
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
export async function roundTrip(client: ClusterClient, topic: string, count: number, timeoutMs: number): Promise<RoundTrip> {
  const run = randomUUID().slice(0, 8);
  const keys = 16;
  const received: { key: number; seq: number; partition: number; latency: number }[] = [];
  const problems: string[] = [];
  let reading!: () => void;
  const consumerReady = new Promise<void>((r) => (reading = r));
  let produceMs = 0;
  const stop = new AbortController();
  const consumed = client.consume({
    topic, group: `kp-smoke-${run}`, fromBeginning: true, maxMs: timeoutMs, onFirstFetch: () => reading(), signal: stop.signal,
    onMessage: (m) => {
      const [r, k, s, sentAt] = m.value.split("|");
      if (r !== run) return false; // earlier data and other runs' messages
      if (m.key !== `key-${k}`) problems.push(`message ${k}/${s}: key ${m.key} does not match its value`);
      received.push({ key: Number(k), seq: Number(s), partition: m.partition, latency: Date.now() - Number(sentAt) });
      return received.length >= count;
    },
  });
  // Produce once the consumer reads, so latencies measure delivery, not the group join.
  const producing = Promise.race([consumerReady, consumed.then(() => undefined)]).then(async () => {
    const producer = await client.producer();
    try {
      const t0 = Date.now();
      for (let i = 0; i < count; i += 100) {
        const batch = [];
        for (let j = i; j < Math.min(count, i + 100); j++) {
          const key = j % keys;
          batch.push({ key: `key-${key}`, value: `${run}|${key}|${Math.floor(j / keys)}|${Date.now()}` });
        }
        await producer.send(topic, batch);
      }
      produceMs = Date.now() - t0;
    } finally {
      await producer.close();
    }
  }).catch((e) => {
    stop.abort(); // nothing more will come: do not wait out the consumer
    throw e;
  });
  // Both settle before anything is thrown: no client is left running behind a failure.
  const [p, c] = await Promise.allSettled([producing, consumed]);
  if (p.status === "rejected") throw p.reason;
  if (c.status === "rejected") throw c.reason;

  if (received.length !== count) throw new SmokeFailure(`round trip on '${topic}': consumed ${received.length} of ${count} messages within ${timeoutMs / 1000} s`);
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
  if (problems.length > 0) throw new SmokeFailure(`round trip on '${topic}': ${problems.slice(0, 10).join("; ")}`);
  const lat = received.map((m) => m.latency).sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))];
  return { topic, messages: count, produceMs, latencyMs: { p50: pct(50), p95: pct(95), max: lat[lat.length - 1] } };
}
