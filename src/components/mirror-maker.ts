import * as pulumi from "@pulumi/pulumi";
import type { SourceSite } from "../config/remote-sites";
import { jvmEnv, jvmMemoryMb, MIRROR_FILES, PORTS } from "../model/layout";
import { renderMirrorMakerProperties } from "../model/mirror";
import { nodeName } from "../model/naming";
import type { EstateSpec } from "../model/spec";
import type { Platform } from "../platforms/types";

export interface MirrorMakerArgs {
  spec: EstateSpec;
  platform: Platform;
  /** This site's brokers, for containers on its network. */
  localBootstrapServers: string[];
  /** The flows whose source site is deployed. */
  sources: SourceSite[];
  /** Starts once this site's cluster serves. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * This site's MirrorMaker 2 (dedicated mode, `--clusters <site>`): copies each flow's topics from
 * its source site, emits checkpoints and syncs groups' offsets here, so consumers can fail over.
 */
export class MirrorMaker extends pulumi.ComponentResource {
  readonly ready: pulumi.Resource;

  constructor(name: string, args: MirrorMakerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-platform:index:MirrorMaker", name, {}, opts);
    const { spec, platform } = args;
    const m = spec.mirror;
    const config = renderMirrorMakerProperties({
      spec,
      local: { alias: spec.site, bootstrapServers: args.localBootstrapServers },
      sources: args.sources.map((s) => ({ flow: s.flow, cluster: { alias: s.flow.source, bootstrapServers: s.bootstrapServers } })),
    });
    // Ready: the REST server of exactly-once mode, else the JMX agent, answers once the JVM runs.
    const probe = m.exactlyOnce ? PORTS.mirrorMakerRest : spec.monitoring.jmx ? PORTS.jmxMetrics : undefined;
    const node = platform.node(name, {
      role: "mirrormaker",
      ordinal: 0,
      hostname: nodeName(spec, "mirrormaker", 0),
      image: spec.kafka.image,
      args: ["mirrormaker", MIRROR_FILES.config, "--clusters", spec.site],
      env: jvmEnv(m.heapMb, spec.monitoring.jmx),
      files: [{ path: MIRROR_FILES.config, content: config }],
      stable: false,
      memoryMb: jvmMemoryMb(m.heapMb),
      ports: [...(m.exactlyOnce ? [PORTS.mirrorMakerRest] : []), ...(spec.monitoring.jmx ? [PORTS.jmxMetrics] : [])],
      publish: [],
      healthcheck: probe ? ["kafka-health", "tcp", String(probe)] : ["test", "-f", MIRROR_FILES.config],
      linked: true,
    }, this, args.dependsOn);
    this.ready = node.ready;
    this.registerOutputs({});
  }
}
