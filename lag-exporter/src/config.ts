// The exporter's settings: one JSON file (non-secret, rendered by the program) and, on secure
// stacks, a credentials file mounted read-only. Checked at start; every problem named at once.
import { readFileSync } from "fs";
import type { Identity } from "../../src/clients/cluster";

export interface ExporterConfig {
  bootstrapServers: string[];
  /** Seconds between the starts of two polls. */
  pollIntervalSeconds: number;
  /** Observations per partition in a status window. */
  windowSize: number;
  port: number;
  /** PEM file of the CAs to trust: TLS is on when set. */
  caFile?: string;
  /** JSON file { scram: { username, password } } or { certificate, privateKey }. */
  credentialsFile?: string;
  /** Certificate name → expiry (ISO 8601), published as kafka_platform_certificate_expiry_timestamp_seconds. */
  certificates?: Record<string, string>;
}

export function parseConfig(raw: unknown): ExporterConfig {
  const c = (raw ?? {}) as Partial<ExporterConfig>;
  const problems: string[] = [];
  const bad = (k: string, why: string) => problems.push(`${k}: ${why} (got ${JSON.stringify((c as Record<string, unknown>)[k])})`);
  if (!Array.isArray(c.bootstrapServers) || c.bootstrapServers.length === 0 || !c.bootstrapServers.every((s) => /^[^:\s]+:\d+$/.test(String(s)))) {
    bad("bootstrapServers", "a non-empty list of host:port");
  }
  if (typeof c.pollIntervalSeconds !== "number" || !(c.pollIntervalSeconds >= 1 && c.pollIntervalSeconds <= 3600)) bad("pollIntervalSeconds", "a number of seconds from 1 to 3600");
  if (!Number.isInteger(c.windowSize) || c.windowSize! < 2 || c.windowSize! > 100) bad("windowSize", "an integer from 2 to 100");
  if (!Number.isInteger(c.port) || c.port! < 1 || c.port! > 65535) bad("port", "a TCP port");
  for (const [name, at] of Object.entries(c.certificates ?? {})) {
    if (Number.isNaN(Date.parse(at))) problems.push(`certificates.${name}: not a date (got ${JSON.stringify(at)})`);
  }
  if (problems.length) throw new Error(`invalid exporter config:\n  ${problems.join("\n  ")}`);
  return c as ExporterConfig;
}

export function loadConfig(path: string): { config: ExporterConfig; identity?: Identity; principal: string } {
  const config = parseConfig(JSON.parse(readFileSync(path, "utf8")));
  let identity: Identity | undefined;
  if (config.caFile) {
    identity = { ca: readFileSync(config.caFile, "utf8") };
    if (config.credentialsFile) Object.assign(identity, JSON.parse(readFileSync(config.credentialsFile, "utf8")) as Identity);
  }
  const principal = identity?.scram?.username ?? (identity?.certificate ? "lag-exporter (certificate)" : "anonymous");
  return { config, identity, principal };
}
