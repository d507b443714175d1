import * as kafka from "@pulumi/kafka";
import * as pulumi from "@pulumi/pulumi";
import type { UserSpec } from "../model/spec";
import { aclKey, expandAcls } from "../model/acls";

export interface PrincipalsArgs {
  users: UserSpec[];
  provider: kafka.Provider;
  /** ACLs on a topic are created after the topic. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** The users' ACLs (expanded from their roles) and quotas. */
export class Principals extends pulumi.ComponentResource {
  readonly aclCount: number;

  constructor(name: string, args: PrincipalsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-platform:index:Principals", name, {}, opts);
    const child = { parent: this, provider: args.provider, dependsOn: args.dependsOn };
    const acls = expandAcls(args.users);
    for (const a of acls) {
      new kafka.Acl(`${name}-${aclKey(a)}`, {
        aclPrincipal: a.principal,
        aclHost: a.host,
        aclOperation: a.operation,
        aclPermissionType: a.permission,
        aclResourceName: a.resourceName,
        aclResourceType: a.resourceType,
        resourcePatternTypeFilter: a.pattern,
      }, child);
    }
    for (const u of args.users) {
      if (!u.quota) continue;
      const config: Record<string, string> = {};
      if (u.quota.producerByteRate !== undefined) config["producer_byte_rate"] = String(u.quota.producerByteRate);
      if (u.quota.consumerByteRate !== undefined) config["consumer_byte_rate"] = String(u.quota.consumerByteRate);
      if (u.quota.requestPercentage !== undefined) config["request_percentage"] = String(u.quota.requestPercentage);
      new kafka.Quota(`${name}-quota-${u.name}`, { entityName: u.name, entityType: "user", config }, child);
    }
    this.aclCount = acls.length;
    this.registerOutputs({ aclCount: this.aclCount });
  }
}
