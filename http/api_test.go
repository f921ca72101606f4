package http_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/segment"
)

func TestQueryAuth(t *testing.T) {
	s := newServer(t)
	if a := s.post(t, "/v1/track", `{"userId":"ada","event":"Signed Up"}`); a.status != http.StatusOK {
		t.Fatalf("POST /v1/track = %d %s", a.status, a.body)
	}
	tests := []struct {
		name    string
		setup   func(*http.Request)
		status  int
		message string
	}{
		{"bearer read key", bearer(readKey), 200, ""},
		{"lower-case bearer read key", header("Authorization", "bearer "+readKey), 200, ""},
		{"basic auth read key with colon", basicAuth(readKey + ":"), 200, ""},
		{"basic auth read key without colon", basicAuth(readKey), 200, ""},
		{"bearer write key", bearer(writeKey), 401, "unknown read key"},
		{"basic auth write key", basicAuth(writeKey + ":"), 401, "unknown read key"},
		{"wrong key", bearer("rk_wrong"), 401, "unknown read key"},
		{"no key", func(*http.Request) {}, 401, `a read key is required: send "Authorization: Bearer KEY"`},
		{"empty bearer", header("Authorization", "Bearer "), 401, `a read key is required: send "Authorization: Bearer KEY"`},
	}
	for _, path := range []string{"/api/v1/events", "/api/v1/rejected", "/api/v1/persons/ada"} {
		for _, tt := range tests {
			t.Run(path+"/"+tt.name, func(t *testing.T) {
				a := s.do(t, "GET", path, nil, tt.setup)
				if a.status != tt.status {
					t.Fatalf("GET %s = %d %s, want %d", path, a.status, a.body, tt.status)
				}
				if tt.status != http.StatusOK {
					if got := a.errorMessage(t); got != tt.message {
						t.Errorf("error %q, want %q", got, tt.message)
					}
				}
			})
		}
	}
}

