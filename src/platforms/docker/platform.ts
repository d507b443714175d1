// The Docker target: one user-defined bridge network per stack, one named volume and one
// container per node. Containers wait for their healthcheck, so "created" means "serving".
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DOCKER_HEALTHCHECK as H, PORTS } from "../../model/layout";
import type { DockerSpec, EstateSpec } from "../../model/spec";
import { networkName, volumeName, type Role } from "../../model/naming";
import { localImageId } from "../local-image";
import { SiteLink } from "./site-link";
import type { NodeSpec, Platform, PlatformNode } from "../types";

export class DockerPlatform extends pulumi.ComponentResource implements Platform {
  readonly network: docker.Network;
  /** The network linking the sites on this host (docker.siteNetwork), ensured to exist, owned by no stack. */
  private readonly link?: SiteLink;
  private readonly images = new Map<string, docker.RemoteImage>();

  constructor(
    name: string,
    private readonly spec: EstateSpec,
    private readonly target: DockerSpec,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("kafka-platform:docker:Platform", name, {}, opts);
    this.network = new docker.Network(`${name}-network`, {
      name: networkName(spec),
      driver: "bridge",
      labels: [{ label: "kafka-platform.stack", value: spec.stack }],
    }, { parent: this });
    if (target.siteNetwork) this.link = new SiteLink(`${name}-site-link`, { name: target.siteNetwork }, { parent: this });
    this.registerOutputs({ networkName: this.network.name });
  }

  /**
   * Images are built locally by setup (or pulled by a user with a registry); never removed on
   * destroy. A rebuilt image keeps its tag, and the provider would keep using the image id it
   * recorded: the local image's id is a pull trigger, so a rebuild replaces the image resource
   * and rolls the nodes that run it (shown as such in preview).
   */
  private image(ref: string): docker.RemoteImage {
    let img = this.images.get(ref);
    if (!img) {
      const id = ref.replace(/[^a-zA-Z0-9-]/g, "-");
      const local = localImageId(ref);
      img = new docker.RemoteImage(`${this.spec.name}-image-${id}`, { name: ref, keepLocally: true, ...(local ? { pullTriggers: [local] } : {}) }, { parent: this });
      this.images.set(ref, img);
    }
    return img;
  }

  /**
   * The host port a node's port is published on, from the stack's docker block; undefined: not
   * published (ZooKeeper's client port unless docker.firstZooKeeperPort asks for it).
   */
  private hostPort(role: Role, ordinal: number, port: number): number | undefined {
    const d = this.target;
    if (role === "kafka" && port === PORTS.kafkaExternal) return d.firstBrokerPort + ordinal;
    if (role === "zookeeper" && port === PORTS.zookeeperClient) return d.firstZooKeeperPort === undefined ? undefined : d.firstZooKeeperPort + ordinal;
    if (role === "lag-exporter" && port === PORTS.lagExporter) return d.lagExporterPort;
    if (role === "prometheus" && port === PORTS.prometheus) return d.prometheusPort;
    if (role === "grafana" && port === PORTS.grafana) return d.grafanaPort;
    return undefined;
  }

  expose(role: Role, ordinal: number, port: number): pulumi.Output<string> {
    const host = this.hostPort(role, ordinal, port);
    if (host === undefined) throw new Error(`the docker target publishes no host port for ${role} ${ordinal} port ${port}`);
    return pulumi.output(`${this.target.bindAddress}:${host}`);
  }

  /** Docker's embedded DNS answers reverse lookups with "<container>.<network>". */
  dnsNames(hostname: string): string[] {
    const linked = this.target.siteNetwork ? [this.siteHost(hostname)] : [];
    return [hostname, `${hostname}.${networkName(this.spec)}`, ...linked];
  }

  /** A node's name on the link: an alias only containers on the link resolve, like a data centre's public name. */
  private siteHost(hostname: string): string {
    return `${hostname}.${this.target.siteNetwork}`;
  }

  siteListener(hostname: string): { port: number; advertised: string } | undefined {
    return this.target.siteNetwork ? { port: PORTS.kafkaSite, advertised: `${this.siteHost(hostname)}:${PORTS.kafkaSite}` } : undefined;
  }

  node(name: string, node: NodeSpec, parent: pulumi.Resource, dependsOn: pulumi.Input<pulumi.Resource>[] = []): PlatformNode {
    const labels = [
      { label: "kafka-platform.stack", value: this.spec.stack },
      { label: "kafka-platform.role", value: node.role },
      { label: "kafka-platform.ordinal", value: String(node.ordinal) },
    ];
    const volume = node.data === undefined ? undefined : new docker.Volume(`${name}-data`, {
      name: volumeName(this.spec, node.role, node.ordinal),
      labels,
    }, { parent, retainOnDelete: false });
    const image = this.image(node.image);
    const container = new docker.Container(name, {
      name: node.hostname,
      hostname: node.hostname,
      image: image.imageId,
      command: node.args,
      envs: Object.entries(node.env).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`),
      uploads: node.files.map((f) =>
        f.secret
          // Root-owned and read-only: the broker (uid 1001, alone in its container) can read it,
          // not change it. Docker 20.10 cannot chown an upload into a stopped container.
          ? { file: f.path, content: pulumi.secret(f.content), permissions: "0444" }
          : { file: f.path, content: f.content }),
      volumes: volume ? [{ volumeName: volume.name, containerPath: node.data!.path }] : [],
      networksAdvanced: [
        { name: this.network.name, aliases: [node.hostname] },
        ...(node.linked && this.link ? [{ name: this.link.networkName, aliases: [this.siteHost(node.hostname)] }] : []),
      ],
      ports: node.publish.flatMap((p) => {
        const external = this.hostPort(node.role, node.ordinal, p);
        return external === undefined ? [] : [{ internal: p, external, ip: this.target.bindAddress }];
      }),
      restart: "unless-stopped",
      memory: node.memoryMb,
      // Equal to memory: no swap for a JVM. Left unset, Docker picks 2 × memory and the
      // provider reads that back as drift on every `up`.
      memorySwap: node.memoryMb,
      logDriver: "json-file",
      logOpts: { "max-size": "10m", "max-file": "3" },
      healthcheck: { tests: ["CMD", ...node.healthcheck], interval: `${H.intervalSeconds}s`, timeout: `${H.timeoutSeconds}s`, startPeriod: `${H.startPeriodSeconds}s`, retries: H.retries },
      wait: true,
      waitTimeout: 300,
      // Replace and destroy stop with SIGTERM first (the provider's default is SIGKILL): a broker
      // then moves its partition leaders away (controlled shutdown) and closes its logs cleanly.
      destroyGraceSeconds: 120,
      labels,
    }, {
      parent,
      dependsOn: node.linked && this.link ? [...dependsOn, this.link] : dependsOn,
      // Fixed names and host ports: the old container must go before its replacement starts.
      deleteBeforeReplace: true,
    });
    return { ready: container, revision: container.id };
  }
}
