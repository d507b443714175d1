// The Grafana dashboards in dashboards/*.json as a flat list of panels with runnable PromQL:
// template variables become ".*" (every dashboard matches them with =~), Grafana's
// $__rate_interval becomes a fixed window. Pure apart from reading the files.
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../repo-root";

export const DASHBOARDS = ["cluster-overview", "consumer-lag"] as const;
export type DashboardName = (typeof DASHBOARDS)[number];

export interface PanelQuery {
  refId: string;
  /** PromQL with the variables substituted. */
  expr: string;
  /** As written in the file, variables and all. */
  rawExpr: string;
  /** Grafana's "{{label}}" template; "" means "the series' labels". */
  legendFormat: string;
}

/** A Grafana value mapping: a number shown as a word, in a colour. */
export interface ValueMapping {
  value: number;
  text: string;
  color?: string;
}

export interface Panel {
  dashboard: DashboardName;
  /** 1-based position among the dashboard's panels (rows not counted). */
  index: number;
  title: string;
  /** Grafana unit id ("short", "s", "ms", "bytes", "Bps", "percentunit"...); "" when missing. */
  unit: string;
  type: string;
  queries: PanelQuery[];
  mappings: ValueMapping[];
}

/** The part of Grafana's dashboard model these tools read. */
export interface DashboardJson {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  templating?: { list?: TemplateVar[] };
  panels?: PanelJson[];
}
export interface TemplateVar {
  name: string;
  type: string;
  query?: unknown;
  datasource?: unknown;
}
export interface PanelJson {
  type?: string;
  title?: string;
  datasource?: unknown;
  panels?: PanelJson[];
  fieldConfig?: { defaults?: { unit?: string; mappings?: MappingJson[] } };
  targets?: { refId?: string; expr?: string; legendFormat?: string; datasource?: unknown }[];
}
interface MappingJson {
  type?: string;
  options?: Record<string, { text?: string; color?: string }>;
}

export class DashboardFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DashboardFileError";
  }
}

export function dashboardPath(name: DashboardName): string {
  return path.join(REPO_ROOT, "dashboards", `${name}.json`);
}

export function loadDashboard(name: DashboardName): DashboardJson {
  const file = dashboardPath(name);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as DashboardJson;
  } catch (e) {
    throw new DashboardFileError(`cannot read dashboard ${path.relative(REPO_ROOT, file)}: ${(e as Error).message}`);
  }
}

/** Panels in display order: rows dropped, a collapsed row's own panels in its place. */
export function flatPanels(d: DashboardJson): PanelJson[] {
  return (d.panels ?? []).flatMap((p) => (p.type === "row" ? p.panels ?? [] : [p]));
}

/** Replaces every $var, ${var}, ${var:fmt} and [[var]] in `expr`; unknown names stay as written. */
export function substitute(expr: string, values: Record<string, string>): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (all, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c)!;
    return Object.hasOwn(values, name) ? values[name] : all;
  });
}

function mappingsOf(p: PanelJson): ValueMapping[] {
  return (p.fieldConfig?.defaults?.mappings ?? [])
    .filter((m) => m.type === "value")
    .flatMap((m) => Object.entries(m.options ?? {}).map(([v, o]) => ({ value: Number(v), text: o.text ?? v, color: o.color })));
}

/**
 * Every panel of the named dashboards (default: all). Query variables match everything (".*"),
 * as Grafana's "All" does; `rateInterval` stands for $__rate_interval (default 1m: four
 * scrapes at the platform's default 10 s interval, plus margin).
 */
export function loadPanels(opts: { dashboards?: readonly DashboardName[]; rateInterval?: string } = {}): Panel[] {
  return (opts.dashboards ?? DASHBOARDS).flatMap((dashboard) => {
    const d = loadDashboard(dashboard);
    const values: Record<string, string> = { __rate_interval: opts.rateInterval ?? "1m" };
    for (const v of d.templating?.list ?? []) if (v.type !== "datasource") values[v.name] = ".*";
    return flatPanels(d).map((p, i): Panel => ({
      dashboard, index: i + 1, title: p.title ?? "", unit: p.fieldConfig?.defaults?.unit ?? "", type: p.type ?? "",
      queries: (p.targets ?? []).filter((t) => t.expr).map((t, j) => ({
        refId: t.refId ?? String.fromCharCode(65 + j), rawExpr: t.expr!, expr: substitute(t.expr!, values), legendFormat: t.legendFormat ?? "",
      })),
      mappings: mappingsOf(p),
    }));
  });
}

/** "05-under-replicated-partitions": the panel's file name, without extension. */
export function panelSlug(p: Panel): string {
  const words = p.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return `${String(p.index).padStart(2, "0")}-${words || "untitled"}`;
}

/** Grafana's legend: "{{topic}}/{{partition}}" filled from the labels; "" = all labels, {a="b"}. */
export function legendOf(format: string, labels: Record<string, string>): string {
  if (format && format !== "__auto") return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => labels[k] ?? "");
  const { __name__: name, ...rest } = labels;
  const inner = Object.entries(rest).map(([k, v]) => `${k}="${v}"`).join(", ");
  return inner ? `${name ?? ""}{${inner}}` : name ?? "value";
}
