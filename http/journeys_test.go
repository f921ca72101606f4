package http_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/waymark-analytics/waymark/report"
)

// checkout is a journey definition without an id, as a client sends it.
const checkout = `{"name":"Checkout","stages":[{"name":"Viewed","touchpoints":[{"event":"Viewed"}]},{"name":"Bought","touchpoints":[{"label":"paid","event":"Bought"}]}],"window":"7d"}`

// withID is a definition with an id set.
func withID(id, definition string) string {
	return `{"id":"` + id + `",` + definition[1:]
}

func TestSavedJourneysAPI(t *testing.T) {
	s := newServer(t)
	batch := `{"batch":[
		{"type":"track","messageId":"1","anonymousId":"a1","event":"Viewed","timestamp":"2026-01-01T10:00:00Z"},
		{"type":"identify","messageId":"2","anonymousId":"a1","userId":"ada","timestamp":"2026-01-01T10:05:00Z"},
		{"type":"track","messageId":"3","userId":"ada","event":"Bought","timestamp":"2026-01-01T11:00:00Z"},
		{"type":"track","messageId":"4","anonymousId":"b1","event":"Viewed","timestamp":"2026-01-01T10:00:00Z"},
		{"type":"track","messageId":"5","anonymousId":"c1","event":"Viewed","timestamp":"2026-01-03T10:00:00Z"}]}`
	if a := s.post(t, "/v1/batch", batch); a.status != http.StatusOK {
		t.Fatalf("batch: %d %s", a.status, a.body)
	}
	long := strings.Repeat("Long name ", 10)
	// Each step runs on the state the steps before it left. want is in the
	// body of a success and in the error message of a failure.
	for _, step := range []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"GET", "/api/v1/journeys", "", 200, `{"journeys":[]}`},
		{"POST", "/api/v1/journeys", checkout, 201, `"id":"checkout","name":"Checkout"`},
		{"POST", "/api/v1/journeys", checkout, 201, `"id":"checkout-2"`},
		{"POST", "/api/v1/journeys", strings.Replace(checkout, "Checkout", "Checkout (Q3) — ÉU!", 1), 201, `"id":"checkout-q3-u"`},
		{"POST", "/api/v1/journeys", strings.Replace(checkout, "Checkout", "日本", 1), 201, `"id":"journey"`},
		{"POST", "/api/v1/journeys", strings.Replace(checkout, "Checkout", long, 1), 201, `"id":"` + strings.TrimSuffix(strings.Repeat("long-name-", 7)[:64], "-") + `"`},
		{"POST", "/api/v1/journeys", strings.Replace(checkout, "Checkout", long, 1), 201, `"id":"` + strings.Repeat("long-name-", 7)[:62] + `-2"`},
		{"POST", "/api/v1/journeys", withID("my_checkout-1", checkout), 201, `"id":"my_checkout-1"`},
		{"POST", "/api/v1/journeys", withID("checkout", checkout), 409, `a journey with id "checkout" exists; PUT /api/v1/journeys/checkout replaces it`},
		{"POST", "/api/v1/journeys", withID("Checkout", checkout), 400, `journey id "Checkout": use 1 to 64 lowercase letters, digits, '-' and '_', starting with a letter or digit`},
		{"POST", "/api/v1/journeys", withID("-x", checkout), 400, `journey id "-x"`},
		{"POST", "/api/v1/journeys", withID(strings.Repeat("x", 65), checkout), 400, `use 1 to 64`},
		{"POST", "/api/v1/journeys", `{"name":"One","stages":[{"name":"A","touchpoints":[{"event":"A"}]}]}`, 400, "a journey has 2 to 20 stages, not 1"},
		{"POST", "/api/v1/journeys", strings.Replace(checkout, `"name":"Checkout",`, "", 1), 400, "a journey needs a name"},
		{"POST", "/api/v1/journeys", strings.Replace(checkout, `"window"`, `"windw"`, 1), 400, `unknown field "windw"; the fields here are id, name, stages, window`},
		{"POST", "/api/v1/journeys", "", 400, "the request body must be a JSON report definition"},
		{"PUT", "/api/v1/journeys/funnel", checkout, 200, `"id":"funnel","name":"Checkout"`},
		{"PUT", "/api/v1/journeys/funnel", withID("funnel", strings.Replace(checkout, "Checkout", "Funnel", 1)), 200, `"id":"funnel","name":"Funnel"`},
		{"PUT", "/api/v1/journeys/funnel", withID("other", checkout), 400, `the body's id "other" is not the path's "funnel"`},
		{"PUT", "/api/v1/journeys/Funnel", checkout, 400, `journey id "Funnel"`},
		{"PUT", "/api/v1/journeys/funnel", `{"name":"x","stages":[]}`, 400, "a journey has 2 to 20 stages, not 0"},
		{"GET", "/api/v1/journeys/funnel", "", 200, `"id":"funnel","name":"Funnel","stages":[{"name":"Viewed","touchpoints":[{"event":"Viewed"}]},{"name":"Bought","touchpoints":[{"label":"paid","event":"Bought"}]}],"window":"1w","updated":"`}, // 7d reads back as 1w
		{"GET", "/api/v1/journeys/funnel?format=json", "", 200, `"id":"funnel"`},
		{"GET", "/api/v1/journeys/funnel?format=xml", "", 400, `format "xml": use json or yaml`},
		{"GET", "/api/v1/journeys/funnel?formt=yaml", "", 400, `unknown parameter "formt": use format`},
		{"GET", "/api/v1/journeys/nope", "", 404, `no journey with id "nope"`},
		{"GET", "/api/v1/journeys/checkout/report", "", 200, `"persons":3,"conversion":0.3333333333333333`},
		{"GET", "/api/v1/journeys/checkout/report?from=2026-01-01&to=2026-01-02", "", 200, `"persons":2,"conversion":0.5`},
		{"GET", "/api/v1/journeys/checkout/report?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00%2B01:00", "", 200, `"persons":2,"conversion":0.5`},
		{"GET", "/api/v1/journeys/checkout/report?from=yesterday", "", 400, `from: "yesterday" is not a date (2026-09-01) or an RFC 3339 time (2026-09-01T12:00:00Z)`},
		{"GET", "/api/v1/journeys/checkout/report?to=2026-13-01", "", 400, `to: "2026-13-01" is not a date`},
		{"GET", "/api/v1/journeys/checkout/report?form=2026-01-01", "", 400, `unknown parameter "form": use from, to`},
		{"GET", "/api/v1/journeys/checkout/report?from=2026-01-01&from=2026-01-02", "", 400, `parameter "from" is given 2 times: give it once`},
		{"GET", "/api/v1/journeys/nope/report", "", 404, `no journey with id "nope"`},
		{"DELETE", "/api/v1/journeys/checkout-2", "", 204, ""},
		{"DELETE", "/api/v1/journeys/checkout-2", "", 404, `no journey with id "checkout-2"`},
		{"GET", "/api/v1/journeys/checkout-2", "", 404, `no journey with id "checkout-2"`},
		{"POST", "/api/v1/journeys", checkout, 201, `"id":"checkout-2"`}, // free again
		{"POST", "/api/v1/journeys/report", `{"journey":` + checkout + `}`, 200, `"persons":3`},
	} {
		a := s.do(t, step.method, step.path, strings.NewReader(step.body), bearer(readKey))
		got := string(a.body)
		if a.status >= 400 {
			got = a.errorMessage(t)
		}
		if a.status != step.status || !strings.Contains(got, step.want) {
			t.Errorf("%s %s %s\n= %d %s\nwant %d with %s", step.method, step.path, step.body, a.status, got, step.status, step.want)
		}
	}

	// The list, by name then id.
	a := s.do(t, "GET", "/api/v1/journeys", nil, bearer(readKey))
	var list struct {
		Journeys []struct {
			ID, Name string
			Updated  time.Time
		}
	}
	if err := json.Unmarshal(a.body, &list); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, j := range list.Journeys {
		ids = append(ids, j.ID)
		if time.Since(j.Updated) > time.Minute {
			t.Errorf("journey %s updated %v, want just now", j.ID, j.Updated)
		}
	}
	want := []string{"checkout", "checkout-2", "my_checkout-1", "checkout-q3-u", "funnel",
		strings.Repeat("long-name-", 7)[:62] + "-2", strings.TrimSuffix(strings.Repeat("long-name-", 7)[:64], "-"), "journey"}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("list = %v,\nwant %v", ids, want)
	}

	// What GET answers, PUT takes back: "updated" is ignored.
	a = s.do(t, "GET", "/api/v1/journeys/funnel", nil, bearer(readKey))
	before := a.body
	if a = s.do(t, "PUT", "/api/v1/journeys/funnel", strings.NewReader(string(before)), bearer(readKey)); a.status != http.StatusOK {
		t.Errorf("PUT of a GET answer = %d %s", a.status, a.body)
	}
	if strings.Contains(string(a.body), `"updated":"0001`) || string(a.body) == string(before) {
		t.Errorf("PUT answered %s, want a new updated time (was %s)", a.body, before)
	}

	// A saved journey's report is the report of its definition.
	saved := s.do(t, "GET", "/api/v1/journeys/checkout/report?from=2026-01-01", nil, bearer(readKey))
	posted := s.post(t, "/api/v1/journeys/report", `{"journey":`+checkout+`,"from":"2026-01-01T00:00:00Z"}`, bearer(readKey))
	if saved.status != http.StatusOK || string(saved.body) != string(posted.body) {
		t.Errorf("saved journey's report:\n%s\nPOST /api/v1/journeys/report:\n%s", saved.body, posted.body)
	}

	for _, request := range []struct{ method, path string }{
		{"GET", "/api/v1/journeys"}, {"POST", "/api/v1/journeys"}, {"GET", "/api/v1/journeys/checkout"},
		{"PUT", "/api/v1/journeys/checkout"}, {"DELETE", "/api/v1/journeys/checkout"}, {"GET", "/api/v1/journeys/checkout/report"},
	} {
		if a := s.do(t, request.method, request.path, strings.NewReader(checkout), bearer(writeKey)); a.status != http.StatusUnauthorized {
			t.Errorf("%s %s with the write key = %d, want 401", request.method, request.path, a.status)
		}
	}
}

