// The target and its own block: `docker:` for target docker, `kubernetes:` for target
// kubernetes. A block of the other target is an error, not silently ignored: a user who set
// kubernetes.namespace on a docker stack expects it to matter.
import { Issues, NS, show } from "./issues";
import type { DockerSpec, Environment, KubernetesSpec, TargetSpec } from "../model/spec";

const TARGETS = ["docker", "kubernetes"] as const;
/** The Kubernetes API's default NodePort range. */
const NODE_PORTS = { min: 30000, max: 32767 };
/** Kubernetes quantities of CPU: "500m", "1", "1.5". */
const CPU = /^(\d+m|\d+(\.\d+)?)$/;
/** A DNS-1123 label: what a namespace name must be. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export function parseTarget(
  issues: Issues, config: Record<string, unknown>, stack: string, environment?: Environment, brokers?: number, zkReplicas?: number,
): TargetSpec | undefined {
  const kind = config.target ?? "docker";
  if (!(TARGETS as readonly unknown[]).includes(kind)) {
    issues.add(`${NS}:target`, `${show(kind)} is not docker or kubernetes`);
    return undefined;
  }
  for (const other of TARGETS.filter((t) => t !== kind)) {
    if (config[other] !== undefined) issues.add(`${NS}:${other}`, `applies to target ${other}, and this stack's target is ${kind as string}`);
  }
  return kind === "docker"
    ? parseDocker(issues, config.docker ?? {}, brokers, zkReplicas)
    : parseKubernetes(issues, config.kubernetes ?? {}, stack, environment, brokers);
}

/** Ports (or node ports) handed out from one pool: two claims of one number are an error. */
class PortClaims {
  private readonly claims = new Map<number, string>();
  constructor(private readonly issues: Issues, private readonly max = 65535) {}
  claim(where: string, first: number | undefined, count: number | undefined, what: string, single = false): void {
    if (first === undefined || count === undefined) return;
    if (first + count - 1 > this.max) {
      this.issues.add(where, `${first} + ${count} ${what}s runs past port ${this.max}`);
      return;
    }
    for (let i = 0; i < count; i++) {
      const other = this.claims.get(first + i);
      if (other) {
        this.issues.add(where, count === 1 && single ? `${first} is already used by ${other}` : `${first} gives ${what} ${i} port ${first + i}, already used by ${other}`);
        return;
      }
      this.claims.set(first + i, single ? what : `${what} ${i}`);
    }
  }
}

function parseDocker(issues: Issues, v: unknown, brokers?: number, zkReplicas?: number): DockerSpec | undefined {
  const w = `${NS}:docker`;
  const o = issues.object(w, v, ["bindAddress", "firstBrokerPort", "firstZooKeeperPort", "lagExporterPort", "prometheusPort", "grafanaPort", "siteNetwork"]);
  if (!o) return undefined;
  const bindAddress = issues.str(`${w}.bindAddress`, o.bindAddress ?? "127.0.0.1", /^(\d{1,3})(\.\d{1,3}){3}$/, "an IPv4 address");
  const firstBrokerPort = issues.int(`${w}.firstBrokerPort`, o.firstBrokerPort ?? 19092, 1024, 65535);
  const firstZooKeeperPort = o.firstZooKeeperPort === undefined ? undefined : issues.int(`${w}.firstZooKeeperPort`, o.firstZooKeeperPort, 1024, 65535);
  const lagExporterPort = issues.int(`${w}.lagExporterPort`, o.lagExporterPort ?? 8000, 1024, 65535);
  const prometheusPort = issues.int(`${w}.prometheusPort`, o.prometheusPort ?? 9090, 1024, 65535);
  const grafanaPort = issues.int(`${w}.grafanaPort`, o.grafanaPort ?? 3000, 1024, 65535);
  // A Docker network name; it also becomes part of the brokers' advertised site addresses.
  const siteNetwork = o.siteNetwork === undefined ? undefined : issues.str(`${w}.siteNetwork`, o.siteNetwork, /^[a-z0-9][a-z0-9-]{0,62}$/, "a lower-case network name: a-z 0-9 -");

  // Every published host port, so that two of them never claim the same number.
  const ports = new PortClaims(issues);
  ports.claim(`${w}.firstBrokerPort`, firstBrokerPort, brokers, "broker");
  if (o.firstZooKeeperPort !== undefined) ports.claim(`${w}.firstZooKeeperPort`, firstZooKeeperPort, zkReplicas, "zookeeper");
  ports.claim(`${w}.lagExporterPort`, lagExporterPort, 1, "the lag exporter", true);
  ports.claim(`${w}.prometheusPort`, prometheusPort, 1, "prometheus", true);
  ports.claim(`${w}.grafanaPort`, grafanaPort, 1, "grafana", true);
  if (!bindAddress || firstBrokerPort === undefined || lagExporterPort === undefined || prometheusPort === undefined || grafanaPort === undefined) return undefined;
  return {
    kind: "docker", bindAddress, firstBrokerPort, ...(firstZooKeeperPort !== undefined ? { firstZooKeeperPort } : {}), lagExporterPort, prometheusPort, grafanaPort,
    ...(siteNetwork ? { siteNetwork } : {}),
  };
}

