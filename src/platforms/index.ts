// The one place that branches on the target.
import type { EstateSpec } from "../model/spec";
import { DockerPlatform } from "./docker/platform";
import { KubernetesPlatform } from "./kubernetes/platform";
import type { Platform } from "./types";

export function createPlatform(spec: EstateSpec): Platform {
  const target = spec.target;
  switch (target.kind) {
    case "docker":
      return new DockerPlatform("docker", spec, target);
    case "kubernetes":
      return new KubernetesPlatform("kubernetes", spec, target);
  }
}
