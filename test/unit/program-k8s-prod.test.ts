// The committed prod-example stack (secure, LoadBalancers, a cloud storage class) under Pulumi
// mocks: its preview is what a reviewer would see, and secrets must only ever be in Secrets.
import { beforeAll, describe, expect, it } from "vitest";
import { committedStackConfig, k8sObjects, runProgramUnderMocks, type Created } from "../support/mock-program";

const FAKE_PEM = "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n";
const FAKE_KEY = "-----BEGIN PRIVATE KEY-----\nS0VZ-unit-key\n-----END PRIVATE KEY-----\n";
const PASSWORD = "p".repeat(32); // every generated password, as the mock returns it
const SECRET_MARK = "4dabf18193072939515e22adb298388d"; // how Pulumi marks a secret value
const lbHost = (name: string) => `${name}.elb.example.com`;

let created: Created[] = [];
const outputs: Record<string, unknown> = {};

beforeAll(async () => {
  created = await runProgramUnderMocks(committedStackConfig("prod-example"), (type, inputs) => {
    if (type === "kubernetes:core/v1:Service" && inputs.spec?.type === "LoadBalancer") {
      return { status: { loadBalancer: { ingress: [{ hostname: lbHost(inputs.metadata.name) }] } } };
    }
    if (type === "kubernetes:apps/v1:StatefulSet") return { metadata: { ...inputs.metadata, uid: `uid-${inputs.metadata.name}`, generation: 1 } };
    if (Array.isArray(inputs.leaves)) {
      const pair = { certPem: FAKE_PEM, keyPem: FAKE_KEY, notAfter: "2030-01-01T00:00:00.000Z" };
      return { ca: pair, certs: Object.fromEntries(inputs.leaves.map((l: { id: string }) => [l.id, pair])), trust: [FAKE_PEM], chain: "", caGeneration: 1 };
    }
    return typeof inputs.length === "number" ? { value: "p".repeat(inputs.length) } : {};
  }, {}, [], outputs);
});

const unwrap = (v: any) => (v && typeof v === "object" && SECRET_MARK in v ? v.value : v);

describe("the prod-example program (secure, LoadBalancers)", () => {
  it("deploys 5 ZooKeeper members and 6 brokers on the cloud's storage class, volumes kept on destroy", () => {
    const sets = k8sObjects(created, "apps/v1:StatefulSet");
    expect(sets.map((s) => s.inputs.metadata.name.replace(/-\d$/, ""))).toEqual([...Array(5).fill("kp-unit-zookeeper"), ...Array(6).fill("kp-unit-kafka")]);
    for (const s of sets) {
      expect(s.inputs.spec.volumeClaimTemplates[0].spec.storageClassName).toBe("gp3");
      expect(s.inputs.spec.persistentVolumeClaimRetentionPolicy.whenDeleted).toBe("Retain");
      expect(s.inputs.metadata.namespace).toBe("kafka-prod");
    }
    expect(sets[5].inputs.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("500Gi");
  });

  it("gives each broker a load balancer of its own and advertises the balancer's address", () => {
    const lbs = k8sObjects(created, "core/v1:Service").filter((s) => s.inputs.spec.type === "LoadBalancer");
    expect(lbs.map((s) => s.inputs.metadata.name)).toEqual([
      ...Array.from({ length: 6 }, (_, i) => `kp-unit-kafka-${i}-external`), "kp-unit-lag-exporter-0-external", "kp-unit-prometheus-0-external",
    ]);
    expect(lbs[0].inputs.metadata.annotations).toEqual({
      "service.beta.kubernetes.io/aws-load-balancer-type": "nlb", "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    });
    expect(lbs[0].inputs.spec.ports).toEqual([{ name: "p9092", port: 9092, targetPort: 9092 }]);
    const props = unwrap(k8sObjects(created, "core/v1:ConfigMap").find((c) => c.name === "kafka-4-files")!.inputs.data)["0-server.properties"] as string;
    expect(props).toMatch(new RegExp(`^advertised.listeners=.*EXTERNAL://${lbHost("kp-unit-kafka-4-external").replace(/\./g, "\\.")}:9092$`, "m"));
    expect(outputs.bootstrapServers).toBe(Array.from({ length: 6 }, (_, i) => `${lbHost(`kp-unit-kafka-${i}-external`)}:9092`).join(","));
  });

  it("names a broker in its certificate by its cluster DNS names and every balancer's host name", () => {
    const tls = created.find((c) => Array.isArray(c.inputs.leaves))!;
    const leaf = tls.inputs.leaves.find((l: { id: string }) => l.id === "kp-unit-kafka-1");
    expect(leaf.dnsNames).toEqual(expect.arrayContaining([
      "kp-unit-kafka-1", "kp-unit-kafka-1.kafka-prod.svc.cluster.local", "kp-unit-kafka-1-0.kp-unit-kafka-1.kafka-prod.svc.cluster.local",
      lbHost("kp-unit-kafka-0-external"), lbHost("kp-unit-kafka-5-external"),
    ]));
    expect(leaf.ipAddresses).toEqual(["127.0.0.1"]);
  });

  it("keeps key material and passwords in Secrets only: none in a ConfigMap, an env value or an argument", () => {
    const leaks: string[] = [];
    const scan = (where: string, v: unknown) => {
      const text = JSON.stringify(unwrap(v)) ?? "";
      if (text.includes("S0VZ-unit-key") || text.includes(PASSWORD)) leaks.push(where);
    };
    for (const c of k8sObjects(created, "core/v1:ConfigMap")) scan(`ConfigMap ${c.name}`, c.inputs.data);
    for (const c of [...k8sObjects(created, "apps/v1:StatefulSet"), ...k8sObjects(created, "apps/v1:Deployment")]) {
      const ctr = c.inputs.spec.template.spec.containers[0];
      scan(`${c.name} env`, ctr.env);
      scan(`${c.name} args`, ctr.args);
    }
    expect(leaks).toEqual([]);
    // …and they are there, in Secrets marked secret in state.
    const secrets = k8sObjects(created, "core/v1:Secret");
    const broker = secrets.find((s) => s.name === "kafka-0-secrets")!;
    expect(broker.inputs.stringData[SECRET_MARK]).toBeDefined();
    expect(Object.keys(unwrap(broker.inputs.stringData))).toEqual(["1-keystore.pem", "3-zookeeper-client.pem", "4-admin-scram.properties"]);
    expect(unwrap(broker.inputs.stringData)["4-admin-scram.properties"]).toContain(PASSWORD);
    const exporter = secrets.find((s) => s.name === "monitoring-lag-exporter-secrets")!;
    expect(JSON.parse(unwrap(exporter.inputs.stringData)["2-credentials.json"])).toEqual({ scram: { username: "lag-exporter", password: PASSWORD } });
  });

  it("mounts each secret file read-only from the node's Secret", () => {
    const broker = k8sObjects(created, "apps/v1:StatefulSet").find((s) => s.inputs.metadata.name === "kp-unit-kafka-0")!;
    const pod = broker.inputs.spec.template.spec;
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: "secrets", mountPath: "/etc/kafka/secrets/keystore.pem", subPath: "1-keystore.pem", readOnly: true });
    expect(pod.volumes.find((v: { name: string }) => v.name === "secrets").secret.defaultMode).toBe(0o444);
  });
});
