// Issue 11 end to end on real Docker: two sites (stacks) mirroring each other through
// MirrorMaker 2 on a network that links them. Kill one site hard under load, fail a consumer
// group over on translated offsets, rebuild the lost site from code, fail back — and count every
// record by its sequence number. Figures go to the test's output (the closing note reports them).
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterClient, withClient, type ProducerHandle } from "../../src/clients/cluster";
import { readTopicToEnd } from "../../src/clients/mirror-reader";
import { decodeCheckpoint, decodeOffsetSync } from "../../src/model/mm2-records";
import { waitUntil } from "../../src/clients/wait";
import { repoRoot, run, runAsync, type RunResult } from "../support/exec";
import { promQuery } from "../support/metrics";
import { portBlock } from "../support/ports";
import { TestStack } from "../support/stack";

const pid = process.pid;
const stacks = { east: `e2eeast${pid}`, west: `e2ewest${pid}` };
const link = `kp-sites-e2e-${pid}`;
const base = portBlock("docker-sites");
const PARTITIONS = 6;
const RATE = 200; // msg/s to east under load
const G = "billing";
/** Checkpoints and group sync every second, an offset sync every 10 records (the setup). */
const E = 1, S = 1, L = 10;

type Site = keyof typeof stacks;
const other = (s: Site): Site => (s === "east" ? "west" : "east");
const config = (site: Site, first: number) => ({
  target: "docker",
  environment: "dev",
  site,
  kafka: { brokers: 3, heapMb: 256, brokerConfig: { "replica.lag.time.max.ms": 5000 } },
  zookeeper: { replicas: 1, heapMb: 128 },
  mirrorMaker: { heapMb: 256 },
  docker: { bindAddress: "127.0.0.1", firstBrokerPort: first, lagExporterPort: first + 3, prometheusPort: first + 4, siteNetwork: link },
  monitoring: { lagExporter: { pollIntervalSeconds: 2 }, prometheus: { scrapeIntervalSeconds: 2 }, alerts: { forSeconds: 4 } },
});
const topology = (site: Site) => ({
  topics: [{ name: "orders", partitions: PARTITIONS, replicationFactor: 3, config: { "min.insync.replicas": 2 } }],
  mirrors: [{
    from: other(site), stack: stacks[other(site)], topics: ["orders"], groups: ".*",
    intervals: { checkpointSeconds: E, groupSyncSeconds: S, refreshSeconds: 5, heartbeatSeconds: 1, offsetLagMax: L },
  }],
});

interface Rec { site: Site; seq: number; partition: number }
const encode = (site: Site, seq: number) => JSON.stringify({ s: site, q: seq, t: Date.now() });
const decode = (v: string | Buffer | null): { s: Site; q: number } => JSON.parse(String(v));
const id = (r: { s: Site; q: number }) => `${r.s}:${r.q}`;

/** Every record a group consumed, in order, with where it read it, and what it last committed. */
class Ledger {
  readonly seen: (Rec & { topic: string; offset: number; at: number })[] = [];
  /** Partition → the last offset committed (the next to read), as the consumer reported it. */
  readonly committed = new Map<number, number>();
  add(topic: string, partition: number, value: string, offset = -1): void {
    const v = decode(value);
    this.seen.push({ site: v.s, seq: v.q, partition, topic, offset, at: Date.now() });
  }
  ids(filter: (r: Rec & { topic: string }) => boolean = () => true): string[] {
    return this.seen.filter(filter).map((r) => id({ s: r.site, q: r.seq }));
  }
}

