#!/usr/bin/env bash
# Builds the Pulumi kubernetes resource plugin (pulumi-resource-kubernetes) into $OUT (path of
# the binary), from Go modules only:
#
#   OUT=/path/to/pulumi-resource-kubernetes [VERSION=4.25.0] bash build.sh
#
# - github.com/pulumi/pulumi-kubernetes/provider/v4 is served at one pseudo-version only (the
#   commit of 2026-01-15 the 4.25.0 release was made from); go.mod requires it, and sdk/v4 at a
#   tagged version in place of upstream's `../sdk` replace (a folder outside the module zip).
# - Upstream's main embeds schema-embed.json and terraform-mapping-embed.json, generated and
#   git-ignored upstream, so absent from the zip: ./gen makes them here (ignored here too) from
#   the schema.json and terraform-mapping.json the zip ships, as upstream's generate.go does;
#   main.go is upstream's main around them.
# Idempotent; uses the default GOMODCACHE/GOCACHE. On 2 cores: modules ~40 s (~800 MB), a cold
# build ~11 min (~4 GB of build cache, the link needs ~4 GB of RAM), a warm one ~40 s (relinks).
set -euo pipefail
: "${OUT:?set OUT to the output binary path}"
# Module, schema and SDK pins go together: the npm @pulumi/kubernetes SDK 4.25.0. Setup passes
# the version the installed SDK asks for, and a different one must fail loudly.
SUPPORTED=4.25.0
VERSION="${VERSION:-$SUPPORTED}"
[ "$VERSION" = "$SUPPORTED" ] || { echo "toolchain/providers/kubernetes builds $SUPPORTED, the SDK asks for $VERSION" >&2; exit 1; }
case "$OUT" in /*) ;; *) OUT=$PWD/$OUT ;; esac
cd "$(dirname "$0")"
export GOTOOLCHAIN=local
# CGO_ENABLED=0 as upstream's Makefile builds it. With cgo, kustomize's plugin loader (it imports
# Go's `plugin` package) makes the linker keep and export every symbol: 306 MB instead of 167 MB.
export CGO_ENABLED=0
# -buildvcs=false: go would otherwise run git on the enclosing repo to stamp the binary.
FLAGS=(-trimpath -buildvcs=false)
PROVIDER=github.com/pulumi/pulumi-kubernetes/provider/v4

# 1. The two embedded files, from the upstream module (at go.mod's version, checked by go.sum).
dir=$(go mod download -json "$PROVIDER" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -f "$dir/cmd/pulumi-resource-kubernetes/schema.json" ] || { echo "no schema.json in $PROVIDER ($dir)" >&2; exit 1; }
go run "${FLAGS[@]}" ./gen "$dir/cmd/pulumi-resource-kubernetes" "$VERSION" .

# 2. The plugin; -X stamps the version it reports to the engine (and in its user agent).
mkdir -p "$(dirname "$OUT")"
go build "${FLAGS[@]}" \
  -ldflags "-s -w -X $PROVIDER/pkg/version.Version=$VERSION" \
  -o "$OUT" .
