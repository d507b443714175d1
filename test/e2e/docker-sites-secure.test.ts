// Issue 11 on secure sites, on real Docker: east grants west's MirrorMaker `orders` (its
// topology's mirrorReaders), west's MirrorMaker logs in to each site as the principal that site
// made for it, mirrors records and a group's offsets, and can do nothing else on either side.
// Passwords stay out of state, the container's env, its rendered config and its logs.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterClient, withClient, type ClientOptions } from "../../src/clients/cluster";
import { ClusterError } from "../../src/clients/errors";
import { readTopicToEnd } from "../../src/clients/mirror-reader";
import { identityOf, type StackOutputs } from "../../src/clients/stack";
import { waitUntil } from "../../src/clients/wait";
import { run } from "../support/exec";
import { portBlock } from "../support/ports";
import { TestStack } from "../support/stack";

const pid = process.pid;
const stacks = { east: `e2eseast${pid}`, west: `e2eswest${pid}` };
const link = `kp-sites-e2es-${pid}`;
const base = portBlock("docker-sites-secure");
const RECORDS = 300;
const G = "billing-eu";

type Site = keyof typeof stacks;
const config = (site: Site, first: number) => ({
  target: "docker", environment: "dev", site, security: { enabled: true },
  kafka: { brokers: 3, heapMb: 256 },
  zookeeper: { replicas: 1, heapMb: 128 },
  mirrorMaker: { heapMb: 256 },
  docker: { bindAddress: "127.0.0.1", firstBrokerPort: first, siteNetwork: link },
  monitoring: { enabled: false },
});
const topology = {
  east: {
    topics: [{ name: "orders", partitions: 3, replicationFactor: 3 }, { name: "ledger", partitions: 1, replicationFactor: 3 }],
    mirrorReaders: [{ site: "west", topics: ["orders"], groups: ["billing*"] }],
  },
  west: {
    topics: [{ name: "orders", partitions: 3, replicationFactor: 3 }],
    mirrors: [{
      from: "east", stack: stacks.east, topics: ["orders"], groups: "billing.*",
      intervals: { checkpointSeconds: 1, groupSyncSeconds: 1, refreshSeconds: 5, heartbeatSeconds: 1, offsetLagMax: 10 },
    }],
  },
};

