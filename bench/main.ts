// `npm run bench -- up|preview|listeners|all [--runs N]`
import { parseCli, runCli, UsageError } from "../src/cli/args";
import { benchListeners } from "./listeners";
import { benchPreview } from "./preview-scale";
import { benchUp } from "./up-vs-floor";

const USAGE = "npm run bench -- up|preview|listeners|all [--runs N]";

runCli(USAGE, async () => {
  const { values, positionals } = parseCli(process.argv.slice(2), { runs: { type: "int" } }, 1);
  const what = positionals[0] ?? "all";
  if (!["up", "preview", "listeners", "all"].includes(what)) throw new UsageError(`unknown benchmark '${what}'`);
  const runs = values.runs ?? 3;
  if (what === "up" || what === "all") await benchUp(runs);
  if (what === "preview" || what === "all") await benchPreview(runs);
  if (what === "listeners" || what === "all") await benchListeners(runs);
});
