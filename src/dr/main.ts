// `npm run dr -- <command> [options] --stack S`: disaster recovery between sites (docs/dr-runbook.md).
//   status                      per flow into S: MirrorMaker alive, source reachable, delay, checkpoints, missing topics
//   failover --group G          G continues on S from its translated offsets (the source may be dead)
//   failback --group G          planned return of G to S: waits for the final checkpoints, then commits
//   reset-source --from SITE    after SITE was lost: clear what S's MirrorMaker stored about the old one
//   rebuild                     S was lost: forget its lost resources in state (keeping credentials); then `npm run up -- S`
// Exit codes: 0 done (status: every flow healthy), 1 failed (one line why), 2 usage,
// 3 refused or degraded (acting now could lose or duplicate records; the line says why).
import { parseCli, runCliWithCode, UsageError } from "../cli/args";
import { failback } from "./failback";
import { failover } from "./failover";
import { forgetLostSite } from "./rebuild";
import { resetSource } from "./reset-source";
import { DrRefusal, loadSite, loadSources } from "./sites";
import { describeStatus, flowStatus } from "./status";

const USAGE = "npm run dr -- status | failover --group G | failback --group G [--timeout SECONDS] | reset-source --from SITE [--force] | rebuild  [--stack S]";
const COMMANDS = ["status", "failover", "failback", "reset-source", "rebuild"] as const;

async function main(): Promise<number> {
  const { values: o, positionals } = parseCli(process.argv.slice(2), {
    group: { type: "string" }, from: { type: "string" }, timeout: { type: "int" }, force: { type: "bool" },
  }, 1);
  const command = positionals[0] as (typeof COMMANDS)[number];
  if (!COMMANDS.includes(command)) throw new UsageError(positionals[0] ? `unknown command '${positionals[0]}'` : "a command is required");
  if ((command === "failover" || command === "failback") && !o.group) throw new UsageError(`${command} needs --group G`);
  if (command === "reset-source" && !o.from) throw new UsageError("reset-source needs --from SITE");
  const print = (l: string) => console.log(l);
  const here = loadSite(o.stack);
  if (command === "rebuild") {
    await forgetLostSite(here, print);
    return 0;
  }
  const links = loadSources(here, undefined, command === "reset-source" ? o.from : undefined);
  switch (command) {
    case "status": {
      let healthy = true;
      for (const l of links) {
        const s = await flowStatus(here, l);
        healthy &&= s.healthy;
        for (const line of describeStatus(here, l, s)) print(line);
      }
      return healthy ? 0 : 3;
    }
    case "failover":
      await failover(here, links, o.group!, print);
      return 0;
    case "failback":
      await failback(here, links, o.group!, (o.timeout ?? 120) * 1000, print);
      return 0;
    case "reset-source":
      await resetSource(here, links[0], o.force ?? false, print);
      return 0;
  }
}

runCliWithCode(USAGE, main, (e) => e instanceof DrRefusal);
