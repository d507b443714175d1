// Benchmark: MirrorMaker 2 between the two local sites (stacks `east` and `west`, deployed with
// `npm run up`), from the host. Not a test.
//   1. Replication delay: 1 KB records produced to east's `orders` at a steady 1,000 msg/s
//      (acks=all, a batch every 50 ms), read from west's `east.orders` by a fresh group that
//      started at the end before the first record was sent. Delay = receive time − the record's
//      timestamp (its send time; MirrorMaker keeps CreateTime). p50 / p99 / max per run, medians
//      over --runs N (default 1: one run is 3 minutes). Goal: p99 ≤ 1 s.
//   2. Backlog drain: the same traffic, west's MirrorMaker stopped (`docker stop`) for 60 s and
//      started again while producing goes on. Its restart (docker start → its first record on
//      west) is reported apart; then catch-up: until every partition is current again (a record
//      arrives with the steady state's delay). Drain rate = the backlog when MirrorMaker resumed
//      (acked on east, not on west) / catch-up time. Goal: ≥ 2× the produce rate.
// Records are told apart by their key, `<run id>:<sequence>` (sequence i goes to partition i mod
// the partition count): offsets cannot be compared across the sites, where MirrorMaker's
// transaction markers take offsets of their own. Delays are end to end: east's acks=all, MirrorMaker's
// poll and its transactional write to west (exactly-once: a record is visible only once its
// transaction commits, and consumers read read_committed), the west consumer's fetch.
//   npm run bench -- mirror [--runs N] [--seconds S] [--stop-seconds S]
//   (or $KP_BENCH_MIRROR_SECONDS / $KP_BENCH_MIRROR_STOP_SECONDS; defaults 180 and 60, the issue's)
import { spawn, spawnSync } from "node:child_process";
import type { ClusterClient, ProducerHandle, Received } from "../src/clients/cluster";
import { readStackOutputs, stackClient } from "../src/clients/stack";
import { WaitTimeoutError, within } from "../src/clients/wait";

const SOURCE_STACK = "east";
const TARGET_STACK = "west";
const TOPIC = "orders";
const RATE = 1_000; // msg/s
const TICK_MS = 50; // a batch every 50 ms: 50 records at 1,000 msg/s
const MAX_BATCH = 500; // catching up after a slow ack: at most this many in one send
const VALUE = "x".repeat(1024);
/** A partition is current again once a record arrives on it with at most this delay. */
const LIVE_DELAY_MS = 2_000;
const FIRST_FETCH_TIMEOUT_MS = 90_000;
const TAIL_TIMEOUT_MS = 60_000; // the last records produced, to arrive on west
const RESTART_TIMEOUT_MS = 180_000; // docker start → the first mirrored record
const DOCKER_TIMEOUT_MS = 120_000;

export interface MirrorBenchOptions {
  /** Length of each delay measurement (default 180 s, or $KP_BENCH_MIRROR_SECONDS). */
  seconds?: number;
  /** How long MirrorMaker stays stopped (default 60 s, or $KP_BENCH_MIRROR_STOP_SECONDS). */
  stopSeconds?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
const n0 = (x: number) => Math.round(x).toLocaleString("en-US");
const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ms0 = (ms: number) => `${n0(ms)} ms`;
/** Nearest-rank percentile of sorted values. */
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((sorted.length * p) / 100) - 1))];
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const envInt = (name: string) => (process.env[name] && /^\d+$/.test(process.env[name]!) ? Number(process.env[name]) : undefined);

/** Whether west's MirrorMaker runs exactly-once, as its rendered mm2.properties says. */
function exactlyOnce(container: string): boolean {
  const r = spawnSync("docker", ["exec", container, "cat", "/etc/kafka/mm2.properties"], { encoding: "utf8", timeout: 30_000 });
  return /exactly\.once\.source\.support=enabled/.test(r.stdout ?? "");
}

