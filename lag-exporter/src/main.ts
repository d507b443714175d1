// Entry point of the lag exporter image: `node lag-exporter.js CONFIG.json`, or
// `node lag-exporter.js --probe URL` (the container's health check: exit 0 on HTTP 200).
import { get } from "http";
import { join } from "path";
import { loadConfig } from "./config";
import { WorkerPoller } from "./poller";
import { ExporterService } from "./service";
import type { WorkerSettings } from "./worker";

function probe(url: string): void {
  const req = get(url, { timeout: 3000 }, (res) => process.exit(res.statusCode === 200 ? 0 : 1));
  req.on("timeout", () => req.destroy(new Error("timeout")));
  req.on("error", () => process.exit(1));
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--probe") return probe(argv[1] ?? "http://127.0.0.1:8000/ready");
  const path = argv[0] ?? "/etc/lag-exporter/config.json";
  const { config, identity, principal } = loadConfig(path);
  const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
  const certificates = Object.fromEntries(Object.entries(config.certificates ?? {}).map(([k, v]) => [k, Date.parse(v) / 1000]));
  const settings: WorkerSettings = {
    client: { bootstrapServers: config.bootstrapServers, identity, principal, requestTimeoutMs: 10_000, retries: 1 },
    windowSize: config.windowSize, certificates,
  };
  // The bundle's worker.js sits next to it; under ts-node, worker.ts next to this file.
  const worker = join(__dirname, __filename.endsWith(".ts") ? "worker.ts" : "worker.js");
  const service = new ExporterService(new WorkerPoller(worker, settings), { pollIntervalMs: config.pollIntervalSeconds * 1000, port: config.port, log });
  const port = await service.start();
  log(`lag exporter on :${port} (/metrics, /healthz, /ready), polling ${config.bootstrapServers.join(",")} every ${config.pollIntervalSeconds} s as ${principal}`);
  const stop = () => void service.stop().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(`lag exporter: ${(e as Error).message}`);
  process.exit(1);
});
