// Wiring only: load and validate config → pick the platform → components → exports.
import * as pulumi from "@pulumi/pulumi";
import { adminProvider } from "./components/admin-provider";
import { ClusterTls } from "./components/cluster-tls";
import { KafkaCluster } from "./components/kafka-cluster";
import { Principals } from "./components/principals";
import { Topics } from "./components/topics";
import { ZooKeeperEnsemble } from "./components/zookeeper-ensemble";
import { loadEstate } from "./config/load";
import { mtlsProfile } from "./model/profiles";
import { createPlatform } from "./platforms";

const spec = loadEstate();
const platform = createPlatform(spec);
const hostAddresses = Array.from({ length: spec.kafka.brokers }, (_, i) => platform.hostAddress(spec.docker.firstBrokerPort + i));
const tls = spec.security.enabled ? new ClusterTls("tls", { spec, hostAddresses }) : undefined;
const zookeeper = new ZooKeeperEnsemble("zookeeper", { spec, platform });
const cluster = new KafkaCluster("kafka", { spec, platform, zookeeper: zookeeper.members, tls });
const provider = adminProvider("kafka-admin", { bootstrapServers: Object.values(cluster.hostAddresses), brokers: cluster.brokers, tls });
const declared = new Topics("topics", { topics: spec.topics, provider, brokers: cluster.brokers });
const principals = new Principals("principals", { users: spec.users, provider, dependsOn: [declared] });

// The contract other tools (smoke test, console tools, benchmarks) read.
export const target = spec.target;
export const bootstrapServers = cluster.bootstrapServers;
export const internalBootstrapServers = cluster.internalBootstrapServers;
export const brokers = cluster.hostAddresses;
export const zookeeperConnect = zookeeper.connect;
export const topics = declared.names;
export const declaredTopics = spec.topics.map(({ name, partitions, replicationFactor, config }) => ({ name, partitions, replicationFactor, config }));
export const security = spec.security.enabled ? { clientAuth: spec.security.clientAuth, acls: principals.aclCount } : { clientAuth: "none" };
export const caCertificate = tls?.caCertificate;
export const certificatesExpireAt = tls?.expiry;
/** Client identities: certificate and key (secret) per user, and the admin's. */
const identities = tls
  ? Object.fromEntries([
      ["admin", tls.client("admin")],
      ...(spec.security.clientAuth === "mtls" ? spec.users.map((u) => [u.name, tls.client(`user-${u.name}`)] as const) : []),
    ])
  : undefined;
export const clients = identities ? pulumi.secret(pulumi.all(identities)) : undefined;
/** Per identity: kafkajs config, Java client.properties and kcat arguments, ready to paste (secret). */
export const connectionProfiles = tls && identities
  ? pulumi.secret(pulumi.all([tls.trust, pulumi.all(identities)]).apply(([trust, ids]) =>
      Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, mtlsProfile(cluster.bootstrapServers, trust, id.certificate, id.privateKey)]))))
  : undefined;
