// Argument parsing and error reporting shared by the console tools. Arguments are checked before
// anything connects: an unknown flag, a missing value or `--max abc` is a usage error (exit 2).
// A failure while running is one line naming the cause (exit 1), never a stack trace.
import { parseArgs } from "util";
import { ClusterError } from "../clients/errors";
import { StackOutputsError } from "../clients/stack";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

type Flag = { type: "string" | "int" | "bool"; help?: string };
type Values<F extends Record<string, Flag>> = {
  [K in keyof F]?: F[K]["type"] extends "bool" ? boolean : F[K]["type"] extends "int" ? number : string;
};

/** Every tool takes --stack (default $KP_STACK, else dev). */
const COMMON = { stack: { type: "string" } } as const satisfies Record<string, Flag>;

export function parseCli<F extends Record<string, Flag>>(
  argv: string[], flags: F, maxPositionals = 0,
): { values: Values<F> & { stack: string }; positionals: string[] } {
  const all: Record<string, Flag> = { ...COMMON, ...flags };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv, strict: true, allowPositionals: true,
      options: Object.fromEntries(Object.entries(all).map(([k, f]) => [k, { type: f.type === "bool" ? "boolean" : "string" }])) as never,
    });
  } catch (e) {
    // Node's words, shortened to the point: "Unknown option '--maxx'".
    throw new UsageError((e as Error).message.split(/\. |\n/)[0]);
  }
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [k, v] of Object.entries(parsed.values)) {
    if (all[k].type === "int") {
      if (typeof v !== "string" || !/^\d+$/.test(v) || Number(v) < 1) problems.push(`--${k}: '${String(v)}' is not a positive integer`);
      else values[k] = Number(v);
    } else values[k] = v;
  }
  if (parsed.positionals.length > maxPositionals) {
    problems.push(`unexpected argument${parsed.positionals.length - maxPositionals > 1 ? "s" : ""} ${parsed.positionals.slice(maxPositionals).map((p) => `'${p}'`).join(", ")}`);
  }
  if (problems.length) throw new UsageError(problems.join("; "));
  values.stack = (values.stack as string | undefined) ?? process.env.KP_STACK ?? "dev";
  return { values: values as Values<F> & { stack: string }, positionals: parsed.positionals };
}

/** Runs a tool: usage errors exit 2 with the usage line, failures exit 1 with one line. */
export function runCli(usage: string, main: () => Promise<void>): void {
  runCliWithCode(usage, async () => {
    await main();
    return 0;
  });
}

/**
 * Runs a tool whose main returns its exit code. Usage errors exit 2 with the usage line; an error
 * `refusal` recognizes exits 3 ("refused: why"); any other failure exits 1 with one line.
 */
export function runCliWithCode(usage: string, main: () => Promise<number>, refusal?: (e: Error) => boolean): void {
  main().then(
    (code) => process.exit(code),
    (e: Error) => {
      if (e instanceof UsageError) {
        console.error(`error: ${e.message}\nusage: ${usage}`);
        process.exit(2);
      }
      if (refusal?.(e)) {
        console.error(`refused: ${e.message}`);
        process.exit(3);
      }
      const known = e instanceof ClusterError || e instanceof StackOutputsError || e.name === "SmokeFailure";
      console.error(`error: ${known ? e.message : `${e.name}: ${e.message}`}`.split("\n")[0]);
      process.exit(1);
    },
  );
}
