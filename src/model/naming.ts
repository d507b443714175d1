// Names of everything a stack creates, derived from the estate's name (kp-<stack>), so two
// stacks never collide and a rename is a visible, reviewed change.
import type { EstateSpec } from "../config/types";

export type Role = "zookeeper" | "kafka";

/** Container / pod host name of node `ordinal` (0-based, like StatefulSet ordinals). */
export const nodeName = (spec: Pick<EstateSpec, "name">, role: Role, ordinal: number) => `${spec.name}-${role}-${ordinal}`;
export const networkName = (spec: Pick<EstateSpec, "name">) => spec.name;
export const volumeName = (spec: Pick<EstateSpec, "name">, role: Role, ordinal: number) => `${nodeName(spec, role, ordinal)}-data`;

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
} as const;

export const DATA_DIRS = { zookeeper: "/var/lib/zookeeper/data", kafka: "/var/lib/kafka/data" } as const;
export const CONFIG_DIR = "/etc/kafka";
