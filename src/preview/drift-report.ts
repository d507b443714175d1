// What `npm run drift` reports, from a refreshed preview's steps and the topics on the cluster. Pure.
import type { StackOutputs } from "../clients/stack";
import { changedResources, summarize, type PreviewStep } from "./summary";

/** Topics of the platform itself (Kafka's, MirrorMaker's, mirrored copies): never "undeclared". */
export function undeclaredTopics(live: string[], out: Pick<StackOutputs, "declaredTopics" | "mirrors">): string[] {
  const declared = new Set(out.declaredTopics.map((t) => t.name));
  const mirrored = (out.mirrors ?? []).map((m) => `${m.source}.`);
  const platform = (t: string) => t.startsWith("__") || t === "heartbeats" || (t.startsWith("mm2-") && t.endsWith(".internal"))
    || t.endsWith(".checkpoints.internal") || mirrored.some((p) => t.startsWith(p));
  return live.filter((t) => !declared.has(t) && !platform(t)).sort();
}

/** The drifted declared resources, as lines: live → declared, what `up --refresh` would do. */
export function driftLines(steps: PreviewStep[]): string[] {
  const s = summarize(steps, []);
  const described = new Set(["kafka:index/topic:Topic", "kafka:index/acl:Acl", "kafka:index/quota:Quota", "kafka:index/userScramCredential:UserScramCredential"]);
  const others = changedResources(steps).filter((r) => !described.has(r.type)).map((r) => `${r.change} ${r.type.split(":").pop()} ${r.name}`);
  return [...s.topics.map((t) => `topic ${t}`), ...s.access, ...others.sort()];
}
