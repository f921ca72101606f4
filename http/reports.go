package http

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// maxReportBody bounds a report definition.
const maxReportBody = 1 << 20

// decodeReport reads a JSON report request into v with report.DecodeJSON:
// unknown fields are refused, and errors name the field.
func decodeReport(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxReportBody))
	if tooLarge, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return waymark.Errorf(waymark.KindTooLarge, "a report definition is at most %d bytes", tooLarge.Limit)
	}
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return waymark.Errorf(waymark.KindInvalid, "the request body must be a JSON report definition")
	}
	return report.DecodeJSON(body, v)
}

// funnel answers POST /api/v1/funnels: the body is a report.Funnel.
func (s *Server) funnel(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	var f report.Funnel
	if err := decodeReport(w, r, &f); err != nil {
		return err
	}
	f.Now = s.now()
	result, err := report.RunFunnel(r.Context(), s.Store, project.ID, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, result)
}

// funnelPersons answers POST /api/v1/funnels/persons: the persons behind
// one number of a funnel.
func (s *Server) funnelPersons(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	var req struct {
		Funnel report.Funnel `json:"funnel"`
		report.Drill
	}
	if err := decodeReport(w, r, &req); err != nil {
		return err
	}
	req.Funnel.Now = s.now()
	page, err := report.FunnelPersons(r.Context(), s.Store, project.ID, req.Funnel, req.Drill)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page)
}

// journeyReport answers POST /api/v1/journeys/report: the body holds a
// journey definition and an optional date range.
func (s *Server) journeyReport(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	var req struct {
		Journey report.Journey `json:"journey"`
		From    report.Time    `json:"from"`
		To      report.Time    `json:"to"`
	}
	if err := decodeReport(w, r, &req); err != nil {
		return err
	}
	result, err := report.RunJourney(r.Context(), s.Store, project.ID, req.Journey, report.JourneyRange{From: req.From.Time, To: req.To.Time})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, result)
}
