// Package duckdb is Waymark's embedded storage engine: one DuckDB database
// file under the data directory, nothing to install.
package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/columnar"
	"github.com/waymark-analytics/waymark/storage"
)

//go:embed migrations/*.sql
var migrations embed.FS

//go:embed query/*.sql
var queryFiles embed.FS

var _ storage.Store = (*Store)(nil)

var queries = storage.LoadQueries(queryFiles, "query")

// checkpointThreshold bounds the write-ahead log: DuckDB checkpoints once the
// WAL grows past it, so recovery after a crash replays at most this much.
// Smaller thresholds checkpoint so often that ingest slows by a third
// (docs/benchmarks.md).
const checkpointThreshold = "256MB"

// memoryLimit caps DuckDB's buffer pool, which otherwise grows to 80 % of the
// machine's memory; beyond it DuckDB spills to a temporary directory.
// Reports read the column index beside the database, not DuckDB, so the
// pool serves writes and small queries; the server stays within 1 GiB.
const memoryLimit = "384MB"

// Options tune the engine.
type Options struct {
	// ReadOnly opens an existing database for reading only, so that several
	// readers, such as exports, can share it; Write then fails.
	ReadOnly bool
	// IndexMergeRows is how many new events make the report index merge
	// them into a segment; 0 is columnar's default. Tests make it small.
	IndexMergeRows int
}

// Store is a DuckDB database file holding projects, events, identities and
// dead letters.
type Store struct {
	db   *sql.DB
	path string

	// Writes are serialised on one connection that owns the appender, so a
	// whole group of requests lands in one transaction.
	writeMu  sync.Mutex
	writer   *sql.Conn
	appender *duckdb.Appender
	seen     *storage.MessageSet
	nextSeq  int64 // seq of the next stored event
	// catalog counts the committed events that the catalog tables do not
	// yet, since catalogAt; see catalogEvery.
	catalog     *catalogDelta
	catalogAt   time.Time
	stopCatalog chan struct{}
	catalogDone sync.WaitGroup

	// schema is the newest migration the database has had: a database
	// opened read-only may be older than this binary.
	schema int

	// journeyMu makes journey writes take turns: DuckDB fails the later
	// of two transactions that write one key at the same time.
	journeyMu sync.Mutex

	opts    Options
	indexMu sync.Mutex
	index   *columnar.Index // what reports read; see reports
}

// Open opens or creates the database file at path and brings its schema up to
// date. A file locked by another process yields a KindUnavailable error.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	dsn := path
	if opts.ReadOnly {
		dsn += "?access_mode=read_only"
	}
	connector, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		if strings.Contains(err.Error(), "Could not set lock") {
			return nil, &waymark.Error{Kind: waymark.KindUnavailable, Message: "database " + path + " is in use by another process", Err: err}
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: sql.OpenDB(connector), path: path, opts: opts}
	if !opts.ReadOnly {
		err = s.init(ctx)
	}
	if err == nil {
		s.schema, err = schemaVersion(ctx, s.db)
	}
	if err != nil {
		s.db.Close()
		return nil, err
	}
	if !opts.ReadOnly {
		if _, err := s.reports(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// init prepares a writable store: schema, writer connection, appender and
// the state duplicate detection and storage order need.
func (s *Store) init(ctx context.Context) error {
	for setting, value := range map[string]string{"checkpoint_threshold": checkpointThreshold, "memory_limit": memoryLimit} {
		if _, err := s.db.ExecContext(ctx, "SET "+setting+" = "+quote(value)); err != nil {
			return fmt.Errorf("set %s: %w", setting, err)
		}
	}
	if err := migrate(ctx, s.db); err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	s.writer = conn
	if err := s.newAppender(); err != nil {
		return err
	}
	if s.seen, err = loadMessageSet(ctx, s.db); err != nil {
		return err
	}
	if err := s.db.QueryRowContext(ctx, queries.Get("NextSeq")).Scan(&s.nextSeq); err != nil {
		return err
	}
	s.catalog, s.catalogAt = newCatalogDelta(), time.Now()
	if err := s.catchUpCatalog(ctx); err != nil {
		return err
	}
	s.stopCatalog = make(chan struct{})
	s.catalogDone.Go(func() { s.flushCatalogEverySecond(s.stopCatalog) })
	return nil
}

func (s *Store) newAppender() error {
	return s.writer.Raw(func(c any) error {
		a, err := duckdb.NewAppenderFromConn(c.(driver.Conn), "", "events")
		s.appender = a
		return err
	})
}

// Close flushes and closes the database; DuckDB checkpoints on close.
func (s *Store) Close() error {
	if s.stopCatalog != nil {
		close(s.stopCatalog)
		s.catalogDone.Wait()
		s.stopCatalog = nil
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var errs []error
	errs = append(errs, s.flushCatalog(context.Background()))
	s.indexMu.Lock()
	if s.index != nil {
		errs = append(errs, s.index.Close())
	}
	s.indexMu.Unlock()
	if s.appender != nil {
		errs = append(errs, s.appender.Close())
	}
	if s.writer != nil {
		errs = append(errs, s.writer.Close())
	}
	errs = append(errs, s.db.Close())
	return errors.Join(errs...)
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Migrations that queries need, for databases opened read-only.
const (
	membersVersion = 3 // the members of properties and traits
	catalogVersion = 4 // the schema catalog
)

// migrationSteps are work of migrations that SQL cannot do, run after the
// migration's SQL in its transaction.
var migrationSteps = map[int]func(ctx context.Context, tx *sql.Tx) error{
	membersVersion: backfillMembers,
}

// migrate applies the numbered files in migrations/ that the database has not
// recorded yet, each in its own transaction.
func migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	current, err := schemaVersion(ctx, db)
	if err != nil {
		return err
	}
	all, err := storage.LoadMigrations(migrations, "migrations")
	if err != nil {
		return err
	}
	for _, m := range all {
		if m.Version <= current {
			continue
		}
		if err := applyMigration(ctx, db, m); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return nil
}

func applyMigration(ctx context.Context, db *sql.DB, m storage.Migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.Body); err != nil {
		return err
	}
	if step := migrationSteps[m.Version]; step != nil {
		if err := step(ctx, tx); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", m.Version, m.Name); err != nil {
		return err
	}
	return tx.Commit()
}

// schemaVersion returns the newest migration the database has had.
func schemaVersion(ctx context.Context, db *sql.DB) (int, error) {
	var version int
	if err := db.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&version); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return version, nil
}

// requires fails when the database lacks a migration that a query needs:
// only a database from an older Waymark, opened read-only, can.
func (s *Store) requires(version int) error {
	if s.schema >= version {
		return nil
	}
	return waymark.Errorf(waymark.KindUnavailable, "the database %s was written by an older Waymark: open it once for writing, for example with waymark serve, to bring it up to date", s.path)
}

// quote makes a SQL string literal, for settings that cannot be parameters.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
