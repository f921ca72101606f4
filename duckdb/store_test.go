package duckdb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/waymark-analytics/waymark/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, opener, storagetest.Full)
}

// opener opens a new database file for the conformance suite.
func opener(t *testing.T) storagetest.Opener {
	path := filepath.Join(t.TempDir(), "waymark.db")
	return func(t *testing.T) storagetest.Store {
		s, err := Open(context.Background(), path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}
