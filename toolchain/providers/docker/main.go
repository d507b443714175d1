// pulumi-resource-docker: the Pulumi docker provider plugin, bridged from the upstream
// Terraform provider (kreuzwerker/terraform-provider-docker) with the mapping in ./info.
// Serves the resources the @pulumi/docker SDK declares as bridged (Container, Network,
// Volume, RemoteImage, ...). The SDK's native docker.Image (image builds) is not served.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"

	"kafka-platform/toolchain/providers/docker/info"
)

// version is stamped by build.sh (-ldflags -X main.version=...) to the version the npm SDK asks for.
var version = "0.0.0-dev"

// schema-embed.json is written by ./gen into the build copy before this package is compiled.
//
//go:embed schema-embed.json
var schema []byte

func main() {
	tfbridge.Main("docker", version, info.Provider(version), schema)
}
