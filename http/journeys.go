package http

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// JourneyStore keeps each project's saved journey definitions.
type JourneyStore interface {
	SaveJourney(ctx context.Context, projectID string, j report.Journey) (report.SavedJourney, error)
	// CreateJourney saves j unless a journey has its id, failing with
	// KindConflict then.
	CreateJourney(ctx context.Context, projectID string, j report.Journey) (report.SavedJourney, error)
	Journey(ctx context.Context, projectID, id string) (report.SavedJourney, error)
	Journeys(ctx context.Context, projectID string) ([]report.SavedJourney, error)
	DeleteJourney(ctx context.Context, projectID, id string) error
}

// maxJourneyID is the length of the longest journey id.
const maxJourneyID = 64

// journeyID is what a saved journey's id may be, so that it reads well in
// a URL path and a file name.
var journeyID = regexp.MustCompile(fmt.Sprintf(`^[a-z0-9][a-z0-9_-]{0,%d}$`, maxJourneyID-1))

// listJourneys answers GET /api/v1/journeys: every saved journey, by name.
func (s *Server) listJourneys(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	journeys, err := s.Store.Journeys(r.Context(), project.ID)
	if err != nil {
		return err
	}
	if journeys == nil {
		journeys = []report.SavedJourney{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"journeys": journeys})
}

// createJourney answers POST /api/v1/journeys: the body is a journey
// definition, saved under its id, or under an id made of its name when it
// has none.
func (s *Server) createJourney(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	j, err := decodeJourney(w, r)
	if err != nil {
		return err
	}
	named := j.ID != ""
	if named {
		if err := validJourneyID(j.ID); err != nil {
			return err
		}
	}
	// An id made of the name that another request takes meanwhile is made
	// again, a few times: each try sees one more id taken. A conflict on
	// the body's id is the client's to resolve.
	for made := 1; ; made++ {
		if !named {
			if j.ID, err = s.freeJourneyID(r.Context(), project.ID, j.Name); err != nil {
				return err
			}
		}
		saved, err := s.Store.CreateJourney(r.Context(), project.ID, j)
		if waymark.ErrorKind(err) == waymark.KindConflict && !named && made < 10 {
			continue
		}
		if waymark.ErrorKind(err) == waymark.KindConflict {
			return waymark.Errorf(waymark.KindConflict, "a journey with id %q exists; PUT /api/v1/journeys/%s replaces it", j.ID, j.ID)
		}
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/journeys/"+url.PathEscape(saved.ID))
		return writeJSON(w, http.StatusCreated, saved)
	}
}

// putJourney answers PUT /api/v1/journeys/{id}: the body is a journey
// definition, which replaces the one saved under id or creates it.
func (s *Server) putJourney(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	id := r.PathValue("id")
	if err := validJourneyID(id); err != nil {
		return err
	}
	j, err := decodeJourney(w, r)
	if err != nil {
		return err
	}
	if j.ID != "" && j.ID != id {
		return waymark.Errorf(waymark.KindInvalid, "the body's id %q is not the path's %q: leave it out or make them the same", j.ID, id)
	}
	j.ID = id
	saved, err := s.Store.SaveJourney(r.Context(), project.ID, j)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, saved)
}

// journey answers GET /api/v1/journeys/{id}, as JSON or, with
// ?format=yaml, as YAML.
func (s *Server) journey(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	p, err := params(r, "format")
	if err != nil {
		return err
	}
	format := p["format"]
	if format != "" && format != "json" && format != "yaml" {
		return waymark.Errorf(waymark.KindInvalid, "format %q: use json or yaml", format)
	}
	j, err := s.Store.Journey(r.Context(), project.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if format == "yaml" {
		return writeYAML(w, http.StatusOK, j)
	}
	return writeJSON(w, http.StatusOK, j)
}

// deleteJourney answers DELETE /api/v1/journeys/{id}.
func (s *Server) deleteJourney(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	if err := s.Store.DeleteJourney(r.Context(), project.ID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// savedJourneyReport answers GET /api/v1/journeys/{id}/report?from=&to=:
// the journey map of a saved journey, as POST /api/v1/journeys/report
// answers it for the same definition.
func (s *Server) savedJourneyReport(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	p, err := params(r, "from", "to")
	if err != nil {
		return err
	}
	from, err := parseTime("from", p["from"])
	if err != nil {
		return err
	}
	to, err := parseTime("to", p["to"])
	if err != nil {
		return err
	}
	j, err := s.Store.Journey(r.Context(), project.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if j.Error != "" {
		return waymark.Errorf(waymark.KindInvalid, "journey %q cannot be used: %s; replace it (PUT /api/v1/journeys/%s) or delete it", j.ID, j.Error, j.ID)
	}
	result, err := report.RunJourney(r.Context(), s.Store, project.ID, j.Journey, report.JourneyRange{From: from, To: to})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, result)
}

// decodeJourney reads a journey definition and checks that it can run. It
// takes the "updated" of a journey the API answered, and ignores it.
func decodeJourney(w http.ResponseWriter, r *http.Request) (report.Journey, error) {
	var j report.SavedJourney
	if err := decodeReport(w, r, &j); err != nil {
		return report.Journey{}, err
	}
	return j.Journey, j.Validate()
}

func validJourneyID(id string) error {
	if !journeyID.MatchString(id) {
		return waymark.Errorf(waymark.KindInvalid, "journey id %q: use 1 to %d lowercase letters, digits, '-' and '_', starting with a letter or digit", id, maxJourneyID)
	}
	return nil
}

// freeJourneyID makes an id of a journey's name that no saved journey of the
// project has: the name's letters and digits in lower case, other runs of
// characters as '-', and -2, -3 and so on when taken.
func (s *Server) freeJourneyID(ctx context.Context, projectID, name string) (string, error) {
	journeys, err := s.Store.Journeys(ctx, projectID)
	if err != nil {
		return "", err
	}
	taken := make(map[string]bool, len(journeys))
	for _, j := range journeys {
		taken[j.ID] = true
	}
	base := slug(name)
	for n := 1; ; n++ {
		id := base
		if n > 1 {
			suffix := fmt.Sprint("-", n)
			id = strings.TrimRight(base[:min(len(base), maxJourneyID-len(suffix))], "-") + suffix
		}
		if !taken[id] {
			return id, nil
		}
	}
}

// slug is the URL-safe form of a name: "Lead nurturing (Q3)" is
// "lead-nurturing-q3". A name without a letter or digit of a-z and 0-9 is
// "journey".
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(name) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
		} else {
			dash = true
		}
	}
	s := strings.TrimRight(b.String()[:min(b.Len(), maxJourneyID)], "-")
	if s == "" {
		return "journey"
	}
	return s
}

// parseTime reads the value of a parameter that is a time, as
// report.ParseTime reads it; empty is the zero time.
func parseTime(name, value string) (time.Time, error) {
	if value == "" {
		return time.Time{}, nil
	}
	t, err := report.ParseTime(value)
	if err != nil {
		return t, waymark.Errorf(waymark.KindInvalid, "%s: %s", name, waymark.ErrorMessage(err))
	}
	return t, nil
}

// writeYAML answers with v as YAML, as report.EncodeYAML writes it.
func writeYAML(w http.ResponseWriter, status int, v any) error {
	b, err := report.EncodeYAML(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/yaml")
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}
