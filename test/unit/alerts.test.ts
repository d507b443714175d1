// The stack's Prometheus files, checked by the promtool of the Prometheus we deploy: the rendered
// scrape config and rules are valid, and every alert both fires on the condition it names and
// stays quiet when things are fine (`promtool test rules`, series in, alerts out).
import { describe, expect, it } from "vitest";
import * as YAML from "yaml";
import { alertRules, renderAlertRules, renderPrometheusConfig } from "../../src/model/monitoring";
import type { EstateSpec } from "../../src/model/spec";
import { promtool } from "../support/promtool";

const spec = {
  name: "kp-unit", stack: "unit",
  kafka: { brokers: 3 }, zookeeper: { replicas: 3 },
  monitoring: {
    enabled: true, jmx: true,
    lagExporter: { image: "x", pollIntervalSeconds: 5, windowSize: 10 },
    prometheus: { image: "x", scrapeIntervalSeconds: 10, retentionDays: 7 },
    alerts: { lagRecords: 1000, lagSeconds: 300, certificateExpiryDays: 21, forSeconds: 60 },
  },
  // A site mirroring from 'east': its MirrorMaker is scraped, and east's heartbeats must keep arriving.
  mirror: { flows: [{ source: "east", policy: "prefix", intervals: { heartbeatSeconds: 1 } }] },
} as unknown as EstateSpec;

type Labels = Record<string, string>;
interface Case { alert: string; fires: boolean; series: { series: string; values: string }[]; labels?: Labels[]; values?: number[]; evalTime?: string }

const exp = (s: string, labels: Labels) => `${s}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",")}}`;
const le = { job: "lag-exporter", instance: "kp-unit-lag-exporter-0:8000" };
const broker = (i: number) => ({ job: "kafka", instance: `kp-unit-kafka-${i}:7071` });
const group = { ...le, consumergroup: "billing", topic: "orders" };
const mm = { job: "mirrormaker", instance: "kp-unit-mirrormaker-0:7071" };
const beats = { ...le, topic: "east.heartbeats", partition: "0" };
const at600 = 600; // eval_time 10m, in seconds: what time() returns there

