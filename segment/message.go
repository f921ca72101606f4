package segment

import (
	"encoding/json"
	"fmt"

	"github.com/waymark-analytics/waymark"
)

// Message is one Segment message as it is on the wire. Times stay strings
// here, as sent; Event parses them. It is a plain struct with no JSON methods
// so that export code can embed it and add fields of its own.
//
// Read messages with Payload.ParseMessage, not json.Unmarshal: it accepts
// numeric ids, takes what ingest needs from context and properties in the
// same pass, and applies a batch's defaults.
type Message struct {
	Type        waymark.MessageType `json:"type,omitempty"`
	MessageID   string              `json:"messageId,omitempty"`
	UserID      string              `json:"userId,omitempty"`
	AnonymousID string              `json:"anonymousId,omitempty"`
	// EventName is the track call's "event". (The name Event belongs to the
	// method that converts the message.)
	EventName  string `json:"event,omitempty"`
	Name       string `json:"name,omitempty"`     // page and screen calls
	Category   string `json:"category,omitempty"` // page calls
	GroupID    string `json:"groupId,omitempty"`
	PreviousID string `json:"previousId,omitempty"`

	Timestamp         string `json:"timestamp,omitempty"`
	OriginalTimestamp string `json:"originalTimestamp,omitempty"`
	SentAt            string `json:"sentAt,omitempty"`
	ReceivedAt        string `json:"receivedAt,omitempty"`

	Properties   json.RawMessage `json:"properties,omitempty"`
	Traits       json.RawMessage `json:"traits,omitempty"`
	Context      json.RawMessage `json:"context,omitempty"`
	Integrations json.RawMessage `json:"integrations,omitempty"`

	size    int  // bytes on the wire; 0 when not read by ParseMessage
	checked bool // ParseMessage has checked the raw fields' JSON syntax
	context ContextInfo
	props   propertyInfo
}

// ContextInfo is the part of a message's context that ingest reads, decoded
// in the same pass as the message so that enrichers need not parse Context
// again. Fields hold strings as sent; absent or non-string values are empty.
type ContextInfo struct {
	IP        string // context.ip
	UserAgent string // context.userAgent
	Locale    string
	Timezone  string

	LibraryName    string // context.library.name
	LibraryVersion string

	OSName    string // context.os, sent by mobile libraries
	OSVersion string

	DeviceType         string // context.device
	DeviceManufacturer string
	DeviceModel        string

	Page     waymark.PageInfo // context.page: URL, Path, Title and Referrer only
	Campaign waymark.Campaign // context.campaign: Source, Medium, Name, Term, Content only
	Location waymark.Geo      // context.location: Country, Region and City only
}

// propertyInfo is what Event reads from properties.
type propertyInfo struct {
	URL, Path, Title, Referrer string // page calls
	Revenue, Total, Value      string // number text, or a string as sent
	Currency                   string
}

// ContextInfo returns what ParseMessage decoded of the message's context (or
// of the batch's, when the message had none). It is not updated if Context
// is changed afterwards.
func (m *Message) ContextInfo() ContextInfo { return m.context }

// UserAgent returns context.userAgent.
func (m *Message) UserAgent() string { return m.context.UserAgent }

