// A site and the sites it mirrors from, as the DR tools see them: each one's stack outputs (the
// source's read the same way the program reads them, by stack name), never typed by hand.
import { adminOptions, readStackOutputs, StackOutputsError, type MirrorFlowOutput, type StackOutputs } from "../clients/stack";
import type { ClientOptions } from "../clients/cluster";
import { remoteTopicName } from "../model/mirror";

/** The tools refused: acting now could lose or duplicate records. Exit code 3, the reason in one line. */
export class DrRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DrRefusal";
  }
}

export interface Site {
  stack: string;
  alias: string;
  outputs: StackOutputs;
  /** As the admin. */
  options: ClientOptions;
}

export interface SourceLink {
  flow: MirrorFlowOutput;
  /** The source site, or why it could not be read (a lost site's stack may still answer; its cluster may not). */
  source?: Site;
  sourceProblem?: string;
}

/** A read of a topic that may not exist yet (nothing mirrored, no checkpoint emitted): empty, not an error. */
export const orEmpty = <T>(p: Promise<T[]>): Promise<T[]> => p.catch((e) => ((e as { kind?: string }).kind === "unknown-topic" ? [] : Promise.reject(e)));

const clientOpts = { requestTimeoutMs: 10_000, connectionTimeoutMs: 3_000, retries: 1, clientId: "kp-dr" };

export function loadSite(stack: string, env?: NodeJS.ProcessEnv): Site {
  const outputs = readStackOutputs(stack, env);
  if (!outputs.site) throw new StackOutputsError(`stack '${stack}' has no site output: deploy it with this version (npm run up -- ${stack})`);
  return { stack, alias: outputs.site, outputs, options: adminOptions(outputs, clientOpts) };
}

/** The flows into `here`, each with its source's outputs when they can be read. */
export function loadSources(here: Site, env?: NodeJS.ProcessEnv, only?: string): SourceLink[] {
  const flows = (here.outputs.mirrors ?? []).filter((f) => only === undefined || f.source === only);
  if (flows.length === 0) {
    throw new DrRefusal(only
      ? `site '${here.alias}' (stack ${here.stack}) mirrors nothing from '${only}' (it mirrors from: ${(here.outputs.mirrors ?? []).map((f) => f.source).join(", ") || "nothing"})`
      : `site '${here.alias}' (stack ${here.stack}) declares no mirror flows`);
  }
  return flows.map((flow) => {
    try {
      return { flow, source: loadSite(flow.stack, env) };
    } catch (e) {
      return { flow, sourceProblem: (e as Error).message };
    }
  });
}

const matcher = (patterns: string[]) => {
  const res = patterns.map((p) => new RegExp(`^(?:${p})$`));
  return (topic: string) => res.some((r) => r.test(topic));
};

/**
 * The source topic → this site's name, for topics the flow mirrors; undefined otherwise (not
 * matched, or itself a mirror of this site, which cycle detection never sends back).
 */
export function mirroredName(flow: MirrorFlowOutput, here: string): (sourceTopic: string) => string | undefined {
  const matches = matcher(flow.topics);
  return (t) => (matches(t) && !t.startsWith(`${here}.`) && !t.endsWith(".internal") ? remoteTopicName(flow, t) : undefined);
}
