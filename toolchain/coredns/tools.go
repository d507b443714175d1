//go:build tools

// Pins CoreDNS's main package (the module root, with its committed plugin list
// core/plugin/zplugin.go), so `go mod tidy` keeps its dependencies.
package tools

import _ "github.com/coredns/coredns"
