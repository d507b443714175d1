// The secure program's graph under Pulumi mocks: certificate names and the roll's gates.
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/exec";
import { runProgramUnderMocks, type Created } from "../support/mock-program";

let created: Created[] = [];
const FAKE_PEM = "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n";

beforeAll(async () => {
  created = await runProgramUnderMocks({
    target: "docker",
    environment: "staging",
    kafka: { brokers: 3, heapMb: 384 },
    zookeeper: { replicas: 3 },
    docker: { firstBrokerPort: 29092 },
    topology: path.join(repoRoot, "test/fixtures/unit/topology.yaml"),
  }, (_type, inputs) => {
    if (Array.isArray(inputs.leaves)) {
      // The TLS dynamic resource: stand-in PEMs for every leaf, as the real provider returns.
      const pair = { certPem: FAKE_PEM, keyPem: "key", notAfter: "2030-01-01T00:00:00.000Z" };
      return { ca: pair, certs: Object.fromEntries(inputs.leaves.map((l: { id: string }) => [l.id, pair])), trust: [FAKE_PEM], chain: "", caGeneration: 1 };
    }
    return typeof inputs.length === "number" ? { value: "p".repeat(inputs.length) } : {}; // generated passwords
  });
});

describe("the secure docker program", () => {
  it("names every node in its certificate as peers know it, reverse DNS included (ZooKeeper's quorum TLS checks it)", () => {
    const tls = created.find((c) => Array.isArray(c.inputs.leaves))!;
    const leaf = (id: string) => tls.inputs.leaves.find((l: { id: string }) => l.id === id);
    expect(leaf("kp-unit-zookeeper-1").dnsNames).toEqual(["kp-unit-zookeeper-1", "kp-unit-zookeeper-1.kp-unit", "localhost"]);
    expect(leaf("kp-unit-kafka-2").dnsNames).toEqual(["kp-unit-kafka-2", "kp-unit-kafka-2.kp-unit", "localhost"]);
    expect(leaf("kp-unit-kafka-2").ipAddresses).toEqual(["127.0.0.1"]);
  });

  it("lets the roll's gates reach the brokers as the admin over SCRAM with the cluster's trust, the password as a secret", () => {
    const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" }; // Pulumi's secret marker
    const gates = created.filter((c) => c.name.endsWith("-in-sync"));
    expect(gates.map((g) => g.name)).toEqual(["kafka-0-in-sync", "kafka-1-in-sync", "kafka-2-in-sync"]);
    for (const g of gates) {
      expect(g.inputs.identity).toMatchObject(SECRET);
      expect(g.inputs.identity.value).toEqual({ ca: FAKE_PEM, scram: { username: "admin", password: expect.stringMatching(/^p{32,}$/) } });
    }
  });
});
