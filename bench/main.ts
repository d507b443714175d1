// `npm run bench -- up|preview|listeners|exporter|mirror|all [--runs N]`
// `mirror` needs the stacks east and west deployed (it is not part of `all`); it also takes
// --seconds S (each delay run, default 180) and --stop-seconds S (MirrorMaker stopped, default 60).
import { parseCli, runCli, UsageError } from "../src/cli/args";
import { benchExporter } from "./exporter";
import { benchListeners } from "./listeners";
import { benchMirror } from "./mirror";
import { benchPreview } from "./preview-scale";
import { benchUp } from "./up-vs-floor";

const USAGE = "npm run bench -- up|preview|listeners|exporter|all [--runs N]  |  npm run bench -- mirror [--runs N] [--seconds S] [--stop-seconds S]";

runCli(USAGE, async () => {
  const { values, positionals } = parseCli(process.argv.slice(2), { runs: { type: "int" }, seconds: { type: "int" }, "stop-seconds": { type: "int" } }, 1);
  const what = positionals[0] ?? "all";
  if (!["up", "preview", "listeners", "exporter", "mirror", "all"].includes(what)) throw new UsageError(`unknown benchmark '${what}'`);
  if (what !== "mirror" && (values.seconds !== undefined || values["stop-seconds"] !== undefined)) {
    throw new UsageError("--seconds and --stop-seconds are options of the mirror benchmark");
  }
  const runs = values.runs ?? 3;
  if (what === "up" || what === "all") await benchUp(runs);
  if (what === "preview" || what === "all") await benchPreview(runs);
  if (what === "listeners" || what === "all") await benchListeners(runs);
  if (what === "exporter" || what === "all") await benchExporter(runs);
  // One delay run is 3 minutes: one by default.
  if (what === "mirror") await benchMirror(values.runs ?? 1, { seconds: values.seconds, stopSeconds: values["stop-seconds"] });
});
