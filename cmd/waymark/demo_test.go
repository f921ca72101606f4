package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// TestDemoIsDeterministic generates the demo dataset twice with one seed and
// once with another: the same seed must give byte-identical exports.
func TestDemoIsDeterministic(t *testing.T) {
	export := func(seed string) []byte {
		t.Helper()
		dir := t.TempDir()
		out, err := exec.Command(binary, "demo", "--data", dir, "--seed", seed, "--events", "5000", "--serve=false").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "0 rejected") {
			t.Fatalf("demo: %v\n%s", err, out)
		}
		exported, err := exec.Command(binary, "export", "--data", dir).Output()
		if err != nil {
			t.Fatal(err)
		}
		return exported
	}
	first, again, other := export("7"), export("7"), export("8")
	if n := bytes.Count(first, []byte("\n")); n < 4900 || n > 5100 {
		t.Errorf("demo stored %d events, want about 5000", n)
	}
	if !bytes.Equal(first, again) {
		t.Error("the same seed gave different exports")
	}
	if bytes.Equal(first, other) {
		t.Error("different seeds gave the same export")
	}
}

// TestDemoSavesJourneys: the demo comes with its journey maps saved.
func TestDemoSavesJourneys(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command(binary, "demo", "--data", dir, "--events", "3000", "--serve=false").CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	out, err := exec.Command(binary, "journeys", "list", "--data", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("journeys list: %v\n%s", err, out)
	}
	for _, id := range []string{"lead-nurturing", "trial-to-paid"} {
		if !strings.Contains(string(out), id) {
			t.Errorf("journeys list has no %s:\n%s", id, out)
		}
	}
}
