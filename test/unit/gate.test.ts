// The roll's gate: its decision against a fake cluster, and its provider as Pulumi runs it —
// serialized by the closure serializer and loaded again, as the dynamic provider process does.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import type { TopicState } from "../../src/clients/cluster";
import { rejoined, waitRejoined, type ClusterView } from "../../src/clients/in-sync";
import { WaitTimeoutError } from "../../src/clients/wait";
import { gateProvider } from "../../src/components/replication-gate";
import { repoRoot } from "../support/exec";

const full = (name: string, replicas: number[]): TopicState => ({ name, partitions: [{ id: 0, leader: replicas[0], replicas, isr: replicas }] });

/** A cluster that answers from a script of observations, one per probe, the last one forever. */
function fakeCluster(script: { brokers: number[]; topics: TopicState[] }[]): ClusterView & { probes: number } {
  const at = () => script[Math.min(view.probes, script.length - 1)];
  const view = {
    probes: 0,
    describeCluster: async () => ({ brokers: at().brokers }),
    listTopics: async () => at().topics.map((t) => t.name),
    describeTopics: async (names: string[]) => {
      const r = at().topics.filter((t) => names.includes(t.name));
      view.probes++;
      return r;
    },
  };
  return view;
}

describe("the gate's decision", () => {
  it("waits while the broker is not registered, then while a partition is short of its ISR, and passes when whole", async () => {
    const lagging: TopicState = { name: "orders", partitions: [{ id: 1, leader: 0, replicas: [0, 1, 2], isr: [0, 2] }] };
    const view = fakeCluster([
      { brokers: [0, 2], topics: [lagging] },
      { brokers: [0, 1, 2], topics: [lagging] },
      { brokers: [0, 1, 2], topics: [full("orders", [0, 1, 2])] },
    ]);
    await waitRejoined(view, 1, 10_000);
    expect(view.probes).toBe(3);
  });

  it("keeps what it saw when a later probe fails, and names both", async () => {
    let n = 0;
    const flaky: ClusterView = {
      describeCluster: async () => {
        if (n++ > 0) throw new Error("broker went away");
        return { brokers: [0, 2] };
      },
      listTopics: async () => [], describeTopics: async () => [],
    };
    const e = await waitRejoined(flaky, 1, 1_500).then(() => undefined, (x) => x);
    expect(e.message).toBe("timed out after 1.5 s waiting for broker 1 to rejoin with every partition in sync; " +
      "last seen: broker 1 is not registered (registered: 0,2); a later probe failed: broker went away");
  });

  it("names what it saw last when time runs out", async () => {
    const view = fakeCluster([{ brokers: [0, 1, 2], topics: [{ name: "orders", partitions: [{ id: 4, leader: 0, replicas: [0, 1, 2], isr: [0] }] }] }]);
    const e = await waitRejoined(view, 1, 1_200).then(() => undefined, (x) => x);
    expect(e).toBeInstanceOf(WaitTimeoutError);
    expect(e.kind).toBe("timeout");
    expect(e.message).toBe("timed out after 1.2 s waiting for broker 1 to rejoin with every partition in sync; last seen: under-replicated: orders-4 (isr 0 of 0,1,2)");
  });

  it("bounds a probe that never answers", async () => {
    const hung: ClusterView = { describeCluster: () => new Promise(() => undefined), listTopics: async () => [], describeTopics: async () => [] };
    const t0 = Date.now();
    const e = await waitRejoined(hung, 0, 1_000, 300).then(() => undefined, (x) => x);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(e.message).toMatch(/last seen: the last probe failed: the probe did not answer within 300 ms$/);
  });

  it("says exactly why a broker is not back", () => {
    expect(rejoined({ brokers: [0, 2], behind: [] }, 1)).toEqual({ done: false, state: "broker 1 is not registered (registered: 0,2)" });
    expect(rejoined({ brokers: [0, 1, 2], behind: [] }, 1).done).toBe(true);
  });
});

describe("the gate's provider, as Pulumi's dynamic provider runs it", () => {
  it("survives the closure serializer and fails with a typed timeout naming its last observation", async () => {
    const sf = await pulumi.runtime.serializeFunction(() => gateProvider, { allowSecrets: true });
    // Inside the repo, so that its node_modules resolve as they do in the provider process.
    fs.mkdirSync(path.join(repoRoot, ".tmp"), { recursive: true }); // ignored scratch space, absent in a fresh clone
    const dir = fs.mkdtempSync(path.join(repoRoot, ".tmp", "gate-"));
    try {
      fs.writeFileSync(path.join(dir, "provider.js"), sf.text);
      const provider = require(path.join(dir, "provider.js"))[sf.exportName]() as pulumi.dynamic.ResourceProvider;
      // Nothing listens on port 1 of the loopback: every probe is refused at once.
      const e = await provider.create!({ brokerId: 0, after: "x", timeoutSeconds: 2, brokers: ["127.0.0.1:1"] }).then(() => undefined, (x) => x);
      expect(e.name).toBe("WaitTimeoutError");
      expect(e.message).toBe("timed out after 2 s waiting for broker 0 to rejoin with every partition in sync; " +
        "last seen: the last probe failed: cannot describe the cluster as 'admin': nothing answers at 127.0.0.1:1 (ECONNREFUSED)");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
