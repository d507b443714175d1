// "May this broker go down now?" — asked before a roll restarts it (Strimzi's canRoll). Every
// partition with a replica on the broker must keep at least min.insync.replicas in-sync replicas
// without it; otherwise acks=all producers of that partition would stop (or, were it the last
// in-sync replica, the partition would go offline). A partition that has no more replicas than
// its min.insync.replicas can never keep that through a restart; waiting would not help, so it does
// not hold the roll (it is named in the answer). The decision is pure; the wait is bounded.
import type { TopicState } from "./cluster";
import { waitUntil } from "./wait";

export interface RollView {
  listTopics(): Promise<string[]>;
  describeTopics(names: string[]): Promise<TopicState[]>;
  /** The effective configs of topics (broker defaults included). */
  topicConfigs(names: string[]): Promise<Record<string, Record<string, string>>>;
}

export interface RollObservation {
  topics: TopicState[];
  /** topic → its effective min.insync.replicas. */
  minIsr: Record<string, number>;
}

export interface RollDecision {
  done: boolean;
  /** Partitions that would fall below min.insync.replicas: "orders-1 (isr 0,1 of 0,1,2; 1 without broker 0, min.insync.replicas 2)". */
  blocking: string[];
  /** Partitions too small to survive any restart (replicas ≤ min.insync.replicas). */
  unprotectable: string[];
  state: string;
}

const list = (xs: string[], max = 5) => `${xs.slice(0, max).join("; ")}${xs.length > max ? ` and ${xs.length - max} more` : ""}`;

export function canRoll(o: RollObservation, brokerId: number): RollDecision {
  const blocking: string[] = [];
  const unprotectable: string[] = [];
  for (const t of o.topics) {
    const min = o.minIsr[t.name] ?? 1;
    for (const p of t.partitions.filter((x) => x.replicas.includes(brokerId))) {
      const name = `${t.name}-${p.id}`;
      if (p.replicas.length <= min) { unprotectable.push(name); continue; }
      const without = p.isr.filter((b) => b !== brokerId);
      if (without.length < min) {
        blocking.push(`${name} (isr ${p.isr.join(",") || "none"} of ${p.replicas.join(",")}; ${without.length} without broker ${brokerId}, min.insync.replicas ${min})`);
      }
    }
  }
  const state = blocking.length > 0
    ? `would fall below min.insync.replicas without broker ${brokerId}: ${list(blocking)}`
    : `every partition on broker ${brokerId} keeps min.insync.replicas without it`;
  return { done: blocking.length === 0, blocking, unprotectable, state };
}

export async function observeRoll(view: RollView): Promise<RollObservation> {
  const names = await view.listTopics();
  const [topics, configs] = await Promise.all([view.describeTopics(names), view.topicConfigs(names)]);
  const minIsr = Object.fromEntries(names.map((n) => [n, Number(configs[n]?.["min.insync.replicas"] ?? 1)]));
  return { topics, minIsr };
}

/**
 * Waits until broker `brokerId` may go down (see canRoll); throws WaitTimeoutError naming the
 * partitions that still would not. Returns the final decision (its `unprotectable` for the log).
 */
export async function waitCanRoll(view: RollView, brokerId: number, timeoutMs: number, probeTimeoutMs = 15_000): Promise<RollDecision> {
  const o = await waitUntil({
    what: `broker ${brokerId} to be safe to restart`,
    probe: () => observeRoll(view),
    done: (x) => canRoll(x, brokerId).done,
    describe: (x) => canRoll(x, brokerId).state,
    timeoutMs, probeTimeoutMs, intervalMs: 1000,
  });
  return canRoll(o, brokerId);
}
