// Names of everything a stack creates, derived from the estate's name (kp-<stack>), so two
// stacks never collide and a rename is a visible, reviewed change.
import type { EstateSpec } from "./spec";

export type Role = "zookeeper" | "kafka" | "mirrormaker" | "lag-exporter" | "prometheus" | "grafana";

/** Container / pod host name of node `ordinal` (0-based, like StatefulSet ordinals). */
export const nodeName = (spec: Pick<EstateSpec, "name">, role: Role, ordinal: number) => `${spec.name}-${role}-${ordinal}`;
export const networkName = (spec: Pick<EstateSpec, "name">) => spec.name;
export const volumeName = (spec: Pick<EstateSpec, "name">, role: Role, ordinal: number) => `${nodeName(spec, role, ordinal)}-data`;
