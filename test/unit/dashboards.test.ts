// The Grafana dashboards in dashboards/*.json: well-formed panels, PromQL that names only metrics
// the platform really exports (read from the lag exporter's source and the JMX agent's rules),
// the datasource always the ${datasource} variable, and a panel rendered to a PNG. No network.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as YAML from "yaml";
import { DASHBOARDS, flatPanels, legendOf, loadDashboard, loadPanels, substitute, type Panel } from "../../src/dashboards/panels";
import { renderPanel } from "../../src/dashboards/render";
import { REPO_ROOT } from "../../src/repo-root";

const read = (f: string) => fs.readFileSync(path.join(REPO_ROOT, f), "utf8");

/** Exact names, and patterns for the JMX rules' names with captures ($1 → any word). */
function knownMetrics(): { names: Set<string>; patterns: RegExp[] } {
  const names = new Set<string>([
    "up", // Prometheus' own, one per scrape target
    // The JMX exporter agent's built-in JVM collectors (client_java), on brokers and ZooKeeper.
    "jvm_memory_used_bytes", "jvm_memory_committed_bytes", "jvm_memory_max_bytes",
    "jvm_gc_collection_seconds_sum", "jvm_gc_collection_seconds_count", "jvm_threads_current",
    "process_cpu_seconds_total", "process_resident_memory_bytes",
  ]);
  // The lag exporter: gauges made with g("name", ...) and the service's own metrics.
  for (const m of read("lag-exporter/src/metrics.ts").matchAll(/\bg\(\s*"(\w+)"/g)) names.add(m[1]);
  for (const m of read("lag-exporter/src/service.ts").matchAll(/\bname:\s*"(\w+)"/g)) names.add(m[1]);
  for (const n of [...names].filter((x) => x.startsWith("kafka_exporter_poll_duration"))) {
    for (const s of ["_bucket", "_sum", "_count"]) names.add(n + s); // a histogram's series
  }
  const patterns: RegExp[] = [];
  for (const f of ["images/kafka/jmx/kafka.yaml", "images/kafka/jmx/zookeeper.yaml"]) {
    const rules = (YAML.parse(read(f)) as { rules: { name?: string }[] }).rules;
    for (const r of rules) {
      // lowercaseOutputName: a capture comes out lowercased.
      if (r.name) patterns.push(new RegExp(`^${r.name.replace(/\$\d+/g, "[a-z0-9_]+")}$`));
    }
  }
  return { names, patterns };
}

/** The metric names a PromQL expression selects: identifiers that are not functions, keywords or labels. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ") // label lists
    .replace(/\{[^}]*\}/g, " ") // matchers
    .replace(/\[[^\]]*\]/g, " "); // ranges
  const keywords = new Set(["and", "or", "unless", "bool", "offset", "inf", "nan"]);
  return [...bare.matchAll(/([a-zA-Z_:][\w:]*)\s*(\()?/g)].filter((m) => !m[2] && !keywords.has(m[1].toLowerCase())).map((m) => m[1]);
}

const panels = loadPanels();

describe("dashboards", () => {
  it("both files parse, with panels", () => {
    for (const d of DASHBOARDS) {
      const j = loadDashboard(d);
      expect(j.uid, d).toBeTruthy();
      expect(j.schemaVersion, d).toBeGreaterThanOrEqual(36);
      expect(flatPanels(j).length, d).toBeGreaterThan(5);
    }
    expect(new Set(panels.map((p) => p.dashboard))).toEqual(new Set(DASHBOARDS));
  });

  it("every panel has a title, a unit and at least one query", () => {
    for (const p of panels) {
      const where = `${p.dashboard} panel ${p.index} '${p.title}'`;
      expect(p.title, where).not.toBe("");
      expect(p.unit, where).not.toBe("");
      expect(p.queries.length, where).toBeGreaterThan(0);
      for (const q of p.queries) expect(q.expr.trim(), where).not.toBe("");
    }
  });

  it("every query is runnable once substituted, and matches variables with =~", () => {
    for (const p of panels) {
      for (const q of p.queries) {
        expect(q.expr, `${p.dashboard} '${p.title}'`).not.toMatch(/\$|\[\[/);
        // "All" is ".*": only a regex matcher takes it.
        for (const m of q.rawExpr.matchAll(/(\S{0,3})"\$\{?(\w+)/g)) expect(m[1], `${p.title}: $${m[2]}`).toMatch(/=~$/);
      }
    }
  });

  it("every metric a query names is one the platform exports", () => {
    const { names, patterns } = knownMetrics();
    expect(names.has("kafka_consumergroup_lag_sum")).toBe(true); // the regexes found the exporter's names
    const unknown: string[] = [];
    const variableQueries = DASHBOARDS.flatMap((d) => (loadDashboard(d).templating?.list ?? []).map((v) => (v.query as { query?: string } | undefined)?.query ?? ""));
    const exprs = [...panels.flatMap((p) => p.queries.map((q) => q.expr)), ...variableQueries.map((q) => q.replace(/^label_values\((.*),\s*\w+\)$/, "$1"))];
    for (const e of exprs) {
      for (const n of metricNames(e)) if (!names.has(n) && !patterns.some((r) => r.test(n))) unknown.push(`${n} (in ${e})`);
    }
    expect(unknown).toEqual([]);
  });

  it("metricNames finds metrics, not functions, labels or keywords", () => {
    expect(metricNames('sum by (topic) (rate(a_total{topic=~"x|y"}[1m])) or on () label_replace(vector(0), "k", "v", "", "")')).toEqual(["a_total"]);
    expect(metricNames("histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m]))) and on (topic, partition) b")).toEqual(["h_bucket", "b"]);
  });

  it("no datasource is hard-coded: always the ${datasource} variable", () => {
    for (const d of DASHBOARDS) {
      const j = loadDashboard(d);
      const dsVar = j.templating?.list?.find((v) => v.type === "datasource");
      expect(dsVar, d).toMatchObject({ name: "datasource", query: "prometheus" });
      const found: string[] = [];
      const walk = (v: unknown, at: string) => {
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
        else if (v && typeof v === "object") {
          for (const [k, x] of Object.entries(v)) {
            if (k === "datasource" && x !== undefined) found.push(`${at}.${k}=${JSON.stringify(x)}`);
            else walk(x, `${at}.${k}`);
          }
        }
      };
      walk(j, d);
      expect(found.filter((f) => !f.endsWith('={"type":"prometheus","uid":"${datasource}"}'))).toEqual([]);
      // Every panel and every target says so itself: Grafana's default datasource is not the variable.
      for (const p of flatPanels(j)) {
        expect(p.datasource, p.title).toEqual({ type: "prometheus", uid: "${datasource}" });
        for (const t of p.targets ?? []) expect(t.datasource, p.title).toEqual({ type: "prometheus", uid: "${datasource}" });
      }
    }
  });

  it("substitutes variables in every Grafana syntax and fills legends", () => {
    expect(substitute('a{g=~"$g", t=~"${t}", u=~"${u:regex}", v=~"[[v]]"}[$__rate_interval] $x', { g: ".*", t: ".*", u: ".*", v: ".*", __rate_interval: "1m" }))
      .toBe('a{g=~".*", t=~".*", u=~".*", v=~".*"}[1m] $x');
    expect(legendOf("{{consumergroup}} / {{topic}} [{{ partition }}]", { consumergroup: "g", topic: "t", partition: "0" })).toBe("g / t [0]");
    expect(legendOf("", { __name__: "up", job: "kafka" })).toBe('up{job="kafka"}');
  });
});

describe("renderer", () => {
  const pngWidth = (png: Buffer) => png.readUInt32BE(16); // IHDR: width, then height
  const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const t0 = 1_700_000_000;
  const values = (f: (i: number) => number) => Array.from({ length: 20 }, (_, i): [number, string] => [t0 + 15 * i, String(f(i))]);
  const base: Panel = {
    dashboard: "consumer-lag", index: 1, title: "Lag per partition", unit: "short", type: "timeseries", mappings: [],
    queries: [{ refId: "A", expr: "x", rawExpr: "x", legendFormat: "{{consumergroup}} [{{partition}}]" }],
  };

  it("draws a time series panel to a PNG", async () => {
    const png = await renderPanel(base, [[
      { metric: { consumergroup: "billing", partition: "0" }, values: values((i) => 100 * i) },
      { metric: { consumergroup: "billing", partition: "1" }, values: [...values((i) => 50 + i), [t0 + 400, "NaN"]] },
    ]]);
    expect(png.subarray(0, 8)).toEqual(SIGNATURE);
    expect(pngWidth(png)).toBeGreaterThan(400);
  }, 30_000);

  it("draws stat panels (mapped words) and empty panels", async () => {
    const stat: Panel = { ...base, type: "stat", unit: "none", mappings: [{ value: 1, text: "OK", color: "green" }, { value: 4, text: "STOP", color: "red" }] };
    for (const results of [[[{ metric: { consumergroup: "a" }, values: values(() => 1) }, { metric: { consumergroup: "b" }, values: values(() => 4) }]], []]) {
      const png = await renderPanel(stat, results);
      expect(png.subarray(0, 8)).toEqual(SIGNATURE);
      expect(pngWidth(png)).toBeGreaterThan(400);
    }
  }, 30_000);
});
