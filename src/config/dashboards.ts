// The Grafana dashboards the program provisions (only when a Grafana image is configured: a
// program copied without them still deploys everything else). Where they live and which they are
// is src/dashboards/panels.ts's knowledge; this reads them for the program, failing as config does.
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { DASHBOARDS, dashboardPath } from "../dashboards/panels";

/** File name → JSON of every dashboard. */
export function loadDashboardFiles(): Record<string, string> {
  return Object.fromEntries(DASHBOARDS.map((name) => {
    const file = dashboardPath(name);
    if (!fs.existsSync(file)) throw new pulumi.RunError(`kafka-platform:monitoring.grafana: dashboard ${file} is missing`);
    return [`${name}.json`, fs.readFileSync(file, "utf8")];
  }));
}
