// gen writes the two files main.go embeds, as upstream's cmd/pulumi-resource-kubernetes/generate.go
// does: the shipped schema.json with .version set, re-serialised through schema.PackageSpec,
// and terraform-mapping.json re-serialised (compact).
//
//	go run ./gen UPSTREAM_CMD_DIR VERSION OUT_DIR
package main

import (
	"encoding/json"
	"log"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	if len(os.Args) != 4 {
		log.Fatal("usage: gen UPSTREAM_CMD_DIR VERSION OUT_DIR")
	}
	src, version, out := os.Args[1], os.Args[2], os.Args[3]

	var spec schema.PackageSpec
	reserialise(filepath.Join(src, "schema.json"), filepath.Join(out, "schema-embed.json"), &spec,
		func() { spec.Version = version })

	var mapping interface{}
	reserialise(filepath.Join(src, "terraform-mapping.json"), filepath.Join(out, "terraform-mapping-embed.json"), &mapping, nil)
}

// reserialise reads in into v, applies edit, writes v to out (via a .tmp file and a rename).
func reserialise(in, out string, v interface{}, edit func()) {
	b, err := os.ReadFile(in)
	if err != nil {
		log.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		log.Fatalf("cannot deserialize %s: %v", in, err)
	}
	if edit != nil {
		edit()
	}
	if b, err = json.Marshal(v); err != nil {
		log.Fatalf("cannot reserialize %s: %v", in, err)
	}
	if err := os.WriteFile(out+".tmp", b, 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.Rename(out+".tmp", out); err != nil {
		log.Fatal(err)
	}
}
