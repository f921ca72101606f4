package clickhouse

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	nethttp "net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/demo"
	"github.com/waymark-analytics/waymark/duckdb"
	waymarkhttp "github.com/waymark-analytics/waymark/http"
	"github.com/waymark-analytics/waymark/identity"
	"github.com/waymark-analytics/waymark/ingest"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/segment"
	"github.com/waymark-analytics/waymark/storage"
	"github.com/waymark-analytics/waymark/storage/storagetest"
)

// servers returns the ClickHouse servers to test against, by name: a single
// server and a two-shard cluster, which ./scripts/test.sh starts. Without
// them the tests fail in CI and skip, loudly, elsewhere. The tests run in
// parallel, as they spend their time waiting for the servers.
func servers(t *testing.T) map[string]string {
	dsns := map[string]string{}
	for name, env := range map[string]string{"single": "WAYMARK_TEST_CLICKHOUSE", "cluster": "WAYMARK_TEST_CLICKHOUSE_CLUSTER"} {
		if dsn := os.Getenv(env); dsn != "" {
			dsns[name] = dsn
		}
	}
	if len(dsns) < 2 {
		msg := "ClickHouse tests need WAYMARK_TEST_CLICKHOUSE and WAYMARK_TEST_CLICKHOUSE_CLUSTER; ./scripts/test.sh starts the servers and sets them"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dsns
}

var databases atomic.Int64

// freshDatabase returns an Opener of a new database on the server of dsn,
// dropped when the test ends.
func freshDatabase(dsn string) func(t *testing.T) storagetest.Opener {
	return func(t *testing.T) storagetest.Opener {
		tmpl := templateOf(t, dsn)
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("waymark_test_%d_%d", os.Getpid(), databases.Add(1))
		t.Cleanup(func() {
			if err := tmpl.drop(name); err != nil {
				t.Error(err)
			}
		})
		if err := tmpl.copy(name); err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + name
		return func(t *testing.T) storage.Store {
			s, err := Open(context.Background(), u.String())
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
	}
}

// A schemaTemplate is a database that Open created and migrated once for
// the whole run; freshDatabase copies its tables. On a cluster Open runs
// each statement of the migrations ON CLUSTER, through ZooKeeper, where the
// statements of every test wait in one queue at about 150 ms each; the copy
// is made on each server directly and takes none. Every Open of a copy
// still goes through ON CLUSTER statements, which find it up to date.
type schemaTemplate struct {
	name    string
	cluster string
	servers []driver.Conn // the single server, or every shard of the cluster
	tables  []string      // the template's CREATE TABLE statements, views after the tables they read
}

// templates holds a *lazyTemplate for each dsn.
var templates sync.Map

type lazyTemplate struct {
	once sync.Once
	tmpl *schemaTemplate
	err  error
}

// templateOf returns the template on the server of dsn, creating it at the
// first call.
func templateOf(t *testing.T, dsn string) *schemaTemplate {
	v, _ := templates.LoadOrStore(dsn, &lazyTemplate{})
	lazy := v.(*lazyTemplate)
	lazy.once.Do(func() { lazy.tmpl, lazy.err = newTemplate(context.Background(), dsn) })
	if lazy.err != nil {
		t.Fatal(lazy.err)
	}
	return lazy.tmpl
}

func newTemplate(ctx context.Context, dsn string) (*schemaTemplate, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, err
	}
	tmpl := &schemaTemplate{name: fmt.Sprintf("waymark_test_%d_template", os.Getpid())}
	u.Path = "/" + tmpl.name
	s, err := Open(ctx, u.String())
	if err != nil {
		return nil, err
	}
	defer s.Close()
	tmpl.cluster = s.cluster
	addrs := []string{u.Host}
	if s.cluster != "" {
		rows, err := s.conn.Query(ctx, "SELECT host_address, port FROM system.clusters WHERE cluster = ? ORDER BY shard_num, replica_num", s.cluster)
		if err != nil {
			return nil, err
		}
		addrs = nil
		for rows.Next() {
			var host string
			var port uint16
			if err := rows.Scan(&host, &port); err != nil {
				return nil, err
			}
			addrs = append(addrs, net.JoinHostPort(host, fmt.Sprint(port)))
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for _, addr := range addrs {
		conn, err := connect(ctx, &ch.Options{Addr: []string{addr}})
		if err != nil {
			return nil, err
		}
		tmpl.servers = append(tmpl.servers, conn)
	}
	if tmpl.tables, err = s.strings(ctx, "SELECT create_table_query FROM system.tables WHERE database = ? ORDER BY engine = 'MaterializedView', name", tmpl.name); err != nil {
		return nil, err
	}
	return tmpl, nil
}

// copy creates database name with the template's tables and migrations.
func (tmpl *schemaTemplate) copy(name string) error {
	ctx := context.Background()
	err := tmpl.onEachServer(func(conn driver.Conn) error {
		if err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			return err
		}
		for _, create := range tmpl.tables {
			if err := conn.Exec(ctx, strings.ReplaceAll(create, tmpl.name, name)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("copy the schema into %s: %w", name, err)
	}
	migrations := name + ".schema_migrations"
	if tmpl.cluster != "" {
		migrations += "_local" // of one shard, which the Distributed table reads with the others
	}
	if err := tmpl.servers[0].Exec(ctx, "INSERT INTO "+migrations+" SELECT * FROM "+tmpl.name+".schema_migrations"); err != nil {
		return fmt.Errorf("copy the migrations into %s: %w", name, err)
	}
	return nil
}

func (tmpl *schemaTemplate) drop(name string) error {
	return tmpl.onEachServer(func(conn driver.Conn) error {
		return conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name)
	})
}

// onEachServer runs fn on every server at once.
func (tmpl *schemaTemplate) onEachServer(fn func(conn driver.Conn) error) error {
	errs := make([]error, len(tmpl.servers))
	var wg sync.WaitGroup
	for i, conn := range tmpl.servers {
		wg.Go(func() { errs[i] = fn(conn) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func TestMain(m *testing.M) {
	code := m.Run()
	templates.Range(func(_, v any) bool {
		if tmpl := v.(*lazyTemplate).tmpl; tmpl != nil {
			if err := tmpl.drop(tmpl.name); err != nil {
				fmt.Fprintln(os.Stderr, err)
				code = 1
			}
			for _, conn := range tmpl.servers {
				conn.Close()
			}
		}
		return true
	})
	os.Exit(code)
}

func TestConformance(t *testing.T) {
	t.Parallel()
	// The cluster runs the single server's SQL over Distributed tables, two
	// to six times slower: a fifth of the random data checks what sharding
	// changes, while the single server checks the SQL on all of it.
	sizes := map[string]storagetest.Sizes{
		"single":  storagetest.Full,
		"cluster": {IdentitySeeds: 3, HitSeeds: 1, GrowingSeeds: 1, ReadSeeds: 1, ReportDatasets: 30},
	}
	dsns := servers(t)
	for _, name := range slices.Sorted(maps.Keys(dsns)) { // the cluster, slower, first
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			storagetest.Run(t, freshDatabase(dsns[name]), sizes[name])
		})
	}
}

// TestSameAnswersAsEmbeddedEngine stores the same demo data in DuckDB and in
// ClickHouse and demands identical exports, persons and groups.
func TestSameAnswersAsEmbeddedEngine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, dsn := range servers(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			embedded, err := duckdb.Open(ctx, filepath.Join(t.TempDir(), "waymark.db"), duckdb.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer embedded.Close()
			server := freshDatabase(dsn)(t).Must(t)
			pipeline := ingest.NewPipeline(ingest.Options{})
			err = demo.Generate(demo.Options{Seed: 3, Events: 3000}, func(batch []json.RawMessage, receivedAt time.Time) error {
				b := pipeline.Process(ingest.Source{ProjectID: "p", ReceivedAt: receivedAt}, segment.Payload{Messages: batch})
				for _, s := range []storage.Store{embedded, server} {
					if _, err := s.Write(ctx, b.Events, b.Rejections); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want, wantPersons := storagetest.Export(t, embedded, "p")
			got, gotPersons := storagetest.Export(t, server, "p")
			if len(got) != len(want) {
				t.Fatalf("ClickHouse exported %d events, DuckDB %d", len(got), len(want))
			}
			ids := map[string]bool{}
			groups := map[string]bool{}
			for i := range want {
				a, _ := json.Marshal(segment.Export(&want[i], wantPersons[i]))
				b, _ := json.Marshal(segment.Export(&got[i], gotPersons[i]))
				if string(a) != string(b) {
					t.Fatalf("event %d differs:\nDuckDB     %s\nClickHouse %s", i, a, b)
				}
				ids[want[i].DistinctID()] = true
				if want[i].GroupID != "" {
					groups[want[i].GroupID] = true
				}
			}
			// Each lookup is a few round trips: several at a time.
			inParallel(slices.Collect(maps.Keys(ids)), func(id string) {
				a, errA := embedded.Person(ctx, "p", id)
				b, errB := server.Person(ctx, "p", id)
				if fmt.Sprint(a, errA) != fmt.Sprint(b, errB) {
					t.Errorf("person %s:\nDuckDB     %v %v\nClickHouse %v %v", id, a, errA, b, errB)
				}
			})
			inParallel(slices.Collect(maps.Keys(groups)), func(id string) {
				a, errA := embedded.Group(ctx, "p", id)
				b, errB := server.Group(ctx, "p", id)
				if fmt.Sprint(a, errA) != fmt.Sprint(b, errB) {
					t.Errorf("group %s:\nDuckDB     %v %v\nClickHouse %v %v", id, a, errA, b, errB)
				}
			})
			t.Logf("%d events, %d distinct ids, %d groups compared", len(want), len(ids), len(groups))
		})
	}
}

// inParallel calls fn with each item, eight at a time.
func inParallel[T any](items []T, fn func(T)) {
	next := make(chan T)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for item := range next {
				fn(item)
			}
		})
	}
	for _, item := range items {
		next <- item
	}
	close(next)
	wg.Wait()
}

// TestCollectorsWriteConcurrently runs two stores, as two collectors, on one
// database at once. Some batches reach both, as retries through a load
// balancer do. Every message must be stored once, and persons must follow
// the identity rules applied in storage order.
func TestCollectorsWriteConcurrently(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, dsn := range servers(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			open := freshDatabase(dsn)(t)
			collectors := []storage.Store{open.Must(t), open.Must(t)}
			for seed := range uint64(4) {
				project := fmt.Sprint("p", seed)
				batches := storagetest.RandomBatches(seed, project, 400)
				var wg sync.WaitGroup
				for c, s := range collectors {
					wg.Go(func() {
						for i, b := range batches {
							if i%2 == c || i%3 == 0 {
								if _, err := s.Write(ctx, b, nil); err != nil {
									t.Error(err)
									return
								}
							}
						}
					})
				}
				wg.Wait()
				events, persons := storagetest.Export(t, collectors[seed%2], project)
				if len(events) != 400 {
					t.Fatalf("seed %d: exported %d events, want each of 400 once", seed, len(events))
				}
				graph := identity.NewGraph()
				for _, e := range events {
					if link, ok := identity.LinkOf(&e); ok {
						graph.Apply(link)
					}
				}
				for i, e := range events {
					if want := graph.Person(e.DistinctID()); persons[i] != want {
						t.Errorf("seed %d: %s resolves to %s, want %s", seed, e.DistinctID(), persons[i], want)
					}
				}
			}
		})
	}
}

func TestOpenRejectsBadStores(t *testing.T) {
	for _, dsn := range []string{
		"postgres://localhost/x",
		"clickhouse://localhost:9000/bad-name",
		"clickhouse://localhost:9000/db?cluster=a;DROP",
	} {
		if _, err := Open(context.Background(), dsn); waymark.ErrorKind(err) != waymark.KindInvalid {
			t.Errorf("Open(%q) = %v, want an invalid-store error", dsn, err)
		}
	}
}

// TestRetryCompletesAPartialWrite stores a batch's events but not its links,
// as a collector that crashed half way would, then retries the batch through
// another collector: the events count once and the merge happens.
func TestRetryCompletesAPartialWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	open := freshDatabase(servers(t)["single"])(t)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	batch := []waymark.Event{
		{ProjectID: "p", MessageID: "view", Type: waymark.Page, AnonymousID: "A", Timestamp: at, ReceivedAt: at},
		{ProjectID: "p", MessageID: "signup", Type: waymark.Identify, UserID: "U", AnonymousID: "A", Timestamp: at, ReceivedAt: at},
	}
	crashed := open.Must(t).(*Store)
	hashes := []int64{storage.MessageHash("p", "view"), storage.MessageHash("p", "signup")}
	if err := crashed.insertEvents(ctx, batch, make([]bool, len(batch)), hashes, 1); err != nil {
		t.Fatal(err)
	}
	retry := open.Must(t)
	if dup, err := retry.Write(ctx, batch, nil); err != nil || !dup[0] || !dup[1] {
		t.Fatalf("retry: duplicates %v, %v; want both found stored", dup, err)
	}
	events, persons := storagetest.Export(t, retry, "p")
	if len(events) != 2 || persons[0] != "U" || persons[1] != "U" {
		t.Errorf("exported %d events of persons %v, want 2 of U", len(events), persons)
	}
}

// TestHitsCountACopiedMessageOnce stores two copies of a message as two
// collectors taking a retry would: alike but for their times, a few
// milliseconds apart (each attempt's network time), and here their
// countries, as two GeoIP databases may have it. Whatever a report selects
// of them, the message counts once: the first copy it selects.
func TestHitsCountACopiedMessageOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, dsn := range servers(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := freshDatabase(dsn)(t).Must(t).(*Store)
			at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			retried := at.Add(3 * time.Millisecond)
			hashes := []int64{storage.MessageHash("p", "m")}
			for seq, stored := range []waymark.Event{
				{ProjectID: "p", MessageID: "m", Type: waymark.Track, Name: "Buy", AnonymousID: "A", Timestamp: at, ReceivedAt: at, Geo: waymark.Geo{Country: "NL"}},
				{ProjectID: "p", MessageID: "m", Type: waymark.Track, Name: "Buy", AnonymousID: "A", Timestamp: retried, ReceivedAt: retried, Geo: waymark.Geo{Country: "BE"}},
			} {
				if err := s.insertEvents(ctx, []waymark.Event{stored}, []bool{false}, hashes, int64(seq+1)); err != nil {
					t.Fatal(err)
				}
			}
			for _, tt := range []struct {
				query report.Query
				want  string
			}{
				{report.Query{ProjectID: "p", AllEvents: true, Breakdown: "country"}, "[{A [NL]}]"},
				{report.Query{ProjectID: "p", Touchpoints: []report.Touchpoint{{Event: "Buy"}}, Breakdown: "country"}, "[{A [NL]}]"},
				{report.Query{ProjectID: "p", Touchpoints: []report.Touchpoint{{Event: "Buy", Where: []report.Condition{{Field: "country", Op: report.Equals, Value: "BE"}}}}, Breakdown: "country"}, "[{A [BE]}]"},
				{report.Query{ProjectID: "p", AllEvents: true, From: at.Add(time.Millisecond), Breakdown: "country"}, "[{A [BE]}]"},
				{report.Query{ProjectID: "p", AllEvents: true, To: at.Add(time.Millisecond), Breakdown: "country"}, "[{A [NL]}]"},
			} {
				var got []string
				err := s.Hits(ctx, tt.query, func(p *report.Person) error {
					var values []string
					for _, h := range p.Hits {
						values = append(values, h.Value)
					}
					got = append(got, fmt.Sprintf("{%s %v}", p.ID, values))
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint("[", strings.Join(got, " "), "]") != tt.want {
					t.Errorf("%+v: hits %v, want %s", tt.query, got, tt.want)
				}
			}
		})
	}
}

