import * as pulumi from "@pulumi/pulumi";
import type { EstateSpec } from "../model/spec";
import { DATA_DIRS, MONITORING_FILES, PORTS } from "../model/layout";
import { renderAlertRules, renderExporterConfig, renderGrafanaProvisioning, renderPrometheusConfig } from "../model/monitoring";
import { nodeName } from "../model/naming";
import type { NodeFile, Platform } from "../platforms/types";
import { GeneratedSecret } from "./generated-secret";

export interface MonitoringArgs {
  spec: EstateSpec;
  platform: Platform;
  /** host:port list for containers on the stack's network (the client listener on secure stacks). */
  bootstrapServers: string[];
  /** Secure stacks: the CAs to trust and the exporter's identity ({ scram } or { certificate, privateKey }). */
  secure?: { trust: pulumi.Input<string>; credentials: pulumi.Output<object>; certificates: pulumi.Input<Record<string, string>> };
  /** The exporter starts once the cluster serves (and, on secure stacks, its ACLs exist). */
  dependsOn: pulumi.Input<pulumi.Resource>[];
  /** With monitoring.grafana: the dashboards to provision, file name → JSON. */
  dashboards?: Record<string, string>;
}

/** The lag exporter and a Prometheus that scrapes it, the brokers' and ZooKeeper's JMX agents, with the stack's alert rules. */
export class Monitoring extends pulumi.ComponentResource {
  /** Where the exporter's /metrics and Prometheus are reached from the host. */
  readonly lagExporterUrl: pulumi.Output<string>;
  readonly prometheusUrl: pulumi.Output<string>;
  /** With monitoring.grafana: where Grafana is, and its admin password (generated once, secret). */
  readonly grafanaUrl?: pulumi.Output<string>;
  readonly grafanaAdminPassword?: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-platform:index:Monitoring", name, {}, opts);
    const { spec, platform } = args;
    const exporterFiles: NodeFile[] = args.secure
      ? [
          { path: MONITORING_FILES.exporterConfig, content: pulumi.output(args.secure.certificates).apply((c) => renderExporterConfig(spec, args.bootstrapServers, true, c)) },
          { path: MONITORING_FILES.exporterCa, content: args.secure.trust },
          { path: MONITORING_FILES.exporterCredentials, content: pulumi.secret(args.secure.credentials.apply((c) => JSON.stringify(c))), secret: true },
        ]
      : [{ path: MONITORING_FILES.exporterConfig, content: renderExporterConfig(spec, args.bootstrapServers, false) }];
    platform.node(`${name}-lag-exporter`, {
      role: "lag-exporter",
      ordinal: 0,
      hostname: nodeName(spec, "lag-exporter", 0),
      image: spec.monitoring.lagExporter.image,
      args: [MONITORING_FILES.exporterConfig],
      env: {},
      files: exporterFiles,
      stable: false,
      memoryMb: 256,
      ports: [PORTS.lagExporter],
      publish: [PORTS.lagExporter],
      healthcheck: ["node", "/opt/lag-exporter/lag-exporter.js", "--probe", `http://127.0.0.1:${PORTS.lagExporter}/ready`],
    }, this, args.dependsOn);

    const p = spec.monitoring.prometheus;
    const prometheus = platform.node(`${name}-prometheus`, {
      role: "prometheus",
      ordinal: 0,
      hostname: nodeName(spec, "prometheus", 0),
      image: p.image,
      args: [
        `--config.file=${MONITORING_FILES.prometheusConfig}`,
        `--storage.tsdb.path=${DATA_DIRS.prometheus}`,
        `--storage.tsdb.retention.time=${p.retentionDays}d`,
        `--web.listen-address=:${PORTS.prometheus}`,
      ],
      env: {},
      files: [
        { path: MONITORING_FILES.prometheusConfig, content: renderPrometheusConfig(spec) },
        { path: MONITORING_FILES.prometheusRules, content: renderAlertRules(spec) },
      ],
      stable: false,
      data: { path: DATA_DIRS.prometheus.replace(/\/data$/, "") },
      memoryMb: 512,
      ports: [PORTS.prometheus],
      publish: [PORTS.prometheus],
      // Debian's promtool 2.42 has no `check ready`: a query answers once Prometheus serves.
      healthcheck: ["promtool", "query", "instant", `http://127.0.0.1:${PORTS.prometheus}`, "vector(1)"],
      // Beside the exporter, not after it: Prometheus scrapes whatever answers, and waiting for
      // the exporter only lengthened a first deploy.
    }, this, args.dependsOn);

    const grafana = spec.monitoring.grafana;
    if (grafana) {
      const password = new GeneratedSecret(`${name}-grafana-admin-password`, 32, { parent: this }).value;
      const provisioning = renderGrafanaProvisioning(spec);
      platform.node(`${name}-grafana`, {
        role: "grafana",
        ordinal: 0,
        hostname: nodeName(spec, "grafana", 0),
        image: grafana.image,
        args: [],
        // Grafana reads any setting from a file when its variable ends in __FILE: no secret in env.
        env: { GF_SECURITY_ADMIN_PASSWORD__FILE: MONITORING_FILES.grafanaAdminPassword, GF_AUTH_ANONYMOUS_ENABLED: "false", GF_ANALYTICS_REPORTING_ENABLED: "false" },
        files: [
          { path: MONITORING_FILES.grafanaDatasources, content: provisioning.datasources },
          { path: MONITORING_FILES.grafanaDashboards, content: provisioning.dashboards },
          ...Object.entries(args.dashboards ?? {}).map(([file, json]) => ({ path: `${MONITORING_FILES.grafanaDashboardDir}/${file}`, content: json })),
          { path: MONITORING_FILES.grafanaAdminPassword, content: password, secret: true },
        ],
        stable: false,
        memoryMb: 256,
        ports: [PORTS.grafana],
        publish: [PORTS.grafana],
        // The official image (Alpine) has busybox wget.
        healthcheck: ["wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${PORTS.grafana}/api/health`],
      }, this, [prometheus.ready]);
      this.grafanaUrl = pulumi.interpolate`http://${platform.expose("grafana", 0, PORTS.grafana)}`;
      this.grafanaAdminPassword = password;
    }

    this.lagExporterUrl = pulumi.interpolate`http://${platform.expose("lag-exporter", 0, PORTS.lagExporter)}/metrics`;
    this.prometheusUrl = pulumi.interpolate`http://${platform.expose("prometheus", 0, PORTS.prometheus)}`;
    this.registerOutputs({ lagExporterUrl: this.lagExporterUrl, prometheusUrl: this.prometheusUrl });
  }
}
