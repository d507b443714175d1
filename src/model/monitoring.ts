// What the monitoring nodes read: the lag exporter's config, Prometheus' scrape config and alert
// rules. Pure and deterministic: the same spec renders the same bytes, so an unchanged stack
// never restarts its Prometheus.
import * as YAML from "yaml";
import type { EstateSpec } from "./spec";
import { MONITORING_FILES, PORTS } from "./layout";
import { nodeName } from "./naming";

type Spec = Pick<EstateSpec, "name" | "stack" | "kafka" | "zookeeper" | "monitoring"> & Partial<Pick<EstateSpec, "mirror">>;

export const JOBS = { kafka: "kafka", zookeeper: "zookeeper", mirrorMaker: "mirrormaker", lagExporter: "lag-exporter", prometheus: "prometheus" } as const;

const mirrors = (spec: Spec) => spec.mirror?.flows ?? [];

/** The exporter's config.json (no secrets: those are a separate, mounted file). */
export function renderExporterConfig(
  spec: Spec, bootstrapServers: string[], secure: boolean, certificates?: Record<string, string>,
): string {
  const m = spec.monitoring.lagExporter;
  const config = {
    bootstrapServers,
    pollIntervalSeconds: m.pollIntervalSeconds,
    windowSize: m.windowSize,
    port: PORTS.lagExporter,
    ...(secure ? { caFile: MONITORING_FILES.exporterCa, credentialsFile: MONITORING_FILES.exporterCredentials } : {}),
    ...(certificates ? { certificates: Object.fromEntries(Object.entries(certificates).sort(([a], [b]) => a.localeCompare(b))) } : {}),
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

const nodes = (spec: Spec, role: "kafka" | "zookeeper", n: number, port: number) =>
  Array.from({ length: n }, (_, i) => `${nodeName(spec, role, i)}:${port}`);

export function renderPrometheusConfig(spec: Spec): string {
  const p = spec.monitoring.prometheus;
  const job = (name: string, targets: string[]) => ({ job_name: name, static_configs: [{ targets }] });
  const config = {
    global: { scrape_interval: `${p.scrapeIntervalSeconds}s`, evaluation_interval: `${p.scrapeIntervalSeconds}s`, external_labels: { stack: spec.stack } },
    rule_files: [MONITORING_FILES.prometheusRules],
    scrape_configs: [
      job(JOBS.lagExporter, [`${nodeName(spec, "lag-exporter", 0)}:${PORTS.lagExporter}`]),
      ...(spec.monitoring.jmx
        ? [job(JOBS.kafka, nodes(spec, "kafka", spec.kafka.brokers, PORTS.jmxMetrics)), job(JOBS.zookeeper, nodes(spec, "zookeeper", spec.zookeeper.replicas, PORTS.jmxMetrics))]
        : []),
      ...(spec.monitoring.jmx && mirrors(spec).length > 0 ? [job(JOBS.mirrorMaker, [`${nodeName(spec, "mirrormaker", 0)}:${PORTS.jmxMetrics}`])] : []),
      job(JOBS.prometheus, [`localhost:${PORTS.prometheus}`]),
    ],
  };
  return `# Rendered by kafka-platform for stack ${spec.stack}; edits are overwritten by the next up.\n${YAML.stringify(config)}`;
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: "critical" | "warning" };
  annotations: { summary: string; description: string };
}

/** Every alert the stack ships, with its thresholds from config. */
export function alertRules(spec: Spec): AlertRule[] {
  const a = spec.monitoring.alerts;
  const forD = `${a.forSeconds}s`;
  // Data older than three polls (and at least a minute) means the exporter is stuck.
  const staleAfter = Math.max(60, 3 * spec.monitoring.lagExporter.pollIntervalSeconds);
  const rule = (alert: string, severity: AlertRule["labels"]["severity"], expr: string, summary: string, description: string, holdFor: string | undefined = forD): AlertRule =>
    ({ alert, expr, ...(holdFor && holdFor !== "0s" ? { for: holdFor } : {}), labels: { severity }, annotations: { summary, description } });
  const le = JOBS.lagExporter;
  const rules: AlertRule[] = [
    rule("KafkaBrokersMissing", "critical", `kafka_brokers < ${spec.kafka.brokers}`,
      "Fewer brokers than declared", `{{ $value }} of ${spec.kafka.brokers} declared brokers are registered.`),
    rule("KafkaConsumerLagHigh", "warning", `kafka_consumergroup_lag_sum > ${a.lagRecords}`,
      "Consumer group far behind", "Group {{ $labels.consumergroup }} is {{ $value }} records behind on {{ $labels.topic }}."),
    rule("KafkaConsumerTimeLagHigh", "warning", `kafka_consumergroup_lag_seconds_max > ${a.lagSeconds}`,
      "Consumer group reading old records", "Group {{ $labels.consumergroup }}'s oldest unread record is {{ $value }} s old."),
    // ERR (3) and STOP (4): a partition stopped, stalled or rewound. STALL alone makes a group ERR.
    rule("KafkaConsumerGroupStatus", "warning", "kafka_consumergroup_status >= 3",
      "Consumer group stopped, stalled or rewinding", "Group {{ $labels.consumergroup }} has status code {{ $value }} (3 ERR, 4 STOP): see kafka_consumergroup_partition_status."),
    rule("KafkaCertificateExpiring", "warning", `kafka_platform_certificate_expiry_timestamp_seconds - time() < ${a.certificateExpiryDays * 86400}`,
      "Certificate expiring", `Certificate {{ $labels.certificate }} expires in less than ${a.certificateExpiryDays} days: run \`npm run up\` to renew it.`, undefined),
    rule("LagExporterDown", "critical", `up{job="${le}"} == 0 or absent(up{job="${le}"})`,
      "Lag exporter not scraped", "Prometheus cannot scrape the lag exporter: lag and partition alerts are blind."),
    rule("LagExporterStale", "warning", `kafka_exporter_seconds_since_last_good_poll > ${staleAfter} or kafka_exporter_seconds_since_last_good_poll == -1`,
      "Lag exporter data is stale", `The lag exporter has not completed a poll for over ${staleAfter} s; see kafka_exporter_poll_errors_total.`),
  ];
  const flows = mirrors(spec).filter((f) => f.policy === "prefix");
  if (flows.length > 0) {
    // End to end: the source site's MirrorMaker writes a heartbeat there every heartbeat interval,
    // and this site's copies it as `<source>.heartbeats`; its end offset standing still means no
    // record crossed (the link, either MirrorMaker, or the source is down). The exporter reads end offsets.
    const window = Math.max(60, 6 * spec.monitoring.lagExporter.pollIntervalSeconds, ...flows.map((f) => 10 * f.intervals.heartbeatSeconds));
    const topics = flows.map((f) => `${f.source}.heartbeats`);
    const sel = `kafka_topic_partition_current_offset{topic=~"${topics.map((t) => t.replace(/\./g, "\\\\.")).join("|")}"}`;
    const absent = topics.map((t) => ` or absent(kafka_topic_partition_current_offset{topic="${t}"})`).join("");
    rules.push(rule("MirrorReplicationStalled", "critical", `max by (topic) (changes(${sel}[${window}s])) == 0${absent}`,
      "No record arrives from another site",
      `No heartbeat arrived on {{ $labels.topic }} for ${window} s: mirroring from that site has stopped (its site, the link, or a MirrorMaker is down). Run \`npm run dr -- status\`.`));
  }
  if (spec.monitoring.jmx && mirrors(spec).length > 0) {
    rules.push(rule("MirrorMakerDown", "critical", `up{job="${JOBS.mirrorMaker}"} == 0 or absent(up{job="${JOBS.mirrorMaker}"})`,
      "MirrorMaker not scraped", "Prometheus cannot scrape this site's MirrorMaker: nothing is mirrored here and no offsets are checkpointed."));
  }
  if (spec.monitoring.jmx) {
    rules.push(
      rule("KafkaOfflinePartitions", "critical", `sum(kafka_controller_kafkacontroller_offlinepartitionscount) > 0`,
        "Partitions without a leader", "{{ $value }} partitions have no leader: they can be neither written nor read."),
      rule("KafkaUnderReplicatedPartitions", "warning", `sum(kafka_server_replicamanager_underreplicatedpartitions) > 0`,
        "Under-replicated partitions", "{{ $value }} partitions have fewer in-sync replicas than replicas."),
      rule("KafkaUnderMinIsrPartitions", "critical", `sum(kafka_server_replicamanager_underminisrpartitioncount) > 0`,
        "Partitions below min.insync.replicas", "{{ $value }} partitions have fewer in-sync replicas than min.insync.replicas: acks=all writes to them fail."),
      rule("KafkaActiveControllers", "critical", `sum(kafka_controller_kafkacontroller_activecontrollercount) != 1 or absent(kafka_controller_kafkacontroller_activecontrollercount)`,
        "Not exactly one active controller", "{{ $value }} brokers claim to be the active controller (want 1)."),
      rule("KafkaBrokerScrapeFailed", "warning", `up{job="${JOBS.kafka}"} == 0`,
        "Broker metrics unreachable", "Prometheus cannot scrape {{ $labels.instance }}: the broker is down or its JMX agent is."),
      rule("ZooKeeperScrapeFailed", "warning", `up{job="${JOBS.zookeeper}"} == 0`,
        "ZooKeeper metrics unreachable", "Prometheus cannot scrape {{ $labels.instance }}: the member is down or its JMX agent is."),
    );
  }
  return rules;
}

export function renderAlertRules(spec: Spec): string {
  return `# Rendered by kafka-platform for stack ${spec.stack}; thresholds from kafka-platform:monitoring.alerts.\n${YAML.stringify({ groups: [{ name: "kafka-platform", rules: alertRules(spec) }] }, { lineWidth: 0 })}`;
}

/** Grafana's provisioning: the stack's Prometheus as the default data source, and the dashboards folder. */
export function renderGrafanaProvisioning(spec: Pick<EstateSpec, "name" | "stack">): { datasources: string; dashboards: string } {
  const datasources = {
    apiVersion: 1,
    datasources: [{
      name: `Prometheus (${spec.stack})`, uid: "kafka-platform-prometheus", type: "prometheus", access: "proxy",
      url: `http://${nodeName(spec, "prometheus", 0)}:${PORTS.prometheus}`, isDefault: true, editable: false,
    }],
  };
  const dashboards = {
    apiVersion: 1,
    providers: [{ name: "kafka-platform", folder: "Kafka", type: "file", disableDeletion: true, allowUiUpdates: false, options: { path: MONITORING_FILES.grafanaDashboardDir } }],
  };
  return { datasources: YAML.stringify(datasources), dashboards: YAML.stringify(dashboards) };
}
