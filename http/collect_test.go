package http_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/ingest"
	"github.com/waymark-analytics/waymark/segment"
)

// acceptedOne is the whole answer to a request whose one message was stored.
const acceptedOne = `{"success":true,"accepted":1,"duplicates":0,"rejected":[]}` + "\n"

func TestIngestEndpoints(t *testing.T) {
	s := newServer(t)
	tests := []struct {
		paths []string // long form first, then analytics.js's short form
		typ   waymark.MessageType
		body  string // %q is the messageId
	}{
		{[]string{"/v1/track", "/v1/t"}, waymark.Track, `{"messageId":%q,"userId":"ada","event":"Signed Up","properties":{"plan":"pro"}}`},
		{[]string{"/v1/identify", "/v1/i"}, waymark.Identify, `{"messageId":%q,"userId":"ada","traits":{"email":"ada@example.com"}}`},
		{[]string{"/v1/page", "/v1/p"}, waymark.Page, `{"messageId":%q,"anonymousId":"anon-1","name":"Home","properties":{"url":"https://example.com/"}}`},
		{[]string{"/v1/screen", "/v1/s"}, waymark.Screen, `{"messageId":%q,"userId":"ada","name":"Settings"}`},
		{[]string{"/v1/group", "/v1/g"}, waymark.Group, `{"messageId":%q,"userId":"ada","groupId":"acme"}`},
		{[]string{"/v1/alias", "/v1/a"}, waymark.Alias, `{"messageId":%q,"userId":"ada","previousId":"anon-1"}`},
		{[]string{"/v1/batch", "/v1/b"}, waymark.Track, `{"batch":[{"type":"track","messageId":%q,"userId":"ada","event":"Order Completed"}]}`},
		{[]string{"/v1/import"}, waymark.Page, `{"batch":[{"type":"page","messageId":%q,"userId":"ada","name":"Pricing"}]}`},
		// A single-message body may name its type, if it is the endpoint's.
		{[]string{"/v1/t"}, waymark.Track, `{"type":"track","messageId":%q,"userId":"ada","event":"Typed"}`},
	}
	for i, tt := range tests {
		for _, path := range tt.paths {
			t.Run(path, func(t *testing.T) {
				id := fmt.Sprintf("msg-%d%s", i, strings.ReplaceAll(path, "/", "-"))
				a := s.post(t, path, fmt.Sprintf(tt.body, id))
				if a.status != http.StatusOK || string(a.body) != acceptedOne {
					t.Fatalf("POST %s = %d %q, want 200 %q", path, a.status, a.body, acceptedOne)
				}
				if ct := a.header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type %q, want application/json", ct)
				}
				if e := s.event(t, id); e.Type != tt.typ {
					t.Errorf("stored type %q, want %q", e.Type, tt.typ)
				}
			})
		}
	}
	t.Run("GET is not allowed", func(t *testing.T) {
		if a := s.do(t, "GET", "/v1/track", nil); a.status != http.StatusMethodNotAllowed {
			t.Errorf("GET /v1/track = %d, want 405", a.status)
		}
	})
	t.Run("unknown endpoint", func(t *testing.T) {
		if a := s.post(t, "/v1/im", `{"batch":[]}`); a.status != http.StatusNotFound {
			t.Errorf("POST /v1/im = %d, want 404", a.status)
		}
	})
}

