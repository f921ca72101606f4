package segment

import (
	"bytes"
	"cmp"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/waymark-analytics/waymark"
)

// Event converts a message into a waymark.Event of the project, with
// receivedAt the server's clock when the request arrived (time.Now() if
// zero). Call Validate first; Event does not fail, and on a message that
// did not validate its result may be meaningless but is never a panic.
//
// Ids are trimmed of surrounding space; a missing messageId is filled with a
// random UUID. All times are UTC with millisecond precision, Segment's. The
// message's own receivedAt is never trusted as the receive time. Timestamp
// follows the rule in the package documentation and is never zero.
//
// Page comes from context.page and, for page calls, from properties (url,
// path, title, referrer), which win; Host and ReferrerHost are taken from the
// URLs, and Path from the URL when none was sent. Campaign is context.campaign
// as sent; Geo is context.ip and context.location's country, region and city
// as sent. Revenue is set for track calls only.
func (m *Message) Event(projectID string, receivedAt time.Time) waymark.Event {
	if receivedAt.IsZero() {
		receivedAt = time.Now()
	}
	receivedAt = receivedAt.UTC().Truncate(time.Millisecond)
	e := waymark.Event{
		ProjectID:    projectID,
		MessageID:    strings.TrimSpace(m.MessageID),
		Type:         m.Type,
		UserID:       strings.TrimSpace(m.UserID),
		AnonymousID:  strings.TrimSpace(m.AnonymousID),
		GroupID:      strings.TrimSpace(m.GroupID),
		PreviousID:   strings.TrimSpace(m.PreviousID),
		ReceivedAt:   receivedAt,
		Properties:   rawObject(m.Properties),
		Traits:       rawObject(m.Traits),
		Context:      rawObject(m.Context),
		Integrations: rawObject(m.Integrations),
		Page:         m.page(),
		Campaign:     m.context.Campaign,
		Geo:          m.geo(),
	}
	if e.MessageID == "" {
		e.MessageID = newMessageID()
	}
	switch m.Type {
	case waymark.Track:
		e.Name = m.EventName
		e.Revenue = m.revenue()
	case waymark.Page, waymark.Screen:
		e.Name = m.Name
	}
	e.Timestamp, e.OriginalTimestamp, e.SentAt = m.times(receivedAt)
	return e
}

// geo is where the message says it was sent from.
func (m *Message) geo() waymark.Geo {
	g := m.context.Location
	g.IP = m.context.IP
	return g
}

// rawObject drops a JSON null, which means the same as absent.
func rawObject(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || isNull(bytes.TrimSpace(raw)) {
		return nil
	}
	return raw
}

// serverLibraries are the context.library.name of Segment's server-side
// libraries. Their "timestamp" is one the application chose, such as the
// time of a historical event being imported, and is kept as given.
var serverLibraries = [...]string{
	"analytics-go",
	"analytics-node",
	"@segment/analytics-node",
	"analytics-python",
	"analytics-ruby",
	"analytics-java",
	"analytics-php",
	"analytics.NET",
}

func isServerLibrary(name string) bool {
	for _, s := range serverLibraries {
		if len(name) == len(s) && strings.EqualFold(name, s) {
			return true
		}
	}
	return false
}

// times works out timestamp, originalTimestamp and sentAt; see the package
// documentation for the rule. receivedAt is UTC and whole milliseconds.
func (m *Message) times(receivedAt time.Time) (ts, original, sent time.Time) {
	given := msTime(m.Timestamp)
	original = msTime(m.OriginalTimestamp)
	sent = msTime(m.SentAt)
	switch {
	case !given.IsZero() && (!original.IsZero() || !msTime(m.ReceivedAt).IsZero()):
		ts = given // already worked out upstream: a replayed or re-imported message
	case !original.IsZero():
		ts = correctSkew(original, sent, receivedAt)
	case !given.IsZero():
		original = given
		if isServerLibrary(m.context.LibraryName) {
			ts = given
		} else {
			ts = correctSkew(given, sent, receivedAt)
		}
	}
	if ts.IsZero() || ts.Year() < 0 || ts.Year() > 9999 {
		ts = receivedAt // no time sent, or a skew so absurd RFC 3339 cannot write the result
	}
	return ts, original, sent
}

// correctSkew is Segment's timestamp = receivedAt - (sentAt - originalTimestamp):
// the client's clock is off by sentAt - receivedAt, network time being small.
// It counts in Unix seconds, as time.Duration would saturate on a sentAt
// centuries off.
func correctSkew(original, sent, receivedAt time.Time) time.Time {
	if sent.IsZero() {
		return original
	}
	sec := original.Unix() + (receivedAt.Unix() - sent.Unix())
	nsec := int64(original.Nanosecond()) + int64(receivedAt.Nanosecond()) - int64(sent.Nanosecond())
	return time.Unix(sec, nsec).UTC()
}