/** docker, asynchronously (producing goes on meanwhile); resolves with stdout, rejects with stderr's last line. Bounded. */
function docker(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn("docker", args, { stdio: ["ignore", "pipe", "pipe"], timeout: DOCKER_TIMEOUT_MS });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("error", (e) => reject(new Error(`docker ${args.join(" ")}: ${e.message}`)));
    p.on("close", (code, signal) => (code === 0 ? resolve(out.trim())
      : reject(new Error(`docker ${args.join(" ")} failed (${signal ?? `exit ${code}`}): ${err.trim().split("\n").at(-1) ?? ""}`))));
  });
}
const running = async (container: string) => (await docker(["inspect", "-f", "{{.State.Running}}", container]).catch(() => "missing")) === "true";

/** Waits (bounded) until `done`, failing early when `check` throws (a producer or consumer failed). */
/** Reports what was produced, then waits until every acknowledged record has arrived on west. */
async function allOnWest(tag: string, produced: { acked: number; seconds: number; rate: number }, rx: { count: number }, check: () => void): Promise<void> {
  console.log(`${tag}: produced ${n0(produced.acked)} records in ${s1(produced.seconds * 1000)} (${produced.rate.toFixed(1)} msg/s acked)`);
  await waitFor(`all ${n0(produced.acked)} records on west`, () => rx.count >= produced.acked, TAIL_TIMEOUT_MS, () => `${n0(rx.count)} arrived`, check);
}

async function waitFor(what: string, done: () => boolean, timeoutMs: number, state: () => string, check: () => void): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    check();
    if (Date.now() >= until) throw new WaitTimeoutError(what, timeoutMs, state());
    await sleep(20);
  }
}

/** Sleeps `ms` in short steps, failing early when `check` throws; `every` runs every `everyMs`. */
async function hold(ms: number, check: () => void, every?: { ms: number; fn: (elapsedMs: number) => void }): Promise<void> {
  const t0 = Date.now();
  let next = every?.ms ?? Infinity;
  for (let left = ms; left > 0; left = ms - (Date.now() - t0)) {
    check();
    await sleep(Math.min(100, left));
    if (every && Date.now() - t0 >= next && Date.now() - t0 < ms) {
      every.fn(Date.now() - t0);
      next += every.ms;
    }
  }
  check();
}

/** Paced producing: every TICK_MS, the records due at RATE since the start, in one acks=all send. */
class Traffic {
  acked = 0;
  error: unknown;
  private stopping = false;
  private t0 = 0;
  private t1 = 0;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly producer: ProducerHandle, private readonly topic: string, private readonly partitions: number, private readonly runId: string) {}

  start(): void {
    this.t0 = performance.now();
    this.loop = this.run().catch((e: unknown) => { this.error = e; });
  }

  private async run(): Promise<void> {
    for (let tick = 1; !this.stopping; tick++) {
      const n = Math.min(MAX_BATCH, Math.floor((RATE * (performance.now() - this.t0)) / 1000) - this.acked);
      if (n > 0) {
        const timestamp = Date.now(); // the send time, carried to west by MirrorMaker
        await this.producer.send(this.topic, Array.from({ length: n }, (_, i) => {
          const seq = this.acked + i;
          return { key: `${this.runId}:${seq}`, value: VALUE, timestamp, partition: seq % this.partitions };
        }));
        this.acked += n;
      }
      const wait = this.t0 + tick * TICK_MS - performance.now();
      if (wait > 0) await sleep(wait);
      else tick = Math.floor((performance.now() - this.t0) / TICK_MS); // late: no burst of empty ticks
    }
  }

  /** Produced so far: acked records, seconds since the start, achieved msg/s. */
  get progress(): { acked: number; seconds: number; rate: number } {
    const seconds = ((this.t1 || performance.now()) - this.t0) / 1000;
    return { acked: this.acked, seconds, rate: this.acked / seconds };
  }

  async stop(): Promise<{ acked: number; seconds: number; rate: number }> {
    this.stopping = true;
    await within(60_000, () => this.loop, "the producer's last send");
    this.t1 ||= performance.now();
    if (this.error) throw this.error;
    return this.progress;
  }

  check = (): void => { if (this.error) throw this.error; };
}

