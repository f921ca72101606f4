package http

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/segment"
)

// projectHandlerFunc is a query API handler for the project of the read key.
type projectHandlerFunc func(w http.ResponseWriter, r *http.Request, project waymark.Project) error

// withReadKey authenticates the query API with a project's read key, sent as
// "Authorization: Bearer KEY" or as the basic-auth user, or with the
// dashboard's session cookie.
func (s *Server) withReadKey(fn projectHandlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		key := basicAuthUser(r)
		if scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
			key = token
		}
		if key == "" {
			project, ok, err := s.session(r)
			if err != nil {
				return err
			}
			if ok {
				if !safeMethod(r.Method) && !sameOrigin(r) {
					return waymark.Errorf(waymark.KindForbidden, "a request signed in by the session cookie must come from this server's pages")
				}
				return fn(w, r, project)
			}
			return waymark.Errorf(waymark.KindUnauthorized, "a read key is required: send \"Authorization: Bearer KEY\"")
		}
		project, err := s.keys.lookup(r.Context(), key, true)
		if err != nil {
			return err
		}
		return fn(w, r, project)
	}
}

// exportRejected streams the dead letters as NDJSON.
func (s *Server) exportRejected(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	return streamNDJSON(w, func(enc *json.Encoder) error {
		return s.Store.Rejections(r.Context(), project.ID, func(rej *waymark.Rejection) error {
			return enc.Encode(segment.ExportRejection(rej))
		})
	})
}

// streamNDJSON answers with the lines that write encodes. A failure after
// lines have gone out cuts the connection, so that a client cannot take a
// truncated export for a whole one.
func streamNDJSON(w http.ResponseWriter, write func(enc *json.Encoder) error) error {
	w.Header().Set("Content-Type", "application/x-ndjson")
	out := &countingWriter{w: bufio.NewWriter(w)}
	if err := write(segment.NewEncoder(out)); err != nil {
		if out.n > out.w.Buffered() { // some lines have reached the client
			panic(http.ErrAbortHandler)
		}
		return err
	}
	return out.w.Flush()
}

type countingWriter struct {
	w *bufio.Writer
	n int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += n
	return n, err
}

// person returns the person a distinct id resolves to.
func (s *Server) person(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	p, err := s.Store.Person(r.Context(), project.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// group returns a group's latest traits and its members.
func (s *Server) group(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	g, err := s.Store.Group(r.Context(), project.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, g)
}
