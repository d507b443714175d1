// `npm run bench -- up|preview|listeners|exporter|all [--runs N]`
import { parseCli, runCli, UsageError } from "../src/cli/args";
import { benchExporter } from "./exporter";
import { benchListeners } from "./listeners";
import { benchPreview } from "./preview-scale";
import { benchUp } from "./up-vs-floor";

const USAGE = "npm run bench -- up|preview|listeners|exporter|all [--runs N]";

runCli(USAGE, async () => {
  const { values, positionals } = parseCli(process.argv.slice(2), { runs: { type: "int" } }, 1);
  const what = positionals[0] ?? "all";
  if (!["up", "preview", "listeners", "exporter", "all"].includes(what)) throw new UsageError(`unknown benchmark '${what}'`);
  const runs = values.runs ?? 3;
  if (what === "up" || what === "all") await benchUp(runs);
  if (what === "preview" || what === "all") await benchPreview(runs);
  if (what === "listeners" || what === "all") await benchListeners(runs);
  if (what === "exporter" || what === "all") await benchExporter(runs);
});