func TestIngestAuth(t *testing.T) {
	s := newServer(t)
	noAuth := func(*http.Request) {}
	textPlain := header("Content-Type", "text/plain") // analytics.js avoids a CORS preflight with it
	tests := []struct {
		name    string
		path    string
		body    string // %q is the messageId
		setup   func(*http.Request)
		status  int
		message string // the error of a refused request
	}{
		{"basic auth user with colon", "/v1/track", `{"messageId":%q,"userId":"ada","event":"E"}`, basicAuth(writeKey + ":"), 200, ""},
		{"basic auth user without colon", "/v1/track", `{"messageId":%q,"userId":"ada","event":"E"}`, basicAuth(writeKey), 200, ""},
		{"basic auth password ignored", "/v1/track", `{"messageId":%q,"userId":"ada","event":"E"}`, basicAuth(writeKey + ":anything"), 200, ""},
		{"writeKey in text/plain body", "/v1/t", `{"writeKey":"` + writeKey + `","messageId":%q,"anonymousId":"anon-1","event":"E"}`, textPlain, 200, ""},
		{"writeKey in text/plain batch body", "/v1/b", `{"writeKey":"` + writeKey + `","batch":[{"type":"track","messageId":%q,"anonymousId":"anon-1","event":"E"}]}`, textPlain, 200, ""},
		{"basic auth wins over body", "/v1/track", `{"writeKey":"wk_wrong","messageId":%q,"userId":"ada","event":"E"}`, basicAuth(writeKey + ":"), 200, ""},
		{"wrong key in basic auth", "/v1/track", `{"messageId":%q,"userId":"ada","event":"E"}`, basicAuth("wk_wrong:"), 401, "unknown write key"},
		{"wrong key in basic auth, right one in body", "/v1/track", `{"writeKey":"` + writeKey + `","messageId":%q,"userId":"ada","event":"E"}`, basicAuth("wk_wrong:"), 401, "unknown write key"},
		{"wrong key in body", "/v1/t", `{"writeKey":"wk_wrong","messageId":%q,"userId":"ada","event":"E"}`, textPlain, 401, "unknown write key"},
		{"read key is no write key", "/v1/track", `{"messageId":%q,"userId":"ada","event":"E"}`, basicAuth(readKey + ":"), 401, "unknown write key"},
		{"bearer is not read", "/v1/track", `{"messageId":%q,"userId":"ada","event":"E"}`, bearer(writeKey), 401, "a write key is required: send it as the basic-auth user or as writeKey in the body"},
		{"no key", "/v1/track", `{"messageId":%q,"userId":"ada","event":"E"}`, noAuth, 401, "a write key is required: send it as the basic-auth user or as writeKey in the body"},
		{"no key in a batch", "/v1/batch", `{"batch":[{"type":"track","messageId":%q,"userId":"ada","event":"E"}]}`, noAuth, 401, "a write key is required: send it as the basic-auth user or as writeKey in the body"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := fmt.Sprintf("auth-%d", i)
			a := s.post(t, tt.path, fmt.Sprintf(tt.body, id), tt.setup)
			if a.status != tt.status {
				t.Fatalf("POST %s = %d %s, want %d", tt.path, a.status, a.body, tt.status)
			}
			stored := slices.ContainsFunc(s.events(t), func(e segment.Exported) bool { return e.MessageID == id })
			if tt.status == http.StatusOK {
				if string(a.body) != acceptedOne {
					t.Errorf("answer %q, want %q", a.body, acceptedOne)
				}
				if !stored {
					t.Errorf("accepted event %s is not stored", id)
				}
				return
			}
			if got := a.errorMessage(t); got != tt.message {
				t.Errorf("error %q, want %q", got, tt.message)
			}
			if stored {
				t.Errorf("refused event %s is stored", id)
			}
		})
	}
}

// padded is a track message whose properties make it about size bytes.
func padded(size int) string {
	return `{"type":"track","userId":"ada","event":"Padded","properties":{"pad":"` + strings.Repeat("x", size) + `"}}`
}

// batchOfSize is a valid batch body of exactly size bytes, and the number
// of messages in it.
func batchOfSize(size int) (body string, messages int) {
	msg := padded(20 << 10)
	var b strings.Builder
	b.WriteString(`{"batch":[`)
	for ; b.Len()+len(msg)+10 < size; messages++ {
		if messages > 0 {
			b.WriteByte(',')
		}
		b.WriteString(msg)
	}
	b.WriteString(`]}`)
	b.WriteString(strings.Repeat(" ", size-b.Len()))
	return b.String(), messages
}

// nested is a track message of objects nested levels deep, counting the
// message itself.
func nested(levels int) string {
	properties := strings.Repeat(`{"a":`, levels-2) + "{}" + strings.Repeat("}", levels-2)
	return `{"userId":"ada","event":"Deep","properties":` + properties + `}`
}

// batchOf is a batch of n small valid messages.
func batchOf(n int) string {
	msgs := make([]string, n)
	for i := range msgs {
		msgs[i] = `{"type":"track","userId":"ada","event":"E"}`
	}
	return `{"batch":[` + strings.Join(msgs, ",") + `]}`
}

