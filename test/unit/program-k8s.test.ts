// The committed dev-k8s stack under Pulumi mocks: what the same model renders for Kubernetes.
// The real thing (pods on the local cluster) is test/e2e/k8s-cluster.test.ts. Under mocks the
// stack is named "unit", so objects are kp-unit-*; the namespace is the committed config's.
import { beforeAll, describe, expect, it } from "vitest";
import { committedStackConfig, k8sObjects, runProgramUnderMocks, type Created } from "../support/mock-program";

let created: Created[] = [];
const outputs: Record<string, unknown> = {};

beforeAll(async () => {
  // What the API server adds: a uid and a generation (the rollout waits key on it).
  created = await runProgramUnderMocks(committedStackConfig("dev-k8s"), (type, inputs) =>
    type === "kubernetes:apps/v1:StatefulSet" ? { metadata: { ...inputs.metadata, uid: `uid-${inputs.metadata.name}`, generation: 1 } } : {}, {}, [], outputs);
});

const names = (kind: string) => k8sObjects(created, kind).map((c) => c.inputs.metadata?.name ?? c.name);
const sets = () => k8sObjects(created, "apps/v1:StatefulSet");
const container = (c: Created) => c.inputs.spec.template.spec.containers[0];

describe("the dev-k8s program (plaintext, NodePorts on 127.0.0.1)", () => {
  it("creates its namespace and no Docker resource", () => {
    expect(names("core/v1:Namespace")).toEqual(["kp-dev-k8s"]);
    expect(created.filter((c) => c.type.startsWith("docker:"))).toEqual([]);
    // Every Kubernetes object goes through the stack's provider, in the stack's namespace.
    const provider = created.find((c) => c.type === "pulumi:providers:kubernetes")!;
    expect(provider.inputs).toMatchObject({ context: "kafka-platform-local", namespace: "kp-dev-k8s" });
    expect(provider.inputs.kubeconfig).toMatch(/\/\.tools\/k8s\/kubeconfig$/);
    for (const c of created.filter((x) => x.type.startsWith("kubernetes:") && x.type !== "kubernetes:core/v1:Namespace")) {
      expect([c.name, c.inputs.metadata.namespace]).toEqual([c.name, "kp-dev-k8s"]);
    }
  });

  it("runs each ZooKeeper member and broker as a StatefulSet of one pod with its own volume claim", () => {
    expect(sets().map((s) => s.inputs.metadata.name)).toEqual([
      "kp-unit-zookeeper-0", "kp-unit-zookeeper-1", "kp-unit-zookeeper-2", "kp-unit-kafka-0", "kp-unit-kafka-1", "kp-unit-kafka-2",
    ]);
    for (const s of sets()) {
      expect(s.inputs.spec.replicas).toBe(1);
      expect(s.inputs.spec.serviceName).toBe(s.inputs.metadata.name);
      const claim = s.inputs.spec.volumeClaimTemplates[0];
      expect(claim.spec).toEqual({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: s.inputs.metadata.name.includes("kafka") ? "2Gi" : "1Gi" } } });
      // dev throws its data away with the stack (storage.retainOnDestroy defaults to false in dev).
      expect(s.inputs.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Delete", whenScaled: "Retain" });
    }
    const broker = sets().find((s) => s.inputs.metadata.name === "kp-unit-kafka-1")!;
    expect(container(broker).volumeMounts[0]).toEqual({ name: "data", mountPath: "/var/lib/kafka" });
    expect(container(broker).args).toEqual(["broker", "/etc/kafka/server.properties"]);
  });

  it("runs the lag exporter and Prometheus as Deployments, Prometheus on a claim of its own", () => {
    expect(names("apps/v1:Deployment")).toEqual(["kp-unit-lag-exporter-0", "kp-unit-prometheus-0"]);
    const prom = k8sObjects(created, "apps/v1:Deployment")[1];
    expect(prom.inputs.spec.strategy).toEqual({ type: "Recreate" });
    expect(prom.inputs.spec.template.spec.volumes).toContainEqual({ name: "data", persistentVolumeClaim: { claimName: "kp-unit-prometheus-0-data" } });
    expect(names("core/v1:PersistentVolumeClaim")).toEqual(["kp-unit-prometheus-0-data"]);
  });

  it("gives every node a headless Service named like its host, published before it is ready (peers resolve each other while starting)", () => {
    const headless = k8sObjects(created, "core/v1:Service").filter((s) => s.inputs.spec.clusterIP === "None");
    expect(headless.map((s) => s.inputs.metadata.name).sort()).toEqual([
      ...sets().map((s) => s.inputs.metadata.name), ...names("apps/v1:Deployment"),
    ].sort());
    for (const s of headless) expect(s.inputs.spec.publishNotReadyAddresses).toBe(true);
  });

  it("exposes broker i on NodePort 31092 + i and advertises 127.0.0.1:<that port> (the stack's outputs too)", () => {
    const external = k8sObjects(created, "core/v1:Service").filter((s) => s.inputs.spec.type === "NodePort");
    expect(external.map((s) => [s.inputs.metadata.name, s.inputs.spec.ports[0].port, s.inputs.spec.ports[0].nodePort])).toEqual([
      ["kp-unit-kafka-0-external", 9092, 31092], ["kp-unit-kafka-1-external", 9092, 31093], ["kp-unit-kafka-2-external", 9092, 31094],
      ["kp-unit-lag-exporter-0-external", 8000, 30800], ["kp-unit-prometheus-0-external", 9090, 30909],
    ]);
    const props = k8sObjects(created, "core/v1:ConfigMap").find((c) => c.name === "kafka-2-files")!.inputs.data["0-server.properties"] as string;
    expect(props).toContain("advertised.listeners=INTERNAL://kp-unit-kafka-2:9091,EXTERNAL://127.0.0.1:31094\n");
    expect(outputs.bootstrapServers).toBe("127.0.0.1:31092,127.0.0.1:31093,127.0.0.1:31094");
    expect([outputs.target, outputs.lagExporterUrl, outputs.prometheusUrl]).toEqual(["kubernetes", "http://127.0.0.1:30800/metrics", "http://127.0.0.1:30909"]);
  });

  it("allows one member of each role down at a time, spreads members over zones and hosts, and takes broker.rack from the zone", () => {
    const pdbs = k8sObjects(created, "policy/v1:PodDisruptionBudget");
    expect(pdbs.map((p) => [p.inputs.metadata.name, p.inputs.spec.maxUnavailable])).toEqual([
      ["kp-unit-zookeeper", 1], ["kp-unit-kafka", 1], ["kp-unit-lag-exporter", 1], ["kp-unit-prometheus", 1],
    ]);
    for (const s of sets()) {
      const pod = s.inputs.spec.template.spec;
      expect(pod.topologySpreadConstraints[0]).toMatchObject({ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" });
      expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe("kubernetes.io/hostname");
    }
    const rack = (s: Created) => container(s).env.find((e: { name: string }) => e.name === "KAFKA_BROKER_RACK");
    expect(rack(sets()[3])).toEqual({ name: "KAFKA_BROKER_RACK", valueFrom: { fieldRef: { fieldPath: "metadata.labels['topology.kubernetes.io/zone']" } } });
    expect(rack(sets()[0])).toBeUndefined(); // ZooKeeper has no rack
  });

  it("sizes and probes every container: memory request = limit from the heap, readiness by the healthcheck, liveness by the first port", () => {
    const broker = container(sets()[3]);
    // jvmMemoryMb(512): the heap plus the JVM's own overhead.
    expect(broker.resources).toEqual({ requests: { cpu: "250m", memory: "896Mi" }, limits: { memory: "896Mi" } });
    expect(broker.readinessProbe.exec.command).toEqual(["kafka-health", "broker", "9091"]);
    expect(broker.livenessProbe.tcpSocket).toEqual({ port: 9091 });
    expect(broker.imagePullPolicy).toBe("Never");
    const zk = container(sets()[0]);
    expect(zk.resources).toEqual({ requests: { cpu: "100m", memory: "640Mi" }, limits: { memory: "640Mi" } });
    expect(sets()[3].inputs.spec.template.spec.securityContext).toEqual({ runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001, runAsNonRoot: true });
  });

  it("lets only brokers (and the other members) reach ZooKeeper, Prometheus only its metrics port", () => {
    const [policy] = k8sObjects(created, "networking.k8s.io/v1:NetworkPolicy");
    expect(policy.inputs.spec.podSelector.matchLabels["app.kubernetes.io/component"]).toBe("zookeeper");
    expect(policy.inputs.spec.ingress.map((r: any) => [r.from.map((f: any) => f.podSelector.matchLabels["app.kubernetes.io/component"]), r.ports])).toEqual([
      [["kafka", "zookeeper"], undefined], [["prometheus"], [{ port: 7071, protocol: "TCP" }]],
    ]);
  });

  it("rolls brokers one at a time: broker i+1 waits for broker i's in-sync gate, which waits for its pod to run the new spec", () => {
    const gates = created.filter((c) => c.name.endsWith("-in-sync"));
    expect(gates.map((g) => [g.name, g.inputs.after, g.inputs.brokers])).toEqual([
      ["kafka-0-in-sync", "uid-kp-unit-kafka-0/1", ["127.0.0.1:31092"]],
      ["kafka-1-in-sync", "uid-kp-unit-kafka-1/1", ["127.0.0.1:31092", "127.0.0.1:31093"]],
      ["kafka-2-in-sync", "uid-kp-unit-kafka-2/1", ["127.0.0.1:31092", "127.0.0.1:31093", "127.0.0.1:31094"]],
    ]);
    // The wait for a node's rollout: kubectl rollout status of its set, with the stack's kubeconfig and context, once per generation.
    const waits = created.filter((c) => c.name.endsWith("-rolled-out"));
    expect(waits.map((w) => w.name)).toEqual([0, 1, 2].map((i) => `zookeeper-${i}-rolled-out`).concat([0, 1, 2].map((i) => `kafka-${i}-rolled-out`), ["monitoring-lag-exporter-rolled-out", "monitoring-prometheus-rolled-out"]));
    expect(waits[4].inputs).toMatchObject({ kind: "statefulset", name: "kp-unit-kafka-1", namespace: "kp-dev-k8s", generation: 1, context: "kafka-platform-local", timeoutSeconds: 600 });
  });
});
