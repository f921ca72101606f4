package duckdb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/waymark-analytics/waymark/storage"
	"github.com/waymark-analytics/waymark/storage/storagetest"
)

func TestConformance(t *testing.T) {
	// Events wait in the report index's memtable until it is large; with
	// merges of a few rows, reports read segments, merged again and again
	// across identity changes.
	for name, mergeRows := range map[string]int{"memtable": 0, "segments": 37} {
		t.Run(name, func(t *testing.T) {
			storagetest.Run(t, openerWith(Options{IndexMergeRows: mergeRows}), storagetest.Full)
		})
	}
}

// openerWith opens a new database file for a test, with opts.
func openerWith(opts Options) func(t *testing.T) storagetest.Opener {
	return func(t *testing.T) storagetest.Opener {
		path := filepath.Join(t.TempDir(), "waymark.db")
		return func(t *testing.T) storage.Store {
			s, err := Open(context.Background(), path, opts)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
	}
}