func TestIngestBodies(t *testing.T) {
	s := newServer(t)
	const tooLarge = "request body is larger than 500 KB; send at most 500 KB and 2,500 events per batch"
	big := `{"userId":"ada","event":"Big","properties":{"pad":"` + strings.Repeat("x", 600<<10) + `"}}`
	gz := header("Content-Encoding", "gzip")
	validGzip := gzipped(t, `{"userId":"ada","event":"Compressed"}`).Bytes()
	atLimit, atLimitMessages := batchOfSize(segment.MaxBatchBytes)
	overLimit, _ := batchOfSize(segment.MaxBatchBytes + 1)
	tests := []struct {
		name     string
		path     string
		body     []byte
		gzip     bool
		status   int
		accepted int
		message  string // the error, or the start of it when it ends in "..."
	}{
		{name: "gzip", path: "/v1/track", body: validGzip, gzip: true, status: 200, accepted: 1},
		{name: "gzip batch", path: "/v1/b", body: gzipped(t, batchOf(3)).Bytes(), gzip: true, status: 200, accepted: 3},
		{name: "bad gzip", path: "/v1/track", body: []byte(`{"userId":"ada","event":"Plain"}`), gzip: true, status: 400, message: "body is not valid gzip: gzip: invalid header"},
		{name: "truncated gzip", path: "/v1/track", body: validGzip[:len(validGzip)-10], gzip: true, status: 400, message: "reading body: unexpected EOF"},
		{name: "body over 500 KB", path: "/v1/track", body: []byte(big), status: 413, message: tooLarge},
		{name: "gzip body over 500 KB decoded", path: "/v1/track", body: gzipped(t, big).Bytes(), gzip: true, status: 413, message: tooLarge},
		{name: "batch of exactly 500 KB", path: "/v1/batch", body: []byte(atLimit), status: 200, accepted: atLimitMessages},
		{name: "batch of 500 KB and a byte", path: "/v1/batch", body: []byte(overLimit), status: 413, message: tooLarge},
		{name: "gzip batch of 500 KB and a byte decoded", path: "/v1/batch", body: gzipped(t, overLimit).Bytes(), gzip: true, status: 413, message: tooLarge},
		{name: "2,500 messages", path: "/v1/batch", body: []byte(batchOf(2500)), status: 200, accepted: 2500},
		{name: "2,501 messages", path: "/v1/batch", body: []byte(batchOf(2501)), status: 413, message: "batch has more than 2500 messages"},
		{name: "single message over 32 KB", path: "/v1/track", body: []byte(padded(32 << 10)), status: 413, message: fmt.Sprintf("message is %d bytes; the limit is 32768", len(padded(32<<10)))},
		{name: "not JSON", path: "/v1/track", body: []byte(`userId=ada`), status: 400, message: "request body is not valid JSON: ..."},
		{name: "not an object", path: "/v1/track", body: []byte(`[{"userId":"ada","event":"E"}]`), status: 400, message: "request body must be a JSON object"},
		{name: "batch body without batch", path: "/v1/batch", body: []byte(`{"userId":"ada","event":"E"}`), status: 400, message: `request body has no "batch" array`},
		{name: "batch not an array", path: "/v1/batch", body: []byte(`{"batch":{"userId":"ada"}}`), status: 400, message: `"batch" must be an array of messages`},
		{name: "broken JSON in a batch", path: "/v1/batch", body: []byte(`{"batch":[{"type":"track","userId":"ada","event":"E"},{"type":]}`), status: 400, message: "request body is not valid JSON: ..."},
		{name: "type of another endpoint", path: "/v1/track", body: []byte(`{"type":"page","userId":"ada","name":"Home"}`), status: 400, message: `message type "page" does not match the track endpoint`},
		{name: "empty batch", path: "/v1/batch", body: []byte(`{"batch":[]}`), status: 200, accepted: 0},
		{name: "nested 256 levels", path: "/v1/track", body: []byte(nested(256)), status: 200, accepted: 1},
		{name: "brackets that do not pair", path: "/v1/batch", body: []byte(`{"batch":[{"type":"track","userId":"ada","event":"E","properties":{"a":[}},{}]}`), status: 400, message: "request body is not valid JSON: unexpected '}' at byte 72"},
		{name: "truncated batch", path: "/v1/batch", body: []byte(`{"batch":[{"type":"track","userId":"ada","event":"E"},{"type":"track","userId":"a`), status: 400, message: "request body is not valid JSON: unterminated string at byte 81"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup := []func(*http.Request){basicAuth(writeKey + ":")}
			if tt.gzip {
				setup = append(setup, gz)
			}
			before := len(s.events(t))
			a := s.do(t, "POST", tt.path, bytes.NewReader(tt.body), setup...)
			if a.status != tt.status {
				t.Fatalf("POST %s = %d %.300s, want %d", tt.path, a.status, a.body, tt.status)
			}
			stored := len(s.events(t)) - before
			if tt.status != http.StatusOK {
				got := a.errorMessage(t)
				if prefix, ok := strings.CutSuffix(tt.message, "..."); ok && strings.HasPrefix(got, prefix) {
					got = tt.message
				}
				if got != tt.message {
					t.Errorf("error %q, want %q", got, tt.message)
				}
				if stored != 0 {
					t.Errorf("a refused request stored %d events", stored)
				}
				return
			}
			got := a.ingest(t)
			if !got.Success || got.Accepted != tt.accepted || got.Duplicates != 0 || len(got.Rejected) != 0 {
				t.Errorf("answer %s, want %d accepted and nothing else", a.body, tt.accepted)
			}
			if stored != tt.accepted {
				t.Errorf("%d events stored, want %d", stored, tt.accepted)
			}
		})
	}
}

