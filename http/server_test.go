package http_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/dashboard"
	"github.com/waymark-analytics/waymark/duckdb"
	waymarkhttp "github.com/waymark-analytics/waymark/http"
	"github.com/waymark-analytics/waymark/ingest"
	"github.com/waymark-analytics/waymark/segment"
)

// The keys of the project every test server has.
const (
	writeKey = "wk_test"
	readKey  = "rk_test"
)

// testServer is the whole HTTP handler over a real DuckDB store in a
// temporary directory, with one project.
type testServer struct {
	url     string
	store   *duckdb.Store
	project waymark.Project
	server  *waymarkhttp.Server
}

// newServer starts a server that writes through ingest.Writer, as
// `waymark serve` does; configure may change its config.
func newServer(t *testing.T, configure ...func(*waymarkhttp.Config)) *testServer {
	t.Helper()
	return newServerWith(t, func(store *duckdb.Store) waymarkhttp.EventWriter {
		w := ingest.NewWriter(store, 1000)
		t.Cleanup(w.Close)
		return w
	}, configure...)
}

// newServerWith starts a server whose events go to the writer that
// newWriter returns for the store.
func newServerWith(t *testing.T, newWriter func(*duckdb.Store) waymarkhttp.EventWriter, configure ...func(*waymarkhttp.Config)) *testServer {
	t.Helper()
	ctx := context.Background()
	store, err := duckdb.Open(ctx, filepath.Join(t.TempDir(), "w.db"), duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := store.Close(); err != nil {
			t.Errorf("closing store: %v", err)
		}
	})
	project := waymark.Project{ID: "test", Name: "Test", WriteKey: writeKey, ReadKey: readKey, CreatedAt: time.Now()}
	if err := store.CreateProject(ctx, project); err != nil {
		t.Fatal(err)
	}
	config := testConfig(t, store, newWriter(store))
	for _, f := range configure {
		f(&config)
	}
	server := waymarkhttp.New(config)
	ts := httptest.NewServer(server.Handler())
	t.Cleanup(ts.Close) // registered last, so it runs before the writer and store close
	return &testServer{url: ts.URL, store: store, project: project, server: server}
}

// sessionSecret signs the test servers' session cookies.
var sessionSecret = []byte("a test secret of at least 32 bytes")

// testConfig is the config of a server over store as `waymark serve` makes
// it, with the dashboard.
func testConfig(t *testing.T, store *duckdb.Store, writer waymarkhttp.EventWriter) waymarkhttp.Config {
	t.Helper()
	ui, err := dashboard.New()
	if err != nil {
		t.Fatal(err)
	}
	return waymarkhttp.Config{
		Store: store, Writer: writer, Pipeline: ingest.NewPipeline(ingest.Options{}),
		Logger: slog.New(slog.NewTextHandler(t.Output(), nil)), Dashboard: ui, SessionSecret: sessionSecret,
	}
}

// answer is an HTTP response read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request to the server; setup may add headers.
func (s *testServer) do(t *testing.T, method, path string, body io.Reader, setup ...func(*http.Request)) answer {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range setup {
		f(req)
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// noRedirects answers a redirect as it is, for the tests to check.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// post sends body to a collector endpoint with the write key as the
// basic-auth user, as Segment's libraries do, unless setup is given.
func (s *testServer) post(t *testing.T, path, body string, setup ...func(*http.Request)) answer {
	t.Helper()
	if len(setup) == 0 {
		setup = []func(*http.Request){basicAuth(writeKey + ":")}
	}
	return s.do(t, "POST", path, strings.NewReader(body), setup...)
}

// basicAuth sets "Authorization: Basic" to credentials exactly as given,
// so that a test can leave out the colon http.Request.SetBasicAuth adds.
func basicAuth(credentials string) func(*http.Request) {
	return func(r *http.Request) {
		r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(credentials)))
	}
}

func bearer(key string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+key) }
}

func header(name, value string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set(name, value) }
}

// ingestAnswer is the JSON a collector endpoint answers with.
type ingestAnswer struct {
	Success    bool              `json:"success"`
	Accepted   int               `json:"accepted"`
	Duplicates int               `json:"duplicates"`
	Rejected   []ingest.Rejected `json:"rejected"`
	Error      string            `json:"error"`
}

func (a answer) ingest(t *testing.T) ingestAnswer {
	t.Helper()
	var v ingestAnswer
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("answer %d %q is not JSON: %v", a.status, a.body, err)
	}
	return v
}