function parseKubernetes(issues: Issues, v: unknown, stack: string, environment?: Environment, brokers?: number): KubernetesSpec | undefined {
  const w = `${NS}:kubernetes`;
  const o = issues.object(w, v, ["kubeconfig", "context", "namespace", "storage", "external", "zoneLabel", "imagePullPolicy", "cpu"]);
  if (!o) return undefined;
  const opt = (k: string) => (o[k] === undefined ? undefined : issues.str(`${w}.${k}`, o[k]));
  const kubeconfig = opt("kubeconfig");
  const context = opt("context");
  const namespace = issues.str(`${w}.namespace`, o.namespace ?? `kp-${stack}`, DNS_LABEL, "a DNS label: lower-case letters, digits and '-', at most 63");
  const zoneLabel = issues.str(`${w}.zoneLabel`, o.zoneLabel ?? "topology.kubernetes.io/zone", LABEL_KEY, "a label key");
  const pull = o.imagePullPolicy ?? "IfNotPresent";
  if (!["IfNotPresent", "Always", "Never"].includes(pull as string)) issues.add(`${w}.imagePullPolicy`, `${show(pull)} is not IfNotPresent, Always or Never`);

  const so = issues.object(`${w}.storage`, o.storage ?? {}, ["className", "kafkaGi", "zookeeperGi", "prometheusGi", "retainOnDestroy", "fixPermissions"]) ?? {};
  const className = so.className === undefined ? undefined : issues.str(`${w}.storage.className`, so.className);
  const kafkaGi = issues.int(`${w}.storage.kafkaGi`, so.kafkaGi ?? 10, 1, 65536);
  const zookeeperGi = issues.int(`${w}.storage.zookeeperGi`, so.zookeeperGi ?? 2, 1, 65536);
  const prometheusGi = issues.int(`${w}.storage.prometheusGi`, so.prometheusGi ?? 5, 1, 65536);
  // Safe by default: only dev throws its data away with the stack.
  const retainOnDestroy = issues.bool(`${w}.storage.retainOnDestroy`, so.retainOnDestroy ?? environment !== "dev");
  const fixPermissions = issues.bool(`${w}.storage.fixPermissions`, so.fixPermissions ?? false);

  const eo = issues.object(`${w}.external`, o.external ?? {}, [
    "type", "host", "firstBrokerNodePort", "lagExporterNodePort", "prometheusNodePort", "grafanaNodePort", "annotations",
  ]) ?? {};
  const type = eo.type ?? "NodePort";
  if (type !== "NodePort" && type !== "LoadBalancer") issues.add(`${w}.external.type`, `${show(type)} is not NodePort or LoadBalancer`);
  const host = eo.host === undefined ? undefined : issues.str(`${w}.external.host`, eo.host, /^[A-Za-z0-9.:-]+$/, "a host name or address");
  if (type === "NodePort" && eo.host === undefined) {
    issues.add(`${w}.external.host`, "is needed with type NodePort: the address clients dial to reach a node (127.0.0.1 on the local cluster)");
  }
  const nodePort = (k: string, d: number) => issues.int(`${w}.external.${k}`, eo[k] ?? d, NODE_PORTS.min, NODE_PORTS.max);
  const firstBrokerNodePort = nodePort("firstBrokerNodePort", 31092);
  const lagExporterNodePort = nodePort("lagExporterNodePort", 30800);
  const prometheusNodePort = nodePort("prometheusNodePort", 30909);
  const grafanaNodePort = nodePort("grafanaNodePort", 30300);
  if (type === "NodePort") {
    const ports = new PortClaims(issues, NODE_PORTS.max);
    ports.claim(`${w}.external.firstBrokerNodePort`, firstBrokerNodePort, brokers, "broker");
    ports.claim(`${w}.external.lagExporterNodePort`, lagExporterNodePort, 1, "the lag exporter", true);
    ports.claim(`${w}.external.prometheusNodePort`, prometheusNodePort, 1, "prometheus", true);
    ports.claim(`${w}.external.grafanaNodePort`, grafanaNodePort, 1, "grafana", true);
  }
  const annotations: Record<string, string> = {};
  const ao = eo.annotations === undefined ? {} : issues.object(`${w}.external.annotations`, eo.annotations, Object.keys(eo.annotations as object ?? {}));
  for (const [k, val] of Object.entries(ao ?? {})) {
    if (typeof val !== "string") issues.add(`${w}.external.annotations.${k}`, `${show(val)} is not a string`);
    else annotations[k] = val;
  }

  const co = issues.object(`${w}.cpu`, o.cpu ?? {}, ["kafka", "zookeeper", "monitoring"]) ?? {};
  const cpu = (k: string, d: string) => issues.str(`${w}.cpu.${k}`, co[k] === undefined ? d : String(co[k]), CPU, "a CPU quantity like 500m or 2");
  const cpus = { kafka: cpu("kafka", "500m"), zookeeper: cpu("zookeeper", "250m"), monitoring: cpu("monitoring", "100m") };

  if (!namespace || !zoneLabel || kafkaGi === undefined || zookeeperGi === undefined || prometheusGi === undefined || retainOnDestroy === undefined || fixPermissions === undefined
    || firstBrokerNodePort === undefined || lagExporterNodePort === undefined || prometheusNodePort === undefined || grafanaNodePort === undefined
    || !cpus.kafka || !cpus.zookeeper || !cpus.monitoring || (o.kubeconfig !== undefined && !kubeconfig) || (o.context !== undefined && !context)) return undefined;
  return {
    kind: "kubernetes",
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(context ? { context } : {}),
    namespace,
    storage: { ...(className ? { className } : {}), kafkaGi, zookeeperGi, prometheusGi, retainOnDestroy, fixPermissions },
    external: {
      type: type as KubernetesSpec["external"]["type"], ...(host ? { host } : {}),
      firstBrokerNodePort, lagExporterNodePort, prometheusNodePort, grafanaNodePort, annotations,
    },
    zoneLabel,
    imagePullPolicy: pull as KubernetesSpec["imagePullPolicy"],
    cpu: { kafka: cpus.kafka, zookeeper: cpus.zookeeper, monitoring: cpus.monitoring },
  };
}
