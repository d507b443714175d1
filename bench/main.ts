// `npm run bench -- up|preview|listeners|all [--runs N]`
import { option } from "../src/cli/args";
import { benchListeners } from "./listeners";
import { benchPreview } from "./preview-scale";
import { benchUp } from "./up-vs-floor";

async function main(): Promise<void> {
  const what = process.argv[2] ?? "all";
  const runs = Number(option("runs") ?? 3);
  if (what === "up" || what === "all") await benchUp(runs);
  if (what === "preview" || what === "all") await benchPreview(runs);
  if (what === "listeners" || what === "all") await benchListeners(runs);
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