// TestEventListsReadTheFirstCopy stores two copies of a message that
// differ, as TestHitsReadTheFirstCopy does: every list of events, the live
// stream, searches and the overview see the first copy only.
func TestEventListsReadTheFirstCopy(t *testing.T) {
	ctx := context.Background()
	for name, dsn := range servers(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := freshDatabase(dsn)(t).Must(t).(*Store)
			at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			for seq, stored := range []waymark.Event{
				{ProjectID: "p", MessageID: "m", Type: waymark.Track, Name: "First", AnonymousID: "A", Timestamp: at, ReceivedAt: at},
				{ProjectID: "p", MessageID: "m", Type: waymark.Track, Name: "Second", AnonymousID: "A", Timestamp: at.Add(time.Hour), ReceivedAt: at},
				{ProjectID: "p", MessageID: "n", Type: waymark.Page, AnonymousID: "A", Timestamp: at.Add(30 * time.Minute), ReceivedAt: at},
			} {
				hashes := []int64{storage.MessageHash("p", stored.MessageID)}
				if err := s.insertEvents(ctx, []waymark.Event{stored}, []bool{false}, hashes, int64(seq+1)); err != nil {
					t.Fatal(err)
				}
			}
			list := func(q report.EventQuery) string {
				var got []string
				_, err := s.Events(ctx, q, func(e *report.StoredEvent) error {
					got = append(got, e.Event.MessageID+"/"+e.Event.Name)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				return strings.Join(got, " ")
			}
			p := report.EventFilter{ProjectID: "p"}
			named := func(name string) report.EventFilter { f := p; f.Name = name; return f }
			for _, tt := range []struct {
				q    report.EventQuery
				want string
			}{
				{report.EventQuery{EventFilter: p}, "m/First n/"},
				{report.EventQuery{EventFilter: p, Newest: true}, "n/ m/First"},
				{report.EventQuery{EventFilter: p, Newest: true, Limit: 1}, "n/"},
				{report.EventQuery{EventFilter: named("Second")}, ""},
				{report.EventQuery{EventFilter: named("Second"), Newest: true}, ""},
				{report.EventQuery{EventFilter: named("First"), Newest: true}, "m/First"},
			} {
				if got := list(tt.q); got != tt.want {
					t.Errorf("%+v: %q, want %q", tt.q, got, tt.want)
				}
			}
			var live []string
			if _, err := s.EventsStoredAfter(ctx, p, report.LiveMark{}, func(e *report.StoredEvent) error {
				live = append(live, e.Event.MessageID+"/"+e.Event.Name)
				return nil
			}); err != nil || strings.Join(live, " ") != "m/First n/" {
				t.Errorf("live: %v, %v; want m/First n/", live, err)
			}
			if found, err := s.SearchPersons(ctx, "p", "a", 10); err != nil || len(found) != 1 || found[0].Events != 2 {
				t.Errorf("search: %+v, %v; want A with 2 events", found, err)
			}
			o, err := report.RunOverview(ctx, s, "p", report.Overview{From: at, To: at.Add(2 * time.Hour), Goal: "Second"})
			if err != nil || o.Totals.Events.Value != 2 || o.Totals.Conversions.Value != 0 {
				t.Errorf("overview: %+v, %v; want 2 events and no conversion", o, err)
			}
		})
	}
}

