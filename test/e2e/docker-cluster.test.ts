// Issue 3 end to end on real Docker: up → smoke → no-op up → one topic's config changed →
// only that topic updates → deleting a protected topic is refused → destroy leaves nothing.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterClient, withClient } from "../../src/clients/cluster";
import { observe } from "../../src/clients/in-sync";
import { waitUntil } from "../../src/clients/wait";
import { SmokeFailure } from "../../src/smoke/checks";
import { smoke } from "../../src/smoke/smoke";
import { run, uniqueName } from "../support/exec";
import { portBlock } from "../support/ports";
import { TestStack } from "../support/stack";

const stackName = uniqueName("e2e").replace(/-/g, "");
const firstBrokerPort = portBlock("docker-cluster");
// Followers drop out of the ISR after 5 s behind (a paused broker shows as under-replicated
// well before its 30 s ZooKeeper session ends): what the under-replication check needs.
const brokerConfig = { "replica.lag.time.max.ms": 5000, "zookeeper.session.timeout.ms": 30000 };
const topology = (ordersRetentionMs: number, withScratch = true) => ({
  topics: [
    { name: "orders", partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": 2, "retention.ms": ordersRetentionMs } },
    { name: "audit", partitions: 2, replicationFactor: 2, config: { "cleanup.policy": "compact" } },
    ...(withScratch ? [{ name: "scratch", partitions: 1, replicationFactor: 1, config: { "min.insync.replicas": 1 } }] : []),
  ],
});

/** Each line occurs exactly once, and nothing looks like a crash report. */
function expectOnce(out: string, lines: string[]): void {
  for (const l of lines) expect(out.split(l).length - 1, `${l}\n---\n${out}`).toBe(1);
  expect(out).not.toMatch(/unhandled exception|\n\s+at .*\.(ts|js):\d+/);
  expect(out).not.toContain("\u001b["); // no colour codes
}

/** What a preview would change: `read` is the program's look at its own last deployment. */
const changes = (previewJson: string) => (JSON.parse(previewJson).steps as { op: string; urn: string }[])
  .filter((st) => st.op !== "same" && st.op !== "read").map((st) => `${st.op} ${st.urn.split("::").pop()}`);

describe("a 3-broker cluster on Docker", () => {
  let s: TestStack;
  const client = () => new ClusterClient({ bootstrapServers: s.outputs().bootstrapServers.split(",") });
  /** Every broker registered and every partition in sync again (after a test stopped one). */
  const waitWhole = () => withClient(client(), (c) => waitUntil({
    what: "the cluster to be whole again", probe: () => observe(c), done: (o) => o.brokers.length === 3 && o.behind.length === 0,
    describe: (o) => `brokers ${o.brokers.join(",")}; behind: ${o.behind.join("; ") || "none"}`, timeoutMs: 180_000,
  }));

  beforeAll(() => {
    s = new TestStack(stackName, {
      target: "docker",
      environment: "dev",
      kafka: { brokers: 3, heapMb: 384, brokerConfig },
      zookeeper: { replicas: 3, heapMb: 128 },
      docker: { bindAddress: "127.0.0.1", firstBrokerPort },
      // Monitoring has its own e2e file (docker-monitoring): this one stays about the cluster.
      monitoring: { enabled: false },
    }, topology(604800000));
  });

  afterAll(() => {
    s?.cleanup();
  }, 400_000);

  it("previews the never-deployed stack: the whole cluster and its topics as creates", () => {
    const preview = s.pulumi(["preview", "--json"]);
    expect(preview.code, preview.stderr).toBe(0);
    const creates = (JSON.parse(preview.stdout).steps as { op: string; urn: string }[])
      .filter((st) => st.op === "create").map((st) => st.urn.split("::").pop());
    expect(creates).toEqual(expect.arrayContaining(["kafka-0", "kafka-2", "zookeeper-2", "topics-orders", "topics-audit", "topics-scratch"]));
    expect(s.leftovers()).toEqual([]);
  }, 300_000);

  it("comes up with its topics in one `pulumi up` and passes the smoke test", async () => {
    const up = s.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const out = s.outputs();
    expect(out.bootstrapServers).toBe([0, 1, 2].map((i) => `127.0.0.1:${firstBrokerPort + i}`).join(","));
    expect(out.brokers).toEqual({ 0: `127.0.0.1:${firstBrokerPort}`, 1: `127.0.0.1:${firstBrokerPort + 1}`, 2: `127.0.0.1:${firstBrokerPort + 2}` });
    expect(out.topics).toEqual(["orders", "audit", "scratch"]);
    const report = await smoke(out, { messages: 300, timeoutMs: 120_000 });
    expect(report.brokers).toBe(3);
    expect(report.roundTrip?.messages).toBe(300);
  }, 600_000);

  it("has nothing to change on a second `pulumi up`", () => {
    const again = s.pulumi(["up", "--yes", "--expect-no-changes", "--skip-preview"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, 300_000);

  it("refuses invalid config before touching anything, naming every problem", () => {
    const containers = () => run("docker", ["ps", "-q", "--no-trunc", "--filter", `label=kafka-platform.stack=${stackName}`]).stdout.split("\n").sort();
    const before = containers();
    s.setTopology({ topics: [
      { name: "orders", partitions: 0, replicationFactor: 4, config: { "retention.ms": -7 } },
    ] });
    const up = s.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code).not.toBe(0);
    const out = up.stdout + up.stderr;
    expect(out).toContain("error: invalid configuration (3 problems); nothing was changed:");
    // Each problem once, as a plain list: no "unhandled exception", no stack trace, no colour
    // codes, no second dump. (Pulumi's progress column repeats an error's first line.)
    expectOnce(out, [
      "- topic 'orders': partitions: 0 is out of range (1–10000)",
      "- topic 'orders': replicationFactor 4 > brokers 3",
      "- topic 'orders': config 'retention.ms' -7 is out of range (-1–9223372036854775807)",
    ]);
    expect(containers()).toEqual(before);
    s.setTopology(topology(604800000));
    const same = s.pulumi(["preview", "--expect-no-changes"]);
    expect(same.code, same.stdout + same.stderr).toBe(0);
  }, 300_000);

  it("updates only the topic whose config changed", async () => {
    s.setTopology(topology(3600000));
    const preview = s.pulumi(["preview", "--json"]);
    expect(preview.code, preview.stderr).toBe(0);
    expect(changes(preview.stdout)).toEqual(["update topics-orders"]);

    const up = s.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const configs = await withClient(client(), (c) => c.topicConfigs(["orders"]));
    expect(configs.orders["retention.ms"]).toBe("3600000");
  }, 300_000);

  it("fails the smoke test on a drifted topic config, naming the key, the live and the declared value", async () => {
    await withClient(client(), async (c) => {
      await c.setTopicConfigs("orders", { "min.insync.replicas": "2", "retention.ms": "1000" });
      try {
        const failure = await smoke(s.outputs(), { messages: 10, timeoutMs: 5_000 }).then(() => undefined, (e) => e);
        expect(failure).toBeInstanceOf(SmokeFailure);
        expect(failure.message).toMatch(/^topics to match the declaration: topic 'orders': retention\.ms=1000, declared 3600000( \(waited 5 s\)|; a later probe)/);
      } finally {
        await c.setTopicConfigs("orders", { "min.insync.replicas": "2", "retention.ms": "3600000" });
      }
    });
  }, 120_000);

  it("npm run drift: shows a hand change to a declared topic config, never broker defaults; up --refresh restores it; a hand-made topic is reported, not deleted", async () => {
    const configs = (args: string[]) => run("docker", [
      "run", "--rm", "--network", `kp-${stackName}`, "--label", `kafka-platform.stack=${stackName}`, process.env.KP_KAFKA_IMAGE ?? "kafka-platform/kafka:3.9.2",
      "class", "kafka.admin.ConfigCommand", "--bootstrap-server", s.outputs().internalBootstrapServers!, "--entity-type", "brokers", "--entity-default", ...args,
    ], { timeoutMs: 120_000 });
    const drift = () => run("node", ["-r", "ts-node/register/transpile-only", "src/preview/drift.ts", "--stack", stackName, "--cwd", s.program], { env: s.env, timeoutMs: 300_000 });
    await withClient(client(), async (c) => {
      await c.setTopicConfigs("orders", { "min.insync.replicas": "2", "retention.ms": "1000" });
      await c.createTopic("handmade", 1, 1);
    });
    // A broker default changed by hand: every topic inherits it, and it is no topic's drift.
    const set = configs(["--alter", "--add-config", "log.retention.bytes=1073741824"]);
    expect(set.code, set.stderr).toBe(0);
    try {
      const found = drift();
      expect(found.code, found.stdout + found.stderr).toBe(3);
      expect(found.stdout).toContain(`drift on stack '${stackName}': 1 declared resource(s) differ from the cluster (live → declared)`);
      expect(found.stdout).toContain("topic ~ orders: retention.ms 1000 → 3600000");
      expect(found.stdout).toMatch(/topic\(s\) on the cluster that the stack does not declare[^\n]*\n {2}handmade\n/);
      expect(found.stdout).not.toContain("retention.bytes");

      const up = s.pulumi(["up", "--refresh", "--yes", "--skip-preview"]);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      await withClient(client(), async (c) => {
        expect((await c.topicConfigs(["orders"])).orders["retention.ms"]).toBe("3600000");
        expect(await c.listTopics()).toContain("handmade"); // reported, never deleted
      });
      const clean = drift();
      expect(clean.code, clean.stdout + clean.stderr).toBe(0);
      expect(clean.stdout).toContain(`no drift on stack '${stackName}'`);
      expect(clean.stdout).toContain("  handmade");
    } finally {
      configs(["--alter", "--delete-config", "log.retention.bytes"]);
    }
  }, 400_000);

  it("fails the smoke test on a stopped broker, naming it", async () => {
    const broker2 = `kp-${stackName}-kafka-2`;
    run("docker", ["stop", "-t", "30", broker2], { timeoutMs: 60_000 });
    try {
      const failure = await smoke(s.outputs(), { messages: 10, timeoutMs: 5_000 }).then(() => undefined, (e) => e);
      expect(failure).toBeInstanceOf(SmokeFailure);
      expect(failure.message).toMatch(/^brokers 0,1,2 registered and the cluster in sync: registered: 0,1; missing: 2( \(waited 5 s\)|; a later probe)/);
    } finally {
      run("docker", ["start", broker2]);
      await waitWhole();
    }
  }, 300_000);

  it("fails the smoke test on an under-replicated partition, naming the partition and its ISR", async () => {
    const out = s.outputs();
    const controller = await withClient(client(), async (c) => (await c.describeCluster()).controller);
    // A follower that stops fetching (paused, still registered): its partitions fall out of sync.
    const paused = [0, 1, 2].find((b) => b !== controller)!;
    const live = [0, 1, 2].filter((b) => b !== paused).map((b) => out.brokers[b]);
    run("docker", ["pause", `kp-${stackName}-kafka-${paused}`]);
    try {
      // An idle follower stays in sync: it has all there is. Give the partitions something to
      // replicate (acks=1; the sends to the paused broker's own partitions just time out).
      await withClient(new ClusterClient({ bootstrapServers: live, requestTimeoutMs: 3000, retries: 0 }), async (c) => {
        const p = await c.producer({ idempotent: false });
        await p.send("orders", Array.from({ length: 48 }, (_, i) => ({ key: `urp-${i}`, value: "x" })), 1).catch(() => undefined);
        await p.close();
      });
      await withClient(new ClusterClient({ bootstrapServers: live }), (c) => waitUntil({
        what: "a partition to lose its paused follower", probe: () => observe(c, ["orders"]),
        done: (o) => o.behind.length > 0 && o.brokers.length === 3, describe: (o) => JSON.stringify(o), timeoutMs: 20_000,
      }));
      const failure = await smoke({ ...out, bootstrapServers: live.join(",") }, { messages: 10, timeoutMs: 3_000 }).then(() => undefined, (e) => e);
      expect(failure).toBeInstanceOf(SmokeFailure);
      expect(failure.message).toMatch(new RegExp(
        "^brokers 0,1,2 registered and every partition of the declared topics in sync: every broker registered; " +
        `under-replicated: (orders|audit|scratch)-\\d \\(isr [0-9,]+ of [0-9,]+\\)`));
      expect(failure.message).not.toContain(`isr ${[0, 1, 2].join(",")} of`); // only short ISRs are named
    } finally {
      run("docker", ["unpause", `kp-${stackName}-kafka-${paused}`]);
      await waitWhole();
    }
  }, 300_000);

  it("refuses an unsafe roll: with a partition already short of a replica, the roll waits for it, then fails naming it, and takes nothing offline", async () => {
    const brokerIds = () => run("docker", ["ps", "-a", "-q", "--no-trunc", "--filter", `label=kafka-platform.stack=${stackName}`, "--filter", "label=kafka-platform.role=kafka"]).stdout.split("\n").filter(Boolean).sort();
    const before = brokerIds();
    const out = s.outputs();
    const broker2 = `kp-${stackName}-kafka-2`;
    run("docker", ["stop", "-t", "30", broker2], { timeoutMs: 60_000 });
    const live = new ClusterClient({ bootstrapServers: [out.brokers[0], out.brokers[1]], requestTimeoutMs: 3000, retries: 0 });
    try {
      await waitUntil({
        what: "orders to lose broker 2 from its ISRs", probe: () => live.describeTopics(["orders"]),
        done: ([t]) => t.partitions.every((p) => !p.isr.includes(2)), describe: (t) => JSON.stringify(t), timeoutMs: 60_000,
      });
      // A change that restarts every broker, with a short step bound so the refusal comes quickly.
      s.setConfig("kafka", { brokers: 3, heapMb: 384, brokerConfig: { ...brokerConfig, "num.io.threads": 4 }, rollStepTimeoutSeconds: 20 });
      const t0 = Date.now();
      const upRun = s.pulumiAsync(["up", "--yes", "--skip-preview"], 300_000);
      // Meanwhile, every partition keeps its leader: nothing was taken down.
      let offline: string[] = [];
      let samples = 0;
      let done = false;
      void upRun.finally(() => { done = true; });
      while (!done) {
        const topics = await live.describeTopics(["orders", "audit"]).catch(() => []);
        if (topics.length) samples++;
        offline.push(...topics.flatMap((t) => t.partitions.filter((p) => p.leader < 0).map((p) => `${t.name}-${p.id}`)));
        await new Promise((r) => setTimeout(r, 1000));
      }
      const up = await upRun;
      const seconds = (Date.now() - t0) / 1000;
      console.log(`unsafe roll: up failed after ${seconds.toFixed(1)} s; ${samples} samples of the partitions' leaders during it, offline: ${offline.length}`);
      expect(up.code).not.toBe(0);
      expect(up.stdout + up.stderr).toMatch(/timed out after 20 s waiting for broker 0 to be safe to restart; last seen: would fall below min\.insync\.replicas without broker 0: [\w.-]+-\d+ \(isr 0,1 of 0,1,2; 1 without broker 0, min\.insync\.replicas 2\)/);
      expect(seconds).toBeGreaterThanOrEqual(20); // it waited before it failed
      expect(samples).toBeGreaterThan(10);
      offline = [...new Set(offline)];
      expect(offline).toEqual([]);
      // No broker was touched: the same containers run (broker 2 still stopped by the test).
      expect(brokerIds()).toEqual(before);
    } finally {
      await live.close();
      s.setConfig("kafka", { brokers: 3, heapMb: 384, brokerConfig });
      run("docker", ["start", broker2]);
      await waitWhole();
    }
  }, 400_000);

  it("keeps the data on the named volumes when a broker config change replaces the containers", async () => {
    await withClient(client(), async (c) => {
      const producer = await c.producer();
      try {
        await producer.send("audit", [{ key: "marker", value: stackName }]);
      } finally {
        await producer.close();
      }
    });
    const ids = () => run("docker", ["ps", "-q", "--no-trunc", "--filter", `label=kafka-platform.stack=${stackName}`, "--filter", "label=kafka-platform.role=kafka"]).stdout.split("\n").filter(Boolean).sort();
    const before = ids();

    s.setConfig("kafka", { brokers: 3, heapMb: 384, brokerConfig: { ...brokerConfig, "num.io.threads": 4 } });
    const up = s.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const after = ids();
    expect(after).toHaveLength(3);
    expect(after.filter((id) => before.includes(id))).toEqual([]);

    let value: string | undefined;
    await withClient(client(), (c) => c.consume({
      topic: "audit", fromBeginning: true, maxMs: 60_000, firstFetchTimeoutMs: 60_000,
      onMessage: (m) => { if (m.key === "marker") value = m.value; return value !== undefined; },
    }));
    expect(value).toBe(stackName);

    // Containers on the stack's network use the internal listener: Kafka's own console
    // consumer, in a throwaway container, reads the same marker.
    const out = s.outputs();
    const r = run("docker", [
      "run", "--rm", "--network", `kp-${stackName}`, "--label", `kafka-platform.stack=${stackName}`, process.env.KP_KAFKA_IMAGE ?? "kafka-platform/kafka:3.9.2",
      "class", "org.apache.kafka.tools.consumer.ConsoleConsumer", "--bootstrap-server", out.internalBootstrapServers!,
      "--topic", "audit", "--from-beginning", "--max-messages", "1", "--timeout-ms", "60000", "--property", "print.key=true",
    ], { timeoutMs: 120_000 });
    expect(r.stdout.trim(), r.stderr).toBe(`marker\t${stackName}`);
  }, 400_000);

  it("changes a replication factor in place: an update that moves replicas, the data stays", async () => {
    const t = topology(3600000);
    t.topics[1] = { ...t.topics[1], replicationFactor: 3 }; // audit 2 → 3, holds the marker
    s.setTopology(t);
    const preview = s.pulumi(["preview", "--json"]);
    expect(preview.code, preview.stderr).toBe(0);
    expect(changes(preview.stdout)).toEqual(["update topics-audit"]);
    const up = s.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    let marker: string | undefined;
    await withClient(client(), async (c) => {
      const [audit] = await c.describeTopics(["audit"]);
      expect(audit.partitions.map((p) => p.replicas.length)).toEqual([3, 3]);
      await c.consume({ topic: "audit", fromBeginning: true, maxMs: 60_000, firstFetchTimeoutMs: 60_000, onMessage: (m) => { if (m.key === "marker") marker = m.value; return marker !== undefined; } });
    });
    expect(marker).toBe(stackName);
  }, 300_000);

  it("npm run preview: a reviewer's summary of a change; an undeclared data loss fails it until allowDataLoss declares it", () => {
    const t: { topics: Record<string, unknown>[] } = topology(3600000);
    t.topics[0] = { ...t.topics[0], partitions: 6, config: { "min.insync.replicas": 2, "retention.ms": 86400000 } };
    t.topics[1] = { ...t.topics[1], replicationFactor: 2 }; // audit 3 → 2: copies removed
    t.topics.push({ name: "payments", partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": 2 } });
    s.setTopology(t);
    // The deployed brokers run num.io.threads 4 (an earlier test): 5 rolls them.
    s.setConfig("kafka", { brokers: 3, heapMb: 384, brokerConfig: { ...brokerConfig, "num.io.threads": 5 } });
    const md = path.join(s.dir, "preview.md");
    const preview = () => run("node", ["-r", "ts-node/register/transpile-only", "src/preview/main.ts", "--stack", stackName, "--cwd", s.program, "--markdown", md], { env: s.env, timeoutMs: 300_000 });
    const refused = preview();
    expect(refused.code, refused.stdout + refused.stderr).toBe(3);
    const out = refused.stdout;
    expect(out).toMatch(/Changes:\n {2}1 to create, \d+ to update, 3 to replace, 0 to delete\n/); // updates: the topics and the roll's gates
    expect(out).toContain("Rolls:\n  brokers kafka-0, kafka-1, kafka-2: one at a time, each waiting until every partition is in sync again\n");
    expect(out).toContain("~ orders: partitions 3 → 6, retention.ms 3600000 → 86400000\n");
    expect(out).toContain("+ payments: new, 3 partitions, replication factor 3\n");
    expect(out).toContain('topic audit replication factor 3 → 2: replicas are moved (copies are removed); NOT DECLARED: add "topic:audit:replicationFactor" to kafka-platform:allowDataLoss to accept it');
    expect(out.trim().split("\n").at(-1)).toBe("refused: 1 data-losing change(s) not declared: topic:audit:replicationFactor");
    // The diff, before the summary: the line of server.properties that changes.
    expect(out).toMatch(/^\+- docker:index\/container:Container kafka-0 \(replace\)\n {4}~ uploads \[forces replacement\]\n {8}~ \/etc\/kafka\/server\.properties\n {12}- num\.io\.threads=4\n {12}\+ num\.io\.threads=5\n/m);
    expect(out).toContain("Restarts:\n  broker kafka-0 (replaced: server.properties changed)\n");
    const comment = fs.readFileSync(md, "utf8");
    expect(comment.split("\n")[0]).toBe(`<!-- kafka-platform preview: ${stackName} -->`);
    console.log(`[figures] npm run preview --markdown for a sample change:\n${comment}`);

    s.setConfig("allowDataLoss", ["topic:audit:replicationFactor"]);
    const declared = preview();
    expect(declared.code, declared.stdout + declared.stderr).toBe(0);
    expect(declared.stdout.trim().split("\n").at(-1)).toBe("ok: 1 data-losing change(s), each declared");
    // Nothing was applied: the stack is back to no changes once the declaration is.
    const deployed = topology(3600000);
    deployed.topics[1] = { ...deployed.topics[1], replicationFactor: 3 }; // as the test before left it
    s.setTopology(deployed);
    s.setConfig("kafka", { brokers: 3, heapMb: 384, brokerConfig: { ...brokerConfig, "num.io.threads": 4 } });
    s.setConfig("allowDataLoss", []);
    const same = preview();
    expect(same.code, same.stdout + same.stderr).toBe(0);
    expect(same.stdout).toContain("Changes:\n  none: nothing to change\n");
  }, 600_000);

  it("refuses, in preview and in up, changes that would lose a topic's data, naming each topic, change and opt-in; nothing changes", async () => {
    const t = topology(3600000, false); // scratch removed
    t.topics[0] = { ...t.topics[0], partitions: 2 }; // orders 3 → 2
    t.topics[1] = { ...t.topics[1], replicationFactor: 3 };
    s.setTopology(t);
    const source = `stacks/${stackName}/topology.yaml`;
    const optIn = (n: string) => `to accept losing its data, first set allowDelete: true on topic '${n}' in ${source} and run up, then make this change`;
    for (const cmd of [["preview"], ["up", "--yes", "--skip-preview"]]) {
      const r = s.pulumi(cmd);
      const out = r.stdout + r.stderr;
      expect(r.code, out).not.toBe(0);
      expect(out).toContain("error: refusing 2 changes that would lose data; nothing was changed:");
      expectOnce(out, [
        `- topic 'orders': partitions 3 → 2 would delete and re-create the topic, losing its data; ${optIn("orders")}`,
        `- topic 'scratch' is no longer declared: removing it would delete the topic and its data; ${optIn("scratch")}`,
      ]);
      expect(out).not.toMatch(/protect/);
    }
    await withClient(client(), async (c) => {
      expect(await c.listTopics()).toContain("scratch");
      expect((await c.describeTopics(["orders"]))[0].partitions).toHaveLength(3);
    });
    s.setTopology({ topics: t.topics.map((x, i) => (i === 0 ? { ...x, partitions: 3 } : x)).concat(topology(3600000).topics[2]) });
    expect(s.pulumi(["preview", "--expect-no-changes"]).code).toBe(0);
  }, 300_000);

  it("destroys everything it created: no container, network or volume of the stack remains", () => {
    s.pulumi(["state", "unprotect", "--all", "--yes"], 60_000);
    const down = s.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(s.leftovers()).toEqual([]);
  }, 300_000);
});
