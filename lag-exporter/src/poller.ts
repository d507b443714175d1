// One poll = snapshot → model → Prometheus text. Where it runs is the poller's business: in the
// caller's thread (tests), or in a worker thread (the service), so that decoding hundreds of
// responses and rendering tens of thousands of lines never delays a scrape on the main thread.
import { Worker } from "worker_threads";
import { gzipSync } from "zlib";
import type { SnapshotFailure } from "../../src/clients/lag-reader";
import { renderView } from "./metrics";
import { LagModel } from "./model";
import type { ClusterSnapshot } from "../../src/clients/lag-reader";

export interface PollResult {
  /** The metrics text, encoded here (off the HTTP thread): a scrape writes these bytes as they are. */
  body: Uint8Array;
  /** The same, gzipped once: what a scraper that accepts gzip gets. */
  gzipped: Uint8Array;
  /** Kafka requests the poll sent. */
  requests: number;
  /** Parts of the cluster that could not be read this time. */
  failures: SnapshotFailure[];
}

/** A failed poll, as it crosses the thread boundary: kind (for the error counter) and message. */
export class PollError extends Error {
  constructor(readonly kind: string, message: string) {
    super(message);
    this.name = "PollError";
  }
}

export interface Poller {
  poll(): Promise<PollResult>;
  close(): Promise<void>;
}

export interface SnapshotSource {
  snapshot(): Promise<ClusterSnapshot>;
  close(): Promise<void>;
}

export interface PollSettings {
  windowSize: number;
  /** Certificate name → expiry, Unix seconds. */
  certificates?: Record<string, number>;
}

/** Polls in the calling thread. */
export class InlinePoller implements Poller {
  private readonly model: LagModel;
  constructor(private readonly source: SnapshotSource, private readonly settings: PollSettings) {
    this.model = new LagModel({ windowSize: settings.windowSize });
  }

  async poll(): Promise<PollResult> {
    let snap: ClusterSnapshot;
    try {
      snap = await this.source.snapshot();
    } catch (e) {
      const err = e as { kind?: string; message?: string };
      throw new PollError(err.kind ?? "unknown", err.message ?? String(e));
    }
    const body = Buffer.from(await renderView(this.model.update(snap), { certificates: this.settings.certificates }));
    return { body, gzipped: gzipSync(body, { level: 6 }), requests: snap.requests, failures: snap.failures };
  }

  close(): Promise<void> {
    return this.source.close();
  }
}

type Reply = { ok: true; result: PollResult } | { ok: false; kind: string; message: string };

/**
 * Polls in a worker thread running `file` (worker.ts / the bundle's worker.js), which builds its
 * own reader from `workerData`. One poll at a time; a worker that dies is an error for the poll
 * under way and is started again for the next.
 */
export class WorkerPoller implements Poller {
  private worker: Worker | undefined;
  private pending: { resolve: (r: PollResult) => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly file: string, private readonly workerData: unknown) {}

  private start(): Worker {
    // Under ts-node (tests, benchmarks) the worker is TypeScript too.
    const execArgv = this.file.endsWith(".ts") ? ["-r", "ts-node/register/transpile-only"] : [];
    const w = new Worker(this.file, { workerData: this.workerData, execArgv });
    w.on("message", (reply: Reply) => {
      const p = this.pending;
      this.pending = undefined;
      if (!p) return;
      if (reply.ok) p.resolve(reply.result);
      else p.reject(new PollError(reply.kind, reply.message));
    });
    const died = (e: Error) => {
      this.worker = undefined;
      const p = this.pending;
      this.pending = undefined;
      p?.reject(new PollError("worker", `the poll worker stopped: ${e.message}`));
    };
    w.on("error", died);
    w.on("exit", (code) => died(new Error(`exit code ${code}`)));
    return w;
  }

  poll(): Promise<PollResult> {
    if (this.pending) return Promise.reject(new PollError("busy", "a poll is already under way"));
    this.worker ??= this.start();
    const w = this.worker;
    return new Promise<PollResult>((resolve, reject) => {
      this.pending = { resolve, reject };
      w.postMessage("poll");
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (!w) return;
    w.removeAllListeners("exit");
    w.postMessage("close");
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => void w.terminate().then(() => resolve()), 5_000);
      w.once("exit", () => { clearTimeout(t); resolve(); });
    });
  }
}
