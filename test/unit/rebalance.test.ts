// Replica placement when brokers come or go: the fewest moves to a fair share, nothing left on a
// broker that goes away, new brokers leading, impossible plans refused.
import { describe, expect, it } from "vitest";
import { planRebalance, RebalanceRefusal, replicaCounts, type PartitionAssignment } from "../../src/model/rebalance";
import { rebalanceProvider } from "../../src/components/rebalance";

/** A 3-broker cluster's topic: 6 partitions, replication factor 3, leaders spread. */
const orders: PartitionAssignment[] = Array.from({ length: 6 }, (_, p) => ({ topic: "orders", partition: p, replicas: [p % 3, (p + 1) % 3, (p + 2) % 3] }));
const apply = (a: PartitionAssignment[], moves: ReturnType<typeof planRebalance>) =>
  a.map((p) => ({ ...p, replicas: moves.find((m) => m.topic === p.topic && m.partition === p.partition)?.to ?? p.replicas }));

describe("planRebalance", () => {
  it("gives a new broker a fair share of replicas, some as leader, moving nothing else", () => {
    const moves = planRebalance(orders, [0, 1, 2, 3]);
    const after = apply(orders, moves);
    const counts = replicaCounts(after, [0, 1, 2, 3]);
    expect(Object.values(counts).sort()).toEqual([4, 4, 5, 5]); // 18 replicas over 4 brokers: 4 or 5 each
    expect(Math.max(...Object.values(counts)) - Math.min(...Object.values(counts))).toBeLessThanOrEqual(1);
    // Broker 3 leads its share (6 partitions over 4 brokers: 1 or 2), not every partition it took.
    const led = after.filter((p) => p.replicas[0] === 3).length;
    expect(led).toBeGreaterThanOrEqual(1);
    expect(led).toBeLessThanOrEqual(2);
    for (const p of after) expect(new Set(p.replicas).size).toBe(3); // no partition loses a replica or doubles one
    expect(moves.length).toBe(counts[3]); // one move per replica broker 3 takes
  });

  it("takes leadership from the partition's actual leader, not from its lowest replica id (replica lists come sorted)", () => {
    const sorted = orders.map((p) => ({ ...p, leader: p.replicas[0], replicas: [...p.replicas].sort((a, b) => a - b) }));
    const moves = planRebalance(sorted, [0, 1, 2, 3]);
    // Moves that take the leader's replica: exactly broker 3's share (6 partitions over 4 brokers: 1),
    // and there broker 3 goes first, so the controller elects it when the old leader leaves.
    const leaderMoves = moves.filter((m) => !m.to.includes(sorted.find((x) => x.partition === m.partition)!.leader));
    expect(leaderMoves.length).toBe(1);
    expect(leaderMoves[0].to[0]).toBe(3);
  });

  it("moves every replica off a broker that goes away, onto the others, evenly", () => {
    const four = apply(orders, planRebalance(orders, [0, 1, 2, 3]));
    const moves = planRebalance(four, [0, 1, 2]);
    const after = apply(four, moves);
    expect(after.flatMap((p) => p.replicas)).not.toContain(3);
    expect(replicaCounts(after, [0, 1, 2])).toEqual({ 0: 6, 1: 6, 2: 6 });
    for (const m of moves) expect(m.from).toContain(3);
  });

  it("plans nothing for a balanced cluster, and the same plan for the same input", () => {
    expect(planRebalance(orders, [0, 1, 2])).toEqual([]);
    expect(planRebalance(orders, [0, 1, 2, 3])).toEqual(planRebalance(orders, [3, 2, 1, 0]));
  });

  it("refuses, naming the partitions, when fewer brokers remain than a partition has replicas", () => {
    expect(() => planRebalance(orders, [0, 1])).toThrow(RebalanceRefusal);
    expect(() => planRebalance(orders, [0, 1])).toThrow(/6 partition\(s\) have more replicas than the 2 declared broker\(s\) \(orders-0: 3, orders-1: 3/);
  });
});

describe("the placement's provider", () => {
  it("moves nothing when created (a first deploy, or adopting a cluster), and acts only when the broker set changes", async () => {
    const inputs = { brokerIds: [0, 1, 2], brokers: [], timeoutSeconds: 10, throttleBytesPerSecond: 1 << 20 };
    expect((await rebalanceProvider.create!(inputs)).outs).toEqual({ brokerIds: [0, 1, 2] });
    expect((await rebalanceProvider.diff!("x", { brokerIds: [0, 1, 2] }, inputs)).changes).toBe(false);
    expect((await rebalanceProvider.diff!("x", { brokerIds: [0, 1, 2] }, { ...inputs, brokerIds: [0, 1, 2, 3] })).changes).toBe(true);
  });
});
