// `dr failover --group G`: the group continues on this site from where it was at the source, by
// the checkpoints MirrorMaker wrote here (the source may be dead: nothing is asked of it).
// Refused while G has members here. Safe to re-run: a second run finds every partition kept.
import { ClusterClient, withClient } from "../clients/cluster";
import { readCheckpoints } from "../clients/mirror-reader";
import { DrRefusal, orEmpty, type Site, type SourceLink } from "./sites";
import { describePlan, failoverPlan, type CheckpointLike, type PartitionPlan } from "./translate";

export const READ_TIMEOUT_MS = 30_000;

/** The group's checkpoints from every flow's source, as this site's MirrorMaker wrote them. */
export async function groupCheckpoints(here: Site, links: SourceLink[], group: string): Promise<CheckpointLike[]> {
  const all: CheckpointLike[] = [];
  for (const l of links) {
    const cps = await orEmpty(readCheckpoints(here.options, l.flow.source, READ_TIMEOUT_MS));
    all.push(...cps.filter((c) => c.group === group));
  }
  return all;
}

export async function refuseIfMembers(client: ClusterClient, site: Site, group: string): Promise<void> {
  const g = await client.describeGroup(group);
  if (g.members > 0) {
    throw new DrRefusal(`group '${group}' has ${g.members} member${g.members === 1 ? "" : "s"} on site '${site.alias}' (${g.state}): stop its consumers there first, or their commits would overwrite the translation`);
  }
}

/** Commits the plan's "commit" partitions, one OffsetCommit per topic, and returns the plan. */
export async function commitPlan(client: ClusterClient, group: string, checkpoints: CheckpointLike[]): Promise<PartitionPlan[]> {
  const plan = failoverPlan(checkpoints, await client.allGroupOffsets(group));
  const byTopic = new Map<string, { partition: number; offset: number }[]>();
  for (const p of plan.filter((x) => x.action === "commit")) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), { partition: p.partition, offset: p.translated }]);
  for (const [topic, offsets] of byTopic) await client.commitOffsets(group, topic, offsets);
  return plan;
}

export async function failover(here: Site, links: SourceLink[], group: string, print: (line: string) => void): Promise<PartitionPlan[]> {
  return withClient(new ClusterClient(here.options), async (client) => {
    await refuseIfMembers(client, here, group);
    const checkpoints = await groupCheckpoints(here, links, group);
    if (checkpoints.length === 0) {
      throw new DrRefusal(`no checkpoint of group '${group}' on site '${here.alias}' from ${links.map((l) => `'${l.flow.source}'`).join(", ")}: ` +
        "the group never committed on a mirrored topic there, or MirrorMaker has not seen it yet (refresh interval)");
    }
    const plan = await commitPlan(client, group, checkpoints);
    const committed = plan.filter((p) => p.action === "commit").length;
    print(`failover of group '${group}' to site '${here.alias}': ${committed} partition${committed === 1 ? "" : "s"} committed, ${plan.length - committed} kept`);
    for (const line of describePlan(plan)) print(line);
    return plan;
  });
}
