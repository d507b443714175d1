/** The stack config namespace: keys are `kafka-platform:<key>`. */
export const NS = "kafka-platform";

/** Every problem found in a stack's configuration, thrown together once. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(
      `invalid configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}); nothing was changed:\n` +
        issues.map((i) => `  - ${i}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Renders a config value the way a user wrote it: strings quoted, the rest as JSON. */
export function show(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  if (value === undefined) return "(unset)";
  return JSON.stringify(value);
}

/** Collects problems; readers of one key add at most one problem for it. */
export class Issues {
  readonly list: string[] = [];
  add(where: string, problem: string): void {
    this.list.push(`${where}: ${problem}`);
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }
  /** An integer in [min, max], else a problem and undefined. */
  int(where: string, value: unknown, min: number, max: number): number | undefined {
    const n = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n)) {
      this.add(where, `${show(value)} is not an integer`);
      return undefined;
    }
    if (n < min || n > max) {
      this.add(where, `${n} is out of range (${min}–${max})`);
      return undefined;
    }
    return n;
  }
  str(where: string, value: unknown, pattern?: RegExp, hint?: string): string | undefined {
    if (typeof value !== "string" || value.length === 0) {
      this.add(where, `${show(value)} is not a non-empty string`);
      return undefined;
    }
    if (pattern && !pattern.test(value)) {
      this.add(where, `${show(value)} is not valid${hint ? ` (${hint})` : ""}`);
      return undefined;
    }
    return value;
  }
  bool(where: string, value: unknown): boolean | undefined {
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "false") return value === "true";
    this.add(where, `${show(value)} is not true or false`);
    return undefined;
  }
  /** Object check, plus a problem for every key not in `known`. */
  object(where: string, value: unknown, known: readonly string[]): Record<string, unknown> | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.add(where, `${show(value)} is not a mapping`);
      return undefined;
    }
    for (const k of Object.keys(value)) {
      if (!known.includes(k)) this.add(`${where}.${k}`, `unknown key (known: ${known.join(", ")})`);
    }
    return value as Record<string, unknown>;
  }
}
