// Issue 12 end to end on real Docker: scale 3 → 4 brokers under a producer (0 failed sends; the
// new broker takes a fair share of replicas and leads partitions), then 4 → 3 (its replicas move
// away before it is removed; nothing acknowledged is lost). Figures go to the test's output.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterClient, withClient } from "../../src/clients/cluster";
import { currentAssignment } from "../../src/clients/rebalance";
import { replicaCounts } from "../../src/model/rebalance";
import { run, uniqueName } from "../support/exec";
import { portBlock } from "../support/ports";
import { TestStack } from "../support/stack";

const stackName = uniqueName("e2escale").replace(/-/g, "");
const RATE = 100;
const kafka = (brokers: number) => ({ brokers, heapMb: 320, brokerConfig: { "replica.lag.time.max.ms": 5000 } });

describe("scaling a cluster under a producer: 3 → 4 → 3 brokers", () => {
  let s: TestStack;
  const acked: string[] = [];
  const figures: string[] = [];
  const report = (line: string) => { figures.push(line); console.log(`[figures] ${line}`); };
  const client = () => new ClusterClient({ bootstrapServers: s.outputs().bootstrapServers.split(","), requestTimeoutMs: 10_000 });

  /** Sends with acks=all, one after another (at most RATE/s), while `during` runs; returns the sends that failed. */
  async function underLoad(tag: string, during: () => Promise<void>): Promise<{ sent: number; failed: string[] }> {
    const c = client();
    const p = await c.producer({ idempotent: true });
    let stop = false;
    let sent = 0;
    const failed: string[] = [];
    const loop = (async () => {
      while (!stop) {
        const key = `${tag}-${sent++}`;
        await p.send("orders", [{ key, value: key }]).then(() => { acked.push(key); }, (e: Error) => { failed.push(`${key}: ${e.message}`); });
        await new Promise((r) => setTimeout(r, 1000 / RATE));
      }
    })();
    try {
      await during();
    } finally {
      stop = true;
      await loop;
      await p.close();
      await c.close();
    }
    return { sent, failed };
  }

  beforeAll(() => {
    s = new TestStack(stackName, {
      target: "docker", environment: "dev", kafka: kafka(3), zookeeper: { replicas: 1, heapMb: 128 },
      docker: { bindAddress: "127.0.0.1", firstBrokerPort: portBlock("docker-scaling") }, monitoring: { enabled: false },
    }, { topics: [{ name: "orders", partitions: 6, replicationFactor: 3, config: { "min.insync.replicas": 2 } }] });
  });

  afterAll(() => {
    s?.cleanup();
    console.log(`[figures] summary\n${figures.join("\n")}`);
  }, 400_000);

  it("comes up with 3 brokers", () => {
    const t0 = Date.now();
    const up = s.pulumi(["up", "--yes", "--skip-preview"], 600_000);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    report(`first deploy (3 brokers, started together): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }, 700_000);

  it("3 → 4: the new broker starts, takes a fair share of replicas and leads partitions; no send fails", async () => {
    s.setConfig("kafka", kafka(4));
    let upOut = "";
    const t0 = Date.now();
    const load = await underLoad("up4", async () => {
      const up = await s.pulumiAsync(["up", "--yes", "--skip-preview"], 900_000);
      upOut = up.stdout + up.stderr;
      expect(up.code, upOut).toBe(0);
    });
    const seconds = (Date.now() - t0) / 1000;
    expect(upOut).toMatch(/moved \d+ partition\(s\) in \d+ s to fit brokers 0,1,2,3/);
    const after = await withClient(client(), async (c) => ({
      assignment: await currentAssignment(c),
      leaders: (await c.describeTopics(await c.listTopics())).flatMap((t) => t.partitions.map((p) => p.leader)),
      throttles: await c.dynamicConfigs(4, "3"),
    }));
    const counts = replicaCounts(after.assignment, [0, 1, 2, 3]);
    const led = after.leaders.filter((l) => l === 3).length;
    report(`3 → 4: up ${seconds.toFixed(1)} s under an acks=all producer: ${load.sent} sent (${(load.sent / seconds).toFixed(0)}/s), ${load.failed.length} failed; replicas per broker ${JSON.stringify(counts)}; broker 3 leads ${led} of ${after.leaders.length} partitions`);
    expect(load.failed).toEqual([]);
    expect(Math.max(...Object.values(counts)) - Math.min(...Object.values(counts))).toBeLessThanOrEqual(1);
    expect(led).toBeGreaterThan(0);
    expect(after.throttles).toEqual({}); // the move's throttle was taken off again
  }, 1_000_000);

  it("4 → 3: broker 3's replicas move away before it is removed; nothing acknowledged is lost", async () => {
    s.setConfig("kafka", kafka(3));
    s.setConfig("allowDataLoss", ["broker:3", "volume:kafka-3-data"]);
    const t0 = Date.now();
    const load = await underLoad("down3", async () => {
      const up = await s.pulumiAsync(["up", "--yes", "--skip-preview"], 900_000);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(up.stdout).toMatch(/moved \d+ partition\(s\) in \d+ s to fit brokers 0,1,2/);
    });
    const seconds = (Date.now() - t0) / 1000;
    const assignment = await withClient(client(), (c) => currentAssignment(c));
    expect(assignment.flatMap((p) => p.replicas)).not.toContain(3);
    expect(run("docker", ["ps", "-a", "-q", "--filter", `name=kp-${stackName}-kafka-3`]).stdout.trim()).toBe("");
    const seen = new Set<string>();
    await withClient(client(), (c) => c.consume({
      topic: "orders", fromBeginning: true, idleMs: 8_000, maxMs: 120_000, firstFetchTimeoutMs: 60_000,
      onMessage: (m) => { if (m.key) seen.add(m.key); },
    }));
    const lost = acked.filter((k) => !seen.has(k));
    report(`4 → 3: up ${seconds.toFixed(1)} s under an acks=all producer: ${load.sent} sent (${(load.sent / seconds).toFixed(0)}/s), ${load.failed.length} failed; replicas per broker ${JSON.stringify(replicaCounts(assignment, [0, 1, 2]))}; ${acked.length} acknowledged in all, lost ${lost.length}`);
    expect(load.failed).toEqual([]);
    expect(lost).toEqual([]);
  }, 1_000_000);
});
