import * as pulumi from "@pulumi/pulumi";
import type { SourceSite } from "../config/remote-sites";
import { jvmEnv, jvmMemoryMb, MIRROR_FILES, PORTS } from "../model/layout";
import { renderMirrorCredentials, renderMirrorMakerProperties } from "../model/mirror";
import { MIRROR_USER } from "../model/mirror-acls";
import { nodeName } from "../model/naming";
import type { EstateSpec } from "../model/spec";
import type { NodeFile, Platform } from "../platforms/types";

export interface MirrorMakerArgs {
  spec: EstateSpec;
  platform: Platform;
  /** This site's brokers, for containers on its network. */
  localBootstrapServers: string[];
  /** The flows whose source site is deployed (from a secure source, with the principal it granted this site). */
  sources: SourceSite[];
  /** A secure site: this site's MirrorMaker principal's password, and the CAs to trust here. */
  secure?: { password: pulumi.Output<string>; trust: pulumi.Output<string> };
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
      local: { alias: spec.site, bootstrapServers: args.localBootstrapServers, secure: !!args.secure },
      sources: args.sources.map((s) => ({ flow: s.flow, cluster: { alias: s.flow.source, bootstrapServers: s.bootstrapServers, secure: !!s.access } })),
    });
    // Passwords only in the secret credentials file (FileConfigProvider), CAs beside it.
    const logins = [
      ...(args.secure ? [{ alias: spec.site, username: MIRROR_USER, password: args.secure.password, trust: args.secure.trust }] : []),
      ...args.sources.flatMap((s) => (s.access ? [{ alias: s.flow.source, ...s.access }] : [])),
    ];
    const secretFiles: NodeFile[] = logins.length === 0 ? [] : [
      {
        path: MIRROR_FILES.credentials,
        secret: true,
        content: pulumi.secret(pulumi.all(logins.map((l) => l.password)).apply((passwords) =>
          renderMirrorCredentials(Object.fromEntries(logins.map((l, i) => [l.alias, { username: l.username, password: passwords[i] }]))))),
      },
      ...logins.map((l) => ({ path: MIRROR_FILES.trust(l.alias), content: l.trust })),
    ];
    // Ready: the REST server of exactly-once mode, else the JMX agent, answers once the JVM runs.
    const probe = m.exactlyOnce ? PORTS.mirrorMakerRest : spec.monitoring.jmx ? PORTS.jmxMetrics : undefined;
    const node = platform.node(name, {
      role: "mirrormaker",
      ordinal: 0,
      hostname: nodeName(spec, "mirrormaker", 0),
      image: spec.kafka.image,
      args: ["mirrormaker", MIRROR_FILES.config, "--clusters", spec.site],
      env: jvmEnv(m.heapMb, spec.monitoring.jmx),
      files: [{ path: MIRROR_FILES.config, content: config }, ...secretFiles],
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
