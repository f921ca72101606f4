package segment

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/waymark-analytics/waymark"
)

// Validate checks a message against the Segment spec, as far as ingest
// needs: a known type; a userId or anonymousId; the field each call type
// requires (track "event", alias "previousId", group "groupId");
// properties, traits, context and integrations JSON objects when present;
// ids and names at most MaxStringBytes; times that parseTime reads and that
// are not Go's zero time; and the message at most MaxMessageBytes.
// (ParseMessage has refused invalid JSON already, and numbers too large for
// a float64, which no JSON decoder could read back from storage.) Ids count as present when they are
// not blank. The error is a *waymark.Error of KindInvalid whose Message
// says exactly what is wrong, to keep with the rejected message.
func (m *Message) Validate() error {
	if m.size > MaxMessageBytes {
		return waymark.Errorf(waymark.KindInvalid, "message is %d bytes; the limit is %d", m.size, MaxMessageBytes)
	}
	switch m.Type {
	case "":
		return waymark.Errorf(waymark.KindInvalid, `"type" is required`)
	case waymark.Track, waymark.Page, waymark.Screen, waymark.Identify, waymark.Group, waymark.Alias:
	default:
		return waymark.Errorf(waymark.KindInvalid, "type %s is not one of track, page, screen, identify, group, alias", quote(string(m.Type)))
	}
	if blank(m.UserID) && blank(m.AnonymousID) {
		return waymark.Errorf(waymark.KindInvalid, "userId or anonymousId is required")
	}
	switch {
	case m.Type == waymark.Track && blank(m.EventName):
		return waymark.Errorf(waymark.KindInvalid, `track call requires "event"`)
	case m.Type == waymark.Alias && blank(m.PreviousID):
		return waymark.Errorf(waymark.KindInvalid, `alias call requires "previousId"`)
	case m.Type == waymark.Group && blank(m.GroupID):
		return waymark.Errorf(waymark.KindInvalid, `group call requires "groupId"`)
	}
	for _, f := range [...]struct{ name, value string }{
		{"messageId", strings.TrimSpace(m.MessageID)},
		{"userId", strings.TrimSpace(m.UserID)},
		{"anonymousId", strings.TrimSpace(m.AnonymousID)},
		{"groupId", strings.TrimSpace(m.GroupID)},
		{"previousId", strings.TrimSpace(m.PreviousID)},
		{"event", m.EventName},
		{"name", m.Name},
		{"category", m.Category},
	} {
		if len(f.value) > MaxStringBytes {
			return waymark.Errorf(waymark.KindInvalid, "%q is %d bytes; the limit is %d", f.name, len(f.value), MaxStringBytes)
		}
	}
	for _, f := range [...]struct {
		name  string
		value json.RawMessage
	}{
		{"properties", m.Properties},
		{"traits", m.Traits},
		{"context", m.Context},
		{"integrations", m.Integrations},
	} {
		if err := m.checkObject(f.name, f.value); err != nil {
			return err
		}
	}
	for _, f := range [...]struct{ name, value string }{
		{"timestamp", m.Timestamp},
		{"originalTimestamp", m.OriginalTimestamp},
		{"sentAt", m.SentAt},
		{"receivedAt", m.ReceivedAt},
	} {
		if f.value != "" {
			if err := checkTime(f.name, f.value); err != nil {
				return err
			}
		}
	}
	return nil
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// checkObject checks that a raw field is an object or null. Syntax was
// checked by ParseMessage already; a message built by hand gets it checked
// here, so that no broken JSON reaches storage.
func (m *Message) checkObject(name string, raw json.RawMessage) error {
	v := bytes.TrimSpace(raw)
	if len(v) == 0 || isNull(v) {
		return nil
	}
	if v[0] != '{' {
		return waymark.Errorf(waymark.KindInvalid, "%q must be a JSON object", name)
	}
	if !m.checked {
		if err := checkJSON(v); err != nil {
			return jsonError(`"`+name+`"`, name, err)
		}
	}
	return nil
}
