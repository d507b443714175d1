// The Kubernetes target: a namespace per stack; each member of a replicated set (ZooKeeper, a
// broker) a StatefulSet of one pod with its own volume claim and a headless Service named like
// the node, so peers know it by the same host name as on Docker; single services (lag exporter,
// Prometheus) Deployments. Files: ConfigMaps, and Secrets for key material and credentials.
// Per-node sets keep the roll one broker at a time behind the in-sync gates (as on Docker).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PORTS } from "../../model/layout";
import { nodeName, type Role } from "../../model/naming";
import type { EstateSpec, KubernetesSpec } from "../../model/spec";
import { localImageId } from "../local-image";
import { RolledOut } from "./rollout";
import type { NodeSpec, Platform, PlatformNode } from "../types";
import {
  disruptionBudget, externalService, nodeDnsNames, nodeLabels, nodeService, podTemplate, splitFiles, zookeeperPolicy,
} from "./manifests";

const GI_BY_ROLE: Partial<Record<Role, keyof KubernetesSpec["storage"]>> = { kafka: "kafkaGi", zookeeper: "zookeeperGi", prometheus: "prometheusGi" };

export class KubernetesPlatform extends pulumi.ComponentResource implements Platform {
  readonly provider: k8s.Provider;
  readonly namespace: k8s.core.v1.Namespace;
  private readonly perRole = new Set<Role>();
  private readonly imageIds = new Map<string, string | undefined>();
  /** Prefix of the platform's own children (external Services, budgets, policies). */
  private readonly base: string;

