// zoo.cfg of an ensemble member. Pure.
import type { EstateSpec } from "../config/types";
import { DATA_DIRS, nodeName, PORTS } from "./naming";
import { renderProperties } from "./properties";

/** ZooKeeper's myid of node `ordinal`: ids start at 1. */
export const zookeeperId = (ordinal: number) => ordinal + 1;

export function zookeeperConnect(spec: Pick<EstateSpec, "name" | "zookeeper">): string {
  return Array.from({ length: spec.zookeeper.replicas }, (_, i) => `${nodeName(spec, "zookeeper", i)}:${PORTS.zookeeperClient}`).join(",");
}

export function renderZooCfg(spec: Pick<EstateSpec, "name" | "zookeeper">): string {
  const props: Record<string, string> = {
    "4lw.commands.whitelist": "ruok,srvr,mntr",
    // Its Jetty is not on the classpath, and nothing here needs the admin server.
    "admin.enableServer": "false",
    "autopurge.purgeInterval": "24",
    "autopurge.snapRetainCount": "3",
    clientPort: String(PORTS.zookeeperClient),
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
        `${nodeName(spec, "zookeeper", i)}:${PORTS.zookeeperPeer}:${PORTS.zookeeperElection};${PORTS.zookeeperClient}`;
    }
  }
  return renderProperties(props, `ZooKeeper ensemble ${spec.name} (${spec.zookeeper.replicas} node${spec.zookeeper.replicas > 1 ? "s" : ""})`);
}
