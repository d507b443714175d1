// The typed model of one Kafka estate: what stack config and topology files parse into.
// Everything downstream (renderers, components, platforms, smoke test) reads only this.

import type { AclBinding, Pattern, Role } from "./acls";

export type Target = TargetSpec["kind"];
/** Presets: only dev defaults to plaintext; every other environment is secure by default. */
export type Environment = "dev" | "staging" | "production";

export interface SecuritySpec {
  /** TLS everywhere, SCRAM (or mTLS) clients, ACLs; no plaintext listener. */
  enabled: boolean;
  /** How clients authenticate on the client listener. */
  clientAuth: "scram" | "mtls";
  tls: {
    validityDays: number;
    /** Certificates closer than this to expiry are renewed on the next `up`. */
    renewBeforeDays: number;
    /** Bump to re-issue every certificate now. */
    rotation: number;
  };
}

export interface QuotaSpec {
  producerByteRate?: number;
  consumerByteRate?: number;
  requestPercentage?: number;
}

export interface UserSpec {
  /** SCRAM user name, and the principal User:<name>. */
  name: string;
  roles: Role[];
  quota?: QuotaSpec;
  /** Bindings beyond the roles: the platform's own principals (MirrorMaker's) only. */
  acls?: AclBinding[];
}

export interface ZooKeeperSpec {
  /** Ensemble size: 1, 3 or 5. */
  replicas: number;
  heapMb: number;
}

export interface KafkaSpec {
  version: string;
  mode: "zookeeper";
  brokers: number;
  heapMb: number;
  image: string;
  /** Cluster-wide broker settings rendered into every server.properties (validated keys). */
  brokerConfig: Record<string, string>;
  /** How long one step of a roll may wait (a broker safe to restart, then back in sync) before `up` fails. */
  rollStepTimeoutSeconds: number;
  /** Cap on replication traffic while partitions move onto or off brokers (scaling). */
  reassignThrottleBytesPerSecond: number;
}

/** Where the estate runs: exactly one target's settings (a kubernetes stack has no docker block). */
export type TargetSpec = DockerSpec | KubernetesSpec;

export interface DockerSpec {
  kind: "docker";
  /** Host address the brokers' external listeners (and the monitoring ports) are published on. */
  bindAddress: string;
  /** Broker i (0-based) is published on firstBrokerPort + i. */
  firstBrokerPort: number;
  /** When set, ZooKeeper node i's client port is published on firstZooKeeperPort + i (tools only). */
  firstZooKeeperPort?: number;
  /** Host port of the lag exporter's /metrics (container port 8000). */
  lagExporterPort: number;
  /** Host port of Prometheus' UI and API. */
  prometheusPort: number;
  /** Host port of Grafana, when a Grafana image is configured. */
  grafanaPort: number;
  /**
   * The network standing for the link between data centres: brokers join it with a SITE
   * listener advertised for other sites, and the MirrorMaker joins it to reach them. Shared by
   * every site on this Docker host, owned by none (the last site destroyed removes it). Unset:
   * the stack is reachable from the host only.
   */
  siteNetwork?: string;
}

export interface KubernetesSpec {
  kind: "kubernetes";
  /** Path of a kubeconfig file; unset: the provider's default (KUBECONFIG, then ~/.kube/config). */
  kubeconfig?: string;
  /** Context of the kubeconfig; unset: its current context. */
  context?: string;
  /** The stack's namespace (default kp-<stack>), created and owned by the stack. */
  namespace: string;
  storage: {
    /** StorageClass of the data volumes; unset: the cluster's default class. */
    className?: string;
    kafkaGi: number;
    zookeeperGi: number;
    prometheusGi: number;
    /**
     * Keep volumes (and the namespace holding them) when the stack is destroyed, so a rebuild
     * with the same names finds its data. Default: true except in the dev environment.
     */
    retainOnDestroy: boolean;
    /**
     * Make each volume writable by the image's user with a root init container (chown). For
     * volumes that ignore fsGroup, like host paths (the local cluster); cloud CSI volumes honour it.
     */
    fixPermissions: boolean;
  };
  /** How clients outside the cluster reach each broker (and the monitoring endpoints). */
  external: {
    type: "NodePort" | "LoadBalancer";
    /** NodePort: the host clients dial (a node's address; 127.0.0.1 on the local cluster). LoadBalancer: unused. */
    host?: string;
    /** NodePort: broker i is on firstBrokerNodePort + i. */
    firstBrokerNodePort: number;
    lagExporterNodePort: number;
    prometheusNodePort: number;
    grafanaNodePort: number;
    /** Annotations of every external Service (e.g. a cloud's load-balancer settings). */
    annotations: Record<string, string>;
  };
  /** Node label whose value becomes a broker's broker.rack and spreads pods (zone spread). */
  zoneLabel: string;
  imagePullPolicy: "IfNotPresent" | "Always" | "Never";
  /** CPU requests (Kubernetes quantities); memory requests and limits come from the heap sizes. */
  cpu: { kafka: string; zookeeper: string; monitoring: string };
}

