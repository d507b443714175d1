#!/usr/bin/env bash
# `npm run up [-- [--stack] NAME]`: setup, then deploy a stack (default dev) with `pulumi up`,
# then smoke-test it. Arguments are checked before anything runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
kp_stack_arg "npm run up [-- [--stack] NAME]   (stacks: Pulumi.<NAME>.yaml)" "$@"
stack="$KP_STACK_NAME"
# A kubernetes stack needs the Kubernetes provider plugin (built only then); one on the project's
# local cluster needs that cluster running (`k8s up` runs setup, then starts it and imports images).
stack_file="$KP_ROOT/Pulumi.$stack.yaml"
if grep -Eq '^\s*kafka-platform:target:\s*kubernetes\s*$' "$stack_file"; then
  export KP_WITH_KUBERNETES=1
  if grep -q '\.tools/k8s/kubeconfig' "$stack_file"; then bash "$KP_ROOT/scripts/k8s.sh" up; else bash "$KP_ROOT/scripts/setup.sh"; fi
else
  bash "$KP_ROOT/scripts/setup.sh"
fi
p() { bash "$KP_ROOT/scripts/pulumi.sh" "$@"; }

p stack select "$stack" >/dev/null 2>&1 || p stack init "$stack" --non-interactive >/dev/null
# Leftovers of an interrupted up (a stale lock, pending creates) would make this one fail.
state="${PULUMI_BACKEND_URL:-file://$KP_ROOT/.pulumi-state}"; state="${state#file://}"; state="${state%%\?*}"
if compgen -G "$state/.pulumi/locks/*/*/$stack/*.json" >/dev/null \
  || p stack export --stack "$stack" 2>/dev/null | grep -q '"pending_operations"'; then
  node -r ts-node/register/transpile-only "$KP_ROOT/src/recovery/main.ts" --stack "$stack"
fi
p up --yes --non-interactive --stack "$stack"
node -r ts-node/register/transpile-only "$KP_ROOT/src/smoke/main.ts" --stack "$stack"

bootstrap="$(p stack output bootstrapServers --stack "$stack")"
monitoring=""
if metrics="$(p stack output lagExporterUrl --stack "$stack" 2>/dev/null)"; then
  prometheus="$(p stack output prometheusUrl --stack "$stack")"
  monitoring="
  Metrics: $metrics   (consumer lag, partitions; also /healthz, /ready)
  Prometheus: $prometheus   (alerts: $prometheus/alerts)
  npm run dashboards -- --stack $stack                  # dashboards as PNG files, from live data"
fi
secure=""
if p stack output caCertificate --stack "$stack" >/dev/null 2>&1; then
  secure="
  This stack is secure: clients need TLS and an identity. Ready-to-paste settings per user:
  npm run pulumi -- stack output connectionProfiles --show-secrets --stack $stack
  The tools act as the admin, or as a user with --as NAME."
fi
cat <<INFO

Stack '$stack' is up. Bootstrap servers (from the host): $bootstrap
  npm run topics -- list --stack $stack                  # topics of the stack
  npm run produce -- --topic my-topic --stack $stack    # one message per line, key:value
  npm run consume -- --topic my-topic --from-beginning --stack $stack
  kcat -b $bootstrap -L                                   # any Kafka client works with these servers
  npm run down -- --stack $stack                          # destroy the stack (its data too)$monitoring$secure
INFO
