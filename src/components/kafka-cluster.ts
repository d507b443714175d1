import * as pulumi from "@pulumi/pulumi";
import type { EstateSpec } from "../model/spec";
import { renderServerProperties, standardListeners, type SiteListener } from "../model/broker";
import { CONFIG_DIR, DATA_DIRS, jvmEnv, jvmMemoryMb, PORTS, SECRET_FILES } from "../model/layout";
import { nodeName } from "../model/naming";
import { ADMIN_USER, brokerSecurityProperties, SCRAM, secureListeners, zookeeperClientId } from "../model/security";
import type { NodeFile, NodeSpec, Platform } from "../platforms/types";
import type { ClusterTls } from "./cluster-tls";
import type { Identity } from "../clients/cluster";
import { ReplicationGate } from "./replication-gate";
import { RollGuard } from "./roll-guard";
import { Rebalance } from "./rebalance";
import { createHash } from "node:crypto";

export interface KafkaClusterArgs {
  spec: EstateSpec;
  platform: Platform;
  /** Each broker's external address (exposeBrokers). */
  external: pulumi.Output<string>[];
  /** Brokers start only once the ensemble is serving. */
  zookeeper: pulumi.Resource[];
  /** Present when the stack's security is on. */
  tls?: ClusterTls;
  /** With SCRAM clients: the admin's password, bootstrapped into ZooKeeper by the brokers. */
  adminPassword?: pulumi.Output<string>;
  /** Ids of the brokers the stack's last deployment ran: only these roll; the others start at once. */
  existingBrokers: number[];
}

/** A digest of what a node is declared to run: when it changes, the node restarts. */
function specDigest(node: Pick<NodeSpec, "image" | "args" | "env" | "files">): pulumi.Output<string> {
  return pulumi.all(node.files.map((f) => f.content)).apply((contents) => createHash("sha256")
    .update(JSON.stringify({ image: node.image, args: node.args, env: node.env, files: node.files.map((f, i) => [f.path, contents[i]]) }))
    .digest("hex"));
}

function brokerFiles(
  spec: EstateSpec, id: number, hostname: string, external: pulumi.Output<string>, site?: SiteListener, tls?: ClusterTls, adminPassword?: pulumi.Output<string>,
): NodeFile[] {
  // The advertised external address may be known only once the platform created it (a load balancer).
  const props = (render: (external: string) => string): NodeFile => ({ path: `${CONFIG_DIR}/server.properties`, content: external.apply(render) });
  if (!tls) return [props((e) => renderServerProperties(spec, id, standardListeners(hostname, e, site)))];
  return [
    props((e) => renderServerProperties(spec, id, secureListeners(spec, hostname, e, site), brokerSecurityProperties(spec, !!site))),
    { path: SECRET_FILES.keystore, content: tls.keystore(hostname), secret: true },
    { path: SECRET_FILES.truststore, content: tls.trust },
    { path: SECRET_FILES.zookeeperClient, content: tls.keystore(zookeeperClientId(spec.name)), secret: true },
    ...(adminPassword
      ? [{ path: SECRET_FILES.adminScram, content: pulumi.interpolate`${SCRAM.mechanism}=iterations=${SCRAM.iterations},password=${adminPassword}\n`, secret: true }]
      : []),
  ];
}

/** How the roll's gates reach the brokers: as the admin, like the kafka provider. A secret. */
function adminIdentity(tls?: ClusterTls, adminPassword?: pulumi.Output<string>): pulumi.Output<Identity | undefined> {
  if (!tls) return pulumi.output(undefined);
  if (adminPassword) {
    // The trust is a PEM bundle: Node takes every CA in it.
    return pulumi.secret(pulumi.all([tls.trust, adminPassword]).apply(([ca, password]): Identity => ({ ca, scram: { username: ADMIN_USER, password } })));
  }
  return pulumi.secret(pulumi.all([tls.trust, tls.client(ADMIN_USER)]).apply(([ca, id]): Identity => ({ ca, certificate: id.certificate, privateKey: id.privateKey })));
}

/**
 * host:port of each broker's external listener, as the platform exposes it (reached from where
 * `pulumi up` runs, and by clients outside the stack). Asked once per stack: the platform may
 * create a resource per broker for it.
 */
export const exposeBrokers = (spec: EstateSpec, platform: Platform): pulumi.Output<string>[] =>
  Array.from({ length: spec.kafka.brokers }, (_, id) => platform.expose("kafka", id, PORTS.kafkaExternal));

/**
 * Brokers in ZooKeeper mode, each with an internal and a host-published listener. Brokers the
 * stack already ran are replaced one at a time: before one goes down, a guard waits until every
 * partition it hosts keeps min.insync.replicas without it; after it is back, a gate holds until it
 * is registered and no partition is under-replicated; only then may the next go. So a change that
 * restarts every broker (config, certificates) rolls through the cluster instead of stopping it.
 * New brokers (a first deploy, a scale-up) have nothing to roll: they start at once, in parallel.
 */
