package http

import (
	"net/http"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// overview answers GET /api/v1/overview?from=&to=&goal=&interval=: the
// figures of the overview page in one answer.
func (s *Server) overview(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	p, err := params(r, "from", "to", "goal", "interval")
	if err != nil {
		return err
	}
	o := report.Overview{Goal: p["goal"], Interval: report.Period(p["interval"]), Now: s.now()}
	if o.From, err = parseTime("from", p["from"]); err != nil {
		return err
	}
	if o.To, err = parseTime("to", p["to"]); err != nil {
		return err
	}
	result, err := report.RunOverview(r.Context(), s.Store, project.ID, o)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, result)
}
