// A secure site under Pulumi mocks: west mirrors from a secure east that granted it `orders`.
// Its MirrorMaker authenticates to each site as the principal that site made for it, with the
// passwords only in a secret file; east's grant and west's own principal are least privilege.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProgramUnderMocks, type Created } from "../support/mock-program";

const FAKE_PEM = "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n";
const FAKE_KEY = "-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n";
const EAST_CA = "-----BEGIN CERTIFICATE-----\nRUFTVA==\n-----END CERTIFICATE-----\n";
const SECRET_MARK = "4dabf18193072939515e22adb298388d";
const EAST_PASSWORD = "granted-by-east-0123456789";
const EAST = "kp-east-kafka-0.kp-sites:9094";
const unwrap = (v: any) => (v && typeof v === "object" && SECRET_MARK in v ? v.value : v);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-unit-secure-sites-"));
const topology = path.join(dir, "topology.yaml");
const config = {
  target: "docker", environment: "staging", site: "west",
  kafka: { brokers: 3, heapMb: 256 }, zookeeper: { replicas: 1 },
  docker: { firstBrokerPort: 19292, siteNetwork: "kp-sites" },
  monitoring: { enabled: false },
  topology,
};
const eastOutputs = (grants: Record<string, unknown>) => ({
  site: "east", siteBootstrapServers: EAST, security: { clientAuth: "scram" }, mirrorGrants: grants,
});
const westGrant = { username: "mirror-west", password: EAST_PASSWORD, topics: ["orders"], groups: ["*"], trust: EAST_CA };
const mocked = (_type: string, inputs: Record<string, any>) => {
  if (Array.isArray(inputs.leaves)) {
    const pair = { certPem: FAKE_PEM, keyPem: FAKE_KEY, notAfter: "2030-01-01T00:00:00.000Z" };
    return { ca: pair, certs: Object.fromEntries(inputs.leaves.map((l: { id: string }) => [l.id, pair])), trust: [FAKE_PEM], chain: "", caGeneration: 1 };
  }
  return typeof inputs.length === "number" ? { value: "p".repeat(inputs.length) } : {};
};

let created: Created[] = [];
const resolved: Record<string, any> = {};
beforeAll(async () => {
  fs.writeFileSync(topology, [
    "topics:",
    "  - { name: orders, partitions: 6, replicationFactor: 3 }",
    "  - { name: ledger, partitions: 1, replicationFactor: 3 }",
    "mirrors:",
    "  - { from: east, topics: [orders], groups: 'billing.*' }",
    "mirrorReaders:",
    "  - { site: east, topics: [orders] }",
    "",
  ].join("\n"));
  created = await runProgramUnderMocks(config, mocked, {}, [], resolved, { "organization/kafka-platform/east": eastOutputs({ west: westGrant }) });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const mm = () => created.find((c) => c.type === "docker:index/container:Container" && c.inputs.name === "kp-unit-mirrormaker-0")!;
const acls = (principal: string) => created.filter((c) => c.type === "kafka:index/acl:Acl" && c.inputs.aclPrincipal === `User:${principal}`)
  .map((c) => `${c.inputs.aclOperation} ${c.inputs.aclResourceType}:${c.inputs.aclResourceName}${c.inputs.resourcePatternTypeFilter === "Prefixed" ? "*" : ""}`).sort();

describe("a secure site mirroring from a secure site", () => {
  it("logs in to each site as that site's principal for it, over TLS, passwords read from a secret file", () => {
    expect(mm().inputs.uploads[SECRET_MARK]).toBeDefined();
    const files = Object.fromEntries(unwrap(mm().inputs.uploads).map((u: any) => [u.file, u.content]));
    const props: string = files["/etc/kafka/mm2.properties"];
    for (const alias of ["east", "west"]) {
      expect(props).toContain(`${alias}.security.protocol=SASL_SSL\n`);
      expect(props).toContain(`${alias}.sasl.jaas.config=\${file:/etc/kafka/secrets/mm2-credentials.properties:${alias}.sasl.jaas.config}\n`);
      expect(props).toContain(`${alias}.ssl.truststore.location=/etc/kafka/secrets/${alias}-truststore.pem\n`);
    }
    expect(props).toContain("config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider\n");
    const creds: string = files["/etc/kafka/secrets/mm2-credentials.properties"];
    expect(creds).toContain(`east.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="mirror-west" password="${EAST_PASSWORD}";`);
    expect(creds).toContain(`west.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="mirrormaker" password="${"p".repeat(32)}";`);
    expect(files["/etc/kafka/secrets/east-truststore.pem"]).toBe(EAST_CA);
    // No password outside the secret file: not in the properties, the environment or the command.
    const plain = JSON.stringify([props, mm().inputs.envs, mm().inputs.command]);
    expect(plain).not.toContain(EAST_PASSWORD);
    expect(plain).not.toContain("p".repeat(32));
  });

  it("gives this site's MirrorMaker principal only what MirrorMaker does here", () => {
    expect(created.some((c) => c.type === "kafka:index/userScramCredential:UserScramCredential" && c.inputs.username === "mirrormaker")).toBe(true);
    const mine = acls("mirrormaker");
    expect(mine.filter((a) => a.includes("Group:"))).toEqual(["Describe Group:billing*", "Describe Group:east-mm2", "Read Group:billing*", "Read Group:east-mm2"]);
    expect(mine.filter((a) => a.endsWith("Topic:east.*")).length).toBe(7);
    expect(mine.filter((a) => /Cluster:|Topic:\*$|Topic:orders$|Topic:ledger$|^Delete|^All/.test(a))).toEqual([]);
  });

  it("grants east's MirrorMaker what its mirrorReaders entry says, and exports the grant as a secret", () => {
    expect(acls("mirror-east")).toEqual([
      "Describe Group:*", "Describe Topic:heartbeats", "Describe Topic:orders",
      "DescribeConfigs Topic:heartbeats", "DescribeConfigs Topic:orders", "Read Topic:heartbeats", "Read Topic:orders",
    ]);
    expect(resolved.mirrorGrants).toEqual({ east: { username: "mirror-east", password: "p".repeat(32), topics: ["orders"], groups: ["*"], trust: FAKE_PEM } });
    // The smoke test's role checks are for declared users: the MirrorMaker principals are checked by their own e2e.
    expect((resolved.principals as { name: string }[]).map((p) => p.name)).toEqual([]);
  });
});

describe("a secure source that does not grant what a flow reads", () => {
  it("stops the program before any resource, naming what is missing and where to add it", async () => {
    const seen: Created[] = [];
    const narrow = { ...westGrant, groups: ["ops"] };
    await expect(runProgramUnderMocks(config, mocked, {}, seen, {}, { "organization/kafka-platform/east": eastOutputs({ west: narrow }) }))
      .rejects.toThrow("mirror from 'east' (stack 'east'): the source's grant to 'west' (topics [orders], groups [ops]) does not cover groups [billing*]; widen its mirrorReaders entry or narrow this flow");
    await expect(runProgramUnderMocks(config, mocked, {}, seen, {}, { "organization/kafka-platform/east": eastOutputs({}) }))
      .rejects.toThrow("the source grants site 'west' nothing; add to its topology `mirrorReaders: [{ site: west, topics: [orders] }]` and run up there");
    expect(seen.filter((c) => c.type !== "pulumi:pulumi:StackReference")).toEqual([]);
  });
});
