package segment

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/waymark-analytics/waymark"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(b)
}

// wantError checks that err is a *waymark.Error of kind with exactly msg.
func wantError(t *testing.T, err error, kind waymark.Kind, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", msg)
	}
	if got := waymark.ErrorKind(err); got != kind {
		t.Errorf("kind = %v, want %v (error %q)", got, kind, err)
	}
	if got := waymark.ErrorMessage(err); got != msg {
		t.Errorf("message = %q\nwant      %q", got, msg)
	}
}

func TestDecodePayloadSingleMessage(t *testing.T) {
	tests := []struct {
		typ  waymark.MessageType
		body string
	}{
		{waymark.Track, `{"event":"Signed Up","userId":"u1","writeKey":"wk"}`},
		{waymark.Page, `{"type":"page","name":"Home","anonymousId":"a1","writeKey":"wk"}`},
		{waymark.Screen, `{"name":"Settings","anonymousId":"a1","writeKey":"wk"}`},
		{waymark.Identify, " \n{\"userId\":\"u1\",\"traits\":{\"plan\":\"pro\"},\"writeKey\":\"wk\"}\n"},
		{waymark.Group, `{"userId":"u1","groupId":"g1","writeKey":"wk"}`},
		{waymark.Alias, `{"userId":"u1","previousId":"a1","writeKey":"wk"}`},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ), func(t *testing.T) {
			p, err := DecodePayload([]byte(tt.body), tt.typ)
			if err != nil {
				t.Fatal(err)
			}
			if p.WriteKey != "wk" {
				t.Errorf("WriteKey = %q", p.WriteKey)
			}
			if len(p.Messages) != 1 || string(p.Messages[0]) != strings.TrimSpace(tt.body) {
				t.Fatalf("Messages = %q, want the body", p.Messages)
			}
			m, err := p.ParseMessage(p.Messages[0])
			if err != nil {
				t.Fatal(err)
			}
			if m.Type != tt.typ {
				t.Errorf("Type = %q, want the endpoint's %q", m.Type, tt.typ)
			}
			if err := m.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestDecodePayloadAnalyticsJS(t *testing.T) {
	p, err := DecodePayload(readFile(t, "analytics-js-page.json"), waymark.Page)
	if err != nil {
		t.Fatal(err)
	}
	if p.WriteKey != "wk_live_7Hq2mZ" || p.SentAt != "" || len(p.Messages) != 1 {
		t.Fatalf("got WriteKey %q, SentAt %q, %d messages", p.WriteKey, p.SentAt, len(p.Messages))
	}
	m, err := p.ParseMessage(p.Messages[0])
	if err != nil {
		t.Fatal(err)
	}
	if m.SentAt != "2024-05-14T10:21:33.130Z" {
		t.Errorf("SentAt = %q: a single message keeps its own", m.SentAt)
	}
}

func TestDecodePayloadBatch(t *testing.T) {
	p, err := DecodePayload(readFile(t, "analytics-js-batch.json"), "")
	if err != nil {
		t.Fatal(err)
	}
	if p.WriteKey != "wk_live_7Hq2mZ" {
		t.Errorf("WriteKey = %q", p.WriteKey)
	}
	if p.SentAt != "2024-05-14T10:21:45.000Z" {
		t.Errorf("SentAt = %q", p.SentAt)
	}
	if len(p.Messages) != 3 {
		t.Fatalf("%d messages, want 3", len(p.Messages))
	}
	for i, want := range []waymark.MessageType{waymark.Page, waymark.Track, waymark.Identify} {
		var probe struct{ Type waymark.MessageType }
		if err := json.Unmarshal(p.Messages[i], &probe); err != nil {
			t.Fatalf("message %d is not the JSON it was: %v", i, err)
		}
		m, err := p.ParseMessage(p.Messages[i])
		if err != nil {
			t.Fatal(err)
		}
		if m.Type != want || probe.Type != want {
			t.Errorf("message %d type = %q, want %q", i, m.Type, want)
		}
		if m.SentAt != p.SentAt {
			t.Errorf("message %d SentAt = %q, want the batch's", i, m.SentAt)
		}
	}
}

func TestDecodePayloadBatchDefaults(t *testing.T) {
	body := `{
		"batch": [
			{"type":"track","event":"A","userId":"u"},
			{"type":"track","event":"B","userId":"u","sentAt":"2024-01-01T00:00:09Z","context":{"ip":"10.0.0.1"},"integrations":{"All":false}},
			{"type":"track","event":"C","userId":"u","context":null}
		],
		"sentAt": "2024-01-01T00:00:10Z",
		"context": {"library":{"name":"analytics-go","version":"3.0.0"},"ip":"192.0.2.1"},
		"integrations": {"Amplitude": false},
		"messageId": "batch-level ids are ignored"
	}`
	p, err := DecodePayload([]byte(body), "")
	if err != nil {
		t.Fatal(err)
	}
	if string(p.Context) != `{"library":{"name":"analytics-go","version":"3.0.0"},"ip":"192.0.2.1"}` {
		t.Errorf("Context = %s", p.Context)
	}
	if string(p.Integrations) != `{"Amplitude": false}` {
		t.Errorf("Integrations = %s", p.Integrations)
	}
	tests := []struct {
		sentAt, context, integrations, ip, library string
	}{
		{"2024-01-01T00:00:10Z", string(p.Context), `{"Amplitude": false}`, "192.0.2.1", "analytics-go"},
		// Its own fields win; the library, which the timestamp rule needs, still comes from the batch.
		{"2024-01-01T00:00:09Z", `{"ip":"10.0.0.1"}`, `{"All":false}`, "10.0.0.1", "analytics-go"},
		{"2024-01-01T00:00:10Z", string(p.Context), `{"Amplitude": false}`, "192.0.2.1", "analytics-go"},
	}
	for i, tt := range tests {
		m, err := p.ParseMessage(p.Messages[i])
		if err != nil {
			t.Fatal(err)
		}
		if m.SentAt != tt.sentAt || string(m.Context) != tt.context || string(m.Integrations) != tt.integrations {
			t.Errorf("message %d: sentAt %q context %s integrations %s\nwant %q %s %s", i, m.SentAt, m.Context, m.Integrations, tt.sentAt, tt.context, tt.integrations)
		}
		if c := m.ContextInfo(); c.IP != tt.ip || c.LibraryName != tt.library {
			t.Errorf("message %d: ContextInfo ip %q library %q, want %q %q", i, c.IP, c.LibraryName, tt.ip, tt.library)
		}
	}
}

func TestDecodePayloadAnalyticsGo(t *testing.T) {
	// A body as gopkg.in/segmentio/analytics-go.v3 v3.1.0 sent it.
	p, err := DecodePayload(readFile(t, "analytics-go-batch.json"), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Messages) != 6 || p.SentAt == "" || p.WriteKey != "" {
		t.Fatalf("%d messages, sentAt %q, writeKey %q", len(p.Messages), p.SentAt, p.WriteKey)
	}
	for i, raw := range p.Messages {
		m, err := p.ParseMessage(raw)
		if err == nil {
			err = m.Validate()
		}
		if err != nil {
			t.Errorf("message %d: %v", i, err)
		}
		if m.ContextInfo().LibraryName != "analytics-go" {
			t.Errorf("message %d: library %q", i, m.ContextInfo().LibraryName)
		}
	}
}

func TestDecodePayloadErrors(t *testing.T) {
	manyMessages := `{"batch":[` + strings.Repeat(`{},`, MaxBatchMessages) + `{}]}`
	tests := []struct {
		name string
		typ  waymark.MessageType
		body string
		kind waymark.Kind
		msg  string
	}{
		{"empty body", "", ``, waymark.KindInvalid, "request body is not valid JSON: unexpected end of JSON at byte 0"},
		{"members not told apart", "", `{"batch":[] "writeKey":"wk"}`, waymark.KindInvalid, `request body is not valid JSON: unexpected '"' at byte 12`},
		{"single message's members not told apart", waymark.Track, `{"event":"A" "userId":"u"}`, waymark.KindInvalid, `request body is not valid JSON: unexpected '"' at byte 13`},
		{"unterminated", waymark.Track, `{"event":"A`, waymark.KindInvalid, `request body is not valid JSON: unterminated string at byte 11`},
		{"unterminated in a broken single message", waymark.Track, "{\"properties\":{\"a\":\"\xff}}", waymark.KindInvalid, `request body is not valid JSON: unterminated string at byte 23`},
		{"truncated batch", "", `{"batch":[{"type":"track","event":"A"`, waymark.KindInvalid, `request body is not valid JSON: unexpected end of JSON at byte 37`},
		{"truncated in a broken message", "", "{\"batch\":[{\"event\":\"\xff\",\"properties\":{\"a\":[1,2", waymark.KindInvalid, `request body is not valid JSON: unexpected end of JSON at byte 45`},
		{"brackets that do not pair", "", `{"batch":[{"type":"track","properties":{"a":[1}},{}]}`, waymark.KindInvalid, `request body is not valid JSON: unexpected '}' at byte 46`},
		{"unterminated string in a message", "", `{"batch":[{"event":"A}]}`, waymark.KindInvalid, `request body is not valid JSON: unterminated string at byte 24`},
		{"messages not told apart", "", `{"batch":[{} {}]}`, waymark.KindInvalid, `request body is not valid JSON: unexpected '{' at byte 13`},
		{"no message between commas", "", `{"batch":[{},,{}]}`, waymark.KindInvalid, `request body is not valid JSON: unexpected ',' at byte 13`},
		{"trailing data", "", `{"batch":[]} {}`, waymark.KindInvalid, `request body is not valid JSON: unexpected '{' after the end of the JSON value at byte 13`},
		{"array body", "", `[{"type":"track"}]`, waymark.KindInvalid, "request body must be a JSON object"},
		{"string body", waymark.Track, `"track"`, waymark.KindInvalid, "request body must be a JSON object"},
		{"no batch", "", `{"writeKey":"wk"}`, waymark.KindInvalid, `request body has no "batch" array`},
		{"batch not an array", "", `{"batch":{"type":"track"}}`, waymark.KindInvalid, `"batch" must be an array of messages`},
		{"batch null", "", `{"batch":null}`, waymark.KindInvalid, `"batch" must be an array of messages`},
		{"writeKey not a string", "", `{"writeKey":1,"batch":[]}`, waymark.KindInvalid, `"writeKey" must be a string`},
		{"type mismatch", waymark.Track, `{"type":"identify","userId":"u"}`, waymark.KindInvalid, `message type "identify" does not match the track endpoint`},
		{"unknown endpoint type", "pageview", `{}`, waymark.KindInvalid, `unknown message type "pageview"`},
		{"too many messages", "", manyMessages, waymark.KindTooLarge, "batch has more than 2500 messages"},
		{"body too large", "", `{"batch":[],"x":"` + strings.Repeat("a", MaxBatchBytes) + `"}`, waymark.KindTooLarge, "request body is 512019 bytes; the limit is 512000"},
		{"single message too large", waymark.Track, `{"event":"` + strings.Repeat("a", MaxMessageBytes) + `"}`, waymark.KindTooLarge, "message is 32780 bytes; the limit is 32768"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := DecodePayload([]byte(tt.body), tt.typ)
			wantError(t, err, tt.kind, tt.msg)
			if p.Messages != nil {
				t.Errorf("Messages = %d on error", len(p.Messages))
			}
		})
	}
}

func TestDecodePayloadLimitsAreInclusive(t *testing.T) {
	body := `{"batch":[` + strings.Repeat(`{},`, MaxBatchMessages-1) + `{}]}`
	p, err := DecodePayload([]byte(body), "")
	if err != nil || len(p.Messages) != MaxBatchMessages {
		t.Errorf("%d messages: %d, %v", MaxBatchMessages, len(p.Messages), err)
	}
	body = `{"batch":[],"x":"` + strings.Repeat("a", MaxBatchBytes-19) + `"}`
	if len(body) != MaxBatchBytes {
		t.Fatalf("test body is %d bytes", len(body))
	}
	if _, err := DecodePayload([]byte(body), ""); err != nil {
		t.Errorf("body of exactly MaxBatchBytes: %v", err)
	}
}

// A message that is JSON but not a message object is rejected on its own,
// so the others are kept.
func TestDecodePayloadKeepsBadMessagesForParse(t *testing.T) {
	p, err := DecodePayload([]byte(`{"batch":[null,[1],{"type":"track","event":"A","userId":"u"}]}`), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Messages) != 3 {
		t.Fatalf("%d messages", len(p.Messages))
	}
	for _, raw := range p.Messages[:2] {
		_, err := p.ParseMessage(raw)
		wantError(t, err, waymark.KindInvalid, "message must be a JSON object")
	}
	if _, err := p.ParseMessage(p.Messages[2]); err != nil {
		t.Error(err)
	}
}

func TestDecodePayloadEmptyBatch(t *testing.T) {
	p, err := DecodePayload([]byte(`{"batch":[ ]}`), "")
	if err != nil || len(p.Messages) != 0 {
		t.Errorf("got %d messages, %v", len(p.Messages), err)
	}
}

// One broken message never costs its neighbours: DecodePayload finds where
// it ends, ParseMessage (or Validate) rejects it alone, and the others are
// read as if it were not there. A batch-level field that cannot be used
// rejects only the messages that would take it.
func TestDecodePayloadBadMessageAlone(t *testing.T) {
	const (
		ok1 = `{"type":"track","event":"A","userId":"u"}`
		ok2 = `{"type":"identify","userId":"u","traits":{"plan":"pro"}}`
	)
	batch := func(bad string) string { return `{"batch":[` + ok1 + `,` + bad + `,` + ok2 + `]}` }
	deep := `{"type":"track","event":"A","userId":"u","properties":` + strings.Repeat(`{"a":`, 299) + `1` + strings.Repeat(`}`, 299) + `}`
	tests := []struct {
		name string
		body string
		want []string // each message's reason, "" for valid
	}{
		{"invalid UTF-8 in a key", batch("{\"type\":\"track\",\"ev\xe9nt\":\"A\",\"userId\":\"u\"}"),
			[]string{"", "message is not valid JSON: invalid UTF-8 in string at byte 19", ""}},
		{"invalid UTF-8 in a value", batch("{\"type\":\"track\",\"event\":\"Caf\xe9\",\"userId\":\"u\"}"),
			[]string{"", "message is not valid JSON: invalid UTF-8 in string at byte 28", ""}},
		{"invalid UTF-8 in a nested property", batch("{\"type\":\"track\",\"event\":\"A\",\"userId\":\"u\",\"properties\":{\"items\":[{\"name\":\"\xc3(\"}]}}"),
			[]string{"", "message is not valid JSON: invalid UTF-8 in string at byte 73", ""}},
		{"nested 300 levels deep", batch(deep), []string{"", "message is nested more than 256 levels deep", ""}},
		{"nested 256 levels deep is fine", batch(`{"type":"track","event":"A","userId":"u","properties":` + strings.Repeat(`[`, 255) + strings.Repeat(`]`, 255) + `}`),
			[]string{"", `"properties" must be a JSON object`, ""}},
		{"syntax error inside", batch(`{"type":"track","event":"A",}`), []string{"", "message is not valid JSON: unexpected '}' at byte 28", ""}},
		{"control character", batch("{\"type\":\"track\",\"event\":\"a\tb\"}"), []string{"", "message is not valid JSON: control character in string at byte 26", ""}},
		{"broken literal", batch(`tru`), []string{"", "message is not valid JSON: invalid literal at byte 0", ""}},
		{"number too large", batch(`{"type":"track","event":"A","userId":"u","properties":{"revenue":1e400}}`), []string{"", "properties.revenue: number 1e400 is too large", ""}},
		{"each of several", "{\"batch\":[\"\xff\"," + ok1 + `,` + deep + `,{"a":}]}`,
			[]string{"message is not valid JSON: invalid UTF-8 in string at byte 1", "", "message is nested more than 256 levels deep", "message is not valid JSON: unexpected '}' at byte 5"}},

		// The batch's context applies to messages without one, and its library
		// name to messages whose context names none.
		{"batch context with invalid UTF-8",
			"{\"context\":{\"page\":{\"title\":\"Caf\xe9\"}},\"batch\":[" + ok1 + `,{"type":"track","event":"A","userId":"u","context":{"library":{"name":"analytics-go"}}},{"type":"track","event":"A","userId":"u","context":{"ip":"192.0.2.1"}}]}`,
			[]string{`batch "context" is not valid JSON: invalid UTF-8 in string at byte 32`, "", `batch "context" is not valid JSON: invalid UTF-8 in string at byte 32`}},
		{"batch context nested too deeply", `{"context":{"x":` + strings.Repeat(`[`, 300) + strings.Repeat(`]`, 300) + `},"batch":[` + ok1 + `]}`,
			[]string{`batch "context" is nested more than 256 levels deep`}},
		{"batch context with a number too large", `{"context":{"screen":{"width":1e400}},"batch":[` + ok1 + `]}`,
			[]string{`batch context.screen.width: number 1e400 is too large`}},
		{"batch context not an object", `{"context":[1],"batch":[` + ok1 + `,{"type":"track","event":"A","userId":"u","context":{"library":{"name":"x"}}}]}`,
			[]string{`batch "context" must be a JSON object`, ""}},
		{"batch integrations broken", `{"integrations":{"All":tru},"batch":[` + ok1 + `,{"type":"track","event":"A","userId":"u","integrations":{}}]}`,
			[]string{`batch "integrations" is not valid JSON: invalid literal at byte 23`, ""}},
		{"batch integrations not an object", `{"integrations":"all","batch":[` + ok1 + `,{"type":"track","event":"A","userId":"u","integrations":{}}]}`,
			[]string{`batch "integrations" must be a JSON object`, ""}},
		{"batch sentAt Go's zero time", `{"sentAt":"0001-01-01T00:00:00Z","batch":[` + ok1 + `,{"type":"track","event":"A","userId":"u","sentAt":"2024-01-01T00:00:00Z"}]}`,
			[]string{`batch sentAt "0001-01-01T00:00:00Z" is not a real time: send the time it was sent or leave it out`, ""}},
		{"batch sentAt not a time", `{"sentAt":"yesterday","batch":[` + ok1 + `,{"type":"track","event":"A","userId":"u","sentAt":"2024-01-01T00:00:00Z"}]}`,
			[]string{`batch sentAt "yesterday" is not an ISO 8601 time`, ""}},
		{"batch sentAt not a string", `{"sentAt":1715682093,"batch":[` + ok1 + `]}`, []string{`batch "sentAt" must be a string`}},
		{"batch sentAt with invalid UTF-8", "{\"sentAt\":\"2024-01-01\xff\",\"batch\":[" + ok1 + `]}`,
			[]string{`batch "sentAt" is not valid JSON: invalid UTF-8 in string at byte 21`}},
		{"broken batch-level field Waymark does not read", "{\"_metadata\":[\"\xff\",{\"a\":}],\"batch\":[" + ok1 + `]}`, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := DecodePayload([]byte(tt.body), "")
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Messages) != len(tt.want) {
				t.Fatalf("%d messages, want %d: %q", len(p.Messages), len(tt.want), p.Messages)
			}
			for i, want := range tt.want {
				m, err := p.ParseMessage(p.Messages[i])
				if err == nil {
					err = m.Validate()
				}
				switch {
				case want == "" && err != nil:
					t.Errorf("message %d: %v", i, err)
				case want != "":
					wantError(t, err, waymark.KindInvalid, want)
				}
			}
		})
	}
}

