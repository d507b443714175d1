#!/usr/bin/env bash
# `npm run down [-- [--stack] NAME]`: destroy a stack (default dev): containers, network, volumes
# and so all data (on Kubernetes: see storage.retainOnDestroy). Topics are protected against accidental deletion by a config change; tearing
# the whole stack down is the explicit exception, so they are unprotected first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
kp_stack_arg "npm run down [-- [--stack] NAME]" "$@"
stack="$KP_STACK_NAME"
p() { bash "$KP_ROOT/scripts/pulumi.sh" "$@"; }
# A kubernetes stack's destroy goes through the Kubernetes provider plugin: make sure it is there.
if grep -Eq '^\s*kafka-platform:target:\s*kubernetes\s*$' "$KP_ROOT/Pulumi.$stack.yaml"; then
  KP_WITH_KUBERNETES=1 KP_SETUP_STEPS=3 bash "$KP_ROOT/scripts/setup.sh"
fi
p stack select "$stack" >/dev/null 2>&1 || { echo "no stack '$stack' deployed: nothing to destroy"; exit 0; }
p state unprotect --all --yes --stack "$stack" >/dev/null
p destroy --yes --non-interactive --stack "$stack"
