// server.properties of one broker. Pure: the platform says where the listeners are.
import type { EstateSpec } from "./spec";
import { DATA_DIRS, PORTS } from "./layout";
import { renderProperties } from "./properties";
import { zookeeperConnect } from "./zookeeper";

export interface Listener {
  /** Listener name: INTERNAL (broker-to-broker, the stack's network) or EXTERNAL (host clients). */
  name: string;
  port: number;
  /** host:port that clients of this listener are told to use. */
  advertised: string;
  protocol: "PLAINTEXT" | "SSL" | "SASL_PLAINTEXT" | "SASL_SSL";
}

export function brokerProperties(
  spec: Pick<EstateSpec, "name" | "zookeeper" | "kafka"> & Partial<Pick<EstateSpec, "security">>,
  brokerId: number,
  listeners: Listener[],
  /** Platform-managed additions (security): override defaults, cannot be declared. */
  extra: Record<string, string> = {},
): Record<string, string> {
  // Declared brokerConfig overrides defaults; the managed keys cannot be declared (validated).
  return { ...brokerDefaults(spec.kafka.brokers), ...spec.kafka.brokerConfig, ...extra, ...brokerManaged(spec, brokerId, listeners) };
}

/** What the platform sets unless brokerConfig says otherwise: sized to the number of brokers. */
export function brokerDefaults(n: number): Record<string, string> {
  return {
    "auto.create.topics.enable": "false",
    "default.replication.factor": String(Math.min(3, n)),
    "group.initial.rebalance.delay.ms": "3000",
    "min.insync.replicas": String(Math.min(2, n)),
    "num.partitions": "1",
    "offsets.topic.replication.factor": String(Math.min(3, n)),
    "transaction.state.log.min.isr": String(Math.min(2, n)),
    "transaction.state.log.replication.factor": String(Math.min(3, n)),
    // Shutdown moves leadership away first, so a restart is not an outage for RF >= 2.
    "controlled.shutdown.enable": "true",
    "zookeeper.connection.timeout.ms": "30000",
    "zookeeper.session.timeout.ms": "18000",
  };
}

function brokerManaged(spec: Pick<EstateSpec, "name" | "zookeeper" | "kafka"> & Partial<Pick<EstateSpec, "security">>, brokerId: number, listeners: Listener[]): Record<string, string> {
  return {
    "advertised.listeners": listeners.map((l) => `${l.name}://${l.advertised}`).join(","),
    "broker.id": String(brokerId),
    "inter.broker.listener.name": "INTERNAL",
    "listener.security.protocol.map": listeners.map((l) => `${l.name}:${l.protocol}`).join(","),
    listeners: listeners.map((l) => `${l.name}://0.0.0.0:${l.port}`).join(","),
    "log.dirs": DATA_DIRS.kafka,
    "zookeeper.connect": zookeeperConnect(spec),
  };
}

export function renderServerProperties(
  spec: Pick<EstateSpec, "name" | "zookeeper" | "kafka"> & Partial<Pick<EstateSpec, "security">>,
  brokerId: number,
  listeners: Listener[],
  extra: Record<string, string> = {},
): string {
  return renderProperties(brokerProperties(spec, brokerId, listeners, extra), `Kafka ${spec.kafka.version} broker ${brokerId} of ${spec.name}`);
}

/** Where other sites (their MirrorMakers) reach a broker, when the platform gives it a listener of its own for them. */
export interface SiteListener { port: number; advertised: string }

/** The listeners of a broker reachable on a container network and from the host (and, linked, from other sites). */
export function standardListeners(internalHost: string, externalAdvertised: string, site?: SiteListener): Listener[] {
  return [
    { name: "INTERNAL", port: PORTS.kafkaInternal, advertised: `${internalHost}:${PORTS.kafkaInternal}`, protocol: "PLAINTEXT" },
    { name: "EXTERNAL", port: PORTS.kafkaExternal, advertised: externalAdvertised, protocol: "PLAINTEXT" },
    ...(site ? [{ name: "SITE", port: site.port, advertised: site.advertised, protocol: "PLAINTEXT" as const }] : []),
  ];
}
