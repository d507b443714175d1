// MirrorMaker's principals on secure sites: exactly the bindings it needs on each side, and the
// checks that tell a site its source's grant does not cover a flow before anything changes.
import { describe, expect, it } from "vitest";
import { aclKey, parsePattern } from "../../src/model/acls";
import { covers, mirrorPrincipals, readerAcls, regexToPatterns, targetAcls, uncovered } from "../../src/model/mirror-acls";
import type { MirrorFlowSpec } from "../../src/model/spec";

const flow = (o: Partial<MirrorFlowSpec> = {}): MirrorFlowSpec => ({
  source: "east", stack: "east", topics: ["orders"], groups: ".*", policy: "prefix",
  intervals: { checkpointSeconds: 5, groupSyncSeconds: 5, refreshSeconds: 30, heartbeatSeconds: 1, offsetLagMax: 100 }, ...o,
});
const keys = (acls: ReturnType<typeof targetAcls>) => acls.map(aclKey);

describe("MirrorMaker regular expressions as ACL patterns", () => {
  it("say .*, name.* and names (dots literal, alternatives), and nothing else", () => {
    expect(regexToPatterns(".*")).toEqual([{ name: "*", pattern: "Literal" }]);
    expect(regexToPatterns("billing.*|audit\\.v1|payments")).toEqual([
      { name: "billing", pattern: "Prefixed" }, { name: "audit.v1", pattern: "Literal" }, { name: "payments", pattern: "Literal" },
    ]);
    expect(regexToPatterns("orders-[0-9]+")).toBeUndefined();
    expect(regexToPatterns("(a|b)")).toBeUndefined();
  });

  it("cover: * covers all; a prefix covers longer prefixes and names under it; a name only itself", () => {
    const p = parsePattern;
    expect(covers(p("*"), p("pay*"))).toBe(true);
    expect(covers(p("pay*"), p("payments"))).toBe(true);
    expect(covers(p("pay*"), p("payments.*"))).toBe(true);
    expect(covers(p("payments"), p("pay*"))).toBe(false);
    expect(covers(p("pay*"), p("*"))).toBe(false);
    expect(covers(p("orders"), p("orders"))).toBe(true);
    expect(covers(p("orders"), p("*"))).toBe(false);
  });

  it("name what a grant leaves out", () => {
    const grant = { topics: [parsePattern("orders")], groups: [parsePattern("billing*")] };
    expect(uncovered(flow({ topics: ["orders", "audit.*"], groups: "billing.*|ops" }), grant)).toEqual({ topics: ["audit*"], groups: ["ops"] });
    expect(uncovered(flow({ groups: "billing-eu" }), grant)).toEqual({ topics: [], groups: [] });
  });
});

describe("a source's grant to a reading site", () => {
  it("reads the granted topics and heartbeats, sees the granted groups' offsets: never writes, never the cluster", () => {
    expect(keys(readerAcls({ site: "west", topics: [parsePattern("orders")], groups: [parsePattern("billing*")] }))).toEqual([
      "mirror-west:describe:group:billing*",
      "mirror-west:describe:topic:heartbeats",
      "mirror-west:describe:topic:orders",
      "mirror-west:describeconfigs:topic:heartbeats",
      "mirror-west:describeconfigs:topic:orders",
      "mirror-west:read:topic:heartbeats",
      "mirror-west:read:topic:orders",
    ]);
  });
});

describe("this site's MirrorMaker principal", () => {
  it("writes its workers' topics, heartbeats and <source>.* here, joins <source>-mm2 and commits synced groups", () => {
    const acls = keys(targetAcls([flow({ groups: "billing" })], false));
    expect(acls.filter((k) => k.includes(":group:"))).toEqual([
      "mirrormaker:describe:group:billing", "mirrormaker:describe:group:east-mm2", "mirrormaker:read:group:billing", "mirrormaker:read:group:east-mm2",
    ]);
    for (const t of ["mm2-offsets.east.internal", "mm2-configs.east.internal", "mm2-status.east.internal", "mm2-offset-syncs.east.internal", "east.checkpoints.internal"]) {
      expect(acls.filter((k) => k.endsWith(`:topic:${t}`)).map((k) => k.split(":")[1]).sort()).toEqual(["create", "describe", "describeconfigs", "read", "write"]);
    }
    expect(acls.filter((k) => k.endsWith(":topic:east.*")).map((k) => k.split(":")[1]).sort())
      .toEqual(["alter", "alterconfigs", "create", "describe", "describeconfigs", "read", "write"]);
    expect(acls.filter((k) => k.endsWith(":topic:heartbeats")).map((k) => k.split(":")[1]).sort()).toEqual(["create", "describe", "describeconfigs", "write"]);
    // Nothing on the cluster, no wildcard topic, no delete, no transactions without exactly-once.
    expect(acls.filter((k) => /:cluster:|:topic:\*$|:delete:|:all:|transactionalid/.test(k))).toEqual([]);
  });

  it("with the identity policy writes only the flow's topics; with exactly-once gets its transactional ids", () => {
    const acls = keys(targetAcls([flow({ policy: "identity", topics: ["orders", "audit.*"] })], true));
    expect(acls).toContain("mirrormaker:write:topic:orders");
    expect(acls).toContain("mirrormaker:write:topic:audit*");
    expect(acls.some((k) => k.endsWith(":topic:east.*"))).toBe(false);
    expect(acls.filter((k) => k.includes("transactionalid"))).toEqual(["mirrormaker:describe:transactionalid:east-mm2*", "mirrormaker:write:transactionalid:east-mm2*"]);
  });

  it("exist only where needed: a site without flows has no MirrorMaker principal, one per granted reader", () => {
    const readers = [{ site: "west", topics: [parsePattern("orders")], groups: [parsePattern("*")] }];
    expect(mirrorPrincipals({ mirror: { flows: [], readers, heapMb: 256, exactlyOnce: false, flushIntervalMs: 1000 } }).map((u) => u.name)).toEqual(["mirror-west"]);
    expect(mirrorPrincipals({ mirror: { flows: [flow()], readers: [], heapMb: 256, exactlyOnce: false, flushIntervalMs: 1000 } }).map((u) => u.name)).toEqual(["mirrormaker"]);
  });
});
