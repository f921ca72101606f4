package http

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// SchemaStore is what the schema endpoints read: the catalog of what a
// project's events are called and carry (docs/api.md#schema).
type SchemaStore interface {
	report.Catalog
	PropertyKeys(ctx context.Context, projectID string, filter report.EventKind) ([]report.PropertyKey, error)
	TraitKeys(ctx context.Context, projectID string) ([]report.TraitKey, error)
	FieldValues(ctx context.Context, projectID string, q report.ValuesQuery) ([]report.FieldValue, error)
}

// schemaEvents answers GET /api/v1/schema/events: every (type, name) of the
// project's events, most events first.
func (s *Server) schemaEvents(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	if err := onlyParams(r); err != nil {
		return err
	}
	names, err := s.Store.EventNames(r.Context(), project.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"events": names})
}

// schemaProperties answers GET /api/v1/schema/properties?event=&type=: the
// top-level property keys of the events of that name and type (any when
// not given), most used first.
func (s *Server) schemaProperties(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	if err := onlyParams(r, "event", "type"); err != nil {
		return err
	}
	filter := report.EventKind{Type: r.URL.Query().Get("type"), Name: r.URL.Query().Get("event")}
	if err := messageType(filter.Type); err != nil {
		return err
	}
	keys, err := s.Store.PropertyKeys(r.Context(), project.ID, filter)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"properties": keys})
}

// schemaTraits answers GET /api/v1/schema/traits: the keys of identify
// calls' traits with the number of persons who sent each.
func (s *Server) schemaTraits(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	if err := onlyParams(r); err != nil {
		return err
	}
	keys, err := s.Store.TraitKeys(r.Context(), project.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"traits": keys})
}

// schemaValues answers GET /api/v1/schema/values?field=&event=&q=&limit=:
// the most common values of a field.
func (s *Server) schemaValues(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	if err := onlyParams(r, "field", "event", "q", "limit"); err != nil {
		return err
	}
	params := r.URL.Query()
	q := report.ValuesQuery{Field: report.Field(params.Get("field")), Event: params.Get("event"), Prefix: params.Get("q")}
	if limit := params.Get("limit"); limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n < 1 || n > report.MaxValues {
			return waymark.Errorf(waymark.KindInvalid, "limit %q: use a number from 1 to %d", limit, report.MaxValues)
		}
		q.Limit = n
	}
	values, err := s.Store.FieldValues(r.Context(), project.ID, q)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"values": values})
}

// schemaFields answers GET /api/v1/schema/fields: the fields conditions
// and breakdowns can read that are not keys.
func (s *Server) schemaFields(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	if err := onlyParams(r); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"fields": report.Fields()})
}

// onlyParams refuses a request with a query parameter not among names, so
// that a misspelt one is an error rather than silently ignored.
func onlyParams(r *http.Request, names ...string) error {
	for name := range r.URL.Query() {
		if !slices.Contains(names, name) {
			if len(names) == 0 {
				return waymark.Errorf(waymark.KindInvalid, "unknown parameter %q: %s takes none", name, r.URL.Path)
			}
			return waymark.Errorf(waymark.KindInvalid, "unknown parameter %q: %s takes %s", name, r.URL.Path, strings.Join(names, ", "))
		}
	}
	return nil
}

// messageType checks an event type parameter; empty means any.
func messageType(t string) error {
	switch waymark.MessageType(t) {
	case "", waymark.Track, waymark.Page, waymark.Screen, waymark.Identify, waymark.Group, waymark.Alias:
		return nil
	}
	return waymark.Errorf(waymark.KindInvalid, "type %q: use track, page, screen, identify, group or alias", t)
}
