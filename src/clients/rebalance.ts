// Moves partition replicas where the plan (model/rebalance.ts) says, the way
// kafka-reassign-partitions does with --throttle: replication between brokers is capped while the
// copy runs (the brokers' replication throttle rates, on every topic's replicas), the move is
// waited for within a bound, and the throttle is taken off again whatever happened.
import { planRebalance, type Move, type PartitionAssignment } from "../model/rebalance";
import type { ClusterClient } from "./cluster";
import { waitUntil } from "./wait";

const RATE_KEYS = ["leader.replication.throttled.rate", "follower.replication.throttled.rate"];
const REPLICA_KEYS = ["leader.replication.throttled.replicas", "follower.replication.throttled.replicas"];

export async function currentAssignment(client: ClusterClient): Promise<PartitionAssignment[]> {
  const topics = await client.describeTopics(await client.listTopics());
  // describeTopics sorts replica lists, so the first is not the preferred leader: pass the leader.
  return topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.id, replicas: p.replicas, ...(p.leader >= 0 ? { leader: p.leader } : {}) })));
}

/** Sets (or, with `value` undefined, removes) keys in an entity's dynamic configs, keeping the rest. */
async function patch(client: ClusterClient, type: 2 | 4, name: string, keys: string[], value?: string): Promise<void> {
  const now = await client.dynamicConfigs(type, name);
  const next = Object.fromEntries(Object.entries(now).filter(([k]) => !keys.includes(k)));
  if (value !== undefined) for (const k of keys) next[k] = value;
  if (JSON.stringify(next) !== JSON.stringify(now)) await client.setDynamicConfigs(type, name, next);
}

export interface RebalanceResult { moves: Move[]; seconds: number }

/**
 * Plans and runs the moves that fit the cluster to `brokers`: replicas off brokers not in it, a
 * fair share onto the others. Fails (RebalanceRefusal) before moving anything when the plan is
 * impossible, and with a typed timeout naming the partitions still moving after `timeoutMs`.
 */
export async function rebalance(client: ClusterClient, brokers: number[], throttleBytesPerSecond: number, timeoutMs: number): Promise<RebalanceResult> {
  const t0 = Date.now();
  const moves = planRebalance(await currentAssignment(client), brokers);
  if (moves.length === 0) return { moves, seconds: 0 };
  const involved = [...new Set(moves.flatMap((m) => [...m.from, ...m.to]))].sort((a, b) => a - b);
  const topics = [...new Set(moves.map((m) => m.topic))].sort();
  try {
    for (const b of involved) await patch(client, 4, String(b), RATE_KEYS, String(throttleBytesPerSecond));
    for (const t of topics) await patch(client, 2, t, REPLICA_KEYS, "*");
    await client.reassign(moves.map((m) => ({ topic: m.topic, partition: m.partition, replicas: m.to })));
    const wanted = new Map(moves.map((m) => [`${m.topic}-${m.partition}`, m.to]));
    await waitUntil({
      what: `${moves.length} partition move(s) onto brokers ${brokers.join(",")} to finish`,
      timeoutMs, intervalMs: 2000, probeTimeoutMs: 20_000,
      probe: async () => {
        const ongoing = await client.ongoingReassignments();
        const state = await client.describeTopics(topics);
        const behind = state.flatMap((t) => t.partitions
          .filter((p) => wanted.has(`${t.name}-${p.id}`))
          // describeTopics sorts replica lists: compare as sets.
          .filter((p) => p.replicas.join(",") !== [...wanted.get(`${t.name}-${p.id}`)!].sort((a, b) => a - b).join(",") || p.isr.length < p.replicas.length)
          .map((p) => `${t.name}-${p.id} (replicas ${p.replicas.join(",")}, isr ${p.isr.join(",")})`));
        return { ongoing, behind };
      },
      done: (o) => o.ongoing.length === 0 && o.behind.length === 0,
      describe: (o) => `still moving: ${[...new Set([...o.ongoing, ...o.behind])].slice(0, 5).join("; ")}`,
    });
  } finally {
    // Best effort, each on its own: one failure must not leave the others throttled.
    for (const t of topics) await patch(client, 2, t, REPLICA_KEYS).catch(() => undefined);
    for (const b of involved) await patch(client, 4, String(b), RATE_KEYS).catch(() => undefined);
  }
  return { moves, seconds: (Date.now() - t0) / 1000 };
}
