//go:build tools

// Package tools keeps vegeta's main package, at its module root, in this module's requirements.
package tools

import _ "github.com/tsenart/vegeta/v12"
