// The local Kubernetes of `npm run k8s` end to end, with real pods: up (timed) → Ready → a pod of
// the project's Kafka image runs java → a StatefulSet's volume (default StorageClass), written by
// a non-root pod, outlives its pod and goes with its claim → a NodePort answers on 127.0.0.1 → a
// pod resolves and reaches a Service by name → down gives the host back exactly as it was. A
// cluster that was already running is left running (and the down part skipped, saying so).
// Everything lives in a namespace of its own.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../../src/clients/wait";
import { uniqueName } from "../support/exec";
import {
  hostSnapshot, k8sDir, kubectl, kubectlOk, localClusterDown, localClusterStatus, localClusterUp,
  type HostSnapshot, type LocalCluster,
} from "../support/k8s";

const ns = uniqueName("k8s-e2e");
const KAFKA_IMAGE = "kafka-platform/kafka:3.9.2";
const NODE_IMAGE = "kafka-platform/lag-exporter:0.1.0"; // Node.js 18 on Debian: an HTTP server in one line

/** kubectl apply of objects given as data (JSON is YAML). */
const apply = (...objects: object[]) =>
  kubectlOk(["apply", "-n", ns, "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }) });
const jsonpath = (args: string[], path: string) => kubectl([...args, "-n", ns, "-o", `jsonpath=${path}`]).stdout;
/** Waits (bounded) for a pod to end; returns its phase and log. */
async function podResult(name: string, timeoutMs = 120_000): Promise<{ phase: string; log: string }> {
  const phase = await waitUntil({
    what: `pod ${name} to finish`, timeoutMs, intervalMs: 1000,
    probe: async () => jsonpath(["get", "pod", name], "{.status.phase}"),
    done: (p) => p === "Succeeded" || p === "Failed",
    describe: (p) => `phase ${p || "(none)"}; ${kubectl(["describe", "pod", name, "-n", ns]).stdout.split("Events:")[1]?.trim() ?? ""}`,
  });
  return { phase, log: kubectl(["logs", name, "-n", ns]).stdout };
}
const podSpec = (image: string, command: string[], extra: object = {}) => ({
  restartPolicy: "Never",
  terminationGracePeriodSeconds: 1,
  containers: [{ name: "main", image, imagePullPolicy: "Never", command, ...extra }],
});

describe("the local Kubernetes (npm run k8s)", () => {
  let before: HostSnapshot;
  let cluster: LocalCluster | undefined;
  let downDone = false;

  beforeAll(async () => {
    before = hostSnapshot();
    const t0 = Date.now();
    cluster = await localClusterUp({ timeoutMs: 25 * 60_000 });
    console.log(`k8s up took ${((Date.now() - t0) / 1000).toFixed(1)} s (${cluster.startedHere ? "started here" : "was already running"})`);
    kubectlOk(["create", "namespace", ns]);
  }, 26 * 60_000);

  afterAll(async () => {
    // Also after a failure: the namespace goes, and a cluster this file started is stopped.
    if (cluster && !downDone) {
      kubectl(["delete", "namespace", ns, "--wait=true", "--timeout=120s"], { timeoutMs: 150_000 });
      if (cluster.startedHere) await localClusterDown();
    }
  }, 400_000);

  it("is up: status lists every process running and the node Ready", () => {
    const s = localClusterStatus();
    expect(s.code, s.stdout + s.stderr).toBe(0);
    for (const p of ["containerd", "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy", "kp-volumes"]) {
      expect(s.stdout).toMatch(new RegExp(`^${p} +running +pid \\d+$`, "m"));
    }
    expect(s.stdout).toMatch(/^node kafka-platform-node \(10\.213\.0\.1\) Ready$/m);
    expect(kubectlOk(["get", "storageclass", "local", "-o", "jsonpath={.metadata.annotations.storageclass\\.kubernetes\\.io/is-default-class}"])).toBe("true");
  });

  it("runs a pod of the project's Kafka image to completion (java -version)", async () => {
    apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "java" }, spec: podSpec(KAFKA_IMAGE, ["java", "-version"]) });
    const r = await podResult("java");
    expect(r.phase, r.log).toBe("Succeeded");
    expect(r.log).toMatch(/openjdk version "17\./);
  }, 150_000);

  it("binds a StatefulSet's claim from the default StorageClass; a non-root pod writes (fsGroup); the data outlives the pod; Delete removes it", async () => {
    apply({
      apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "writer" },
      spec: {
        serviceName: "writer", replicas: 1, selector: { matchLabels: { app: "writer" } },
        template: {
          metadata: { labels: { app: "writer" } },
          spec: {
            terminationGracePeriodSeconds: 1,
            // As the Kafka and ZooKeeper pods run: the image's user 1001, the volume theirs by fsGroup.
            securityContext: { runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001 },
            containers: [{ name: "main", image: KAFKA_IMAGE, imagePullPolicy: "Never",
              command: ["bash", "-c", "[ -f /data/first ] || echo \"$HOSTNAME $(date +%s%N)\" > /data/first; exec sleep infinity"],
              volumeMounts: [{ name: "data", mountPath: "/data" }] }],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "64Mi" } } } }],
      },
    });
    const ready = async (notUid?: string) => waitUntil({
      what: "writer-0 running and its file written", timeoutMs: 120_000, intervalMs: 1000,
      probe: async () => ({ uid: jsonpath(["get", "pod", "writer-0"], "{.metadata.uid}"), file: kubectl(["exec", "-n", ns, "writer-0", "--", "cat", "/data/first"]).stdout }),
      done: (o) => o.file !== "" && o.uid !== "" && o.uid !== notUid,
      describe: (o) => `uid ${o.uid || "-"}, file ${o.file || "-"}; pvc: ${jsonpath(["get", "pvc", "data-writer-0"], "{.status.phase}")}`,
    });
    const first = await ready();
    expect(jsonpath(["get", "pvc", "data-writer-0"], "{.status.phase}")).toBe("Bound");
    const pv = jsonpath(["get", "pvc", "data-writer-0"], "{.spec.volumeName}");
    const folder = path.join(k8sDir, "data/volumes", pv);
    expect(kubectlOk(["get", "pv", pv, "-o", "jsonpath={.spec.storageClassName} {.spec.persistentVolumeReclaimPolicy} {.spec.local.path}"]))
      .toBe(`local Delete ${folder}`);
    expect(first.file).toMatch(/^writer-0 \d+\n$/);
    expect(fs.readFileSync(path.join(folder, "first"), "utf8")).toBe(first.file);

    kubectlOk(["delete", "pod", "-n", ns, "writer-0", "--wait=true", "--timeout=60s"], { timeoutMs: 90_000 });
    const second = await ready(first.uid);
    expect(second.file).toBe(first.file);

    // Reclaim policy Delete: the claim gone, the volume and its folder go too.
    kubectlOk(["delete", "statefulset", "-n", ns, "writer", "--wait=true", "--timeout=60s"], { timeoutMs: 90_000 });
    kubectlOk(["delete", "pvc", "-n", ns, "data-writer-0", "--wait=true", "--timeout=60s"], { timeoutMs: 90_000 });
    await waitUntil({
      what: `volume ${pv} and ${folder} to be deleted`, timeoutMs: 60_000, intervalMs: 1000,
      probe: async () => ({ pv: kubectl(["get", "pv", pv, "-o", "name"]).code === 0, folder: fs.existsSync(folder) }),
      done: (o) => !o.pv && !o.folder,
      describe: (o) => `volume ${o.pv ? "still there" : "gone"}, folder ${o.folder ? "still there" : "gone"}`,
    });
  }, 300_000);

  it("answers on 127.0.0.1:<nodePort> from the host, and a pod resolves and reaches the Service by name", async () => {
    apply(
      { apiVersion: "v1", kind: "Pod", metadata: { name: "web", labels: { app: "web" } },
        spec: { ...podSpec(NODE_IMAGE, ["node", "-e", "require('http').createServer((q, s) => s.end('hello from ' + require('os').hostname())).listen(8080)"]),
          restartPolicy: "Always" } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "web" },
        spec: { type: "NodePort", selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] } },
    );
    const nodePort = Number(jsonpath(["get", "svc", "web"], "{.spec.ports[0].nodePort}"));
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(nodePort).toBeLessThanOrEqual(32767);
    const body = await waitUntil({
      what: `http://127.0.0.1:${nodePort}/ to answer`, timeoutMs: 120_000, intervalMs: 1000,
      probe: async () => {
        try {
          return await (await fetch(`http://127.0.0.1:${nodePort}/`, { signal: AbortSignal.timeout(3000) })).text();
        } catch (e) {
          return `error: ${(e as Error).message}`;
        }
      },
      done: (b) => b.startsWith("hello"),
      describe: (b) => `${b}; pod web: ${jsonpath(["get", "pod", "web"], "{.status.phase}")}`,
    });
    expect(body).toBe("hello from web");

    // Cluster DNS: the short name (search path), the full name, and another namespace's service.
    const clusterIp = jsonpath(["get", "svc", "web"], "{.spec.clusterIP}");
    apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "dns" }, spec: podSpec(NODE_IMAGE, ["node", "-e", `
      const dns = require("dns").promises;
      (async () => {
        for (const n of ["web", "web.${ns}.svc.cluster.local", "kubernetes.default.svc.cluster.local"]) console.log(n, (await dns.lookup(n)).address);
        console.log("body", await (await fetch("http://web/")).text());
      })().catch((e) => { console.error(e); process.exit(1); });`]) });
    const r = await podResult("dns");
    expect(r.phase, r.log).toBe("Succeeded");
    expect(r.log).toBe(`web ${clusterIp}\nweb.${ns}.svc.cluster.local ${clusterIp}\nkubernetes.default.svc.cluster.local 10.215.0.1\nbody hello from web\n`);
  }, 300_000);

  it("down stops everything and gives the host back as it was before up", async (ctx) => {
    if (!cluster?.startedHere) {
      console.warn("SKIPPED the down/host-equality check: the cluster was already running before this test, so it is left running");
      ctx.skip("the cluster was already running before this test: left running");
      return;
    }
    kubectlOk(["delete", "namespace", ns, "--wait=true", "--timeout=120s"], { timeoutMs: 150_000 });
    const t0 = Date.now();
    const r = await localClusterDown();
    downDone = true;
    console.log(`k8s down took ${((Date.now() - t0) / 1000).toFixed(1)} s\n${r.stdout}`);
    expect(localClusterStatus().code).toBe(3);
    expect(hostSnapshot()).toEqual(before);
  }, 400_000);
});
