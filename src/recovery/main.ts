// `node src/recovery/main.ts --stack NAME`: run by `npm run up` before `pulumi up`.
import { option, runCli } from "../cli/args";
import { recoverInterruptedUp } from "./interrupted-up";

runCli(async () => {
  const stack = option("stack") ?? "dev";
  const done = recoverInterruptedUp({ stack });
  if (done.length) console.log(`recovered from an interrupted up of stack '${stack}':\n  ${done.join("\n  ")}`);
});