// TestUnreadableSavedJourney stores a journey as an older version could
// have, with a window that no longer reads: the list still answers, with an
// error for that journey, which can be shown, replaced and deleted.
func TestUnreadableSavedJourney(t *testing.T) {
	s := newServer(t)
	for _, id := range []string{"too-long", "also-too-long"} {
		j := report.Journey{ID: id, Name: "Too long", Window: report.MaxDuration * 2, Stages: []report.Stage{
			{Name: "A", Touchpoints: []report.Touchpoint{{Event: "A"}}}, {Name: "B", Touchpoints: []report.Touchpoint{{Event: "B"}}}}}
		if _, err := s.store.SaveJourney(t.Context(), s.project.ID, j); err != nil {
			t.Fatal(err)
		}
	}
	problem := `window: \"73000d\" is more than 100 years (100y), the longest duration a report takes`
	for _, step := range []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"GET", "/api/v1/journeys", "", 200, `"id":"too-long","name":"Too long","stages":[{"name":"A"`},
		{"GET", "/api/v1/journeys", "", 200, `"error":"` + problem + `"}]}`},
		{"GET", "/api/v1/journeys/too-long", "", 200, `"error":"` + problem + `"}`},
		{"GET", "/api/v1/journeys/too-long?format=yaml", "", 200, "error: 'window: \"73000d\" is more than 100 years"},
		{"GET", "/api/v1/journeys/too-long/report", "", 400, `journey "too-long" cannot be used: window: "73000d" is more than 100 years (100y), the longest duration a report takes; replace it (PUT /api/v1/journeys/too-long) or delete it`},
		{"PUT", "/api/v1/journeys/too-long", checkout, 200, `"id":"too-long","name":"Checkout"`},
		{"GET", "/api/v1/journeys/too-long/report", "", 200, `"persons":0`},
		{"DELETE", "/api/v1/journeys/also-too-long", "", 204, ""},
		{"GET", "/api/v1/journeys", "", 200, `{"journeys":[{"id":"too-long","name":"Checkout"`},
	} {
		a := s.do(t, step.method, step.path, strings.NewReader(step.body), bearer(readKey))
		got := string(a.body)
		if a.status >= 400 {
			got = a.errorMessage(t)
		}
		if a.status != step.status || !strings.Contains(got, step.want) {
			t.Errorf("%s %s %s\n= %d %s\nwant %d with %s", step.method, step.path, step.body, a.status, got, step.status, step.want)
		}
	}
	if a := s.do(t, "GET", "/api/v1/journeys", nil, bearer(readKey)); strings.Contains(string(a.body), `"error"`) {
		t.Errorf("list after mending: %s", a.body)
	}
}

