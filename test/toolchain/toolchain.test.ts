// Issue 2: the toolchain `npm run setup` produced is the one the project pins, and it works:
// CLI + language host run, plugins match the npm SDKs, a program previews and deploys on the
// local backend, and the assembled jars start a real Kafka 3.9 broker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pulumi, repoRoot, run, runOk, uniqueName } from "../support/exec";
import { portBlock } from "../support/ports";
import { ClusterClient, withClient } from "../../src/clients/cluster";
import { waitUntil } from "../../src/clients/wait";

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
const installed = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(repoRoot, "node_modules", name, "package.json"), "utf8"));
const pomKafkaVersion = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(
  fs.readFileSync(path.join(repoRoot, "toolchain/kafka/pom.xml"), "utf8"),
)![1];
const kafkaImage = process.env.KP_KAFKA_IMAGE ?? `kafka-platform/kafka:${pomKafkaVersion}`;

describe("pinned versions", () => {
  it("pins every @pulumi package exactly, and the CLI matches @pulumi/pulumi", () => {
    const pins = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }) as [string, string][];
    const loose = pins.filter(([, v]) => !/^\d+\.\d+\.\d+$/.test(v));
    expect(loose).toEqual([]);
    expect(pkg.dependencies["@pulumi/pulumi"]).toBe("3.248.0");
    expect(installed("@pulumi/pulumi").version).toBe("3.248.0");
    expect(runOk("bash", ["scripts/pulumi.sh", "version"]).trim()).toBe("v3.248.0");
  });

  it("runs the Node.js language host at the CLI's version", () => {
    const host = runOk("bash", ["-c", "source scripts/env.sh && pulumi-language-nodejs -version"]);
    expect(host.trim()).toBe("v3.248.0");
  });

  it("installs each provider plugin at the version its npm SDK asks for", () => {
    const plugins = JSON.parse(runOk("bash", ["scripts/pulumi.sh", "plugin", "ls", "--json"])) as {
      name: string; kind: string; version: string;
    }[];
    for (const name of ["kafka", "docker"]) {
      const sdk = installed(`@pulumi/${name}`);
      expect(sdk.version).toBe(pkg.dependencies[`@pulumi/${name}`]);
      const want = sdk.pulumi.version as string;
      const have = plugins.filter((p) => p.kind === "resource" && p.name === name).map((p) => p.version);
      expect(have, `plugin ${name}`).toContain(want);
    }
  });
});

