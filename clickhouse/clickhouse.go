// Package clickhouse is Waymark's storage engine for users who outgrow one
// machine: a ClickHouse server, or a sharded cluster, reached over the native
// protocol. It keeps the embedded engine's behaviour without transactions:
// duplicates are dropped when read, and identity rows are recomputed from
// stored links, so several collectors can write at once.
package clickhouse

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"text/template"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/storage"
)

//go:embed migrations/*.sql
var migrations embed.FS

//go:embed query/*.sql
var queryFiles embed.FS

var _ storage.Store = (*Store)(nil)

var queries = storage.LoadQueries(queryFiles, "query")

// Store is a ClickHouse database holding projects, events, identities and
// dead letters.
type Store struct {
	conn    driver.Conn
	cluster string // empty on a single server

	// writeMu serialises this process's writes; other collectors may write
	// at the same time.
	writeMu sync.Mutex
	seen    *storage.MessageSet // loaded by the first write
	clock   seqClock
	// journeyMu lets this process's journey creates take turns.
	journeyMu sync.Mutex
}

// identifier is what database and cluster names may be: they end up in DDL,
// where they cannot be parameters.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Open connects to dsn, clickhouse://[user[:password]@]HOST:PORT/DB with an
// optional ?cluster=NAME, creates the database when missing and brings its
// schema up to date. Other query parameters are ClickHouse settings.
func Open(ctx context.Context, dsn string) (*Store, error) {
	opts, cluster, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	database := opts.Auth.Database
	opts.Auth.Database = "default"
	conn, err := connect(ctx, opts)
	if err != nil {
		return nil, err
	}
	err = conn.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+database+onCluster(cluster))
	conn.Close()
	if err != nil {
		return nil, fmt.Errorf("create database %s: %w", database, err)
	}
	opts.Auth.Database = database
	if conn, err = connect(ctx, opts); err != nil {
		return nil, err
	}
	s := &Store{conn: conn, cluster: cluster}
	if err := s.migrate(ctx, database); err != nil {
		conn.Close()
		return nil, err
	}
	return s, nil
}

func parseDSN(dsn string) (*ch.Options, string, error) {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme != "clickhouse" {
		return nil, "", waymark.Errorf(waymark.KindInvalid, "store %q: want clickhouse://HOST:PORT/DATABASE[?cluster=NAME]", dsn)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, "", &waymark.Error{Kind: waymark.KindInvalid, Message: "store " + dsn + ": " + err.Error(), Err: err}
	}
	cluster := q.Get("cluster")
	q.Del("cluster")
	u.RawQuery = q.Encode()
	opts, err := ch.ParseDSN(u.String())
	if err != nil {
		return nil, "", &waymark.Error{Kind: waymark.KindInvalid, Message: "store " + dsn + ": " + err.Error(), Err: err}
	}
	if opts.Auth.Database == "" {
		opts.Auth.Database = "waymark"
	}
	for _, name := range []string{opts.Auth.Database, cluster} {
		if name != "" && !identifier.MatchString(name) {
			return nil, "", waymark.Errorf(waymark.KindInvalid, "store %q: %q is not a plain ClickHouse name", dsn, name)
		}
	}
	if opts.Settings == nil {
		opts.Settings = ch.Settings{}
	}
	// An insert through a Distributed table returns only once every shard
	// has stored its rows: the acknowledgement promises durability.
	opts.Settings["insert_distributed_sync"] = 1
	return opts, cluster, nil
}

func connect(ctx context.Context, opts *ch.Options) (driver.Conn, error) {
	conn, err := ch.Open(opts)
	if err == nil {
		err = conn.Ping(ctx)
	}
	if err != nil {
		return nil, &waymark.Error{Kind: waymark.KindUnavailable, Message: "cannot reach ClickHouse at " + strings.Join(opts.Addr, ","), Err: err}
	}
	return conn, nil
}

func onCluster(cluster string) string {
	if cluster == "" {
		return ""
	}
	return " ON CLUSTER " + cluster
}

// Close closes the connection.
func (s *Store) Close() error { return s.conn.Close() }

// Ping reports whether the server answers.
func (s *Store) Ping(ctx context.Context) error { return s.conn.Ping(ctx) }

