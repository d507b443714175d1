// Issue 10 end to end on the project's local Kubernetes (real apiserver, kubelet, containerd,
// pods): a secure stack (SCRAM, TLS, ACLs, the lag exporter and Prometheus) comes up from the
// host → smoke test with its security checks → no changes on a second up → a broker config
// change rolls one pod at a time while an acks=all producer sends (0 failed) → a deleted broker
// pod comes back with its data → destroy leaves no object of the stack. Starts the local
// cluster if it is not running, and stops it again if it started it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterClient, withClient, type Identity } from "../../src/clients/cluster";
import type { ProducerHandle } from "../../src/clients/cluster";
import { waitUntil } from "../../src/clients/wait";
import { smoke } from "../../src/smoke/smoke";
import { run, uniqueName } from "../support/exec";
import { kubeconfigPath, kubeContext, kubectl, kubectlOk, localClusterDown, localClusterUp, type LocalCluster } from "../support/k8s";
import { TestStack } from "../support/stack";

const stackName = uniqueName("k8s").replace(/-/g, "");
const namespace = `kp-e2e-${stackName}`;
// NodePorts of this file: a block of the API's range (30000–32767) away from dev-k8s (30300, 30800, 30909, 31092+).
const firstNodePort = 32000 + (process.pid % 50) * 10;
const bootstrap = [0, 1, 2].map((i) => `127.0.0.1:${firstNodePort + i}`);
const brokerConfig = { "replica.lag.time.max.ms": 5000 };
const kafka = (extra: Record<string, unknown> = {}) => ({ brokers: 3, heapMb: 384, brokerConfig: { ...brokerConfig, ...extra } });
const TOPIC = "orders";
/** Replication factor 1: a record on it survives a pod's deletion only if the broker's volume does. */
const SINGLE = "single";

