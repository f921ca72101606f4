package http_test

import (
	"net/http"
	"strings"
	"testing"
)

// schemaBatch is a small project: Ada arrives from a newsletter, looks at
// pricing from her laptop via search and signs up; Bob comes from Google
// Ads and leaves.
const schemaBatch = `{"batch":[
	{"type":"page","messageId":"1","anonymousId":"a1","name":"Home","timestamp":"2026-01-01T10:00:00Z",
	 "context":{"page":{"url":"https://shop.example.com/?utm_source=newsletter&utm_medium=email&utm_campaign=jan","path":"/"}},
	 "properties":{"plan":"free","x":[[[[[[[[[[{"plan":"pro"}]]]]]]]]]]}},
	{"type":"page","messageId":"2","anonymousId":"a2","name":"Pricing","timestamp":"2026-01-02T09:00:00Z",
	 "context":{"page":{"url":"https://shop.example.com/pricing","path":"/pricing","referrer":"https://www.google.com/"}},
	 "properties":{"plan":"team"}},
	{"type":"identify","messageId":"3","anonymousId":"a1","userId":"ada","timestamp":"2026-01-02T09:05:00Z","traits":{"plan":"pro","email":"ada@example.com"}},
	{"type":"identify","messageId":"4","anonymousId":"a2","userId":"ada","timestamp":"2026-01-02T09:06:00Z"},
	{"type":"track","messageId":"5","userId":"ada","event":"Signed Up","timestamp":"2026-01-02T09:10:00Z","properties":{"plan":"pro"}},
	{"type":"page","messageId":"6","anonymousId":"b1","name":"Pricing","timestamp":"2026-01-03T12:00:00Z",
	 "context":{"page":{"url":"https://shop.example.com/pricing?gclid=x1","path":"/pricing"}}},
	{"type":"identify","messageId":"7","anonymousId":"b1","userId":"bob","timestamp":"2026-01-03T12:01:00Z","traits":{"plan":"free"}},
	{"type":"track","messageId":"5","userId":"ada","event":"Signed Up","timestamp":"2026-01-02T09:10:00Z","properties":{"plan":"pro"}}]}`

func TestSchemaAPI(t *testing.T) {
	s := newServer(t)
	if a := s.post(t, "/v1/batch", schemaBatch); a.status != http.StatusOK {
		t.Fatalf("batch: %d %s", a.status, a.body)
	}
	tests := []struct{ path, want string }{
		{"/api/v1/schema/events", `{"events":[` +
			`{"type":"identify","name":"","events":3,"firstSeen":"2026-01-02T09:05:00Z","lastSeen":"2026-01-03T12:01:00Z"},` +
			`{"type":"page","name":"Pricing","events":2,"firstSeen":"2026-01-02T09:00:00Z","lastSeen":"2026-01-03T12:00:00Z"},` +
			`{"type":"page","name":"Home","events":1,"firstSeen":"2026-01-01T10:00:00Z","lastSeen":"2026-01-01T10:00:00Z"},` +
			`{"type":"track","name":"Signed Up","events":1,"firstSeen":"2026-01-02T09:10:00Z","lastSeen":"2026-01-02T09:10:00Z"}]}`},
		{"/api/v1/schema/properties", `{"properties":[{"key":"plan","events":3},{"key":"x","events":1}]}`},
		{"/api/v1/schema/properties?event=Pricing&type=page", `{"properties":[{"key":"plan","events":1}]}`},
		{"/api/v1/schema/properties?type=track", `{"properties":[{"key":"plan","events":1}]}`},
		{"/api/v1/schema/traits", `{"traits":[{"key":"plan","persons":2},{"key":"email","persons":1}]}`},
		{"/api/v1/schema/values?field=properties.plan", `{"values":[{"value":"free","events":1},{"value":"pro","events":1},{"value":"team","events":1}]}`},
		{"/api/v1/schema/values?field=properties.plan&q=P&limit=1", `{"values":[{"value":"pro","events":1}]}`},
		{"/api/v1/schema/values?field=name&event=Pricing", `{"values":[{"value":"Pricing","events":2}]}`},
		{"/api/v1/schema/values?field=person.plan", `{"values":[{"value":"free","persons":1},{"value":"pro","persons":1}]}`},
		{"/api/v1/schema/values?field=acquisition.channel", `{"values":[{"value":"Email","persons":1},{"value":"Paid Search","persons":1}]}`},
		{"/api/v1/schema/values?field=acquisition.first_seen&event=Signed+Up", `{"values":[{"value":"2026-01-01","persons":1}]}`},
		{"/api/v1/schema/values?field=channel&q=nothing", `{"values":[]}`},
	}
	for _, tt := range tests {
		a := s.do(t, "GET", tt.path, nil, bearer(readKey))
		if a.status != http.StatusOK || strings.TrimSpace(string(a.body)) != tt.want {
			t.Errorf("GET %s = %d\n%s\nwant\n%s", tt.path, a.status, a.body, tt.want)
		}
	}

	a := s.do(t, "GET", "/api/v1/schema/fields", nil, bearer(readKey))
	for _, field := range []string{`{"field":"channel","kind":"column"}`, `{"field":"acquisition.channel","kind":"acquisition"}`, `{"field":"acquisition.first_seen","kind":"acquisition"}`} {
		if a.status != http.StatusOK || !strings.Contains(string(a.body), field) {
			t.Errorf("GET /api/v1/schema/fields = %d %s, want %s among them", a.status, a.body, field)
		}
	}

	a = s.do(t, "GET", "/api/v1/persons/a1", nil, bearer(readKey))
	want := `"acquisition":{"channel":"Email","utm_source":"newsletter","utm_medium":"email","utm_campaign":"jan","utm_content":"","referrer_host":"","landing_page":"/","first_seen":"2026-01-01"}`
	if a.status != http.StatusOK || !strings.Contains(string(a.body), want) {
		t.Errorf("GET /api/v1/persons/a1 = %d %s, want %s", a.status, a.body, want)
	}

	for _, bad := range []struct{ path, message string }{
		{"/api/v1/schema/events?limit=3", `unknown parameter "limit": /api/v1/schema/events takes none`},
		{"/api/v1/schema/properties?name=Pricing", `unknown parameter "name": /api/v1/schema/properties takes event, type`},
		{"/api/v1/schema/properties?type=click", `type "click": use track, page, screen, identify, group or alias`},
		{"/api/v1/schema/values", "values need a field, such as channel, properties.plan or person.plan"},
		{"/api/v1/schema/values?field=acquisition.plan", `unknown field "acquisition.plan": acquisition fields are acquisition.channel`},
		{"/api/v1/schema/values?field=name&limit=101", `limit "101": use a number from 1 to 100`},
		{"/api/v1/schema/values?field=name&limit=ten", `limit "ten": use a number from 1 to 100`},
	} {
		a := s.do(t, "GET", bad.path, nil, bearer(readKey))
		if a.status != http.StatusBadRequest || !strings.Contains(a.errorMessage(t), bad.message) {
			t.Errorf("GET %s = %d %q, want 400 with %q", bad.path, a.status, a.errorMessage(t), bad.message)
		}
	}
	if a := s.do(t, "GET", "/api/v1/schema/events", nil, bearer(writeKey)); a.status != http.StatusUnauthorized {
		t.Errorf("schema with the write key = %d, want 401", a.status)
	}
}

