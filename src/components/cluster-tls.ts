import * as pulumi from "@pulumi/pulumi";
import type { EstateSpec } from "../model/spec";
import type { KeyPairPem } from "../model/certs";
import { nodeName } from "../model/naming";
import { ADMIN_USER, zookeeperClientId } from "../model/security";
import { TlsMaterial, type LeafSpec } from "./tls-material";

/** "host:port" → host; "[v6]:port" → v6. */
const hostOf = (address: string): string => address.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
const isIp = (host: string): boolean => /^(\d{1,3})(\.\d{1,3}){3}$/.test(host) || host.includes(":");

export interface ClusterTlsArgs {
  spec: EstateSpec;
  /** Every client principal (declared users and the platform's own): each gets a certificate with mTLS clients. */
  users: { name: string }[];
  /** host:port the brokers are exposed on outside the stack, for the certificates' SANs. */
  hostAddresses: pulumi.Input<string>[];
  /** A node's DNS names on its platform, for the certificates' SANs. */
  dnsNames: (hostname: string) => string[];
}

/**
 * The cluster's CA and certificates: one per broker (server + client, for mutual TLS between
 * brokers), the admin principal's, and one per user when clients authenticate with mTLS.
 */
export class ClusterTls extends pulumi.ComponentResource {
  readonly caCertificate: pulumi.Output<string>;
  /** PEM bundle of every CA to trust (current, and the previous one during a rotation). */
  readonly trust: pulumi.Output<string>;
  readonly expiry: pulumi.Output<Record<string, string>>;
  private readonly certs: pulumi.Output<Record<string, KeyPairPem>>;
  private readonly chain: pulumi.Output<string>;

  constructor(name: string, args: ClusterTlsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-platform:index:ClusterTls", name, {}, opts);
    const { spec } = args;
    const tls = spec.security.tls;
    const leaf = (id: string, commonName: string, dnsNames: string[], ipAddresses: string[], usages: LeafSpec["usages"]): LeafSpec =>
      ({ id, commonName, dnsNames, ipAddresses, validityDays: tls.validityDays, usages });
    // An exposed address is an IP (a node, a load balancer's IP) or a name (a load balancer's host name).
    const exposed = pulumi.all(args.hostAddresses).apply((a) => [...new Set(a.map(hostOf))]);
    const brokers = exposed.apply((hosts) => {
      const ips = [...new Set(["127.0.0.1", ...hosts.filter(isIp)])];
      const names = hosts.filter((h) => !isIp(h));
      return Array.from({ length: spec.kafka.brokers }, (_, i) => {
        const host = nodeName(spec, "kafka", i);
        return leaf(host, host, [...new Set([...args.dnsNames(host), "localhost", ...names])], ips, ["server", "client"]);
      });
    });
    const leaves = brokers.apply((b): LeafSpec[] => [
      ...b,
      ...Array.from({ length: spec.zookeeper.replicas }, (_, i) => {
        const host = nodeName(spec, "zookeeper", i);
        return leaf(host, host, [...args.dnsNames(host), "localhost"], ["127.0.0.1"], ["server", "client"]);
      }),
      leaf(zookeeperClientId(spec.name), zookeeperClientId(spec.name), [], [], ["client"]),
      leaf(ADMIN_USER, ADMIN_USER, [], [], ["client"]),
      ...(spec.security.clientAuth === "mtls" ? args.users.map((u) => leaf(`user-${u.name}`, u.name, [], [], ["client"] as LeafSpec["usages"])) : []),
    ]);
    const material = new TlsMaterial(`${name}-material`, {
      caCommonName: `${spec.name}-ca`,
      validityDays: tls.validityDays,
      renewBeforeDays: tls.renewBeforeDays,
      rotation: tls.rotation,
      leaves,
    }, { parent: this });
    this.certs = material.certs;
    this.chain = material.chain.apply((c) => c ?? "");
    this.caCertificate = pulumi.unsecret(material.ca.apply((ca) => ca.certPem));
    this.trust = pulumi.unsecret(material.trust.apply((t) => t.join("")));
    // Expiry dates and the CA certificate are public; only keys stay secret.
    this.expiry = pulumi.unsecret(pulumi.all([material.ca, material.certs]).apply(([ca, certs]): Record<string, string> => ({
      ca: ca.notAfter,
      ...Object.fromEntries(Object.entries(certs).map(([id, c]) => [id, c.notAfter])),
    })));
    this.registerOutputs({ caCertificate: this.caCertificate, expiry: this.expiry });
  }

  /** PEM keystore of a leaf: PKCS#8 key, certificate, and the cross-signed CA during a rotation. A secret. */
  keystore(id: string): pulumi.Output<string> {
    return pulumi.secret(pulumi.all([this.certs, this.chain]).apply(([c, chain]) => c[id].keyPem + c[id].certPem + chain));
  }

  /** Certificate and key of a client principal: a secret. */
  client(id: string): pulumi.Output<{ certificate: string; privateKey: string }> {
    return pulumi.secret(this.certs.apply((c) => ({ certificate: c[id].certPem, privateKey: c[id].keyPem })));
  }
}
