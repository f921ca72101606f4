package segment

import (
	"strings"
	"testing"

	"github.com/waymark-analytics/waymark"
)

func parse(t *testing.T, raw string) Message {
	t.Helper()
	var p Payload
	m, err := p.ParseMessage([]byte(raw))
	if err != nil {
		t.Fatalf("ParseMessage(%s): %v", raw, err)
	}
	return m
}

func TestParseMessageNumericIDs(t *testing.T) {
	m := parse(t, `{"type":"alias","userId":42,"anonymousId":-7,"previousId":1.5e3,"groupId":0,"messageId":9007199254740993}`)
	for _, f := range []struct{ name, got, want string }{
		{"userId", m.UserID, "42"},
		{"anonymousId", m.AnonymousID, "-7"},
		{"previousId", m.PreviousID, "1.5e3"},
		{"groupId", m.GroupID, "0"},
		// Kept as written: a float64 would round it.
		{"messageId", m.MessageID, "9007199254740993"},
	} {
		if f.got != f.want {
			t.Errorf("%s = %q, want %q", f.name, f.got, f.want)
		}
	}
	if err := m.Validate(); err != nil {
		t.Error(err)
	}
	if e := m.Event("p", now); e.DistinctID() != "42" {
		t.Errorf("DistinctID = %q", e.DistinctID())
	}
}

func TestParseMessageFields(t *testing.T) {
	m := parse(t, `{
		"type": "page", "name": "Pricing", "category": "Docs",
		"anonymousId": "a\u00e9\"1", "userId": null,
		"timestamp": "2024-01-01T00:00:00Z", "originalTimestamp": null,
		"properties": {"title": "T", "url": "https://x.test/p", "revenue": 1, "nested": {"url": "not this"}},
		"traits": {"plan": "pro"},
		"context": {
			"ip": "203.0.113.7", "userAgent": "UA/1.0", "locale": "en-US", "timezone": "Europe/Berlin",
			"library": {"name": "analytics.js", "version": "2.11.1"},
			"os": {"name": "iOS", "version": "17.4"},
			"device": {"type": "ios", "manufacturer": "Apple", "model": "iPhone15,2", "id": 5},
			"page": {"url": "https://x.test/ctx", "path": "/ctx", "title": "Ctx", "referrer": "https://r.test/", "search": ""},
			"campaign": {"source": "news", "medium": "email", "name": "spring", "term": "t", "content": "c"},
			"location": {"country": "DE", "region": "Berlin", "city": "Berlin", "latitude": 52.52, "speed": 0},
			"traits": {"ip": "not this"}
		},
		"integrations": {"All": true},
		"unknown": [1, {"a": null}]
	}`)
	want := ContextInfo{
		IP: "203.0.113.7", UserAgent: "UA/1.0", Locale: "en-US", Timezone: "Europe/Berlin",
		LibraryName: "analytics.js", LibraryVersion: "2.11.1",
		OSName: "iOS", OSVersion: "17.4",
		DeviceType: "ios", DeviceManufacturer: "Apple", DeviceModel: "iPhone15,2",
		Page:     waymark.PageInfo{URL: "https://x.test/ctx", Path: "/ctx", Title: "Ctx", Referrer: "https://r.test/"},
		Campaign: waymark.Campaign{Source: "news", Medium: "email", Name: "spring", Term: "t", Content: "c"},
		Location: waymark.Geo{Country: "DE", Region: "Berlin", City: "Berlin"},
	}
	if got := m.ContextInfo(); got != want {
		t.Errorf("ContextInfo =\n%+v\nwant\n%+v", got, want)
	}
	if m.UserAgent() != "UA/1.0" || m.ContextInfo().IP != "203.0.113.7" {
		t.Errorf("UserAgent %q IP %q", m.UserAgent(), m.ContextInfo().IP)
	}
	if m.Type != waymark.Page || m.Name != "Pricing" || m.Category != "Docs" || m.AnonymousID != "aé\"1" || m.UserID != "" || m.OriginalTimestamp != "" {
		t.Errorf("fields: %+v", m)
	}
	if string(m.Traits) != `{"plan": "pro"}` || string(m.Integrations) != `{"All": true}` {
		t.Errorf("raw fields: traits %s integrations %s", m.Traits, m.Integrations)
	}
	if m.props.URL != "https://x.test/p" || m.props.Title != "T" || m.props.Revenue != "1" {
		t.Errorf("properties read: %+v", m.props)
	}
}

func TestParseMessageNullObjects(t *testing.T) {
	m := parse(t, `{"type":"track","properties":null,"traits":null,"context":null,"integrations":null}`)
	if m.Properties != nil || m.Traits != nil || m.Context != nil || m.Integrations != nil {
		t.Errorf("null objects kept: %+v", m)
	}
}