func TestIngestRejects(t *testing.T) {
	s := newServer(t)
	bigMessage := `{"type":"track","messageId":"bad-6","userId":"ada","event":"Big","properties":{"pad":"` + strings.Repeat("x", 32<<10) + `"}}`
	messages := []string{
		`{"type":"track","messageId":"ok-1","userId":"ada","event":"Signed Up"}`,
		`{"type":"track","messageId":"bad-1","userId":"ada"}`,
		`{"type":"identify","messageId":"bad-2","traits":{"plan":"pro"}}`,
		`{"type":"track","messageId":"ok-2","anonymousId":"anon-9","event":"Viewed"}`,
		`42`,
		`{"type":"track","messageId":"bad-3","userId":"ada","event":"E","timestamp":"yesterday"}`,
		`{"type":"bogus","messageId":"bad-4","userId":"ada"}`,
		`{"messageId":"bad-5","userId":"ada","event":"E"}`,
		bigMessage,
		`{"type":"track","messageId":"bad-7","userId":"ada","event":"E","properties":[1]}`,
		`{"type":"alias","messageId":"bad-8","userId":"ada"}`,
		`{"type":"group","messageId":"bad-9","userId":"ada"}`,
		`{"type":"track","messageId":"bad-10","userId":{"id":1},"event":"E"}`,
	}
	want := []ingest.Rejected{
		{Index: 1, MessageID: "bad-1", Reason: `track call requires "event"`},
		{Index: 2, MessageID: "bad-2", Reason: "userId or anonymousId is required"},
		{Index: 4, Reason: "message must be a JSON object"},
		{Index: 5, MessageID: "bad-3", Reason: `timestamp "yesterday" is not an ISO 8601 time`},
		{Index: 6, MessageID: "bad-4", Reason: `type "bogus" is not one of track, page, screen, identify, group, alias`},
		{Index: 7, MessageID: "bad-5", Reason: `"type" is required`},
		{Index: 8, MessageID: "bad-6", Reason: fmt.Sprintf("message is %d bytes; the limit is 32768", len(bigMessage))},
		{Index: 9, MessageID: "bad-7", Reason: `"properties" must be a JSON object`},
		{Index: 10, MessageID: "bad-8", Reason: `alias call requires "previousId"`},
		{Index: 11, MessageID: "bad-9", Reason: `group call requires "groupId"`},
		{Index: 12, MessageID: "bad-10", Reason: `"userId" must be a string or a number`},
	}
	a := s.post(t, "/v1/batch", `{"batch":[`+strings.Join(messages, ",")+`]}`)
	if a.status != http.StatusOK {
		t.Fatalf("POST /v1/batch = %d %s, want 200", a.status, a.body)
	}
	got := a.ingest(t)
	if !got.Success || got.Accepted != 2 || got.Duplicates != 0 {
		t.Errorf("answer %s, want success, 2 accepted, 0 duplicates", a.body)
	}
	if len(got.Rejected) != len(want) {
		t.Fatalf("rejected %+v, want %+v", got.Rejected, want)
	}
	for i, w := range want {
		if g := got.Rejected[i]; g != w {
			t.Errorf("rejected[%d] = %+v, want %+v", i, got.Rejected[i], w)
		}
	}

	var ids []string
	for _, e := range s.events(t) {
		ids = append(ids, e.MessageID)
	}
	if !slices.Equal(ids, []string{"ok-1", "ok-2"}) && !slices.Equal(ids, []string{"ok-2", "ok-1"}) {
		t.Errorf("stored %q, want ok-1 and ok-2", ids)
	}

	// Every rejected message is a dead letter with its reason and itself.
	dead := s.rejections(t)
	if len(dead) != len(want) {
		t.Fatalf("%d dead letters, want %d", len(dead), len(want))
	}
	for _, w := range got.Rejected {
		i := slices.IndexFunc(dead, func(r waymark.Rejection) bool { return r.MessageID == w.MessageID && r.Reason == w.Reason })
		if i < 0 {
			t.Errorf("no dead letter for %+v", w)
			continue
		}
		r := dead[i]
		if string(r.Payload) != messages[w.Index] {
			t.Errorf("dead letter %q payload %.100s, want %.100s", r.MessageID, r.Payload, messages[w.Index])
		}
		if r.ProjectID != s.project.ID || r.ReceivedAt.IsZero() {
			t.Errorf("dead letter %q: project %q, received at %v", r.MessageID, r.ProjectID, r.ReceivedAt)
		}
	}

	// A single-message endpoint answers the same way.
	a = s.post(t, "/v1/t", `{"messageId":"bad-11","userId":"ada"}`)
	if want := `{"success":true,"accepted":0,"duplicates":0,"rejected":[{"index":0,"messageId":"bad-11","reason":"track call requires \"event\""}]}` + "\n"; a.status != http.StatusOK || string(a.body) != want {
		t.Errorf("POST /v1/t of an invalid message = %d %s, want 200 %s", a.status, a.body, want)
	}
	if n := len(s.rejections(t)); n != len(want)+1 {
		t.Errorf("%d dead letters after a rejected single message, want %d", n, len(want)+1)
	}
}

