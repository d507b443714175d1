// Pure builders of the Kubernetes objects one node becomes: labels, the pod template, the
// per-node headless Service, an external Service, a PodDisruptionBudget and ZooKeeper's
// NetworkPolicy. No resources here (platform.ts creates them), so tests read them directly.
// Keys and lists are built in a fixed order: a reordering would be a needless rollout.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Role } from "../../model/naming";
import type { KubernetesSpec } from "../../model/spec";
import type { NodeSpec } from "../types";

/** The uid/gid every project image runs as (images/*, lag-exporter/Dockerfile). */
export const IMAGE_UID = 1001;
/** The cluster's DNS domain: what a pod's fully qualified name ends in. */
export const CLUSTER_DOMAIN = "cluster.local";
/** The zone label the API server copies onto a pod when it is scheduled (Kubernetes ≥ 1.35: PodTopologyLabels). */
export const POD_ZONE_LABEL = "topology.kubernetes.io/zone";
/** Where a node's files are mounted from: one volume for plain files, one for secret ones. */
const FILES_VOLUME = "files";
const SECRETS_VOLUME = "secrets";
const DATA_VOLUME = "data";

export const roleLabels = (stackName: string, role: Role): Record<string, string> => ({
  "app.kubernetes.io/name": "kafka-platform",
  "app.kubernetes.io/instance": stackName,
  "app.kubernetes.io/component": role,
});

/** Labels that select exactly one node's pod. */
export const nodeLabels = (stackName: string, role: Role, ordinal: number): Record<string, string> => ({
  ...roleLabels(stackName, role),
  "kafka-platform/ordinal": String(ordinal),
});

/** A ConfigMap / Secret key for file `i`: keys allow only [-._a-zA-Z0-9]. */
export const fileKey = (path: string, i: number) => `${i}-${path.split("/").pop()!.replace(/[^-._a-zA-Z0-9]/g, "_")}`;

/** What the ConfigMap and the Secret of a node hold, key → content, in the node's file order. */
export function splitFiles(node: NodeSpec): { plain: Record<string, pulumi.Input<string>>; secret: Record<string, pulumi.Input<string>> } {
  const plain: Record<string, pulumi.Input<string>> = {};
  const secret: Record<string, pulumi.Input<string>> = {};
  node.files.forEach((f, i) => ((f.secret ? secret : plain)[fileKey(f.path, i)] = f.content));
  return { plain, secret };
}

/** Every name a peer may know a node by: the per-node Service and the pod's own FQDN (reverse lookups). */
export function nodeDnsNames(hostname: string, namespace: string): string[] {
  const svc = `${hostname}.${namespace}.svc`;
  return [hostname, `${hostname}.${namespace}`, svc, `${svc}.${CLUSTER_DOMAIN}`, `${hostname}-0.${svc}.${CLUSTER_DOMAIN}`];
}

export interface PodTemplateArgs {
  node: NodeSpec;
  target: KubernetesSpec;
  stackName: string;
  /** Names of the node's ConfigMap and Secret (Outputs: auto-named, replaced on every change). */
  configMap?: pulumi.Input<string>;
  secret?: pulumi.Input<string>;
  /** Deployments with a volume mount an existing claim; StatefulSets use their claim template. */
  claim?: pulumi.Input<string>;
  /** Annotations that restart the pod when they change (a rebuilt image under the same tag). */
  annotations: Record<string, string>;
  cpu: string;
}

