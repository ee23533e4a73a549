//go:build tools

// Package tools keeps actionlint's command in this module's requirements.
package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