/** West's side: which of this run's records arrived, when, and with what delay. */
class Receiver {
  readonly seen = new Set<number>();
  readonly delays: number[] = [];
  duplicates = 0;
  /** Drain: when MirrorMaker was started again, its first record after that, and when it was current again. */
  restartAt = 0;
  firstAfterRestartAt?: number;
  /** Records acked on east and not on west when the first record after the restart arrived. */
  backlogAtResume = 0;
  afterRestart = 0;
  liveAt?: number;
  /** Records that arrived from the first after the restart until every partition was current. */
  movedToLive = 0;
  private liveDelayMs = 0;
  private ackedNow: () => number = () => 0;
  private readonly live: (number | undefined)[];
  private readonly prefix: string;

  constructor(runId: string, partitions: number) {
    this.prefix = `${runId}:`;
    this.live = new Array<number | undefined>(partitions).fill(undefined);
  }

  get count(): number { return this.seen.size; }

  onMessage = (m: Received): void => {
    const at = Date.now();
    if (!m.key?.startsWith(this.prefix)) return; // another run's or another writer's record
    const seq = Number(m.key.slice(this.prefix.length));
    if (this.seen.has(seq)) { this.duplicates++; return; }
    if (this.restartAt && this.firstAfterRestartAt === undefined) {
      this.firstAfterRestartAt = at;
      this.backlogAtResume = this.ackedNow() - this.seen.size;
    }
    this.seen.add(seq);
    const delay = at - m.timestamp;
    this.delays.push(delay);
    if (this.firstAfterRestartAt === undefined) return;
    this.afterRestart++;
    // A partition is current once a record arrives on it with a steady-state delay: MirrorMaker
    // copies a partition in order, so every record written before that one is on west too.
    if (this.liveAt === undefined && delay <= this.liveDelayMs && this.live[m.partition] === undefined) {
      this.live[m.partition] = at;
      if (this.live.every((x) => x !== undefined)) {
        this.liveAt = at;
        this.movedToLive = this.afterRestart;
      }
    }
  };

  /** MirrorMaker is being started again; `ackedNow` tells how many records east has acked so far. */
  markRestart(ackedNow: () => number, liveDelayMs: number): { backlog: number } {
    this.ackedNow = ackedNow;
    this.liveDelayMs = liveDelayMs;
    this.restartAt = Date.now();
    return { backlog: ackedNow() - this.seen.size };
  }

  get partitionsLive(): number { return this.live.filter((x) => x !== undefined).length; }
}

/** A consumer of west's mirror topic in a fresh group, from its end, until stopped. */
function openConsumer(west: ClusterClient, topic: string, group: string, rx: Receiver, maxMs: number) {
  const abort = new AbortController();
  let error: unknown;
  let finished = false;
  let onReading: () => void = () => undefined;
  const reading = new Promise<void>((r) => (onReading = r));
  const done = west.consume({
    topic, group, fromBeginning: false, autoCommit: false, onMessage: rx.onMessage,
    onFirstFetch: () => onReading(), firstFetchTimeoutMs: FIRST_FETCH_TIMEOUT_MS, maxMs, signal: abort.signal,
  }).then(() => { finished = true; }, (e: unknown) => { error = e; finished = true; });
  const check = () => {
    if (error) throw error;
    if (finished && !abort.signal.aborted) throw new Error(`the consumer of west '${topic}' stopped after its ${s1(maxMs)} bound`);
  };
  return {
    /** Resolves once the first fetch came back (the group is reading from the end). */
    reading: () => Promise.race([reading, done.then(() => { check(); throw new Error("the consumer stopped before reading"); })]),
    check,
    stop: async () => {
      abort.abort();
      await within(60_000, () => done, "the consumer's disconnect").catch(() => undefined);
      await west.deleteGroup(group).catch(() => undefined); // nothing committed; leave no group behind
    },
  };
}

interface Sites {
  east: ClusterClient;
  west: ClusterClient;
  mirrorTopic: string;
  partitions: number;
  container: string;
}

interface DelayResult { produced: number; rate: number; received: number; p50: number; p99: number; max: number }