func TestParseMessageErrors(t *testing.T) {
	tests := []struct {
		name string
		typ  waymark.MessageType
		raw  string
		msg  string
	}{
		{"not JSON", "", `{"type":"track"`, "message is not valid JSON: unexpected end of JSON at byte 15"},
		{"not an object", "", `"track"`, "message must be a JSON object"},
		{"bad JSON after a non-object", "", `[1,]`, "message is not valid JSON: unexpected ']' at byte 3"},
		{"bad JSON in properties", "", `{"properties":{"a":tru}}`, "message is not valid JSON: invalid literal at byte 19"},
		{"bad number", "", `{"userId":01}`, "message is not valid JSON: unexpected '1' at byte 11"},
		{"bad escape", "", `{"event":"\x"}`, "message is not valid JSON: invalid escape in string at byte 10"},
		{"control character", "", "{\"event\":\"a\tb\"}", "message is not valid JSON: control character in string at byte 11"},
		{"userId an object", "", `{"userId":{"id":1}}`, `"userId" must be a string or a number`},
		{"anonymousId a bool", "", `{"anonymousId":true}`, `"anonymousId" must be a string or a number`},
		{"event a number", "", `{"event":5}`, `"event" must be a string`},
		{"type a number", "", `{"type":1}`, `"type" must be a string`},
		{"timestamp a number", "", `{"timestamp":1715682093123}`, `"timestamp" must be a string`},
		{"type contradicts endpoint", waymark.Track, `{"type":"page"}`, `message type "page" does not match the track endpoint`},
		{"invalid UTF-8 in a key", "", "{\"type\":\"track\",\"a\xffb\":1}", "message is not valid JSON: invalid UTF-8 in string at byte 18"},
		{"invalid UTF-8 in a value", "", "{\"event\":\"Caf\xe9\"}", "message is not valid JSON: invalid UTF-8 in string at byte 13"},
		{"invalid UTF-8 in a nested property", "", "{\"properties\":{\"items\":[{\"name\":\"\xc3\"}]}}", "message is not valid JSON: invalid UTF-8 in string at byte 33"},
		{"nested 257 levels", "", `{"properties":` + strings.Repeat(`{"a":`, 255) + `{}` + strings.Repeat(`}`, 256), "message is nested more than 256 levels deep"},
		{"nested 300 levels in an array", "", `{"properties":{"a":` + strings.Repeat(`[`, 298) + strings.Repeat(`]`, 298) + `}}`, "message is nested more than 256 levels deep"},

		// Numbers too large for a float64 are valid JSON but cannot be read back.
		{"revenue too large", "", `{"properties":{"revenue":1e400}}`, "properties.revenue: number 1e400 is too large"},
		{"negative number too large", "", `{"properties":{"total":-2E+308}}`, "properties.total: number -2E+308 is too large"},
		{"number in a nested trait", "", `{"traits":{"company":{"employees":[1,2,9.9e999]}}}`, "traits.company.employees[2]: number 9.9e999 is too large"},
		{"number in context", "", `{"context":{"screen":{"width":1e309}}}`, "context.screen.width: number 1e309 is too large"},
		{"number in integrations", "", `{"integrations":{"x":1e400}}`, "integrations.x: number 1e400 is too large"},
		{"number in an unknown field", "", `{"_metadata":[[1e400]]}`, "_metadata[0][0]: number 1e400 is too large"},
		{"number as an id", "", `{"userId":1e400}`, "userId: number 1e400 is too large"},
		{"number of 309 digits", "", `{"properties":{"n":2` + strings.Repeat("0", 308) + `}}`, "properties.n: number 2" + strings.Repeat("0", 63) + "… is too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Payload{typ: tt.typ}
			_, err := p.ParseMessage([]byte(tt.raw))
			wantError(t, err, waymark.KindInvalid, tt.msg)
		})
	}
}

func TestParseMessageLargeFiniteNumbers(t *testing.T) {
	for _, n := range []string{"1.7976931348623157e308", "-1e308", "1" + strings.Repeat("0", 308), "1e-400", "0e999999", "123456789.123456789e-5"} {
		m := parse(t, `{"type":"track","event":"A","userId":"u","properties":{"revenue":`+n+`}}`)
		if err := m.Validate(); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}

func TestParseMessageErrorKeepsMessageID(t *testing.T) {
	var p Payload
	m, err := p.ParseMessage([]byte(`{"messageId":"m-1","userId":{}}`))
	if err == nil || m.MessageID != "m-1" {
		t.Errorf("got messageId %q, %v; want m-1 and an error", m.MessageID, err)
	}
}

func TestParseMessageNilPayload(t *testing.T) {
	var p *Payload
	m, err := p.ParseMessage([]byte(`{"type":"track","event":"A","userId":"u"}`))
	if err != nil || m.EventName != "A" {
		t.Errorf("got %+v, %v", m, err)
	}
}

// Strings that are kept for long are copied, not slices of the body, so a
// cached id does not pin a whole request in memory.
func TestParseMessageIDsDoNotShareTheBody(t *testing.T) {
	raw := []byte(`{"type":"track","event":"A","userId":"user-1","timestamp":"2024-01-01T00:00:00Z"}`)
	var p Payload
	m, err := p.ParseMessage(raw)
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		raw[i] = 'x'
	}
	if m.UserID != "user-1" || m.EventName != "A" || m.Timestamp != "2024-01-01T00:00:00Z" {
		t.Errorf("strings changed with the body: %q %q %q", m.UserID, m.EventName, m.Timestamp)
	}
}