export interface AlertThresholds {
  /** A group's lag on a topic, in records, above which LagHigh fires. */
  lagRecords: number;
  /** A group's time lag, in seconds, above which TimeLagHigh fires. */
  lagSeconds: number;
  /** Certificates expiring within this many days fire CertificateExpiring. */
  certificateExpiryDays: number;
  /** How long a condition must hold before its alert fires (Prometheus' `for`), in seconds. */
  forSeconds: number;
}

export interface MonitoringSpec {
  /** Lag exporter and Prometheus with the stack. */
  enabled: boolean;
  /** The Prometheus JMX exporter agent in brokers and ZooKeeper (port 7071 on the stack's network). */
  jmx: boolean;
  lagExporter: { image: string; pollIntervalSeconds: number; windowSize: number };
  prometheus: { image: string; scrapeIntervalSeconds: number; retentionDays: number };
  /** Grafana with the repo's dashboards, when an image is configured (a user with a registry). */
  grafana?: { image: string };
  alerts: AlertThresholds;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Declared topic-level configs, values as Kafka strings; only these are managed. */
  config: Record<string, string>;
  /** Deleting or re-creating this topic (and losing its data) is allowed. */
  allowDelete: boolean;
}

/** One mirror flow into this site: MirrorMaker 2 copies topics (and translates groups' offsets) from a source site. */
export interface MirrorFlowSpec {
  /** The source site's alias: its cluster name in mm2.properties and the prefix of remote topics. */
  source: string;
  /** The Pulumi stack of the source site, read through a StackReference (a name or org/project/stack). */
  stack: string;
  /** Topic names or Java regular expressions (MirrorMaker's `topics`). */
  topics: string[];
  /** Java regular expression of the groups whose offsets are checkpointed and synced. */
  groups: string;
  /** prefix: `<source>.orders` on this site (cycle-safe); identity: the same name (one direction at a time). */
  policy: "prefix" | "identity";
  intervals: {
    /** emit.checkpoints.interval.seconds */
    checkpointSeconds: number;
    /** sync.group.offsets.interval.seconds */
    groupSyncSeconds: number;
    /** refresh.topics/groups.interval.seconds: how soon a new topic or group is found. */
    refreshSeconds: number;
    /** emit.heartbeats.interval.seconds */
    heartbeatSeconds: number;
    /** offset.lag.max: an offset sync at least every this many records. */
    offsetLagMax: number;
  };
}

/** Another site's MirrorMaker, allowed to read this one (a secure source grants each reader by name). */
export interface MirrorReaderSpec {
  /** The reading site's alias: its principal here is `mirror-<site>`. */
  site: string;
  /** Topics it may read (names or prefix*); `heartbeats` always. */
  topics: Pattern[];
  /** Groups whose offsets it may see (for checkpoints): names, prefix* or *. */
  groups: Pattern[];
}

/** MirrorMaker 2 of this site (dedicated mode, `--clusters <site>`): consumes remote, produces local. */
export interface MirrorSpec {
  /** Flows into this site; none: no MirrorMaker. */
  flows: MirrorFlowSpec[];
  /** Sites allowed to mirror from this one (secure sites only). */
  readers: MirrorReaderSpec[];
  heapMb: number;
  /** Exactly-once source (KIP-618): no duplicates from MirrorMaker's own restarts. */
  exactlyOnce: boolean;
  /** How often MirrorMaker commits its positions and flushes (the target's offset.flush.interval.ms). */
  flushIntervalMs: number;
}

export interface EstateSpec {
  project: string;
  stack: string;
  /** Prefix of every container, network and volume name: kp-<stack>. */
  name: string;
  /** The target and its settings: components never read this; the platform layer does. */
  target: TargetSpec;
  environment: Environment;
  security: SecuritySpec;
  zookeeper: ZooKeeperSpec;
  kafka: KafkaSpec;
  monitoring: MonitoringSpec;
  topics: TopicSpec[];
  users: UserSpec[];
  /** Consumer groups a role may name; a consumer role's group must be one of these. */
  groups: string[];
  /** This data centre's alias (default: the stack name): its cluster name to MirrorMaker and other sites. */
  site: string;
  mirror: MirrorSpec;
  /** Where the topology came from (stacks/<stack>/topology.yaml), for messages. */
  topologySource: string;
  /** Data-losing changes declared accepted (kafka-platform:allowDataLoss), by the keys `npm run preview` prints. */
  allowDataLoss: string[];
}
