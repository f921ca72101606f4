// Package http serves Waymark over HTTP: the Segment-compatible collector
// under /v1/, the query API under /api/v1/ and the health check.
package http

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/ingest"
	"github.com/waymark-analytics/waymark/report"
)

// EventWriter stores events durably; ingest.Writer is the one in use.
type EventWriter interface {
	Write(ctx context.Context, events []waymark.Event, rejections []waymark.Rejection) (duplicate []bool, err error)
}

// Store is what the query API reads, each family of endpoints through the
// interface declared beside them; reports read it as a report.Source.
type Store interface {
	report.Source
	report.OverviewSource
	Ping(ctx context.Context) error
	Projects(ctx context.Context) ([]waymark.Project, error)
	SchemaStore
	EventReader
	LiveReader
	PersonFinder
	JourneyStore
	SpendStore
}

// Config is what a server is made of.
type Config struct {
	Store    Store
	Writer   EventWriter
	Pipeline *ingest.Pipeline
	Logger   *slog.Logger
	// TrustProxy takes the client address from X-Forwarded-For, and the
	// address browsers reach the server at from Host, X-Forwarded-Host and
	// X-Forwarded-Proto, which only a reverse proxy of your own may set.
	TrustProxy bool
	// PublicURL is the server's base URL as browsers reach it, such as
	// https://waymark.example.com; analytics.js is told to load from and
	// send to it. Nil if not configured.
	PublicURL *url.URL
	// ListenAddr is the host:port the server listens on. Unless its host is
	// a wildcard (0.0.0.0, ::), browsers are told to reach it there when
	// neither PublicURL nor a trusted proxy says otherwise.
	ListenAddr string
	// Dashboard, if set, is served at / to people signed in with a read key.
	Dashboard Dashboard
	// SessionSecret signs the dashboard's session cookies. Keep it across
	// restarts, or everyone has to sign in again.
	SessionSecret []byte
}

// Server holds what the handlers need. Create it with New.
type Server struct {
	Config
	now  func() time.Time
	keys *keyCache

	shutdown      chan struct{} // closed by CloseStreams
	closeShutdown sync.Once
}

// New returns a server for c.
func New(c Config) *Server {
	return &Server{Config: c, now: time.Now, keys: &keyCache{store: c.Store}, shutdown: make(chan struct{})}
}

// CloseStreams ends the live event streams, which otherwise last as long
// as their clients: for a server that shuts down (http.Server.RegisterOnShutdown).
func (s *Server) CloseStreams() {
	s.closeShutdown.Do(func() { close(s.shutdown) })
}

// handlerFunc is an HTTP handler that returns its error instead of writing it,
// so that errors become responses in exactly one place: handle.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) handle(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := fn(w, r)
		if err == nil || r.Context().Err() != nil {
			return // done, or the client has gone and hears no answer
		}
		status := statusOf(err)
		if status >= 500 {
			s.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		if status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "1")
		}
		writeJSON(w, status, map[string]any{"success": false, "error": waymark.ErrorMessage(err)})
	}
}

// statusOf maps error kinds to HTTP status codes; the only such mapping.
func statusOf(err error) int {
	switch waymark.ErrorKind(err) {
	case waymark.KindInvalid:
		return http.StatusBadRequest
	case waymark.KindNotFound:
		return http.StatusNotFound
	case waymark.KindUnauthorized:
		return http.StatusUnauthorized
	case waymark.KindForbidden:
		return http.StatusForbidden
	case waymark.KindConflict:
		return http.StatusConflict
	case waymark.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case waymark.KindUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	if err := s.Store.Ping(r.Context()); err != nil {
		return &waymark.Error{Kind: waymark.KindUnavailable, Message: "store unavailable", Err: err}
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// keyCache maps keys and ids to projects. It reloads from the store on a
// miss, at most once a second, so a client hammering with a wrong key cannot
// load the store.
type keyCache struct {
	store Store

	mu       sync.Mutex
	projects map[string]waymark.Project // by "write:KEY", "read:KEY" and "id:ID"
	loadedAt time.Time
}

func (c *keyCache) lookup(ctx context.Context, key string, read bool) (waymark.Project, error) {
	kind := "write"
	if read {
		kind = "read"
	}
	p, ok, err := c.find(ctx, kind, key)
	if !ok && err == nil {
		err = waymark.Errorf(waymark.KindUnauthorized, "unknown %s key", kind)
	}
	return p, err
}

// project finds a project by its id, as a session cookie names it.
func (c *keyCache) project(ctx context.Context, id string) (waymark.Project, bool, error) {
	return c.find(ctx, "id", id)
}

func (c *keyCache) find(ctx context.Context, kind, k string) (waymark.Project, bool, error) {
	if k == "" {
		return waymark.Project{}, false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.projects[kind+":"+k]; ok || time.Since(c.loadedAt) <= time.Second {
		return p, ok, nil
	}
	projects, err := c.store.Projects(ctx)
	if err != nil {
		return waymark.Project{}, false, err
	}
	c.loadedAt = time.Now()
	c.projects = make(map[string]waymark.Project, 3*len(projects))
	for _, p := range projects {
		c.projects["write:"+p.WriteKey] = p
		c.projects["read:"+p.ReadKey] = p
		c.projects["id:"+p.ID] = p
	}
	p, ok := c.projects[kind+":"+k]
	return p, ok, nil
}
