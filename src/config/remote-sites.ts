// The other data centres this site mirrors from, read from their own stacks' outputs through a
// StackReference (never copied by hand). Awaited before any resource is declared: whether a
// flow can run (its source deployed) decides whether this site runs a MirrorMaker at all.
import * as pulumi from "@pulumi/pulumi";
import type { MirrorFlowSpec } from "../model/spec";

export interface SourceSite {
  flow: MirrorFlowSpec;
  /** Where this site's MirrorMaker reaches the source's brokers (its site listener). */
  bootstrapServers: string[];
}

/** The fully qualified name of a flow's stack: a bare stack name is in this organization and project. */
export function qualifiedStack(stack: string): string {
  return stack.includes("/") ? stack : `${pulumi.getOrganization()}/${pulumi.getProject()}/${stack}`;
}

/**
 * Each flow with its source's addresses, or left out (with a warning) while the source stack has
 * not been deployed: sites that mirror each other come up one after the other, and the first
 * one's flow starts on its next `up`.
 */
export async function resolveSources(flows: MirrorFlowSpec[]): Promise<SourceSite[]> {
  const out: SourceSite[] = [];
  for (const flow of flows) {
    const ref = new pulumi.StackReference(`site-${flow.source}`, { name: qualifiedStack(flow.stack) });
    const [site, bootstrap] = await Promise.all([ref.getOutputDetails("site"), ref.getOutputDetails("siteBootstrapServers")]);
    if (typeof bootstrap.value !== "string" || bootstrap.value === "") {
      void pulumi.log.warn(`mirror from '${flow.source}': stack '${flow.stack}' has no siteBootstrapServers output yet (not deployed); the flow starts on the next up after it is`);
      continue;
    }
    if (site.value !== flow.source) {
      throw new pulumi.RunError(`mirror from '${flow.source}': stack '${flow.stack}' is site '${String(site.value)}', not '${flow.source}'; nothing was changed`);
    }
    out.push({ flow, bootstrapServers: bootstrap.value.split(",") });
  }
  return out;
}