// Per alert: a series that should fire it (with the alert's labels and $value) and one that should not.
const cases: Case[] = [
  { alert: "KafkaBrokersMissing", fires: true, series: [{ series: exp("kafka_brokers", le), values: "2x60" }], labels: [le], values: [2] },
  { alert: "KafkaBrokersMissing", fires: false, series: [{ series: exp("kafka_brokers", le), values: "3x60" }] },
  { alert: "KafkaConsumerLagHigh", fires: true, series: [{ series: exp("kafka_consumergroup_lag_sum", group), values: "1500x60" }], labels: [group], values: [1500] },
  { alert: "KafkaConsumerLagHigh", fires: false, series: [{ series: exp("kafka_consumergroup_lag_sum", group), values: "1000x60" }] },
  // Over the threshold for less than `for`: not yet.
  { alert: "KafkaConsumerLagHigh", fires: false, series: [{ series: exp("kafka_consumergroup_lag_sum", group), values: "0x56 5000x3" }] },
  { alert: "KafkaConsumerTimeLagHigh", fires: true, series: [{ series: exp("kafka_consumergroup_lag_seconds_max", { ...le, consumergroup: "billing" }), values: "400x60" }], labels: [{ ...le, consumergroup: "billing" }], values: [400] },
  { alert: "KafkaConsumerTimeLagHigh", fires: false, series: [{ series: exp("kafka_consumergroup_lag_seconds_max", { ...le, consumergroup: "billing" }), values: "299x60" }] },
  { alert: "KafkaConsumerGroupStatus", fires: true, series: [{ series: exp("kafka_consumergroup_status", { ...le, consumergroup: "billing" }), values: "4x60" }], labels: [{ ...le, consumergroup: "billing" }], values: [4] },
  { alert: "KafkaConsumerGroupStatus", fires: false, series: [{ series: exp("kafka_consumergroup_status", { ...le, consumergroup: "billing" }), values: "2x60" }] },
  { alert: "KafkaCertificateExpiring", fires: true, series: [{ series: exp("kafka_platform_certificate_expiry_timestamp_seconds", { ...le, certificate: "ca" }), values: `${at600 + 10 * 86400}x60` }], labels: [{ ...le, certificate: "ca" }], values: [10 * 86400] },
  { alert: "KafkaCertificateExpiring", fires: false, series: [{ series: exp("kafka_platform_certificate_expiry_timestamp_seconds", { ...le, certificate: "ca" }), values: `${at600 + 30 * 86400}x60` }] },
  { alert: "LagExporterDown", fires: true, series: [{ series: exp("up", le), values: "0x60" }], labels: [le], values: [0] },
  // Never scraped at all: absent() fires, labelled with the job.
  { alert: "LagExporterDown", fires: true, series: [{ series: exp("up", broker(0)), values: "1x60" }], labels: [{ job: "lag-exporter" }], values: [1] },
  { alert: "LagExporterDown", fires: false, series: [{ series: exp("up", le), values: "1x60" }] },
  { alert: "LagExporterStale", fires: true, series: [{ series: exp("kafka_exporter_seconds_since_last_good_poll", le), values: "120x60" }], labels: [le], values: [120] },
  { alert: "LagExporterStale", fires: true, series: [{ series: exp("kafka_exporter_seconds_since_last_good_poll", le), values: "-1x60" }], labels: [le], values: [-1] },
  { alert: "LagExporterStale", fires: false, series: [{ series: exp("kafka_exporter_seconds_since_last_good_poll", le), values: "4x60" }] },
  { alert: "KafkaOfflinePartitions", fires: true, series: [0, 1, 2].map((i) => ({ series: exp("kafka_controller_kafkacontroller_offlinepartitionscount", broker(i)), values: i === 1 ? "3x60" : "0x60" })), labels: [{}], values: [3] },
  { alert: "KafkaOfflinePartitions", fires: false, series: [0, 1, 2].map((i) => ({ series: exp("kafka_controller_kafkacontroller_offlinepartitionscount", broker(i)), values: "0x60" })) },
  { alert: "KafkaUnderReplicatedPartitions", fires: true, series: [0, 1].map((i) => ({ series: exp("kafka_server_replicamanager_underreplicatedpartitions", broker(i)), values: "2x60" })), labels: [{}], values: [4] },
  { alert: "KafkaUnderReplicatedPartitions", fires: false, series: [0, 1].map((i) => ({ series: exp("kafka_server_replicamanager_underreplicatedpartitions", broker(i)), values: "0x60" })) },
  { alert: "KafkaUnderMinIsrPartitions", fires: true, series: [{ series: exp("kafka_server_replicamanager_underminisrpartitioncount", broker(0)), values: "1x60" }], labels: [{}], values: [1] },
  { alert: "KafkaUnderMinIsrPartitions", fires: false, series: [{ series: exp("kafka_server_replicamanager_underminisrpartitioncount", broker(0)), values: "0x60" }] },
  { alert: "KafkaActiveControllers", fires: true, series: [0, 1, 2].map((i) => ({ series: exp("kafka_controller_kafkacontroller_activecontrollercount", broker(i)), values: "0x60" })), labels: [{}], values: [0] },
  { alert: "KafkaActiveControllers", fires: true, series: [0, 1, 2].map((i) => ({ series: exp("kafka_controller_kafkacontroller_activecontrollercount", broker(i)), values: i < 2 ? "1x60" : "0x60" })), labels: [{}], values: [2] },
  { alert: "KafkaActiveControllers", fires: false, series: [0, 1, 2].map((i) => ({ series: exp("kafka_controller_kafkacontroller_activecontrollercount", broker(i)), values: i === 2 ? "1x60" : "0x60" })) },
  { alert: "KafkaBrokerScrapeFailed", fires: true, series: [{ series: exp("up", broker(1)), values: "0x60" }], labels: [broker(1)], values: [0] },
  { alert: "KafkaBrokerScrapeFailed", fires: false, series: [{ series: exp("up", broker(1)), values: "1x60" }] },
  { alert: "ZooKeeperScrapeFailed", fires: true, series: [{ series: exp("up", { job: "zookeeper", instance: "kp-unit-zookeeper-0:7071" }), values: "0x60" }], labels: [{ job: "zookeeper", instance: "kp-unit-zookeeper-0:7071" }], values: [0] },
  { alert: "ZooKeeperScrapeFailed", fires: false, series: [{ series: exp("up", { job: "zookeeper", instance: "kp-unit-zookeeper-0:7071" }), values: "1x60" }] },
  // Heartbeats from east stop arriving (the end offset stands still for the 60 s window), or never did.
  { alert: "MirrorReplicationStalled", fires: true, series: [{ series: exp("kafka_topic_partition_current_offset", beats), values: "0+1x30 30x30" }], labels: [{ topic: "east.heartbeats" }], values: [0] },
  { alert: "MirrorReplicationStalled", fires: true, series: [{ series: exp("kafka_topic_partition_current_offset", { ...beats, topic: "orders" }), values: "0+1x60" }], labels: [{ topic: "east.heartbeats" }], values: [1] },
  { alert: "MirrorReplicationStalled", fires: false, series: [{ series: exp("kafka_topic_partition_current_offset", beats), values: "0+1x60" }] },
  { alert: "MirrorMakerDown", fires: true, series: [{ series: exp("up", mm), values: "0x60" }], labels: [mm], values: [0] },
  { alert: "MirrorMakerDown", fires: true, series: [{ series: exp("up", le), values: "1x60" }], labels: [{ job: "mirrormaker" }], values: [1] },
  { alert: "MirrorMakerDown", fires: false, series: [{ series: exp("up", mm), values: "1x60" }] },
];

