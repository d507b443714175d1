// After an interrupted `up` on Kubernetes nothing needs removing: the provider applies objects
// server-side, so a create of a fixed-name object that exists already adopts it, and an
// auto-named ConfigMap or Secret left over goes with the namespace. Only the state entries go.
import type { PendingOperation } from "../types";

export function kubernetesLeftovers(pending: PendingOperation[]): string[] {
  return pending.filter((o) => o.resource.type.startsWith("kubernetes:"))
    .map((o) => `${o.resource.type.replace(/^kubernetes:/, "")} ${o.resource.urn.split("::").pop()}: left (the next up applies it server-side and adopts it)`);
}
