// `npm run dashboards -- [--stack S] [--out DIR] [--minutes N]`
// Renders every panel of dashboards/*.json from the stack's Prometheus over the last N minutes
// (default 30) to DIR/<dashboard>/<nn>-<slug>.png (default DIR: .tmp/dashboards/<stack>): the
// dashboards checked against live data without a Grafana. Prints one line per dashboard; exits 1
// naming every panel whose queries returned nothing or failed (its PNG says so too).
import * as fs from "node:fs";
import * as path from "node:path";
import { parseCli, runCli } from "../cli/args";
import { readStackOutputs, StackOutputsError } from "../clients/stack";
import { REPO_ROOT } from "../repo-root";
import { DASHBOARDS, loadPanels, panelSlug, type Panel } from "./panels";
import { PrometheusClient, PrometheusError, type RangeSeries } from "./prometheus";
import { renderPanel } from "./render";

const USAGE = "npm run dashboards -- [--stack S] [--out DIR] [--minutes N]";

class DashboardsIncomplete extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DashboardsIncomplete";
  }
}

/** The panel's results, or why it has none: every query empty, or one failing. */
async function queryPanel(prom: PrometheusClient, p: Panel, start: Date, end: Date, step: number): Promise<{ results: RangeSeries[][]; problem?: string }> {
  if (p.queries.length === 0) return { results: [], problem: "has no queries" };
  const settled = await Promise.allSettled(p.queries.map((q) => prom.queryRange(q.expr, start, end, step)));
  const failed = settled.findIndex((s) => s.status === "rejected");
  if (failed >= 0) {
    const e = (settled[failed] as PromiseRejectedResult).reason as Error;
    // The query is in the message already; keep Prometheus' own words.
    return { results: [], problem: `query ${p.queries[failed].refId} failed: ${e instanceof PrometheusError ? e.message.replace(/^query_range of '.*' at \S+: /s, "") : e.message}` };
  }
  const results = settled.map((s) => (s as PromiseFulfilledResult<RangeSeries[]>).value);
  if (results.every((r) => r.length === 0)) return { results, problem: `no data (${p.queries.map((q) => q.expr).join(" ; ")})` };
  return { results };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

runCli(USAGE, async () => {
  const { values: o } = parseCli(process.argv.slice(2), { out: { type: "string" }, minutes: { type: "int" } });
  const outputs = readStackOutputs(o.stack);
  if (!outputs.prometheusUrl) {
    throw new StackOutputsError(`stack '${o.stack}' has no prometheusUrl output: is its monitoring deployed? (kafka-platform:monitoring in Pulumi.${o.stack}.yaml, then npm run up)`);
  }
  const prom = new PrometheusClient(outputs.prometheusUrl);
  await prom.query("vector(1)"); // unreachable or not ready: one error now, not one per panel

  const minutes = o.minutes ?? 30;
  const end = new Date();
  const start = new Date(end.getTime() - minutes * 60_000);
  // ~240 points per series, never finer than 15 s (the default scrape is 10 s); the rate window
  // spans at least four steps, like Grafana's $__rate_interval.
  const step = Math.max(15, Math.ceil((minutes * 60) / 240));
  const panels = loadPanels({ rateInterval: `${Math.max(60, 4 * step)}s` });
  const outDir = path.resolve(o.out ?? path.join(REPO_ROOT, ".tmp", "dashboards", o.stack));

  const began = Date.now();
  const problems: string[] = [];
  let queryMs = 0;
  for (const dashboard of DASHBOARDS) {
    const dir = path.join(outDir, dashboard);
    fs.mkdirSync(dir, { recursive: true });
    // Only our own earlier PNGs go: a renamed panel must not leave its old picture behind.
    for (const f of fs.readdirSync(dir)) if (/^\d{2}-[a-z0-9-]+\.png$/.test(f)) fs.rmSync(path.join(dir, f));
    const mine = panels.filter((p) => p.dashboard === dashboard);
    let empty = 0;
    for (const p of mine) {
      const asked = Date.now();
      const { results, problem } = await queryPanel(prom, p, start, end, step);
      queryMs += Date.now() - asked;
      const message = problem?.startsWith("query") ? "Query failed" : undefined;
      const failed = await renderPanel(p, results, { message, range: { start: start.getTime(), end: end.getTime() } }).then(
        (png) => fs.writeFileSync(path.join(dir, `${panelSlug(p)}.png`), png),
        (e: Error) => `render failed: ${e.message}`,
      );
      const why = problem ?? failed;
      if (why) {
        empty++;
        problems.push(`${dashboard}/${panelSlug(p)}`);
        console.error(`  ${dashboard}/${panelSlug(p)} '${p.title}': ${why}`);
      }
    }
    const rel = path.relative(process.cwd(), dir) || ".";
    console.log(`${dashboard}: ${mine.length} panels → ${rel}${empty ? ` (${empty} without data)` : ""}`);
  }
  console.log(`rendered ${panels.length} panels over the last ${minutes} min from ${outputs.prometheusUrl} in ${seconds(Date.now() - began)} (queries ${seconds(queryMs)})`);
  if (problems.length) {
    throw new DashboardsIncomplete(`${problems.length} of ${panels.length} panels returned no data or failed (listed above): ${problems.join(", ")}`);
  }
});
