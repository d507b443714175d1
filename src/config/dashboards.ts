// The Grafana dashboards the program provisions, read from dashboards/ in the repo (only when a
// Grafana image is configured: a program copied without them still deploys everything else).
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { REPO_ROOT } from "../repo-root";

export function loadDashboardFiles(dir = path.join(REPO_ROOT, "dashboards")): Record<string, string> {
  if (!fs.existsSync(dir)) throw new pulumi.RunError(`kafka-platform:monitoring.grafana: no dashboards folder at ${dir}`);
  return Object.fromEntries(fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));
}
