// What components ask of a target: run one node (a ZooKeeper member, a broker, the lag exporter,
// Prometheus…) with its config files and, if it has one, its data volume, and say how it is reached. Components never branch on the
// target; the docker and kubernetes layers implement this.
import type * as pulumi from "@pulumi/pulumi";
import type { Role } from "../model/naming";

export interface NodeFile {
  /** Absolute path in the container. */
  path: string;
  content: pulumi.Input<string>;
  /** Key material: kept secret in state, read-only in the node. */
  secret?: boolean;
}

export interface NodeSpec {
  role: Role;
  ordinal: number;
  /** Host name on the stack's network (also the container name). */
  hostname: string;
  image: string;
  /** Arguments of the image's entrypoint (kafka-run). */
  args: string[];
  /** Non-secret environment only: secrets travel as files. */
  env: Record<string, string>;
  files: NodeFile[];
  /** Where the persistent volume is mounted; none when unset (the node keeps nothing). */
  dataPath?: string;
  /** Memory limit of the node (a JVM's heap plus its overhead, or a small service's whole need). */
  memoryMb: number;
  /** Container port → host port, published on the stack's bind address. */
  publish: { container: number; host: number }[];
  /** Command (argv) that exits 0 when the node serves. */
  healthcheck: string[];
}

export interface PlatformNode {
  /** The resource to depend on for "this node is up and healthy". */
  ready: pulumi.Resource;
  /** Changes whenever the node is replaced (a restart with new files or config). */
  revision: pulumi.Output<string>;
}

export interface Platform {
  /** Creates a node as a child of `parent`, named from the parent's name. */
  node(name: string, spec: NodeSpec, parent: pulumi.Resource, dependsOn?: pulumi.Input<pulumi.Resource>[]): PlatformNode;
  /** host:port a client on the host reaches published container port `hostPort` at. */
  hostAddress(hostPort: number): string;
  /**
   * Every DNS name peers may know node `hostname` by, including what a reverse lookup of its
   * address returns: ZooKeeper's quorum TLS verifies a connecting peer's certificate against it.
   */
  dnsNames(hostname: string): string[];
}