// ParseMessage reads one message of the payload (one of p.Messages, or any
// message JSON), strictly: invalid JSON (including invalid UTF-8), nesting
// deeper than 256 levels and numbers too large for a float64 are errors. A
// message without a type takes the endpoint's; one without sentAt, context
// or integrations takes the batch's, and is rejected when the batch's cannot
// be used (a context also lends its library name). Errors are
// *waymark.Error of KindInvalid whose Message is the reason to show; the
// Message returned with one holds what was read before the problem, such as
// the messageId to file the rejection under. A zero Payload may be used to
// parse a message on its own.
func (p *Payload) ParseMessage(raw []byte) (Message, error) {
	var m Message
	if err := m.parse(raw); err != nil {
		return m, err
	}
	if p == nil {
		return m, nil
	}
	switch {
	case m.Type == "":
		m.Type = p.typ
	case p.typ != "" && m.Type != p.typ:
		return m, typeMismatch(string(m.Type), p.typ)
	}
	// A batch's field that cannot be used rejects the messages that take it.
	switch {
	case m.SentAt == "" && p.sentAtErr != nil:
		return m, p.sentAtErr
	case m.Integrations == nil && p.integrationsErr != nil:
		return m, p.integrationsErr
	case m.context.LibraryName == "" && p.contextErr != nil:
		return m, p.contextErr // it would take the batch's context, or at least its library name
	}
	if m.SentAt == "" {
		m.SentAt = p.SentAt
	}
	if !p.checked && (m.Integrations == nil && p.Integrations != nil || m.Context == nil && p.Context != nil) {
		m.checked = false // the batch's raw fields were not read by DecodePayload
	}
	if m.Integrations == nil && len(p.Integrations) > 0 && !isNull(p.Integrations) {
		m.Integrations = p.Integrations
	}
	batchContext := len(p.Context) > 0 && !isNull(p.Context)
	if m.Context == nil && batchContext {
		m.Context = p.Context
		m.context = p.contextInfo()
	} else if m.context.LibraryName == "" && batchContext {
		// analytics-go, among others, names itself only in the batch's context;
		// the timestamp rule needs to know.
		c := p.contextInfo()
		m.context.LibraryName, m.context.LibraryVersion = c.LibraryName, c.LibraryVersion
	}
	return m, nil
}

func typeMismatch(got string, endpoint waymark.MessageType) error {
	return waymark.Errorf(waymark.KindInvalid, "message type %s does not match the %s endpoint", quote(got), endpoint)
}

func invalidJSON(what string, err error) error { return jsonError(what, "", err) }

// jsonError is the reason for err, a reader's error in what (such as
// "message"); root is where the fields of what are (such as "batch
// context"), "" for a message's own.
func jsonError(what, root string, err error) error {
	switch e := err.(type) {
	case *depthError:
		return waymark.Errorf(waymark.KindInvalid, "%s is nested more than %d levels deep", what, maxDepth)
	case *numberError:
		where := e.fieldPath(root)
		if where == "" {
			where = what
		}
		return waymark.Errorf(waymark.KindInvalid, "%s: number %s is too large", where, cut(e.text))
	}
	return waymark.Errorf(waymark.KindInvalid, "%s is not valid JSON: %v", what, err)
}

// parse reads raw into m. Ids and names are copied out of raw, as they may be
// kept for long (identity maps, dedup); other strings share one copy of the
// message, and raw fields are slices of raw.
func (m *Message) parse(raw []byte) error {
	r := reader{data: raw}
	if r.peek() != '{' {
		if err := checkJSON(raw); err != nil {
			return invalidJSON("message", err)
		}
		return waymark.Errorf(waymark.KindInvalid, "message must be a JSON object")
	}
	m.size = len(raw)
	arena := string(raw)
	r.pos++
	for first := true; ; first = false {
		k, esc, more, err := r.nextKey(first)
		if err != nil {
			return invalidJSON("message", err)
		}
		if !more {
			break
		}
		var fieldErr string
		switch string(keyName(k, esc)) {
		case "type":
			var s string
			s, fieldErr, err = r.stringField(arena, "type")
			m.Type = messageType(s)
		case "messageId":
			m.MessageID, fieldErr, err = r.idField("messageId")
		case "userId":
			m.UserID, fieldErr, err = r.idField("userId")
		case "anonymousId":
			m.AnonymousID, fieldErr, err = r.idField("anonymousId")
		case "groupId":
			m.GroupID, fieldErr, err = r.idField("groupId")
		case "previousId":
			m.PreviousID, fieldErr, err = r.idField("previousId")
		case "event":
			m.EventName, fieldErr, err = r.stringField("", "event")
		case "name":
			m.Name, fieldErr, err = r.stringField("", "name")
		case "category":
			m.Category, fieldErr, err = r.stringField("", "category")
		case "timestamp":
			m.Timestamp, fieldErr, err = r.stringField(arena, "timestamp")
		case "originalTimestamp":
			m.OriginalTimestamp, fieldErr, err = r.stringField(arena, "originalTimestamp")
		case "sentAt":
			m.SentAt, fieldErr, err = r.stringField(arena, "sentAt")
		case "receivedAt":
			m.ReceivedAt, fieldErr, err = r.stringField(arena, "receivedAt")
		case "properties":
			m.props = propertyInfo{}
			start := r.valueStart()
			if r.peek() == '{' {
				err = m.props.read(&r, arena, 1)
			} else {
				err = r.skipValue(1)
			}
			m.Properties = r.rawFrom(start)
		case "traits":
			m.Traits, err = r.objectField(1)
		case "context":
			m.context = ContextInfo{}
			start := r.valueStart()
			if r.peek() == '{' {
				err = m.context.read(&r, arena, 1)
			} else {
				err = r.skipValue(1)
			}
			m.Context = r.rawFrom(start)
		case "integrations":
			m.Integrations, err = r.objectField(1)
		default:
			err = r.skipValue(1)
		}
		if err != nil {
			return invalidJSON("message", in(err, string(keyName(k, esc))))
		}
		if fieldErr != "" {
			return waymark.Errorf(waymark.KindInvalid, "%s", fieldErr)
		}
	}
	if err := r.end(); err != nil {
		return invalidJSON("message", err)
	}
	m.checked = true
	return nil
}