func TestReportWarnings(t *testing.T) {
	s := newServer(t)
	funnel := `{"steps":[{"touchpoints":[{"event":"Pricing"}]},{"touchpoints":[{"event":"Signed Upp"}]}]}`
	a := s.post(t, "/api/v1/funnels", funnel, bearer(readKey))
	if want := `"warnings":["no events yet: the dashboard of this server shows how to send the first one"]`; a.status != http.StatusOK || !strings.Contains(string(a.body), want) {
		t.Errorf("funnel on an empty project = %d %s, want %s", a.status, a.body, want)
	}
	if a := s.post(t, "/v1/batch", schemaBatch); a.status != http.StatusOK {
		t.Fatalf("batch: %d %s", a.status, a.body)
	}
	a = s.post(t, "/api/v1/funnels", funnel, bearer(readKey))
	if want := `"warnings":["no event is named \"Signed Upp\"; did you mean \"Signed Up\"?"]`; a.status != http.StatusOK || !strings.Contains(string(a.body), want) {
		t.Errorf("funnel with a misspelt step = %d %s, want %s", a.status, a.body, want)
	}
	journey := `{"journey":{"name":"j","stages":[{"name":"a","touchpoints":[{"event":"Pricing"}]},{"name":"b","touchpoints":[{"event":"Signed Up"}]}]},"from":"2026-02-01T00:00:00Z"}`
	a = s.post(t, "/api/v1/journeys/report", journey, bearer(readKey))
	if want := `"warnings":["no events from 2026-02-01 on; the project's data spans 2026-01-01T10:00:00Z to 2026-01-03T12:01:00Z"]`; a.status != http.StatusOK || !strings.Contains(string(a.body), want) {
		t.Errorf("journey after the data = %d %s, want %s", a.status, a.body, want)
	}
	a = s.post(t, "/api/v1/journeys/report", strings.Replace(journey, `"from"`, `"to":"2026-01-01T00:00:00Z","from"`, 1), bearer(readKey))
	if a.status != http.StatusBadRequest || a.errorMessage(t) != "from must be before to" {
		t.Errorf("journey with from after to = %d %s, want 400: from must be before to", a.status, a.body)
	}
	a = s.post(t, "/api/v1/funnels", `{"steps":[{"touchpoints":[{"event":"Pricing"}]},{"touchpoints":[{"event":"Signed Up"}]}]}`, bearer(readKey))
	if a.status != http.StatusOK || !strings.Contains(string(a.body), `"warnings":[]`) {
		t.Errorf("funnel without problems = %d %s, want no warnings", a.status, a.body)
	}
}
