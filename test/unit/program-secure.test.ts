// The secure program's graph under Pulumi mocks: certificate names and the roll's gates.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/exec";

interface Created { type: string; name: string; inputs: Record<string, any> }
const created: Created[] = [];
const FAKE_PEM = "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n";

beforeAll(async () => {
  pulumi.runtime.setAllConfig({
    "kafka-platform:target": "docker",
    "kafka-platform:environment": "staging",
    "kafka-platform:kafka": JSON.stringify({ brokers: 3, heapMb: 384 }),
    "kafka-platform:zookeeper": JSON.stringify({ replicas: 3 }),
    "kafka-platform:docker": JSON.stringify({ firstBrokerPort: 29092 }),
    "kafka-platform:topology": path.join(repoRoot, "test/fixtures/unit/topology.yaml"),
  });
  pulumi.runtime.setMocks({
    newResource(args) {
      created.push({ type: args.type, name: args.name, inputs: args.inputs });
      const state: Record<string, unknown> = { ...args.inputs };
      if (Array.isArray(args.inputs.leaves)) {
        // The TLS dynamic resource: stand-in PEMs for every leaf, as the real provider returns.
        const pair = { certPem: FAKE_PEM, keyPem: "key", notAfter: "2030-01-01T00:00:00.000Z" };
        Object.assign(state, { ca: pair, certs: Object.fromEntries(args.inputs.leaves.map((l: { id: string }) => [l.id, pair])), trust: [FAKE_PEM], chain: "", caGeneration: 1 });
      }
      if (typeof args.inputs.length === "number") state.value = "p".repeat(args.inputs.length); // generated passwords
      return { id: `${args.name}-id`, state };
    },
    call(args) {
      throw new Error(`Mock not implemented: ${args.token}`);
    },
  }, "kafka-platform", "unit", false);
  const program = await import("../../src/index");
  await Promise.all(Object.values(program).map((v) => (pulumi.Output.isInstance(v) ? new Promise((r) => (v as pulumi.Output<unknown>).apply(r)) : v)));
  await new Promise((r) => setTimeout(r, 100));
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
      expect(g.inputs.sasl).toMatchObject(SECRET);
      expect(g.inputs.sasl.value).toEqual({ mechanism: "scram-sha-512", username: "admin", password: expect.stringMatching(/^p{32,}$/) });
      expect(g.inputs.ssl).toMatchObject({ ...SECRET, value: { ca: [FAKE_PEM] } });
    }
  });
});
