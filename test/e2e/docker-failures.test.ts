// Issue 12 end to end on real Docker, after Kafka's own replication_test: Kafka's
// VerifiableProducer (idempotent, acks=all) and VerifiableConsumer, from the assembled jars, run
// in containers on the stack's network while the leader of a partition is shut down cleanly,
// killed, bounced cleanly ×5 and bounced hard ×5. Per mode: acked, consumed, lost (must be 0),
// duplicates, ordering violations per partition (must be 0). Then two of three brokers down:
// acks=all sends fail with not-enough-replicas and nothing is acknowledged; after the restart
// nothing acknowledged before is lost. Figures go to the test's output.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterClient, withClient } from "../../src/clients/cluster";
import { observe } from "../../src/clients/in-sync";
import { waitUntil } from "../../src/clients/wait";
import { run, uniqueName } from "../support/exec";
import { portBlock } from "../support/ports";
import { TestStack } from "../support/stack";

const stackName = uniqueName("e2efail").replace(/-/g, "");
const image = process.env.KP_KAFKA_IMAGE ?? "kafka-platform/kafka:3.9.2";
const MODES = ["clean-shutdown", "hard-shutdown", "clean-bounce", "hard-bounce"] as const;
type Mode = typeof MODES[number];
const RATE = 300; // records/s, as replication_test's 1000 scaled to two cores
// A killed broker's ZooKeeper session ends after 6 s: a hard bounce waits for that, as Kafka's test does.
const brokerConfig = { "replica.lag.time.max.ms": 5000, "zookeeper.session.timeout.ms": 6000 };
const topic = (m: Mode | "two-down") => `verify-${m}`;

/** One JSON event of a Verifiable* tool (its stdout). */
interface ToolEvent { name: string; value?: string; partition?: number; offset?: number; exception?: string; message?: string; acked?: number; sent?: number }

/** A Verifiable* tool in a container on the stack's network, its events read as they come. */
class Tool {
  readonly events: ToolEvent[] = [];
  readonly exited: Promise<number | null>;
  /** Its exit code once it ended (undefined while it runs). */
  code: number | null | undefined;
  private readonly proc: ChildProcess;
  private stderr = "";
  constructor(readonly name: string, main: string, args: string[], configFile: string) {
    this.proc = spawn("docker", [
      "run", "--rm", "--name", name, "--network", `kp-${stackName}`, "--label", `kafka-platform.stack=${stackName}`,
      "-v", `${configFile}:/tmp/client.properties:ro`, image, "class", main, ...args,
    ], { stdio: ["ignore", "pipe", "pipe"] });
    this.proc.stderr!.on("data", (d) => { this.stderr = (this.stderr + d).slice(-4000); });
    readline.createInterface({ input: this.proc.stdout! }).on("line", (l) => {
      if (l.startsWith("{")) this.events.push(JSON.parse(l) as ToolEvent);
    });
    this.exited = new Promise((r) => this.proc.on("close", (c) => { this.code = c; r(c); }));
  }
  count(name: string): number { return this.events.filter((e) => e.name === name).length; }
  /** SIGTERM: the tool closes its client (a producer flushes) and prints its last events. */
  async stop(): Promise<void> {
    run("docker", ["stop", "-t", "60", this.name], { timeoutMs: 90_000 });
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 30_000))]);
  }
  tail(): string { return this.stderr; }
}

interface Verdict { acked: number; failed: number; consumed: number; lost: number; duplicates: number; orderViolations: Record<number, number> }

/** Kafka's produce–consume validation: every acked value consumed, in order per partition. */
function validate(producer: ToolEvent[], consumer: ToolEvent[]): Verdict {
  const acked = producer.filter((e) => e.name === "producer_send_success");
  const records = consumer.filter((e) => e.name === "record_data");
  const consumedValues = new Set(records.map((r) => r.value));
  // The log's order: one record per (partition, offset), a consumer's re-delivery counted once.
  const byOffset = new Map<string, ToolEvent>();
  for (const r of records) byOffset.set(`${r.partition}:${r.offset}`, r);
  const logRecords = [...byOffset.values()];
  const orderViolations: Record<number, number> = {};
  for (const p of new Set(logRecords.map((r) => r.partition!))) {
    const values = logRecords.filter((r) => r.partition === p).sort((a, b) => a.offset! - b.offset!).map((r) => Number(r.value));
    orderViolations[p] = values.filter((v, i) => i > 0 && v < values[i - 1]).length;
  }
  return {
    acked: acked.length,
    failed: producer.filter((e) => e.name === "producer_send_error").length,
    consumed: records.length,
    lost: acked.filter((a) => !consumedValues.has(a.value)).length,
    duplicates: logRecords.length - new Set(logRecords.map((r) => r.value)).size,
    orderViolations,
  };
}

