#!/usr/bin/env bash
# Builds the Pulumi kafka resource plugin into $OUT (path of the binary), from
# Go modules only: the upstream Terraform provider Mongey/terraform-provider-kafka
# and pulumi-terraform-bridge, glued by main.go + info/ (ours). Idempotent; uses the
# default GOMODCACHE/GOCACHE, so a second run only relinks.
set -euo pipefail
: "${OUT:?set OUT to the output binary path}"
# The mapping in info/ follows the npm @pulumi/kafka 3.13.2 SDK; setup passes the version
# the installed SDK asks for, and a different one must fail loudly, not build a mismatch.
SUPPORTED=3.13.2
VERSION="${VERSION:-$SUPPORTED}"
[ "$VERSION" = "$SUPPORTED" ] || { echo "toolchain/providers/kafka builds $SUPPORTED, the SDK asks for $VERSION" >&2; exit 1; }
cd "$(dirname "$0")"
# -buildvcs=false: go would otherwise run git on the enclosing repo to stamp the binary.
FLAGS=(-trimpath -buildvcs=false)

# 1. The Pulumi schema that main.go embeds (bridged providers ship it generated,
#    never in git). Descriptions come from the upstream docs/ in the module cache.
go mod download github.com/Mongey/terraform-provider-kafka
UPSTREAM=$(go list -m -f '{{.Dir}}' github.com/Mongey/terraform-provider-kafka)
go run "${FLAGS[@]}" ./gen schema-embed.json.tmp "$VERSION" "$UPSTREAM"
mv schema-embed.json.tmp schema-embed.json

# 2. The plugin; -X stamps the version it reports to the engine.
mkdir -p "$(dirname "$OUT")"
go build "${FLAGS[@]}" \
  -ldflags "-s -w -X kafka-platform/toolchain/providers/kafka/info.Version=$VERSION" \
  -o "$OUT" .