export class KafkaCluster extends pulumi.ComponentResource {
  /** Every broker and the gate after it: depend on these for "the cluster serves, in sync". */
  readonly brokers: pulumi.Resource[];
  /** broker id → host:port reachable from the host. */
  readonly hostAddresses: Record<string, pulumi.Output<string>>;
  /** Comma-separated, host-reachable. */
  readonly bootstrapServers: pulumi.Output<string>;
  /** Comma-separated, for containers on the stack's network. */
  readonly internalBootstrapServers: string;
  /** Comma-separated, for other sites' MirrorMakers: the site listener, or the external one where the platform has none. */
  readonly siteBootstrapServers: pulumi.Output<string>;
  private readonly identity: pulumi.Output<Identity | undefined>;
  private readonly spec: EstateSpec;
  private readonly prefix: string;

  constructor(name: string, args: KafkaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-platform:index:KafkaCluster", name, {}, opts);
    const { spec, platform } = args;
    this.hostAddresses = {};
    const internal: string[] = [];
    const siteAddresses: pulumi.Output<string>[] = [];
    const identity = adminIdentity(args.tls, args.adminPassword);
    this.identity = identity;
    this.spec = spec;
    this.prefix = name;
    const addresses = args.external;
    this.brokers = [];
    const existing = new Set(args.existingBrokers);
    const existingAddresses = pulumi.all(addresses.filter((_, id) => existing.has(id)));
    let previous: pulumi.Resource | undefined; // the gate after the last broker of the roll so far
    for (let id = 0; id < spec.kafka.brokers; id++) {
      const hostname = nodeName(spec, "kafka", id);
      const external = addresses[id];
      this.hostAddresses[String(id)] = external;
      // With security on, clients on the network use the CLIENT listener; INTERNAL is brokers-only.
      internal.push(`${hostname}:${args.tls ? PORTS.kafkaClient : PORTS.kafkaInternal}`);
      const site = platform.siteListener(hostname);
      siteAddresses.push(site ? pulumi.output(site.advertised) : external);
      const nodeSpec: NodeSpec = {
        role: "kafka",
        ordinal: id,
        hostname,
        image: spec.kafka.image,
        args: ["broker", `${CONFIG_DIR}/server.properties`],
        env: jvmEnv(spec.kafka.heapMb, spec.monitoring.jmx),
        files: brokerFiles(spec, id, hostname, external, site, args.tls, args.adminPassword),
        stable: true,
        data: { path: DATA_DIRS.kafka.replace(/\/data$/, "") },
        memoryMb: jvmMemoryMb(spec.kafka.heapMb),
        ports: [
          PORTS.kafkaInternal, ...(args.tls ? [PORTS.kafkaClient] : []), PORTS.kafkaExternal, ...(site ? [site.port] : []), ...(spec.monitoring.jmx ? [PORTS.jmxMetrics] : []),
        ],
        publish: [PORTS.kafkaExternal],
        healthcheck: ["kafka-health", "broker", String(PORTS.kafkaInternal)],
        rackAware: true,
        ...(site ? { linked: true } : {}),
      };
      const rolls = existing.has(id);
      const guard = new RollGuard(`${name}-${id}-can-roll`, {
        brokerId: id,
        spec: specDigest(nodeSpec),
        brokers: existingAddresses,
        timeoutSeconds: spec.kafka.rollStepTimeoutSeconds,
        identity,
      }, { parent: this, dependsOn: rolls && previous ? [previous] : [] });
      const node = platform.node(`${name}-${id}`, nodeSpec, this, [...args.zookeeper, guard]);
      const gate = new ReplicationGate(`${name}-${id}-in-sync`, {
        brokerId: id,
        after: node.revision,
        brokers: pulumi.all(addresses.slice(0, id + 1)),
        timeoutSeconds: spec.kafka.rollStepTimeoutSeconds,
        identity,
      }, { parent: this, dependsOn: [node.ready] });
      if (rolls) previous = gate;
      this.brokers.push(node.ready, gate);
    }
    this.bootstrapServers = pulumi.all(addresses).apply((a) => a.join(","));
    this.internalBootstrapServers = internal.join(",");
    this.siteBootstrapServers = pulumi.all(siteAddresses).apply((a) => a.join(","));
    this.registerOutputs({ bootstrapServers: this.bootstrapServers });
  }

  /**
   * Fits partition replicas to the declared brokers when they change (a scale-up or -down), after
   * `after` (the declared topics: their own changes first).
   */
  placeReplicas(after: pulumi.Resource[]): Rebalance {
    return new Rebalance(`${this.prefix}-replica-placement`, {
      brokerIds: Array.from({ length: this.spec.kafka.brokers }, (_, id) => id),
      brokers: pulumi.all(Object.values(this.hostAddresses)),
      identity: this.identity,
      timeoutSeconds: this.spec.kafka.rollStepTimeoutSeconds,
      throttleBytesPerSecond: this.spec.kafka.reassignThrottleBytesPerSecond,
    }, { parent: this, dependsOn: [...this.brokers, ...after] });
  }
}
