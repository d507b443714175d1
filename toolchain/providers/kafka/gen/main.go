// gen writes the Pulumi package schema of the kafka plugin (argument 1: output
// file), stamped with the version given as argument 2. Docs come from the
// upstream provider's docs/ folder in the module cache (argument 3, optional);
// HCL examples are not converted (that needs a pulumi CLI).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"
	"github.com/spf13/afero"

	"kafka-platform/toolchain/providers/kafka/info"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: gen OUT.json VERSION [UPSTREAM_DIR]")
		os.Exit(2)
	}
	out, version := os.Args[1], os.Args[2]
	info.Version = version
	p := info.Provider()
	if len(os.Args) > 3 {
		p.UpstreamRepoPath = os.Args[3]
	}
	fs := afero.NewMemMapFs()
	g, err := tfgen.NewGenerator(tfgen.GeneratorOptions{
		Package: "kafka", Version: version, Language: tfgen.Schema,
		ProviderInfo: p, Root: fs, SkipExamples: true, SkipDocs: len(os.Args) < 4,
	})
	if err == nil {
		_, err = g.Generate(context.Background())
	}
	var spec map[string]any
	if err == nil {
		var b []byte
		if b, err = afero.ReadFile(fs, "schema.json"); err == nil {
			err = json.Unmarshal(b, &spec)
		}
	}
	if err == nil {
		spec["version"] = version // tfgen leaves it out
		var b []byte
		if b, err = json.Marshal(spec); err == nil {
			err = os.WriteFile(out, b, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
