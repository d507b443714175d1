import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aclKey, expandAcls, expandRole, parsePattern, patternMatches, type Role } from "../../src/model/acls";

describe("role expansion", () => {
  it("gives a producer Write and Describe on its topic, nothing else", () => {
    expect(expandRole("orders-app", { role: "producer", topic: "orders" }).map(aclKey)).toEqual([
      "orders-app:write:topic:orders",
      "orders-app:describe:topic:orders",
    ]);
  });

  it("gives a consumer Read+Describe on the topic and Read on its group, prefixes kept as prefixes", () => {
    const acls = expandRole("reports", { role: "consumer", topic: "orders.*", group: "reports-*" });
    expect(acls.map((a) => [a.resourceType, a.resourceName, a.pattern, a.operation])).toEqual([
      ["Topic", "orders.", "Prefixed", "Read"],
      ["Topic", "orders.", "Prefixed", "Describe"],
      ["Group", "reports-", "Prefixed", "Read"],
    ]);
    expect(acls.every((a) => a.principal === "User:reports" && a.permission === "Allow" && a.host === "*")).toBe(true);
  });

  it("gives an admin All on the cluster and on every topic, group and transactional id", () => {
    expect(expandRole("ops", { role: "admin" }).map(aclKey)).toEqual([
      "ops:all:cluster:kafka-cluster", "ops:all:topic:*", "ops:all:group:*", "ops:all:transactionalid:*",
    ]);
  });

  it("gives a monitor (the lag exporter) Describe on the cluster, every topic and every group: no Read, Write or change", () => {
    const acls = expandRole("lag-exporter", { role: "monitor" });
    expect(acls.map(aclKey)).toEqual(["lag-exporter:describe:cluster:kafka-cluster", "lag-exporter:describe:topic:*", "lag-exporter:describe:group:*"]);
    expect(acls.every((a) => a.operation === "Describe" && a.permission === "Allow")).toBe(true);
  });

  it("parses '*' alone as Kafka's wildcard and 'x*' as a prefix", () => {
    expect(parsePattern("*")).toEqual({ name: "*", pattern: "Literal" });
    expect(parsePattern("orders*")).toEqual({ name: "orders", pattern: "Prefixed" });
    expect(patternMatches(parsePattern("orders*"), "orders.eu")).toBe(true);
    expect(patternMatches(parsePattern("orders"), "orders.eu")).toBe(false);
  });
});

const roleArb: fc.Arbitrary<Role> = fc.oneof(
  fc.record({ role: fc.constant("producer" as const), topic: fc.constantFrom("a", "b", "c*") }),
  fc.record({ role: fc.constant("consumer" as const), topic: fc.constantFrom("a", "b"), group: fc.constantFrom("g", "h*") }),
  fc.constant({ role: "admin" as const }),
);
const usersArb = fc.uniqueArray(
  fc.record({ name: fc.constantFrom("u1", "u2", "u3", "u4"), roles: fc.array(roleArb, { maxLength: 4 }) }),
  { selector: (u) => u.name, maxLength: 4 },
);

/** Every order of `xs` (a permutation), not just the given one and its reverse. */
const permutation = <T>(xs: T[]) => fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length });

describe("expandAcls (properties)", () => {
  it("shuffles into many orders, not two (the property below relies on it)", () => {
    const orders = new Set(fc.sample(permutation([1, 2, 3, 4]), { numRuns: 300, seed: 1 }).map((p) => p.join("")));
    expect(orders.size).toBeGreaterThan(12);
  });

  it("does not depend on the order of users or roles", () => {
    const reordered = usersArb.chain((users) => fc.tuple(
      fc.constant(users),
      permutation(users).chain((us) => fc.tuple(...us.map((u) => permutation(u.roles).map((roles) => ({ ...u, roles }))))),
    ));
    fc.assert(fc.property(reordered, ([users, shuffled]) => {
      expect(expandAcls(shuffled)).toEqual(expandAcls(users));
    }));
  });

  it("has unique keys, and every binding comes from one of the user's roles", () => {
    fc.assert(fc.property(usersArb, (users) => {
      const acls = expandAcls(users);
      expect(new Set(acls.map(aclKey)).size).toBe(acls.length);
      for (const a of acls) {
        const u = users.find((x) => `User:${x.name}` === a.principal)!;
        expect(u.roles.flatMap((r) => expandRole(u.name, r)).map(aclKey)).toContain(aclKey(a));
      }
    }));
  });
});
