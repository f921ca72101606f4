package main

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// TestHelp asks every command for its usage: it exits 0 and lists the
// command's own flags, and only those.
func TestHelp(t *testing.T) {
	tests := []struct {
		args     []string
		has, not []string // in the usage
	}{
		{args: []string{"--help"}, has: []string{"Commands:", "query"}},
		{args: []string{"help"}, has: []string{"Commands:"}},
		{args: []string{"serve", "--help"}, has: []string{"-addr", "-read-key"}},
		{args: []string{"demo", "-h"}, has: []string{"-seed", "-serve"}},
		{args: []string{"import", "--help"}, has: []string{"-map", "-project"}},
		{args: []string{"export", "--help"}, has: []string{"-rejected", "-project"}},
		{args: []string{"query", "--help"}, has: []string{"waymark query funnel", "waymark query journey", "waymark query person ID"}},
		{args: []string{"query", "help"}, has: []string{"waymark query person ID"}},
		{args: []string{"query", "funnel", "--help"}, has: []string{"-steps", "-persons", "-outcome", "-format table|json|csv", "fractions of 1"}, not: []string{"-id "}},
		{args: []string{"query", "journey", "--help"}, has: []string{"-def", "-id", "-from", "-rows"}, not: []string{"-steps", "-window", "-breakdown", "-persons"}},
		{args: []string{"query", "person", "--help"}, has: []string{"-format"}, not: []string{"-def", "-steps", "-from"}},
		{args: []string{"journeys", "--help"}, has: []string{"waymark journeys list"}},
		{args: []string{"journeys", "show", "--help"}, has: []string{"-format"}},
		{args: []string{"bench", "--help"}, has: []string{"bench ingest", "-clients"}},
		{args: []string{"bench", "ingest", "--help"}, has: []string{"-clients"}},
		{args: []string{"bench", "funnel", "--help"}, has: []string{"-runs"}},
		{args: []string{"version", "--help"}, has: []string{"Usage: waymark version"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, err := exec.Command(binary, tt.args...).CombinedOutput()
			if err != nil {
				t.Fatalf("exit: %v, want 0\n%s", err, out)
			}
			for _, s := range tt.has {
				if !strings.Contains(string(out), s) {
					t.Errorf("usage lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(string(out), s) {
					t.Errorf("usage has %q:\n%s", s, out)
				}
			}
		})
	}
}

// TestUsageErrors: a command used wrongly exits 1 and says why.
func TestUsageErrors(t *testing.T) {
	dataDir := t.TempDir()
	tests := []struct {
		args []string
		says string
	}{
		{[]string{"nope"}, `unknown command "nope"`},
		{[]string{"query"}, "name the report: waymark query funnel|journey|paths|attribution|person"},
		{[]string{"query", "retention"}, `unknown report "retention"`},
		{[]string{"query", "funnel", "--format", "xml"}, `invalid value "xml" for flag -format: use table, json or csv`},
		{[]string{"query", "funnel", "--steps", "A,B", "--outcome", "dropped"}, "--outcome goes with --persons STEP"},
		{[]string{"query", "funnel", "--steps", "A,B", "--rows", "stages"}, `--rows "stages": use steps or trend`},
		{[]string{"query", "funnel", "--steps", "A,B", "extra"}, `unexpected argument "extra"`},
		{[]string{"query", "journey", "--steps", "A,B"}, "flag provided but not defined: -steps"},
		{[]string{"query", "journey", "--def", "j.yaml", "--id", "j"}, "give --def or --id, not both"},
		{[]string{"query", "journey"}, "name the journey: --def FILE or --id ID"},
		{[]string{"query", "person"}, "name one person"},
		{[]string{"query", "person", "a", "b"}, "name one person"},
		{[]string{"query", "person", "a", "--data", dataDir}, "no Waymark data in " + dataDir},
		{[]string{"bench"}, "name the benchmark: ingest, funnel, paths or attribution"},
		{[]string{"version", "extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, err := exec.Command(binary, tt.args...).CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("exit: %v, want 1\n%s", err, out)
			}
			if !strings.Contains(string(out), tt.says) {
				t.Errorf("said:\n%s\nwant %q", out, tt.says)
			}
		})
	}
}