interface PodState { uid: string; ready: boolean; deleting: boolean }
/** Polls the brokers' pods and records when each old pod began to go and each new one became Ready. */
function watchBrokerPods() {
  const seen: Record<string, { uids: string[]; goneAt?: number; readyAt?: number }> = {};
  const initial: Record<string, string> = {};
  let running = true;
  const poll = async () => {
    while (running) {
      const r = kubectl(["-n", namespace, "get", "pods", "-l", "app.kubernetes.io/component=kafka", "-o", "json"], { timeoutMs: 20_000 });
      if (r.code === 0) {
        const now = Date.now();
        for (const p of JSON.parse(r.stdout).items) {
          const name = p.metadata.name as string;
          const st: PodState = {
            uid: p.metadata.uid, deleting: Boolean(p.metadata.deletionTimestamp),
            ready: (p.status.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Ready" && c.status === "True"),
          };
          initial[name] ??= st.uid;
          const rec = (seen[name] ??= { uids: [] });
          if (!rec.uids.includes(st.uid)) rec.uids.push(st.uid);
          if ((st.deleting || st.uid !== initial[name]) && rec.goneAt === undefined) rec.goneAt = now;
          if (st.uid !== initial[name] && st.ready && rec.readyAt === undefined) rec.readyAt = now;
        }
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const done = poll();
  return { seen, stop: async () => { running = false; await done; } };
}

/** Sends one message at a time with acks=all until stopped; counts what failed. */
function keepProducing(producer: ProducerHandle) {
  const acked: string[] = [];
  const failures: string[] = [];
  let running = true;
  const done = (async () => {
    for (let i = 0; running; i++) {
      try {
        await producer.send(TOPIC, [{ key: String(i % 6), value: `m-${i}` }], -1);
        acked.push(`m-${i}`);
      } catch (e) {
        failures.push(`m-${i}: ${(e as Error).name} ${(e as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return { acked, failures, stop: async () => { running = false; await done; } };
}

describe("a secure 3-broker cluster on the local Kubernetes", () => {
  let cluster: LocalCluster | undefined;
  let s: TestStack;
  let admin: Identity;
  let secrets: string[] = [];
  const client = (clientId = "k8s-e2e") => new ClusterClient({ bootstrapServers: bootstrap, identity: admin, principal: "admin", clientId, retries: 10 });

  beforeAll(async () => {
    const t0 = Date.now();
    cluster = await localClusterUp();
    console.log(`k8s e2e: local cluster ${cluster.startedHere ? "started" : "already running"} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    s = new TestStack(stackName, {
      target: "kubernetes",
      environment: "staging",
      security: { clientAuth: "scram", tls: { validityDays: 30, renewBeforeDays: 7 } },
      kafka: kafka(),
      zookeeper: { replicas: 3, heapMb: 128 },
      kubernetes: {
        kubeconfig: kubeconfigPath, context: kubeContext, namespace, imagePullPolicy: "Never",
        // The e2e throws its data away with the stack, like dev. fixPermissions: the init container
        // for host-path volumes runs on every (re)start of a pod here, on a volume it already owns.
        storage: { kafkaGi: 1, zookeeperGi: 1, prometheusGi: 1, retainOnDestroy: false, fixPermissions: true },
        external: {
          type: "NodePort", host: "127.0.0.1", firstBrokerNodePort: firstNodePort,
          lagExporterNodePort: firstNodePort + 5, prometheusNodePort: firstNodePort + 6, grafanaNodePort: firstNodePort + 7,
        },
        cpu: { kafka: "100m", zookeeper: "50m", monitoring: "50m" },
      },
      monitoring: { lagExporter: { pollIntervalSeconds: 5 }, prometheus: { scrapeIntervalSeconds: 5 }, alerts: { forSeconds: 10 } },
    }, {
      topics: [
        { name: TOPIC, partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": 2 } },
        { name: SINGLE, partitions: 3, replicationFactor: 1, config: { "min.insync.replicas": 1 } },
      ],
      groups: ["billing"],
      users: [
        { name: "shop", roles: [{ role: "producer", topic: TOPIC }] },
        { name: "billing", roles: [{ role: "consumer", topic: TOPIC, group: "billing" }] },
      ],
    });
  }, 30 * 60_000);

  afterAll(async () => {
    if (s) {
      s.cleanup();
      // Whatever destroy left (a failed run): the namespace holds all of it.
      kubectl(["delete", "namespace", namespace, "--ignore-not-found", "--wait=true", "--timeout=180s"], { timeoutMs: 200_000 });
    }
    if (cluster?.startedHere) await localClusterDown();
  }, 10 * 60_000);

  it("comes up in one `pulumi up` and passes the smoke test from the host, security checks included", async () => {
    const t0 = Date.now();
    const up = s.pulumi(["up", "--yes", "--skip-preview"], 20 * 60_000);
    console.log(`k8s e2e: pulumi up ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const out = s.secretOutputs();
    expect(out.target).toBe("kubernetes");
    expect(out.bootstrapServers).toBe(bootstrap.join(","));
    expect(out.lagExporterUrl).toBe(`http://127.0.0.1:${firstNodePort + 5}/metrics`);
    admin = { ca: out.caCertificate, scram: { username: "admin", password: out.users.admin.password } };
    secrets = Object.values(out.users as Record<string, { password: string }>).map((u) => u.password);
    const report = await smoke(out, { messages: 200, timeoutMs: 180_000 });
    expect(report.brokers).toBe(3);
    expect(report.roundTrip?.messages).toBe(200);
    console.log(`k8s e2e: smoke ${JSON.stringify(report).slice(0, 600)}`);
    // Pods, not containers of Docker: every node of the stack is a pod in its namespace.
    const pods = kubectlOk(["-n", namespace, "get", "pods", "-o", "jsonpath={.items[*].metadata.name}"]).split(" ").sort();
    expect(pods.filter((p) => /-(kafka|zookeeper)-\d-0$/.test(p))).toHaveLength(6);
    expect(pods.filter((p) => /-(lag-exporter|prometheus)-0-/.test(p))).toHaveLength(2);
    expect(run("docker", ["ps", "-q", "--filter", `label=kafka-platform.stack=${stackName}`]).stdout.trim()).toBe("");
  }, 25 * 60_000);

  it("has nothing to change on a second `pulumi up`", () => {
    const again = s.pulumi(["up", "--yes", "--expect-no-changes", "--skip-preview"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, 600_000);

  it("keeps passwords and keys out of ConfigMaps, pod specs, logs and the stack's state", () => {
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    const places: Record<string, string> = {
      configmaps: kubectlOk(["-n", namespace, "get", "configmaps", "-o", "json"]),
      pods: kubectlOk(["-n", namespace, "get", "pods", "-o", "json"]),
      logs: kubectlOk(["-n", namespace, "logs", "-l", "app.kubernetes.io/name=kafka-platform", "--tail=-1", "--all-containers", "--max-log-requests=20"], { timeoutMs: 120_000 }),
      state: s.pulumi(["stack", "export"]).stdout,
    };
    for (const [where, text] of Object.entries(places)) {
      expect(text.length, where).toBeGreaterThan(100);
      for (const pw of secrets) expect(text.includes(pw), `a password in ${where}`).toBe(false);
      expect(text.includes("PRIVATE KEY-----"), `a private key in ${where}`).toBe(false);
    }
    // They are in Secrets, where they belong.
    const inSecrets = Buffer.from(JSON.stringify(JSON.parse(kubectlOk(["-n", namespace, "get", "secrets", "-o", "json"])).items
      .map((x: { data?: Record<string, string> }) => Object.values(x.data ?? {}).map((v) => Buffer.from(v, "base64").toString()))));
    expect(inSecrets.toString()).toContain("PRIVATE KEY-----");
  }, 300_000);

  it("rolls a broker config change one pod at a time while an acks=all producer sends, with no failed send", async () => {
    const c = client("k8s-e2e-roll");
    const producer = await c.producer({ idempotent: false });
    const load = keepProducing(producer);
    const watch = watchBrokerPods();
    const acks = (n: number, what: string) => waitUntil({
      what, probe: async () => load.acked.length, done: (k) => k >= n, timeoutMs: 120_000,
      describe: (k) => `${k} acked, failures: ${load.failures.slice(-3).join("; ") || "none"}`,
    });
    let up;
    const t0 = Date.now();
    try {
      await acks(50, "the producer to be going before the up");
      s.setConfig("kafka", kafka({ "num.io.threads": 4 }));
      up = await s.pulumiAsync(["up", "--yes", "--skip-preview"], 20 * 60_000);
      await acks(load.acked.length + 50, "the producer to go on after the up");
    } finally {
      await load.stop();
      await watch.stop();
      await producer.close();
      await c.close();
    }
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const pods = [0, 1, 2].map((i) => ({ name: `kp-${stackName}-kafka-${i}-0`, ...watch.seen[`kp-${stackName}-kafka-${i}-0`] }));
    console.log(`k8s e2e: roll in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${load.acked.length} acked, ${load.failures.length} failed; pods gone→ready (s): ${pods
      .map((p) => `#${p.name.slice(-3, -2)} ${(((p.goneAt ?? NaN) - t0) / 1000).toFixed(1)}→${(((p.readyAt ?? NaN) - t0) / 1000).toFixed(1)}`).join(", ")}`);
    for (const p of pods) {
      expect(p.uids?.length, `${p.name} replaced once`).toBe(2);
      expect(p.readyAt!, p.name).toBeGreaterThan(p.goneAt!);
    }
    // One at a time: a broker's pod went only after the previous one was Ready again.
    for (let i = 1; i < pods.length; i++) expect(pods[i].goneAt!, pods[i].name).toBeGreaterThan(pods[i - 1].readyAt!);
    expect(load.failures).toEqual([]);
    const props = kubectlOk(["-n", namespace, "exec", `kp-${stackName}-kafka-1-0`, "--", "cat", "/etc/kafka/server.properties"]);
    expect(props).toContain("num.io.threads=4\n");
  }, 25 * 60_000);

  it("brings a deleted broker pod back with its data: a record on a replication-factor-1 partition survives", async () => {
    const broker = 1;
    const marker = `${stackName}-${Date.now()}`;
    const partition = await withClient(client(), async (c) => {
      const [t] = await c.describeTopics([SINGLE]);
      const p = t.partitions.find((x) => x.leader === broker);
      expect(p, `a partition of ${SINGLE} led by broker ${broker}`).toBeDefined();
      const producer = await c.producer({ idempotent: false });
      try {
        await producer.send(SINGLE, [{ key: "marker", value: marker, partition: p!.id }], -1);
      } finally {
        await producer.close();
      }
      return p!.id;
    });
    const pod = `kp-${stackName}-kafka-${broker}-0`;
    const uid = kubectlOk(["-n", namespace, "get", "pod", pod, "-o", "jsonpath={.metadata.uid}"]);
    kubectlOk(["-n", namespace, "delete", "pod", pod, "--wait=true", "--timeout=180s"], { timeoutMs: 200_000 });
    kubectlOk(["-n", namespace, "wait", "--for=condition=Ready", `pod/${pod}`, "--timeout=300s"], { timeoutMs: 320_000 });
    expect(kubectlOk(["-n", namespace, "get", "pod", pod, "-o", "jsonpath={.metadata.uid}"])).not.toBe(uid);
    let value: string | undefined;
    await withClient(client("k8s-e2e-marker"), (c) => c.consume({
      topic: SINGLE, fromBeginning: true, maxMs: 120_000, firstFetchTimeoutMs: 120_000,
      onMessage: (m) => { if (m.key === "marker" && m.partition === partition) value = m.value; return value !== undefined; },
    }));
    expect(value).toBe(marker);
  }, 15 * 60_000);

  it("destroys everything: no object of the stack, no volume, not the namespace", () => {
    const pvs = () => JSON.parse(kubectlOk(["get", "pv", "-o", "json"])).items
      .filter((pv: { spec: { claimRef?: { namespace: string } } }) => pv.spec.claimRef?.namespace === namespace).map((pv: { metadata: { name: string } }) => pv.metadata.name);
    const before = pvs();
    expect(before.length, "the stack's volumes exist before destroy").toBe(7); // 3 ZooKeeper, 3 brokers, Prometheus
    // Topics are protected against a config change deleting them; tearing the stack down is the explicit exception.
    s.pulumi(["state", "unprotect", "--all", "--yes"], 60_000);
    const t0 = Date.now();
    const down = s.pulumi(["destroy", "--yes", "--skip-preview"], 15 * 60_000);
    console.log(`k8s e2e: destroy ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(kubectl(["get", "namespace", namespace]).code).not.toBe(0);
    // The claims went with the namespace, and their volumes (reclaim policy Delete) with them.
    const left = waitFor(() => pvs().length === 0, 120_000);
    expect(left ? [] : pvs()).toEqual([]);
  }, 20 * 60_000);
});

/** Polls `ok` every second until it holds or `ms` pass; a plain synchronous bound for kubectl checks. */
function waitFor(ok: () => boolean, ms: number): boolean {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (ok()) return true;
    run("sleep", ["1"]);
  }
  return ok();
}