func messageType(s string) waymark.MessageType {
	switch s {
	case "track":
		return waymark.Track
	case "page":
		return waymark.Page
	case "screen":
		return waymark.Screen
	case "identify":
		return waymark.Identify
	case "group":
		return waymark.Group
	case "alias":
		return waymark.Alias
	}
	return waymark.MessageType(s)
}

// stringField reads a member that must be a string; null reads as "". The
// string is sliced from arena, or copied when arena is "". A value of another
// type is skipped and described in fieldErr.
func (r *reader) stringField(arena, name string) (s, fieldErr string, err error) {
	switch r.peek() {
	case '"':
		start, end, esc, err := r.readString()
		if err != nil {
			return "", "", err
		}
		return text(arena, r.data, start, end, esc), "", nil
	case 'n':
		return "", "", r.literal("null")
	}
	return "", fmt.Sprintf("%q must be a string", name), r.skipValue(1)
}

// idField reads an id, which may be a string or a number (kept as written:
// 42 reads as "42"); null reads as "".
func (r *reader) idField(name string) (s, fieldErr string, err error) {
	if c := r.peek(); c == '-' || isDigit(c) {
		num, err := r.readNumber()
		return string(num), "", err
	}
	s, fieldErr, err = r.stringField("", name)
	if fieldErr != "" {
		fieldErr = fmt.Sprintf("%q must be a string or a number", name)
	}
	return s, fieldErr, err
}

// objectField reads a raw member value, null as nil. Values other than
// objects are kept for Validate to reject.
func (r *reader) objectField(depth int) (json.RawMessage, error) {
	start := r.valueStart()
	if err := r.skipValue(depth); err != nil {
		return nil, err
	}
	return r.rawFrom(start), nil
}

// valueStart skips whitespace and returns where the next value starts.
func (r *reader) valueStart() int {
	r.peek()
	return r.pos
}

// rawFrom returns the value read since start, nil for null.
func (r *reader) rawFrom(start int) json.RawMessage {
	if start > r.pos {
		return nil
	}
	if v := r.data[start:r.pos]; !isNull(v) {
		return v
	}
	return nil
}

func isNull(v []byte) bool { return len(v) == 4 && string(v) == "null" }

// optString reads a string member into dst, as sent. Other types are skipped
// and leave dst alone: a typed subset must not reject what Segment accepts.
func (r *reader) optString(arena string, dst *string, depth int) error {
	if r.peek() != '"' {
		return r.skipValue(depth)
	}
	start, end, esc, err := r.readString()
	if err != nil {
		return err
	}
	*dst = text(arena, r.data, start, end, esc)
	return nil
}

// readStrings reads one of the context's objects (or skips a value of
// another type), storing the string members c.field names a place for.
func (r *reader) readStrings(arena string, depth int, c *ContextInfo, object string) error {
	if r.peek() != '{' {
		return r.skipValue(depth)
	}
	return r.members(depth, func(name []byte) error {
		if dst := c.field(object, name); dst != nil {
			return r.optString(arena, dst, depth+1)
		}
		return r.skipValue(depth + 1)
	})
}