// ndjson splits an NDJSON body into its lines, checking each is JSON.
func ndjson(t *testing.T, body []byte) []json.RawMessage {
	t.Helper()
	var lines []json.RawMessage
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if !json.Valid(sc.Bytes()) {
			t.Fatalf("line %q is not JSON", sc.Bytes())
		}
		lines = append(lines, append(json.RawMessage(nil), sc.Bytes()...))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func TestEventsAPI(t *testing.T) {
	s := newServer(t)
	a := s.do(t, "GET", "/api/v1/events", nil, bearer(readKey))
	if a.status != http.StatusOK || len(a.body) != 0 {
		t.Errorf("GET /api/v1/events of an empty project = %d %q, want 200 and nothing", a.status, a.body)
	}

	body := `{"batch":[
		{"type":"page","messageId":"e-1","anonymousId":"anon-1","name":"Pricing","timestamp":"2025-03-01T10:00:00Z",
		 "properties":{"url":"https://shop.example.com/pricing?utm_source=newsletter&utm_medium=email"}},
		{"type":"identify","messageId":"e-2","anonymousId":"anon-1","userId":"ada","timestamp":"2025-03-01T10:05:00Z","traits":{"email":"ada@example.com"}},
		{"type":"track","messageId":"e-3","userId":"ada","event":"Order Completed","timestamp":"2025-03-01T10:06:00Z","properties":{"revenue":49.5,"currency":"EUR"}}
	]}`
	if a := s.post(t, "/v1/batch", body); a.status != http.StatusOK || a.ingest(t).Accepted != 3 {
		t.Fatalf("POST /v1/batch = %d %s", a.status, a.body)
	}
	for _, auth := range []func(*http.Request){bearer(readKey), basicAuth(readKey + ":")} {
		a = s.do(t, "GET", "/api/v1/events", nil, auth)
		if a.status != http.StatusOK {
			t.Fatalf("GET /api/v1/events = %d %s", a.status, a.body)
		}
		if ct := a.header.Get("Content-Type"); ct != "application/x-ndjson" {
			t.Errorf("Content-Type %q, want application/x-ndjson", ct)
		}
		lines := ndjson(t, a.body)
		if len(lines) != 3 {
			t.Fatalf("%d lines, want 3:\n%s", len(lines), a.body)
		}
		type line struct {
			Type       string         `json:"type"`
			MessageID  string         `json:"messageId"`
			UserID     string         `json:"userId"`
			Event      string         `json:"event"`
			Timestamp  string         `json:"timestamp"`
			ReceivedAt string         `json:"receivedAt"`
			Properties map[string]any `json:"properties"`
			PersonID   string         `json:"personId"`
		}
		var got []line
		for _, l := range lines {
			var e line
			if err := json.Unmarshal(l, &e); err != nil {
				t.Fatal(err)
			}
			got = append(got, e)
		}
		// Oldest first, every one resolved to the same person.
		for i, want := range []struct{ typ, id, ts string }{
			{"page", "e-1", "2025-03-01T10:00:00.000Z"},
			{"identify", "e-2", "2025-03-01T10:05:00.000Z"},
			{"track", "e-3", "2025-03-01T10:06:00.000Z"},
		} {
			if got[i].Type != want.typ || got[i].MessageID != want.id || got[i].Timestamp != want.ts || got[i].ReceivedAt == "" {
				t.Errorf("line %d: %s, want type %s, messageId %s, timestamp %s", i, lines[i], want.typ, want.id, want.ts)
			}
			if got[i].PersonID == "" || got[i].PersonID != got[0].PersonID {
				t.Errorf("line %d: personId %q, want the same as line 0 (%q)", i, got[i].PersonID, got[0].PersonID)
			}
		}
		if got[2].Event != "Order Completed" || got[2].Properties["revenue"] != 49.5 {
			t.Errorf("track line %s lost its event or properties", lines[2])
		}
	}
}

func TestRejectedAPI(t *testing.T) {
	s := newServer(t)
	a := s.do(t, "GET", "/api/v1/rejected", nil, bearer(readKey))
	if a.status != http.StatusOK || len(a.body) != 0 {
		t.Errorf("GET /api/v1/rejected with no dead letters = %d %q, want 200 and nothing", a.status, a.body)
	}
	messages := []string{
		`{"type":"track","messageId":"r-1","userId":"ada"}`,
		`{"type":"track","messageId":"ok","userId":"ada","event":"E"}`,
		`"just a string"`,
	}
	if a := s.post(t, "/v1/batch", `{"batch":[`+messages[0]+`,`+messages[1]+`,`+messages[2]+`]}`); a.status != http.StatusOK {
		t.Fatalf("POST /v1/batch = %d %s", a.status, a.body)
	}
	a = s.do(t, "GET", "/api/v1/rejected", nil, bearer(readKey))
	if a.status != http.StatusOK {
		t.Fatalf("GET /api/v1/rejected = %d %s", a.status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Errorf("Content-Type %q, want application/x-ndjson", ct)
	}
	var got []segment.ExportedRejection
	for _, line := range ndjson(t, a.body) {
		var r segment.ExportedRejection
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	want := []segment.ExportedRejection{
		{MessageID: "r-1", Reason: `track call requires "event"`, Payload: json.RawMessage(messages[0])},
		{Reason: "message must be a JSON object", Payload: json.RawMessage(messages[2])},
	}
	if len(got) != len(want) {
		t.Fatalf("dead letters:\n%s\nwant %d", a.body, len(want))
	}
	for _, w := range want {
		i := slices.IndexFunc(got, func(r segment.ExportedRejection) bool { return r.MessageID == w.MessageID })
		if i < 0 {
			t.Errorf("no dead letter %q in\n%s", w.MessageID, a.body)
			continue
		}
		g := got[i]
		if g.Reason != w.Reason || string(g.Payload) != string(w.Payload) || g.ReceivedAt == "" {
			t.Errorf("dead letter %+v, want %+v with a receivedAt", g, w)
		}
	}
}

func TestPersonsAPI(t *testing.T) {
	s := newServer(t)
	person := func(t *testing.T, id string) (waymark.Person, answer) {
		t.Helper()
		a := s.do(t, "GET", "/api/v1/persons/"+id, nil, bearer(readKey))
		var p waymark.Person
		if a.status == http.StatusOK {
			if err := json.Unmarshal(a.body, &p); err != nil {
				t.Fatalf("person %s: %v", a.body, err)
			}
		}
		return p, a
	}

	if _, a := person(t, "nobody"); a.status != http.StatusNotFound || a.errorMessage(t) != `no person with id "nobody"` {
		t.Errorf("GET /api/v1/persons/nobody = %d %s, want 404", a.status, a.body)
	}

	// An anonymous visitor, then the same browser signs in.
	steps := []struct{ path, body string }{
		{"/v1/page", `{"anonymousId":"anon-1","name":"Home","timestamp":"2025-03-01T10:00:00Z"}`},
		{"/v1/track", `{"anonymousId":"anon-1","event":"Added to Cart","timestamp":"2025-03-01T10:02:00Z"}`},
		{"/v1/identify", `{"anonymousId":"anon-1","userId":"ada@example.com","timestamp":"2025-03-01T10:05:00Z","traits":{"plan":"free","name":"Ada"}}`},
		{"/v1/identify", `{"userId":"ada@example.com","timestamp":"2025-03-02T09:00:00Z","traits":{"plan":"pro"}}`},
	}
	for _, step := range steps {
		if a := s.post(t, step.path, step.body); a.status != http.StatusOK || string(a.body) != acceptedOne {
			t.Fatalf("POST %s = %d %s", step.path, a.status, a.body)
		}
	}
	var ids []string
	for _, id := range []string{"anon-1", "ada@example.com", "ada%40example.com"} {
		p, a := person(t, id)
		if a.status != http.StatusOK {
			t.Fatalf("GET /api/v1/persons/%s = %d %s", id, a.status, a.body)
		}
		ids = append(ids, p.ID)
		if !slices.Equal(p.IDs, []string{"ada@example.com", "anon-1"}) {
			t.Errorf("%s: ids %q, want ada@example.com and anon-1", id, p.IDs)
		}
		if p.Traits["plan"] != "pro" || p.Traits["name"] != "Ada" {
			t.Errorf("%s: traits %v, want the latest plan (pro) and name Ada", id, p.Traits)
		}
		if got := p.FirstSeen.Format("2006-01-02T15:04:05Z07:00"); got != "2025-03-01T10:00:00Z" {
			t.Errorf("%s: firstSeen %s, want the anonymous page view", id, got)
		}
		if got := p.LastSeen.Format("2006-01-02T15:04:05Z07:00"); got != "2025-03-02T09:00:00Z" {
			t.Errorf("%s: lastSeen %s, want the last identify", id, got)
		}
	}
	if ids[0] == "" || ids[0] != ids[1] || ids[1] != ids[2] {
		t.Errorf("person ids %q, want one person", ids)
	}
}
