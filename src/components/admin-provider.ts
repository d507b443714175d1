import * as kafka from "@pulumi/kafka";
import * as pulumi from "@pulumi/pulumi";
import { ADMIN_USER } from "../model/security";
import type { ClusterTls } from "./cluster-tls";

export interface AdminProviderArgs {
  /** Host-reachable bootstrap servers: the engine runs on the host. */
  bootstrapServers: pulumi.Input<string>[];
  /** The provider connects only once every broker serves. */
  brokers: pulumi.Resource[];
  tls?: ClusterTls;
  /** SCRAM clients: the provider authenticates as the admin with this password. */
  adminPassword?: pulumi.Output<string>;
}

/** The kafka provider every topic, ACL and quota of the cluster goes through, as the admin. */
export function adminProvider(name: string, args: AdminProviderArgs, opts?: pulumi.CustomResourceOptions): kafka.Provider {
  // TLS with the cluster CA when security is on; then the admin signs in with SCRAM, or
  // with its client certificate when clients use mTLS.
  let security: Partial<kafka.ProviderArgs> = { tlsEnabled: false };
  if (args.tls) {
    security = { tlsEnabled: true, skipTlsVerify: false, caCert: args.tls.trust };
    if (args.adminPassword) {
      security = { ...security, saslMechanism: "scram-sha512", saslUsername: ADMIN_USER, saslPassword: args.adminPassword };
    } else {
      const admin = args.tls.client(ADMIN_USER);
      security = { ...security, clientCert: admin.apply((a) => a.certificate), clientKey: admin.apply((a) => a.privateKey) };
    }
  }
  return new kafka.Provider(name, {
    bootstrapServers: args.bootstrapServers,
    timeout: 120,
    ...security,
  }, {
    ...opts,
    dependsOn: args.brokers,
    // It used to be a child of the Topics component: without the alias, stacks deployed then
    // would see a new provider, and their (protected) topics a replacement.
    aliases: [{ name: "topics-provider", parent: pulumi.createUrn("topics", "kafka-platform:index:Topics") }],
  });
}