async function delayRun(sites: Sites, run: number, runs: number, seconds: number): Promise<DelayResult> {
  const tag = `run ${run}/${runs}`;
  const runId = `bench-mirror-${Date.now().toString(36)}-${run}`;
  const rx = new Receiver(runId, sites.partitions);
  const t0 = Date.now();
  const consumer = openConsumer(sites.west, sites.mirrorTopic, `kp-${runId}`, rx, (seconds + 300) * 1000);
  let produced: { acked: number; seconds: number; rate: number };
  try {
    await consumer.reading();
    console.log(`${tag}: reading west '${sites.mirrorTopic}' from its end (fresh group) after ${s1(Date.now() - t0)}; producing for ${seconds} s`);
    const producer = await sites.east.producer();
    try {
      const traffic = new Traffic(producer, TOPIC, sites.partitions, runId);
      traffic.start();
      const check = () => { traffic.check(); consumer.check(); };
      try {
        await hold(seconds * 1000, check, {
          ms: 30_000,
          fn: (t) => {
            const d = [...rx.delays].sort((a, b) => a - b);
            console.log(`${tag}: ${s1(t)}: ${n0(traffic.acked)} acked on east (${traffic.progress.rate.toFixed(0)} msg/s), ${n0(rx.count)} on west, delay p99 so far ${d.length ? ms0(pct(d, 99)) : "-"}`);
          },
        });
      } finally {
        produced = await traffic.stop();
      }
      await allOnWest(tag, produced, rx, consumer.check);
    } finally {
      await producer.close();
    }
  } finally {
    await consumer.stop();
  }
  const d = [...rx.delays].sort((a, b) => a - b);
  const r = { produced: produced.acked, rate: produced.rate, received: rx.count, p50: pct(d, 50), p99: pct(d, 99), max: d[d.length - 1] };
  console.log(`${tag}: ${n0(r.received)} of ${n0(r.produced)} arrived${rx.duplicates ? `, ${n0(rx.duplicates)} twice` : ""}; delay p50 ${ms0(r.p50)}, p99 ${ms0(r.p99)}, max ${ms0(r.max)}`);
  return r;
}

interface DrainResult {
  rate: number; stoppedMs: number; backlogAtRestart: number; restartMs: number; backlogAtResume: number;
  catchUpMs: number; drainRate: number; moved: number; liveDelayMs: number; missing: number; duplicates: number;
}

/**
 * MirrorMaker stopped for `stopSeconds` (from `docker stop`) while producing goes on, then started
 * again. Catch-up: from its first record after the restart until every partition is current again
 * (a record arrives with a delay ≤ `liveDelayMs`). Drain rate = the backlog when it resumed / catch-up time.
 */
