// `dr reset-source --from S`: after site S was rebuilt under the same name, this site's
// MirrorMaker must not resume from the positions it stored for the old S — a new S's offsets
// start again at 0, and seeking to an old position silently skips every record below it.
// It stops this site's MirrorMaker, clears the positions it stored for S (tombstones in Connect's
// offsets topic, which Connect reads as "no position"), and starts it again: it then copies the
// new S from its beginning. Checkpoints and offset syncs stay: MirrorMaker reads a smaller
// upstream offset as a rewind and starts over by itself — and a tombstone in the offset-syncs
// topic would stop its checkpoint task at start (Kafka 3.9 decodes every record there, and a
// null value fails), which we saw. Safe to re-run: positions that match S's records (mirrored
// from the S that runs now) are kept, and nothing stored means nothing to do.
import { ClusterClient, withClient } from "../clients/cluster";
import { readSourceOffsets, readTopicRange, readTopicTail, readTopicToEnd, type SourcePosition, type TopicRecord } from "../clients/mirror-reader";
import { within } from "../clients/wait";
import { mirrorInternalTopics, remoteTopicName } from "../model/mirror";
import { READ_TIMEOUT_MS } from "./failover";
import { mirrorMakerRunning, startMirrorMaker, stopMirrorMaker } from "./mirror-control";
import { orEmpty, type Site, type SourceLink } from "./sites";

const same = (a: TopicRecord, b: TopicRecord) =>
  a.timestamp === b.timestamp && Buffer.compare(a.key ?? Buffer.alloc(0), b.key ?? Buffer.alloc(0)) === 0 && Buffer.compare(a.value ?? Buffer.alloc(0), b.value ?? Buffer.alloc(0)) === 0;

/**
 * Which stored positions belong to the source that runs now: the record at the stored offset at the
 * source equals the last record mirrored here. Returns the partitions that do not match, in words.
 */
async function stalePositions(here: Site, link: SourceLink, positions: SourcePosition[]): Promise<string[]> {
  const stale: string[] = [];
  const byTopic = new Map<string, SourcePosition[]>();
  for (const p of positions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
  for (const [topic, ps] of byTopic) {
    if (topic.endsWith("heartbeats")) continue; // MirrorMaker's own, rewritten every second
    const atSource = await orEmpty(readTopicRange(link.source!.options, topic, new Map(ps.map((p) => [p.partition, { from: p.offset, to: p.offset + 1 }])), READ_TIMEOUT_MS));
    const mirrored = await orEmpty(readTopicTail(here.options, remoteTopicName(link.flow, topic), 8, READ_TIMEOUT_MS));
    for (const p of ps) {
      const src = atSource.find((r) => r.partition === p.partition && Number(r.offset) === p.offset);
      const last = mirrored.filter((r) => r.partition === p.partition).at(-1);
      if (!src) stale.push(`${topic}[${p.partition}] stored ${p.offset}, the source has no record there`);
      else if (!last || !same(src, last)) stale.push(`${topic}[${p.partition}] stored ${p.offset}, the record there is not the last one mirrored here`);
    }
  }
  return stale;
}

export async function resetSource(here: Site, link: SourceLink, force: boolean, print: (line: string) => void): Promise<void> {
  // --force: clear even positions that match the running source (it then copies everything again: duplicates here).
  const source = link.flow.source;
  const t = mirrorInternalTopics(source);
  const positions = (await orEmpty(readSourceOffsets(here.options, source, READ_TIMEOUT_MS))).filter((p) => p.cluster === undefined || p.cluster === source);
  if (positions.length === 0) {
    print(`reset-source: site '${here.alias}' stores no position of '${source}': nothing to do`);
    return;
  }
  // A lost site's stack still answers with its outputs; its cluster does not.
  const reachable = link.source !== undefined &&
    await within(15_000, () => withClient(new ClusterClient({ ...link.source!.options, retries: 0 }), (c) => c.describeCluster()), `site '${source}'`).then(() => true, () => false);
  if (reachable && !force) {
    const stale = await stalePositions(here, link, positions).catch((e) => [`could not compare with '${source}': ${(e as Error).message}`]);
    if (stale.length === 0) {
      print(`reset-source: the ${positions.length} positions site '${here.alias}' stores match '${source}' as it runs now: nothing to do`);
      return;
    }
    print(`reset-source: ${stale.length} stored positions do not match '${source}': ${stale.slice(0, 3).join("; ")}${stale.length > 3 ? "; …" : ""}`);
  } else if (!reachable) {
    print(`reset-source: '${source}' does not answer (${link.sourceProblem ?? "its brokers are down"}); clearing before it comes back`);
  }
  await withClient(new ClusterClient(here.options), async (client) => {
    const handle = { target: here.outputs.target ?? "docker", name: `kp-${here.stack.split("/").at(-1)}` };
    const wasRunning = mirrorMakerRunning(handle);
    if (wasRunning) stopMirrorMaker(handle);
    print(`  MirrorMaker of '${here.alias}' ${wasRunning ? "stopped" : "was not running"}`);
    try {
      const keysOf = async (topic: string) => {
        const seen = new Map<string, { partition: number; key: Buffer }>();
        for (const r of await orEmpty(readTopicToEnd(here.options, topic, READ_TIMEOUT_MS))) if (r.key) seen.set(`${r.partition}:${r.key.toString("hex")}`, { partition: r.partition, key: r.key });
        return [...seen.values()];
      };
      const keys = await keysOf(t.offsets);
      await client.tombstones(t.offsets, keys);
      const left = await orEmpty(readSourceOffsets(here.options, source, READ_TIMEOUT_MS));
      if (left.length) throw new Error(`${left.length} positions of '${source}' are still stored after clearing`);
      print(`  cleared ${keys.length} stored positions in ${t.offsets}`);
    } finally {
      if (wasRunning) {
        startMirrorMaker(handle);
        print(`  MirrorMaker of '${here.alias}' started: it copies '${source}' from the beginning of its topics`);
      }
    }
  });
}
