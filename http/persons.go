package http

import (
	"context"
	"net/http"

	"github.com/waymark-analytics/waymark"
)

// Pages of persons found, and of a person's timeline.
const (
	defaultPersonPage   = 20
	maxPersonPage       = 100
	defaultTimelinePage = 50
)

// PersonFinder is what the person endpoints read: persons found by an id
// or a trait, a person's profile, and a group's.
type PersonFinder interface {
	SearchPersons(ctx context.Context, projectID, text string, limit int) ([]waymark.PersonSummary, error)
	Person(ctx context.Context, projectID, distinctID string) (waymark.Person, error)
	Group(ctx context.Context, projectID, groupID string) (waymark.GroupProfile, error)
}

// searchPersons answers GET /api/v1/persons?q=TEXT&limit=N: persons by any
// of their ids or identify trait values, or the most recently seen.
func (s *Server) searchPersons(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	p, err := params(r, "q", "limit")
	if err != nil {
		return err
	}
	limit, err := parseLimit(p["limit"], defaultPersonPage, maxPersonPage)
	if err != nil {
		return err
	}
	persons, err := s.Store.SearchPersons(r.Context(), project.ID, p["q"], limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"persons": persons})
}

// personEvents answers GET /api/v1/persons/{id}/events: the person's
// timeline, newest first, across every id merged into them.
func (s *Server) personEvents(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	p, err := params(r, "type", "name", "from", "to", "where", "limit", "before")
	if err != nil {
		return err
	}
	limit, err := parseLimit(p["limit"], defaultTimelinePage, maxEventPage)
	if err != nil {
		return err
	}
	f, err := eventFilter(project, p)
	if err != nil {
		return err
	}
	person, err := s.Store.Person(r.Context(), project.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	f.Person = person.ID
	page, err := s.newestEvents(r.Context(), f, p["before"], limit)
	if err != nil {
		return err
	}
	page.Person = person.ID
	return writeEventPage(w, page)
}
