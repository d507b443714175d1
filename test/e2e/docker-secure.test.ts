// Issue 4 (mTLS slice) on real Docker: a secure stack refuses what it should refuse, allows
// what the roles grant, and keeps private keys out of state, `docker inspect` and logs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterClient, withClient, type Identity } from "../../src/clients/cluster";
import { ClusterError, type ErrorKind } from "../../src/clients/errors";
import { createCa, issueCert } from "../../src/model/certs";
import { repoRoot, run, runOk, uniqueName } from "../support/exec";
import { waitUntil } from "../../src/clients/wait";
import { portBlock } from "../support/ports";
import { TestStack } from "../support/stack";
import type { StackOutputs } from "../../src/clients/stack";
import { smoke } from "../../src/smoke/smoke";

const PRIVATE_KEY = "PRIVATE KEY-----";

/** A client identity as the stack outputs give it: a certificate (mTLS) or SCRAM credentials. */
interface Output { certificate?: string; privateKey?: string; username?: string; password?: string }

describe.each([
  { clientAuth: "scram" as const, offset: 0 },
  { clientAuth: "mtls" as const, offset: 1 },
])("a secure ($clientAuth) cluster on Docker", ({ clientAuth, offset }) => {
const stackName = uniqueName(`sec${clientAuth}`).replace(/-/g, "");
const firstBrokerPort = portBlock("docker-secure") + offset * 3;
const bootstrap = [0, 1].map((i) => `127.0.0.1:${firstBrokerPort + i}`);
  let s: TestStack;
  let ca: string;
  let ids: Record<string, Output>;
  let outputs: StackOutputs;
  let profiles: Record<string, { kafkajs: { brokers: string[]; ssl: { ca: string[] }; sasl?: { username: string; password: string } }; clientProperties: string; kcat: string[] }>;
  const outcomes: string[] = [];

  // Refusals should fail fast; allowed operations get the usual retries (a first group
  // join waits for __consumer_offsets to be created).
  const identity = (id: Output | undefined, ca_ = ca): Identity => ({
    ca: ca_, certificate: id?.certificate, privateKey: id?.privateKey,
    ...(id?.username ? { scram: { username: id.username, password: id.password! } } : {}),
  });
  const client = (id: Output | undefined, principal: string, trust = ca, retries = 1) =>
    new ClusterClient({ bootstrapServers: bootstrap, identity: identity(id, trust), principal, clientId: stackName, retries });

  /** Runs an operation that must be refused with exactly `kind` (and the broker's `code`); records it. */
  async function refused(what: string, kind: ErrorKind, code: string | undefined, c: ClusterClient, op: (c: ClusterClient) => Promise<unknown>): Promise<ClusterError> {
    const e = await withClient(c, op).then(() => undefined, (x) => x);
    outcomes.push(`${what}: ${e ? `refused (${e.kind} ${e.code ?? ""})` : "ACCEPTED"}`);
    expect(e, `${what} was accepted`).toBeInstanceOf(ClusterError);
    expect({ kind: e.kind, code: code === undefined ? undefined : e.code }, e.message).toEqual({ kind, code });
    return e;
  }

  async function produce(c: ClusterClient, topic: string): Promise<void> {
    const p = await c.producer({ idempotent: false });
    try {
      await p.send(topic, [{ key: "k", value: "v" }]);
    } finally {
      await p.close();
    }
  }

  beforeAll(() => {
    s = new TestStack(stackName, {
      target: "docker",
      environment: "production",
      security: { clientAuth, tls: { validityDays: 30, renewBeforeDays: 7 } },
      kafka: { brokers: 2, heapMb: 384 },
      zookeeper: { replicas: 1, heapMb: 128 },
      docker: { bindAddress: "127.0.0.1", firstBrokerPort, lagExporterPort: firstBrokerPort + 5, prometheusPort: firstBrokerPort + 6, grafanaPort: firstBrokerPort + 7 },
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
    // The lag exporter's own principal is one of them.
    expect(Object.keys(ids).sort()).toEqual(["admin", "billing", "lag-exporter", "shop"]);
    const leaves = clientAuth === "mtls" ? ["user-billing", "user-lag-exporter", "user-shop"] : [];
    expect(Object.keys(out.certificatesExpireAt).sort()).toEqual([
      "admin", "ca", `kp-${stackName}-kafka-0`, `kp-${stackName}-kafka-1`, `kp-${stackName}-zookeeper-0`, `kp-${stackName}-zookeeper-client`, ...leaves,
    ]);
    expect(out.security).toEqual({ clientAuth, acls: 5 + 3 }); // + the exporter's three Describe grants
    if (clientAuth === "scram") {
      expect(out.users.shop).toMatchObject({ username: "shop", mechanism: "SCRAM-SHA-512" });
      expect(out.users.shop.password).toHaveLength(32);
    }
    const again = s.pulumi(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, 600_000);

  it("lets each principal do what its roles allow, with the connection profiles as given", async () => {
    expect(Object.keys(profiles).sort()).toEqual(["admin", "billing", "lag-exporter", "shop"]);
    expect(profiles.shop.clientProperties).toContain(clientAuth === "mtls" ? "security.protocol=SSL\n" : "security.protocol=SASL_SSL\n");
    // The kafkajs profile as pasted: its brokers, CA and credentials are all a client needs.
    const pasted = profiles.shop.kafkajs as unknown as { brokers: string[]; ssl: { ca: string[]; cert?: string; key?: string }; sasl?: { username: string; password: string } };
    await withClient(new ClusterClient({
      bootstrapServers: pasted.brokers, principal: "shop",
      identity: { ca: pasted.ssl.ca.join(""), certificate: pasted.ssl.cert, privateKey: pasted.ssl.key, ...(pasted.sasl ? { scram: { username: pasted.sasl.username, password: pasted.sasl.password } } : {}) },
    }), (c) => produce(c, "orders"));
    let got: string | undefined;
    await withClient(client(ids.billing, "billing", ca, 8), (c) => c.consume({
      topic: "orders", group: "billing", fromBeginning: true, maxMs: 60_000, firstFetchTimeoutMs: 60_000,
      onMessage: (m) => { got = m.value; return true; },
    }));
    expect(got).toBe("v");
    expect(await withClient(client(ids.admin, "admin"), (c) => c.listTopics())).toEqual(expect.arrayContaining(["audit", "orders"]));
  }, 120_000);

  it("refuses what the roles do not allow, with the broker's authorization errors", async () => {
    const e = await refused("shop produces to audit", "authorization", "TOPIC_AUTHORIZATION_FAILED", client(ids.shop, "shop"), (c) => produce(c, "audit"));
    expect(e.message).toBe("not authorized to write to topic 'audit' as 'shop'");
    await refused("billing produces to orders", "authorization", "TOPIC_AUTHORIZATION_FAILED", client(ids.billing, "billing"), (c) => produce(c, "orders"));
    await refused("shop creates a topic", "authorization", "TOPIC_AUTHORIZATION_FAILED", client(ids.shop, "shop"), (c) => c.createTopic("sneaky", 1, 1));
    const g = await refused("billing consumes with an undeclared group", "authorization", "GROUP_AUTHORIZATION_FAILED", client(ids.billing, "billing"),
      (c) => c.consume({ topic: "orders", group: "not-billing", maxMs: 30_000, firstFetchTimeoutMs: 30_000, onMessage: () => true }));
    expect(g.message).toBe("not authorized to read group 'not-billing' as 'billing'");
    // Its own group, a topic it was not given: the topic is named.
    const t = await refused("billing reads audit in its own group", "authorization", "TOPIC_AUTHORIZATION_FAILED", client(ids.billing, "billing"),
      (c) => c.consume({ topic: "audit", group: "billing", maxMs: 30_000, firstFetchTimeoutMs: 30_000, onMessage: () => true }));
    expect(t.message).toBe("not authorized to read topic 'audit' as 'billing'");
  }, 180_000);

  it("refuses plaintext, an untrusted CA, a missing client certificate and an unknown principal, each with its kind", async () => {
    const plain = new ClusterClient({ bootstrapServers: bootstrap, clientId: stackName, retries: 0, connectionTimeoutMs: 3000 });
    await refused("plaintext client", "tls", undefined, plain, (c) => c.listTopics());

    const rogueCa = await createCa("rogue-ca", 1);
    await refused("client trusting another CA", "tls", undefined, client(ids.admin, "admin", rogueCa.certPem), (c) => c.listTopics());
    const rogue = await issueCert(rogueCa, { commonName: "admin", dnsNames: [], ipAddresses: [], validityDays: 1, usages: ["client"] });

    if (clientAuth === "scram") {
      await refused("TLS without credentials", "authentication", undefined, client(undefined, "anonymous"), (c) => c.listTopics());
      await refused("wrong password", "authentication", undefined, client({ username: "shop", password: "not-the-password-at-all" }, "shop"), (c) => c.listTopics());
      await refused("unknown principal (user stranger)", "authentication", undefined, client({ username: "stranger", password: "whatever-password-1" }, "stranger"), (c) => c.listTopics());
      return;
    }
    await refused("no client certificate", "authentication", undefined, client(undefined, "anonymous"), (c) => c.listTopics());
    await refused("certificate from an untrusted CA (CN=admin)", "authentication", undefined, client({ certificate: rogue.certPem, privateKey: rogue.keyPem }, "CN=admin"), (c) => c.listTopics());
    // A certificate the cluster CA really signed, for a principal nobody declared.
    const exported = JSON.parse(runOk("bash", [`${repoRoot}/scripts/pulumi.sh`, "stack", "export", "--show-secrets", "--cwd", s.program, "--stack", stackName], { env: s.env }));
    const material = exported.deployment.resources.find((r: { type: string }) => r.type === "pulumi-nodejs:dynamic:Resource").outputs;
    const caPair = material.ca.plaintext ? JSON.parse(material.ca.plaintext) : material.ca; // a secret, shown
    const stranger = await issueCert(caPair, { commonName: "stranger", dnsNames: [], ipAddresses: [], validityDays: 1, usages: ["client"] });
    await refused("unknown principal (CN=stranger, signed by the cluster CA)", "authorization", "TOPIC_AUTHORIZATION_FAILED",
      client({ certificate: stranger.certPem, privateKey: stranger.keyPem }, "stranger"), (c) => produce(c, "orders"));
  }, 180_000);

  it("passes the smoke test, whose own security checks try every user's grants and refusals", async () => {
    const report = await smoke(outputs, { messages: 200 });
    const fresh = (r: string) => r.replace(/kp-smoke-denied-[0-9a-f]+/, "<fresh>");
    expect(report.security?.allowed.map(fresh)).toEqual([
      "shop produces to orders: ok", "billing consumes orders in group billing: ok",
      // The exporter's principal sees metadata and offsets…
      "lag-exporter describes the cluster: ok", "lag-exporter reads offsets of group <fresh>: ok",
    ]);
    const refused = report.security!.refused.map(fresh);
    expect(refused.slice(0, 10)).toEqual([
      "shop produces to <fresh>: refused (TOPIC_AUTHORIZATION_FAILED)",
      "shop creates topic <fresh>: refused (TOPIC_AUTHORIZATION_FAILED)",
      "shop reads offsets of group <fresh>: refused (GROUP_AUTHORIZATION_FAILED)",
      "billing produces to <fresh>: refused (TOPIC_AUTHORIZATION_FAILED)",
      "billing creates topic <fresh>: refused (TOPIC_AUTHORIZATION_FAILED)",
      "billing reads offsets of group <fresh>: refused (GROUP_AUTHORIZATION_FAILED)",
      "billing produces to orders: refused (TOPIC_AUTHORIZATION_FAILED)",
      // …and can neither read records, nor write, nor create.
      "lag-exporter consumes orders: refused (GROUP_AUTHORIZATION_FAILED)",
      "lag-exporter produces to orders: refused (TOPIC_AUTHORIZATION_FAILED)",
      "lag-exporter creates topic <fresh>: refused (TOPIC_AUTHORIZATION_FAILED)",
    ]);
    expect(refused.slice(10).map((r) => r.replace(/ \(.*/, ""))).toEqual([
      "plaintext client on the TLS listener: refused",
      "client trusting another CA: refused",
      ...(clientAuth === "scram"
        ? ["admin with a wrong password: refused", "unknown user: refused"]
        : ["client without a certificate: refused", "unknown principal, CN=admin from another CA: refused"]),
    ]);
    outcomes.push(`smoke test: ${report.security!.allowed.length} allowed ok, ${report.security!.refused.length} refused as expected`);
  }, 180_000);

  it("runs the lag exporter as its own principal over TLS: it sees the cluster and the certificates' expiry, never refused", async () => {
    const url = outputs.lagExporterUrl!;
    expect(url).toBe(`http://127.0.0.1:${firstBrokerPort + 5}/metrics`);
    const text = await waitUntil({
      what: "the exporter's first poll", probe: async () => (await fetch(url, { signal: AbortSignal.timeout(5000) })).text(),
      done: (t) => /^kafka_brokers 2$/m.test(t), describe: (t) => t.split("\n").find((l) => l.startsWith("kafka_brokers")) ?? "no kafka_brokers", timeoutMs: 60_000,
    });
    // Its grants are enough: no poll was ever refused. (A part of a poll may fail while a fresh
    // cluster loads __consumer_offsets — counted by kind, not an authorization matter.)
    expect(text).not.toMatch(/^kafka_exporter_poll_errors_total\{kind="authorization"\}/m);
    console.log(`exporter (${clientAuth}): ${text.split("\n").filter((l) => l.startsWith("kafka_exporter_poll_errors_total{")).join(", ") || "no poll errors"}`);
    expect(text).toMatch(/^kafka_topic_partitions\{topic="orders"\} 2$/m);
    const expiry = Date.parse(outputs.certificatesExpireAt!.ca) / 1000;
    expect(text).toContain(`kafka_platform_certificate_expiry_timestamp_seconds{certificate="ca"} ${expiry}`);
  }, 120_000);

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
    expect(containers.length).toBe(5); // 1 ZooKeeper, 2 brokers, the lag exporter, Prometheus
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
