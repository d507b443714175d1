// What a secure broker adds to server.properties: TLS on every listener (mutual on the
// inter-broker one), SCRAM-SHA-512 or mTLS for clients, the ACL authorizer with nothing
// allowed by default, and the super users. Pure; the key material is mounted as files by
// the platform, never rendered here.
import type { EstateSpec } from "./spec";
import type { Listener, SiteListener } from "./broker";
import { PORTS, SECRET_FILES } from "./layout";
import { nodeName } from "./naming";

export const ADMIN_USER = "admin";
/** Principals the platform makes itself: a topology may not declare them. */
export const RESERVED_USERS: Readonly<Record<string, string>> = {
  [ADMIN_USER]: "the admin principal",
  "lag-exporter": "the lag exporter's principal",
  mirrormaker: "this site's MirrorMaker principal",
};
/** `mirror-<site>`: the principal another site's MirrorMaker reads this one as (mirrorReaders). */
export const RESERVED_USER_PREFIX = { prefix: "mirror-", what: "the principals of other sites' MirrorMakers (mirrorReaders)" };
/** The lag exporter's own principal on a secure stack: it may describe, never read or write. */
export const EXPORTER_USER = { name: "lag-exporter", roles: [{ role: "monitor" as const }] };
/** How SCRAM credentials are made, by the brokers' bootstrap and by the kafka provider alike. */
export const SCRAM = { mechanism: "SCRAM-SHA-512", iterations: 4096 } as const;
/** Leaf id and CN of the brokers' shared ZooKeeper client certificate. */
export const zookeeperClientId = (name: string) => `${name}-zookeeper-client`;

/** Kafka principal of a certificate: the CN alone, thanks to the mapping rule below. */
export const certPrincipal = (commonName: string) => `User:${commonName}`;

export function secureListeners(spec: Pick<EstateSpec, "security">, host: string, externalAdvertised: string, site?: SiteListener): Listener[] {
  const clients: Listener["protocol"] = spec.security.clientAuth === "mtls" ? "SSL" : "SASL_SSL";
  return [
    { name: "INTERNAL", port: PORTS.kafkaInternal, advertised: `${host}:${PORTS.kafkaInternal}`, protocol: "SSL" },
    { name: "CLIENT", port: PORTS.kafkaClient, advertised: `${host}:${PORTS.kafkaClient}`, protocol: clients },
    { name: "EXTERNAL", port: PORTS.kafkaExternal, advertised: externalAdvertised, protocol: clients },
    ...(site ? [{ name: "SITE", port: site.port, advertised: site.advertised, protocol: clients }] : []),
  ];
}

export function brokerSecurityProperties(spec: Pick<EstateSpec, "name" | "kafka" | "security">, siteListener = false): Record<string, string> {
  const clientListeners = ["client", "external", ...(siteListener ? ["site"] : [])];
  const brokers = Array.from({ length: spec.kafka.brokers }, (_, i) => certPrincipal(nodeName(spec, "kafka", i)));
  const props: Record<string, string> = {
    "authorizer.class.name": "kafka.security.authorizer.AclAuthorizer",
    "allow.everyone.if.no.acl.found": "false",
    "super.users": [...brokers, `User:${ADMIN_USER}`].join(";"),
    "ssl.keystore.type": "PEM",
    "ssl.keystore.location": SECRET_FILES.keystore,
    "ssl.truststore.type": "PEM",
    "ssl.truststore.location": SECRET_FILES.truststore,
    "ssl.enabled.protocols": "TLSv1.3,TLSv1.2",
    "ssl.endpoint.identification.algorithm": "https",
    "ssl.principal.mapping.rules": "RULE:^CN=([^,]+)$/$1/,DEFAULT",
    // Brokers prove who they are to each other; clients do so with SCRAM (or a certificate).
    "listener.name.internal.ssl.client.auth": "required",
  };
  // ZooKeeper over mutual TLS, and znodes readable/writable only by the brokers' identity.
  props["zookeeper.ssl.client.enable"] = "true";
  props["zookeeper.clientCnxnSocket"] = "org.apache.zookeeper.ClientCnxnSocketNetty";
  props["zookeeper.ssl.keystore.location"] = SECRET_FILES.zookeeperClient;
  props["zookeeper.ssl.keystore.type"] = "PEM";
  props["zookeeper.ssl.truststore.location"] = SECRET_FILES.truststore;
  props["zookeeper.ssl.truststore.type"] = "PEM";
  props["zookeeper.set.acl"] = "true";
  if (spec.security.clientAuth === "scram") {
    props["sasl.enabled.mechanisms"] = SCRAM.mechanism;
    for (const l of clientListeners) {
      props[`listener.name.${l}.${SCRAM.mechanism.toLowerCase()}.sasl.jaas.config`] = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
    }
  } else {
    for (const l of clientListeners) props[`listener.name.${l}.ssl.client.auth`] = "required";
  }
  return props;
}
