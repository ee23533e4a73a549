//go:build tools

// Package tools keeps kind's main package, at its module root, in this module's requirements.
package tools

import _ "sigs.k8s.io/kind"
