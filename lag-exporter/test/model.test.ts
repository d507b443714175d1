import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ClusterSnapshot, GroupSnapshot } from "../../src/clients/lag-reader";
import { renderView } from "../src/metrics";
import { LagModel } from "../src/model";

function snap(at: number, ends: Record<string, number[]>, groups: GroupSnapshot[], unreachable: number[] = []): ClusterSnapshot {
  return {
    takenAt: at, brokers: [0, 1, 2], controller: 0, unreachable, failures: [], requests: 0, groups,
    topics: Object.entries(ends).map(([topic, e]) => ({
      topic, partitions: e.map((latest, partition) => ({ partition, leader: 0, replicas: [0, 1, 2], isr: [0, 1], oldest: 0, latest, readAt: at })),
    })),
  };
}
const group = (group: string, committed: [string, number, number][], members = 0, coordinator = 1): GroupSnapshot => ({
  group, state: members ? "Stable" : "Empty", protocolType: "consumer", members, coordinator, assigned: [],
  committed: committed.map(([topic, partition, offset]) => ({ topic, partition, offset })),
});

describe("the exporter's view of a cluster across polls", () => {
  it("lag = end − committed; an uncommitted partition is its own series, never -1", async () => {
    const m = new LagModel({ windowSize: 3 });
    const v = m.update(snap(1000, { t: [10, 4] }, [group("g", [["t", 0, 5]])]));
    expect(v.groups[0].partitions).toEqual([
      expect.objectContaining({ topic: "t", partition: 0, committed: 5, lag: 5 }),
      { topic: "t", partition: 1, committed: undefined },
    ]);
    const text = await renderView(v);
    expect(text).toContain('kafka_consumergroup_lag{consumergroup="g",topic="t",partition="0"} 5');
    expect(text).toContain('kafka_consumergroup_uncommitted_partition{consumergroup="g",topic="t",partition="1"} 1');
    expect(text).not.toMatch(/partition="1"\} -1/);
    expect(text).toContain('kafka_topic_partition_under_replicated_partition{topic="t",partition="0"} 1');
  });

  it("a deleted group's and topic's series are gone in the next poll; an unreachable coordinator's groups stay", async () => {
    const m = new LagModel({ windowSize: 3 });
    m.update(snap(1000, { t: [10], u: [3] }, [group("a", [["t", 0, 1]]), group("b", [["t", 0, 2]], 0, 2)]));
    const v = m.update(snap(2000, { t: [10] }, [], [2]));
    expect(v.groups.map((g) => g.group)).toEqual(["b"]);
    const text = await renderView(v);
    expect(text).not.toContain('consumergroup="a"');
    expect(text).not.toContain('topic="u"');
  });

  it("an Empty group stays, with 0 members", async () => {
    const m = new LagModel({ windowSize: 3 });
    const text = await renderView(m.update(snap(1000, { t: [3] }, [group("idle", [["t", 0, 3]])])));
    expect(text).toContain('kafka_consumergroup_members{consumergroup="idle"} 0');
  });

  it("lag is never negative, whatever order offsets arrive in (property)", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(1000), fc.nat(1000)), { minLength: 1, maxLength: 30 }), (polls) => {
      const m = new LagModel({ windowSize: 3 });
      polls.forEach(([end, committed], i) => {
        const v = m.update(snap(i * 1000, { t: [end] }, [group("g", [["t", 0, committed]])]));
        for (const p of v.groups[0].partitions) {
          expect(p.lag).toBeGreaterThanOrEqual(0);
          expect(p.lagSeconds).toBeGreaterThanOrEqual(0);
        }
      });
    }));
  });

  it("time lag of a stopped consumer grows with the clock and is 0 once caught up", () => {
    const m = new LagModel({ windowSize: 3 });
    m.update(snap(0, { t: [0] }, [group("g", [["t", 0, 0]])]));
    m.update(snap(10_000, { t: [100] }, [group("g", [["t", 0, 0]])]));
    const a = m.update(snap(20_000, { t: [200] }, [group("g", [["t", 0, 0]])])).groups[0].partitions[0].lagSeconds!;
    const b = m.update(snap(30_000, { t: [200] }, [group("g", [["t", 0, 0]])])).groups[0].partitions[0].lagSeconds!;
    expect(b - a).toBeCloseTo(10, 5);
    expect(m.update(snap(40_000, { t: [200] }, [group("g", [["t", 0, 200]])])).groups[0].partitions[0].lagSeconds).toBe(0);
  });
});
