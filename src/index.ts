// Wiring only: load and validate config → refuse changes that would lose data → pick the
// platform → components → outputs. An async program: the data-loss check reads the stack's last
// deployment before any resource is declared, so a refusal changes nothing, in preview and up.
import * as pulumi from "@pulumi/pulumi";
import { adminProvider } from "./components/admin-provider";
import { ClusterTls } from "./components/cluster-tls";
import { exposeBrokers, KafkaCluster } from "./components/kafka-cluster";
import { MirrorMaker } from "./components/mirror-maker";
import { Monitoring } from "./components/monitoring";
import { Principals } from "./components/principals";
import { ScramUsers } from "./components/scram-users";
import { Topics } from "./components/topics";
import { ZooKeeperEnsemble } from "./components/zookeeper-ensemble";
import { loadDashboardFiles } from "./config/dashboards";
import { loadEstate, loadUserPasswords } from "./config/load";
import { previousDeployment } from "./config/previous";
import { resolveSources } from "./config/remote-sites";
import { mtlsProfile, scramProfile, type Profile } from "./model/profiles";
import { showPattern } from "./model/acls";
import { MIRROR_USER, mirrorPrincipals, readerUser } from "./model/mirror-acls";
import { ADMIN_USER, EXPORTER_USER, SCRAM } from "./model/security";
import { refusalMessage, refusedBrokerRemovals, refusedTopicChanges } from "./model/topic-changes";
import { createPlatform } from "./platforms";

