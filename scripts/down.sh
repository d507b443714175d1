#!/usr/bin/env bash
# `npm run down [-- [--stack] NAME]`: destroy a stack (default dev): containers, network, volumes
# and so all data. Topics are protected against accidental deletion by a config change; tearing
# the whole stack down is the explicit exception, so they are unprotected first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
kp_stack_arg "npm run down [-- [--stack] NAME]" "$@"
stack="$KP_STACK_NAME"
p() { bash "$KP_ROOT/scripts/pulumi.sh" "$@"; }
p stack select "$stack" >/dev/null 2>&1 || { echo "no stack '$stack' deployed: nothing to destroy"; exit 0; }
p state unprotect --all --yes --stack "$stack" >/dev/null
p destroy --yes --non-interactive --stack "$stack"
