// One panel's query_range results as a PNG, without a browser or Grafana: a Vega-Lite spec
// (time series: a line per series with a legend; stat: a big number, tiles or bars), compiled
// by vega-lite, drawn to SVG by headless vega, rasterised by resvg with the DejaVu fonts from
// npm (the host's fonts are neither needed nor used: the same PNG everywhere).
import * as path from "node:path";
import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";
import type * as Vega from "vega";
import type * as VegaLite from "vega-lite/build/index";
import { legendOf, type Panel, type ValueMapping } from "./panels";
import type { RangeSeries } from "./prometheus";

export const FONT = "DejaVu Sans";
const WIDTH = 760;
const localRequire = createRequire(__filename);

// vega and vega-lite are ES modules that require() cannot load: see esm-import.mjs.
const { importEsm } = localRequire("./esm-import.mjs") as { importEsm: (specifier: string) => Promise<unknown> };
let libs: Promise<{ vega: typeof Vega; vl: typeof VegaLite }> | undefined;
function loadLibs() {
  libs ??= Promise.all([importEsm("vega"), importEsm("vega-lite")]).then(([vega, vl]) => ({ vega: vega as typeof Vega, vl: vl as typeof VegaLite }));
  return libs;
}

/** The TrueType files resvg draws text with (it reads no WOFF, so no @fontsource). */
export function fontFiles(): string[] {
  const dir = path.join(path.dirname(localRequire.resolve("dejavu-fonts-ttf/package.json")), "ttf");
  return ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((f) => path.join(dir, f));
}

/** A named series of finite samples: [unix ms, value]. */
export interface Series { name: string; points: [number, number][] }

/** Query results (one list of series per query, in the panel's order) as named series. */
export function seriesOf(panel: Panel, results: RangeSeries[][]): Series[] {
  return results.flatMap((result, i) => result.map((s) => ({
    name: legendOf(panel.queries[i]?.legendFormat ?? "", s.metric),
    points: s.values.map(([t, v]): [number, number] => [t * 1000, Number(v)]).filter(([, v]) => Number.isFinite(v)),
  }))).filter((s) => s.points.length > 0);
}

// Grafana's named colours, as its default theme draws them.
const COLORS: Record<string, string> = {
  green: "#56A64B", "dark-green": "#37872D", yellow: "#F2CC0C", orange: "#FF9830", red: "#E02F44",
  "dark-red": "#C4162A", blue: "#3274D9", purple: "#A352CC", text: "#333333",
};
const colorOf = (c: string | undefined) => (c ? COLORS[c] ?? c : "#3274D9");

const sig = (v: number) => String(Number(v.toPrecision(3)));
function si(v: number, suffix: string): string {
  for (const [f, p] of [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]] as const) {
    if (Math.abs(v) >= f) return `${sig(v / f)} ${p}${suffix}`;
  }
  return suffix ? `${sig(v)} ${suffix}` : sig(v);
}
function duration(seconds: number): string {
  const a = Math.abs(seconds);
  if (a === 0) return "0 s";
  if (a < 1) return `${sig(seconds * 1000)} ms`;
  if (a < 120) return `${sig(seconds)} s`;
  if (a < 7200) return `${sig(seconds / 60)} min`;
  return a < 172800 ? `${sig(seconds / 3600)} h` : `${sig(seconds / 86400)} d`;
}

/** A value as the panel's unit shows it: 1.2 kB/s, 35 ms, 87 %, OK. */
export function formatValue(v: number, unit: string, mappings: ValueMapping[] = []): string {
  const m = mappings.find((x) => x.value === v);
  if (m) return m.text;
  switch (unit) {
    case "s": return duration(v);
    case "ms": return duration(v / 1000);
    case "bytes": case "decbytes": return si(v, "B");
    case "Bps": case "binBps": return si(v, "B/s");
    case "ops": return si(v, "ops/s");
    case "reqps": return si(v, "req/s");
    case "percentunit": return `${sig(v * 100)} %`;
    case "percent": return `${sig(v)} %`;
    default: return si(v, "");
  }
}

