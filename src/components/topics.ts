import * as kafka from "@pulumi/kafka";
import * as pulumi from "@pulumi/pulumi";
import type { TopicSpec } from "../model/spec";

export interface TopicsArgs {
  topics: TopicSpec[];
  /** The cluster's admin provider (see adminProvider). */
  provider: kafka.Provider;
  /** The brokers: topics are created only once they all serve. */
  brokers: pulumi.Resource[];
}

/**
 * The declared topics. A topic is protected unless it says allowDelete: removing it, or a
 * change that makes the provider re-create it (fewer partitions), is refused by the engine
 * before anything is lost.
 */
export class Topics extends pulumi.ComponentResource {
  readonly names: string[];

  constructor(name: string, args: TopicsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-platform:index:Topics", name, {}, opts);
    for (const t of args.topics) {
      new kafka.Topic(`${name}-${t.name}`, {
        name: t.name,
        partitions: t.partitions,
        replicationFactor: t.replicationFactor,
        config: t.config,
      }, { parent: this, provider: args.provider, dependsOn: args.brokers, protect: !t.allowDelete });
    }
    this.names = args.topics.map((t) => t.name);
    this.registerOutputs({ names: this.names });
  }
}
