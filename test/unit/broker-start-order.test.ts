// When a broker starts relative to ZooKeeper: a new broker (first deploy, scale-up) starts beside
// the ensemble where the platform restarts a broker that gave up at once (Docker); a broker the
// stack already runs restarts only after ZooKeeper's changes, on every platform.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { KafkaCluster } from "../../src/components/kafka-cluster";
import { parseEstate } from "../../src/config/parse";
import type { NodeSpec, Platform, PlatformNode } from "../../src/platforms/types";

class RecordingPlatform implements Platform {
  readonly waits = new Map<string, pulumi.Input<pulumi.Resource>[]>();
  constructor(readonly brokersStartWithZooKeeper: boolean) {}
  expose(_role: string, ordinal: number): pulumi.Output<string> {
    return pulumi.output(`127.0.0.1:${19092 + ordinal}`);
  }
  node(name: string, _spec: NodeSpec, parent: pulumi.Resource, dependsOn: pulumi.Input<pulumi.Resource>[] = []): PlatformNode {
    this.waits.set(name, dependsOn);
    const ready = new pulumi.ComponentResource("test:index:Node", name, {}, { parent });
    return { ready, revision: pulumi.output(`${name}-revision`) };
  }
  siteListener() {
    return undefined;
  }
  dnsNames(hostname: string) {
    return [hostname];
  }
}

const spec = parseEstate({
  project: "kafka-platform", stack: "t",
  config: { target: "docker", environment: "dev", kafka: { brokers: 3 }, zookeeper: { replicas: 3 }, docker: { firstBrokerPort: 19092 } },
  topology: { topics: [] }, topologySource: "stacks/t/topology.yaml",
});

/** For each broker: whether it waits for the ZooKeeper members. */
function waitsForZooKeeper(brokersStartWithZooKeeper: boolean, existingBrokers: number[]): boolean[] {
  const platform = new RecordingPlatform(brokersStartWithZooKeeper);
  const zookeeper = [0, 1, 2].map((i) => new pulumi.ComponentResource("test:index:ZooKeeper", `zk-${i}`, {}));
  const external = [0, 1, 2].map((i) => platform.expose("kafka", i));
  new KafkaCluster("kafka", { spec, platform, external, zookeeper, existingBrokers });
  return [0, 1, 2].map((id) => {
    const waits = platform.waits.get(`kafka-${id}`)!;
    const onZk = zookeeper.filter((z) => waits.includes(z)).length;
    expect(onZk === 0 || onZk === zookeeper.length, `broker ${id} waits for some ZooKeeper members only`).toBe(true);
    return onZk === zookeeper.length;
  });
}

describe("when a broker starts relative to ZooKeeper", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks({
      newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
      call: () => ({}),
    }, "kafka-platform", "unit", false);
  });

  it("first deploy on Docker: every broker starts beside ZooKeeper", () => {
    expect(waitsForZooKeeper(true, [])).toEqual([false, false, false]);
  });

  it("scale-up on Docker: the brokers the stack runs wait for ZooKeeper's changes, the new one does not", () => {
    expect(waitsForZooKeeper(true, [0, 1])).toEqual([true, true, false]);
  });

  it("on a platform that backs off restarts (Kubernetes), every broker waits for ZooKeeper", () => {
    expect(waitsForZooKeeper(false, [])).toEqual([true, true, true]);
    expect(waitsForZooKeeper(false, [0, 1, 2])).toEqual([true, true, true]);
  });
});