/** The y axis: its title and d3 number format for the unit. */
function axisOf(unit: string): { title: string | null; format: string } {
  switch (unit) {
    case "s": return { title: "seconds", format: "~g" };
    case "ms": return { title: "milliseconds", format: "~g" };
    case "bytes": case "decbytes": return { title: "bytes", format: "~s" };
    case "Bps": case "binBps": return { title: "bytes/s", format: "~s" };
    case "ops": return { title: "per second", format: "~s" };
    case "reqps": return { title: "requests/s", format: "~s" };
    case "percentunit": return { title: null, format: ".0%" };
    case "percent": return { title: "%", format: "~g" };
    default: return { title: null, format: "~s" };
  }
}

// Each tick formatted on its own: an axis-wide "~s" gives every tick the largest one's prefix ("0k").
const tickLabel = (format: string) => `format(datum.value, '${format}')`;
const title = (panel: Panel) => ({ text: panel.title, anchor: "start" as const, fontSize: 16, offset: 12 });
const config = { font: FONT, background: "white", view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11 } };

/** Unix ms, both ends: the time the panel covers. */
export interface TimeRange { start: number; end: number }

/** Ticks at a round step giving ~8 of them over the range, in a format that tells them apart. */
function timeTicks(r: TimeRange) {
  const steps = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  const step = (steps.find((s) => s >= (r.end - r.start) / 1000 / 8) ?? 86400) * 1000;
  // Explicit values: vega's own interval ticks are named differently from vega-lite's types.
  const values: number[] = [];
  for (let t = Math.ceil(r.start / step) * step; t <= r.end; t += step) values.push(t);
  const format = step < 60_000 ? "%H:%M:%S" : step < 86_400_000 ? "%H:%M" : "%b %d";
  return { values, format };
}

function timeseriesSpec(panel: Panel, series: Series[], range?: TimeRange): VegaLite.TopLevelSpec {
  const rows = series.flatMap((s) => s.points.map(([t, v]) => ({ t, v, series: s.name })));
  const r = range ?? { start: Math.min(...rows.map((x) => x.t)), end: Math.max(...rows.map((x) => x.t)) };
  const axis = axisOf(panel.unit);
  // Vega without a canvas estimates text at ~0.8 em per character: columns as wide as that.
  const longest = Math.max(...series.map((s) => s.name.length));
  const columns = Math.max(1, Math.min(4, series.length, Math.floor(WIDTH / (longest * 9 + 40))));
  return {
    title: title(panel), width: WIDTH, height: 240, padding: 12, config,
    data: { values: rows },
    mark: { type: "line", strokeWidth: 1.5, interpolate: "linear", point: rows.length <= 2 * series.length },
    encoding: {
      x: { field: "t", type: "temporal", title: null, scale: { domain: [r.start, r.end] }, axis: { ...timeTicks(r), grid: true, labelOverlap: true } },
      y: { field: "v", type: "quantitative", title: axis.title, axis: { labelExpr: tickLabel(axis.format), tickCount: 6 } },
      color: {
        field: "series", type: "nominal", title: null, sort: series.map((s) => s.name),
        // Past ten series tableau10 repeats its colours.
        scale: { scheme: series.length > 10 ? "category20" : "tableau10" },
        legend: { orient: "bottom", columns, labelLimit: WIDTH, symbolType: "stroke", symbolStrokeWidth: 3 },
      },
    },
  };
}

