// Issue 4 (mTLS slice) on real Docker: a secure stack refuses what it should refuse, allows
// what the roles grant, and keeps private keys out of state, `docker inspect` and logs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import { createCa, issueCert } from "../../src/model/certs";
import { pulumi, repoRoot, run, runOk, uniqueName } from "../support/exec";
import { TestStack } from "../support/stack";
import type { StackOutputs } from "../../src/clients/stack";
import { smoke } from "../../src/smoke/smoke";

const PRIVATE_KEY = "PRIVATE KEY-----";

/** A client identity: a certificate (mTLS) or SCRAM credentials. */
interface Identity { certificate?: string; privateKey?: string; username?: string; password?: string }

describe.each([
  { clientAuth: "scram" as const, offset: 0 },
  { clientAuth: "mtls" as const, offset: 1 },
])("a secure ($clientAuth) cluster on Docker", ({ clientAuth, offset }) => {
const stackName = uniqueName(`sec${clientAuth}`).replace(/-/g, "");
// Below the kernel's ephemeral range (32768+), where client sockets could already hold the port.
const firstBrokerPort = 24000 + (process.pid % 300) * 6 + offset * 3;
const bootstrap = [0, 1].map((i) => `127.0.0.1:${firstBrokerPort + i}`);
  let s: TestStack;
  let ca: string;
  let ids: Record<string, Identity>;
  let outputs: StackOutputs;
  let profiles: Record<string, { kafkajs: ConstructorParameters<typeof Kafka>[0]; clientProperties: string; kcat: string[] }>;
  const outcomes: string[] = [];

  // Refusals should fail fast; allowed operations get kafkajs' usual retries (a first group
  // join waits for __consumer_offsets to be created).
  const client = (id: Identity | undefined, trust: string[] = [ca], retries = 1) =>
    new Kafka({
      brokers: bootstrap, clientId: stackName, logLevel: logLevel.NOTHING, connectionTimeout: 5000,
      retry: { retries, initialRetryTime: 300 },
      ssl: id?.certificate ? { ca: trust, cert: id.certificate, key: id.privateKey } : { ca: trust },
      ...(id?.username ? { sasl: { mechanism: "scram-sha-512" as const, username: id.username, password: id.password! } } : {}),
    });

  /** Runs an operation that must be refused; records it and returns the error's type. */
  async function refused(what: string, op: () => Promise<unknown>): Promise<string> {
    try {
      await op();
    } catch (e) {
      outcomes.push(`${what}: refused (${(e as Error).name})`);
      return `${(e as Error).name} ${(e as Error).message}`;
    }
    outcomes.push(`${what}: ACCEPTED`);
    return "accepted";
  }

  async function produce(id: Identity, topic: string): Promise<void> {
    const p = client(id).producer({ allowAutoTopicCreation: false });
    await p.connect();
    try {
      await p.send({ topic, acks: -1, messages: [{ key: "k", value: "v" }] });
    } finally {
      await p.disconnect();
    }
  }

  beforeAll(() => {
    s = new TestStack(stackName, {
      target: "docker",
      environment: "production",
      security: { clientAuth, tls: { validityDays: 30, renewBeforeDays: 7 } },
      kafka: { brokers: 2, heapMb: 384 },
      zookeeper: { replicas: 1, heapMb: 128 },
      docker: { bindAddress: "127.0.0.1", firstBrokerPort },
    }, {
      topics: [
        { name: "orders", partitions: 2, replicationFactor: 2 },
        { name: "audit", partitions: 1, replicationFactor: 2 },
      ],
      groups: ["billing"],
      users: [
        { name: "shop", roles: [{ role: "producer", topic: "orders" }], quota: { producerByteRate: 1048576 } },
        { name: "billing", roles: [{ role: "consumer", topic: "orders", group: "billing" }] },
      ],
    });
  });

  afterAll(() => {
    console.log(`negative cases:\n  ${outcomes.join("\n  ")}`);
    s?.cleanup();
  }, 400_000);

  it("comes up with TLS material, ACLs and a quota in one `pulumi up`, and again with no changes", () => {
    const up = s.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const out = s.secretOutputs();
    ca = out.caCertificate;
    outputs = out;
    ids = clientAuth === "mtls" ? out.clients : out.users;
    profiles = out.connectionProfiles;
    expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(Object.keys(ids).sort()).toEqual(["admin", "billing", "shop"]);
    const leaves = clientAuth === "mtls" ? ["user-billing", "user-shop"] : [];
    expect(Object.keys(out.certificatesExpireAt).sort()).toEqual([
      "admin", "ca", `kp-${stackName}-kafka-0`, `kp-${stackName}-kafka-1`, `kp-${stackName}-zookeeper-0`, `kp-${stackName}-zookeeper-client`, ...leaves,
    ]);
    expect(out.security).toEqual({ clientAuth, acls: 5 });
    if (clientAuth === "scram") {
      expect(out.users.shop).toMatchObject({ username: "shop", mechanism: "SCRAM-SHA-512" });
      expect(out.users.shop.password).toHaveLength(32);
    }
    const again = s.pulumi(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, 600_000);

  it("lets each principal do what its roles allow, with the connection profiles as given", async () => {
    expect(Object.keys(profiles).sort()).toEqual(["admin", "billing", "shop"]);
    expect(profiles.shop.clientProperties).toContain(clientAuth === "mtls" ? "security.protocol=SSL\n" : "security.protocol=SASL_SSL\n");
    const p = new Kafka({ ...profiles.shop.kafkajs, logLevel: logLevel.NOTHING }).producer();
    await p.connect();
    await p.send({ topic: "orders", acks: -1, messages: [{ key: "k", value: "v" }] });
    await p.disconnect();
    const c = client(ids.billing, [ca], 8).consumer({ groupId: "billing" });
    await c.connect();
    await c.subscribe({ topics: ["orders"], fromBeginning: true });
    const got = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("billing read nothing in 60 s")), 60_000);
      void c.run({ eachMessage: async ({ message }) => { clearTimeout(t); resolve(message.value!.toString()); } });
    });
    await c.disconnect();
    expect(got).toBe("v");
    const admin = client(ids.admin).admin();
    await admin.connect();
    expect((await admin.listTopics()).sort()).toEqual(expect.arrayContaining(["audit", "orders"]));
    await admin.disconnect();
  }, 120_000);

  it("refuses what the roles do not allow, with authorization errors", async () => {
    expect(await refused("shop produces to audit", () => produce(ids.shop, "audit"))).toMatch(/authoriz/i);
    expect(await refused("billing produces to orders", () => produce(ids.billing, "orders"))).toMatch(/authoriz/i);
    expect(await refused("shop creates a topic", async () => {
      const a = client(ids.shop).admin();
      await a.connect();
      try { await a.createTopics({ topics: [{ topic: "sneaky", numPartitions: 1, replicationFactor: 1 }] }); } finally { await a.disconnect(); }
    })).toMatch(/authoriz|Topic creation errors/i);
    const c = client(ids.billing).consumer({ groupId: "not-billing" });
    expect(await refused("billing consumes with an undeclared group", async () => {
      await c.connect();
      try {
        await c.subscribe({ topics: ["orders"] });
        await new Promise<void>((resolve, reject) => {
          c.on(c.events.CRASH, (e) => reject(e.payload.error));
          void c.run({ eachMessage: async () => resolve() }).catch(reject);
          setTimeout(() => resolve(), 20_000);
        });
      } finally { await c.disconnect(); }
    })).toMatch(/authoriz|GroupCoordinatorNotFound/i);
  }, 180_000);

  it("refuses plaintext, an untrusted CA, a missing client certificate and an unknown principal", async () => {
    const plain = new Kafka({ brokers: bootstrap, logLevel: logLevel.NOTHING, connectionTimeout: 3000, retry: { retries: 0 } }).admin();
    expect(await refused("plaintext client", async () => { await plain.connect(); await plain.listTopics(); })).not.toBe("accepted");
    await plain.disconnect().catch(() => undefined);

    const rogueCa = await createCa("rogue-ca", 1);
    const rogue = await issueCert(rogueCa, { commonName: "admin", dnsNames: [], ipAddresses: [], validityDays: 1, usages: ["client"] });
    const a1 = client({ certificate: rogue.certPem, privateKey: rogue.keyPem }).admin();
    expect(await refused("certificate from an untrusted CA (CN=admin)", async () => { await a1.connect(); await a1.listTopics(); })).not.toBe("accepted");
    await a1.disconnect().catch(() => undefined);

    const a2 = client(undefined).admin();
    expect(await refused(clientAuth === "mtls" ? "no client certificate" : "TLS without credentials", async () => { await a2.connect(); await a2.listTopics(); })).not.toBe("accepted");
    await a2.disconnect().catch(() => undefined);

    if (clientAuth === "scram") {
      const a3 = client({ username: "shop", password: "not-the-password-at-all" }).admin();
      expect(await refused("wrong password", async () => { await a3.connect(); await a3.listTopics(); })).toMatch(/SASL|authenticat/i);
      await a3.disconnect().catch(() => undefined);
      const a4 = client({ username: "stranger", password: "whatever-password-1" }).admin();
      expect(await refused("unknown principal (user stranger)", async () => { await a4.connect(); await a4.listTopics(); })).toMatch(/SASL|authenticat/i);
      await a4.disconnect().catch(() => undefined);
      return;
    }
    // A certificate the cluster CA really signed, for a principal nobody declared.
    const exported = JSON.parse(runOk("bash", [`${repoRoot}/scripts/pulumi.sh`, "stack", "export", "--show-secrets", "--cwd", s.program, "--stack", stackName], { env: s.env }));
    const material = exported.deployment.resources.find((r: { type: string }) => r.type === "pulumi-nodejs:dynamic:Resource").outputs;
    const caPair = material.ca.plaintext ? JSON.parse(material.ca.plaintext) : material.ca; // a secret, shown
    const stranger = await issueCert(caPair, { commonName: "stranger", dnsNames: [], ipAddresses: [], validityDays: 1, usages: ["client"] });
    expect(await refused("unknown principal (CN=stranger, signed by the cluster CA)", () => produce({ certificate: stranger.certPem, privateKey: stranger.keyPem }, "orders"))).toMatch(/authoriz/i);
  }, 180_000);

  it("passes the smoke test, whose own security checks try every user's grants and refusals", async () => {
    const report = await smoke(outputs, { messages: 200 });
    expect(report.security?.allowed).toEqual(["shop produces to orders: ok", "billing consumes orders in group billing: ok"]);
    const refused = report.security!.refused.map((r) => r.replace(/kp-smoke-denied-[0-9a-f]+/, "<fresh>"));
    expect(refused.slice(0, 7)).toEqual([
      "shop produces to <fresh>: refused (TOPIC_AUTHORIZATION_FAILED)",
      "shop creates topic <fresh>: refused (TOPIC_AUTHORIZATION_FAILED)",
      "shop reads offsets of group <fresh>: refused (GROUP_AUTHORIZATION_FAILED)",
      "billing produces to <fresh>: refused (TOPIC_AUTHORIZATION_FAILED)",
      "billing creates topic <fresh>: refused (TOPIC_AUTHORIZATION_FAILED)",
      "billing reads offsets of group <fresh>: refused (GROUP_AUTHORIZATION_FAILED)",
      "billing produces to orders: refused (TOPIC_AUTHORIZATION_FAILED)",
    ]);
    expect(refused.slice(7).map((r) => r.replace(/ \(.*/, ""))).toEqual([
      "plaintext client on the TLS listener: refused",
      "client trusting another CA: refused",
      ...(clientAuth === "scram"
        ? ["admin with a wrong password: refused", "unknown user: refused"]
        : ["client without a certificate: refused", "unknown principal, CN=admin from another CA: refused"]),
    ]);
    outcomes.push(`smoke test: ${report.security!.allowed.length} allowed ok, ${report.security!.refused.length} refused as expected`);
  }, 180_000);

  it("runs ZooKeeper TLS-only, with the brokers' znodes ACL'd to their shared identity", () => {
    const zk = `kp-${stackName}-zookeeper-0`;
    // No plaintext client port at all.
    expect(run("docker", ["exec", zk, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/2181"]).code).not.toBe(0);
    const tlsOpts = [
      "-Dzookeeper.client.secure=true", "-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty",
      "-Dzookeeper.ssl.keyStore.location=/etc/kafka/secrets/zookeeper-client.pem", "-Dzookeeper.ssl.keyStore.type=PEM",
      "-Dzookeeper.ssl.trustStore.location=/etc/kafka/secrets/truststore.pem", "-Dzookeeper.ssl.trustStore.type=PEM",
    ].join(" ");
    const acl = run("docker", ["exec", "-e", `KAFKA_OPTS=${tlsOpts}`, `kp-${stackName}-kafka-0`,
      "kafka-run", "class", "org.apache.zookeeper.ZooKeeperMain", "-server", `${zk}:2182`, "getAcl", "/brokers/ids"], { timeoutMs: 60_000 });
    expect(acl.stdout, acl.stderr).toContain(`'x509,'CN=kp-${stackName}-zookeeper-client`);
    expect(acl.stdout).toMatch(/: cdrwa/);
    expect(acl.stdout).not.toMatch(/'world,'anyone\s*: cdrwa/);
    outcomes.push("zookeeper: no plaintext port; /brokers/ids ACL x509 brokers-only (cdrwa)");
  }, 120_000);

  it("keeps private keys out of the state file, docker inspect and the containers' logs", () => {
    const state = runOk("bash", [`${repoRoot}/scripts/pulumi.sh`, "stack", "export", "--cwd", s.program, "--stack", stackName], { env: s.env });
    expect(state).not.toContain(PRIVATE_KEY);
    const passwords = clientAuth === "scram"
      ? (Object.values(JSON.parse(runOk("bash", [`${repoRoot}/scripts/pulumi.sh`, "stack", "output", "users", "--json", "--show-secrets", "--cwd", s.program, "--stack", stackName], { env: s.env }))) as { password: string }[]).map((u) => u.password)
      : [];
    for (const pw of passwords) expect(state).not.toContain(pw);
    expect(state).toContain("4dabf18193072939515e22adb298388d"); // Pulumi's secret signature: they are there, encrypted
    const containers = run("docker", ["ps", "-aq", "--filter", `label=kafka-platform.stack=${stackName}`]).stdout.split("\n").filter(Boolean);
    expect(containers.length).toBe(3);
    const inspect = runOk("docker", ["inspect", ...containers]);
    expect(inspect).not.toContain(PRIVATE_KEY);
    for (const pw of passwords) expect(inspect).not.toContain(pw);
    for (const c of containers) {
      const logs = run("docker", ["logs", c]);
      expect(logs.stdout + logs.stderr).not.toContain(PRIVATE_KEY);
      for (const pw of passwords) expect(logs.stdout + logs.stderr).not.toContain(pw);
    }
    // The key file inside a broker is read-only and owned by root: the broker cannot alter it.
    const mode = runOk("docker", ["exec", `kp-${stackName}-kafka-0`, "stat", "-c", "%a %u", "/etc/kafka/secrets/keystore.pem"]).trim();
    expect(mode).toBe("444 0");
    outcomes.push("secrets scan: state, docker inspect, logs clean; keystore read-only, root-owned");
  }, 120_000);
});
