//go:build tools

// Package tools keeps the Prometheus server's main package in this module's requirements.
package tools

import _ "github.com/prometheus/prometheus/cmd/prometheus"
