package http

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/segment"
)

// Pages of events, newest first, and how many events one page reads at
// most: conditions that reject most events make short pages then, each
// with the cursor to read on.
const (
	defaultEventPage = 100
	maxEventPage     = 1000
	maxEventRead     = 5000
)

// eventTypes are the types an event filter may name.
var eventTypes = []string{"track", "page", "screen", "identify", "group", "alias"}

// EventReader is what the event endpoints read: the export in storage
// order, and pages of events newest first.
type EventReader interface {
	ExportEvents(ctx context.Context, projectID string, fn func(e *waymark.Event, personID string) error) error
	Events(ctx context.Context, q report.EventQuery, fn func(e *report.StoredEvent) error) (report.EventCursor, error)
	Rejections(ctx context.Context, projectID string, fn func(r *waymark.Rejection) error) error
}

// events answers GET /api/v1/events: without parameters the export, every
// event as NDJSON in storage order; with them, the events they filter, in
// storage order or, as JSON pages, newest first.
func (s *Server) events(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	p, err := params(r, "person", "type", "name", "from", "to", "where", "limit", "order", "before")
	if err != nil {
		return err
	}
	if len(p) == 0 {
		return s.exportEvents(w, r, project)
	}
	f, err := eventFilter(project, p)
	if err != nil {
		return err
	}
	switch p["order"] {
	case "", "stored":
		if p["before"] != "" {
			return waymark.Errorf(waymark.KindInvalid, "before: cursors page order=newest; add it")
		}
		limit, err := parseLimit(p["limit"], 0, 0)
		if err != nil {
			return err
		}
		q := report.EventQuery{EventFilter: f, Limit: limit}
		return streamNDJSON(w, func(enc *json.Encoder) error {
			_, err := s.Store.Events(r.Context(), q, func(e *report.StoredEvent) error {
				return enc.Encode(segment.Export(&e.Event, e.PersonID))
			})
			return err
		})
	case "newest":
		limit, err := parseLimit(p["limit"], defaultEventPage, maxEventPage)
		if err != nil {
			return err
		}
		page, err := s.newestEvents(r.Context(), f, p["before"], limit)
		if err != nil {
			return err
		}
		return writeEventPage(w, page)
	}
	return waymark.Errorf(waymark.KindInvalid, "order %q: use stored or newest", p["order"])
}

// exportEvents streams every stored event as NDJSON, the format of
// `waymark export`.
func (s *Server) exportEvents(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	return streamNDJSON(w, func(enc *json.Encoder) error {
		return s.Store.ExportEvents(r.Context(), project.ID, func(e *waymark.Event, personID string) error {
			return enc.Encode(segment.Export(e, personID))
		})
	})
}

// eventFilter reads the filter parameters of an event list: person, type,
// name, from, to and where.
func eventFilter(project waymark.Project, p map[string]string) (report.EventFilter, error) {
	f := report.EventFilter{ProjectID: project.ID, Person: p["person"], EventKind: report.EventKind{Type: p["type"], Name: p["name"]}}
	if f.Type != "" && !slices.Contains(eventTypes, f.Type) {
		return f, waymark.Errorf(waymark.KindInvalid, "type %q: use one of %s", f.Type, strings.Join(eventTypes, ", "))
	}
	var err error
	if f.From, err = parseTime("from", p["from"]); err != nil {
		return f, err
	}
	if f.To, err = parseTime("to", p["to"]); err != nil {
		return f, err
	}
	if where := p["where"]; where != "" {
		dec := json.NewDecoder(strings.NewReader(where))
		dec.DisallowUnknownFields()
		if dec.Decode(&f.Where) != nil || dec.More() {
			return f, waymark.Errorf(waymark.KindInvalid, `where: use a JSON list of conditions, such as [{"field":"properties.plan","op":"=","value":"pro"}]`)
		}
	}
	return f, f.Validate()
}

// eventPage is a page of events, newest first. Next is the cursor of the
// following page, empty on the last.
type eventPage struct {
	Person string             `json:"person,omitempty"`
	Events []segment.Exported `json:"events"`
	Next   string             `json:"next"`
}

// writeEventPage answers with a page, its events written as export lines
// are.
func writeEventPage(w http.ResponseWriter, page eventPage) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	return segment.NewEncoder(w).Encode(page)
}

// newestEvents reads the page of f's events that follows the cursor before.
func (s *Server) newestEvents(ctx context.Context, f report.EventFilter, before string, limit int) (eventPage, error) {
	page := eventPage{Events: []segment.Exported{}}
	cursor, err := report.ParseEventCursor(before)
	if err != nil {
		return page, err
	}
	// One event more than the page tells whether another page follows.
	q := report.EventQuery{EventFilter: f, Newest: true, Before: cursor, Limit: limit + 1, MaxRead: maxEventRead}
	stopped, err := s.Store.Events(ctx, q, func(e *report.StoredEvent) error {
		if len(page.Events) == limit {
			page.Next = cursor.String()
			return nil
		}
		page.Events = append(page.Events, segment.Export(&e.Event, e.PersonID))
		cursor = e.Cursor()
		return nil
	})
	if page.Next == "" {
		page.Next = stopped.String()
	}
	return page, err
}
