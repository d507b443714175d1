// Where things are inside a node: ports, data and config paths, and the secret files. One place,
// so the renderers, the components and the platforms agree without importing each other.

/** Ports inside the containers; host ports come from the stack config. */
export const PORTS = {
  zookeeperClient: 2181,
  /** ZooKeeper's TLS client port: the only client port when security is on. */
  zookeeperSecure: 2182,
  zookeeperPeer: 2888,
  zookeeperElection: 3888,
  /** Broker-to-broker and clients on the stack's network. */
  kafkaInternal: 9091,
  /** Clients on the host, through the published port. */
  kafkaExternal: 9092,
  /** Clients on the stack's network (MirrorMaker, exporters) when security is on. */
  kafkaClient: 9093,
  /** Other sites (their MirrorMakers), on the network that links the data centres. */
  kafkaSite: 9094,
  /** MirrorMaker's internal REST server (exactly-once source needs it in dedicated mode). */
  mirrorMakerRest: 8083,
  /** The JMX exporter agent's /metrics in brokers and ZooKeeper members. */
  jmxMetrics: 7071,
  lagExporter: 8000,
  prometheus: 9090,
  grafana: 3000,
} as const;

export const DATA_DIRS = { zookeeper: "/var/lib/zookeeper/data", kafka: "/var/lib/kafka/data", prometheus: "/var/lib/prometheus/data" } as const;
/** Where the monitoring nodes read their rendered files. */
export const MONITORING_FILES = {
  exporterConfig: "/etc/lag-exporter/config.json",
  exporterCa: "/etc/lag-exporter/ca.pem",
  /** { scram } or { certificate, privateKey }: the exporter's identity, a secret. */
  exporterCredentials: "/etc/lag-exporter/secrets/credentials.json",
  prometheusConfig: "/etc/prometheus/prometheus.yml",
  prometheusRules: "/etc/prometheus/alerts.yml",
  grafanaDatasources: "/etc/grafana/provisioning/datasources/kafka-platform.yaml",
  grafanaDashboards: "/etc/grafana/provisioning/dashboards/kafka-platform.yaml",
  grafanaDashboardDir: "/etc/grafana/dashboards/kafka-platform",
  /** Grafana's admin password (a secret file: GF_SECURITY_ADMIN_PASSWORD__FILE points at it). */
  grafanaAdminPassword: "/etc/grafana/secrets/admin-password",
} as const;
export const CONFIG_DIR = "/etc/kafka";
/** MirrorMaker's rendered config; its credentials for the sites it talks to are secret files beside the key material. */
export const MIRROR_FILES = {
  config: "/etc/kafka/mm2.properties",
  /** Per cluster alias: `<alias>.sasl.jaas.config=…` lines, read through Kafka's FileConfigProvider. */
  credentials: "/etc/kafka/secrets/mm2-credentials.properties",
  /** Per remote cluster alias: the CAs that site's certificates chain to. */
  trust: (alias: string) => `/etc/kafka/secrets/${alias}-truststore.pem`,
} as const;

/** Where a node's key material is mounted (read-only files, never in env or args). */
export const SECRETS_DIR = "/etc/kafka/secrets";
export const SECRET_FILES = {
  /** PKCS#8 key + certificate, Kafka's PEM keystore format. */
  keystore: `${SECRETS_DIR}/keystore.pem`,
  /** Every CA to trust (current and, during a rotation, the previous one). */
  truststore: `${SECRETS_DIR}/truststore.pem`,
  /** The brokers' shared ZooKeeper client identity: one DN, so znode ACLs hold for all. */
  zookeeperClient: `${SECRETS_DIR}/zookeeper-client.pem`,
  /** SCRAM credential of the admin (file form, no brackets), read once by kafka-run before the broker starts. */
  adminScram: `${SECRETS_DIR}/admin-scram.properties`,
} as const;

/** Memory of a JVM node on a 2-core machine: heap plus room for metaspace, threads and buffers. */
export const jvmMemoryMb = (heapMb: number) => heapMb + 384;

/**
 * A container's healthcheck on Docker. A 1 s interval: Docker 20.10 has no faster start-period
 * probe, and every step of a deploy waits for the next probe after a node serves.
 */
export const DOCKER_HEALTHCHECK = { intervalSeconds: 1, timeoutSeconds: 5, startPeriodSeconds: 5, retries: 300 };

/** Env of a JVM node: its heap, and the JMX exporter agent's port when monitoring asks for it. */
export function jvmEnv(heapMb: number, jmx: boolean): Record<string, string> {
  return { KAFKA_HEAP_OPTS: `-Xms${heapMb}m -Xmx${heapMb}m`, ...(jmx ? { KAFKA_METRICS_PORT: String(PORTS.jmxMetrics) } : {}) };
}
