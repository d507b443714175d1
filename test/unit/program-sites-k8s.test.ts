// A site on Kubernetes mirroring from another: the same flow, through the external listener
// (Kubernetes has no site listener: a NodePort or load balancer already reaches beyond the cluster).
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/exec";
import { committedStackConfig, k8sObjects, runProgramUnderMocks, type Created } from "../support/mock-program";
import * as fs from "node:fs";
import * as os from "node:os";

let created: Created[] = [];
const outputs: Record<string, unknown> = {};

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-unit-sites-"));
  const topology = path.join(dir, "topology.yaml");
  fs.writeFileSync(topology, fs.readFileSync(path.join(repoRoot, "stacks/west/topology.yaml"), "utf8"));
  created = await runProgramUnderMocks({ ...committedStackConfig("dev-k8s"), site: "west", topology }, (type, inputs) =>
    type.startsWith("kubernetes:apps/v1:") ? { metadata: { ...inputs.metadata, uid: `uid-${inputs.metadata.name}`, generation: 1 } } : {}, {}, [], outputs,
  { "organization/kafka-platform/east": { site: "east", siteBootstrapServers: "10.0.0.5:31092,10.0.0.5:31093" } });
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a kubernetes site mirroring from east", () => {
  it("runs its MirrorMaker as a Deployment, configured with east's external addresses", () => {
    const mm = k8sObjects(created, "apps/v1:Deployment").find((d) => d.inputs.metadata.name === "kp-unit-mirrormaker-0")!;
    expect(mm.inputs.spec.template.spec.containers[0].args).toEqual(["mirrormaker", "/etc/kafka/mm2.properties", "--clusters", "west"]);
    const config = k8sObjects(created, "core/v1:ConfigMap").map((c) => Object.values(c.inputs.data ?? {}).join("\n")).find((d) => d.includes("east->west.enabled=true"));
    expect(config).toContain("east.bootstrap.servers=10.0.0.5:31092,10.0.0.5:31093\n");
  });

  it("exports its own external bootstrap as where other sites reach it", () => {
    expect(outputs.siteBootstrapServers).toBe(outputs.bootstrapServers);
    expect(outputs.site).toBe("west");
  });
});
