// Where partition replicas should live when brokers come or go. Pure: from the current
// assignment and the declared brokers to the fewest moves that (1) take every replica off a
// broker that is going away and (2) leave every broker with a fair share (counts differ by at
// most one). A replica moved onto a broker takes the place of the one it replaces; in the
// leader's place the controller makes it the leader, so new brokers take a fair share of
// leadership as well as of data. Impossible plans (more replicas than brokers) are refused.

export interface PartitionAssignment {
  topic: string; partition: number; replicas: number[];
  /** The partition's current leader, when known; else its first replica (the preferred one). */
  leader?: number;
}

export interface Move { topic: string; partition: number; from: number[]; to: number[] }

export class RebalanceRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RebalanceRefusal";
  }
}

const key = (p: PartitionAssignment) => `${p.topic}-${p.partition}`;

export function planRebalance(current: PartitionAssignment[], brokers: number[]): Move[] {
  const target = [...new Set(brokers)].sort((a, b) => a - b);
  const tooWide = current.filter((p) => p.replicas.length > target.length);
  if (tooWide.length) {
    throw new RebalanceRefusal(`${tooWide.length} partition(s) have more replicas than the ${target.length} declared broker(s) (${tooWide.slice(0, 5).map((p) => `${key(p)}: ${p.replicas.length}`).join(", ")}): lower their replication factor first`);
  }
  const plan = new Map(current.map((p) => [key(p), { ...p, replicas: [...p.replicas] }]));
  const load = new Map(target.map((b) => [b, 0]));
  for (const p of plan.values()) for (const r of p.replicas) if (load.has(r)) load.set(r, load.get(r)! + 1);
  const lightest = (exclude: number[]) => target.filter((b) => !exclude.includes(b)).sort((a, b) => load.get(a)! - load.get(b)! || a - b)[0];
  const leaderOf = (p: PartitionAssignment) => p.leader ?? p.replicas[0];
  const leaders = new Map(target.map((b) => [b, 0]));
  for (const p of plan.values()) if (leaders.has(leaderOf(p))) leaders.set(leaderOf(p), leaders.get(leaderOf(p))! + 1);
  /**
   * Replaces replica `from` of `p` by `to`. In the leader's place it goes first: once the move
   * is done the controller elects the first in-sync replica of the new list, since the old leader
   * left it. Elsewhere it takes the place of the one it replaces.
   */
  const move = (p: PartitionAssignment, from: number, to: number) => {
    if (leaderOf(p) === from) {
      if (leaders.has(from)) leaders.set(from, leaders.get(from)! - 1);
      leaders.set(to, leaders.get(to)! + 1);
      p.replicas = [to, ...p.replicas.filter((r) => r !== from)];
      p.leader = to;
    } else p.replicas = p.replicas.map((r) => (r === from ? to : r));
    if (load.has(from)) load.set(from, load.get(from)! - 1);
    load.set(to, load.get(to)! + 1);
  };
  // 1. Off the brokers that go away (sorted: the same input gives the same plan).
  const ordered = [...plan.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  for (const p of ordered) {
    for (const gone of p.replicas.filter((r) => !load.has(r))) move(p, gone, lightest(p.replicas));
  }
  // 2. Even out: the heaviest broker gives a replica to the lightest until they differ by ≤ 1.
  //    A leader's replica while the lightest leads fewer than its share, so a new broker leads
  //    some partitions, and followers' replicas after that, so it does not lead them all.
  const fairLeaders = Math.floor(ordered.length / target.length);
  for (let guard = 0; guard < 10_000; guard++) {
    const byLoad = [...target].sort((a, b) => load.get(a)! - load.get(b)! || a - b);
    const [low, high] = [byLoad[0], byLoad[byLoad.length - 1]];
    if (load.get(high)! - load.get(low)! <= 1) break;
    const candidates = ordered.filter((p) => p.replicas.includes(high) && !p.replicas.includes(low));
    const wantLead = leaders.get(low)! < fairLeaders;
    const pick = candidates.find((p) => (leaderOf(p) === high) === wantLead) ?? candidates[0];
    if (!pick) break;
    move(pick, high, low);
  }
  return ordered
    .map((p) => ({ topic: p.topic, partition: p.partition, from: current.find((c) => key(c) === key(p))!.replicas, to: p.replicas }))
    .filter((m) => m.from.join(",") !== m.to.join(","));
}

/** Replicas per broker under an assignment: what "a fair share" is checked against. */
export function replicaCounts(assignment: PartitionAssignment[], brokers: number[]): Record<number, number> {
  const counts: Record<number, number> = Object.fromEntries(brokers.map((b) => [b, 0]));
  for (const p of assignment) for (const r of p.replicas) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}
