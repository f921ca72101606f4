package http_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	waymarkhttp "github.com/waymark-analytics/waymark/http"
	"github.com/waymark-analytics/waymark/report"
)

// eventsBatch is a visit, a sign-up and two purchases of one person, and a
// page view of another, with two events at the same time.
const eventsBatch = `{"batch":[
	{"type":"page","messageId":"e-1","anonymousId":"anon-1","name":"Pricing","timestamp":"2025-03-01T10:00:00Z","properties":{"plan":"pro"}},
	{"type":"identify","messageId":"e-2","anonymousId":"anon-1","userId":"ada","timestamp":"2025-03-01T10:05:00Z","traits":{"email":"ada@example.com"}},
	{"type":"track","messageId":"e-3","userId":"ada","event":"Order Completed","timestamp":"2025-03-01T10:06:00Z","properties":{"plan":"pro","revenue":49.5}},
	{"type":"track","messageId":"e-4","userId":"ada","event":"Order Completed","timestamp":"2025-03-01T10:06:00Z","properties":{"plan":"free"}},
	{"type":"page","messageId":"e-5","anonymousId":"anon-2","name":"Home","timestamp":"2025-03-02T08:00:00Z"}
]}`

// messageIDs returns the messageIds and personIds of export lines.
func messageIDs(t *testing.T, lines []json.RawMessage) string {
	t.Helper()
	var ids []string
	for _, l := range lines {
		var e struct{ MessageID, PersonID string }
		if err := json.Unmarshal(l, &e); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.MessageID+"@"+e.PersonID)
	}
	return strings.Join(ids, " ")
}

type eventsPage struct {
	Person string            `json:"person"`
	Events []json.RawMessage `json:"events"`
	Next   string            `json:"next"`
}

func (s *testServer) eventsPage(t *testing.T, path string) eventsPage {
	t.Helper()
	a := s.do(t, "GET", path, nil, bearer(readKey))
	if a.status != http.StatusOK {
		t.Fatalf("GET %s = %d %s", path, a.status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("GET %s: Content-Type %q, want application/json", path, ct)
	}
	var p eventsPage
	if err := json.Unmarshal(a.body, &p); err != nil {
		t.Fatalf("GET %s: %v in %s", path, err, a.body)
	}
	return p
}

// pages follows the next cursors of path and returns each page's ids.
func (s *testServer) pages(t *testing.T, path string) []string {
	t.Helper()
	var pages []string
	cursor := ""
	for range 20 {
		p := s.eventsPage(t, path+cursor)
		pages = append(pages, messageIDs(t, p.Events))
		if p.Next == "" {
			return pages
		}
		cursor = "&before=" + url.QueryEscape(p.Next)
	}
	t.Fatalf("GET %s: no last page", path)
	return nil
}

func TestEventFilters(t *testing.T) {
	s := newServer(t)
	if a := s.post(t, "/v1/batch", eventsBatch); a.status != http.StatusOK || a.ingest(t).Accepted != 5 {
		t.Fatalf("POST /v1/batch = %d %s", a.status, a.body)
	}
	where := url.QueryEscape(`[{"field":"properties.plan","op":"=","value":"pro"}]`)
	for _, tt := range []struct{ query, want string }{
		{"", "e-1@ada e-2@ada e-3@ada e-4@ada e-5@anon-2"},
		{"?order=stored", "e-1@ada e-2@ada e-3@ada e-4@ada e-5@anon-2"},
		{"?type=page", "e-1@ada e-5@anon-2"},
		{"?name=Order+Completed&limit=1", "e-3@ada"},
		{"?person=anon-1", "e-1@ada e-2@ada e-3@ada e-4@ada"},
		{"?person=nobody", ""},
		{"?from=2025-03-02", "e-5@anon-2"},
		{"?to=2025-03-01T10:06:00Z", "e-1@ada e-2@ada"},
		{"?where=" + where, "e-1@ada e-3@ada"},
	} {
		a := s.do(t, "GET", "/api/v1/events"+tt.query, nil, bearer(readKey))
		if a.status != http.StatusOK || a.header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("GET /api/v1/events%s = %d %s %s", tt.query, a.status, a.header.Get("Content-Type"), a.body)
		}
		if got := messageIDs(t, ndjson(t, a.body)); got != tt.want {
			t.Errorf("GET /api/v1/events%s: %s, want %s", tt.query, got, tt.want)
		}
	}

	// Newest first, e-4 before e-3: same time, stored later.
	if got, want := strings.Join(s.pages(t, "/api/v1/events?order=newest&limit=2"), " | "), "e-5@anon-2 e-4@ada | e-3@ada e-2@ada | e-1@ada"; got != want {
		t.Errorf("pages: %s, want %s", got, want)
	}
	if got, want := strings.Join(s.pages(t, "/api/v1/events?order=newest&limit=1&type=track"), " | "), "e-4@ada | e-3@ada"; got != want {
		t.Errorf("pages of tracks: %s, want %s", got, want)
	}
	if p := s.eventsPage(t, "/api/v1/events?order=newest&person=nobody"); len(p.Events) != 0 || p.Events == nil || p.Next != "" {
		t.Errorf("newest of nobody: %+v, want no events and no next", p)
	}

	for _, tt := range []struct{ query, message string }{
		{"?persn=ada", `unknown parameter "persn": use person, type, name, from, to, where, limit, order, before`},
		{"?type=page&type=track", `parameter "type" is given 2 times: give it once`},
		{"?type=click", `type "click": use one of track, page, screen, identify, group, alias`},
		{"?order=oldest", `order "oldest": use stored or newest`},
		{"?order=newest&limit=1001", `limit "1001": use a whole number from 1 to 1000`},
		{"?limit=0", `limit "0": use a whole number above 0`},
		{"?before=abc", `before: cursors page order=newest; add it`},
		{"?order=newest&before=abc", `cursor "abc" is not one this API gave: pass the "next" of an earlier answer`},
		{"?from=yesterday", `from: "yesterday" is not a date (2026-09-01) or an RFC 3339 time (2026-09-01T12:00:00Z)`},
		{"?from=2025-03-02&to=2025-03-01", `from 2025-03-02T00:00:00Z is after to 2025-03-01T00:00:00Z`},
		{"?where=plan%3Dpro", `where: use a JSON list of conditions, such as [{"field":"properties.plan","op":"=","value":"pro"}]`},
		{"?where=" + url.QueryEscape(`[{"field":"plan","op":"="}]`), `unknown field "plan": use a column such as name, path, channel or country, properties.KEY, traits.KEY, person.KEY or acquisition.KEY`},
	} {
		a := s.do(t, "GET", "/api/v1/events"+tt.query, nil, bearer(readKey))
		if a.status != http.StatusBadRequest || a.errorMessage(t) != tt.message {
			t.Errorf("GET /api/v1/events%s = %d %s, want 400 %q", tt.query, a.status, a.body, tt.message)
		}
	}
}