/** The alert's annotations as Prometheus expands them, for the labels and value given. */
function annotations(alert: string, labels: Labels, value: number): Labels {
  const rule = alertRules(spec).find((r) => r.alert === alert)!;
  const expand = (t: string) => t.replace(/\{\{ \$value \}\}/g, String(value)).replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, k) => labels[k] ?? "");
  return { summary: expand(rule.annotations.summary), description: expand(rule.annotations.description) };
}

describe("Prometheus files of a stack", () => {
  const rules = renderAlertRules(spec);
  const config = renderPrometheusConfig(spec).replace("/etc/prometheus/alerts.yml", "alerts.yml");

  it("are valid for the Prometheus we deploy (promtool check config / check rules)", () => {
    const r = promtool(["check", "config", "prometheus.yml"], { "prometheus.yml": config, "alerts.yml": rules });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`SUCCESS: ${alertRules(spec).length} rules found`);
  }, 60_000);

  it("scrape the exporter, every broker's and ZooKeeper member's JMX agent, and Prometheus itself", () => {
    const jobs = (YAML.parse(config).scrape_configs as { job_name: string; static_configs: { targets: string[] }[] }[])
      .map((j) => `${j.job_name}: ${j.static_configs[0].targets.join(" ")}`);
    expect(jobs).toEqual([
      "lag-exporter: kp-unit-lag-exporter-0:8000",
      "kafka: kp-unit-kafka-0:7071 kp-unit-kafka-1:7071 kp-unit-kafka-2:7071",
      "zookeeper: kp-unit-zookeeper-0:7071 kp-unit-zookeeper-1:7071 kp-unit-zookeeper-2:7071",
      "mirrormaker: kp-unit-mirrormaker-0:7071",
      "prometheus: localhost:9090",
    ]);
  });

  it("test every alert firing and not firing (promtool test rules)", () => {
    const names = alertRules(spec).map((r) => r.alert);
    // Each alert has a case of each kind: a new alert needs its tests.
    for (const n of names) expect([n, cases.filter((c) => c.alert === n && c.fires).length > 0, cases.filter((c) => c.alert === n && !c.fires).length > 0]).toEqual([n, true, true]);
    const tests = cases.map((c) => ({
      interval: "10s",
      input_series: c.series,
      alert_rule_test: [{
        eval_time: c.evalTime ?? "10m",
        alertname: c.alert,
        exp_alerts: c.fires
          ? c.labels!.map((l, i) => ({ exp_labels: { ...l, severity: alertRules(spec).find((r) => r.alert === c.alert)!.labels.severity }, exp_annotations: annotations(c.alert, l, c.values![i]) }))
          : [],
      }],
    }));
    const r = promtool(["test", "rules", "tests.yml"], { "alerts.yml": rules, "tests.yml": YAML.stringify({ rule_files: ["alerts.yml"], evaluation_interval: "10s", tests }) });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("SUCCESS");
  }, 60_000);

  it("leave out the JMX-based alerts and scrapes when the JMX agent is off", () => {
    const noJmx = { ...spec, monitoring: { ...spec.monitoring, jmx: false } } as EstateSpec;
    expect(alertRules(noJmx).map((r) => r.alert)).not.toContain("KafkaUnderReplicatedPartitions");
    expect(renderPrometheusConfig(noJmx)).not.toContain(":7071");
  });
});
