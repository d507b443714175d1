// Benchmark: cold `pulumi up` (images present) to smoke green, against the floor — the same
// containers (same image, configs, volumes, healthchecks) started by hand with `docker run`
// and waited for, in two orders: Kafka's quickstart (ZooKeeper healthy, then the brokers) and
// all at once (six JVMs on two cores: measured no faster).
// Interleaved runs; medians per phase and the ratios. Not a test.
//   npm run bench -- up [--runs 3]
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseEstate } from "../src/config/parse";
import type { EstateSpec } from "../src/model/spec";
import { ClusterClient, withClient } from "../src/clients/cluster";
import { renderServerProperties, standardListeners } from "../src/model/broker";
import { DATA_DIRS, DOCKER_HEALTHCHECK as H, PORTS, jvmMemoryMb } from "../src/model/layout";
import { nodeName, volumeName } from "../src/model/naming";
import { renderZooCfg, zookeeperId } from "../src/model/zookeeper";
import { smoke } from "../src/smoke/smoke";
import { waitUntil } from "../src/clients/wait";
import { run, runOk } from "../test/support/exec";
import { TestStack } from "../test/support/stack";

const config = {
  target: "docker",
      environment: "dev",
  kafka: { brokers: 3, heapMb: 512 },
  zookeeper: { replicas: 3, heapMb: 256 },
  docker: { bindAddress: "127.0.0.1", firstBrokerPort: 26092 },
  // The floor starts ZooKeeper and brokers only: so does ours, or the ratio would count the
  // exporter and Prometheus against it.
  monitoring: { enabled: false },
};
const topology = { topics: [{ name: "my-topic", partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": 2 } }] };
const SMOKE_MESSAGES = 1000;

type Phases = Record<string, number>;
const now = () => performance.now();

async function ours(i: number): Promise<Phases> {
  const s = new TestStack(`benchours${i}`, config, topology);
  try {
    const t0 = now();
    const up = s.pulumi(["up", "--yes", "--skip-preview"]);
    if (up.code !== 0) throw new Error(up.stdout + up.stderr);
    const t1 = now();
    await smoke(s.outputs(), { messages: SMOKE_MESSAGES });
    const t2 = now();
    return { "up (containers healthy + topics)": t1 - t0, smoke: t2 - t1, total: t2 - t0 };
  } finally {
    s.cleanup();
  }
}

type Order = "quickstart" | "together";

async function floor(i: number, order: Order): Promise<Phases> {
  const spec: EstateSpec = parseEstate({ project: "kafka-platform", stack: `benchfloor${order}${i}`, config, topology, topologySource: "bench" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-floor-"));
  fs.chmodSync(dir, 0o755); // the containers run as uid 1001
  const label = ["--label", `kafka-platform.stack=${spec.stack}`];
  const names: string[] = [];
  const t0 = now();
  try {
    runOk("docker", ["network", "create", ...label, spec.name]);
    fs.writeFileSync(path.join(dir, "zoo.cfg"), renderZooCfg(spec));
    const start = (role: "zookeeper" | "kafka", ord: number, heap: number, args: string[], extra: string[]) => {
      const name = nodeName(spec, role, ord);
      names.push(name);
      runOk("docker", ["volume", "create", ...label, volumeName(spec, role, ord)]);
      runOk("docker", [
        "run", "-d", "--name", name, "--hostname", name, "--network", spec.name, "--network-alias", name, ...label,
        "-v", `${volumeName(spec, role, ord)}:${DATA_DIRS[role].replace(/\/data$/, "")}`, "-v", `${dir}:/etc/kafka:ro`,
        "-e", `KAFKA_HEAP_OPTS=-Xms${heap}m -Xmx${heap}m`, "--memory", `${jvmMemoryMb(heap)}m`, "--memory-swap", `${jvmMemoryMb(heap)}m`, "--restart", "unless-stopped",
        "--health-cmd", `kafka-health ${role === "kafka" ? "broker" : "zookeeper"} ${role === "kafka" ? PORTS.kafkaInternal : PORTS.zookeeperClient}`,
        // Ours, exactly: a slower probe here would flatter the ratio.
        "--health-interval", `${H.intervalSeconds}s`, "--health-timeout", `${H.timeoutSeconds}s`, "--health-start-period", `${H.startPeriodSeconds}s`, "--health-retries", String(H.retries),
        ...extra, spec.kafka.image, ...args,
      ]);
      return name;
    };
    const healthy = (n: string) =>
      waitUntil({
        what: `${n} healthy`, probe: async () => run("docker", ["inspect", "-f", "{{.State.Health.Status}}", n]).stdout.trim(),
        done: (h) => h === "healthy", describe: (h) => h, timeoutMs: 300_000, intervalMs: 250,
      });
    const zks = Array.from({ length: spec.zookeeper.replicas }, (_, z) =>
      start("zookeeper", z, spec.zookeeper.heapMb, ["zookeeper", "/etc/kafka/zoo.cfg"], ["-e", `ZOO_MY_ID=${zookeeperId(z)}`]));
    if (order === "quickstart") await Promise.all(zks.map(healthy));
    const brokers = Array.from({ length: spec.kafka.brokers }, (_, b) => {
      const host = nodeName(spec, "kafka", b);
      const port = config.docker.firstBrokerPort + b;
      fs.writeFileSync(path.join(dir, `server-${b}.properties`), renderServerProperties(spec, b, standardListeners(host, `127.0.0.1:${port}`)));
      return start("kafka", b, spec.kafka.heapMb, ["broker", `/etc/kafka/server-${b}.properties`], ["-p", `127.0.0.1:${port}:${PORTS.kafkaExternal}`]);
    });
    await Promise.all([...(order === "together" ? zks : []), ...brokers].map(healthy));
    const bootstrap = Array.from({ length: spec.kafka.brokers }, (_, b) => `127.0.0.1:${config.docker.firstBrokerPort + b}`);
    await withClient(new ClusterClient({ bootstrapServers: bootstrap }), async (c) => {
      for (const t of spec.topics) await c.createTopic(t.name, t.partitions, t.replicationFactor, t.config);
    });
    const t1 = now();
    await smoke({
      bootstrapServers: bootstrap.join(","),
      brokers: Object.fromEntries(bootstrap.map((b, id) => [String(id), b])),
      zookeeperConnect: "", topics: spec.topics.map((t) => t.name), declaredTopics: spec.topics,
    }, { messages: SMOKE_MESSAGES });
    const t2 = now();
    return { "up (containers healthy + topics)": t1 - t0, smoke: t2 - t1, total: t2 - t0 };
  } finally {
    if (names.length) run("docker", ["rm", "-f", "-v", ...names]);
    run("docker", ["network", "rm", spec.name]);
    const vols = run("docker", ["volume", "ls", "-q", "--filter", `label=kafka-platform.stack=${spec.stack}`]).stdout.split("\n").filter(Boolean);
    if (vols.length) run("docker", ["volume", "rm", ...vols]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function benchUp(runs: number): Promise<void> {
  const who = ["ours", "quickstart", "together"] as const;
  const results: Record<(typeof who)[number], Phases[]> = { ours: [], quickstart: [], together: [] };
  for (let i = 0; i < runs; i++) {
    // Interleave, rotating who goes first, so drift in machine load hits all alike.
    const order = who.map((_, k) => who[(i + k) % who.length]);
    for (const w of order) {
      const r = w === "ours" ? await ours(i) : await floor(i, w);
      results[w].push(r);
      console.log(`run ${i + 1} ${w.padEnd(10)} ${Object.entries(r).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(", ")}`);
    }
  }
  console.log(`\nmedian of ${runs} interleaved runs (seconds)     ours   floor: quickstart order (ratio)   all at once (ratio)`);
  for (const k of Object.keys(results.ours[0])) {
    const [x, q, t] = who.map((w) => median(results[w].map((r) => r[k])));
    const f = (y: number) => `${(y / 1000).toFixed(1).padStart(6)} (${(x / y).toFixed(2)})`;
    console.log(`${k.padEnd(40)} ${(x / 1000).toFixed(1).padStart(6)}   ${f(q).padStart(28)}   ${f(t).padStart(18)}`);
  }
}
