import * as pulumi from "@pulumi/pulumi";
import type { EstateSpec } from "../model/spec";
import { CONFIG_DIR, DATA_DIRS, jvmEnv, jvmMemoryMb, PORTS, SECRET_FILES } from "../model/layout";
import { nodeName } from "../model/naming";
import { renderZooCfg, zookeeperConnect, zookeeperId } from "../model/zookeeper";
import type { Platform } from "../platforms/types";
import type { ClusterTls } from "./cluster-tls";

export interface ZooKeeperEnsembleArgs {
  spec: EstateSpec;
  platform: Platform;
  /** Present when the stack's security is on: TLS-only clients, mutual TLS, quorum TLS. */
  tls?: ClusterTls;
}

/**
 * A ZooKeeper ensemble of 1, 3 or 5 members, made (and replaced) together. Not one at a time:
 * members resolve their peers' names once, at start, and Docker's DNS knows a container only once
 * it exists, so a member started before its peers follows a leader it cannot reach until initLimit
 * (measured: 20 s of no quorum per member). Brokers ride out the short outage of a replacement.
 */
export class ZooKeeperEnsemble extends pulumi.ComponentResource {
  /** Ready when every member answers ruok. */
  readonly members: pulumi.Resource[];
  /** host:port list for brokers on the stack's network. */
  readonly connect: string;

  constructor(name: string, args: ZooKeeperEnsembleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-platform:index:ZooKeeperEnsemble", name, {}, opts);
    const { spec, platform } = args;
    const cfg = renderZooCfg(spec);
    this.members = Array.from({ length: spec.zookeeper.replicas }, (_, i) => {
      return platform.node(`${name}-${i}`, {
        role: "zookeeper",
        ordinal: i,
        hostname: nodeName(spec, "zookeeper", i),
        image: spec.kafka.image,
        args: ["zookeeper", `${CONFIG_DIR}/zoo.cfg`],
        env: {
          ...jvmEnv(spec.zookeeper.heapMb, spec.monitoring.jmx),
          ZOO_MY_ID: String(zookeeperId(i)),
        },
        files: [
          { path: `${CONFIG_DIR}/zoo.cfg`, content: cfg },
          ...(args.tls
            ? [
                { path: SECRET_FILES.keystore, content: args.tls.keystore(nodeName(spec, "zookeeper", i)), secret: true },
                { path: SECRET_FILES.truststore, content: args.tls.trust },
              ]
            : []),
        ],
        stable: true,
        data: { path: DATA_DIRS.zookeeper.replace(/\/data$/, "") },
        memoryMb: jvmMemoryMb(spec.zookeeper.heapMb),
        ports: [args.tls ? PORTS.zookeeperSecure : PORTS.zookeeperClient, PORTS.zookeeperPeer, PORTS.zookeeperElection, ...(spec.monitoring.jmx ? [PORTS.jmxMetrics] : [])],
        // The plaintext client port, for tools on the host; a target publishes it only where its config asks.
        publish: args.tls ? [] : [PORTS.zookeeperClient],
        // ruok needs the plaintext port; a secure member is ready when its TLS port accepts.
        healthcheck: args.tls ? ["kafka-health", "tcp", String(PORTS.zookeeperSecure)] : ["kafka-health", "zookeeper", String(PORTS.zookeeperClient)],
      }, this).ready;
    });
    this.connect = zookeeperConnect(spec);
    this.registerOutputs({ connect: this.connect });
  }
}
