// The roll's guard: may a broker go down now? Its decision against a fake cluster, and the
// bounded wait that ends in an error naming the partitions that would fall below min ISR.
import { describe, expect, it } from "vitest";
import type { TopicState } from "../../src/clients/cluster";
import { canRoll, waitCanRoll, type RollView } from "../../src/clients/can-roll";
import { WaitTimeoutError } from "../../src/clients/wait";
import { guardProvider } from "../../src/components/roll-guard";

const orders = (isr: number[]): TopicState => ({ name: "orders", partitions: [
  { id: 0, leader: 1, replicas: [0, 1, 2], isr: [0, 1, 2] },
  { id: 1, leader: isr[0] ?? -1, replicas: [0, 1, 2], isr },
] });
const scratch: TopicState = { name: "scratch", partitions: [{ id: 0, leader: 0, replicas: [0], isr: [0] }] };
const minIsr = { orders: 2, scratch: 1 };

/** Answers from a script of topic states, one per probe, the last one forever. */
function fakeCluster(script: TopicState[][]): RollView & { probes: number } {
  const at = () => script[Math.min(view.probes, script.length - 1)];
  const view = {
    probes: 0,
    listTopics: async () => at().map((t) => t.name),
    describeTopics: async (names: string[]) => { const r = at().filter((t) => names.includes(t.name)); view.probes++; return r; },
    topicConfigs: async (names: string[]) => Object.fromEntries(names.map((n) => [n, { "min.insync.replicas": String(minIsr[n as keyof typeof minIsr]) }])),
  };
  return view;
}

describe("canRoll", () => {
  it("lets a broker go when every partition it hosts keeps min.insync.replicas without it", () => {
    const d = canRoll({ topics: [orders([0, 1, 2])], minIsr }, 0);
    expect(d).toMatchObject({ done: true, blocking: [] });
  });

  it("holds a broker whose partition would fall below min.insync.replicas, and names it with its ISR", () => {
    // orders-1 has lost broker 2: without broker 0 only broker 1 would be in sync.
    const d = canRoll({ topics: [orders([0, 1])], minIsr }, 0);
    expect(d.done).toBe(false);
    expect(d.blocking).toEqual(["orders-1 (isr 0,1 of 0,1,2; 1 without broker 0, min.insync.replicas 2)"]);
    expect(d.state).toContain("orders-1");
  });

  it("lets the broker that is out of sync go: the others keep min.insync.replicas", () => {
    expect(canRoll({ topics: [orders([0, 1])], minIsr }, 2).done).toBe(true);
  });

  it("does not hold a roll for a partition that no roll could keep available (replicas ≤ min.insync.replicas), but names it", () => {
    const d = canRoll({ topics: [orders([0, 1, 2]), scratch], minIsr }, 0);
    expect(d).toMatchObject({ done: true, unprotectable: ["scratch-0"] });
    // Topics it does not host do not concern it.
    expect(canRoll({ topics: [scratch], minIsr }, 1)).toMatchObject({ done: true, unprotectable: [] });
  });

  it("takes a topic's min.insync.replicas as the broker reports it (1 when absent)", () => {
    expect(canRoll({ topics: [orders([0, 1])], minIsr: {} }, 0).done).toBe(true);
  });
});

describe("waitCanRoll", () => {
  it("waits until the partition is back in sync, then lets the broker go", async () => {
    const view = fakeCluster([[orders([0, 1])], [orders([0, 1])], [orders([0, 1, 2])]]);
    const d = await waitCanRoll(view, 0, 10_000);
    expect(d.done).toBe(true);
    expect(view.probes).toBe(3);
  });

  it("fails after its bound with a typed timeout naming the partitions", async () => {
    const view = fakeCluster([[orders([0, 1])]]);
    const e = await waitCanRoll(view, 0, 1_500).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WaitTimeoutError);
    expect((e as Error).message).toMatch(/broker 0 to be safe to restart.*orders-1 \(isr 0,1 of 0,1,2; 1 without broker 0/);
  });
});

describe("the guard's provider", () => {
  it("checks nothing when a broker is new, and asks again only when the broker's declared spec changes", async () => {
    const created = await guardProvider.create!({ brokerId: 3, spec: "a", timeoutSeconds: 10, brokers: [] });
    expect(created.outs).toEqual({ brokerId: 3, spec: "a" });
    expect((await guardProvider.diff!("x", { brokerId: 3, spec: "a" }, { brokerId: 3, spec: "a", timeoutSeconds: 10, brokers: [] })).changes).toBe(false);
    expect((await guardProvider.diff!("x", { brokerId: 3, spec: "a" }, { brokerId: 3, spec: "b", timeoutSeconds: 10, brokers: [] })).changes).toBe(true);
  });
});
