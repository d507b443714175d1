import * as kafka from "@pulumi/kafka";
import * as pulumi from "@pulumi/pulumi";
import type { TopicSpec } from "../config/types";

export interface TopicsArgs {
  topics: TopicSpec[];
  /** Host-reachable bootstrap servers of the cluster. */
  bootstrapServers: string[];
  /** The brokers: the provider connects only once they all serve. */
  brokers: pulumi.Resource[];
}

/**
 * The declared topics, through an explicit kafka provider bound to this cluster.
 * A topic is protected unless it says allowDelete: removing it, or a change that makes the
 * provider re-create it (fewer partitions), is refused by the engine before anything is lost.
 */
export class Topics extends pulumi.ComponentResource {
  readonly names: string[];

  constructor(name: string, args: TopicsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-platform:index:Topics", name, {}, opts);
    const provider = new kafka.Provider(`${name}-provider`, {
      bootstrapServers: args.bootstrapServers,
      // The brokers speak PLAINTEXT until security is switched on for the stack.
      tlsEnabled: false,
      timeout: 120,
    }, { parent: this, dependsOn: args.brokers });
    for (const t of args.topics) {
      new kafka.Topic(`${name}-${t.name}`, {
        name: t.name,
        partitions: t.partitions,
        replicationFactor: t.replicationFactor,
        config: t.config,
      }, { parent: this, provider, dependsOn: args.brokers, protect: !t.allowDelete });
    }
    this.names = args.topics.map((t) => t.name);
    this.registerOutputs({ names: this.names });
  }
}
