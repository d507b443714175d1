// pulumi-resource-kubernetes: the Pulumi kubernetes resource plugin. Upstream's
// cmd/pulumi-resource-kubernetes/main.go cannot be built from the module zip (its embedded,
// generated JSON files are git-ignored upstream, so absent there); this is the same main with
// the two files generated next to it by ./gen (build.sh runs it; they are not kept in git).
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
