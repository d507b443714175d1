import * as path from "node:path";

/** The repository's root: where scripts/, stacks/ and Pulumi.yaml are. */
export const REPO_ROOT = path.resolve(__dirname, "..");