// One bad message never costs its neighbours: it is rejected alone and kept
// as a dead letter that every store can hold and export can write as JSON.
func TestIngestBadMessageAlone(t *testing.T) {
	s := newServer(t)
	textPlain := header("Content-Type", "text/plain")
	deep := func(id string) string {
		return `{"type":"track","messageId":"` + id + `","userId":"ada","event":"Deep","properties":` +
			strings.Repeat(`{"a":`, 299) + `1` + strings.Repeat(`}`, 299) + `}`
	}
	// batch is three messages whose middle one is bad; ids are prefix-1..3.
	batch := func(prefix, bad string) string {
		return `{"batch":[{"type":"track","messageId":"` + prefix + `-1","userId":"ada","event":"A"},` + bad +
			`,{"type":"identify","messageId":"` + prefix + `-3","userId":"ada","traits":{"plan":"pro"}}]}`
	}
	tests := []struct {
		name     string
		path     string
		body     string
		setup    []func(*http.Request)
		accepted []string
		rejected []ingest.Rejected
		// payload is the dead letter's payload, if the bad message is not
		// stored as it was sent.
		payload string
	}{
		{
			name:     "invalid UTF-8 in a batch",
			path:     "/v1/batch",
			body:     batch("utf8", "{\"type\":\"track\",\"messageId\":\"utf8-2\",\"userId\":\"ada\",\"event\":\"Caf\xe9\"}"),
			accepted: []string{"utf8-1", "utf8-3"},
			rejected: []ingest.Rejected{{Index: 1, MessageID: "utf8-2", Reason: "message is not valid JSON: invalid UTF-8 in string at byte 64"}},
			payload:  "{\"type\":\"track\",\"messageId\":\"utf8-2\",\"userId\":\"ada\",\"event\":\"Caf\uFFFD\"}",
		},
		{
			name:     "nested too deeply in a batch",
			path:     "/v1/b",
			body:     batch("deep", deep("deep-2")),
			accepted: []string{"deep-1", "deep-3"},
			rejected: []ingest.Rejected{{Index: 1, MessageID: "deep-2", Reason: "message is nested more than 256 levels deep"}},
		},
		{
			name:     "syntax error inside a message of a batch",
			path:     "/v1/batch",
			body:     batch("syntax", `{"type":"track","messageId":"syntax-2","userId":"ada","event":"A",}`),
			accepted: []string{"syntax-1", "syntax-3"},
			rejected: []ingest.Rejected{{Index: 1, MessageID: "syntax-2", Reason: "message is not valid JSON: unexpected '}' at byte 66"}},
		},
		{
			name:     "revenue too large",
			path:     "/v1/import",
			body:     batch("big", `{"type":"track","messageId":"big-2","userId":"ada","event":"Order Completed","properties":{"revenue":1e400}}`),
			accepted: []string{"big-1", "big-3"},
			rejected: []ingest.Rejected{{Index: 1, MessageID: "big-2", Reason: "properties.revenue: number 1e400 is too large"}},
		},
		{
			name:     "Go's zero time",
			path:     "/v1/batch",
			body:     batch("zero", `{"type":"track","messageId":"zero-2","userId":"ada","event":"A","timestamp":"0001-01-01T00:00:00Z"}`),
			accepted: []string{"zero-1", "zero-3"},
			rejected: []ingest.Rejected{{Index: 1, MessageID: "zero-2", Reason: `timestamp "0001-01-01T00:00:00Z" is not a real time: send the time of the event or leave it out`}},
		},
		{
			name: "batch context with invalid UTF-8 fails the messages that take it",
			path: "/v1/batch",
			body: "{\"context\":{\"page\":{\"title\":\"Caf\xe9\"}},\"batch\":[{\"type\":\"track\",\"messageId\":\"ctx-1\",\"userId\":\"ada\",\"event\":\"A\"}," +
				`{"type":"track","messageId":"ctx-2","userId":"ada","event":"A","context":{"library":{"name":"analytics-node"}}}]}`,
			accepted: []string{"ctx-2"},
			rejected: []ingest.Rejected{{Index: 0, MessageID: "ctx-1", Reason: `batch "context" is not valid JSON: invalid UTF-8 in string at byte 32`}},
		},
		{
			name: "batch sentAt of Go's zero time fails the messages that take it",
			path: "/v1/batch",
			body: `{"sentAt":"0001-01-01T00:00:00Z","batch":[{"type":"track","messageId":"sent-1","userId":"ada","event":"A"},` +
				`{"type":"track","messageId":"sent-2","userId":"ada","event":"A","sentAt":"2026-01-01T00:00:00Z"}]}`,
			accepted: []string{"sent-2"},
			rejected: []ingest.Rejected{{Index: 0, MessageID: "sent-1", Reason: `batch sentAt "0001-01-01T00:00:00Z" is not a real time: send the time it was sent or leave it out`}},
		},
		{
			name:     "invalid UTF-8 at /v1/track",
			path:     "/v1/track",
			body:     "{\"messageId\":\"single-1\",\"userId\":\"ada\",\"event\":\"\xff\"}",
			rejected: []ingest.Rejected{{Index: 0, MessageID: "single-1", Reason: "message is not valid JSON: invalid UTF-8 in string at byte 48"}},
			payload:  "{\"messageId\":\"single-1\",\"userId\":\"ada\",\"event\":\"\uFFFD\"}",
		},
		{
			name:     "nested too deeply at /v1/track",
			path:     "/v1/track",
			body:     strings.Replace(nested(257), `{`, `{"messageId":"single-2",`, 1),
			rejected: []ingest.Rejected{{Index: 0, MessageID: "single-2", Reason: "message is nested more than 256 levels deep"}},
		},
		{
			name:     "analytics.js text/plain body with invalid UTF-8 before its writeKey",
			path:     "/v1/t",
			body:     "{\"type\":\"track\",\"event\":\"\xc3\",\"messageId\":\"ajs-1\",\"anonymousId\":\"anon-1\",\"writeKey\":\"" + writeKey + "\"}",
			setup:    []func(*http.Request){textPlain},
			rejected: []ingest.Rejected{{Index: 0, Reason: "message is not valid JSON: invalid UTF-8 in string at byte 25"}},
			payload:  "{\"type\":\"track\",\"event\":\"\uFFFD\",\"messageId\":\"ajs-1\",\"anonymousId\":\"anon-1\",\"writeKey\":\"" + writeKey + "\"}",
		},
		{
			name:     "analytics.js text/plain batch with invalid UTF-8 before its writeKey",
			path:     "/v1/b",
			body:     strings.TrimSuffix(batch("ajsb", "{\"type\":\"track\",\"messageId\":\"ajsb-2\",\"anonymousId\":\"anon-1\",\"event\":\"\xed\xa0\x80\"}"), "}") + `,"writeKey":"` + writeKey + `"}`,
			setup:    []func(*http.Request){textPlain},
			accepted: []string{"ajsb-1", "ajsb-3"},
			rejected: []ingest.Rejected{{Index: 1, MessageID: "ajsb-2", Reason: "message is not valid JSON: invalid UTF-8 in string at byte 69"}},
		},
		{
			name:     "analytics.js text/plain body nested too deeply before its writeKey",
			path:     "/v1/t",
			body:     strings.TrimSuffix(deep("ajs-2"), "}") + `,"writeKey":"` + writeKey + `"}`,
			setup:    []func(*http.Request){textPlain},
			rejected: []ingest.Rejected{{Index: 0, MessageID: "ajs-2", Reason: "message is nested more than 256 levels deep"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deadBefore := len(s.rejections(t))
			a := s.post(t, tt.path, tt.body, tt.setup...)
			if a.status != http.StatusOK {
				t.Fatalf("POST %s = %d %.300s, want 200", tt.path, a.status, a.body)
			}
			got := a.ingest(t)
			if !got.Success || got.Accepted != len(tt.accepted) || got.Duplicates != 0 || !slices.Equal(got.Rejected, tt.rejected) {
				t.Errorf("answer %s\nwant %d accepted, rejected %+v", a.body, len(tt.accepted), tt.rejected)
			}
			for _, id := range tt.accepted {
				s.event(t, id)
			}
			dead := s.rejections(t)[deadBefore:]
			if len(dead) != 1 || dead[0].MessageID != tt.rejected[0].MessageID || dead[0].Reason != tt.rejected[0].Reason {
				t.Fatalf("dead letters %+v, want one for %+v", dead, tt.rejected[0])
			}
			if tt.payload != "" && string(dead[0].Payload) != tt.payload {
				t.Errorf("dead letter payload %.300q, want %.300q", dead[0].Payload, tt.payload)
			}
		})
	}

	// Every dead letter is exported as a line that a JSON decoder reads back.
	a := s.do(t, "GET", "/api/v1/rejected", nil, bearer(readKey))
	if a.status != http.StatusOK {
		t.Fatalf("GET /api/v1/rejected = %d %s", a.status, a.body)
	}
	lines := strings.Split(strings.TrimSpace(string(a.body)), "\n")
	if len(lines) != len(tests) {
		t.Fatalf("%d exported dead letters, want %d", len(lines), len(tests))
	}
	for _, line := range lines {
		var v struct {
			Reason  string
			Payload any
		}
		if err := json.Unmarshal([]byte(line), &v); err != nil || v.Reason == "" || v.Payload == nil {
			t.Errorf("exported dead letter %.200s: %v", line, err)
		}
	}
}

func TestIngestDuplicates(t *testing.T) {
	s := newServer(t)
	track := func(id string) string {
		return fmt.Sprintf(`{"type":"track","messageId":%q,"userId":"ada","event":"Order Completed"}`, id)
	}
	steps := []struct {
		path       string
		body       string
		accepted   int
		duplicates int
	}{
		{"/v1/batch", `{"batch":[` + track("d-1") + `,` + track("d-1") + `,` + track("d-2") + `]}`, 2, 1},
		{"/v1/batch", `{"batch":[` + track("d-2") + `,` + track("d-3") + `]}`, 1, 1},
		{"/v1/t", track("d-1"), 0, 1},
		{"/v1/import", `{"batch":[` + track(" d-3 ") + `]}`, 0, 1}, // ids are trimmed
		{"/v1/identify", `{"messageId":"d-1","userId":"ada","traits":{"plan":"pro"}}`, 0, 1},
	}
	for i, step := range steps {
		a := s.post(t, step.path, step.body)
		got := a.ingest(t)
		if a.status != http.StatusOK || got.Accepted != step.accepted || got.Duplicates != step.duplicates || len(got.Rejected) != 0 {
			t.Errorf("step %d: POST %s = %d %s, want %d accepted, %d duplicates", i, step.path, a.status, a.body, step.accepted, step.duplicates)
		}
	}
	var ids []string
	for _, e := range s.events(t) {
		ids = append(ids, e.MessageID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"d-1", "d-2", "d-3"}) {
		t.Errorf("stored %q, want d-1, d-2 and d-3 once each", ids)
	}
	if e := s.event(t, "d-1"); e.Type != waymark.Track {
		t.Errorf("d-1 stored as %s, want the first one sent, a track", e.Type)
	}
}

func TestIngestTimestamps(t *testing.T) {
	s := newServer(t)
	ms := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		path string
		body string // %q is the messageId
		// want is the stored timestamp, given the server's receivedAt.
		want func(receivedAt time.Time) time.Time
	}{
		{
			name: "originalTimestamp from a clock years fast, sent 5s after the call",
			path: "/v1/t",
			body: `{"messageId":%q,"anonymousId":"anon-1","event":"E","originalTimestamp":"2030-01-01T12:00:00.000Z","sentAt":"2030-01-01T12:00:05.000Z"}`,
			want: func(r time.Time) time.Time { return r.Add(-5 * time.Second) },
		},
		{
			name: "timestamp and sentAt from analytics.js",
			path: "/v1/t",
			body: `{"writeKey":"` + writeKey + `","messageId":%q,"type":"track","anonymousId":"anon-1","event":"E","timestamp":"2001-01-01T00:00:00.000Z","sentAt":"2001-01-01T00:00:00.250Z","context":{"library":{"name":"analytics.js","version":"next-1.70.0"}},"_metadata":{"bundled":["Segment.io"],"unbundled":[]}}`,
			want: func(r time.Time) time.Time { return r.Add(-250 * time.Millisecond) },
		},
		{
			name: "the batch's sentAt applies to its messages",
			path: "/v1/b",
			body: `{"sentAt":"2001-01-01T00:00:10Z","batch":[{"type":"track","messageId":%q,"anonymousId":"anon-1","event":"E","originalTimestamp":"2001-01-01T00:00:00Z"}]}`,
			want: func(r time.Time) time.Time { return r.Add(-10 * time.Second) },
		},
		{
			name: "server library named in the batch context: timestamp kept",
			path: "/v1/batch",
			body: `{"sentAt":"2030-01-01T00:00:00Z","context":{"library":{"name":"analytics-go","version":"3.0.0"}},"batch":[{"type":"track","messageId":%q,"userId":"ada","event":"E","timestamp":"2020-05-01T00:00:00Z"}]}`,
			want: func(time.Time) time.Time { return ms("2020-05-01T00:00:00Z") },
		},
		{
			name: "timestamp without sentAt kept, in UTC",
			path: "/v1/track",
			body: `{"messageId":%q,"userId":"ada","event":"E","timestamp":"2020-05-01T10:00:00.123456+02:00"}`,
			want: func(time.Time) time.Time { return ms("2020-05-01T08:00:00.123Z") },
		},
		{
			name: "timestamp with originalTimestamp was worked out already",
			path: "/v1/track",
			body: `{"messageId":%q,"userId":"ada","event":"E","timestamp":"2020-05-01T00:00:00Z","originalTimestamp":"2020-05-01T03:00:00Z","sentAt":"2020-05-01T03:00:01Z"}`,
			want: func(time.Time) time.Time { return ms("2020-05-01T00:00:00Z") },
		},
		{
			name: "no time at all",
			path: "/v1/track",
			body: `{"messageId":%q,"userId":"ada","event":"E"}`,
			want: func(r time.Time) time.Time { return r },
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := fmt.Sprintf("ts-%d", i)
			before := time.Now().UTC().Truncate(time.Millisecond)
			if a := s.post(t, tt.path, fmt.Sprintf(tt.body, id)); a.status != http.StatusOK || string(a.body) != acceptedOne {
				t.Fatalf("POST %s = %d %s", tt.path, a.status, a.body)
			}
			e := s.event(t, id)
			received := ms(e.ReceivedAt)
			if received.Before(before) || received.After(time.Now()) {
				t.Errorf("receivedAt %s is not the server's clock during the request", e.ReceivedAt)
			}
			if got, want := ms(e.Timestamp), tt.want(received); !got.Equal(want) {
				t.Errorf("timestamp %s, want %s (receivedAt %s)", e.Timestamp, want.Format(time.RFC3339Nano), e.ReceivedAt)
			}
		})
	}
}

