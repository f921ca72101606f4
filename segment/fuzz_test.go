package segment

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
)

// FuzzDecodePayload feeds arbitrary bodies through the whole package. Nothing
// may panic; errors must be *waymark.Error of the documented kinds; a message
// that validates must give an event with an id, a distinct id and a
// timestamp, which must survive export and re-import unchanged. The seed
// corpus in testdata/fuzz/FuzzDecodePayload holds real client payloads.
func FuzzDecodePayload(f *testing.F) {
	receivedAt := time.Date(2024, 5, 14, 10, 0, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, typ := range []waymark.MessageType{"", waymark.Track} {
			p, err := DecodePayload(body, typ)
			if err != nil {
				if k := waymark.ErrorKind(err); k != waymark.KindInvalid && k != waymark.KindTooLarge {
					t.Fatalf("DecodePayload error of kind %v: %v", k, err)
				}
				continue
			}
			for _, raw := range p.Messages {
				m, err := p.ParseMessage(raw)
				if err != nil {
					if waymark.ErrorKind(err) != waymark.KindInvalid || waymark.ErrorMessage(err) == "" {
						t.Fatalf("ParseMessage error %#v", err)
					}
					continue
				}
				verr := m.Validate()
				e := m.Event("proj", receivedAt) // must not panic, valid or not
				if verr != nil {
					if waymark.ErrorKind(verr) != waymark.KindInvalid {
						t.Fatalf("Validate error %#v", verr)
					}
					continue
				}
				if e.MessageID == "" || e.DistinctID() == "" || e.Timestamp.IsZero() || e.Type != m.Type || e.ReceivedAt != receivedAt {
					t.Fatalf("bad event from %s:\n%+v", raw, e)
				}
				if got := roundTrip(t, &e); !reflect.DeepEqual(compactRaw(t, got), compactRaw(t, e)) {
					t.Fatalf("round trip of %s:\n%+v\nwant\n%+v", raw, got, e)
				}
			}
		}
	})
}

// compactRaw removes the insignificant space that export drops.
func compactRaw(t *testing.T, e waymark.Event) waymark.Event {
	for _, raw := range []*json.RawMessage{&e.Properties, &e.Traits, &e.Context, &e.Integrations} {
		if *raw == nil {
			continue
		}
		var b bytes.Buffer
		if err := json.Compact(&b, *raw); err != nil {
			t.Fatalf("stored invalid JSON %q: %v", *raw, err)
		}
		*raw = b.Bytes()
	}
	return e
}