// migrate applies the numbered files in migrations/ newer than the newest
// recorded in schema_migrations.
func (s *Store) migrate(ctx context.Context, database string) error {
	ddl := s.ddl(database)
	if err := s.execDDL(ctx, ddl, `CREATE TABLE IF NOT EXISTS {{table "schema_migrations"}} (
		version UInt32, name String, applied_at DateTime) ENGINE = MergeTree ORDER BY version;
		{{distribute "schema_migrations" "rand()"}}`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var current uint32
	if err := s.conn.QueryRow(ctx, "SELECT max(version) FROM schema_migrations").Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	all, err := storage.LoadMigrations(migrations, "migrations")
	if err != nil {
		return err
	}
	for _, m := range all {
		if m.Version <= int(current) {
			continue
		}
		if err := s.execDDL(ctx, ddl, m.Body); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if err := s.insert(ctx, "INSERT INTO schema_migrations (version, name, applied_at)", uint32(m.Version), m.Name, time.Now().UTC()); err != nil {
			return fmt.Errorf("record migration %s: %w", m.Name, err)
		}
	}
	return nil
}

// insert inserts one row. Inserts go through batches: the driver's
// INSERT ... VALUES with arguments stalls on 18.16.
func (s *Store) insert(ctx context.Context, insert string, values ...any) error {
	batch, err := s.conn.PrepareBatch(ctx, insert)
	if err != nil {
		return err
	}
	defer batch.Abort()
	if err := batch.Append(values...); err != nil {
		return err
	}
	return batch.Send()
}

// ddl is the template language of migrations, which differs between a
// single server and a cluster: table names a table to create or alter
// (on a cluster, the local table on every shard), distribute adds the
// Distributed table over it, distributed names that table to alter (empty
// on a single server) and local names the table that holds a shard's rows,
// for materialized views. A migration is executed with ddlData.
func (s *Store) ddl(database string) template.FuncMap {
	if s.cluster == "" {
		return template.FuncMap{
			"table":       func(name string) string { return database + "." + name },
			"distribute":  func(name, key string) string { return "" },
			"distributed": func(name string) string { return "" },
			"local":       func(name string) string { return database + "." + name },
		}
	}
	return template.FuncMap{
		"table": func(name string) string { return database + "." + name + "_local" + onCluster(s.cluster) },
		"distribute": func(name, key string) string {
			return fmt.Sprintf("CREATE TABLE IF NOT EXISTS %[1]s.%[2]s%[3]s AS %[1]s.%[2]s_local ENGINE = Distributed(%[4]s, %[1]s, %[2]s_local, %[5]s)",
				database, name, onCluster(s.cluster), s.cluster, key)
		},
		"distributed": func(name string) string { return database + "." + name + onCluster(s.cluster) },
		"local":       func(name string) string { return database + "." + name + "_local" },
	}
}

// execDDL runs the statements of a migration template one by one, as the
// native protocol takes one statement per query; each ends a line with ";".
func (s *Store) execDDL(ctx context.Context, funcs template.FuncMap, body string) error {
	t, err := template.New("ddl").Funcs(funcs).Parse(body)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, ddlData{Now: time.Now().UnixNano()}); err != nil {
		return err
	}
	for _, stmt := range strings.Split(b.String(), ";\n") {
		stmt = strings.TrimSuffix(strings.TrimSpace(stmt), ";")
		if strings.TrimSpace(withoutComments(stmt)) == "" {
			continue
		}
		if err := s.conn.Exec(ctx, stmt); err != nil && !addedBefore(stmt, err) {
			return err
		}
	}
	return nil
}

// ddlData is what a migration's template reads.
type ddlData struct {
	// Now is when the migration started, as a seq (see seqClock): the seq
	// of rows stored before it are lower, but for writes in flight.
	Now int64
}

// addedBefore reports the error of adding columns that are there: 18.16
// has no ADD COLUMN IF NOT EXISTS, and another collector may have run the
// same migration at the same moment.
func addedBefore(stmt string, err error) bool {
	const duplicateColumn = 44 // ILLEGAL_COLUMN: "column with this name already exists"
	e, ok := errors.AsType[*ch.Exception](err)
	return ok && e.Code == duplicateColumn && strings.Contains(stmt, "ADD COLUMN") &&
		strings.Contains(e.Message, "already exists")
}

func withoutComments(sql string) string {
	var b strings.Builder
	for _, line := range strings.Split(sql, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			b.WriteString(line)
		}
	}
	return b.String()
}

// seqClock numbers stored rows: nanoseconds of the wall clock, strictly
// increasing within this process, so storage order across collectors follows
// time and within one collector follows the order of writes.
type seqClock struct{ last int64 }

// next reserves n numbers and returns the first.
func (c *seqClock) next(n int) int64 {
	first := max(c.last+1, time.Now().UnixNano())
	c.last = first + int64(n) - 1
	return first
}
