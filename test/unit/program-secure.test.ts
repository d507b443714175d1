// The secure program's graph under Pulumi mocks: certificate names and the roll's gates.
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/exec";
import * as fs from "node:fs";
import { registeredUrns, runProgramUnderMocks, type Created } from "../support/mock-program";

let created: Created[] = [];
const FAKE_PEM = "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n";
const FAKE_KEY = "-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n";
const SECRET_MARK = "4dabf18193072939515e22adb298388d"; // how Pulumi marks a secret value

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
      const pair = { certPem: FAKE_PEM, keyPem: FAKE_KEY, notAfter: "2030-01-01T00:00:00.000Z" };
      return { ca: pair, certs: Object.fromEntries(inputs.leaves.map((l: { id: string }) => [l.id, pair])), trust: [FAKE_PEM], chain: "", caGeneration: 1 };
    }
    return typeof inputs.length === "number" ? { value: "p".repeat(inputs.length) } : {}; // generated passwords
  });
});

describe("the secure docker program", () => {
  it("registers exactly the golden list of URNs (UPDATE_GOLDEN=1 rewrites it after a reviewed rename)", () => {
    const file = path.join(__dirname, "golden/program-secure.urns");
    const urns = registeredUrns();
    if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(file, `${urns.join("\n")}\n`);
    expect(urns).toEqual(fs.readFileSync(file, "utf8").trim().split("\n"));
  });

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

  it("renders the secrets it is given only into secret uploads: server.properties, env and args carry none", () => {
    const password = "p".repeat(32); // the generated admin password, as the mock returns it
    const unwrap = (v: any) => (v && typeof v === "object" && SECRET_MARK in v ? v.value : v);
    for (const c of created.filter((x) => x.type === "docker:index/container:Container")) {
      // Key material makes the uploads a secret as a whole: encrypted in state, masked in output.
      // (Prometheus has none: its config and rules are plain.)
      if (c.name !== "monitoring-prometheus") expect(c.inputs.uploads[SECRET_MARK], c.name).toBeDefined();
      const props = unwrap(c.inputs.uploads).filter((u: any) => !u.file.includes("/secrets/"));
      const plain = JSON.stringify([c.inputs.envs, c.inputs.command, props]);
      expect(plain, c.name).not.toContain(password);
      expect(plain, c.name).not.toContain("PRIVATE KEY");
    }
    const broker = created.find((x) => x.name === "kafka-0")!;
    const files = Object.fromEntries(unwrap(broker.inputs.uploads).map((u: any) => [u.file, u.content]));
    expect(files["/etc/kafka/server.properties"]).toContain("ssl.keystore.location=/etc/kafka/secrets/keystore.pem\n");
    // Where the secrets went: the keystore and the admin's SCRAM bootstrap file.
    expect(files["/etc/kafka/secrets/keystore.pem"]).toContain(FAKE_KEY);
    expect(files["/etc/kafka/secrets/admin-scram.properties"]).toBe(`SCRAM-SHA-512=iterations=4096,password=${password}\n`);
    // The lag exporter's own principal: its password only in its credentials file; its config names the CA and that file.
    const exporter = created.find((x) => x.name === "monitoring-lag-exporter")!;
    const ex = Object.fromEntries(unwrap(exporter.inputs.uploads).map((u: any) => [u.file, unwrap(u.content)]));
    expect(JSON.parse(ex["/etc/lag-exporter/secrets/credentials.json"])).toEqual({ scram: { username: "lag-exporter", password } });
    expect(JSON.parse(ex["/etc/lag-exporter/config.json"])).toMatchObject({ caFile: "/etc/lag-exporter/ca.pem", credentialsFile: "/etc/lag-exporter/secrets/credentials.json" });
  });
});
