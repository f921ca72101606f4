package http_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestReportsAPI(t *testing.T) {
	s := newServer(t)
	batch := `{"batch":[
		{"type":"track","messageId":"1","anonymousId":"a1","event":"Viewed","timestamp":"2026-01-01T10:00:00Z"},
		{"type":"identify","messageId":"2","anonymousId":"a1","userId":"ada","timestamp":"2026-01-01T10:05:00Z"},
		{"type":"track","messageId":"3","userId":"ada","event":"Bought","timestamp":"2026-01-01T11:00:00Z"},
		{"type":"track","messageId":"4","anonymousId":"b1","event":"Viewed","timestamp":"2026-01-01T10:00:00Z"}]}`
	if a := s.post(t, "/v1/batch", batch); a.status != http.StatusOK {
		t.Fatalf("batch: %d %s", a.status, a.body)
	}
	funnel := `{"steps":[{"touchpoints":[{"event":"Viewed"}]},{"touchpoints":[{"event":"Bought"}]}],"window":"1d"}`
	a := s.post(t, "/api/v1/funnels", funnel, bearer(readKey))
	var r struct {
		Entered, Converted int
		Steps              []struct{ Count, DropOff int }
	}
	if a.status != http.StatusOK || json.Unmarshal(a.body, &r) != nil {
		t.Fatalf("funnel: %d %s", a.status, a.body)
	}
	if r.Entered != 2 || r.Converted != 1 || r.Steps[1].DropOff != 1 {
		t.Errorf("funnel = %s; want 2 entered (the anonymous view merged into ada), 1 converted, 1 dropped", a.body)
	}

	a = s.post(t, "/api/v1/funnels/persons", `{"funnel":`+funnel+`,"step":2,"outcome":"dropped"}`, bearer(readKey))
	if a.status != http.StatusOK || !strings.Contains(string(a.body), `"persons":["b1"]`) {
		t.Errorf("drill-down: %d %s, want b1", a.status, a.body)
	}

	journey := `{"journey":{"name":"j","stages":[{"name":"Viewed","touchpoints":[{"event":"Viewed"}]},{"name":"Bought","touchpoints":[{"event":"Bought"}]}]}}`
	a = s.post(t, "/api/v1/journeys/report", journey, bearer(readKey))
	if a.status != http.StatusOK || !strings.Contains(string(a.body), `"conversion":0.5`) {
		t.Errorf("journey: %d %s, want conversion 0.5", a.status, a.body)
	}

	for _, bad := range []struct{ path, body, message string }{
		{"/api/v1/funnels", `{"steps":[{"touchpoints":[{"event":"A"}]}]}`, "a funnel has 2 to 20 steps, not 1"},
		{"/api/v1/funnels", `{"steps":[],"windw":"1d"}`, `unknown field "windw"; the fields here are steps, window, order,`},
		{"/api/v1/funnels", `{"steps":[{"touchpoints":[{"where":[{"field":"nope","op":"="}]}]},{"touchpoints":[{}]}]}`, `unknown field "nope"`},
		{"/api/v1/funnels", `{"steps":[{"touchpoints":[{"where":[{"field":"path","op":"regex","value":"("}]}]},{"touchpoints":[{}]}]}`, "bad regex"},
		{"/api/v1/funnels/persons", `{"funnel":` + funnel + `,"step":3,"outcome":"dropped"}`, "step 3: the funnel has steps 1 to 2"},
		{"/api/v1/journeys/report", `{"journey":{"name":"j","stages":[]}}`, "a journey has 2 to 20 stages, not 0"},
	} {
		a := s.post(t, bad.path, bad.body, bearer(readKey))
		if a.status != http.StatusBadRequest || !strings.Contains(a.errorMessage(t), bad.message) {
			t.Errorf("%s %s = %d %q, want 400 with %q", bad.path, bad.body, a.status, a.errorMessage(t), bad.message)
		}
	}
	if a := s.post(t, "/api/v1/funnels", funnel, bearer(writeKey)); a.status != http.StatusUnauthorized {
		t.Errorf("funnel with the write key = %d, want 401", a.status)
	}
}
