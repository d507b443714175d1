// Package info describes how the upstream Terraform provider
// (github.com/Mongey/terraform-provider-kafka) is exposed as the Pulumi package
// "kafka". Every token, renamed field and config default below is the one the
// npm SDK @pulumi/kafka@3.13.2 uses (see its *.d.ts and provider.js), so that
// SDK talks to this plugin unchanged.
package info

import (
	"github.com/Mongey/terraform-provider-kafka/kafka"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
)

// Version is stamped by build.sh (-ldflags -X) with the version the npm SDK asks for.
var Version = "0.0.0-dev"

func envDefault(value any, envVars ...string) *tfbridge.SchemaInfo {
	return &tfbridge.SchemaInfo{Default: &tfbridge.DefaultInfo{EnvVars: envVars, Value: value}}
}

// Provider returns the bridge description of the kafka provider.
func Provider() tfbridge.ProviderInfo {
	p := tfbridge.ProviderInfo{
		P:           shimv2.NewProvider(kafka.Provider()),
		Name:        "kafka",
		GitHubOrg:   "Mongey",
		Description: "A Pulumi package for creating and managing Kafka.",
		Keywords:    []string{"pulumi", "kafka"},
		License:     "Apache-2.0",
		Homepage:    "https://pulumi.io",
		Repository:  "https://github.com/pulumi/pulumi-kafka",
		Version:     Version,
		// Defaults the SDK also applies client-side (provider.js getEnv calls).
		Config: map[string]*tfbridge.SchemaInfo{
			"sasl_mechanism":  envDefault("plain", "KAFKA_SASL_MECHANISM"),
			"skip_tls_verify": envDefault(false, "KAFKA_SKIP_VERIFY"),
			"tls_enabled":     envDefault(true, "KAFKA_ENABLE_TLS"),
		},
		Resources: map[string]*tfbridge.ResourceInfo{
			"kafka_topic": {Tok: "kafka:index/topic:Topic"},
			"kafka_acl": {
				Tok: "kafka:index/acl:Acl",
				// resourceName/resourceType would clash with Pulumi's own names.
				Fields: map[string]*tfbridge.SchemaInfo{
					"resource_name": {Name: "aclResourceName"},
					"resource_type": {Name: "aclResourceType"},
				},
			},
			"kafka_quota":                 {Tok: "kafka:index/quota:Quota"},
			"kafka_user_scram_credential": {Tok: "kafka:index/userScramCredential:UserScramCredential"},
		},
		DataSources: map[string]*tfbridge.DataSourceInfo{
			"kafka_topic":  {Tok: "kafka:index:getTopic"},
			"kafka_topics": {Tok: "kafka:index:getTopics"},
		},
	}
	// Topic.name is optional in the SDK: Pulumi proposes "<resource name>-<random>".
	p.SetAutonaming(255, "-")
	return p
}