async function drainRun(sites: Sites, stopSeconds: number, liveDelayMs: number): Promise<DrainResult> {
  const tag = "drain";
  const runId = `bench-mirror-${Date.now().toString(36)}-drain`;
  const rx = new Receiver(runId, sites.partitions);
  const t0 = Date.now();
  const catchUpTimeoutMs = Math.max(180_000, 6 * stopSeconds * 1000);
  const consumer = openConsumer(sites.west, sites.mirrorTopic, `kp-${runId}`, rx,
    (stopSeconds + 120) * 1000 + DOCKER_TIMEOUT_MS * 2 + RESTART_TIMEOUT_MS + catchUpTimeoutMs + TAIL_TIMEOUT_MS);
  // Ctrl-C while MirrorMaker is stopped: start it again before leaving.
  const onSigint = () => {
    spawnSync("docker", ["start", sites.container], { stdio: "ignore", timeout: DOCKER_TIMEOUT_MS });
    process.exit(130);
  };
  process.once("SIGINT", onSigint);
  let stopIssued = false;
  let produced: { acked: number; seconds: number; rate: number };
  let stoppedMs = 0;
  let backlogAtRestart = 0;
  try {
    await consumer.reading();
    const producer = await sites.east.producer();
    try {
      const traffic = new Traffic(producer, TOPIC, sites.partitions, runId);
      traffic.start();
      const check = () => { traffic.check(); consumer.check(); };
      try {
        await waitFor("the first record on west", () => rx.count > 0, 60_000, () => `${n0(traffic.acked)} acked on east, none on west`, check);
        await hold(5_000, check); // steady state before the stop
        console.log(`${tag}: reading west '${sites.mirrorTopic}' (${s1(Date.now() - t0)}), producing ${RATE} msg/s, replication flowing: ${n0(rx.count)} of ${n0(traffic.acked)} on west`);
        const stopAt = Date.now();
        stopIssued = true;
        await docker(["stop", "-t", "30", sites.container]);
        console.log(`${tag}: docker stop ${sites.container} took ${s1(Date.now() - stopAt)}; producing on until ${stopSeconds} s after it was issued`);
        await hold(stopSeconds * 1000 - (Date.now() - stopAt), check);
        ({ backlog: backlogAtRestart } = rx.markRestart(() => traffic.acked, liveDelayMs));
        stoppedMs = rx.restartAt - stopAt;
        await docker(["start", sites.container]);
        stopIssued = false;
        console.log(`${tag}: backlog ${n0(backlogAtRestart)} records after ${s1(stoppedMs)} stopped; docker start ${sites.container} took ${s1(Date.now() - rx.restartAt)}`);
        await waitFor("MirrorMaker's first record after its restart", () => rx.firstAfterRestartAt !== undefined, RESTART_TIMEOUT_MS,
          () => `${n0(traffic.acked - rx.count)} records acked on east and not on west`, check);
        console.log(`${tag}: first record on west ${s1(rx.firstAfterRestartAt! - rx.restartAt)} after docker start (MirrorMaker's restart); backlog then ${n0(rx.backlogAtResume)} records`);
        await waitFor(`a record with delay ≤ ${s1(liveDelayMs)} on every partition`, () => rx.liveAt !== undefined, catchUpTimeoutMs,
          () => `${rx.partitionsLive} of ${sites.partitions} partitions current, ${n0(traffic.acked - rx.count)} records acked on east and not on west`, check);
        const ms = rx.liveAt! - rx.firstAfterRestartAt!;
        console.log(`${tag}: current again (delay ≤ ${s1(liveDelayMs)} on all ${sites.partitions} partitions) ${s1(rx.liveAt! - rx.restartAt)} after docker start: ` +
          `caught up in ${s1(ms)} from the first record, ${n0(rx.movedToLive)} records moved meanwhile (${n0((rx.movedToLive / Math.max(ms, 1)) * 1000)} msg/s)`);
      } finally {
        produced = await traffic.stop();
      }
      await allOnWest(tag, produced, rx, consumer.check);
    } finally {
      await producer.close();
    }
  } finally {
    try {
      if (stopIssued || !(await running(sites.container))) {
        await docker(["start", sites.container]);
        console.log(`${tag}: started ${sites.container} again`);
      }
    } finally {
      process.removeListener("SIGINT", onSigint);
      await consumer.stop();
    }
  }
  const catchUpMs = rx.liveAt! - rx.firstAfterRestartAt!;
  const r: DrainResult = {
    rate: produced.rate, stoppedMs, backlogAtRestart, restartMs: rx.firstAfterRestartAt! - rx.restartAt, backlogAtResume: rx.backlogAtResume,
    catchUpMs, drainRate: (rx.backlogAtResume / Math.max(catchUpMs, 1)) * 1000, moved: rx.movedToLive, liveDelayMs,
    missing: produced.acked - rx.count, duplicates: rx.duplicates,
  };
  console.log(`${tag}: ${n0(rx.count)} of ${n0(produced.acked)} arrived, ${n0(r.missing)} missing, ${n0(r.duplicates)} twice`);
  return r;
}

