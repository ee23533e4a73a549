//go:build tools

// Package tools keeps kubectl's main package in this module's requirements.
package tools

import _ "k8s.io/kubernetes/cmd/kubectl"
