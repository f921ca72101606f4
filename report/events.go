package report

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/waymark-analytics/waymark"
)

// EventFilter picks stored events of a project: every part that is set
// must hold. Engines narrow by the columns in SQL and then apply Matches,
// so an event list means what a report's conditions mean.
type EventFilter struct {
	ProjectID string
	// Person, a distinct id, keeps the events of the person it resolves to
	// now: those of every id merged into them.
	Person string
	EventKind
	From, To time.Time // From <= timestamp < To; zero means unbounded
	Where    []Condition
}

// Validate reports a filter that cannot be applied.
func (f *EventFilter) Validate() error {
	for _, c := range f.Where {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.From.After(f.To) {
		return invalid("from %s is after to %s", f.From.Format(time.RFC3339Nano), f.To.Format(time.RFC3339Nano))
	}
	return nil
}

// ValidateLive reports a filter a live stream cannot apply: one that cannot
// be applied at all, or that reads person fields, whose values a stream
// would have to follow as well.
func (f *EventFilter) ValidateLive() error {
	if err := f.Validate(); err != nil {
		return err
	}
	if len(f.PersonFields()) > 0 {
		return invalid("a live stream cannot filter by person fields: use them in event lists")
	}
	return nil
}

// PersonFields returns the person fields the filter's conditions read.
func (f *EventFilter) PersonFields() []Field {
	var fields []Field
	for _, c := range f.Where {
		if c.Field.OfPerson() && !slices.Contains(fields, c.Field) {
			fields = append(fields, c.Field)
		}
	}
	return fields
}

// Matches reports whether e, whose person has the profile person, passes the
// filter's type, name, range and conditions; Person is the engine's to
// apply. Times compare to the microsecond, as stored.
func (f *EventFilter) Matches(e *waymark.Event, person Profile) bool {
	at := e.Timestamp.Truncate(time.Microsecond)
	switch {
	case !f.picks(e),
		!f.From.IsZero() && at.Before(f.From),
		!f.To.IsZero() && !at.Before(f.To):
		return false
	}
	for _, c := range f.Where {
		if !c.Holds(e, person) {
			return false
		}
	}
	return true
}

// EventQuery asks an engine for the events of a filter, in storage order or
// newest first.
type EventQuery struct {
	EventFilter
	// Newest orders by timestamp, then seq, then message id, all
	// descending; otherwise events come in storage order.
	Newest bool
	// Before, with Newest, starts after this event: the next page.
	Before EventCursor
	// Limit, if above 0, stops after that many events.
	Limit int
	// MaxRead, if above 0, with Newest, stops after reading that many
	// events of the columns the filter narrows by, whether its conditions
	// pass them or not, and tells where: conditions that reject almost
	// everything then cost a bounded read per request.
	MaxRead int
}

// StoredEvent is an event as an event query returns it.
type StoredEvent struct {
	Event    waymark.Event
	PersonID string // the person its distinct id resolves to now
	Seq      int64  // storage order
}

// Cursor is the event's place in newest-first order.
func (e *StoredEvent) Cursor() EventCursor {
	return EventCursor{Time: e.Event.Timestamp, Seq: e.Seq, MessageID: e.Event.MessageID}
}

// EventCursor is a place in newest-first order: the events after it are
// older, or as old and stored earlier. The zero cursor is before the newest
// event.
type EventCursor struct {
	Time      time.Time
	Seq       int64
	MessageID string // breaks ties of copies that two collectors numbered alike
}

// IsZero reports whether c is the start.
func (c EventCursor) IsZero() bool { return c == EventCursor{} }

// String is the cursor as the API hands it out: opaque, and safe in a URL.
func (c EventCursor) String() string {
	if c.IsZero() {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d.%d.%s", c.Time.UnixMicro(), c.Seq, c.MessageID))
}

// ParseEventCursor reads a cursor that String wrote; "" is the start.
func ParseEventCursor(s string) (EventCursor, error) {
	if s == "" {
		return EventCursor{}, nil
	}
	bad := invalid("cursor %q is not one this API gave: pass the \"next\" of an earlier answer", s)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return EventCursor{}, bad
	}
	parts := strings.SplitN(string(b), ".", 3)
	if len(parts) != 3 || parts[2] == "" {
		return EventCursor{}, bad
	}
	micros, err1 := strconv.ParseInt(parts[0], 10, 64)
	seq, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return EventCursor{}, bad
	}
	return EventCursor{Time: time.UnixMicro(micros).UTC(), Seq: seq, MessageID: parts[2]}, nil
}