func TestSavedJourneyAsYAML(t *testing.T) {
	s := newServer(t)
	definition := `{"id":"lead","name":"Lead nurturing: \"yes\"","stages":[
		{"name":"Lead","touchpoints":[{"event":"Form Submitted","where":[{"field":"channel","op":"in","values":["Email","Paid Social"]},{"field":"properties.n","op":">=","value":"1"}]}]},
		{"name":"Responded","touchpoints":[{"label":"clicked","event":"Email 2 Clicked"},{"label":"replied","event":"Email 2 Replied"}]}],
		"window":"30d"}`
	if a := s.do(t, "PUT", "/api/v1/journeys/lead", strings.NewReader(definition), bearer(readKey)); a.status != http.StatusOK {
		t.Fatalf("PUT = %d %s", a.status, a.body)
	}
	a := s.do(t, "GET", "/api/v1/journeys/lead?format=yaml", nil, bearer(readKey))
	if a.status != http.StatusOK || a.header.Get("Content-Type") != "application/yaml" {
		t.Fatalf("GET ?format=yaml = %d %s %s", a.status, a.header.Get("Content-Type"), a.body)
	}
	// Block style, the definition's order, and quotes only where YAML needs them.
	want := `id: lead
name: 'Lead nurturing: "yes"'
stages:
  - name: Lead
    touchpoints:
      - event: Form Submitted
        where:
          - field: channel
            op: in
            values:
              - Email
              - Paid Social
          - field: properties.n
            op: '>='
            value: "1"
  - name: Responded
    touchpoints:
      - label: clicked
        event: Email 2 Clicked
      - label: replied
        event: Email 2 Replied
window: 30d
updated: `
	if !strings.HasPrefix(string(a.body), want) {
		t.Errorf("YAML:\n%s\nwant it to start with\n%s", a.body, want)
	}

	// It reads back as the same definition, and PUT takes it back as JSON.
	var fromYAML any
	if err := yaml.Unmarshal(a.body, &fromYAML); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(fromYAML)
	if a := s.do(t, "PUT", "/api/v1/journeys/lead", strings.NewReader(string(body)), bearer(readKey)); a.status != http.StatusOK {
		t.Fatalf("PUT of the YAML = %d %s", a.status, a.body)
	}
	var got, wantJSON map[string]any
	json.Unmarshal(s.do(t, "GET", "/api/v1/journeys/lead", nil, bearer(readKey)).body, &got)
	json.Unmarshal([]byte(definition), &wantJSON)
	delete(got, "updated")
	if a, b := mustJSON(got), mustJSON(wantJSON); a != b {
		t.Errorf("after a YAML round trip:\n%s\nwant\n%s", a, b)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestCreateJourneysAtOnce posts creates at the same time: of those with
// one id, one gets 201 and the others 409; each of those without an id gets
// an id of its own.
func TestCreateJourneysAtOnce(t *testing.T) {
	s := newServer(t)
	const posts = 4
	named, unnamed := make([]int, posts), make([]string, posts)
	var wg sync.WaitGroup
	for i := range posts {
		wg.Go(func() {
			named[i] = s.post(t, "/api/v1/journeys", withID("race", checkout), bearer(readKey)).status
			a := s.post(t, "/api/v1/journeys", checkout, bearer(readKey))
			var saved struct{ ID string }
			json.Unmarshal(a.body, &saved)
			unnamed[i] = fmt.Sprint(a.status, " ", saved.ID)
		})
	}
	wg.Wait()
	slices.Sort(named)
	if want := []int{201, 409, 409, 409}; !slices.Equal(named, want) {
		t.Errorf("creates of one id answered %v, want %v", named, want)
	}
	slices.Sort(unnamed)
	if want := []string{"201 checkout", "201 checkout-2", "201 checkout-3", "201 checkout-4"}; !slices.Equal(unnamed, want) {
		t.Errorf("creates without an id answered %v, want %v", unnamed, want)
	}
}
