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

// TestReportRequestErrors sends many bad report requests: each answers 400
// with a message that names the field as the JSON does and says what it
// should be, without Go's names of types or time layouts.
func TestReportRequestErrors(t *testing.T) {
	s := newServer(t)
	steps := `"steps":[{"touchpoints":[{"event":"A"}]},{"touchpoints":[{"event":"B"}]}]`
	funnel := `{` + steps + `}`
	journey := `{"name":"j","stages":[{"name":"A","touchpoints":[{"event":"A"}]},{"name":"B","touchpoints":[{"event":"B"}]}]}`
	for _, c := range []struct{ method, path, body, want string }{
		{"POST", "/api/v1/funnels", `{"steps":"A,B"}`, `steps: expected a list of steps, not a string`},
		{"POST", "/api/v1/funnels", `{"steps":{"event":"A"}}`, `steps: expected a list of steps, not an object`},
		{"POST", "/api/v1/funnels", `{"steps":[{"touchpoints":"A"}]}`, `steps[0].touchpoints: expected a list of touchpoints, not a string`},
		{"POST", "/api/v1/funnels", `{"steps":[{"touchpoints":[{"event":["A"]}]}]}`, `steps[0].touchpoints[0].event: expected a string, not a list`},
		{"POST", "/api/v1/funnels", `{"steps":[{"touchpoints":[{"where":[{"field":"plan","op":"=","value":true}]}]}]}`, `steps[0].touchpoints[0].where[0].value: expected a string, not true`},
		{"POST", "/api/v1/funnels", `{"steps":[{"touchpoints":[{"where":{"field":"plan"}}]}]}`, `steps[0].touchpoints[0].where: expected a list of conditions, not an object`},
		{"POST", "/api/v1/funnels", `{"steps":[{"touchpoints":[]},{"touchpoints":[],"window":"300y"}]}`, `steps[1].window: "300y" is more than 100 years (100y)`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"window":"300y"}`, `window: "300y" is more than 100 years (100y), the longest duration a report takes`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"window":"110000d"}`, `window: "110000d" is more than 100 years`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"window":1e30}`, `window: "1e30" is more than 100 years`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"window":"-1d"}`, `window: "-1d" is negative`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"window":"NaN"}`, `window: "NaN" is not a duration`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"window":{}}`, `window: expected a duration such as 7d, not an object`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"sessionGap":"forever"}`, `sessionGap: "forever" is not a duration`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"from":"x"}`, `from: "x" is not a date (2026-09-01) or an RFC 3339 time (2026-09-01T12:00:00Z)`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"from":"2026-09-01T00:00"}`, `from: "2026-09-01T00:00" is not a date`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"to":1756684800}`, `to: expected a date (2026-09-01) or an RFC 3339 time (2026-09-01T12:00:00Z), not a number`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"from":"2026-09-02","to":"2026-09-01"}`, `from must be before to`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"windw":"1d"}`, `unknown field "windw"; the fields here are steps, window, order, exclusions, countBy, sessionGap, from, to, where, breakdown, trend`},
		{"POST", "/api/v1/funnels", `{"steps":[{"touchpoints":[{"evnt":"A"}]}]}`, `steps[0].touchpoints[0]: unknown field "evnt"`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"order":1}`, `order: expected a string, not a number`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"breakdown":"channel"}`, `breakdown: expected an object, not a string`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"breakdown":{"field":"channel","top":"5"}}`, `breakdown.top: expected a whole number, not a string`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"exclusions":{"touchpoint":{"event":"X"}}}`, `exclusions: expected a list of exclusions, not an object`},
		{"POST", "/api/v1/funnels", `{` + steps + `,"exclusions":[{"touchpoint":"X","after":1,"before":2}]}`, `exclusions[0].touchpoint: expected an object, not a string`},
		{"POST", "/api/v1/funnels", `[` + funnel + `]`, `expected an object, not a list`},
		{"POST", "/api/v1/funnels", `{` + steps + `,}`, `not valid JSON at line 1, column 76`},
		{"POST", "/api/v1/funnels", `{` + steps, `the JSON ends before it is complete`},
		{"POST", "/api/v1/funnels", funnel + `x`, `unexpected text after the JSON value`},
		{"POST", "/api/v1/funnels/persons", `{"funnel":` + funnel + `,"step":"2","outcome":"dropped"}`, `step: expected a whole number, not a string`},
		{"POST", "/api/v1/funnels/persons", `{"funnel":{` + steps + `,"window":"1y1d"},"step":2}`, `funnel.window: "1y1d" is not a duration`},
		{"POST", "/api/v1/funnels/persons", `{"funnel":` + funnel + `,"step":2,"outcom":"dropped"}`, `unknown field "outcom"; the fields here are funnel, step, outcome, breakdown, offset, limit`},
		{"POST", "/api/v1/funnels/persons", `{"funnel":` + funnel + `,"step":2,"outcome":"dropped","breakdown":7}`, `breakdown: expected a string, not a number`},
		{"POST", "/api/v1/journeys/report", `{"journey":` + journey + `,"from":"yesterday"}`, `from: "yesterday" is not a date (2026-09-01)`},
		{"POST", "/api/v1/journeys/report", `{"journey":` + journey + `,"to":"2026-02-30"}`, `to: "2026-02-30" is not a date`},
		{"POST", "/api/v1/journeys/report", `{"journey":{"name":"j","stages":"A"}}`, `journey.stages: expected a list of stages, not a string`},
		{"POST", "/api/v1/journeys/report", `{"journey":{"name":"j","stages":[],"window":"400y"}}`, `journey.window: "400y" is more than 100 years`},
		{"POST", "/api/v1/journeys/report", `{"jouney":` + journey + `}`, `unknown field "jouney"; the fields here are journey, from, to`},
		{"POST", "/api/v1/journeys", `{"name":7}`, `name: expected a string, not a number`},
		{"POST", "/api/v1/journeys", `{"name":"j","stages":[{"name":"A","touchpoints":[{"event":"A"}]}],"window":"300y"}`, `window: "300y" is more than 100 years`},
		{"POST", "/api/v1/journeys", `{"name":"j","stages":[],"updated":"now"}`, `updated: "now" is not an RFC 3339 time (2026-09-01T12:00:00Z)`},
		{"PUT", "/api/v1/journeys/j", `{"name":"j","stages":[{"name":"A","touchpoints":[{"type":true}]}]}`, `stages[0].touchpoints[0].type: expected a string, not true`},
		{"PUT", "/api/v1/journeys/j", `{"name":"j","stage":[]}`, `unknown field "stage"`},
		{"GET", "/api/v1/journeys/j/report?from=1%2F9%2F2026", ``, `from: "1/9/2026" is not a date (2026-09-01) or an RFC 3339 time`},
	} {
		a := s.do(t, c.method, c.path, strings.NewReader(c.body), bearer(readKey))
		message := a.errorMessage(t)
		if a.status != http.StatusBadRequest || !strings.Contains(message, c.want) {
			t.Errorf("%s %s %s\n= %d %q\nwant 400 with %q", c.method, c.path, c.body, a.status, message, c.want)
		}
		for _, leak := range []string{"Go ", "report.", "storage.", "time.", "json:", "2006-01-02", "15:04:05", "interface", "map[", "[]", "int64", "float64", "struct"} {
			if strings.Contains(message, leak) {
				t.Errorf("%s %s %s: the message %q shows %q", c.method, c.path, c.body, message, leak)
			}
		}
	}
	// Dates work where times do.
	for _, c := range []struct{ path, body string }{
		{"/api/v1/funnels", `{` + steps + `,"from":"2026-01-01","to":"2026-02-01T00:00:00Z"}`},
		{"/api/v1/funnels/persons", `{"funnel":{` + steps + `,"from":"2026-01-01","to":"2026-02-01"},"step":1,"outcome":"reached"}`},
		{"/api/v1/journeys/report", `{"journey":` + journey + `,"from":"2026-01-01","to":"2026-02-01"}`},
	} {
		if a := s.post(t, c.path, c.body, bearer(readKey)); a.status != http.StatusOK {
			t.Errorf("%s %s = %d %s", c.path, c.body, a.status, a.body)
		}
	}
}
