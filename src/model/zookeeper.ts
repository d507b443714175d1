// zoo.cfg of an ensemble member. Pure.
import type { EstateSpec } from "./spec";
import { DATA_DIRS, PORTS, SECRET_FILES } from "./layout";
import { nodeName } from "./naming";
import { renderProperties } from "./properties";

/** ZooKeeper's myid of node `ordinal`: ids start at 1. */
export const zookeeperId = (ordinal: number) => ordinal + 1;

type ZkSpec = Pick<EstateSpec, "name" | "zookeeper"> & Partial<Pick<EstateSpec, "security">>;
const secure = (spec: ZkSpec) => spec.security?.enabled === true;
const clientPort = (spec: ZkSpec) => (secure(spec) ? PORTS.zookeeperSecure : PORTS.zookeeperClient);

export function zookeeperConnect(spec: ZkSpec): string {
  return Array.from({ length: spec.zookeeper.replicas }, (_, i) => `${nodeName(spec, "zookeeper", i)}:${clientPort(spec)}`).join(",");
}

/** What a secure ensemble adds: TLS-only client port, mutual TLS, x509 identities, quorum TLS. */
function zookeeperTls(): Record<string, string> {
  const store = (prefix: string) => ({
    [`${prefix}.keyStore.location`]: SECRET_FILES.keystore,
    [`${prefix}.keyStore.type`]: "PEM",
    [`${prefix}.trustStore.location`]: SECRET_FILES.truststore,
    [`${prefix}.trustStore.type`]: "PEM",
  });
  return {
    secureClientPort: String(PORTS.zookeeperSecure),
    serverCnxnFactory: "org.apache.zookeeper.server.NettyServerCnxnFactory",
    "authProvider.x509": "org.apache.zookeeper.server.auth.X509AuthenticationProvider",
    "ssl.clientAuth": "need",
    ...store("ssl"),
    sslQuorum: "true",
    ...store("ssl.quorum"),
  };
}

export function renderZooCfg(spec: ZkSpec): string {
  const props: Record<string, string> = {
    "4lw.commands.whitelist": "ruok,srvr,mntr",
    // Its Jetty is not on the classpath, and nothing here needs the admin server.
    "admin.enableServer": "false",
    "autopurge.purgeInterval": "24",
    "autopurge.snapRetainCount": "3",
    ...(secure(spec) ? zookeeperTls() : { clientPort: String(PORTS.zookeeperClient) }),
    dataDir: DATA_DIRS.zookeeper,
    initLimit: "10",
    // A member must bind to its own name's address; listening on all is simpler and safe inside the network.
    quorumListenOnAllIPs: "true",
    reconfigEnabled: "false",
    syncLimit: "5",
    tickTime: "2000",
  };
  if (spec.zookeeper.replicas > 1) {
    for (let i = 0; i < spec.zookeeper.replicas; i++) {
      props[`server.${zookeeperId(i)}`] =
        `${nodeName(spec, "zookeeper", i)}:${PORTS.zookeeperPeer}:${PORTS.zookeeperElection}${secure(spec) ? "" : `;${PORTS.zookeeperClient}`}`;
    }
  }
  return renderProperties(props, `ZooKeeper ensemble ${spec.name} (${spec.zookeeper.replicas} node${spec.zookeeper.replicas > 1 ? "s" : ""})`);
}