export = async () => {
  const spec = loadEstate();
  const previous = await previousDeployment();
  const refused = [
    ...refusedTopicChanges(previous.topics, spec.topics, spec.topologySource),
    ...refusedBrokerRemovals(previous.brokerIds, spec.kafka.brokers, spec.allowDataLoss),
  ];
  if (refused.length) {
    throw new pulumi.RunError(refusalMessage(refused));
  }
  // Other sites' addresses, from their stacks: a flow whose source is not deployed yet waits.
  const sources = await resolveSources(spec.mirror.flows, spec.site);
  const platform = createPlatform(spec);
  const secure = spec.security.enabled;
  const scramClients = secure && spec.security.clientAuth === "scram";
  // Declared users plus the platform's own on a secure stack: the lag exporter's, this site's
  // MirrorMaker's, and those other sites' MirrorMakers read this one as.
  const mirrorUsers = secure ? mirrorPrincipals(spec) : [];
  const allUsers = [...spec.users, ...(secure && spec.monitoring.enabled ? [EXPORTER_USER] : []), ...mirrorUsers];
  const external = exposeBrokers(spec, platform);
  const tls = secure ? new ClusterTls("tls", { spec, users: allUsers, hostAddresses: external, dnsNames: (h) => platform.dnsNames(h) }) : undefined;
  const scram = scramClients ? new ScramUsers("scram", { users: allUsers, configured: loadUserPasswords() }) : undefined;
  const zookeeper = new ZooKeeperEnsemble("zookeeper", { spec, platform, tls });
  const cluster = new KafkaCluster("kafka", { spec, platform, external, zookeeper: zookeeper.members, tls, adminPassword: scram?.adminPassword, existingBrokers: previous.brokerIds });
  const provider = adminProvider("kafka-admin", {
    bootstrapServers: Object.values(cluster.hostAddresses), brokers: cluster.brokers, tls, adminPassword: scram?.adminPassword,
  });
  const declared = new Topics("topics", { topics: spec.topics, provider, brokers: cluster.brokers });
  cluster.placeReplicas([declared]);
  const credentials = scram?.credentials(provider, cluster.brokers) ?? [];
  const access = new Principals("principals", { users: allUsers, provider, dependsOn: [declared, ...credentials] });
  const mirrorMaker = sources.length > 0
    ? new MirrorMaker("mirrormaker", {
        spec, platform, sources,
        localBootstrapServers: cluster.internalBootstrapServers.split(","),
        secure: scram && tls ? { password: scram.passwords[MIRROR_USER], trust: tls.trust } : undefined,
        dependsOn: [...cluster.brokers, declared, access],
      })
    : undefined;
  const monitoring = spec.monitoring.enabled
    ? new Monitoring("monitoring", {
        spec, platform,
        bootstrapServers: cluster.internalBootstrapServers.split(","),
        secure: tls && {
          trust: tls.trust,
          credentials: scram
            ? scram.passwords[EXPORTER_USER.name].apply((password) => ({ scram: { username: EXPORTER_USER.name, password } }))
            : tls.client(`user-${EXPORTER_USER.name}`),
          certificates: tls.expiry,
        },
        dependsOn: [...cluster.brokers, access, ...(mirrorMaker ? [mirrorMaker] : [])],
        dashboards: spec.monitoring.grafana ? loadDashboardFiles() : undefined,
      })
    : undefined;

  const target = spec.target.kind;
  const bootstrapServers = cluster.bootstrapServers;
  const internalBootstrapServers = cluster.internalBootstrapServers;
  const brokers = cluster.hostAddresses;
  const zookeeperConnect = zookeeper.connect;
  const topics = declared.names;
  /** Also what the next deployment compares itself with (refusedTopicChanges). */
  const declaredTopics = spec.topics.map(({ name, partitions, replicationFactor, config, allowDelete }) => ({ name, partitions, replicationFactor, config, allowDelete }));
  const security = secure ? { clientAuth: spec.security.clientAuth, acls: access.aclCount } : { clientAuth: "none" };
  /** Who may do what (the platform's own principals too): the smoke test checks each one's allowed and denied operations. */
  const principals = secure ? allUsers.filter((u) => !mirrorUsers.includes(u)).map((u) => ({ name: u.name, roles: u.roles })) : undefined;
  /** Per reading site: the principal this site granted it, and whom to trust (read by that site's program, a secret). */
  const mirrorGrants = scram && tls && spec.mirror.readers.length
    ? pulumi.secret(pulumi.all([tls.trust, ...spec.mirror.readers.map((r) => scram.passwords[readerUser(r.site)])]).apply(([trust, ...passwords]) =>
        Object.fromEntries(spec.mirror.readers.map((r, i) => [r.site, {
          username: readerUser(r.site), password: passwords[i], trust,
          topics: r.topics.map(showPattern), groups: r.groups.map(showPattern),
        }]))))
    : undefined;
  const caCertificate = tls?.caCertificate;
  const lagExporterUrl = monitoring?.lagExporterUrl;
  const prometheusUrl = monitoring?.prometheusUrl;
  const grafanaUrl = monitoring?.grafanaUrl;
  const grafanaAdminPassword = monitoring?.grafanaAdminPassword && pulumi.secret(monitoring.grafanaAdminPassword);
  const certificatesExpireAt = tls?.expiry;
  /** This data centre's alias, and where other sites' MirrorMakers reach its brokers (read through a StackReference). */
  const site = spec.site;
  const siteBootstrapServers = cluster.siteBootstrapServers;
  /** Flows into this site: what `npm run dr` reads. `running`: the source was deployed, so the MirrorMaker runs it. */
  const mirrors = spec.mirror.flows.length
    ? spec.mirror.flows.map((f) => ({ ...f, running: sources.some((s) => s.flow.source === f.source) }))
    : undefined;

  /** SCRAM users: name → { username, password (secret), mechanism }, the admin included. */
  const users = scram
    ? pulumi.secret(pulumi.all(Object.fromEntries(
        [[ADMIN_USER, scram.adminPassword] as const, ...allUsers.map((u) => [u.name, scram.passwords[u.name]] as const)]
          .map(([name, password]) => [name, password.apply((p) => ({ username: name, password: p, mechanism: SCRAM.mechanism }))]),
      )))
    : undefined;

  /** mTLS identities: certificate and key (secret) per user, and the admin's. */
  const identities = tls && !scramClients
    ? Object.fromEntries([[ADMIN_USER, tls.client(ADMIN_USER)], ...allUsers.map((u) => [u.name, tls.client(`user-${u.name}`)] as const)])
    : undefined;
  const clients = identities ? pulumi.secret(pulumi.all(identities)) : undefined;

  /** Per identity: kafkajs config, Java client.properties and kcat arguments, ready to paste (secret). */
  const connectionProfiles = tls
    ? pulumi.secret(pulumi.all([tls.trust, users ?? {}, clients ?? {}, cluster.bootstrapServers]).apply(([trust, u, c, bootstrap]) => {
        const out: Record<string, Profile> = {};
        if (scramClients) {
          for (const [name, user] of Object.entries(u as Record<string, { password: string }>)) out[name] = scramProfile(bootstrap, trust, name, user.password);
        } else {
          for (const [name, id] of Object.entries(c as Record<string, { certificate: string; privateKey: string }>)) out[name] = mtlsProfile(bootstrap, trust, id.certificate, id.privateKey);
        }
        return out;
      }))
    : undefined;

  // The contract other tools (smoke test, console tools, benchmarks) read. A plaintext stack has
  // no security outputs: left out, not undefined (Pulumi warns about each undefined output).
  const outputs = {
    target, site, siteBootstrapServers, mirrors, mirrorGrants, bootstrapServers, internalBootstrapServers, brokers, zookeeperConnect, topics, declaredTopics, security, principals,
    caCertificate, certificatesExpireAt, users, clients, connectionProfiles, lagExporterUrl, prometheusUrl, grafanaUrl, grafanaAdminPassword,
  };
  return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined));
};
