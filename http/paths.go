package http

import (
	"net/http"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// paths answers POST /api/v1/paths: the body is a report.Paths.
func (s *Server) paths(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	var d report.Paths
	if err := decodeReport(w, r, &d); err != nil {
		return err
	}
	result, err := report.RunPaths(r.Context(), s.Store, project.ID, d)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, result)
}

// pathsPersons answers POST /api/v1/paths/persons: the persons on a node or
// edge of a paths report.
func (s *Server) pathsPersons(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	var req struct {
		Paths report.Paths `json:"paths"`
		report.PathsDrill
	}
	if err := decodeReport(w, r, &req); err != nil {
		return err
	}
	page, err := report.PathsPersons(r.Context(), s.Store, project.ID, req.Paths, req.PathsDrill)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page)
}

// pathFunnel answers POST /api/v1/paths/funnel: the funnel definition of
// one path of a paths report.
func (s *Server) pathFunnel(w http.ResponseWriter, r *http.Request, _ waymark.Project) error {
	var req struct {
		Paths report.Paths `json:"paths"`
		Path  []string     `json:"path"`
	}
	if err := decodeReport(w, r, &req); err != nil {
		return err
	}
	f, err := report.FunnelOfPath(req.Paths, req.Path)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}