describe("a program on the local file backend", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-toolchain-"));
  const env = { PULUMI_BACKEND_URL: `file://${dir}/state`, PULUMI_CONFIG_PASSPHRASE: "toolchain-test" };
  const stack = "check";
  const networkName = uniqueName("kp-toolchain");
  const program = path.join(dir, "program");
  const p = (args: string[], timeoutMs = 180_000) =>
    pulumi([...args, "--cwd", program, "--stack", stack, "--non-interactive"], { env, timeoutMs });

  beforeAll(() => {
    fs.mkdirSync(path.join(dir, "state"));
    fs.cpSync(path.join(repoRoot, "test/fixtures/toolchain-program"), program, { recursive: true });
    // The program uses the project's node_modules (and so its plugin discovery runs on them).
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(program, "node_modules"));
    runOk("bash", ["scripts/pulumi.sh", "stack", "init", stack, "--cwd", program, "--non-interactive"], { env });
    runOk("bash", ["scripts/pulumi.sh", "config", "set", "networkName", networkName, "--cwd", program, "--stack", stack], { env });
  });

  afterAll(() => {
    // Whatever happened above, leave no network and no temp dir behind.
    p(["destroy", "--yes", "--skip-preview"]);
    run("docker", ["network", "rm", networkName]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("previews a docker network and a kafka topic without touching anything", () => {
    runOk("bash", ["scripts/pulumi.sh", "config", "set", "withTopic", "true", "--cwd", program, "--stack", stack], { env });
    const r = p(["preview", "--json"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const steps = (JSON.parse(r.stdout).steps as { op: string; urn: string }[]).map((s) => `${s.op} ${s.urn.split("::").slice(2).join("::")}`);
    expect(steps).toEqual(
      expect.arrayContaining([
        "create docker:index/network:Network::net",
        "create pulumi:providers:kafka::kafka",
        "create kafka:index/topic:Topic::topic",
      ]),
    );
    expect(run("docker", ["network", "inspect", networkName]).code).not.toBe(0);
  }, 180_000);

  it("deploys and destroys a real docker network", () => {
    runOk("bash", ["scripts/pulumi.sh", "config", "set", "withTopic", "false", "--cwd", program, "--stack", stack], { env });
    const up = p(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stderr + up.stdout).toBe(0);
    const outputs = JSON.parse(p(["stack", "output", "--json"]).stdout);
    expect(outputs.networkName).toBe(networkName);
    const inspected = JSON.parse(runOk("docker", ["network", "inspect", networkName]))[0];
    expect(inspected.Id).toBe(outputs.networkId);

    const down = p(["destroy", "--yes", "--skip-preview"]);
    expect(down.code, down.stderr + down.stdout).toBe(0);
    expect(run("docker", ["network", "inspect", networkName]).code).not.toBe(0);
  }, 240_000);
});


async function waitForLog(container: string, needle: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = run("docker", ["logs", container]);
    const logs = r.stdout + r.stderr;
    if (logs.includes(needle)) return logs;
    const state = run("docker", ["inspect", "-f", "{{.State.Status}}", container]).stdout.trim();
    if (state !== "running") throw new Error(`${container} is ${state}:\n${logs.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for "${needle}" in ${container}:\n${logs.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe("the Kafka image assembled from Maven Central", () => {
  const name = uniqueName("kp-jars");
  const conf = fs.mkdtempSync(path.join(os.tmpdir(), "kp-jars-"));
  const zk = `${name}-zk`;
  const broker = `${name}-broker`;

  afterAll(() => {
    run("docker", ["rm", "-f", "-v", zk, broker]);
    run("docker", ["network", "rm", name]);
    fs.rmSync(conf, { recursive: true, force: true });
  });

  it(`starts a broker in ZooKeeper mode that reports Kafka ${pomKafkaVersion} and serves clients`, async () => {
    expect(pomKafkaVersion).toMatch(/^3\.9\.\d+$/);
    const port = portBlock("toolchain");
    fs.writeFileSync(path.join(conf, "zoo.cfg"), "dataDir=/var/lib/zookeeper\nclientPort=2181\nadmin.enableServer=false\n");
    fs.writeFileSync(
      path.join(conf, "server.properties"),
      [
        "broker.id=0",
        `zookeeper.connect=${zk}:2181`,
        // The controller reaches the broker on the network name, host clients on 127.0.0.1.
        "listeners=INTERNAL://0.0.0.0:9091,EXTERNAL://0.0.0.0:9092",
        `advertised.listeners=INTERNAL://${broker}:9091,EXTERNAL://127.0.0.1:${port}`,
        "listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT",
        "inter.broker.listener.name=INTERNAL",
        "log.dirs=/var/lib/kafka/data",
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "group.initial.rebalance.delay.ms=0",
      ].join("\n") + "\n",
    );
    fs.chmodSync(conf, 0o755);
    runOk("docker", ["network", "create", name]);
    const common = ["run", "-d", "--network", name, "-v", `${conf}:/etc/kafka:ro`, "--label", "kafka-platform.test=toolchain"];
    runOk("docker", [...common, "--name", zk, kafkaImage, "zookeeper", "/etc/kafka/zoo.cfg"]);
    runOk("docker", [...common, "--name", broker, "-p", `127.0.0.1:${port}:9092`, kafkaImage, "broker", "/etc/kafka/server.properties"]);

    const logs = await waitForLog(broker, "started (kafka.server.KafkaServer)", 120_000);
    expect(logs).toContain(`Kafka version: ${pomKafkaVersion}`);

    const got = await withClient(new ClusterClient({ bootstrapServers: [`127.0.0.1:${port}`], clientId: name }), async (client) => {
      // "started" comes before the controller has told the broker about itself.
      const cluster = await waitUntil({
        what: "the broker to appear in its own metadata", probe: () => client.describeCluster(),
        done: (c) => c.brokers.length > 0, describe: (c) => `brokers: ${c.brokers.join(",") || "none"}`, timeoutMs: 30_000,
      });
      expect(cluster.brokers).toEqual([0]);
      await client.createTopic("jars-check", 1, 1);
      const producer = await client.producer();
      try {
        await producer.send("jars-check", [{ key: "k", value: "hello from the jars" }]);
      } finally {
        await producer.close();
      }
      let value = "";
      await client.consume({ topic: "jars-check", fromBeginning: true, firstFetchTimeoutMs: 30_000, maxMs: 30_000, onMessage: (m) => { value = m.value; return true; } });
      return value;
    });
    expect(got).toBe("hello from the jars");
  }, 180_000);
});
