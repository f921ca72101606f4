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
		{"malformed JSON", "", `{"batch":[{"type":"track",}]}`, waymark.KindInvalid, `request body is not valid JSON: unexpected '}' at byte 26`},
		{"malformed single", waymark.Track, `{"event":"A" "userId":"u"}`, waymark.KindInvalid, `request body is not valid JSON: unexpected '"' at byte 13`},
		{"unterminated", waymark.Track, `{"event":"A`, waymark.KindInvalid, `request body is not valid JSON: unterminated string at byte 11`},
		{"invalid UTF-8", waymark.Track, "{\"event\":\"\xff\"}", waymark.KindInvalid, `request body is not valid JSON: invalid UTF-8 in string at byte 10`},
		{"trailing data", "", `{"batch":[]} {}`, waymark.KindInvalid, `request body is not valid JSON: unexpected '{' after the end of the JSON value at byte 13`},
		{"array body", "", `[{"type":"track"}]`, waymark.KindInvalid, "request body must be a JSON object"},
		{"string body", waymark.Track, `"track"`, waymark.KindInvalid, "request body must be a JSON object"},
		{"no batch", "", `{"writeKey":"wk"}`, waymark.KindInvalid, `request body has no "batch" array`},
		{"batch not an array", "", `{"batch":{"type":"track"}}`, waymark.KindInvalid, `"batch" must be an array of messages`},
		{"batch null", "", `{"batch":null}`, waymark.KindInvalid, `"batch" must be an array of messages`},
		{"writeKey not a string", "", `{"writeKey":1,"batch":[]}`, waymark.KindInvalid, `"writeKey" must be a string`},
		{"bad batch sentAt", "", `{"batch":[],"sentAt":"yesterday"}`, waymark.KindInvalid, `sentAt "yesterday" is not an ISO 8601 time`},
		{"batch context not an object", "", `{"batch":[],"context":[1]}`, waymark.KindInvalid, `batch "context" must be a JSON object`},
		{"batch integrations not an object", "", `{"batch":[],"integrations":"all"}`, waymark.KindInvalid, `batch "integrations" must be a JSON object`},
		{"type mismatch", waymark.Track, `{"type":"identify","userId":"u"}`, waymark.KindInvalid, `message type "identify" does not match the track endpoint`},
		{"unknown endpoint type", "pageview", `{}`, waymark.KindInvalid, `unknown message type "pageview"`},
		{"too many messages", "", manyMessages, waymark.KindTooLarge, "batch has more than 2500 messages"},
		{"body too large", "", `{"batch":[],"x":"` + strings.Repeat("a", MaxBatchBytes) + `"}`, waymark.KindTooLarge, "request body is 512019 bytes; the limit is 512000"},
		{"single message too large", waymark.Track, `{"event":"` + strings.Repeat("a", MaxMessageBytes) + `"}`, waymark.KindTooLarge, "message is 32780 bytes; the limit is 32768"},
		{"nested too deeply", "", `{"batch":[` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `]}`, waymark.KindInvalid, "request body is not valid JSON: JSON nested too deeply at byte 264"},
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

// A batch is refused whole only for its syntax; a message that is JSON but
// not a message is rejected on its own so the others are kept.
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
