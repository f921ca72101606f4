package http

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// SpendStore keeps each project's ad spend.
type SpendStore interface {
	ImportSpend(ctx context.Context, projectID string, rows []report.SpendRow) error
	report.SpendReader
}

// maxSpendBody bounds a spend file: report.MaxSpendRows rows of a long
// campaign name.
const maxSpendBody = 16 << 20

// attribution answers POST /api/v1/attribution: the body is a
// report.Attribution.
func (s *Server) attribution(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	var a report.Attribution
	if err := decodeReport(w, r, &a); err != nil {
		return err
	}
	result, err := report.RunAttribution(r.Context(), s.Store, project.ID, a)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, result)
}

// importSpend answers POST /api/v1/spend: the body is a spend file (see
// report.ReadSpendCSV), imported whole or not at all.
func (s *Server) importSpend(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	rows, err := report.ReadSpendCSV(http.MaxBytesReader(w, r.Body, maxSpendBody))
	if tooLarge, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return waymark.Errorf(waymark.KindTooLarge, "a spend file is at most %d bytes", tooLarge.Limit)
	}
	if err != nil {
		return err
	}
	if err := s.Store.ImportSpend(r.Context(), project.ID, rows); err != nil {
		return err
	}
	first, last := rows[0].Day, rows[0].Day
	for _, row := range rows {
		if row.Day.Before(first) {
			first = row.Day
		}
		if row.Day.After(last) {
			last = row.Day
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"rows": len(rows), "field": rows[0].Field, "from": first.Format(time.DateOnly), "to": last.Format(time.DateOnly)})
}

// spend answers GET /api/v1/spend?field=F[&from=DAY][&to=DAY]: the
// project's spend of a field on the days from <= day < to, by value and
// day.
func (s *Server) spend(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	q := r.URL.Query()
	field := report.Field(q.Get("field"))
	if field == "" {
		return waymark.Errorf(waymark.KindInvalid, "name the field whose spend to list: ?field=utm_campaign")
	}
	if err := field.Validate(); err != nil {
		return err
	}
	var days [2]time.Time
	for i, name := range []string{"from", "to"} {
		if v := q.Get(name); v != "" {
			day, err := time.Parse(time.DateOnly, v)
			if err != nil {
				return waymark.Errorf(waymark.KindInvalid, "%s %q is not a day: write it as YYYY-MM-DD", name, v)
			}
			days[i] = day
		}
	}
	rows, err := s.Store.Spend(r.Context(), project.ID, field, days[0], days[1])
	if err != nil {
		return err
	}
	report.SortSpend(rows)
	if rows == nil {
		rows = []report.SpendRow{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"spend": rows})
}
