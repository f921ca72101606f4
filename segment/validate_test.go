package segment

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/waymark-analytics/waymark"
)

func TestValidate(t *testing.T) {
	long := strings.Repeat("x", MaxStringBytes+1)
	tests := []struct {
		name string
		raw  string
		msg  string // "" for valid
	}{
		{"track", `{"type":"track","event":"A","userId":"u"}`, ""},
		{"page without name", `{"type":"page","anonymousId":"a"}`, ""},
		{"screen", `{"type":"screen","name":"Home","anonymousId":"a"}`, ""},
		{"identify", `{"type":"identify","userId":"u","traits":{"a":1}}`, ""},
		{"group", `{"type":"group","groupId":"g","userId":"u"}`, ""},
		{"alias", `{"type":"alias","previousId":"a","userId":"u"}`, ""},
		{"null objects", `{"type":"track","event":"A","userId":"u","properties":null,"context":null}`, ""},
		{"id at the limit", `{"type":"track","event":"A","userId":"` + long[1:] + `"}`, ""},
		{"all times", `{"type":"track","event":"A","userId":"u","timestamp":"2024-01-01T00:00:00Z","originalTimestamp":"2024-01-01T00:00:00.5+01:00","sentAt":"2024-01-01","receivedAt":"2024-01-01T00:00:01.123456789Z"}`, ""},

		{"no type", `{"event":"A","userId":"u"}`, `"type" is required`},
		{"unknown type", `{"type":"pageview","userId":"u"}`, `type "pageview" is not one of track, page, screen, identify, group, alias`},
		{"wrong case type", `{"type":"Track","userId":"u","event":"A"}`, `type "Track" is not one of track, page, screen, identify, group, alias`},
		{"no ids", `{"type":"track","event":"A"}`, "userId or anonymousId is required"},
		{"blank ids", `{"type":"track","event":"A","userId":"  ","anonymousId":""}`, "userId or anonymousId is required"},
		{"null ids", `{"type":"track","event":"A","userId":null,"anonymousId":null}`, "userId or anonymousId is required"},
		{"track without event", `{"type":"track","userId":"u"}`, `track call requires "event"`},
		{"track with blank event", `{"type":"track","userId":"u","event":" "}`, `track call requires "event"`},
		{"alias without previousId", `{"type":"alias","userId":"u"}`, `alias call requires "previousId"`},
		{"group without groupId", `{"type":"group","userId":"u"}`, `group call requires "groupId"`},
		{"properties an array", `{"type":"track","event":"A","userId":"u","properties":[1]}`, `"properties" must be a JSON object`},
		{"traits a string", `{"type":"identify","userId":"u","traits":"pro"}`, `"traits" must be a JSON object`},
		{"context a number", `{"type":"identify","userId":"u","context":1}`, `"context" must be a JSON object`},
		{"integrations true", `{"type":"identify","userId":"u","integrations":true}`, `"integrations" must be a JSON object`},
		{"long userId", `{"type":"track","event":"A","userId":"` + long + `"}`, `"userId" is 1025 bytes; the limit is 1024`},
		{"long messageId", `{"type":"track","event":"A","userId":"u","messageId":"` + long + `"}`, `"messageId" is 1025 bytes; the limit is 1024`},
		{"long event", `{"type":"track","event":"` + long + `","userId":"u"}`, `"event" is 1025 bytes; the limit is 1024`},
		{"long name", `{"type":"page","name":"` + long + `","userId":"u"}`, `"name" is 1025 bytes; the limit is 1024`},
		{"long category", `{"type":"page","category":"` + long + `","userId":"u"}`, `"category" is 1025 bytes; the limit is 1024`},
		{"long groupId", `{"type":"group","groupId":"` + long + `","userId":"u"}`, `"groupId" is 1025 bytes; the limit is 1024`},
		{"bad timestamp", `{"type":"track","event":"A","userId":"u","timestamp":"xyz"}`, `timestamp "xyz" is not an ISO 8601 time`},
		{"bad originalTimestamp", `{"type":"track","event":"A","userId":"u","originalTimestamp":"2024-02-30T00:00:00Z"}`, `originalTimestamp "2024-02-30T00:00:00Z" is not an ISO 8601 time`},
		{"bad sentAt", `{"type":"track","event":"A","userId":"u","sentAt":"1715682093123"}`, `sentAt "1715682093123" is not an ISO 8601 time`},
		{"bad receivedAt", `{"type":"track","event":"A","userId":"u","receivedAt":"2024-01-01T25:00:00Z"}`, `receivedAt "2024-01-01T25:00:00Z" is not an ISO 8601 time`},
		{"Go's zero time as timestamp", `{"type":"track","event":"A","userId":"u","timestamp":"0001-01-01T00:00:00Z"}`, `timestamp "0001-01-01T00:00:00Z" is not a real time: send the time of the event or leave it out`},
		{"Go's zero time as originalTimestamp", `{"type":"track","event":"A","userId":"u","originalTimestamp":"0001-01-01T00:00:00.000Z"}`, `originalTimestamp "0001-01-01T00:00:00.000Z" is not a real time: send the time of the event or leave it out`},
		{"Go's zero time as sentAt, in another zone", `{"type":"track","event":"A","userId":"u","sentAt":"0001-01-01T02:00:00+02:00"}`, `sentAt "0001-01-01T02:00:00+02:00" is not a real time: send the time it was sent or leave it out`},
		{"Go's zero time as receivedAt, under a millisecond off", `{"type":"track","event":"A","userId":"u","receivedAt":"0001-01-01T00:00:00.0009Z"}`, `receivedAt "0001-01-01T00:00:00.0009Z" is not a real time: send the time it was received or leave it out`},
		{"a millisecond after Go's zero time", `{"type":"track","event":"A","userId":"u","timestamp":"0001-01-01T00:00:00.001Z"}`, ""},
		{"the year 0", `{"type":"track","event":"A","userId":"u","timestamp":"0000-12-31T23:59:59Z"}`, ""},
		{"too large", `{"type":"track","event":"A","userId":"u","properties":{"x":"` + strings.Repeat("a", MaxMessageBytes) + `"}}`, "message is 32831 bytes; the limit is 32768"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := parse(t, tt.raw)
			err := m.Validate()
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			wantError(t, err, waymark.KindInvalid, tt.msg)
		})
	}
}

// A message built in Go rather than parsed gets its raw JSON checked, so
// that broken JSON never reaches storage.
func TestValidateBuiltMessage(t *testing.T) {
	m := Message{Type: waymark.Identify, UserID: "u", Traits: json.RawMessage(`{"a":}`)}
	wantError(t, m.Validate(), waymark.KindInvalid, `"traits" is not valid JSON: unexpected '}' at byte 5`)
	m.Traits = json.RawMessage(" null ")
	if err := m.Validate(); err != nil {
		t.Error(err)
	}
}
