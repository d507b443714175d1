// gen writes the Pulumi schema of the provider described in ../info to the file named by
// its first argument, with the version of its second, for main.go to embed. The module
// zips carry no generated schema, so the build makes its own.
package main

import (
	"encoding/json"
	"log"
	"os"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"

	"kafka-platform/toolchain/providers/docker/info"
)

func main() {
	if len(os.Args) != 3 {
		log.Fatal("usage: gen OUT.json VERSION")
	}
	res, err := tfgen.GenerateSchemaWithOptions(tfgen.GenerateSchemaOptions{
		ProviderInfo:    info.Provider(os.Args[2]),
		DiagnosticsSink: diag.DefaultSink(os.Stderr, os.Stderr, diag.FormatOptions{Color: colors.Never}),
		XInMemoryDocs:   true, // descriptions from the TF schema only; no docs repository needed
	})
	if err != nil {
		log.Fatal(err)
	}
	res.PackageSpec.Version = os.Args[2]
	b, err := json.Marshal(res.PackageSpec)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(os.Args[1], b, 0o644); err != nil {
		log.Fatal(err)
	}
}