// A single-message body broken inside is still the message, to be rejected
// like any invalid one; its writeKey, which analytics.js puts last, is found
// past the broken part.
func TestDecodePayloadBadSingleMessage(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"invalid UTF-8 in a value", "{\"event\":\"Caf\xe9\",\"userId\":\"u\",\"writeKey\":\"wk\"}", "message is not valid JSON: invalid UTF-8 in string at byte 13"},
		{"invalid UTF-8 in a key", "{\"event\":\"A\",\"\xff\":1,\"userId\":\"u\",\"writeKey\":\"wk\"}", "message is not valid JSON: invalid UTF-8 in string at byte 14"},
		{"invalid UTF-8 in the type", "{\"type\":\"tr\xffck\",\"event\":\"A\",\"writeKey\":\"wk\"}", "message is not valid JSON: invalid UTF-8 in string at byte 11"},
		{"nested 300 levels deep", `{"event":"A","userId":"u","properties":` + strings.Repeat(`{"a":`, 299) + `1` + strings.Repeat(`}`, 299) + `,"writeKey":"wk"}`, "message is nested more than 256 levels deep"},
		{"syntax error in a property", `{"event":"A","userId":"u","properties":{"a":[1,]},"writeKey":"wk"}`, "message is not valid JSON: unexpected ']' at byte 47"},
		{"number too large", `{"event":"A","userId":"u","properties":{"revenue":1e400},"writeKey":"wk"}`, "properties.revenue: number 1e400 is too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := DecodePayload([]byte(tt.body), waymark.Track)
			if err != nil {
				t.Fatal(err)
			}
			if p.WriteKey != "wk" || len(p.Messages) != 1 || string(p.Messages[0]) != tt.body {
				t.Fatalf("WriteKey %q, Messages %q; want wk and the body", p.WriteKey, p.Messages)
			}
			_, err = p.ParseMessage(p.Messages[0])
			wantError(t, err, waymark.KindInvalid, tt.want)
		})
	}
}