func TestCORS(t *testing.T) {
	s := newServer(t)
	origin := header("Origin", "https://shop.example.com")
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		setup  []func(*http.Request)
		status int
		cors   bool
	}{
		{"preflight track", "OPTIONS", "/v1/track", "", []func(*http.Request){origin, header("Access-Control-Request-Method", "POST"), header("Access-Control-Request-Headers", "authorization,content-type")}, 204, true},
		{"preflight short batch", "OPTIONS", "/v1/b", "", []func(*http.Request){origin, header("Access-Control-Request-Method", "POST")}, 204, true},
		{"preflight settings", "OPTIONS", "/v1/projects/" + writeKey + "/settings", "", []func(*http.Request){origin, header("Access-Control-Request-Method", "GET")}, 204, true},
		{"post", "POST", "/v1/t", `{"writeKey":"` + writeKey + `","userId":"ada","event":"E"}`, []func(*http.Request){origin, header("Content-Type", "text/plain")}, 200, true},
		{"post refused", "POST", "/v1/t", `{"writeKey":"wk_wrong","userId":"ada","event":"E"}`, []func(*http.Request){origin}, 401, true},
		{"settings", "GET", "/v1/projects/" + writeKey + "/settings", "", []func(*http.Request){origin}, 200, true},
		{"query API has none", "GET", "/api/v1/events", "", []func(*http.Request){origin, bearer(readKey)}, 200, false},
		{"healthz has none", "GET", "/healthz", "", []func(*http.Request){origin}, 200, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			a := s.do(t, tt.method, tt.path, body, tt.setup...)
			if a.status != tt.status {
				t.Fatalf("%s %s = %d %s, want %d", tt.method, tt.path, a.status, a.body, tt.status)
			}
			h := a.header
			if !tt.cors {
				if v := h.Get("Access-Control-Allow-Origin"); v != "" {
					t.Errorf("Access-Control-Allow-Origin %q, want none", v)
				}
				return
			}
			for name, want := range map[string]string{
				"Access-Control-Allow-Origin":  "*",
				"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
				"Access-Control-Allow-Headers": "Authorization, Content-Type, Content-Encoding, X-Retry-Count",
				"Access-Control-Max-Age":       "86400",
			} {
				if got := h.Get(name); got != want {
					t.Errorf("%s %q, want %q", name, got, want)
				}
			}
			if v := h.Get("Access-Control-Allow-Credentials"); v != "" {
				t.Errorf("Access-Control-Allow-Credentials %q, want none", v)
			}
		})
	}
}

func TestUnsupportedContentEncoding(t *testing.T) {
	s := newServer(t)
	a := s.do(t, "POST", "/v1/track", strings.NewReader(`{"userId":"ada","event":"E"}`), basicAuth(writeKey+":"), header("Content-Encoding", "deflate"))
	want := `Content-Encoding "deflate" is not supported; send gzip or an uncompressed body`
	if a.status != http.StatusBadRequest || a.errorMessage(t) != want {
		t.Errorf("got %d %s, want 400 %q", a.status, a.body, want)
	}
}
