#!/usr/bin/env bash
# `npm run pulumi -- <args>`: the project's pulumi with the project's settings.
#  - backend: a local file backend in .pulumi-state/ unless PULUMI_BACKEND_URL is set;
#  - secrets: for that local backend only, a documented dev passphrase unless
#    PULUMI_CONFIG_PASSPHRASE(_FILE) is set. It protects nothing: use your own for real stacks.
#  - plugins: the project's own (PULUMI_HOME=.tools/pulumi-home), never downloaded.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
command -v pulumi >/dev/null || kp_die "pulumi is not installed: run \`npm run setup\` first"

if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
  mkdir -p "$KP_ROOT/.pulumi-state"
  export PULUMI_BACKEND_URL="file://$KP_ROOT/.pulumi-state"
  if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
    export PULUMI_CONFIG_PASSPHRASE="kafka-platform-dev"
  fi
fi
cd "$KP_ROOT"
exec pulumi "$@"
