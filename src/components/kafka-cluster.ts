import * as pulumi from "@pulumi/pulumi";
import type { EstateSpec } from "../model/spec";
import { renderServerProperties, standardListeners, type SiteListener } from "../model/broker";
import { CONFIG_DIR, DATA_DIRS, jvmEnv, jvmMemoryMb, PORTS, SECRET_FILES } from "../model/layout";
import { nodeName } from "../model/naming";
import { ADMIN_USER, brokerSecurityProperties, SCRAM, secureListeners, zookeeperClientId } from "../model/security";
import type { NodeFile, Platform } from "../platforms/types";
import type { ClusterTls } from "./cluster-tls";
import type { Identity } from "../clients/cluster";
import { ReplicationGate } from "./replication-gate";

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

/** How long one broker may take to rejoin and catch up before the roll stops with an error. */
const ROLL_STEP_TIMEOUT_S = 600;

/**
 * Brokers in ZooKeeper mode, each with an internal and a host-published listener. Brokers are
 * made and replaced one at a time: broker i+1 waits for a gate that holds until broker i is
 * registered and no partition is under-replicated, so a change that restarts every broker
 * (config, certificates) rolls through the cluster instead of stopping it.
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

  constructor(name: string, args: KafkaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-platform:index:KafkaCluster", name, {}, opts);
    const { spec, platform } = args;
    this.hostAddresses = {};
    const internal: string[] = [];
    const siteAddresses: pulumi.Output<string>[] = [];
    const identity = adminIdentity(args.tls, args.adminPassword);
    const addresses = args.external;
    this.brokers = [];
    let previous: pulumi.Resource | undefined;
    for (let id = 0; id < spec.kafka.brokers; id++) {
      const hostname = nodeName(spec, "kafka", id);
      const external = addresses[id];
      this.hostAddresses[String(id)] = external;
      // With security on, clients on the network use the CLIENT listener; INTERNAL is brokers-only.
      internal.push(`${hostname}:${args.tls ? PORTS.kafkaClient : PORTS.kafkaInternal}`);
      const site = platform.siteListener(hostname);
      siteAddresses.push(site ? pulumi.output(site.advertised) : external);
      const node = platform.node(`${name}-${id}`, {
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
      }, this, previous ? [...args.zookeeper, previous] : args.zookeeper);
      previous = new ReplicationGate(`${name}-${id}-in-sync`, {
        brokerId: id,
        after: node.revision,
        brokers: pulumi.all(addresses.slice(0, id + 1)), // those that exist at this point of the roll
        timeoutSeconds: ROLL_STEP_TIMEOUT_S,
        identity,
      }, { parent: this, dependsOn: [node.ready] });
      this.brokers.push(node.ready, previous);
    }
    this.bootstrapServers = pulumi.all(addresses).apply((a) => a.join(","));
    this.internalBootstrapServers = internal.join(",");
    this.siteBootstrapServers = pulumi.all(siteAddresses).apply((a) => a.join(","));
    this.registerOutputs({ bootstrapServers: this.bootstrapServers });
  }
}