  constructor(name: string, private readonly spec: EstateSpec, private readonly target: KubernetesSpec, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-platform:kubernetes:Platform", name, {}, opts);
    this.base = name;
    this.provider = new k8s.Provider(`${name}-provider`, {
      ...(target.kubeconfig ? { kubeconfig: target.kubeconfig } : {}),
      ...(target.context ? { context: target.context } : {}),
      namespace: target.namespace,
    }, { parent: this });
    this.namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
      metadata: { name: target.namespace, labels: { "app.kubernetes.io/managed-by": "kafka-platform", "app.kubernetes.io/instance": spec.name } },
    }, {
      parent: this,
      provider: this.provider,
      // The volumes live in the namespace: kept with them (see storage.retainOnDestroy).
      retainOnDelete: target.storage.retainOnDestroy,
    });
    this.registerOutputs({ namespace: this.namespace.metadata.name });
  }

  /** Every object: through the stack's provider, after its namespace. */
  private opts(parent: pulumi.Resource, dependsOn: pulumi.Input<pulumi.Resource>[] = []): pulumi.CustomResourceOptions {
    return { parent, provider: this.provider, dependsOn: [this.namespace, ...dependsOn] as pulumi.Input<pulumi.Resource>[] };
  }

  dnsNames(hostname: string): string[] {
    return nodeDnsNames(hostname, this.target.namespace);
  }

  /** Other sites use the external listener: a NodePort or load balancer already reaches beyond the cluster. */
  siteListener(): undefined {
    return undefined;
  }

  expose(role: Role, ordinal: number, port: number): pulumi.Output<string> {
    const hostname = nodeName(this.spec, role, ordinal);
    const svc = new k8s.core.v1.Service(`${this.base}-${role}-${ordinal}-external`,
      externalService(this.target, this.spec.name, role, ordinal, hostname, port), this.opts(this));
    const e = this.target.external;
    if (e.type === "NodePort") {
      return svc.spec.ports.apply((ports) => `${e.host}:${ports[0].nodePort}`);
    }
    // Known once the cloud has made the load balancer (the provider waits for it).
    return svc.status.loadBalancer.ingress.apply((ingress) => `${ingress[0].ip || ingress[0].hostname}:${port}`);
  }

  /** A rebuilt image keeps its tag: its local id in the pod template rolls the pods that run it. */
  private imageAnnotations(image: string): Record<string, string> {
    if (!this.imageIds.has(image)) this.imageIds.set(image, localImageId(image));
    const id = this.imageIds.get(image);
    return id ? { "kafka-platform/image-id": id } : {};
  }

  /** Once per role: a disruption budget, and ZooKeeper's network policy. */
  private roleObjects(role: Role): void {
    if (this.perRole.has(role)) return;
    this.perRole.add(role);
    const ns = this.target.namespace;
    new k8s.policy.v1.PodDisruptionBudget(`${this.base}-${role}-pdb`, disruptionBudget(role, ns, this.spec.name), this.opts(this));
    if (role === "zookeeper") {
      new k8s.networking.v1.NetworkPolicy(`${this.base}-zookeeper-ingress`,
        zookeeperPolicy(ns, this.spec.name, this.spec.monitoring.jmx ? PORTS.jmxMetrics : undefined), this.opts(this));
    }
  }

  node(name: string, node: NodeSpec, parent: pulumi.Resource, dependsOn: pulumi.Input<pulumi.Resource>[] = []): PlatformNode {
    this.roleObjects(node.role);
    const ns = this.target.namespace;
    const labels = nodeLabels(this.spec.name, node.role, node.ordinal);
    // Auto-named and replaced on any change (the provider's default for both kinds): the pod
    // template then names a new object, and the change rolls the pod.
    const { plain, secret } = splitFiles(node);
    const configMap = Object.keys(plain).length
      ? new k8s.core.v1.ConfigMap(`${name}-files`, { metadata: { namespace: ns, labels }, data: plain }, this.opts(parent))
      : undefined;
    const secretObj = Object.keys(secret).length
      ? new k8s.core.v1.Secret(`${name}-secrets`, { metadata: { namespace: ns, labels }, type: "Opaque", stringData: pulumi.secret(secret) as never }, this.opts(parent))
      : undefined;
    new k8s.core.v1.Service(`${name}-dns`, nodeService(node, ns, this.spec.name), this.opts(parent));
    const cpu = node.role === "kafka" ? this.target.cpu.kafka : node.role === "zookeeper" ? this.target.cpu.zookeeper : this.target.cpu.monitoring;
    const giKey = GI_BY_ROLE[node.role];
    const size = `${giKey ? this.target.storage[giKey] : 1}Gi`;
    const claimSpec = {
      accessModes: ["ReadWriteOnce"],
      ...(this.target.storage.className ? { storageClassName: this.target.storage.className } : {}),
      resources: { requests: { storage: size } },
    };
    const template = (claim?: pulumi.Input<string>) => podTemplate({
      node, target: this.target, stackName: this.spec.name, cpu, claim,
      configMap: configMap?.metadata.name, secret: secretObj?.metadata.name,
      annotations: this.imageAnnotations(node.image),
    });

    if (node.stable) {
      const set = new k8s.apps.v1.StatefulSet(name, {
        metadata: { name: node.hostname, namespace: ns, labels },
        spec: {
          replicas: 1,
          serviceName: node.hostname,
          selector: { matchLabels: labels },
          podManagementPolicy: "Parallel",
          updateStrategy: { type: "RollingUpdate" },
          persistentVolumeClaimRetentionPolicy: {
            whenDeleted: this.target.storage.retainOnDestroy ? "Retain" : "Delete",
            whenScaled: "Retain",
          },
          template: template(),
          volumeClaimTemplates: node.data ? [{ metadata: { name: "data", labels }, spec: claimSpec }] : [],
        },
      }, this.opts(parent, dependsOn));
      return this.rolledOut(name, "statefulset", node.hostname, set, parent);
    }

    const claim = node.data
      ? new k8s.core.v1.PersistentVolumeClaim(`${name}-data`, { metadata: { name: `${node.hostname}-data`, namespace: ns, labels }, spec: claimSpec }, {
          ...this.opts(parent), retainOnDelete: this.target.storage.retainOnDestroy,
        })
      : undefined;
    const deployment = new k8s.apps.v1.Deployment(name, {
      metadata: { name: node.hostname, namespace: ns, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        // A volume can be mounted by one pod: the old one goes before the new one starts.
        strategy: { type: node.data ? "Recreate" : "RollingUpdate" },
        template: template(claim?.metadata.name),
      },
    }, this.opts(parent, dependsOn));
    return this.rolledOut(name, "deployment", node.hostname, deployment, parent);
  }

  /** Ready = the pods run the object's current spec (see rollout.ts); revision = that spec's generation. */
  private rolledOut(name: string, kind: "statefulset" | "deployment", objectName: string, obj: k8s.apps.v1.StatefulSet | k8s.apps.v1.Deployment, parent: pulumi.Resource): PlatformNode {
    const ready = new RolledOut(`${name}-rolled-out`, {
      kind, name: objectName, namespace: this.target.namespace, generation: obj.metadata.generation,
      ...(this.target.kubeconfig ? { kubeconfig: this.target.kubeconfig } : {}), ...(this.target.context ? { context: this.target.context } : {}),
      timeoutSeconds: 600,
    }, { parent, dependsOn: [obj] });
    return { ready, revision: pulumi.interpolate`${obj.metadata.uid}/${ready.generation}` };
  }
}
