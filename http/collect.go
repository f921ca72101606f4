package http

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/ingest"
	"github.com/waymark-analytics/waymark/segment"
)

// ingestResponse keeps Segment's {"success": true} and adds what happened to
// each message, so a sender can see which were rejected and why.
type ingestResponse struct {
	Success    bool              `json:"success"`
	Accepted   int               `json:"accepted"`
	Duplicates int               `json:"duplicates"`
	Rejected   []ingest.Rejected `json:"rejected"`
}

// ingest handles one Segment endpoint; typ is empty for batch and import.
// Invalid messages are kept as dead letters and reported, never fail the
// request: Segment's SDKs retry any non-2xx answer, which would only resend
// the whole batch.
func (s *Server) ingest(typ waymark.MessageType) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		receivedAt := s.now()
		// A key in the header is checked before the body is read; analytics.js
		// puts its key in the body instead.
		var project waymark.Project
		key := basicAuthUser(r)
		if key != "" {
			var err error
			if project, err = s.keys.lookup(r.Context(), key, false); err != nil {
				return err
			}
		}
		body, err := readBody(r)
		if err != nil {
			return err
		}
		payload, err := segment.DecodePayload(body, typ)
		if err != nil {
			return err
		}
		if key == "" {
			if payload.WriteKey == "" {
				return waymark.Errorf(waymark.KindUnauthorized, "a write key is required: send it as the basic-auth user or as writeKey in the body")
			}
			if project, err = s.keys.lookup(r.Context(), payload.WriteKey, false); err != nil {
				return err
			}
		}
		batch := s.Pipeline.Process(ingest.Source{ProjectID: project.ID, ReceivedAt: receivedAt, IP: s.clientIP(r)}, payload)
		duplicate, err := s.Writer.Write(r.Context(), batch.Events, batch.Rejections)
		if err != nil {
			return err
		}
		resp := ingestResponse{Success: true, Accepted: len(batch.Events), Rejected: batch.Rejected}
		if resp.Rejected == nil {
			resp.Rejected = []ingest.Rejected{}
		}
		for _, d := range duplicate {
			if d {
				resp.Duplicates++
				resp.Accepted--
			}
		}
		return writeJSON(w, http.StatusOK, resp)
	}
}

// basicAuthUser returns the user of "Authorization: Basic", or "". Unlike
// http.Request.BasicAuth it also takes credentials without a colon, as some
// clients send a key alone.
func basicAuthUser(r *http.Request) string {
	if user, _, ok := r.BasicAuth(); ok {
		return user
	}
	scheme, credentials, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return ""
	}
	user, err := base64.StdEncoding.DecodeString(credentials)
	if err != nil {
		return ""
	}
	return string(user) // BasicAuth took any with a colon
}

// clientIP is the address the request came from: the first hop of
// X-Forwarded-For when the server sits behind a trusted proxy.
func (s *Server) clientIP(r *http.Request) string {
	if s.TrustProxy {
		if forwarded := r.Header.Get("X-Forwarded-For"); forwarded != "" {
			first, _, _ := strings.Cut(forwarded, ",")
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// readBody reads a request body of at most segment.MaxBatchBytes, after gzip
// decoding when the client compressed it.
func readBody(r *http.Request) ([]byte, error) {
	var src io.Reader = http.MaxBytesReader(nil, r.Body, segment.MaxBatchBytes+1)
	switch encoding := r.Header.Get("Content-Encoding"); {
	case encoding == "" || strings.EqualFold(encoding, "identity"):
	case strings.EqualFold(encoding, "gzip"):
		zr, err := gzip.NewReader(src)
		if err != nil {
			return nil, waymark.Errorf(waymark.KindInvalid, "body is not valid gzip: %v", err)
		}
		defer zr.Close()
		src = zr
	default:
		return nil, waymark.Errorf(waymark.KindInvalid, "Content-Encoding %q is not supported; send gzip or an uncompressed body", encoding)
	}
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(src, segment.MaxBatchBytes+1))
	if n > segment.MaxBatchBytes || isMaxBytes(err) {
		return nil, waymark.Errorf(waymark.KindTooLarge, "request body is larger than %d KB; send at most 500 KB and 2,500 events per batch", segment.MaxBatchBytes>>10)
	}
	if err != nil {
		return nil, waymark.Errorf(waymark.KindInvalid, "reading body: %v", err)
	}
	return buf.Bytes(), nil
}

func isMaxBytes(err error) bool {
	_, ok := err.(*http.MaxBytesError)
	return ok
}

// cors lets browser SDKs on any site post events. No credentials are allowed:
// the write key travels in the request, never in a cookie.
func cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Content-Encoding, X-Retry-Count")
			h.Set("Access-Control-Max-Age", "86400")
		}
		next.ServeHTTP(w, r)
	})
}

func preflight(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }
