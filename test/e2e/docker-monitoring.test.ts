// Issue 9 on real Docker: the deployed lag exporter's numbers against a real cluster (and against
// Kafka's own kafka-consumer-groups), its time lag and status over real polls, and Prometheus with
// the stack's alert rules firing when a broker stops and resolving when it is back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterClient, withClient } from "../../src/clients/cluster";
import { waitUntil } from "../../src/clients/wait";
import { loadPanels } from "../../src/dashboards/panels";
import { smoke } from "../../src/smoke/smoke";
import { run, runOk, uniqueName } from "../support/exec";
import { pick, promAlerts, promQuery, scrape, type Sample } from "../support/metrics";
import { portBlock } from "../support/ports";
import { TestStack } from "../support/stack";

const stackName = uniqueName("mon").replace(/-/g, "");
const base = portBlock("docker-monitoring");
const POLL_S = 2;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("monitoring of a 3-broker cluster on Docker", () => {
  let s: TestStack;
  let metricsUrl = "";
  let prometheus = "";
  const client = () => new ClusterClient({ bootstrapServers: s.outputs().bootstrapServers.split(",") });
  const metrics = async () => (await scrape(metricsUrl)).samples;
  /** One value of the exporter, or undefined when the series is absent. */
  const value = (samples: Sample[], name: string, labels: Record<string, string>) => pick(samples, name, labels)[0]?.value;
  /** Waits (a few polls at most) until the exporter shows what `done` wants. */
  const waitMetrics = (what: string, done: (m: Sample[]) => boolean, describe: (m: Sample[]) => string, timeoutMs = 6 * POLL_S * 1000) =>
    waitUntil({ what, probe: metrics, done, describe, timeoutMs, intervalMs: 250 });

  beforeAll(() => {
    s = new TestStack(stackName, {
      target: "docker",
      environment: "dev",
      // Followers leave the ISR 5 s after they stop fetching: the under-replication alert's trigger.
      kafka: { brokers: 3, heapMb: 384, brokerConfig: { "replica.lag.time.max.ms": 5000 } },
      zookeeper: { replicas: 1, heapMb: 128 },
      docker: { bindAddress: "127.0.0.1", firstBrokerPort: base, lagExporterPort: base + 5, prometheusPort: base + 6, grafanaPort: base + 7 },
      monitoring: {
        lagExporter: { pollIntervalSeconds: POLL_S, windowSize: 3 },
        prometheus: { scrapeIntervalSeconds: 2 },
        alerts: { forSeconds: 4 },
      },
    }, {
      topics: [
        { name: "orders", partitions: 6, replicationFactor: 3, config: { "min.insync.replicas": 2 } },
        { name: "lagcheck", partitions: 1, replicationFactor: 3, config: { "min.insync.replicas": 2 } },
        { name: "timed", partitions: 1, replicationFactor: 3, config: { "min.insync.replicas": 2 } },
        { name: "slow", partitions: 1, replicationFactor: 3, config: { "min.insync.replicas": 2 } },
      ],
    });
  });

  afterAll(() => s?.cleanup(), 400_000);

  it("comes up with a ready exporter on :8000-style port and a Prometheus that has the smoke group's lag", async () => {
    const up = s.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const out = s.outputs();
    expect(out.lagExporterUrl).toBe(`http://127.0.0.1:${base + 5}/metrics`);
    expect(out.prometheusUrl).toBe(`http://127.0.0.1:${base + 6}`);
    metricsUrl = out.lagExporterUrl!;
    prometheus = out.prometheusUrl!;
    for (const path of ["/healthz", "/ready"]) expect((await fetch(metricsUrl.replace("/metrics", path))).status).toBe(200);
    await smoke(s.outputs(), { messages: 100, timeoutMs: 120_000 });
    const smokeLag = await waitUntil({
      what: "Prometheus to have the smoke group's lag", probe: () => promQuery(prometheus, 'kafka_consumergroup_lag{consumergroup=~"kp-smoke-.*"}'),
      done: (r) => r.length > 0, describe: (r) => `${r.length} series`, timeoutMs: 60_000, intervalMs: 1000,
    });
    expect(smokeLag.every((r) => Number(r.value[1]) >= 0)).toBe(true);
    const targets = await promQuery(prometheus, "up");
    expect(targets.map((t) => `${t.metric.job} ${t.value[1]}`).sort()).toEqual([
      "kafka 1", "kafka 1", "kafka 1", "lag-exporter 1", "prometheus 1", "zookeeper 1",
    ]);
  }, 600_000);

  it("shows lag 5 after 10 produced and 5 committed, then 0 (and time lag 0) once caught up", async () => {
    await withClient(client(), async (c) => {
      const p = await c.producer();
      await p.send("lagcheck", Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })));
      await p.close();
      await c.commitOffsets("lag-five", "lagcheck", [{ partition: 0, offset: 5 }]);
      const l = { consumergroup: "lag-five", topic: "lagcheck", partition: "0" };
      await waitMetrics("lag 5", (m) => value(m, "kafka_consumergroup_lag", l) === 5, (m) => `lag ${value(m, "kafka_consumergroup_lag", l)}`);
      await c.commitOffsets("lag-five", "lagcheck", [{ partition: 0, offset: 10 }]);
      const m = await waitMetrics("lag 0", (x) => value(x, "kafka_consumergroup_lag", l) === 0, (x) => `lag ${value(x, "kafka_consumergroup_lag", l)}`);
      expect(value(m, "kafka_consumergroup_lag_seconds", l)).toBe(0);
      expect(value(m, "kafka_consumergroup_members", { consumergroup: "lag-five" })).toBe(0); // an Empty group stays, with 0 members
      expect(value(m, "kafka_consumergroup_lag_sum", { consumergroup: "lag-five", topic: "lagcheck" })).toBe(0);
    });
  }, 120_000);

  it("never reports a negative lag, or -1, while a producer and a consumer run flat out (≥ 100 samples)", async () => {
    const stop = new AbortController();
    let sent = 0;
    const producing = withClient(client(), async (c) => {
      const p = await c.producer();
      while (!stop.signal.aborted) {
        await p.send("orders", Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: `v${sent + i}` })));
        sent += 200;
      }
      await p.close();
    });
    const consuming = withClient(client(), (c) => c.consume({ topic: "orders", group: "flat-out", fromBeginning: true, onMessage: () => false, signal: stop.signal }));
    const lags: number[] = [];
    const scrapeMs: number[] = [];
    try {
      for (let i = 0; i < 120; i++) {
        const r = await scrape(metricsUrl);
        scrapeMs.push(r.ms);
        for (const x of r.samples.filter((x) => x.name.startsWith("kafka_consumergroup_"))) {
          if (x.name === "kafka_consumergroup_lag" && x.labels.consumergroup === "flat-out") lags.push(x.value);
          expect(x.value, `${x.name} ${JSON.stringify(x.labels)}`).toBeGreaterThanOrEqual(0);
        }
        await sleep(100);
      }
    } finally {
      stop.abort();
      await Promise.all([producing, consuming]);
    }
    expect(sent).toBeGreaterThan(1000);
    expect(lags.length).toBeGreaterThan(100);
    expect(Math.max(...lags)).toBeGreaterThan(0); // it really was behind at times
    scrapeMs.sort((a, b) => a - b);
    console.log(`flat out: ${sent} records sent, ${lags.length} lag samples, max lag ${Math.max(...lags)}, scrape p50 ${scrapeMs[60].toFixed(1)} ms p99 ${scrapeMs[118].toFixed(1)} ms`);
  }, 120_000);

  it("equals Kafka's own kafka-consumer-groups --describe with producers stopped", async () => {
    // A real consumer reads some of 'orders' and commits; then every partition gets an offset
    // somewhere inside its log, so that lag differs per partition.
    await withClient(client(), async (c) => {
      let n = 0;
      await c.consume({ topic: "orders", group: "compare", fromBeginning: true, onMessage: () => ++n >= 700, maxMs: 60_000 });
      const ends = pick(await metrics(), "kafka_topic_partition_current_offset", { topic: "orders" });
      await c.commitOffsets("compare", "orders", ends.filter((e) => Number(e.labels.partition) % 2 === 1)
        .map((e) => ({ partition: Number(e.labels.partition), offset: Math.floor(e.value / (Number(e.labels.partition) + 1)) })));
    });
    const described = await waitUntil({
      what: "kafka-consumer-groups to describe group compare",
      probe: async () => runOk("docker", ["exec", `kp-${stackName}-kafka-0`, "kafka-run", "class", "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
        "--bootstrap-server", `kp-${stackName}-kafka-0:9091`, "--describe", "--group", "compare"], { timeoutMs: 60_000 }),
      done: (out) => /orders\s+\d/.test(out), describe: (out) => out.slice(-300), timeoutMs: 60_000,
    });
    // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG …
    const rows = described.split("\n").filter((l) => /^compare\s+orders\s/.test(l)).map((l) => l.trim().split(/\s+/));
    // A partition without a commit shows "-": the exporter's explicit "uncommitted" series instead.
    const uncommitted = rows.filter((r) => r[3] === "-").map((r) => r[2]).sort();
    const theirs = rows.filter((r) => r[3] !== "-")
      .map(([, , p, cur, end, lag]) => ({ partition: p, current: Number(cur), end: Number(end), lag: Number(lag) })).sort((a, b) => Number(a.partition) - Number(b.partition));
    expect(theirs.length).toBeGreaterThanOrEqual(3);
    const m = await waitMetrics("the exporter to agree with kafka-consumer-groups", (x) => theirs.every((t) =>
      value(x, "kafka_consumergroup_current_offset", { consumergroup: "compare", topic: "orders", partition: t.partition }) === t.current &&
      value(x, "kafka_topic_partition_current_offset", { topic: "orders", partition: t.partition }) === t.end),
    (x) => JSON.stringify(pick(x, "kafka_consumergroup_current_offset", { consumergroup: "compare" }).map((y) => [y.labels.partition, y.value])));
    const ours = theirs.map((t) => ({
      partition: t.partition,
      current: value(m, "kafka_consumergroup_current_offset", { consumergroup: "compare", topic: "orders", partition: t.partition }),
      end: value(m, "kafka_topic_partition_current_offset", { topic: "orders", partition: t.partition }),
      lag: value(m, "kafka_consumergroup_lag", { consumergroup: "compare", topic: "orders", partition: t.partition }),
    }));
    expect(ours).toEqual(theirs);
    // The tool lists only committed partitions of an Empty group ("-" for a member's uncommitted
    // one): every other partition of the topic is the exporter's explicit "uncommitted" series.
    const listed = new Set(theirs.map((t) => t.partition));
    const expected = [...uncommitted, ...["0", "1", "2", "3", "4", "5"].filter((p) => !listed.has(p) && !uncommitted.includes(p))].sort();
    expect(pick(m, "kafka_consumergroup_uncommitted_partition", { consumergroup: "compare" }).map((x) => x.labels.partition).sort()).toEqual(expected);
  }, 180_000);

  it("reports a stopped consumer's time lag from record timestamps, within one poll, rising across polls", async () => {
    const times: number[] = [];
    await withClient(client(), async (c) => {
      const p = await c.producer();
      // One record every 250 ms for 12 s: its CreateTime is when it was sent.
      for (let i = 0; i < 48; i++) {
        const ts = Date.now();
        await p.send("timed", [{ value: `t${i}`, timestamp: ts }]);
        times.push(ts);
        await sleep(250);
      }
      await p.close();
      await c.commitOffsets("stopped", "timed", [{ partition: 0, offset: 10 }]);
    });
    const l = { consumergroup: "stopped", topic: "timed", partition: "0" };
    const reading = async () => {
      const m = await waitMetrics("the stopped group's time lag", (x) => value(x, "kafka_consumergroup_lag_seconds", l) !== undefined, () => "absent");
      const at = Date.now();
      const age = value(m, "kafka_exporter_seconds_since_last_good_poll", {})!;
      const reported = value(m, "kafka_consumergroup_lag_seconds", l)!;
      // What it should be at the poll the value comes from: the age of record 10 then.
      const truth = (at - age * 1000 - times[10]) / 1000;
      return { reported, truth };
    };
    const first = await reading();
    expect(Math.abs(first.reported - first.truth), JSON.stringify(first)).toBeLessThanOrEqual(POLL_S + 0.5);
    await sleep(3 * POLL_S * 1000);
    const later = await reading();
    expect(Math.abs(later.reported - later.truth), JSON.stringify(later)).toBeLessThanOrEqual(POLL_S + 0.5);
    // Three polls later it has risen by what the clock says (each reading is up to a poll old).
    expect(later.reported - first.reported).toBeGreaterThan(POLL_S);
    expect(Math.abs((later.reported - first.reported) - (later.truth - first.truth))).toBeLessThanOrEqual(2 * POLL_S + 0.5);
    console.log(`time lag: reported ${first.reported.toFixed(2)} s vs ${first.truth.toFixed(2)} s from timestamps; ${later.reported.toFixed(2)} vs ${later.truth.toFixed(2)} three polls on`);
  }, 120_000);

  it("drops a deleted group's series within one poll", async () => {
    await withClient(client(), (c) => c.deleteGroup("stopped"));
    const t0 = Date.now();
    await waitMetrics("the deleted group's series to go", (m) => !m.some((x) => x.labels.consumergroup === "stopped"), () => "still there", 4 * POLL_S * 1000);
    const ms = Date.now() - t0;
    console.log(`deleted group gone after ${ms} ms (poll ${POLL_S} s)`);
    expect(ms).toBeLessThanOrEqual(2 * POLL_S * 1000 + 500); // the poll under way, then the next one
  }, 60_000);

  it("moves a consumer's status OK → WARN → STOP as it slows and then stops committing", async () => {
    const l = { consumergroup: "slowing", topic: "slow", partition: "0" };
    const seen: number[] = [];
    const watch = new AbortController();
    let scrapeError: unknown;
    // Never rejects: a failed scrape is kept and reported after the run.
    const watching = (async () => {
      while (!watch.signal.aborted && !scrapeError) {
        try {
          const v = value(await metrics(), "kafka_consumergroup_partition_status", l);
          if (v !== undefined && seen[seen.length - 1] !== v) seen.push(v);
        } catch (e) {
          scrapeError = e;
        }
        await sleep(250);
      }
    })();
    await withClient(client(), async (c) => {
      const p = await c.producer();
      let end = 0;
      const produce = async (n: number) => {
        await p.send("slow", Array.from({ length: n }, (_, i) => ({ value: `s${end + i}` })));
        end += n;
      };
      // Keeping up: commits reach the log end every second.
      for (let i = 0; i < 4 * POLL_S; i++) {
        await produce(10);
        await c.commitOffsets("slowing", "slow", [{ partition: 0, offset: end }]);
        await sleep(1000);
      }
      // Slowing: commits move, 2 a second, while 10 a second arrive.
      let committed = end;
      for (let i = 0; i < 5 * POLL_S; i++) {
        await produce(10);
        committed += 2;
        await c.commitOffsets("slowing", "slow", [{ partition: 0, offset: committed }]);
        await sleep(1000);
      }
      // Stopped: nothing commits, records keep coming.
      for (let i = 0; i < 5 * POLL_S; i++) {
        await produce(10);
        await sleep(1000);
      }
      await p.close();
    });
    watch.abort();
    await watching;
    expect(scrapeError).toBeUndefined();
    console.log(`status sequence (partition): ${seen.join(" → ")}`);
    // 1 OK, 2 WARN, 4 STOP (Burrow's codes), in that order.
    expect(seen[0]).toBe(1);
    expect(seen.indexOf(2)).toBeGreaterThan(0);
    expect(seen[seen.length - 1]).toBe(4);
    expect(seen.indexOf(4)).toBeGreaterThan(seen.indexOf(2));
    expect(value(await metrics(), "kafka_consumergroup_status", { consumergroup: "slowing" })).toBe(4);
  }, 180_000);

  it("answers every dashboard panel's queries with data, and sane data (finite, not negative)", async () => {
    const problems: string[] = [];
    let queries = 0;
    for (const panel of loadPanels({ rateInterval: "30s" })) {
      const results = await Promise.all(panel.queries.map((q) => promQuery(prometheus, q.expr)));
      queries += panel.queries.length;
      const values = results.flat().map((r) => Number(r.value[1]));
      const where = `${panel.dashboard} #${panel.index} '${panel.title}'`;
      if (values.length === 0) problems.push(`${where}: no data from ${panel.queries.map((q) => q.expr).join(" | ")}`);
      const bad = values.filter((v) => !Number.isFinite(v) || v < 0);
      if (bad.length) problems.push(`${where}: ${bad.join(", ")}`);
    }
    console.log(`dashboards: ${queries} queries, ${problems.length} problems`);
    expect(problems).toEqual([]);
  }, 120_000);

  it("fires the under-replicated alert when a broker stops and resolves it once the broker is back", async () => {
    const broker = `kp-${stackName}-kafka-2`;
    const urp = async () => (await promAlerts(prometheus)).filter((a) => a.labels.alertname === "KafkaUnderReplicatedPartitions");
    expect(await urp()).toEqual([]);
    const t0 = Date.now();
    runOk("docker", ["stop", "-t", "30", broker], { timeoutMs: 60_000 });
    try {
      await waitUntil({ what: "KafkaUnderReplicatedPartitions to fire", probe: urp, done: (a) => a.some((x) => x.state === "firing"),
        describe: (a) => a.map((x) => x.state).join(",") || "no alert", timeoutMs: 120_000, intervalMs: 500 });
      console.log(`under-replicated alert firing ${((Date.now() - t0) / 1000).toFixed(1)} s after docker stop (replica.lag.time.max.ms 5 s, scrape 2 s, for 4 s)`);
      // The exporter sees 2 of 3 brokers: the broker-count alert fires too.
      await waitUntil({ what: "KafkaBrokersMissing to fire", probe: () => promAlerts(prometheus), done: (a) => a.some((x) => x.labels.alertname === "KafkaBrokersMissing" && x.state === "firing"),
        describe: (a) => a.map((x) => `${x.labels.alertname} ${x.state}`).join(", ") || "no alerts", timeoutMs: 60_000, intervalMs: 500 });
      console.log(`broker-count alert firing ${((Date.now() - t0) / 1000).toFixed(1)} s after docker stop`);
    } finally {
      runOk("docker", ["start", broker]);
    }
    const t1 = Date.now();
    await waitUntil({ what: "KafkaUnderReplicatedPartitions to resolve", probe: urp, done: (a) => a.length === 0,
      describe: (a) => a.map((x) => x.state).join(","), timeoutMs: 180_000, intervalMs: 1000 });
    console.log(`resolved ${((Date.now() - t1) / 1000).toFixed(1)} s after docker start`);
    expect(run("docker", ["inspect", "-f", "{{.State.Health.Status}}", broker]).stdout.trim()).toBe("healthy");
  }, 400_000);
});
