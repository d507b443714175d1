// "Is the cluster whole?": which brokers are registered and which partitions are short of their
// replicas. The roll's gates (a broker is back and nothing is under-replicated) and the smoke
// test ask it. The decision is a pure function of one observation; the wait around it is bounded
// and reports the last observation when time is up.
import type { TopicState } from "./cluster";
import { waitUntil } from "./wait";

/** What the decision needs of a client: ClusterClient, or a fake in tests. */
export interface ClusterView {
  describeCluster(): Promise<{ brokers: number[] }>;
  listTopics(): Promise<string[]>;
  describeTopics(names: string[]): Promise<TopicState[]>;
}

export interface SyncObservation {
  /** Registered broker ids, sorted. */
  brokers: number[];
  /** Partitions with no leader or fewer in-sync replicas than replicas: "orders-1 (isr 0,2 of 0,1,2)". */
  behind: string[];
}

/** Partitions of `topics` that have no leader or an incomplete ISR, in words. */
function underReplicated(topics: TopicState[]): string[] {
  return topics.flatMap((t) => t.partitions
    .filter((p) => p.leader < 0 || p.isr.length < p.replicas.length)
    .map((p) => `${t.name}-${p.id} (${p.leader < 0 ? "no leader, " : ""}isr ${p.isr.join(",") || "none"} of ${p.replicas.join(",")})`));
}

/** Looks once: registered brokers and the partitions (of `topics`, default every topic) behind. */
export async function observe(view: ClusterView, topics?: string[]): Promise<SyncObservation> {
  const { brokers } = await view.describeCluster();
  const names = topics ?? (await view.listTopics());
  return { brokers: [...brokers].sort((a, b) => a - b), behind: underReplicated(await view.describeTopics(names)) };
}

const list = (xs: unknown[], max = 5) => `${xs.slice(0, max).join("; ")}${xs.length > max ? ` and ${xs.length - max} more` : ""}`;

/** The roll's question about one broker: is it registered, and is every partition in sync? */
export function rejoined(o: SyncObservation, brokerId: number): { done: boolean; state: string } {
  if (!o.brokers.includes(brokerId)) return { done: false, state: `broker ${brokerId} is not registered (registered: ${o.brokers.join(",") || "none"})` };
  if (o.behind.length > 0) return { done: false, state: `under-replicated: ${list(o.behind)}` };
  return { done: true, state: `broker ${brokerId} registered, every partition in sync` };
}

/** The smoke test's question: exactly these brokers, and (optionally) these topics in sync. */
export function whole(o: SyncObservation, brokerIds: number[]): { done: boolean; state: string } {
  const want = [...brokerIds].sort((a, b) => a - b);
  const missing = want.filter((b) => !o.brokers.includes(b));
  const extra = o.brokers.filter((b) => !want.includes(b));
  if (missing.length || extra.length) {
    return { done: false, state: `registered: ${o.brokers.join(",") || "none"}${missing.length ? `; missing: ${missing.join(",")}` : ""}${extra.length ? `; not declared: ${extra.join(",")}` : ""}` };
  }
  if (o.behind.length > 0) return { done: false, state: `every broker registered; under-replicated: ${list(o.behind)}` };
  return { done: true, state: `brokers ${want.join(",")} registered, every partition in sync` };
}

/** Waits until broker `brokerId` is registered and no partition is under-replicated. */
export async function waitRejoined(view: ClusterView, brokerId: number, timeoutMs: number, probeTimeoutMs = 15_000): Promise<void> {
  await waitUntil({
    what: `broker ${brokerId} to rejoin with every partition in sync`,
    probe: () => observe(view),
    done: (o) => rejoined(o, brokerId).done,
    describe: (o) => rejoined(o, brokerId).state,
    timeoutMs, probeTimeoutMs, intervalMs: 1000,
  });
}
