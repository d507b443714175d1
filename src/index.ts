// Wiring only: load config → pick the platform → components → exports.
// The cluster itself arrives with the Docker platform layer (issue 3); until then the program
// only reads the stack's target so that `pulumi preview` of the dev stack runs end to end.
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
export const target = config.get("target") ?? "docker";