describe("failure modes on the partition leader under load (Kafka's replication_test)", () => {
  let s: TestStack;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-e2e-failures-"));
  const producerConfig = path.join(dir, "producer.properties");
  const consumerConfig = path.join(dir, "consumer.properties");
  const tools: Tool[] = [];
  const figures: string[] = [];
  const report = (line: string) => { figures.push(line); console.log(`[figures] ${line}`); };
  const client = () => new ClusterClient({ bootstrapServers: s.outputs().bootstrapServers.split(","), requestTimeoutMs: 5000, retries: 1 });
  const container = (broker: number) => `kp-${stackName}-kafka-${broker}`;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const leaderOf = (t: string, partition: number) => withClient(client(), async (c) => waitUntil({
    what: `a leader of ${t}-${partition}`, timeoutMs: 60_000,
    probe: async () => (await c.describeTopics([t]))[0].partitions.find((p) => p.id === partition)!.leader,
    done: (l) => l >= 0, describe: (l) => `leader ${l}`,
  }));
  const registered = () => withClient(client(), async (c) => (await c.describeCluster()).brokers);
  const waitWhole = () => withClient(client(), (c) => waitUntil({
    what: "the cluster to be whole again", probe: () => observe(c), done: (o) => o.brokers.length === 3 && o.behind.length === 0,
    describe: (o) => `brokers ${o.brokers.join(",")}; behind: ${o.behind.join("; ") || "none"}`, timeoutMs: 180_000,
  }));
  const waitUnregistered = (broker: number) => waitUntil({
    what: `broker ${broker}'s ZooKeeper session to end`, timeoutMs: 60_000, probe: registered,
    done: (b) => !b.includes(broker), describe: (b) => `registered: ${b.join(",")}`,
  });

  const startTools = (t: string, tag: string, maxMessages?: number) => {
    const internal = s.outputs().internalBootstrapServers!;
    const consumer = new Tool(`kp-${stackName}-vc-${tag}`, "org.apache.kafka.tools.VerifiableConsumer", [
      "--bootstrap-server", internal, "--topic", t, "--group-id", `verify-${tag}`, "--reset-policy", "earliest", "--verbose",
      "--consumer.config", "/tmp/client.properties",
    ], consumerConfig);
    const producer = new Tool(`kp-${stackName}-vp-${tag}`, "org.apache.kafka.tools.VerifiableProducer", [
      "--bootstrap-server", internal, "--topic", t, "--throughput", String(RATE), "--acks", "-1",
      "--producer.config", "/tmp/client.properties", ...(maxMessages ? ["--max-messages", String(maxMessages)] : []),
    ], producerConfig);
    tools.push(consumer, producer);
    return { producer, consumer };
  };

  beforeAll(() => {
    fs.writeFileSync(producerConfig, // VerifiableProducer sets retries=0 unless told: idempotence needs them.
      "enable.idempotence=true\nacks=all\nretries=2147483647\nmax.in.flight.requests.per.connection=5\ndelivery.timeout.ms=120000\nrequest.timeout.ms=10000\n");
    fs.writeFileSync(consumerConfig, "session.timeout.ms=10000\n");
    s = new TestStack(stackName, {
      target: "docker",
      environment: "dev",
      kafka: { brokers: 3, heapMb: 384, brokerConfig },
      zookeeper: { replicas: 1, heapMb: 128 },
      docker: { bindAddress: "127.0.0.1", firstBrokerPort: portBlock("docker-failures") },
      monitoring: { enabled: false },
    }, {
      topics: [...MODES, "two-down" as const].map((m) => ({ name: topic(m), partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": 2 } })),
    });
  });

  afterAll(() => {
    for (const t of tools) run("docker", ["rm", "-f", t.name]);
    s?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(`[figures] summary\n${figures.join("\n")}`);
  }, 400_000);

  it("comes up: 3 brokers, one topic per mode (3 partitions, replication factor 3, min.insync.replicas 2)", () => {
    const up = s.pulumi(["up", "--yes", "--skip-preview"], 600_000);
    expect(up.code, up.stdout + up.stderr).toBe(0);
  }, 700_000);

  /** What each mode does to the leader of partition 0, while the tools run. */
  const failures: Record<Mode, () => Promise<string>> = {
    "clean-shutdown": async () => {
      const leader = await leaderOf(topic("clean-shutdown"), 0);
      run("docker", ["stop", "-t", "120", container(leader)], { timeoutMs: 180_000 });
      await sleep(10_000); // the cluster serves on two
      run("docker", ["start", container(leader)]);
      return `stopped broker ${leader} (SIGTERM), 10 s on two brokers`;
    },
    "hard-shutdown": async () => {
      const leader = await leaderOf(topic("hard-shutdown"), 0);
      run("docker", ["kill", container(leader)]);
      await waitUnregistered(leader);
      await sleep(5_000);
      run("docker", ["start", container(leader)]);
      return `killed broker ${leader} (SIGKILL), its session ended, 5 s more on two brokers`;
    },
    "clean-bounce": async () => {
      const chased: number[] = [];
      for (let i = 0; i < 5; i++) {
        const leader = await leaderOf(topic("clean-bounce"), 0);
        chased.push(leader);
        run("docker", ["restart", "-t", "120", container(leader)], { timeoutMs: 180_000 });
        await waitWhole(); // as the roll's gate does: the next bounce only once all are in sync
      }
      return `restarted the leader 5 times (SIGTERM): brokers ${chased.join(",")}`;
    },
    "hard-bounce": async () => {
      const chased: number[] = [];
      for (let i = 0; i < 5; i++) {
        const leader = await leaderOf(topic("hard-bounce"), 0);
        chased.push(leader);
        run("docker", ["kill", container(leader)]);
        await waitUnregistered(leader);
        run("docker", ["start", container(leader)]);
        await waitWhole();
      }
      return `killed the leader 5 times (SIGKILL), each restarted once its session ended: brokers ${chased.join(",")}`;
    },
  };

  for (const mode of MODES) {
    it(`${mode}: nothing acknowledged is lost and every partition stays in order`, async () => {
      const t = topic(mode);
      const { producer, consumer } = startTools(t, mode);
      // A tool that ends early (bad argument, no cluster) fails the test at once, with its words.
      const early = Promise.race([producer.exited, consumer.exited]).then(() => {
        throw new Error(`a tool ended early: producer ${producer.code} ${producer.tail()} consumer ${consumer.code} ${consumer.tail()}`);
      });
      early.catch(() => undefined);
      await Promise.race([early, waitUntil({
        what: "the tools to produce and consume", timeoutMs: 90_000, probe: async () => [producer.count("producer_send_success"), consumer.count("record_data")],
        done: ([p, c]) => p >= 1000 && c >= 500, describe: ([p, c]) => `${p} acked, ${c} consumed`,
      })]);
      const t0 = Date.now();
      const what = await failures[mode]();
      await waitWhole();
      await sleep(3_000); // some load on the whole cluster again
      await producer.stop();
      const acked = producer.count("producer_send_success");
      // The consumer reads until it has every acknowledged value (or stops finding new ones).
      await waitUntil({
        what: "the consumer to read what was acknowledged", timeoutMs: 120_000, intervalMs: 2000,
        probe: async () => new Set(consumer.events.filter((e) => e.name === "record_data").map((e) => e.value)).size,
        done: (n) => n >= acked, describe: (n) => `${n} distinct of ${acked}`,
      }).catch(() => undefined); // a shortfall is what the assertions below report
      await consumer.stop();
      const v = validate(producer.events, consumer.events);
      report(`${mode}: ${what} in ${((Date.now() - t0) / 1000).toFixed(0)} s; acked ${v.acked}, send errors ${v.failed}, consumed ${v.consumed}, lost ${v.lost}, duplicates in the log ${v.duplicates}, ` +
        `ordering violations per partition ${JSON.stringify(v.orderViolations)}`);
      expect(v.acked).toBeGreaterThan(1000);
      expect(v.lost).toBe(0);
      expect(Object.keys(v.orderViolations).sort()).toEqual(["0", "1", "2"]);
      expect(Object.values(v.orderViolations).every((n) => n === 0)).toBe(true);
    }, 600_000);
  }

  it("two of three brokers down: acks=all sends fail with not-enough-replicas, none is acknowledged; after the restart nothing acknowledged before is lost", async () => {
    const t = topic("two-down");
    const before = startTools(t, "two-down-before", 200);
    await before.producer.exited;
    const ackedBefore = before.producer.count("producer_send_success");
    expect(ackedBefore).toBe(200);
    await before.consumer.stop();

    const leader = await leaderOf(t, 0);
    const down = [0, 1, 2].filter((b) => b !== leader);
    for (const b of down) run("docker", ["stop", "-t", "120", container(b)], { timeoutMs: 180_000 });
    try {
      await withClient(new ClusterClient({ bootstrapServers: [s.outputs().brokers[leader]], requestTimeoutMs: 3000, retries: 0 }), (c) => waitUntil({
        what: `the ISRs of ${t} to shrink to broker ${leader}`, timeoutMs: 60_000, probe: () => c.describeTopics([t]),
        done: ([x]) => x.partitions.every((p) => p.isr.length === 1), describe: (x) => JSON.stringify(x),
      }));
      // No retries (so no idempotence): each send answers with the broker's own error at once.
      fs.writeFileSync(path.join(dir, "short.properties"), "enable.idempotence=false\nacks=all\nretries=0\nrequest.timeout.ms=5000\n");
      const during = new Tool(`kp-${stackName}-vp-two-down`, "org.apache.kafka.tools.VerifiableProducer", [
        "--bootstrap-server", s.outputs().internalBootstrapServers!, "--topic", t, "--throughput", "20", "--max-messages", "20", "--acks", "-1",
        "--producer.config", "/tmp/client.properties",
      ], path.join(dir, "short.properties"));
      tools.push(during);
      await Promise.race([during.exited, sleep(120_000)]);
      const errors = during.events.filter((e) => e.name === "producer_send_error");
      report(`two down: brokers ${down.join(",")} stopped; ${during.count("producer_send_success")} of 20 acknowledged, ${errors.length} failed: ${[...new Set(errors.map((e) => e.exception))].join(", ")}`);
      expect(during.count("producer_send_success")).toBe(0);
      expect(errors).toHaveLength(20);
      expect(errors.every((e) => /NotEnoughReplicas/.test(`${e.exception} ${e.message}`)), JSON.stringify(errors.slice(0, 3))).toBe(true);
    } finally {
      for (const b of down) run("docker", ["start", container(b)]);
    }
    // What the claim needs: the three brokers registered and every partition of the topic led.
    // Not "every partition in sync": twice a restarted broker stayed out of the ISRs for minutes,
    // logging "cannot become follower since the new leader 2 is unavailable" (Kafka's
    // controller, not ours); that is reported, not waited for.
    await withClient(client(), (c) => waitUntil({
      what: `the brokers back and every partition of ${t} led`, timeoutMs: 180_000,
      probe: async () => ({ brokers: (await c.describeCluster()).brokers, leaderless: (await c.describeTopics([t]))[0].partitions.filter((p) => p.leader < 0).map((p) => p.id) }),
      done: (o) => o.brokers.length === 3 && o.leaderless.length === 0, describe: (o) => `brokers ${o.brokers.join(",")}; without a leader: ${o.leaderless.join(",") || "none"}`,
    }));
    const back = await withClient(client(), (c) => observe(c));
    report(`two down, after the restart: ${back.behind.length} partition(s) not yet back in sync${back.behind.length ? ` (${back.behind.slice(0, 3).join("; ")})` : ""}`);
    const after = startTools(t, "two-down-after", 1);
    await after.producer.exited;
    await waitUntil({
      what: "the consumer to read the topic", timeoutMs: 90_000, intervalMs: 2000,
      probe: async () => after.consumer.count("record_data"), done: (n) => n >= ackedBefore + 1, describe: (n) => `${n} read`,
    }).catch(() => undefined);
    await after.consumer.stop();
    const v = validate(before.producer.events, after.consumer.events);
    report(`two down, after the restart: ${ackedBefore} acknowledged before, lost ${v.lost}`);
    expect(v.lost).toBe(0);
  }, 600_000);
});
