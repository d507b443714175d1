// What components ask of a target: run a node (a ZooKeeper member, a broker, the lag exporter,
// Prometheus…) with its config files and, if it has one, its data volume; expose a node's port
// to clients outside the stack; say by which names peers know a node. Components never branch
// on the target: the docker and kubernetes layers implement this.
import type * as pulumi from "@pulumi/pulumi";
import type { Role } from "../model/naming";

export interface NodeFile {
  /** Absolute path in the container. */
  path: string;
  content: pulumi.Input<string>;
  /** Key material or credentials: kept secret in state, mounted read-only, never in a ConfigMap. */
  secret?: boolean;
}

export interface NodeSpec {
  role: Role;
  /** Per-ordinal identity within the role: ZooKeeper's myid, the broker id, volume and name. */
  ordinal: number;
  /** Name peers reach the node by on the stack's network (container name / per-node Service). */
  hostname: string;
  image: string;
  /** Arguments of the image's entrypoint (kafka-run). */
  args: string[];
  /** Non-secret environment only: secrets travel as files. */
  env: Record<string, string>;
  files: NodeFile[];
  /** Every port the node serves on the stack's network; the first is its liveness port. */
  ports: number[];
  /** Ports clients outside the stack reach, through `Platform.expose`. */
  publish: number[];
  /**
   * A member of a replicated set (a ZooKeeper member, a broker): a stable name and its own volume
   * per ordinal, restarted in place (Kubernetes: a StatefulSet). Otherwise a single service
   * that may be replaced freely (Kubernetes: a Deployment).
   */
  stable: boolean;
  /** A persistent volume mounted at `path`, sized by the target per role; none: the node keeps nothing. */
  data?: { path: string };
  /** Memory limit of the node (a JVM's heap plus its overhead, or a small service's whole need). */
  memoryMb: number;
  /** Command (argv) that exits 0 when the node serves. */
  healthcheck: string[];
  /** The broker's rack comes from the node's zone (KAFKA_BROKER_RACK), where the target knows zones. */
  rackAware?: boolean;
  /** The node talks to other sites (a broker with a site listener, a MirrorMaker): it joins the link between them. */
  linked?: boolean;
}

export interface PlatformNode {
  /** The resource to depend on for "this node is up and healthy". */
  ready: pulumi.Resource;
  /** Changes whenever the node is restarted with new files, config or image. */
  revision: pulumi.Output<string>;
}

export interface Platform {
  /**
   * Where clients outside the stack (on the host, or beyond the cluster) reach `port` of node
   * (role, ordinal), as host:port. An Output: a load balancer's address exists only once it is
   * created. Call it before the node: a broker advertises this address.
   */
  expose(role: Role, ordinal: number, port: number): pulumi.Output<string>;
  /** Creates a node as a child of `parent`, named from the parent's name. */
  node(name: string, spec: NodeSpec, parent: pulumi.Resource, dependsOn?: pulumi.Input<pulumi.Resource>[]): PlatformNode;
  /**
   * How other sites reach the broker known as `hostname`: a listener advertised for that purpose (Docker: on
   * the network that links the sites), or undefined: they use the external listener (Kubernetes:
   * its NodePort or load balancer already reaches beyond the cluster).
   */
  siteListener(hostname: string): { port: number; advertised: string } | undefined;
  /**
   * Every DNS name peers may know node `hostname` by, including what a reverse lookup of its
   * address returns: ZooKeeper's quorum TLS verifies a connecting peer's certificate against it.
   */
  dnsNames(hostname: string): string[];
}

/** A create an interrupted `pulumi up` had started, as the stack's state keeps it. */
export interface PendingOperation {
  type: string;
  resource: { urn: string; type: string; inputs?: { name?: string } };
}
