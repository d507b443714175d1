//go:build tools

// Pins the actionlint command in go.mod/go.sum; built with `go build github.com/rhysd/actionlint/cmd/actionlint`.
package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
