// Benchmark: the lag exporter (its poll worker and HTTP server, in this process, as in its image) against a real
// 3-broker cluster at growing sizes — 10 / 200 / 2,000 partitions with 5 / 100 / 500 groups, each
// group committing offsets on every partition of one topic. Per size: poll duration, CPU per poll,
// Kafka requests per poll, scrape latency p50/p99 (scrapes while polls run). Not a test.
//   npm run bench -- exporter [--runs N]   (N polls measured per size, default 3)
import { ClusterClient, withClient } from "../src/clients/cluster";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { WorkerPoller } from "../lag-exporter/src/poller";
import { ExporterService } from "../lag-exporter/src/service";
import type { WorkerSettings } from "../lag-exporter/src/worker";
import { uniqueName } from "../test/support/exec";
import { TestStack } from "../test/support/stack";

const SIZES = [
  { partitions: 10, groups: 5 },
  { partitions: 200, groups: 100 },
  { partitions: 2000, groups: 500 },
] as const;
const PER_TOPIC = 10;
const SCRAPES = 200;
const FIRST_BROKER_PORT = 26_501;

/** Runs a command; resolves with its stdout, rejects with its stderr. Bounded by 5 minutes. */
function spawnAsync(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], timeout: 300_000 });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

export async function benchExporter(runs: number): Promise<void> {
  const s = new TestStack(uniqueName("benchexp").replace(/-/g, ""), {
    target: "docker", environment: "dev",
    kafka: { brokers: 3, heapMb: 768 }, zookeeper: { replicas: 1, heapMb: 128 },
    docker: { bindAddress: "127.0.0.1", firstBrokerPort: FIRST_BROKER_PORT },
    monitoring: { enabled: false },
  }, { topics: [] });
  try {
    const up = s.pulumi(["up", "--yes", "--skip-preview"], 900_000);
    if (up.code !== 0) throw new Error(`bench cluster did not come up:\n${up.stdout}\n${up.stderr}`);
    const servers = s.outputs().bootstrapServers.split(",");
    const rows: string[] = [];
    let topics = 0;
    let groups = 0;
    for (const size of SIZES) {
      await withClient(new ClusterClient({ bootstrapServers: servers, requestTimeoutMs: 120_000 }), async (c) => {
        for (; topics < size.partitions / PER_TOPIC; topics++) await c.createTopic(`bench-${topics}`, PER_TOPIC, 2);
        for (; groups < size.groups; groups++) {
          const topic = `bench-${groups % topics}`;
          await c.commitOffsets(`bench-group-${groups}`, topic, Array.from({ length: PER_TOPIC }, (_, partition) => ({ partition, offset: 0 })));
        }
      });
      // As in the image: polls in a worker thread, scrapes on the main one.
      const settings: WorkerSettings = { client: { bootstrapServers: servers, requestTimeoutMs: 30_000 }, windowSize: 10 };
      const poller = new WorkerPoller(path.join(__dirname, "../lag-exporter/src/worker.ts"), settings);
      const service = new ExporterService(poller, { pollIntervalMs: 3_600_000, port: 0, host: "127.0.0.1" });
      const port = await service.start(); // its first poll runs now; measured polls follow
      const polls: number[] = [];
      const cpu: number[] = [];
      const requests: number[] = [];
      const scrapes: number[] = [];
      const busy: number[] = [];
      let lines = 0;
      try {
        while (!service.ready) await new Promise((r) => setTimeout(r, 50));
        // Warm-up: the worker's first polls (code loading) and the HTTP client's first connection.
        for (let i = 0; i < 2; i++) await service.pollOnce();
        for (let i = 0; i < 10; i++) await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        // Polls alone: duration, CPU, requests.
        for (let i = 0; i < runs; i++) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          await service.pollOnce();
          polls.push(performance.now() - t0);
          const d = process.cpuUsage(c0);
          cpu.push((d.user + d.system) / 1000);
          requests.push(Number(/^kafka_exporter_poll_requests (\d+)$/m.exec(await service.metrics())?.[1]));
        }
        // Scrapes from another process (like Prometheus), first while the exporter polls at a
        // 5 s interval (a poll now and then under way), then while polls run back to back.
        const url = `http://127.0.0.1:${port}/metrics`;
        const scraper = (n: number, gapMs: number) => spawnAsync("node", ["-r", "ts-node/register/transpile-only", path.join(__dirname, "scraper.ts"), url, String(n), String(gapMs)]);
        let stop = false;
        const every5s = (async () => { while (!stop) { const t = Date.now(); await service.pollOnce(); await new Promise((r) => setTimeout(r, Math.max(0, 5_000 - (Date.now() - t)))); } })();
        scrapes.push(...JSON.parse(await scraper(SCRAPES, 50)) as number[]);
        stop = true;
        await every5s;
        stop = false;
        const backToBack = (async () => { while (!stop) await service.pollOnce(); })();
        busy.push(...JSON.parse(await scraper(SCRAPES, 0)) as number[]);
        stop = true;
        await backToBack;
        lines = (await service.metrics()).split("\n").length;
      } finally {
        await service.stop();
      }
      rows.push(`${String(size.partitions).padStart(5)} × ${String(size.groups).padStart(3)}   poll ${median(polls).toFixed(0).padStart(5)} ms   cpu/poll ${median(cpu).toFixed(0).padStart(5)} ms   ` +
        `requests ${median(requests)}   scrape p50/p99 ${pct(scrapes, 50).toFixed(1)}/${pct(scrapes, 99).toFixed(1)} ms, polls back to back ${pct(busy, 50).toFixed(1)}/${pct(busy, 99).toFixed(1)} ms (${lines} lines)`);
      console.log(rows[rows.length - 1]);
    }
    console.log(`\nlag exporter, 3 brokers, medians of ${runs} polls per size (partitions × groups; ${SCRAPES} scrapes from another process at a 5 s poll interval, then ${SCRAPES} with polls back to back):\n${rows.join("\n")}`);
  } finally {
    s.cleanup();
  }
}
