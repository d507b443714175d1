// The typed model of one Kafka estate: what stack config and topology files parse into.
// Everything downstream (renderers, components, platforms, smoke test) reads only this.

import type { Role } from "./acls";

export type Target = "docker" | "kubernetes";
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
}

export interface DockerSpec {
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

export interface EstateSpec {
  project: string;
  stack: string;
  /** Prefix of every container, network and volume name: kp-<stack>. */
  name: string;
  target: Target;
  environment: Environment;
  security: SecuritySpec;
  zookeeper: ZooKeeperSpec;
  kafka: KafkaSpec;
  docker: DockerSpec;
  monitoring: MonitoringSpec;
  topics: TopicSpec[];
  users: UserSpec[];
  /** Consumer groups a role may name; a consumer role's group must be one of these. */
  groups: string[];
  /** Where the topology came from (stacks/<stack>/topology.yaml), for messages. */
  topologySource: string;
}