// read walks a context object at r.
func (c *ContextInfo) read(r *reader, arena string, depth int) error {
	d := depth + 1
	return r.members(depth, func(name []byte) error {
		switch string(name) {
		case "ip":
			return r.optString(arena, &c.IP, d)
		case "userAgent":
			return r.optString(arena, &c.UserAgent, d)
		case "locale":
			return r.optString(arena, &c.Locale, d)
		case "timezone":
			return r.optString(arena, &c.Timezone, d)
		case "library", "os", "device", "page", "campaign", "location":
			return r.readStrings(arena, d, c, string(name))
		}
		return r.skipValue(d)
	})
}

// field returns where the member name of the context's object goes, or nil.
func (c *ContextInfo) field(object string, name []byte) *string {
	switch object {
	case "library":
		switch string(name) {
		case "name":
			return &c.LibraryName
		case "version":
			return &c.LibraryVersion
		}
	case "os":
		switch string(name) {
		case "name":
			return &c.OSName
		case "version":
			return &c.OSVersion
		}
	case "device":
		switch string(name) {
		case "type":
			return &c.DeviceType
		case "manufacturer":
			return &c.DeviceManufacturer
		case "model":
			return &c.DeviceModel
		}
	case "page":
		switch string(name) {
		case "url":
			return &c.Page.URL
		case "path":
			return &c.Page.Path
		case "title":
			return &c.Page.Title
		case "referrer":
			return &c.Page.Referrer
		}
	case "campaign":
		switch string(name) {
		case "source":
			return &c.Campaign.Source
		case "medium":
			return &c.Campaign.Medium
		case "name":
			return &c.Campaign.Name
		case "term":
			return &c.Campaign.Term
		case "content":
			return &c.Campaign.Content
		}
	case "location":
		switch string(name) {
		case "country":
			return &c.Location.Country
		case "region":
			return &c.Location.Region
		case "city":
			return &c.Location.City
		}
	}
	return nil
}

// read walks a properties object at r.
func (p *propertyInfo) read(r *reader, arena string, depth int) error {
	d := depth + 1
	return r.members(depth, func(name []byte) error {
		switch string(name) {
		case "url":
			return r.optString(arena, &p.URL, d)
		case "path":
			return r.optString(arena, &p.Path, d)
		case "title":
			return r.optString(arena, &p.Title, d)
		case "referrer":
			return r.optString(arena, &p.Referrer, d)
		case "currency":
			return r.optString(arena, &p.Currency, d)
		case "revenue":
			return r.amount(arena, &p.Revenue, d)
		case "total":
			return r.amount(arena, &p.Total, d)
		case "value":
			return r.amount(arena, &p.Value, d)
		}
		return r.skipValue(d)
	})
}

// amount reads a number's text, or a string, into dst; Event decides whether
// the string is numeric.
func (r *reader) amount(arena string, dst *string, depth int) error {
	if c := r.peek(); c == '-' || isDigit(c) {
		start := r.pos
		if _, err := r.readNumber(); err != nil {
			return err
		}
		*dst = text(arena, r.data, start, r.pos, false)
		return nil
	}
	return r.optString(arena, dst, depth)
}

// decodeContextInfo decodes what a context object holds, ignoring errors:
// it is for contexts already checked or stored. arena is string(raw) or "".
func decodeContextInfo(raw []byte, arena string) ContextInfo {
	var c ContextInfo
	r := reader{data: raw}
	if r.peek() == '{' {
		_ = c.read(&r, arena, 1)
	}
	return c
}

// maxQuoted bounds how much of user input an error message shows.
const maxQuoted = 64

// quote formats user input for an error message, cut short if long.
func quote(s string) string {
	if len(s) > maxQuoted {
		return fmt.Sprintf("%q…", s[:maxQuoted])
	}
	return fmt.Sprintf("%q", s)
}

// cut is quote for text that needs no quotes, such as a number.
func cut(s string) string {
	if len(s) > maxQuoted {
		return s[:maxQuoted] + "…"
	}
	return s
}
