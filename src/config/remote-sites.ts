// The other data centres this site mirrors from, read from their own stacks' outputs through a
// StackReference (never copied by hand). Awaited before any resource is declared: whether a
// flow can run (its source deployed) decides whether this site runs a MirrorMaker at all, and a
// secure source that has not granted this site what the flow reads stops the program here,
// before anything changes.
import * as pulumi from "@pulumi/pulumi";
import { parsePattern } from "../model/acls";
import { regexToPatterns, uncovered } from "../model/mirror-acls";
import type { MirrorFlowSpec } from "../model/spec";

/** What a secure source exports per reading site (its `mirrorGrants` output, a secret). */
export interface MirrorGrantOutput {
  username: string;
  password: string;
  /** Granted topics and groups: names, prefix* or *. */
  topics: string[];
  groups: string[];
  /** PEM bundle of the CAs the source's certificates chain to. */
  trust: string;
}

export interface SourceSite {
  flow: MirrorFlowSpec;
  /** Where this site's MirrorMaker reaches the source's brokers (its site listener). */
  bootstrapServers: string[];
  /** A secure source: the principal it granted this site, and whom to trust. */
  access?: { username: string; password: pulumi.Output<string>; trust: string };
}

/** The fully qualified name of a flow's stack: a bare stack name is in this organization and project. */
export function qualifiedStack(stack: string): string {
  return stack.includes("/") ? stack : `${pulumi.getOrganization()}/${pulumi.getProject()}/${stack}`;
}

/**
 * Each flow with its source's addresses (and, from a secure source, this site's grant), or left
 * out with a warning while the source stack has not been deployed: sites that mirror each other
 * come up one after the other, and the first one's flow starts on its next `up`.
 */
export async function resolveSources(flows: MirrorFlowSpec[], here: string): Promise<SourceSite[]> {
  const out: SourceSite[] = [];
  const problems: string[] = [];
  for (const flow of flows) {
    const ref = new pulumi.StackReference(`site-${flow.source}`, { name: qualifiedStack(flow.stack) });
    const [site, bootstrap, security, grants] = await Promise.all(
      ["site", "siteBootstrapServers", "security", "mirrorGrants"].map((k) => ref.getOutputDetails(k)));
    const w = `mirror from '${flow.source}' (stack '${flow.stack}')`;
    if (typeof bootstrap.value !== "string" || bootstrap.value === "") {
      void pulumi.log.warn(`mirror from '${flow.source}': stack '${flow.stack}' has no siteBootstrapServers output yet (not deployed); the flow starts on the next up after it is`);
      continue;
    }
    if (site.value !== flow.source) {
      problems.push(`${w}: the stack is site '${String(site.value)}', not '${flow.source}'`);
      continue;
    }
    const clientAuth = (security.value as { clientAuth?: string } | undefined)?.clientAuth ?? "none";
    if (clientAuth === "none") {
      out.push({ flow, bootstrapServers: bootstrap.value.split(",") });
      continue;
    }
    if (clientAuth !== "scram") {
      problems.push(`${w}: the source authenticates clients with ${clientAuth}; MirrorMaker reads sites with SCRAM (security.clientAuth scram there)`);
      continue;
    }
    const grant = ((grants.secretValue ?? grants.value) as Record<string, MirrorGrantOutput> | undefined)?.[here];
    if (!grant) {
      problems.push(`${w}: the source grants site '${here}' nothing; add to its topology \`mirrorReaders: [{ site: ${here}, topics: [${flow.topics.join(", ")}] }]\` and run up there`);
      continue;
    }
    const inexpressible = [...flow.topics, flow.groups].filter((t) => !regexToPatterns(t));
    if (inexpressible.length) {
      problems.push(`${w}: ${inexpressible.map((t) => `'${t}'`).join(", ")}: a secure source grants topics and groups by name, name.* or .*`);
      continue;
    }
    const missing = uncovered(flow, { topics: grant.topics.map(parsePattern), groups: grant.groups.map(parsePattern) });
    if (missing.topics.length || missing.groups.length) {
      problems.push(`${w}: the source's grant to '${here}' (topics [${grant.topics.join(", ")}], groups [${grant.groups.join(", ")}]) does not cover` +
        `${missing.topics.length ? ` topics [${missing.topics.join(", ")}]` : ""}${missing.groups.length ? ` groups [${missing.groups.join(", ")}]` : ""}; widen its mirrorReaders entry or narrow this flow`);
      continue;
    }
    out.push({ flow, bootstrapServers: bootstrap.value.split(","), access: { username: grant.username, password: pulumi.secret(grant.password), trust: grant.trust } });
  }
  if (problems.length) throw new pulumi.RunError(`${problems.length} problem(s) with the sites this one mirrors from; nothing was changed:\n  - ${problems.join("\n  - ")}`);
  return out;
}
