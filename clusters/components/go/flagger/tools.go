//go:build tools

// Package tools keeps Flagger's main package in this module's requirements.
package tools

import _ "github.com/fluxcd/flagger/cmd/flagger"