function statSpec(panel: Panel, series: Series[]): VegaLite.TopLevelSpec {
  const rows = series.map((s) => {
    const v = s.points[s.points.length - 1][1]; // Grafana's default reduction: the last value
    const m = panel.mappings.find((x) => x.value === v);
    return { series: s.name, v, label: formatValue(v, panel.unit, panel.mappings), color: colorOf(m?.color) };
  });
  if (rows.length === 1) {
    // One value: the big number, its series' name under it.
    return {
      title: title(panel), width: WIDTH, height: 130, padding: 12, config, data: { values: rows },
      layer: [
        { mark: { type: "text", fontSize: 56, fontWeight: "bold", baseline: "middle" }, encoding: { text: { field: "label" }, color: { field: "color", type: "nominal", scale: null }, x: { value: WIDTH / 2 }, y: { value: 55 } } },
        { mark: { type: "text", fontSize: 13, color: "#555555", baseline: "middle" }, encoding: { text: { field: "series" }, x: { value: WIDTH / 2 }, y: { value: 112 } } },
      ],
    };
  }
  // Names on the left, as wide as vega estimates them (~0.8 em a character), the rest for the bars.
  const labels = Math.min(WIDTH / 2, Math.max(...rows.map((r) => r.series.length)) * 10 + 10);
  const y = { field: "series", type: "nominal" as const, title: null, sort: null, axis: { labelLimit: labels, labelFontSize: 12, ticks: false, domain: false } };
  const height = Math.max(60, rows.length * 30);
  const width = WIDTH - labels;
  if (panel.mappings.length > 0) {
    // Words (OK, WARN...): a coloured tile per series, the word on it.
    return {
      title: title(panel), width, height, padding: 12, config, data: { values: rows },
      encoding: { y },
      layer: [
        { mark: { type: "bar", cornerRadius: 3 }, encoding: { x: { datum: 1, type: "quantitative", scale: { domain: [0, 1] }, axis: null }, color: { field: "color", type: "nominal", scale: null } } },
        { mark: { type: "text", fontSize: 14, fontWeight: "bold", color: "white" }, encoding: { x: { datum: 0.5, type: "quantitative" }, text: { field: "label" } } },
      ],
    };
  }
  // Numbers: a bar per series, the value at its end.
  const axis = axisOf(panel.unit);
  return {
    title: title(panel), width, height, padding: 12, config, data: { values: rows },
    encoding: {
      y,
      x: {
        field: "v", type: "quantitative", title: axis.title, scale: { domainMin: 0, nice: true },
        // Counts (brokers, partitions) get no 0.5 ticks.
        axis: { labelExpr: tickLabel(axis.format), tickCount: 5, tickMinStep: rows.every((r) => Number.isInteger(r.v)) ? 1 : undefined },
      },
    },
    layer: [
      { mark: { type: "bar", color: "#3274D9", cornerRadius: 2 } },
      { mark: { type: "text", align: "left", dx: 6, fontSize: 13, fontWeight: "bold" }, encoding: { text: { field: "label" } } },
    ],
  };
}

function noDataSpec(panel: Panel, why: string): VegaLite.TopLevelSpec {
  return {
    title: title(panel), width: WIDTH, height: 100, padding: 12, config, data: { values: [{ why }] },
    mark: { type: "text", fontSize: 18, color: "#888888" },
    encoding: { text: { field: "why" }, x: { value: WIDTH / 2 }, y: { value: 50 } },
  };
}

/** The Vega-Lite spec of a panel: time series as lines, "stat" panels as their last values. */
export function panelSpec(panel: Panel, results: RangeSeries[][], range?: TimeRange): VegaLite.TopLevelSpec {
  const series = seriesOf(panel, results);
  if (series.length === 0) return noDataSpec(panel, "No data");
  return panel.type === "stat" ? statSpec(panel, series) : timeseriesSpec(panel, series, range);
}

/** A Vega-Lite spec as SVG, drawn by headless vega (no canvas: text widths are estimated). */
export async function specToSvg(spec: VegaLite.TopLevelSpec): Promise<string> {
  const { vega, vl } = await loadLibs();
  // vega logs an error, then throws a consequence of it: keep the first, say that one.
  const errors: string[] = [];
  const logger = vega.logger(vega.Error, undefined, (_method, _level, args) => {
    errors.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(" "));
  });
  let view: Vega.View | undefined;
  try {
    view = new vega.View(vega.parse(vl.compile(spec, { logger }).spec), { renderer: "none", logger });
    return await view.toSVG();
  } catch (e) {
    throw new Error(errors[0] ?? (e as Error).message);
  } finally {
    view?.finalize();
  }
}

/** SVG to PNG, at `scale` (2: sharp on a high-density screen). */
export function svgToPng(svg: string, scale = 1.5): Buffer {
  const r = new Resvg(svg, {
    background: "white", fitTo: { mode: "zoom", value: scale },
    font: { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  return r.render().asPng();
}

/**
 * One panel's query_range results (one list per query) as a PNG; no series draws "No data",
 * `message` replaces the chart (a failed query). `range` is the queried time (default: the data's).
 */
export async function renderPanel(panel: Panel, results: RangeSeries[][], opts: { scale?: number; message?: string; range?: TimeRange } = {}): Promise<Buffer> {
  const spec = opts.message ? noDataSpec(panel, opts.message) : panelSpec(panel, results, opts.range);
  return svgToPng(await specToSvg(spec), opts.scale);
}