export function podTemplate(a: PodTemplateArgs): k8s.types.input.core.v1.PodTemplateSpec {
  const { node, target } = a;
  const mem = `${node.memoryMb}Mi`;
  const env: k8s.types.input.core.v1.EnvVar[] = Object.entries(node.env).sort(([x], [y]) => x.localeCompare(y)).map(([name, value]) => ({ name, value }));
  // broker.rack from the zone the pod landed in; an empty value (no zone label) means no rack.
  if (node.rackAware && target.zoneLabel === POD_ZONE_LABEL) {
    env.push({ name: "KAFKA_BROKER_RACK", valueFrom: { fieldRef: { fieldPath: `metadata.labels['${POD_ZONE_LABEL}']` } } });
  }
  const mounts: k8s.types.input.core.v1.VolumeMount[] = node.files.map((f, i) => ({
    name: f.secret ? SECRETS_VOLUME : FILES_VOLUME, mountPath: f.path, subPath: fileKey(f.path, i), readOnly: true,
  }));
  if (node.data) mounts.unshift({ name: DATA_VOLUME, mountPath: node.data.path });
  const volumes: k8s.types.input.core.v1.Volume[] = [];
  if (a.configMap) volumes.push({ name: FILES_VOLUME, configMap: { name: a.configMap } });
  // Root-owned and world-readable inside a pod of its own, like the Docker target's uploads.
  if (a.secret) volumes.push({ name: SECRETS_VOLUME, secret: { secretName: a.secret, defaultMode: 0o444 } });
  if (a.claim) volumes.push({ name: DATA_VOLUME, persistentVolumeClaim: { claimName: a.claim } });
  const labels = nodeLabels(a.stackName, node.role, node.ordinal);
  // Volumes that ignore fsGroup (host paths) arrive root-owned: hand the volume to the image's
  // user before it starts, as root with only the rights to chmod and chown (Bitnami's volumePermissions).
  const initContainers: k8s.types.input.core.v1.Container[] = node.data && target.storage.fixPermissions ? [{
    name: "volume-permissions",
    image: node.image,
    imagePullPolicy: target.imagePullPolicy,
    command: ["sh", "-c", `chmod 0770 ${node.data.path} && chown ${IMAGE_UID}:${IMAGE_UID} ${node.data.path}`],
    securityContext: { runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["CHOWN", "FOWNER"] } },
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
    volumeMounts: [{ name: DATA_VOLUME, mountPath: node.data.path }],
  }] : [];
  return {
    metadata: { labels, annotations: a.annotations },
    spec: {
      // Service links would put every Service of the namespace into the environment.
      enableServiceLinks: false,
      automountServiceAccountToken: false,
      // A broker moves its leaders away and closes its logs on SIGTERM (controlled shutdown).
      terminationGracePeriodSeconds: node.stable ? 120 : 30,
      securityContext: { runAsUser: IMAGE_UID, runAsGroup: IMAGE_UID, fsGroup: IMAGE_UID, runAsNonRoot: true },
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{
            weight: 100,
            podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: roleLabels(a.stackName, node.role) } },
          }],
        },
      },
      topologySpreadConstraints: [{
        maxSkew: 1, topologyKey: target.zoneLabel, whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: roleLabels(a.stackName, node.role) },
      }],
      initContainers,
      containers: [{
        name: node.role,
        image: node.image,
        imagePullPolicy: target.imagePullPolicy,
        args: node.args,
        env,
        ports: node.ports.map((p) => ({ containerPort: p, name: `p${p}` })),
        // Memory request = limit: a JVM sized by its heap must not be squeezed; no CPU limit (throttling stalls a broker).
        resources: { requests: { cpu: a.cpu, memory: mem }, limits: { memory: mem } },
        readinessProbe: { exec: { command: node.healthcheck }, initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 10, failureThreshold: 3 },
        // Alive while the first port accepts: a broker recovering its logs is not ready, and must not be killed for it.
        livenessProbe: { tcpSocket: { port: node.ports[0] }, initialDelaySeconds: 60, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        volumeMounts: mounts,
      }],
      volumes,
    },
  };
}

/** Per-node headless Service: DNS name = the node's host name, resolving to its pod even before it is ready (peers find each other). */
export function nodeService(node: NodeSpec, namespace: string, stackName: string) {
  return {
    metadata: { name: node.hostname, namespace, labels: nodeLabels(stackName, node.role, node.ordinal) },
    spec: {
      clusterIP: "None",
      publishNotReadyAddresses: true,
      selector: nodeLabels(stackName, node.role, node.ordinal),
      ports: node.ports.map((p) => ({ name: `p${p}`, port: p, targetPort: p })),
    },
  };
}

/** The NodePort a node's port is exposed on, from the stack's kubernetes block. */
export function nodePort(target: KubernetesSpec, role: Role, ordinal: number): number | undefined {
  const e = target.external;
  switch (role) {
    case "kafka": return e.firstBrokerNodePort + ordinal;
    case "lag-exporter": return e.lagExporterNodePort;
    case "prometheus": return e.prometheusNodePort;
    case "grafana": return e.grafanaNodePort;
    default: return undefined;
  }
}

/** A node's port for clients outside the cluster: a NodePort or a LoadBalancer Service of its own. */
export function externalService(target: KubernetesSpec, stackName: string, role: Role, ordinal: number, hostname: string, port: number) {
  const np = target.external.type === "NodePort" ? nodePort(target, role, ordinal) : undefined;
  return {
    metadata: { name: `${hostname}-external`, namespace: target.namespace, labels: nodeLabels(stackName, role, ordinal), annotations: target.external.annotations },
    spec: {
      type: target.external.type,
      selector: nodeLabels(stackName, role, ordinal),
      ports: [{ name: `p${port}`, port, targetPort: port, ...(np === undefined ? {} : { nodePort: np }) }],
    },
  };
}

/** At most one member of a role down by choice (a drain, an upgrade) at a time. */
export function disruptionBudget(role: Role, namespace: string, stackName: string) {
  return {
    metadata: { name: `${stackName}-${role}`, namespace, labels: roleLabels(stackName, role) },
    spec: { maxUnavailable: 1, selector: { matchLabels: roleLabels(stackName, role) } },
  };
}

/**
 * Only brokers (and the other members) reach ZooKeeper; Prometheus reaches its metrics port.
 * Enforced only where the cluster's network plugin enforces policies.
 */
export function zookeeperPolicy(namespace: string, stackName: string, metricsPort?: number) {
  const from = (role: Role) => ({ podSelector: { matchLabels: roleLabels(stackName, role) } });
  return {
    metadata: { name: `${stackName}-zookeeper`, namespace, labels: roleLabels(stackName, "zookeeper") },
    spec: {
      podSelector: { matchLabels: roleLabels(stackName, "zookeeper") },
      policyTypes: ["Ingress"],
      ingress: [
        { from: [from("kafka"), from("zookeeper")] },
        ...(metricsPort ? [{ from: [from("prometheus")], ports: [{ port: metricsPort, protocol: "TCP" }] }] : []),
      ],
    },
  };
}
