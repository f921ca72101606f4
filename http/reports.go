package http

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// maxReportBody bounds a report definition.
const maxReportBody = 1 << 20

// decodeReport reads a JSON report request, rejecting unknown fields so
// that a misspelt option is an error rather than silently ignored.
func decodeReport(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxReportBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return waymark.Errorf(waymark.KindTooLarge, "a report definition is at most %d bytes", maxReportBody)
		}
		if waymark.ErrorKind(err) == waymark.KindInvalid {
			return err
		}
		if err == io.EOF {
			return waymark.Errorf(waymark.KindInvalid, "the request body must be a JSON report definition")
		}
		return &waymark.Error{Kind: waymark.KindInvalid, Message: "bad report definition: " + err.Error(), Err: err}
	}
	return nil
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
		From    time.Time      `json:"from"`
		To      time.Time      `json:"to"`
	}
	if err := decodeReport(w, r, &req); err != nil {
		return err
	}
	result, err := report.RunJourney(r.Context(), s.Store, project.ID, req.Journey, report.JourneyRange{From: req.From, To: req.To})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, result)
}
