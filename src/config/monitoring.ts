// The monitoring block of a stack: lag exporter, Prometheus, JMX agent, Grafana, alert
// thresholds. Pure; problems are added to the shared Issues like every other key.
import { Issues, NS } from "./issues";
import type { MonitoringSpec } from "../model/spec";

export const DEFAULT_IMAGES = { lagExporter: "kafka-platform/lag-exporter:0.1.0", prometheus: "kafka-platform/prometheus:2.42.0" } as const;

export function parseMonitoring(issues: Issues, v: unknown): MonitoringSpec | undefined {
  const w = `${NS}:monitoring`;
  const o = issues.object(w, v ?? {}, ["enabled", "jmx", "lagExporter", "prometheus", "grafana", "alerts"]);
  if (!o) return undefined;
  const enabled = issues.bool(`${w}.enabled`, o.enabled ?? true);
  const jmx = issues.bool(`${w}.jmx`, o.jmx ?? true);

  const le = issues.object(`${w}.lagExporter`, o.lagExporter ?? {}, ["image", "pollIntervalSeconds", "windowSize"]) ?? {};
  const lagExporter = {
    image: issues.str(`${w}.lagExporter.image`, le.image ?? DEFAULT_IMAGES.lagExporter),
    pollIntervalSeconds: issues.int(`${w}.lagExporter.pollIntervalSeconds`, le.pollIntervalSeconds ?? 5, 1, 3600),
    windowSize: issues.int(`${w}.lagExporter.windowSize`, le.windowSize ?? 10, 2, 100),
  };
  const pr = issues.object(`${w}.prometheus`, o.prometheus ?? {}, ["image", "scrapeIntervalSeconds", "retentionDays"]) ?? {};
  const prometheus = {
    image: issues.str(`${w}.prometheus.image`, pr.image ?? DEFAULT_IMAGES.prometheus),
    scrapeIntervalSeconds: issues.int(`${w}.prometheus.scrapeIntervalSeconds`, pr.scrapeIntervalSeconds ?? 10, 1, 600),
    retentionDays: issues.int(`${w}.prometheus.retentionDays`, pr.retentionDays ?? 7, 1, 3650),
  };
  let grafana: { image: string } | undefined;
  if (o.grafana !== undefined) {
    const g = issues.object(`${w}.grafana`, o.grafana, ["image"]);
    const image = g ? issues.str(`${w}.grafana.image`, g.image, /^\S+$/, "an image reference, e.g. grafana/grafana:11.3.0") : undefined;
    grafana = image ? { image } : undefined;
  }
  const al = issues.object(`${w}.alerts`, o.alerts ?? {}, ["lagRecords", "lagSeconds", "certificateExpiryDays", "forSeconds"]) ?? {};
  const alerts = {
    lagRecords: issues.int(`${w}.alerts.lagRecords`, al.lagRecords ?? 1000, 1, Number.MAX_SAFE_INTEGER),
    lagSeconds: issues.int(`${w}.alerts.lagSeconds`, al.lagSeconds ?? 300, 1, 30 * 86400),
    certificateExpiryDays: issues.int(`${w}.alerts.certificateExpiryDays`, al.certificateExpiryDays ?? 21, 1, 3650),
    forSeconds: issues.int(`${w}.alerts.forSeconds`, al.forSeconds ?? 60, 0, 86400),
  };
  const si = prometheus.scrapeIntervalSeconds;
  if (si !== undefined && alerts.forSeconds !== undefined && alerts.forSeconds > 0 && alerts.forSeconds < si) {
    issues.add(`${w}.alerts.forSeconds`, `${alerts.forSeconds} is shorter than one scrape (prometheus.scrapeIntervalSeconds ${si}): an alert could fire on one sample`);
  }
  const all = [enabled, jmx, ...Object.values(lagExporter), ...Object.values(prometheus), ...Object.values(alerts)];
  if (all.some((x) => x === undefined) || (o.grafana !== undefined && !grafana)) return undefined;
  return { enabled: enabled!, jmx: jmx!, lagExporter, prometheus, ...(grafana ? { grafana } : {}), alerts } as MonitoringSpec;
}