export async function benchMirror(runs: number, opts: MirrorBenchOptions = {}): Promise<void> {
  const seconds = opts.seconds ?? envInt("KP_BENCH_MIRROR_SECONDS") ?? 180;
  const stopSeconds = opts.stopSeconds ?? envInt("KP_BENCH_MIRROR_STOP_SECONDS") ?? 60;
  const source = readStackOutputs(SOURCE_STACK);
  const target = readStackOutputs(TARGET_STACK);
  const flow = target.mirrors?.find((f) => f.stack === SOURCE_STACK && f.topics.includes(TOPIC));
  if (!flow) throw new Error(`stack '${TARGET_STACK}' mirrors no '${TOPIC}' from stack '${SOURCE_STACK}'`);
  if (!flow.running) throw new Error(`stack '${TARGET_STACK}' was deployed before '${SOURCE_STACK}': its flow is not running (npm run up -- ${TARGET_STACK})`);
  if (target.target !== "docker") throw new Error(`stack '${TARGET_STACK}' is on ${target.target}: this benchmark stops MirrorMaker with docker`);
  const mirrorTopic = flow.policy === "prefix" ? `${flow.source}.${TOPIC}` : TOPIC;
  const container = `kp-${TARGET_STACK}-mirrormaker-0`;
  if (!(await running(container))) throw new Error(`${container} is not running (docker start ${container})`);
  const east = stackClient(source);
  const west = stackClient(target);
  try {
    const [src] = await east.describeTopics([TOPIC]);
    const [dst] = await west.describeTopics([mirrorTopic]);
    if (src.partitions.length !== dst.partitions.length) {
      throw new Error(`east '${TOPIC}' has ${src.partitions.length} partitions, west '${mirrorTopic}' ${dst.partitions.length}`);
    }
    const sites: Sites = { east, west, mirrorTopic, partitions: src.partitions.length, container };
    console.log(`mirror: east '${TOPIC}' → west '${mirrorTopic}' (${sites.partitions} partitions) through ${container}; 1 KB records, acks=all, ${RATE} msg/s in batches every ${TICK_MS} ms`);
    console.log(`mirror: ${runs} delay run${runs > 1 ? "s" : ""} of ${seconds} s${runs === 1 ? " (one run; --runs N for the median of N)" : ", medians below"}, then MirrorMaker stopped for ${stopSeconds} s`);
    const results: DelayResult[] = [];
    for (let i = 1; i <= runs; i++) results.push(await delayRun(sites, i, runs, seconds));
    const p99 = median(results.map((r) => r.p99));
    // "Current again": back to the steady state's delay (its p99, at least 2 s).
    const drain = await drainRun(sites, stopSeconds, Math.max(LIVE_DELAY_MS, p99));

    const rows = results.map((r, i) => `  run ${i + 1}   ${n0(r.received).padStart(7)} records   ${r.rate.toFixed(1).padStart(6)} msg/s   ` +
      `p50 ${ms0(r.p50).padStart(8)}   p99 ${ms0(r.p99).padStart(8)}   max ${ms0(r.max).padStart(8)}`);
    const ratio = drain.drainRate / drain.rate;
    const moved = (drain.moved / Math.max(drain.catchUpMs, 1)) * 1000;
    console.log([
      "",
      `MirrorMaker 2, east '${TOPIC}' → west '${mirrorTopic}', ${sites.partitions} partitions, 1 KB records at ${RATE} msg/s (acks=all); delay = receive time on west − send time:`,
      ...rows,
      `  ${runs > 1 ? `median of ${runs}` : "1 run      "}   delay p50 ${ms0(median(results.map((r) => r.p50)))}, p99 ${ms0(p99)}, max ${ms0(median(results.map((r) => r.max)))} ` +
        `at ${median(results.map((r) => r.rate)).toFixed(1)} msg/s   goal p99 ≤ 1 s: ${p99 <= 1000 ? "met" : "MISSED"}`,
      `  drain     stopped ${s1(drain.stoppedMs)} (backlog ${n0(drain.backlogAtRestart)}), first record ${s1(drain.restartMs)} after docker start (backlog ${n0(drain.backlogAtResume)}), ` +
        `current again ${s1(drain.catchUpMs)} later`,
      `            drain ${n0(drain.drainRate)} msg/s = ${ratio.toFixed(2)}× the produce rate (${drain.rate.toFixed(1)} msg/s)   goal ≥ 2×: ${ratio >= 2 ? "met" : "MISSED"}`,
      `            (backlog when MirrorMaker resumed / time to current again; it moved ${n0(moved)} msg/s = ${(moved / drain.rate).toFixed(2)}× meanwhile, new records included; ` +
        `${n0(drain.missing)} missing, ${n0(drain.duplicates)} twice)`,
      exactlyOnce(container)
        ? "  exactly-once MirrorMaker, read_committed: a record counts once the transaction that wrote it commits (one per poll: transaction.boundary=poll)"
        : "  MirrorMaker without exactly-once (kafka-platform:mirrorMaker.exactlyOnce: false): a record counts as soon as it is written on west",
    ].join("\n"));
  } finally {
    await east.close();
    await west.close();
  }
}