// sseReader reads a live stream's events.
type sseReader struct {
	t     *testing.T
	lines chan string
}

func (s *testServer) live(t *testing.T, query string, setup ...func(*http.Request)) (*http.Response, *sseReader, func()) {
	t.Helper()
	req, err := http.NewRequest("GET", s.url+"/api/v1/events/live"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	bearer(readKey)(req)
	for _, f := range setup {
		f(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r := &sseReader{t: t, lines: make(chan string, 100)}
	go func() {
		defer close(r.lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			r.lines <- sc.Text()
		}
	}()
	return resp, r, func() { resp.Body.Close() }
}

// next returns the lines of the next message of the stream, waiting at
// most within.
func (r *sseReader) next(within time.Duration) []string {
	r.t.Helper()
	var message []string
	deadline := time.After(within)
	for {
		select {
		case line, ok := <-r.lines:
			if !ok {
				r.t.Fatalf("stream ended after %q", message)
			}
			if line == "" {
				return message
			}
			message = append(message, line)
		case <-deadline:
			r.t.Fatalf("no message within %s (so far %q)", within, message)
		}
	}
}

func TestLiveEvents(t *testing.T) {
	s := newServer(t)
	if a := s.post(t, "/v1/track", `{"userId":"ada","event":"Before"}`); a.status != http.StatusOK {
		t.Fatalf("POST /v1/track = %d %s", a.status, a.body)
	}
	resp, stream, stop := s.live(t, "?type=track")
	defer stop()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("GET /api/v1/events/live = %d %v", resp.StatusCode, resp.Header)
	}
	if got := stream.next(time.Second); len(got) != 2 || got[0] != "retry: 2000" || !strings.HasPrefix(got[1], "id: ") {
		t.Fatalf("first message %q, want the retry hint and the id to resume from", got)
	}

	// The page view is left out by the filter; the track call shows
	// within 2 seconds of its acknowledgement, and the earlier one never.
	if a := s.post(t, "/v1/page", `{"userId":"ada","name":"Home"}`); a.status != http.StatusOK {
		t.Fatalf("POST /v1/page = %d %s", a.status, a.body)
	}
	if a := s.post(t, "/v1/track", `{"userId":"ada","event":"Live","messageId":"live-1"}`); a.status != http.StatusOK {
		t.Fatalf("POST /v1/track = %d %s", a.status, a.body)
	}
	message := stream.next(2 * time.Second)
	if len(message) != 2 || !strings.HasPrefix(message[0], "id: ") || !strings.HasPrefix(message[1], "data: ") {
		t.Fatalf("message %q, want an id and data", message)
	}
	var e struct{ MessageID, Event, PersonID string }
	if err := json.Unmarshal([]byte(strings.TrimPrefix(message[1], "data: ")), &e); err != nil || e.MessageID != "live-1" || e.Event != "Live" || e.PersonID != "ada" {
		t.Fatalf("data %s (%v), want the export line of live-1", message[1], err)
	}
	lastID := strings.TrimPrefix(message[0], "id: ")
	if got := stream.next(time.Second); len(got) != 1 || !strings.HasPrefix(got[0], "id: ") {
		t.Fatalf("after the read: %q, want the id of its mark alone", got)
	}
	stop()

	// A reconnecting client resumes after the last event it got: it gets
	// the next one, not that one again.
	if a := s.post(t, "/v1/track", `{"userId":"ada","event":"Missed","messageId":"live-2"}`); a.status != http.StatusOK {
		t.Fatalf("POST /v1/track = %d %s", a.status, a.body)
	}
	_, stream, stop = s.live(t, "", header("Last-Event-ID", lastID))
	defer stop()
	stream.next(time.Second) // retry and id
	if got := stream.next(2 * time.Second); len(got) != 2 || !strings.Contains(got[1], `"messageId":"live-2"`) {
		t.Fatalf("after reconnecting: %q, want live-2", got)
	}
	stream.next(time.Second) // the read's id

	// A server that shuts down ends its streams.
	s.server.CloseStreams()
	select {
	case _, ok := <-stream.lines:
		if ok {
			t.Errorf("a line after CloseStreams")
		}
	case <-time.After(2 * time.Second):
		t.Errorf("the stream went on after CloseStreams")
	}

	for _, tt := range []struct{ query, message string }{
		{"?from=2025-01-01", `unknown parameter "from": use person, type, name, where`},
		{"?where=" + url.QueryEscape(`[{"field":"person.plan","op":"is_set"}]`), "a live stream cannot filter by person fields: use them in event lists"},
	} {
		a := s.do(t, "GET", "/api/v1/events/live"+tt.query, nil, bearer(readKey))
		if a.status != http.StatusBadRequest || a.errorMessage(t) != tt.message {
			t.Errorf("GET /api/v1/events/live%s = %d %s, want 400 %q", tt.query, a.status, a.body, tt.message)
		}
	}
	a := s.do(t, "GET", "/api/v1/events/live", nil, header("Last-Event-ID", "x"), bearer(readKey))
	if a.status != http.StatusBadRequest {
		t.Errorf("a bad Last-Event-ID = %d %s, want 400", a.status, a.body)
	}
}

// failingLive is a store whose live reads fail.
type failingLive struct{ waymarkhttp.Store }

func (failingLive) EventsStoredAfter(context.Context, report.EventFilter, report.LiveMark, func(*report.StoredEvent) error) (report.LiveMark, error) {
	return report.LiveMark{}, errors.New("the disk is full")
}

// TestLiveEventsStoreFails checks that a stream whose store fails says so
// and ends, and that it tells the browser to wait 30 seconds, not 2,
// before it reconnects: every open tab would.
func TestLiveEventsStoreFails(t *testing.T) {
	s := newServer(t, func(c *waymarkhttp.Config) { c.Store = failingLive{c.Store} })
	_, stream, stop := s.live(t, "")
	defer stop()
	stream.next(time.Second) // retry and id
	got := stream.next(2 * time.Second)
	if want := []string{"retry: 30000", "event: error", `data: {"error":"internal error"}`}; !slices.Equal(got, want) {
		t.Errorf("after the store failed: %q, want %q", got, want)
	}
	select {
	case line, ok := <-stream.lines:
		if ok {
			t.Errorf("the stream went on with %q", line)
		}
	case <-time.After(2 * time.Second):
		t.Errorf("the stream went on after the error")
	}
}
