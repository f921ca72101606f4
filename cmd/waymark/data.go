package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/duckdb"
	"github.com/waymark-analytics/waymark/http"
	"github.com/waymark-analytics/waymark/ingest"
)

// store is what the commands need of a storage engine: what ingest writes
// to, what the HTTP API reads, and project bootstrap. The embedded DuckDB
// engine is the one there is; a ClickHouse engine is to follow.
type store interface {
	ingest.Store
	http.Store
	CreateProject(ctx context.Context, p waymark.Project) error
	Close() error
}

var _ store = (*duckdb.Store)(nil)

const (
	databaseFile = "waymark.db"
	// serverFile tells other commands where the server that holds the
	// database lock listens, so they can go through it.
	serverFile = "server.json"
)

// dataFlags are the flags shared by the commands that open the data dir.
type dataFlags struct {
	dir string
}

func (d *dataFlags) register(fs interface {
	StringVar(p *string, name, value, usage string)
}) {
	fs.StringVar(&d.dir, "data", envString("WAYMARK_DATA", "./waymark-data"), "data directory ($WAYMARK_DATA)")
}

// openStore opens the embedded store in dir, creating dir when missing.
func openStore(ctx context.Context, dir string) (store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	return openDuckDB(ctx, filepath.Join(dir, databaseFile), duckdb.Options{})
}

// openStoreReadOnly opens the existing store in dir for reading alongside
// other readers.
func openStoreReadOnly(ctx context.Context, dir string) (store, error) {
	path := filepath.Join(dir, databaseFile)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no Waymark data in %s: %w", dir, err)
	}
	return openDuckDB(ctx, path, duckdb.Options{ReadOnly: true})
}

// openDuckDB returns a nil store, not a nil *duckdb.Store, on failure.
func openDuckDB(ctx context.Context, path string, opts duckdb.Options) (store, error) {
	s, err := duckdb.Open(ctx, path, opts)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// defaultProject returns the first project, creating "default" with the given
// keys (or generated ones) when the store has none.
func defaultProject(ctx context.Context, store store, writeKey, readKey string) (p waymark.Project, created bool, err error) {
	projects, err := store.Projects(ctx)
	if err != nil {
		return p, false, err
	}
	if len(projects) > 0 {
		return projects[0], false, nil
	}
	if writeKey == "" {
		writeKey = "wk_" + randomKey()
	}
	if readKey == "" {
		readKey = "rk_" + randomKey()
	}
	if writeKey == readKey {
		return p, false, fmt.Errorf("the write key and the read key must differ")
	}
	p = waymark.Project{ID: "default", Name: "Default", WriteKey: writeKey, ReadKey: readKey, CreatedAt: time.Now().UTC()}
	return p, true, store.CreateProject(ctx, p)
}

func randomKey() string { return rand.Text() }

// runningServer is what serve leaves in the data dir while it runs.
type runningServer struct {
	Addr     string `json:"addr"`
	PID      int    `json:"pid"`
	WriteKey string `json:"writeKey"`
	ReadKey  string `json:"readKey"`
}

func writeServerFile(dir string, s runningServer) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, serverFile), b, 0o600)
}

// readServerFile finds the server that holds dir's database.
func readServerFile(dir string) (runningServer, error) {
	var s runningServer
	b, err := os.ReadFile(filepath.Join(dir, serverFile))
	if err != nil {
		return s, err
	}
	return s, json.Unmarshal(b, &s)
}