describe("two sites: failover on translated offsets, rebuild from code, failback", () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-e2e-sites-"));
  const s = {} as Record<Site, TestStack>;
  // Few retries: a dead site must fail fast. Consumers get more: a fresh cluster answers
  // COORDINATOR_NOT_AVAILABLE for seconds while it creates __consumer_offsets.
  const client = (site: Site, retries = 2) => new ClusterClient({ bootstrapServers: s[site].outputs().bootstrapServers.split(","), clientId: "e2e-sites", retries });
  const dr = (args: string[], timeoutMs = 180_000): Promise<RunResult> =>
    runAsync("node", ["-r", "ts-node/register/transpile-only", "src/dr/main.ts", ...args], { env: s.east.env, timeoutMs });
  const up = (site: Site, extra: string[] = []) => s[site].pulumi(["up", "--yes", "--skip-preview", ...extra], 900_000);
  const acked: Rec[] = [];
  const eastLedger = new Ledger();
  const westLedger = new Ledger();
  let seq = 0;
  const figures: string[] = [];
  /** The rebuilt east's records reached west: what makes the last failover's "nothing re-read" mean something. */
  let newEastOnWest = false;
  const report = (line: string) => { figures.push(line); console.log(`[figures] ${line}`); };
  /** Processes the test started: killed in afterAll whatever happened. */
  const children: ChildProcess[] = [];

  /** Produces `count` records (or until `stop`) at `rate`/s to `site`'s orders, recording what was acknowledged. */
  async function produce(site: Site, p: ProducerHandle, o: { rate: number; count?: number; stop?: () => boolean }): Promise<{ sent: number; seconds: number }> {
    const started = Date.now();
    let sent = 0;
    while ((o.count === undefined || sent < o.count) && !o.stop?.()) {
      // What is due by now, in one send: a slow acknowledgement does not lower the rate.
      const due = Math.floor(((Date.now() - started) / 1000) * o.rate) + 1 - sent;
      const n = Math.min(Math.max(due, 1), 500, o.count === undefined ? Infinity : o.count - sent);
      const recs = Array.from({ length: n }, () => { const q = seq++; return { site, seq: q, partition: q % PARTITIONS }; });
      const ok = await p.send("orders", recs.map((r) => ({ key: String(r.seq), value: encode(site, r.seq), partition: r.partition }))).then(() => true, () => false);
      if (ok) acked.push(...recs);
      sent += n;
      await new Promise((r) => setTimeout(r, Math.max(0, started + (sent / o.rate) * 1000 - Date.now())));
    }
    return { sent, seconds: (Date.now() - started) / 1000 };
  }

  /** Reads a topic of a site from the start: the identities of its records. */
  const contents = async (site: Site, topic: string) =>
    (await readTopicToEnd({ bootstrapServers: s[site].outputs().bootstrapServers.split(",") }, topic, 60_000)).map((r) => ({ ...decode(r.value), partition: r.partition }));

  /** The last checkpoint of a group per partition of a topic on a site, with when MirrorMaker wrote it. */
  const latestCheckpoints = async (site: Site, group: string, topic: string) => {
    const records = await readTopicToEnd({ bootstrapServers: s[site].outputs().bootstrapServers.split(",") }, `${other(site)}.checkpoints.internal`, 60_000);
    const latest = new Map<number, { upstreamOffset: number; timestamp: number }>();
    for (const r of records) {
      const c = decodeCheckpoint(r.key!, r.value!);
      if (c.group === group && c.topic === topic) latest.set(c.partition, { upstreamOffset: c.upstreamOffset, timestamp: Number(r.timestamp) });
    }
    return latest;
  };

  /**
   * Per partition of a source topic, the longest time MirrorMaker on `site` went without writing an
   * offset sync for it in the window (the window's end counts as one): translation cannot advance
   * past the last sync, so a pause here is a pause of the checkpoints.
   */
  const offsetSyncPauses = async (site: Site, sourceTopic: string, from: number, to: number) => {
    const records = await readTopicToEnd({ bootstrapServers: s[site].outputs().bootstrapServers.split(",") }, `mm2-offset-syncs.${other(site)}.internal`, 60_000);
    const at = new Map<number, number[]>();
    for (const r of records) {
      const o = decodeOffsetSync(r.key!, r.value!);
      const t = Number(r.timestamp);
      if (o.topic === sourceTopic && t >= from && t <= to) at.set(o.partition, [...(at.get(o.partition) ?? []), t]);
    }
    return (partition: number) => {
      const ts = [from, ...(at.get(partition) ?? []).sort((a, b) => a - b), to];
      return Math.max(...ts.slice(1).map((t, i) => t - ts[i])) / 1000;
    };
  };

  const killSite = (site: Site) => {
    const ids = run("docker", ["ps", "-q", "--filter", `label=kafka-platform.stack=${stacks[site]}`]).stdout.split("\n").filter(Boolean);
    run("docker", ["kill", ...ids]);
    return ids.length;
  };

  beforeAll(() => {
    s.east = new TestStack(stacks.east, config("east", base), topology("east"), stateDir);
    s.west = new TestStack(stacks.west, config("west", base + 5), topology("west"), stateDir);
  });

  afterAll(() => {
    for (const c of children) c.kill("SIGKILL");
    for (const site of ["west", "east"] as Site[]) s[site]?.cleanup();
    run("docker", ["network", "rm", link]);
    fs.rmSync(stateDir, { recursive: true, force: true });
    console.log(`[figures] summary\n${figures.join("\n")}`);
  }, 900_000);

  it("come up mirroring each other: east, west, east again (its flow starts once west exists), then nothing to change", () => {
    const t0 = Date.now();
    const first = up("east");
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain(`mirror from 'west': stack '${stacks.west}' has no siteBootstrapServers output yet`);
    for (const site of ["west", "east"] as Site[]) {
      const r = up(site);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
    report(`three ups (east, west, east): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const site of ["east", "west"] as Site[]) {
      const out = s[site].outputs();
      expect(out.site).toBe(site);
      expect(out.mirrors?.map((m) => [m.source, m.running])).toEqual([[other(site), true]]);
      // Other sites reach the brokers by their names on the link, not through the host.
      expect(out.siteBootstrapServers).toBe([0, 1, 2].map((i) => `kp-${stacks[site]}-kafka-${i}.${link}:9094`).join(","));
      const again = s[site].pulumi(["up", "--yes", "--expect-no-changes", "--skip-preview"]);
      expect(again.code, again.stdout + again.stderr).toBe(0);
    }
    // The MirrorMaker joined the link, and no container uses host networking.
    const nets = run("docker", ["inspect", "-f", "{{json .NetworkSettings.Networks}}", `kp-${stacks.west}-mirrormaker-0`]).stdout;
    expect(Object.keys(JSON.parse(nets)).sort()).toEqual([link, `kp-${stacks.west}`].sort());
  }, 1_200_000);

  it("fails a group over when its site dies under load: nothing mirrored is lost, re-reads within the bound, RTO ≤ 60 s", async () => {
    const westStatus = await dr(["status", "--stack", stacks.west]);
    expect(westStatus.code, westStatus.stdout + westStatus.stderr).toBe(0);
    expect(westStatus.stdout).toContain("mirrormaker: alive");

    // The group's coordinator first: a fresh cluster creates __consumer_offsets for seconds.
    await waitUntil({ what: "east's group coordinator", probe: () => withClient(client("east"), (c) => c.describeGroup(G)), done: () => true, describe: () => "not yet", timeoutMs: 90_000 });
    // G's application on east runs in a process of its own and is SIGKILLed with the site.
    const app = spawn("node", ["-r", "ts-node/register/transpile-only", "test/support/consumer-process.ts", s.east.outputs().bootstrapServers, "orders", G], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    children.push(app);
    let reading = false;
    let appErr = "";
    app.stderr.on("data", (d) => (appErr += d));
    const appExited = new Promise<number | null>((r) => app.on("close", (code) => r(code)));
    readline.createInterface({ input: app.stdout }).on("line", (line) => {
      const m = JSON.parse(line) as { ready?: true; commit?: { partition: number; offset: number }[]; topic: string; partition: number; offset: number; value: string };
      if (m.ready) reading = true;
      else if (m.commit) for (const c of m.commit) eastLedger.committed.set(c.partition, c.offset);
      else eastLedger.add(m.topic, m.partition, m.value, m.offset);
    });
    let appCode: number | null | undefined;
    void appExited.then((c) => { appCode = c; });
    await waitUntil({
      what: "the consumer on east to read", timeoutMs: 90_000, describe: () => "not yet",
      probe: async () => { if (appCode !== undefined) throw new Error(`the consumer stopped before the kill (${appCode}): ${appErr}`); return reading; }, done: (r) => r,
    });
    const producerClient = client("east"); // fails fast once the site is dead
    const p = await producerClient.producer();
    let killedAt = 0;
    const load = produce("east", p, { rate: RATE, stop: () => killedAt > 0 });
    await new Promise((r) => setTimeout(r, 20_000));
    // MirrorMaker's own metrics reach this site's Prometheus.
    const mm = await promQuery(s.west.outputs().prometheusUrl!, 'count(kafka_connect_mirror_mirrorsourceconnector_replication_latency_ms{topic="east.orders"})');
    expect(Number(mm[0]?.value[1] ?? 0)).toBe(PARTITIONS);

    killedAt = Date.now();
    const killed = killSite("east");
    app.kill("SIGKILL");
    await appExited; // every line it printed has been read
    const { sent, seconds } = await load;
    await Promise.race([producerClient.close(), new Promise((r) => setTimeout(r, 15_000))]);
    report(`load: ${sent} records sent to east in ${seconds.toFixed(1)} s (${(sent / seconds).toFixed(0)}/s), ${acked.length} acknowledged; ${eastLedger.seen.length} consumed by ${G} on east; ${killed} east containers killed`);

    const failover = await dr(["failover", "--group", G, "--stack", stacks.west]);
    expect(failover.code, failover.stdout + failover.stderr).toBe(0);
    report(`dr failover: ${failover.stdout.split("\n")[0]}`);
    const again = await dr(["failover", "--group", G, "--stack", stacks.west]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain(`0 partitions committed, ${PARTITIONS} kept`);

    // Never beyond the log end: lag on west cannot go negative.
    await withClient(client("west"), async (c) => {
      const ends = await c.endOffsets("east.orders");
      const committed = await c.groupOffsets(G, "east.orders");
      for (const e of ends) expect(Number(committed.find((x) => x.partition === e.partition)!.offset)).toBeLessThanOrEqual(e.high);
    });

    let firstAt = 0;
    await withClient(client("west", 10), (c) => c.consume({
      topic: "east.orders", group: G, idleMs: 8_000, maxMs: 120_000, firstFetchTimeoutMs: 60_000,
      onMessage: (m) => { firstAt ||= Date.now(); westLedger.add(m.topic, m.partition, m.value); },
    }));
    const rto = (firstAt - killedAt) / 1000;
    const mirrored = await contents("west", "east.orders");
    const mirroredIds = new Set(mirrored.map(id));
    const consumed = new Set([...eastLedger.ids(), ...westLedger.ids()]);
    const lost = [...mirroredIds].filter((x) => !consumed.has(x));
    const eastIds = new Set(eastLedger.ids());
    const reread = Array.from({ length: PARTITIONS }, (_, part) => westLedger.seen.filter((r) => r.partition === part && eastIds.has(id({ s: r.site, q: r.seq }))).length);
    const unmirrored = acked.filter((r) => r.site === "east" && !mirroredIds.has(`east:${r.seq}`)).length;
    const perPartitionRate = RATE / PARTITIONS;
    // mirror-facts' bound r·(E + S + C) + L + 1 assumes a machine that keeps up; a loaded
    // two-core host does not always, so its terms are measured, reported and used instead:
    // - uncommitted: records the application read on east but had not committed when it died,
    //   counted from its commits (kafkajs commits per batch; a batch grows when it is behind);
    // - staleness: the larger of E + S + D + P and A + 1 s, where D is how far replication was
    //   behind at the kill (acknowledged on east, never on west), P the longest pause of the
    //   partition's offset syncs in the last 15 s (translation cannot pass the last sync), and
    //   A the age of its last checkpoint at the kill, plus a commit interval. CI saw A at 4.6 s
    //   while P was 2.2 s: the checkpoint task reads syncs through a consumer of its own and
    //   writes a checkpoint only when the translation moved. P and A must stay below 10 s.
    const lagS = unmirrored / RATE;
    const checkpoints = await latestCheckpoints("west", G, "east.orders");
    const pause = await offsetSyncPauses("west", "orders", killedAt - 15_000, killedAt);
    const parts = Array.from({ length: PARTITIONS }, (_, part) => {
      const onEast = eastLedger.seen.filter((r) => r.partition === part);
      const committedAt = eastLedger.committed.get(part) ?? 0;
      const upstream = checkpoints.get(part)?.upstreamOffset ?? 0;
      const uncommitted = onEast.filter((r) => r.offset >= committedAt).length;
      const unCheckpointed = onEast.filter((r) => r.offset >= upstream && r.offset < committedAt).length;
      const pauseS = pause(part);
      const ageS = (killedAt - (checkpoints.get(part)?.timestamp ?? 0)) / 1000;
      const bound = uncommitted + Math.ceil(perPartitionRate * Math.max(E + S + lagS + pauseS, ageS + 1) + L + 1);
      return { uncommitted, unCheckpointed, pauseS, bound, translation: reread[part] - uncommitted - unCheckpointed, ageS };
    });
    const list = (f: (p: typeof parts[number]) => string | number) => `[${parts.map(f).join(", ")}]`;
    report(`failover: RTO ${rto.toFixed(1)} s (kill → first record consumed on west); mirrored lost ${lost.length}; re-read per partition [${reread.join(", ")}] ` +
      `(bounds ${list((p) => p.bound)}; with C assumed 1 s and no pause: ${Math.ceil(perPartitionRate * (E + S + 1 + lagS) + L + 1)}): ` +
      `read on east but uncommitted ${list((p) => p.uncommitted)}, committed but past the last checkpoint ${list((p) => p.unCheckpointed)}, ` +
      `translation ${list((p) => p.translation)}; longest offset-sync pause ${list((p) => p.pauseS.toFixed(1))} s; last checkpoint written ${list((p) => p.ageS.toFixed(1))} s before the kill; ` +
      `acknowledged on east but never mirrored: ${unmirrored} (replication ${lagS.toFixed(1)} s behind at the kill)`);
    expect(firstAt).toBeGreaterThan(0);
    expect(rto).toBeLessThanOrEqual(60);
    expect(lost).toEqual([]);
    expect(eastLedger.committed.size, "the application's commits on east were seen").toBe(PARTITIONS);
    for (const p of parts) {
      expect(p.pauseS).toBeLessThan(10);
      expect(p.ageS, "the last checkpoint's age at the kill").toBeLessThan(10);
    }
    reread.forEach((n, part) => expect(n, `partition ${part}`).toBeLessThanOrEqual(parts[part].bound));
    // Nothing consumed on west that was not mirrored, and no record twice on west.
    expect(new Set(westLedger.ids()).size).toBe(westLedger.seen.length);
  }, 600_000);

  it("while east is gone, west takes the traffic; its MirrorMaker keeps running and its positions of the lost east are cleared", async () => {
    await withClient(client("west"), async (c) => {
      const prod = await c.producer();
      await produce("west", prod, { rate: 200, count: 300 });
      await prod.close();
    });
    // G reads west's own orders too, then stops, caught up.
    await withClient(client("west", 10), (c) => c.consume({
      topic: "orders", topics: ["orders", "east.orders"], group: G, fromBeginning: true, idleMs: 8_000, maxMs: 120_000, firstFetchTimeoutMs: 60_000,
      onMessage: (m) => { westLedger.add(m.topic, m.partition, m.value); },
    }));
    expect(westLedger.ids((r) => r.site === "west").sort()).toEqual(acked.filter((r) => r.site === "west").map((r) => `west:${r.seq}`).sort());
    // More on west that G has not read yet: a planned failback refuses until G has read them there.
    await withClient(client("west"), async (c) => {
      const prod = await c.producer();
      await produce("west", prod, { rate: 200, count: 100 });
      await prod.close();
    });
    expect(run("docker", ["inspect", "-f", "{{.State.Running}}", `kp-${stacks.west}-mirrormaker-0`]).stdout.trim()).toBe("true");

    // The data centre is lost: nothing of east remains.
    const f = `label=kafka-platform.stack=${stacks.east}`;
    const ids = (args: string[]) => run("docker", args).stdout.split("\n").filter(Boolean);
    run("docker", ["rm", "-f", "-v", ...ids(["ps", "-a", "-q", "--filter", f])]);
    for (const n of ids(["network", "ls", "-q", "--filter", f])) run("docker", ["network", "rm", n]);
    run("docker", ["volume", "rm", "-f", ...ids(["volume", "ls", "-q", "--filter", f])]);

    const reset = await dr(["reset-source", "--from", "east", "--stack", stacks.west]);
    expect(reset.code, reset.stdout + reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(/cleared \d+ stored positions in mm2-offsets\.east\.internal/);
    report(`dr reset-source: ${reset.stdout.trim().split("\n").join(" | ")}`);
    const twice = await dr(["reset-source", "--from", "east", "--stack", stacks.west]);
    expect(twice.code, twice.stdout + twice.stderr).toBe(0);
    expect(twice.stdout).toContain("stores no position of 'east': nothing to do");
  }, 600_000);

  it("rebuilds east from code: up → nothing to change; east holds exactly what west produced during the outage", async () => {
    const t0 = Date.now();
    const forget = await dr(["rebuild", "--stack", stacks.east]);
    expect(forget.code, forget.stdout + forget.stderr).toBe(0);
    const r = up("east");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    report(`rebuild of east: dr rebuild + pulumi up ${((Date.now() - t0) / 1000).toFixed(1)} s (${forget.stdout.trim()})`);
    const again = s.east.pulumi(["up", "--yes", "--expect-no-changes", "--skip-preview"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const fromWest = acked.filter((x) => x.site === "west").map((x) => `west:${x.seq}`).sort();
    const copied = await waitUntil({
      what: "east to hold west's records", timeoutMs: 180_000, intervalMs: 2_000, probeTimeoutMs: 70_000,
      probe: () => contents("east", "west.orders").catch(() => []), done: (c) => c.length >= fromWest.length, describe: (c) => `${c.length} of ${fromWest.length}`,
    });
    expect(copied.map(id).sort()).toEqual(fromWest);
    report(`east after rebuild: west.orders holds ${copied.length} records = the ${fromWest.length} produced on west during the outage (0 missing, 0 extra)`);
  }, 1_200_000);

  it("fails back: refused while G has records left on west; drained, G resumes on east with 0 skipped and 0 duplicates", async () => {
    const early = await dr(["failback", "--group", G, "--stack", stacks.east, "--timeout", "120"]);
    expect(early.code, early.stdout + early.stderr).toBe(3);
    expect(early.stderr).toContain(`refused: group '${G}' has not read everything on 'west'`);
    // Producers have moved to east: G finishes on west, then stops.
    await withClient(client("west", 10), (c) => c.consume({
      topic: "orders", topics: ["orders", "east.orders"], group: G, idleMs: 8_000, maxMs: 120_000, firstFetchTimeoutMs: 60_000,
      onMessage: (m) => { westLedger.add(m.topic, m.partition, m.value); },
    }));
    const westAll = acked.filter((x) => x.site === "west").map((x) => `west:${x.seq}`).sort();
    expect(westLedger.ids((r) => r.site === "west").sort()).toEqual(westAll);
    const t0 = Date.now();
    const back = await dr(["failback", "--group", G, "--stack", stacks.east, "--timeout", "120"]);
    expect(back.code, back.stdout + back.stderr).toBe(0);
    report(`dr failback: ${((Date.now() - t0) / 1000).toFixed(1)} s; ${back.stdout.trim().split("\n").slice(0, 2).join(" | ")}`);
    await withClient(client("east"), async (c) => {
      const prod = await c.producer();
      await produce("east", prod, { rate: 200, count: 200 });
      await prod.close();
    });
    const resumed = new Ledger();
    await withClient(client("east", 10), (c) => c.consume({
      topic: "orders", topics: ["orders", "west.orders"], group: G, fromBeginning: true, idleMs: 8_000, maxMs: 120_000, firstFetchTimeoutMs: 60_000,
      onMessage: (m) => { resumed.add(m.topic, m.partition, m.value); },
    }));
    const newEast = acked.slice(-200).map((x) => `east:${x.seq}`).sort();
    const eastGot = resumed.ids((r) => r.site === "east");
    const westAgain = resumed.ids((r) => r.site === "west").length;
    const skipped = newEast.filter((x) => !eastGot.includes(x)).length;
    const dup = westAgain + (eastGot.length - new Set(eastGot).size);
    report(`failback: G on east read ${eastGot.length} new east records (expected ${newEast.length}; ${skipped} skipped) and ${westAgain} of west's records again (duplicates ${dup})`);
    expect(skipped).toBe(0);
    expect(dup).toBe(0);
    expect([...eastGot].sort()).toEqual(newEast);
    for (const site of ["east", "west"] as Site[]) {
      const topics = await withClient(client(site), (c) => c.listTopics());
      expect(topics.filter((t) => /^(east|west)\.(east|west)\./.test(t)), `${site}: ${topics.join(", ")}`).toEqual([]);
    }
    // The rebuilt east's records reached west although west mirrored the old east before (reset-source).
    const westCopy = new Set((await waitUntil({
      what: "west to hold the new east records", timeoutMs: 120_000, intervalMs: 2_000, probeTimeoutMs: 70_000,
      probe: () => contents("west", "east.orders"), done: (c) => newEast.every((x) => c.some((r) => id(r) === x)), describe: (c) => `${c.length} records`,
    })).map(id));
    expect(newEast.filter((x) => !westCopy.has(x))).toEqual([]);
    newEastOnWest = true;
  }, 600_000);

  it("with traffic stopped before the kill, a failover re-reads nothing", async () => {
    expect(newEastOnWest, "the rebuilt east's records were mirrored to west").toBe(true);
    // G consumed everything on east and committed; give MirrorMaker a checkpoint, a group sync and a flush.
    await new Promise((r) => setTimeout(r, (E + S + 1) * 1000 + 5_000));
    killSite("east");
    const failover = await dr(["failover", "--group", G, "--stack", stacks.west]);
    expect(failover.code, failover.stdout + failover.stderr).toBe(0);
    const again = new Ledger();
    await withClient(client("west", 10), (c) => c.consume({
      topic: "east.orders", group: G, idleMs: 8_000, maxMs: 60_000, firstFetchTimeoutMs: 60_000,
      onMessage: (m) => { again.add(m.topic, m.partition, m.value); },
    }));
    report(`failover with traffic stopped: ${again.seen.length} records re-read on west`);
    expect(again.seen.length).toBe(0);
  }, 400_000);
});
