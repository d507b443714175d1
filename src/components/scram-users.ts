import * as kafka from "@pulumi/kafka";
import * as pulumi from "@pulumi/pulumi";
import { SCRAM } from "../model/security";
import type { UserSpec } from "../model/spec";
import { GeneratedSecret } from "./generated-secret";

export interface ScramUsersArgs {
  users: UserSpec[];
  /** Passwords set with `pulumi config set --secret`, by user; the rest are generated. */
  configured: pulumi.Output<Record<string, string>>;
}

/**
 * Passwords of the admin and of every user (configured or generated once, secret), and the
 * users' SCRAM credentials once a provider exists (the admin's is bootstrapped by the brokers).
 */
export class ScramUsers extends pulumi.ComponentResource {
  readonly adminPassword: pulumi.Output<string>;
  readonly passwords: Record<string, pulumi.Output<string>> = {};

  constructor(private readonly name: string, private readonly args: ScramUsersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-platform:index:ScramUsers", name, {}, opts);
    this.adminPassword = new GeneratedSecret(`${name}-admin-password`, 32, { parent: this }).value;
    for (const u of args.users) {
      const generated = new GeneratedSecret(`${name}-${u.name}-password`, 32, { parent: this }).value;
      this.passwords[u.name] = pulumi.secret(pulumi.all([args.configured, generated]).apply(([c, g]) => c[u.name] ?? g));
    }
    this.registerOutputs({});
  }

  /** The users' credentials, written through the cluster's admin provider. */
  credentials(provider: kafka.Provider, dependsOn: pulumi.Input<pulumi.Resource>[]): kafka.UserScramCredential[] {
    return this.args.users.map((u) => new kafka.UserScramCredential(`${this.name}-${u.name}`, {
      username: u.name,
      password: this.passwords[u.name],
      scramMechanism: SCRAM.mechanism,
      scramIterations: SCRAM.iterations,
    }, { parent: this, provider, dependsOn }));
  }
}
