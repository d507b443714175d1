import * as pulumi from "@pulumi/pulumi";
import type { EstateSpec } from "../config/types";
import { renderServerProperties, standardListeners } from "../model/broker";
import { CONFIG_DIR, DATA_DIRS, nodeName, PORTS } from "../model/naming";
import type { Platform } from "../platforms/types";

export interface KafkaClusterArgs {
  spec: EstateSpec;
  platform: Platform;
  /** Brokers start only once the ensemble is serving. */
  zookeeper: pulumi.Resource[];
}

/** Brokers in ZooKeeper mode, each with an internal and a host-published listener. */
export class KafkaCluster extends pulumi.ComponentResource {
  readonly brokers: pulumi.Resource[];
  /** broker id → host:port reachable from the host. */
  readonly hostAddresses: Record<string, string>;
  /** Comma-separated, host-reachable. */
  readonly bootstrapServers: string;
  /** Comma-separated, for containers on the stack's network. */
  readonly internalBootstrapServers: string;

  constructor(name: string, args: KafkaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-platform:index:KafkaCluster", name, {}, opts);
    const { spec, platform } = args;
    this.hostAddresses = {};
    const internal: string[] = [];
    this.brokers = Array.from({ length: spec.kafka.brokers }, (_, id) => {
      const hostname = nodeName(spec, "kafka", id);
      const hostPort = spec.docker.firstBrokerPort + id;
      const external = platform.hostAddress(hostPort);
      this.hostAddresses[String(id)] = external;
      internal.push(`${hostname}:${PORTS.kafkaInternal}`);
      return platform.node(`${name}-${id}`, {
        role: "kafka",
        ordinal: id,
        hostname,
        image: spec.kafka.image,
        args: ["broker", `${CONFIG_DIR}/server.properties`],
        env: { KAFKA_HEAP_OPTS: `-Xms${spec.kafka.heapMb}m -Xmx${spec.kafka.heapMb}m` },
        files: [{ path: `${CONFIG_DIR}/server.properties`, content: renderServerProperties(spec, id, standardListeners(hostname, external)) }],
        dataPath: DATA_DIRS.kafka.replace(/\/data$/, ""),
        heapMb: spec.kafka.heapMb,
        publish: [{ container: PORTS.kafkaExternal, host: hostPort }],
        healthcheck: ["kafka-health", "broker", String(PORTS.kafkaInternal)],
      }, this, args.zookeeper).ready;
    });
    this.bootstrapServers = Object.values(this.hostAddresses).join(",");
    this.internalBootstrapServers = internal.join(",");
    this.registerOutputs({ bootstrapServers: this.bootstrapServers });
  }
}
