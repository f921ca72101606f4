package http_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/waymark-analytics/waymark"
)

func TestSearchPersons(t *testing.T) {
	s := newServer(t)
	if a := s.post(t, "/v1/batch", eventsBatch); a.status != http.StatusOK {
		t.Fatalf("POST /v1/batch = %d %s", a.status, a.body)
	}
	search := func(query string) string {
		t.Helper()
		a := s.do(t, "GET", "/api/v1/persons"+query, nil, bearer(readKey))
		if a.status != http.StatusOK {
			t.Fatalf("GET /api/v1/persons%s = %d %s", query, a.status, a.body)
		}
		var answer struct{ Persons []waymark.PersonSummary }
		if err := json.Unmarshal(a.body, &answer); err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, p := range answer.Persons {
			b, _ := json.Marshal(p)
			lines = append(lines, string(b))
		}
		return strings.Join(lines, "\n")
	}
	ada := `{"id":"ada","ids":["ada","anon-1"],"email":"ada@example.com","name":"","firstSeen":"2025-03-01T10:00:00Z","lastSeen":"2025-03-01T10:06:00Z","events":4}`
	anon2 := `{"id":"anon-2","ids":["anon-2"],"email":"","name":"","firstSeen":"2025-03-02T08:00:00Z","lastSeen":"2025-03-02T08:00:00Z","events":1}`
	for _, tt := range []struct{ query, want string }{
		{"?q=EXAMPLE", ada},
		{"?q=anon", anon2 + "\n" + ada},
		{"?q=ANON-1", ada},
		{"", anon2 + "\n" + ada},
		{"?limit=1", anon2},
		{"?q=zzz", ""},
	} {
		if got := search(tt.query); got != tt.want {
			t.Errorf("GET /api/v1/persons%s:\n%s\nwant\n%s", tt.query, got, tt.want)
		}
	}
	if a := s.do(t, "GET", "/api/v1/persons?q=zzz", nil, bearer(readKey)); string(a.body) != "{\"persons\":[]}\n" {
		t.Errorf("nothing found: %s, want an empty list", a.body)
	}
	for _, tt := range []struct{ query, message string }{
		{"?limit=101", `limit "101": use a whole number from 1 to 100`},
		{"?text=ada", `unknown parameter "text": use q, limit`},
	} {
		a := s.do(t, "GET", "/api/v1/persons"+tt.query, nil, bearer(readKey))
		if a.status != http.StatusBadRequest || a.errorMessage(t) != tt.message {
			t.Errorf("GET /api/v1/persons%s = %d %s, want 400 %q", tt.query, a.status, a.body, tt.message)
		}
	}
}

func TestPersonTimeline(t *testing.T) {
	s := newServer(t)
	if a := s.post(t, "/v1/batch", eventsBatch); a.status != http.StatusOK {
		t.Fatalf("POST /v1/batch = %d %s", a.status, a.body)
	}
	// Any of the person's ids, their events across all of them.
	for _, id := range []string{"anon-1", "ada"} {
		if got, want := strings.Join(s.pages(t, "/api/v1/persons/"+id+"/events?limit=3"), " | "), "e-4@ada e-3@ada e-2@ada | e-1@ada"; got != want {
			t.Errorf("timeline of %s: %s, want %s", id, got, want)
		}
	}
	if p := s.eventsPage(t, "/api/v1/persons/anon-1/events?type=page"); p.Person != "ada" || messageIDs(t, p.Events) != "e-1@ada" || p.Next != "" {
		t.Errorf("pages of ada: %+v", p)
	}
	if a := s.do(t, "GET", "/api/v1/persons/nobody/events", nil, bearer(readKey)); a.status != http.StatusNotFound || a.errorMessage(t) != `no person with id "nobody"` {
		t.Errorf("timeline of nobody = %d %s, want 404", a.status, a.body)
	}
	if a := s.do(t, "GET", "/api/v1/persons/ada/events?order=newest", nil, bearer(readKey)); a.status != http.StatusBadRequest ||
		a.errorMessage(t) != `unknown parameter "order": use type, name, from, to, where, limit, before` {
		t.Errorf("timeline with order = %d %s, want 400", a.status, a.body)
	}
}
