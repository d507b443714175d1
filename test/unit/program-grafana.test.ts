// With monitoring.grafana set (a user with a registry): Grafana next to Prometheus, provisioned
// with the stack's Prometheus and the repo's dashboards, its admin password only in a secret file.
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as YAML from "yaml";
import { repoRoot } from "../support/exec";
import { runProgramUnderMocks, type Created } from "../support/mock-program";

let created: Created[] = [];
const SECRET_MARK = "4dabf18193072939515e22adb298388d"; // how Pulumi marks a secret value
const unwrap = (v: any) => (v && typeof v === "object" && SECRET_MARK in v ? v.value : v);

beforeAll(async () => {
  created = await runProgramUnderMocks({
    target: "docker",
    environment: "dev",
    kafka: { brokers: 3, heapMb: 384 },
    zookeeper: { replicas: 1 },
    docker: { firstBrokerPort: 29092, grafanaPort: 23300 },
    monitoring: { grafana: { image: "grafana/grafana:11.3.0" } },
    topology: path.join(repoRoot, "test/fixtures/unit/topology.yaml"),
  }, (_type, inputs) => (typeof inputs.length === "number" ? { value: "g".repeat(inputs.length) } : {}));
});

describe("Grafana, when an image is configured", () => {
  it("runs with the stack's Prometheus as its data source and both dashboards provisioned, published on grafanaPort", () => {
    const g = created.find((c) => c.type === "docker:index/container:Container" && c.inputs.name === "kp-unit-grafana-0")!;
    const files = Object.fromEntries(unwrap(g.inputs.uploads).map((u: any) => [u.file, unwrap(u.content)]));
    expect(YAML.parse(files["/etc/grafana/provisioning/datasources/kafka-platform.yaml"]).datasources[0]).toMatchObject({ type: "prometheus", url: "http://kp-unit-prometheus-0:9090", isDefault: true });
    expect(YAML.parse(files["/etc/grafana/provisioning/dashboards/kafka-platform.yaml"]).providers[0].options.path).toBe("/etc/grafana/dashboards/kafka-platform");
    expect(Object.keys(files).filter((f) => f.startsWith("/etc/grafana/dashboards/")).sort()).toEqual([
      "/etc/grafana/dashboards/kafka-platform/cluster-overview.json", "/etc/grafana/dashboards/kafka-platform/consumer-lag.json",
    ]);
    expect((g.inputs.ports ?? []).map((p: any) => `${p.ip}:${p.external}->${p.internal}`)).toEqual(["127.0.0.1:23300->3000"]);
  });

  it("keeps its admin password in a secret file only: env points at the file", () => {
    const g = created.find((c) => c.inputs.name === "kp-unit-grafana-0")!;
    expect(g.inputs.uploads[SECRET_MARK]).toBeDefined();
    expect(g.inputs.envs).toContain("GF_SECURITY_ADMIN_PASSWORD__FILE=/etc/grafana/secrets/admin-password");
    const password = "g".repeat(32);
    expect(JSON.stringify([g.inputs.envs, g.inputs.command])).not.toContain(password);
    const secret = unwrap(g.inputs.uploads).find((u: any) => u.file === "/etc/grafana/secrets/admin-password");
    expect(unwrap(secret.content)).toBe(password);
  });
});
