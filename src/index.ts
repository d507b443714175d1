// Wiring only: load and validate config → pick the platform → components → exports.
import { loadEstate } from "./config/load";
import { KafkaCluster } from "./components/kafka-cluster";
import { Topics } from "./components/topics";
import { ZooKeeperEnsemble } from "./components/zookeeper-ensemble";
import { createPlatform } from "./platforms";

const spec = loadEstate();
const platform = createPlatform(spec);
const zookeeper = new ZooKeeperEnsemble("zookeeper", { spec, platform });
const cluster = new KafkaCluster("kafka", { spec, platform, zookeeper: zookeeper.members });
const declared = new Topics("topics", {
  topics: spec.topics,
  bootstrapServers: Object.values(cluster.hostAddresses),
  brokers: cluster.brokers,
});

// The contract other tools (smoke test, console tools, benchmarks) read.
export const target = spec.target;
export const bootstrapServers = cluster.bootstrapServers;
export const internalBootstrapServers = cluster.internalBootstrapServers;
export const brokers = cluster.hostAddresses;
export const zookeeperConnect = zookeeper.connect;
export const topics = declared.names;
export const declaredTopics = spec.topics.map(({ name, partitions, replicationFactor, config }) => ({ name, partitions, replicationFactor, config }));
