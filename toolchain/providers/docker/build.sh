#!/usr/bin/env bash
# Builds the Pulumi docker provider plugin (pulumi-resource-docker) from Go modules only.
#
#   OUT=/path/to/pulumi-resource-docker [WORK=/scratch/dir] bash build.sh [--tidy]
#
# Why it is built this way:
# - pulumi-docker's own provider module (github.com/pulumi/pulumi-docker/provider/v5) is not
#   served by the module proxy reachable here, so this wrapper bridges the upstream Terraform
#   provider itself (./info maps it onto the same tokens and names as the @pulumi/docker SDK).
# - The upstream provider lives in an internal/ package, which another module cannot import:
#   the upstream module is copied from the Go module cache (it came from the proxy) into
#   $WORK/upstream and one file of ours is added there that re-exports it; go.mod's replace
#   points at that copy. Nothing fetched is kept in the repository.
# - The Pulumi schema the plugin serves is not in any module zip: ./gen generates it.
# Idempotent: every run rebuilds the scratch copies; Go's own caches make re-runs fast (~2 s).
# -trimpath: the binary is byte-identical whatever WORK, GOMODCACHE and GOCACHE are.
# WORK (default .tools/build/docker) must be an ignored folder.
# --tidy: run `go mod tidy` in the scratch copy and write go.mod/go.sum back here (maintenance only).
set -euo pipefail

: "${OUT:?set OUT to the output binary path}"
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-$HERE/../../../.tools/build/docker}

# The mapping in info/ follows the npm @pulumi/docker 5.2.0 SDK; setup passes the version the
# installed SDK asks for, and a different one must fail loudly, not build a mismatch.
SUPPORTED=5.2.0
VERSION="${VERSION:-$SUPPORTED}"
[ "$VERSION" = "$SUPPORTED" ] || { echo "toolchain/providers/docker builds $SUPPORTED, the SDK asks for $VERSION" >&2; exit 1; }
UPSTREAM=github.com/kreuzwerker/terraform-provider-docker
UPSTREAM_VER=v0.0.0-20260916201441-96d331c98ff4          # commit 96d331c98ff4, after upstream v4.5.0
UPSTREAM_SUM=h1:T3HvvZCRd4h2qkMl+SXA2zza26Rdz8xqV81skikQWy4=

export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
case "$OUT" in /*) ;; *) OUT=$PWD/$OUT ;; esac

# 1. Upstream module from the proxy (outside any module, so no go.mod is touched).
json=$(cd / && go mod download -json "$UPSTREAM@$UPSTREAM_VER")
dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
sum=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",$/\1/p')
[ "$sum" = "$UPSTREAM_SUM" ] || { echo "upstream checksum $sum != $UPSTREAM_SUM" >&2; exit 1; }

# 2. Scratch copies: upstream (+ re-export of internal/provider) and this wrapper.
mkdir -p "$WORK"
rm -rf "$WORK/upstream" "$WORK/src"
cp -r "$dir" "$WORK/upstream" && chmod -R u+w "$WORK/upstream"
mkdir "$WORK/upstream/pulumishim"
cat > "$WORK/upstream/pulumishim/shim.go" <<'EOF'
// Package pulumishim re-exports the SDKv2 provider constructor of internal/provider,
// which only packages of this module may import.
package pulumishim

import (
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/terraform-providers/terraform-provider-docker/internal/provider"
)

func New(version string) func() *schema.Provider { return provider.New(version) }
EOF
mkdir "$WORK/src"
cp -r "$HERE/go.mod" "$HERE/go.sum" "$HERE/main.go" "$HERE/info" "$HERE/gen" "$WORK/src/"
cd "$WORK/src"

if [ "${1:-}" = --tidy ]; then
  echo '{}' > schema-embed.json   # so that tidy sees main.go's embed satisfied
  go mod tidy
  cp go.mod go.sum "$HERE/"
fi

# 3. Schema, then the plugin. no_compose leaves out upstream's docker_compose resource
#    (plugin-framework only, not served by the SDKv2 bridge here) and its large dependency tree.
TAGS=no_compose
nice -n 10 go build -trimpath -tags "$TAGS" -o "$WORK/gen-schema" ./gen
"$WORK/gen-schema" "$WORK/src/schema-embed.json" "$VERSION"
mkdir -p "$(dirname "$OUT")"
nice -n 10 go build -trimpath -tags "$TAGS" -ldflags "-s -w -X main.version=$VERSION" -o "$OUT" .
echo "built $OUT (docker plugin $VERSION)"
