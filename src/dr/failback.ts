// `dr failback --group G` on the site G returns to (planned: the other site is alive). G must
// have stopped on the source site with nothing left to read there (producers moved first): we
// wait until this site's MirrorMaker has checkpointed exactly the offsets G committed there, then
// commit their translations here: 0 re-read, 0 skipped. Why drained: MirrorMaker 2 (3.9) keeps
// only the newest offset sync per partition when its checkpoint task (re)starts — it restarts
// whenever the set of groups changes — and cannot translate an offset below it, so a group that
// stopped mid-topic may never get an exact checkpoint. Safe to re-run: every partition is kept.
import { ClusterClient, withClient } from "../clients/cluster";
import { waitUntil } from "../clients/wait";
import { commitPlan, groupCheckpoints, refuseIfMembers } from "./failover";
import { DrRefusal, mirroredName, type Site, type SourceLink } from "./sites";
import { describePlan, missingCheckpoints, type PartitionPlan } from "./translate";

export async function failback(here: Site, links: SourceLink[], group: string, timeoutMs: number, print: (line: string) => void): Promise<PartitionPlan[]> {
  for (const l of links) {
    if (!l.source) throw new DrRefusal(`failback needs site '${l.flow.source}' alive (it is a planned move): ${l.sourceProblem}`);
    if (l.flow.policy === "identity") {
      throw new DrRefusal(`flow from '${l.flow.source}' uses the identity policy, which has no cycle detection: stop it (remove it from ${here.stack}'s topology and up), ` +
        `declare the reverse flow on '${l.flow.source}', up, then fail over there`);
    }
  }
  return withClient(new ClusterClient(here.options), async (client) => {
    await refuseIfMembers(client, here, group);
    // G's last commits at each source, on the topics that flow here.
    const remote: { topic: string; partition: number; offset: number }[] = [];
    const toLocal = new Map<string, string>();
    const leftBehind = new Set<string>();
    for (const l of links) {
      const src = l.source!;
      await withClient(new ClusterClient(src.options), async (sc) => {
        await refuseIfMembers(sc, src, group);
        const name = mirroredName(l.flow, here.alias);
        const behind: string[] = [];
        for (const c of await sc.allGroupOffsets(group)) {
          const local = name(c.topic);
          if (local === undefined) {
            leftBehind.add(c.topic);
            continue;
          }
          toLocal.set(c.topic, local);
          remote.push(c);
          const end = (await sc.endOffsets(c.topic)).find((e) => e.partition === c.partition)!.high;
          if (end > c.offset) behind.push(`${c.topic}[${c.partition}] ${end - c.offset}`);
        }
        if (behind.length) {
          throw new DrRefusal(`group '${group}' has not read everything on '${src.alias}' (records left: ${behind.slice(0, 4).join(", ")}${behind.length > 4 ? ", …" : ""}): ` +
            `move producers to '${here.alias}' first, let '${group}' finish on '${src.alias}', stop it, then fail back`);
        }
      });
    }
    if (remote.length === 0) throw new DrRefusal(`group '${group}' has committed nothing on a topic that flows to '${here.alias}'`);
    print(`failback of group '${group}' to site '${here.alias}': waiting for the final checkpoints of ${remote.length} partitions`);
    const started = Date.now();
    const checkpoints = await waitUntil({
      what: `checkpoints of group '${group}' on site '${here.alias}' to reach its last commits`,
      probe: () => groupCheckpoints(here, links, group),
      done: (cps) => missingCheckpoints(remote, cps, (t) => toLocal.get(t)).length === 0,
      describe: (cps) => missingCheckpoints(remote, cps, (t) => toLocal.get(t)).slice(0, 4).join("; "),
      timeoutMs, probeTimeoutMs: 40_000, intervalMs: 1_000,
    }).catch((e) => {
      throw new DrRefusal(`${(e as Error).message}: is MirrorMaker running on '${here.alias}'? (npm run dr -- status --stack ${here.stack})`);
    });
    print(`  checkpoints final after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const wanted = new Set(remote.map((r) => `${toLocal.get(r.topic)}:${r.partition}`));
    const plan = await commitPlan(client, group, checkpoints.filter((c) => wanted.has(`${c.topic}:${c.partition}`)));
    for (const line of describePlan(plan)) print(line);
    for (const t of [...leftBehind].sort()) {
      print(`  ${t} (on '${links.map((l) => l.flow.source).join("', '")}'): not translated back (a mirror of this site's topic; Kafka 3.9 has no reverse checkpoints): '${group}' resumes it here from its own commits`);
    }
    // Prefix policy: both directions already run, and cycle detection keeps them apart.
    print(`  flows: ${links.map((l) => `${l.flow.source} → ${here.alias}`).join(", ")} keep running; move producers and '${group}' back to '${here.alias}'`);
    return plan;
  });
}