// msTime parses a time leniently for Event: UTC, whole milliseconds, zero
// when absent or unparseable.
func msTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, ok := parseTime(s)
	if !ok {
		return time.Time{}
	}
	return t.Truncate(time.Millisecond)
}

func (m *Message) page() waymark.PageInfo {
	p := m.context.Page
	if m.Type == waymark.Page {
		p.URL = cmp.Or(m.props.URL, p.URL)
		p.Path = cmp.Or(m.props.Path, p.Path)
		p.Title = cmp.Or(m.props.Title, p.Title)
		p.Referrer = cmp.Or(m.props.Referrer, p.Referrer)
	}
	p.Host = hostOf(p.URL)
	if p.Path == "" {
		p.Path = pathOf(p.URL)
	}
	p.ReferrerHost = hostOf(p.Referrer)
	return p
}

// authority returns where the host part of an absolute ("scheme://") or
// scheme-relative ("//") URL is, or ok false.
func authority(u string) (start, end int, ok bool) {
	switch i := strings.Index(u, "://"); {
	case i > 0 && isScheme(u[:i]):
		start = i + 3
	case strings.HasPrefix(u, "//"):
		start = 2
	default:
		return 0, 0, false
	}
	end = start
	for end < len(u) && u[end] != '/' && u[end] != '?' && u[end] != '#' {
		end++
	}
	return start, end, true
}

func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20 // lower case letters
		switch {
		case 'a' <= c && c <= 'z':
		case i > 0 && (isDigit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'):
		default:
			return false
		}
	}
	return true
}

// hostOf returns the host of a URL, lower case, without user info, port or
// IPv6 brackets; "" for a URL with none. It avoids net/url, which allocates,
// since it runs twice for every event.
func hostOf(u string) string {
	start, end, ok := authority(u)
	if !ok {
		return ""
	}
	h := u[start:end]
	if i := strings.LastIndexByte(h, '@'); i >= 0 {
		h = h[i+1:]
	}
	if strings.HasPrefix(h, "[") {
		if i := strings.IndexByte(h, ']'); i > 0 {
			h = h[1:i]
		}
	} else if i := strings.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	return strings.ToLower(h) // no allocation when already lower case
}

// pathOf returns the path of a URL, "/" for an absolute URL with none.
func pathOf(u string) string {
	var p string
	if _, end, ok := authority(u); ok {
		p = u[end:]
	} else if strings.HasPrefix(u, "/") {
		p = u
	} else {
		return ""
	}
	for i := 0; i < len(p); i++ {
		if p[i] == '?' || p[i] == '#' {
			p = p[:i]
			break
		}
	}
	if p == "" {
		return "/"
	}
	return p
}

// revenue is properties.revenue, else total, else value; see parseAmount.
func (m *Message) revenue() *waymark.Money {
	for _, s := range [...]string{m.props.Revenue, m.props.Total, m.props.Value} {
		if v, ok := parseAmount(s); ok {
			return &waymark.Money{Amount: v, Currency: strings.ToUpper(strings.TrimSpace(m.props.Currency))}
		}
	}
	return nil
}

// parseAmount reads a JSON number, or a string holding one (space around it
// allowed, as "12.50" from a form field). Not "$12", "1,000", "NaN" or hex,
// which strconv alone would take.
func parseAmount(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if !isNumber(s) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// isNumber reports whether s is a JSON number.
func isNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		for i++; i < len(s) && isDigit(s[i]); i++ {
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return false
		}
		for ; i < len(s) && isDigit(s[i]); i++ {
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return false
		}
		for ; i < len(s) && isDigit(s[i]); i++ {
		}
	}
	return i == len(s)
}

// FromEvent turns a stored event back into a Segment message for export:
// times in RFC 3339 UTC with milliseconds, empty fields left out, raw JSON
// objects passed through. What Waymark derived (Page, Campaign, Device, Geo,
// Revenue) is not written: it is read again from context and properties, so
// FromEvent then ParseMessage then Event gives the event back.
func FromEvent(e *waymark.Event) Message {
	m := Message{
		Type:              e.Type,
		MessageID:         e.MessageID,
		UserID:            e.UserID,
		AnonymousID:       e.AnonymousID,
		GroupID:           e.GroupID,
		PreviousID:        e.PreviousID,
		Timestamp:         formatTime(e.Timestamp),
		OriginalTimestamp: formatTime(e.OriginalTimestamp),
		SentAt:            formatTime(e.SentAt),
		ReceivedAt:        formatTime(e.ReceivedAt),
		Properties:        e.Properties,
		Traits:            e.Traits,
		Context:           e.Context,
		Integrations:      e.Integrations,
	}
	switch e.Type {
	case waymark.Track:
		m.EventName = e.Name
	case waymark.Page, waymark.Screen:
		m.Name = e.Name
	}
	return m
}
