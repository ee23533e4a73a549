//go:build tools

// Package tools keeps Reloader's main package, at its module root, in this module's requirements.
package tools

import _ "github.com/stakater/Reloader"
