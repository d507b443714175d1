import * as pulumi from "@pulumi/pulumi";
import type { EstateSpec } from "../model/spec";
import { DATA_DIRS, MONITORING_FILES, PORTS } from "../model/layout";
import { renderAlertRules, renderExporterConfig, renderPrometheusConfig } from "../model/monitoring";
import { nodeName } from "../model/naming";
import type { NodeFile, Platform } from "../platforms/types";

export interface MonitoringArgs {
  spec: EstateSpec;
  platform: Platform;
  /** host:port list for containers on the stack's network (the client listener on secure stacks). */
  bootstrapServers: string[];
  /** Secure stacks: the CAs to trust and the exporter's identity ({ scram } or { certificate, privateKey }). */
  secure?: { trust: pulumi.Input<string>; credentials: pulumi.Output<object>; certificates: pulumi.Input<Record<string, string>> };
  /** The exporter starts once the cluster serves (and, on secure stacks, its ACLs exist). */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** The lag exporter and a Prometheus that scrapes it, the brokers' and ZooKeeper's JMX agents, with the stack's alert rules. */
export class Monitoring extends pulumi.ComponentResource {
  /** Where the exporter's /metrics and Prometheus are reached from the host. */
  readonly lagExporterUrl: string;
  readonly prometheusUrl: string;

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
    const exporter = platform.node(`${name}-lag-exporter`, {
      role: "lag-exporter",
      ordinal: 0,
      hostname: nodeName(spec, "lag-exporter", 0),
      image: spec.monitoring.lagExporter.image,
      args: [MONITORING_FILES.exporterConfig],
      env: {},
      files: exporterFiles,
      memoryMb: 256,
      publish: [{ container: PORTS.lagExporter, host: spec.docker.lagExporterPort }],
      healthcheck: ["node", "/opt/lag-exporter/lag-exporter.js", "--probe", `http://127.0.0.1:${PORTS.lagExporter}/ready`],
    }, this, args.dependsOn);

    const p = spec.monitoring.prometheus;
    platform.node(`${name}-prometheus`, {
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
      dataPath: DATA_DIRS.prometheus.replace(/\/data$/, ""),
      memoryMb: 512,
      publish: [{ container: PORTS.prometheus, host: spec.docker.prometheusPort }],
      // Debian's promtool 2.42 has no `check ready`: a query answers once Prometheus serves.
      healthcheck: ["promtool", "query", "instant", `http://127.0.0.1:${PORTS.prometheus}`, "vector(1)"],
    }, this, [exporter.ready]);

    this.lagExporterUrl = `http://${platform.hostAddress(spec.docker.lagExporterPort)}/metrics`;
    this.prometheusUrl = `http://${platform.hostAddress(spec.docker.prometheusPort)}`;
    this.registerOutputs({ lagExporterUrl: this.lagExporterUrl, prometheusUrl: this.prometheusUrl });
  }
}