// errorMessage is the "error" of a failure answer, checking its shape.
func (a answer) errorMessage(t *testing.T) string {
	t.Helper()
	var v struct {
		Success *bool  `json:"success"`
		Error   string `json:"error"`
	}
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("answer %d %q is not JSON: %v", a.status, a.body, err)
	}
	if v.Success == nil || *v.Success {
		t.Errorf("answer %d %s: want \"success\": false", a.status, a.body)
	}
	return v.Error
}

// events returns every stored event of the test project as exported.
func (s *testServer) events(t *testing.T) []segment.Exported {
	t.Helper()
	var events []segment.Exported
	err := s.store.ExportEvents(context.Background(), s.project.ID, func(e *waymark.Event, personID string) error {
		events = append(events, segment.Export(e, personID))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// event returns the stored event with a messageId, failing if there is none.
func (s *testServer) event(t *testing.T, messageID string) segment.Exported {
	t.Helper()
	for _, e := range s.events(t) {
		if e.MessageID == messageID {
			return e
		}
	}
	t.Fatalf("no stored event with messageId %q", messageID)
	return segment.Exported{}
}

// rejections returns every dead letter of the test project.
func (s *testServer) rejections(t *testing.T) []waymark.Rejection {
	t.Helper()
	var rejections []waymark.Rejection
	err := s.store.Rejections(context.Background(), s.project.ID, func(r *waymark.Rejection) error {
		rejections = append(rejections, *r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rejections
}

func TestHealthz(t *testing.T) {
	s := newServer(t)
	a := s.do(t, "GET", "/healthz", nil)
	if a.status != http.StatusOK || string(a.body) != "{\"status\":\"ok\"}\n" {
		t.Errorf("GET /healthz = %d %q, want 200 {\"status\":\"ok\"}", a.status, a.body)
	}
}

func TestHealthzStoreDown(t *testing.T) {
	ctx := context.Background()
	store, err := duckdb.Open(ctx, filepath.Join(t.TempDir(), "w.db"), duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	server := waymarkhttp.New(waymarkhttp.Config{Store: store, Writer: failingWriter{}, Pipeline: ingest.NewPipeline(ingest.Options{}), Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	ts := httptest.NewServer(server.Handler())
	defer ts.Close()
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	want := `{"error":"store unavailable","success":false}` + "\n"
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "1" || string(body) != want {
		t.Errorf("GET /healthz with the store closed = %d (Retry-After %q) %q, want 503 with Retry-After 1 and %q",
			resp.StatusCode, resp.Header.Get("Retry-After"), body, want)
	}
}

// failingWriter is a store that cannot take writes.
type failingWriter struct{ err error }

func (w failingWriter) Write(context.Context, []waymark.Event, []waymark.Rejection) ([]bool, error) {
	return nil, w.err
}

func TestWriteFailures(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		status     int
		retryAfter string
		message    string
	}{
		{
			name:       "unavailable",
			err:        &waymark.Error{Kind: waymark.KindUnavailable, Message: "the event store cannot take writes right now", Err: errors.New("disk full")},
			status:     http.StatusServiceUnavailable,
			retryAfter: "1",
			message:    "the event store cannot take writes right now",
		},
		{
			name:    "internal",
			err:     errors.New("constraint violated: secret table name"),
			status:  http.StatusInternalServerError,
			message: "internal error", // the cause is logged, never shown
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServerWith(t, func(*duckdb.Store) waymarkhttp.EventWriter { return failingWriter{tt.err} })
			for _, path := range []string{"/v1/track", "/v1/batch"} {
				body := `{"userId":"ada","event":"Signed Up"}`
				if path == "/v1/batch" {
					body = `{"batch":[{"type":"track","userId":"ada","event":"Signed Up"}]}`
				}
				a := s.post(t, path, body)
				if a.status != tt.status {
					t.Errorf("POST %s = %d %s, want %d", path, a.status, a.body, tt.status)
				}
				if got := a.header.Get("Retry-After"); got != tt.retryAfter {
					t.Errorf("POST %s: Retry-After %q, want %q", path, got, tt.retryAfter)
				}
				if got := a.errorMessage(t); got != tt.message {
					t.Errorf("POST %s: error %q, want %q", path, got, tt.message)
				}
				if ct := a.header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("POST %s: Content-Type %q, want application/json", path, ct)
				}
			}
		})
	}
}

// gzipped compresses s.
func gzipped(t *testing.T, s string) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf
}
