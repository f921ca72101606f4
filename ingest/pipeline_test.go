package ingest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/segment"
)

func TestProcessEnrichment(t *testing.T) {
	src := Source{ProjectID: "p", ReceivedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), IP: "198.51.100.7"}
	tests := []struct {
		name    string
		message string
		check   func(t *testing.T, b Batch)
	}{
		{
			name:    "browser event takes the request's address",
			message: `{"type":"page","anonymousId":"a","context":{"userAgent":"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1","page":{"url":"https://shop.example/?utm_source=newsletter&utm_medium=email","referrer":"https://mail.google.com/"}}}`,
			check: func(t *testing.T, b Batch) {
				e := b.Events[0]
				if e.Geo.IP != "198.51.100.7" || e.Device.Type != "mobile" || e.Device.OS != "iOS" || e.Campaign.Channel != "Email" {
					t.Errorf("event = %+v", e)
				}
			},
		},
		{
			name:    "context.ip wins over the request's address",
			message: `{"type":"track","userId":"u","event":"x","context":{"ip":"203.0.113.9"}}`,
			check: func(t *testing.T, b Batch) {
				if got := b.Events[0].Geo.IP; got != "203.0.113.9" {
					t.Errorf("ip = %q", got)
				}
			},
		},
		{
			name:    "GeoIP locates the address",
			message: `{"type":"track","userId":"u","event":"x","context":{"ip":"203.0.113.9"}}`,
			check: func(t *testing.T, b Batch) {
				if got, want := b.Events[0].Geo, (waymark.Geo{IP: "203.0.113.9", Country: "NL", City: "Amsterdam"}); got != want {
					t.Errorf("geo = %+v, want %+v", got, want)
				}
			},
		},
		{
			name:    "context.location wins over GeoIP",
			message: `{"type":"track","userId":"u","event":"x","context":{"ip":"203.0.113.9","location":{"country":"NO","city":"Bergen"}}}`,
			check: func(t *testing.T, b Batch) {
				if got, want := b.Events[0].Geo, (waymark.Geo{IP: "203.0.113.9", Country: "NO", City: "Bergen"}); got != want {
					t.Errorf("geo = %+v, want %+v", got, want)
				}
			},
		},
		{
			name:    "a partial context.location wins over GeoIP",
			message: `{"type":"track","userId":"u","event":"x","context":{"ip":"203.0.113.9","location":{"region":"Vestland","city":"Bergen"}}}`,
			check: func(t *testing.T, b Batch) {
				if got, want := b.Events[0].Geo, (waymark.Geo{IP: "203.0.113.9", Region: "Vestland", City: "Bergen"}); got != want {
					t.Errorf("geo = %+v, want %+v", got, want)
				}
			},
		},
		{
			name:    "mobile app context fills the device",
			message: `{"type":"screen","userId":"u","name":"Home","context":{"os":{"name":"Android","version":"14"},"device":{"type":"android"}}}`,
			check: func(t *testing.T, b Batch) {
				d := b.Events[0].Device
				if d.OS != "Android" || d.OSVersion != "14" || d.Type != "mobile" {
					t.Errorf("device = %+v", d)
				}
			},
		},
		{
			name:    "invalid message is rejected with its reason and kept",
			message: `{"type":"track","userId":"u","messageId":"m1"}`,
			check: func(t *testing.T, b Batch) {
				if len(b.Events) != 0 || len(b.Rejections) != 1 || b.Rejected[0].MessageID != "m1" || b.Rejected[0].Reason != `track call requires "event"` {
					t.Errorf("batch = %+v", b)
				}
			},
		},
		{
			name:    "invalid UTF-8 is replaced in the dead letter, not in the reason",
			message: "{\"type\":\"track\",\"messageId\":\"m2\",\"userId\":\"u\",\"event\":\"Caf\xe9\xe9\",\"properties\":{\"\xff\":1}}",
			check: func(t *testing.T, b Batch) {
				want := "{\"type\":\"track\",\"messageId\":\"m2\",\"userId\":\"u\",\"event\":\"Caf\uFFFD\",\"properties\":{\"\uFFFD\":1}}"
				if len(b.Rejections) != 1 || string(b.Rejections[0].Payload) != want || b.Rejected[0].MessageID != "m2" {
					t.Fatalf("batch = %+v", b)
				}
				if got := b.Rejected[0].Reason; got != "message is not valid JSON: invalid UTF-8 in string at byte 58" {
					t.Errorf("reason %q", got)
				}
			},
		},
	}
	p := NewPipeline(Options{Geo: fakeGeo{}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, p.Process(src, segment.Payload{Messages: []json.RawMessage{json.RawMessage(tt.message)}}))
		})
	}
}

// fakeGeo puts every address in Amsterdam.
type fakeGeo struct{}

func (fakeGeo) Lookup(ip string) waymark.Geo {
	return waymark.Geo{IP: ip, Country: "NL", City: "Amsterdam"}
}
