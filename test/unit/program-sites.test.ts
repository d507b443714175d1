// The committed site 'west' under Pulumi mocks, with site 'east' deployed: its MirrorMaker is
// configured from east's stack outputs (a StackReference), joins the link between the sites,
// and the brokers advertise a listener for other sites on it.
import { beforeAll, describe, expect, it } from "vitest";
import { committedStackConfig, runProgramUnderMocks, type Created } from "../support/mock-program";

let created: Created[] = [];
const resolved: Record<string, unknown> = {};
const EAST = "kp-east-kafka-0.kp-sites:9094,kp-east-kafka-1.kp-sites:9094";

beforeAll(async () => {
  created = await runProgramUnderMocks(committedStackConfig("west"), () => ({}), {}, [], resolved, {
    "organization/kafka-platform/east": { site: "east", siteBootstrapServers: EAST },
  });
});

const container = (name: string) => created.find((c) => c.type === "docker:index/container:Container" && c.inputs.name === name)!;
const file = (c: Created, path: string) => (c.inputs.uploads as { file: string; content: string }[]).find((u) => u.file === path)?.content;

describe("site west, mirroring from a deployed east", () => {
  it("reads east's addresses through a StackReference to east's stack", () => {
    const refs = created.filter((c) => c.type === "pulumi:pulumi:StackReference").map((c) => c.inputs.name);
    expect(refs).toContain("organization/kafka-platform/east");
  });

  it("runs one MirrorMaker in dedicated mode for this site only, configured with east's site listener", () => {
    const mm = container("kp-unit-mirrormaker-0");
    expect(mm.inputs.command).toEqual(["mirrormaker", "/etc/kafka/mm2.properties", "--clusters", "west"]);
    const props = file(mm, "/etc/kafka/mm2.properties")!;
    expect(props).toContain(`east.bootstrap.servers=${EAST}\n`);
    expect(props).toContain("east->west.enabled=true\n");
    expect(props).toContain("west->east.enabled=false\n");
    expect(props).toContain("west.bootstrap.servers=kp-unit-kafka-0:9091,kp-unit-kafka-1:9091,kp-unit-kafka-2:9091\n");
    // It reaches east through the link, by the name east's brokers advertise there.
    expect(mm.inputs.networksAdvanced.map((n: { name: string }) => n.name)).toEqual(["kp-unit", "kp-sites"]);
  });

  it("gives brokers a SITE listener advertised on the link, and exports it for the other site", () => {
    const props = file(container("kp-unit-kafka-1"), "/etc/kafka/server.properties")!;
    expect(props).toMatch(/^advertised\.listeners=INTERNAL:\/\/kp-unit-kafka-1:9091,EXTERNAL:\/\/127\.0\.0\.1:19293,SITE:\/\/kp-unit-kafka-1\.kp-sites:9094$/m);
    expect(container("kp-unit-kafka-1").inputs.networksAdvanced[1]).toEqual({ name: "kp-sites", aliases: ["kp-unit-kafka-1.kp-sites"] });
    expect(resolved.site).toBe("west");
    expect(resolved.siteBootstrapServers).toBe("kp-unit-kafka-0.kp-sites:9094,kp-unit-kafka-1.kp-sites:9094,kp-unit-kafka-2.kp-sites:9094");
    expect((resolved.mirrors as { source: string; running: boolean }[]).map((m) => [m.source, m.running])).toEqual([["east", true]]);
  });

  it("scrapes the MirrorMaker and alerts when east's heartbeats stop arriving", () => {
    const prom = container("kp-unit-prometheus-0");
    expect(file(prom, "/etc/prometheus/prometheus.yml")).toContain("kp-unit-mirrormaker-0:7071");
    expect(file(prom, "/etc/prometheus/alerts.yml")).toContain("alert: MirrorReplicationStalled");
  });
});
