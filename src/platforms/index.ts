// The one place that branches on the target.
import type { EstateSpec } from "../model/spec";
import { DockerPlatform } from "./docker/platform";
import type { Platform } from "./types";

export function createPlatform(spec: EstateSpec): Platform {
  switch (spec.target) {
    case "docker":
      return new DockerPlatform("docker", spec);
    case "kubernetes":
      throw new Error("kafka-platform:target: 'kubernetes' is not implemented yet; use docker");
  }
}
