package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/clickhouse"
	"github.com/waymark-analytics/waymark/duckdb"
	"github.com/waymark-analytics/waymark/storage"
)

const (
	databaseFile = "waymark.db"
	// serverFile tells other commands where the server that holds the
	// database lock listens, so they can go through it.
	serverFile = "server.json"
	// sessionKeyFile holds the secret that signs dashboard sessions, so that
	// they survive restarts. It lives in the data dir with ClickHouse too.
	sessionKeyFile = "session.key"
)

// dataFlags are the flags shared by the commands that open the store.
type dataFlags struct {
	dir   string
	store string // empty for the embedded engine in dir
}

func (d *dataFlags) register(fs interface {
	StringVar(p *string, name, value, usage string)
}) {
	fs.StringVar(&d.dir, "data", envString("WAYMARK_DATA", "./waymark-data"), "data directory ($WAYMARK_DATA)")
	fs.StringVar(&d.store, "store", envString("WAYMARK_STORE", ""),
		"where events are stored: empty for the embedded database in the data directory, or clickhouse://HOST:9000/DB[?cluster=NAME] ($WAYMARK_STORE)")
}

// where describes the store for messages.
func (d *dataFlags) where() string {
	if d.store != "" {
		return d.store
	}
	return d.dir
}

// openStore opens the store, creating the data dir or database when missing.
func openStore(ctx context.Context, d dataFlags) (storage.Store, error) {
	if err := os.MkdirAll(d.dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	if d.store != "" {
		return openClickHouse(ctx, d.store)
	}
	return openDuckDB(ctx, filepath.Join(d.dir, databaseFile), duckdb.Options{})
}

// openStoreReadOnly opens an existing store for reading alongside other
// readers and writers.
func openStoreReadOnly(ctx context.Context, d dataFlags) (storage.Store, error) {
	if d.store != "" {
		return openClickHouse(ctx, d.store) // ClickHouse takes readers alongside writers
	}
	path := filepath.Join(d.dir, databaseFile)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no Waymark data in %s: %w", d.dir, err)
	}
	return openDuckDB(ctx, path, duckdb.Options{ReadOnly: true})
}

func openClickHouse(ctx context.Context, dsn string) (storage.Store, error) {
	s, err := clickhouse.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// openDuckDB returns a nil store, not a nil *duckdb.Store, on failure.
func openDuckDB(ctx context.Context, path string, opts duckdb.Options) (storage.Store, error) {
	s, err := duckdb.Open(ctx, path, opts)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// defaultProject returns the first project, creating "default" with the given
// keys (or generated ones) when the store has none.
func defaultProject(ctx context.Context, store storage.Store, writeKey, readKey string) (p waymark.Project, created bool, err error) {
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
	if err := store.CreateProject(ctx, p); err != nil {
		return p, false, err
	}
	// Collectors starting together on a new ClickHouse database may each
	// create one; all of them use the oldest.
	projects, err = store.Projects(ctx)
	if err != nil {
		return p, false, err
	}
	return projects[0], projects[0].WriteKey == p.WriteKey, nil
}

func randomKey() string { return rand.Text() }

// runningServer is what serve leaves in the data dir while it runs: where
// it listens and every project's keys, so that commands on the same data go
// through it as any client would, for every project. Like the database,
// which holds the same keys, the file is readable by its owner only.
type runningServer struct {
	Addr     string        `json:"addr"`
	PID      int           `json:"pid"`
	Projects []projectKeys `json:"projects"` // the default first
}

// projectKeys are a project's id and the keys its clients send.
type projectKeys struct {
	ID       string `json:"id"`
	WriteKey string `json:"writeKey"`
	ReadKey  string `json:"readKey"`
}

func keysOf(projects []waymark.Project) []projectKeys {
	keys := make([]projectKeys, len(projects))
	for i, p := range projects {
		keys[i] = projectKeys{ID: p.ID, WriteKey: p.WriteKey, ReadKey: p.ReadKey}
	}
	return keys
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

// sessionSecret reads the data dir's session secret, creating it on first
// start. Deleting the file signs everyone out.
func sessionSecret(dir string) ([]byte, error) {
	path := filepath.Join(dir, sessionKeyFile)
	b, err := os.ReadFile(path)
	if err == nil && len(b) >= 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read session secret: %w", err)
	}
	b = []byte(rand.Text() + rand.Text())
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("create session secret: %w", err)
	}
	return b, nil
}
