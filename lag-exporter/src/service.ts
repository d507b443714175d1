// The exporter as a service: polls in the background (a Poller: in a worker thread in the
// image), one poll at a time, and serves the last poll's metrics from memory, so a scrape never
// waits on the cluster. Its own health (poll duration, errors by kind, age of the last good poll)
// is rendered at scrape time.
import { createServer, type Server } from "http";
import { gzipSync } from "zlib";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Poller } from "./poller";

export interface ServiceOptions {
  pollIntervalMs: number;
  port: number;
  /** Bind address (default all interfaces: the container's port is published by the platform). */
  host?: string;
  log?: (line: string) => void;
}

export class ExporterService {
  private readonly health = new Registry();
  /** The last poll's metrics as the poller encoded them: a scrape writes these bytes as they are. */
  private body: Buffer = Buffer.alloc(0);
  private gzipped: Buffer = gzipSync("");
  private lastGood = 0;
  private lastError = "";
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private server: Server | undefined;
  private polling: Promise<void> | undefined;
  private readonly m: {
    duration: Histogram; last: Gauge; errors: Counter; polls: Counter; requests: Gauge;
  };

  constructor(private readonly poller: Poller, private readonly opts: ServiceOptions) {
    collectDefaultMetrics({ register: this.health });
    const registers = [this.health];
    this.m = {
      duration: new Histogram({ name: "kafka_exporter_poll_duration_seconds", help: "Time a poll of the cluster took.", buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers }),
      last: new Gauge({ name: "kafka_exporter_last_poll_duration_seconds", help: "Time the last poll took.", registers }),
      errors: new Counter({ name: "kafka_exporter_poll_errors_total", help: "Poll failures by kind (whole polls and parts of one).", labelNames: ["kind"], registers }),
      polls: new Counter({ name: "kafka_exporter_polls_total", help: "Polls started.", registers }),
      requests: new Gauge({ name: "kafka_exporter_poll_requests", help: "Kafka requests the last poll sent.", registers }),
    };
    const age = () => (this.lastGood ? (Date.now() - this.lastGood) / 1000 : -1);
    new Gauge({
      name: "kafka_exporter_seconds_since_last_good_poll", help: "Age of the data served (-1 before the first good poll).", registers,
      collect() { this.set(age()); },
    });
  }

  get ready(): boolean {
    return this.lastGood > 0;
  }

  /** One poll: snapshot → model → cached text. Never throws. */
  async pollOnce(): Promise<void> {
    const started = Date.now();
    this.m.polls.inc();
    try {
      const snap = await this.poller.poll();
      // Views of the bytes the poller made (copied once across the thread boundary), not copies.
      this.body = Buffer.from(snap.body.buffer, snap.body.byteOffset, snap.body.byteLength);
      this.gzipped = Buffer.from(snap.gzipped.buffer, snap.gzipped.byteOffset, snap.gzipped.byteLength);
      for (const f of snap.failures) this.m.errors.inc({ kind: f.kind });
      this.m.requests.set(snap.requests);
      this.lastGood = Date.now();
      const problem = snap.failures.length ? `${snap.failures.length} part(s) failed, first: ${snap.failures[0].detail}` : "";
      if (problem !== this.lastError) this.opts.log?.(problem ? `poll: ${problem}` : "poll: ok");
      this.lastError = problem;
    } catch (e) {
      const err = e as { kind?: string; message?: string };
      this.m.errors.inc({ kind: err.kind ?? "unknown" });
      const problem = `poll failed: ${err.message ?? String(e)}`;
      if (problem !== this.lastError) this.opts.log?.(problem);
      this.lastError = problem;
    } finally {
      const s = (Date.now() - started) / 1000;
      this.m.duration.observe(s);
      this.m.last.set(s);
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    const started = Date.now();
    this.polling = this.pollOnce().then(() => {
      if (this.stopped) return;
      this.timer = setTimeout(() => this.schedule(), Math.max(0, this.opts.pollIntervalMs - (Date.now() - started)));
    });
  }

  async metrics(): Promise<string> {
    return this.body.toString() + (await this.health.metrics());
  }

  /** Starts polling and serving; resolves once the port is bound. */
  async start(): Promise<number> {
    this.schedule();
    this.server = createServer((req, res) => {
      const url = (req.url ?? "/").split("?")[0];
      const reply = (code: number, body: string, type = "text/plain; charset=utf-8") => {
        res.writeHead(code, { "content-type": type });
        res.end(body);
      };
      if (url === "/metrics") {
        // Prometheus asks for gzip: the poll's part was compressed by the poller; the small health
        // part is compressed here and appended as a second gzip member (valid gzip, read as one).
        const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
        const body = gzip ? this.gzipped : this.body;
        this.health.metrics().then((health) => {
          const tail = gzip ? gzipSync(health) : Buffer.from(health);
          res.writeHead(200, { "content-type": this.health.contentType, "content-length": body.length + tail.length, ...(gzip ? { "content-encoding": "gzip" } : {}) });
          res.write(body);
          res.end(tail);
        }, (e) => reply(500, String(e)));
      } else if (url === "/healthz") {
        reply(200, "ok\n");
      } else if (url === "/ready") {
        if (this.ready) reply(200, "ready\n");
        else reply(503, `not ready: ${this.lastError || "first poll not finished"}\n`);
      } else {
        reply(404, "not found: try /metrics, /healthz or /ready\n");
      }
    });
    // Node closes idle keep-alive connections after 5 s; Prometheus (and fetch) reuse theirs for
    // the next scrape, 10-15 s later, and may send on a socket being closed: keep them longer.
    this.server.keepAliveTimeout = 120_000;
    this.server.headersTimeout = 125_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.opts.port, this.opts.host ?? "0.0.0.0", () => resolve());
    });
    const addr = this.server.address();
    return typeof addr === "object" && addr ? addr.port : this.opts.port;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await this.poller.close();
  }
}
