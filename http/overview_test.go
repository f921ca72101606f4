package http_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestOverview(t *testing.T) {
	s := newServer(t)
	if a := s.post(t, "/v1/batch", eventsBatch); a.status != http.StatusOK {
		t.Fatalf("POST /v1/batch = %d %s", a.status, a.body)
	}
	a := s.do(t, "GET", "/api/v1/overview?from=2025-03-01&to=2025-03-03&goal=Order+Completed", nil, bearer(readKey))
	if a.status != http.StatusOK {
		t.Fatalf("GET /api/v1/overview = %d %s", a.status, a.body)
	}
	var got, want any
	json.Unmarshal(a.body, &got)
	json.Unmarshal([]byte(`{
		"from":"2025-03-01T00:00:00Z","to":"2025-03-03T00:00:00Z","previousFrom":"2025-02-27T00:00:00Z","previousTo":"2025-03-01T00:00:00Z",
		"totals":{"events":{"value":5,"previous":0},"persons":{"value":2,"previous":0},"newPersons":{"value":2,"previous":0},
			"conversions":{"value":1,"previous":0},"revenue":{"value":49.5,"previous":0}},
		"series":[{"period":"2025-03-01T00:00:00Z","events":4,"persons":1},{"period":"2025-03-02T00:00:00Z","events":1,"persons":1}],
		"top":{"channels":[{"value":"Direct","persons":2,"events":5}],"campaigns":[],
			"pages":[],"events":[{"value":"Order Completed","persons":1,"events":2}]},
		"warnings":[]}`), &want)
	if a, b := mustJSON(got), mustJSON(want); a != b {
		t.Errorf("overview:\n got %s\nwant %s", a, b)
	}
	for _, tt := range []struct{ query, message string }{
		{"?interval=month", `interval "month": use hour, day or week`},
		{"?from=2025-03-02&to=2025-03-01", `from 2025-03-02T00:00:00Z is not before to 2025-03-01T00:00:00Z`},
		{"?from=2024-01-01&to=2025-03-01&interval=hour", `10200 hours are too many for one series, at most 1000: use a larger interval or a shorter range`},
		{"?goal=a&goal=b", `parameter "goal" is given 2 times: give it once`},
		{"?period=day", `unknown parameter "period": use from, to, goal, interval`},
	} {
		a := s.do(t, "GET", "/api/v1/overview"+tt.query, nil, bearer(readKey))
		if a.status != http.StatusBadRequest || a.errorMessage(t) != tt.message {
			t.Errorf("GET /api/v1/overview%s = %d %s, want 400 %q", tt.query, a.status, a.body, tt.message)
		}
	}
}