describe("two secure sites: MirrorMaker with least privilege on both", () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-e2e-ssites-"));
  const s = {} as Record<Site, TestStack>;
  const out = {} as Record<Site, StackOutputs>;
  const as = (site: Site, user: string, retries = 1): ClientOptions => ({
    bootstrapServers: out[site].bootstrapServers.split(","), identity: identityOf(out[site], user), principal: user, clientId: "e2e-ssites", retries,
  });
  const mm = `kp-${stacks.west}-mirrormaker-0`;

  /** Must be refused by the authorizer with exactly `code`. */
  async function refused(what: string, code: string, op: () => Promise<unknown>): Promise<void> {
    const e = await op().then(() => undefined, (x: unknown) => x);
    expect(e, `${what} was accepted`).toBeInstanceOf(ClusterError);
    expect({ kind: (e as ClusterError).kind, code: (e as ClusterError).code }, `${what}: ${(e as Error).message}`).toEqual({ kind: "authorization", code });
  }

  async function produceOne(c: ClusterClient, topic: string): Promise<void> {
    const p = await c.producer({ idempotent: false });
    try { await p.send(topic, [{ value: "x" }]); } finally { await p.close(); }
  }

  beforeAll(() => {
    s.east = new TestStack(stacks.east, config("east", base), topology.east, stateDir);
    s.west = new TestStack(stacks.west, config("west", base + 4), topology.west, stateDir);
  });

  afterAll(() => {
    for (const site of ["west", "east"] as Site[]) s[site]?.cleanup();
    run("docker", ["network", "rm", link]);
    fs.rmSync(stateDir, { recursive: true, force: true });
  }, 600_000);

  it("come up: east grants west; west's MirrorMaker logs in to both as the principals made for it; then nothing to change", () => {
    for (const site of ["east", "west"] as Site[]) {
      const r = s[site].pulumi(["up", "--yes", "--skip-preview"], 900_000);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      out[site] = s[site].secretOutputs() as StackOutputs;
    }
    expect(out.west.mirrors?.map((m) => [m.source, m.running])).toEqual([["east", true]]);
    expect(Object.keys(out.east.users ?? {})).toContain("mirror-west");
    expect(Object.keys(out.west.users ?? {})).toContain("mirrormaker");
    for (const site of ["east", "west"] as Site[]) {
      const again = s[site].pulumi(["up", "--yes", "--expect-no-changes", "--skip-preview"]);
      expect(again.code, again.stdout + again.stderr).toBe(0);
    }
  }, 1_500_000);

  it("mirrors east's records and a group's offsets to west", async () => {
    await withClient(new ClusterClient(as("east", "admin", 5)), async (c) => {
      const p = await c.producer();
      await p.send("orders", Array.from({ length: RECORDS }, (_, i) => ({ key: String(i), value: `east-${i}` })));
      await p.close();
      await c.consume({ topic: "orders", group: G, fromBeginning: true, idleMs: 5_000, maxMs: 90_000, firstFetchTimeoutMs: 60_000, onMessage: () => undefined });
    });
    const copied = await waitUntil({
      what: "west to hold east's orders", timeoutMs: 120_000, intervalMs: 2_000, probeTimeoutMs: 60_000,
      probe: () => readTopicToEnd(as("west", "admin", 3), "east.orders", 30_000).catch(() => []), done: (r) => r.length >= RECORDS, describe: (r) => `${r.length} of ${RECORDS}`,
    });
    expect(copied.map((r) => String(r.value)).sort()).toEqual(Array.from({ length: RECORDS }, (_, i) => `east-${i}`).sort());
    // The group's offsets reach west (checkpoints: Describe on east's group; the sync: Read here).
    const synced = await waitUntil({
      what: `${G}'s offsets on west`, timeoutMs: 90_000, intervalMs: 2_000,
      probe: () => withClient(new ClusterClient(as("west", "admin", 3)), (c) => c.groupOffsets(G, "east.orders")),
      done: (o) => o.reduce((n, x) => n + Math.max(0, Number(x.offset)), 0) === RECORDS, describe: (o) => JSON.stringify(o),
    });
    expect(synced.length).toBe(3);
  }, 300_000);

  it("lets east's grant read only orders and see billing* groups: no write, no other topic, no other group", async () => {
    expect((await readTopicToEnd(as("east", "mirror-west"), "orders", 30_000)).length).toBe(RECORDS);
    await refused("mirror-west reads ledger", "TOPIC_AUTHORIZATION_FAILED", () => readTopicToEnd(as("east", "mirror-west"), "ledger", 30_000));
    const east = () => new ClusterClient(as("east", "mirror-west"));
    await refused("mirror-west produces to orders", "TOPIC_AUTHORIZATION_FAILED", () => withClient(east(), (c) => produceOne(c, "orders")));
    await refused("mirror-west creates a topic", "TOPIC_AUTHORIZATION_FAILED", () => withClient(east(), (c) => c.createTopic(`kp-e2e-${pid}`)));
    await refused("mirror-west reads offsets of group ops", "GROUP_AUTHORIZATION_FAILED", () => withClient(east(), (c) => c.groupOffsets("ops", "orders")));
    expect((await withClient(east(), (c) => c.groupOffsets(G, "orders"))).length).toBe(3);
  }, 180_000);

  it("lets west's MirrorMaker principal write only where MirrorMaker writes", async () => {
    const west = () => new ClusterClient(as("west", "mirrormaker"));
    await refused("mirrormaker produces to west's own orders", "TOPIC_AUTHORIZATION_FAILED", () => withClient(west(), (c) => produceOne(c, "orders")));
    await refused("mirrormaker creates a topic outside east.*", "TOPIC_AUTHORIZATION_FAILED", () => withClient(west(), (c) => c.createTopic(`kp-e2e-${pid}`)));
    await refused("mirrormaker reads offsets of group ops", "GROUP_AUTHORIZATION_FAILED", () => withClient(west(), (c) => c.groupOffsets("ops", "orders")));
  }, 180_000);

  it("keeps both passwords out of west's state, the MirrorMaker's env, its rendered config and its logs", () => {
    const passwords = [out.east.users!["mirror-west"].password, out.west.users!["mirrormaker"].password];
    // Where they do belong: the secret credentials file, read by Kafka's FileConfigProvider.
    const creds = run("docker", ["exec", mm, "cat", "/etc/kafka/secrets/mm2-credentials.properties"]).stdout;
    for (const pw of passwords) expect(creds).toContain(pw);
    const places = {
      state: s.west.pulumi(["stack", "export"]).stdout,
      inspect: run("docker", ["inspect", mm]).stdout,
      config: run("docker", ["exec", mm, "cat", "/etc/kafka/mm2.properties"]).stdout,
      logs: (({ stdout, stderr }) => stdout + stderr)(run("docker", ["logs", mm])),
    };
    expect(places.config).toContain("east.security.protocol=SASL_SSL");
    expect(places.logs.length).toBeGreaterThan(1000);
    for (const [where, text] of Object.entries(places)) {
      for (const pw of passwords) expect(text.includes(pw), `a password in ${where}`).toBe(false);
    }
  }, 120_000);
});