// TestLiveSeesLateCollectors follows the events of two collectors whose
// clocks differ: a row that becomes visible after rows numbered later still
// reaches the stream, once.
func TestLiveSeesLateCollectors(t *testing.T) {
	ctx := context.Background()
	open := freshDatabase(servers(t)["single"])(t)
	behind, ahead := open.Must(t).(*Store), open.Must(t).(*Store)
	ahead.clock.last = time.Now().Add(5 * time.Second).UnixNano() // its clock runs 5 s ahead
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	all := report.EventFilter{ProjectID: "p"}
	mark, err := behind.LiveStart(ctx, all)
	if err != nil {
		t.Fatal(err)
	}
	follow := func() string {
		var got []string
		if mark, err = behind.EventsStoredAfter(ctx, all, mark, func(e *report.StoredEvent) error {
			got = append(got, e.Event.MessageID)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return strings.Join(got, " ")
	}
	write := func(s *Store, id string) {
		e := waymark.Event{ProjectID: "p", MessageID: id, Type: waymark.Track, Name: "E", AnonymousID: "A", Timestamp: at, ReceivedAt: at}
		if _, err := s.Write(ctx, []waymark.Event{e}, nil); err != nil {
			t.Fatal(err)
		}
	}
	write(ahead, "early")
	if got := follow(); got != "early" {
		t.Fatalf("first poll %q, want early", got)
	}
	write(behind, "late") // numbered below early
	if got := follow(); got != "late" {
		t.Errorf("second poll %q, want late alone", got)
	}
	if got := follow(); got != "" {
		t.Errorf("third poll %q, want nothing", got)
	}
}

// TestLiveAcrossCollectors serves the live stream from one collector while
// another stores the event, as behind a load balancer: it shows within 2
// seconds of its acknowledgement.
func TestLiveAcrossCollectors(t *testing.T) {
	ctx := context.Background()
	open := freshDatabase(servers(t)["cluster"])(t)
	serving, storing := open.Must(t), open.Must(t)
	project := waymark.Project{ID: "p", Name: "P", WriteKey: "wk", ReadKey: "rk", CreatedAt: time.Now()}
	if err := serving.CreateProject(ctx, project); err != nil {
		t.Fatal(err)
	}
	server := waymarkhttp.New(waymarkhttp.Config{Store: serving, Writer: ingest.NewWriter(serving, 100),
		Pipeline: ingest.NewPipeline(ingest.Options{}), Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	ts := httptest.NewServer(server.Handler())
	defer ts.Close()
	req, _ := nethttp.NewRequest("GET", ts.URL+"/api/v1/events/live", nil)
	req.Header.Set("Authorization", "Bearer rk")
	resp, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	if line := <-lines; line != "retry: 2000" {
		t.Fatalf("first line %q, want the retry hint", line)
	}
	writer := ingest.NewWriter(storing, 100)
	defer writer.Close()
	at := time.Now().UTC()
	if _, err := writer.Write(ctx, []waymark.Event{{ProjectID: "p", MessageID: "live", Type: waymark.Track, Name: "E", AnonymousID: "A", Timestamp: at, ReceivedAt: at}}, nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(2 * time.Second)
	for {
		select {
		case line := <-lines:
			if strings.HasPrefix(line, "data: ") && strings.Contains(line, `"messageId":"live"`) {
				return
			}
		case <-deadline:
			t.Fatal("the event did not show within 2 seconds")
		}
	}
}
