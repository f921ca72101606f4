package http

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/analyticsjs"
)

// Waymark stands in for Segment's CDN: it serves analytics.js, its chunks
// and its settings at the CDN's paths, so Segment's snippet works with only
// its host changed and the page needs nothing from Segment. What the library
// would otherwise call is listed in docs/api.md ("What the settings turn
// off"); each is turned off or pointed here below.

// settings answers analytics.js's settings request. The settings make
// Waymark the library's only destination and turn off everything else that
// would reach another host.
func (s *Server) settings(w http.ResponseWriter, r *http.Request) error {
	writeKey := r.PathValue("writeKey")
	if _, err := s.keys.lookup(r.Context(), writeKey, false); err != nil {
		return err
	}
	o, err := s.origin(r)
	if err != nil {
		return err
	}
	s.setCaching(w, o, "300")
	apiHost := o.host + "/v1"
	return writeJSON(w, http.StatusOK, map[string]any{
		// Only Segment.io, the library's own sender, pointed here: one more
		// would load destinations' code from the CDN.
		"integrations": map[string]any{
			"Segment.io": map[string]any{"apiKey": writeKey, "apiHost": apiHost, "protocol": o.scheme},
		},
		// The library's usage counters: sampleRate 0 never sends them,
		// and the host keeps them here should that change.
		"metrics":                   map[string]any{"sampleRate": 0, "host": apiHost},
		"remotePlugins":             []any{}, // scripts from other hosts
		"enabledMiddleware":         map[string]any{},
		"middlewareSettings":        map[string]any{}, // no routing rules
		"legacyVideoPluginsEnabled": false,            // would call YouTube's and Vimeo's APIs
		"edgeFunction":              map[string]any{},
		"plan":                      map[string]any{"track": map[string]any{"__default": map[string]any{"enabled": true}}},
		"analyticsNextEnabled":      true,
	})
}

// The loader is the vendored bundle with what Segment's CDN fills in per
// write key. Each placeholder occurs once in the release (tested):
const (
	// The write key, which the loader prefers to the one in the snippet.
	writeKeyPlaceholder = `"__WRITE_KEY__"`
	// Segment's API host. The settings override it for events and
	// counters, but the loader reports its own start-up failures there
	// before any settings exist.
	segmentAPIHost = `"api.segment.io/v1"`
)

// loaderPreamble runs before the loader. The loader takes its CDN, where it
// fetches settings and chunks, from window.analytics._cdn, else from an https
// script URL, else Segment's CDN; the preamble sets _cdn to this script's own
// origin, so that a Waymark served over plain http works too.
const loaderPreamble = "/*! analytics.js (@segment/analytics-next " + analyticsjs.Version + ", MIT licence, Copyright (c) 2021 Segment), served by Waymark */\n" +
	`(function(a,s,m){if(a&&!a._cdn&&s&&(m=/^(.*?)\/analytics\.js\/v1\//.exec(s.src)))a._cdn=m[1]})(window.analytics,document.currentScript);` + "\n"

// analyticsJS serves analytics.min.js for one write key.
func (s *Server) analyticsJS(w http.ResponseWriter, r *http.Request) error {
	writeKey := r.PathValue("writeKey")
	if _, err := s.keys.lookup(r.Context(), writeKey, false); err != nil {
		if waymark.ErrorKind(err) == waymark.KindUnauthorized {
			return waymark.Errorf(waymark.KindNotFound, "unknown write key: no project has it; check the key that the snippet passes to analytics.load")
		}
		return err
	}
	o, err := s.origin(r)
	if err != nil {
		return err
	}
	script, err := renderLoader(writeKey, o.host+"/v1")
	if err != nil {
		return err
	}
	sum := sha256.Sum256(script)
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	// Short: a new release or key reaches pages within minutes.
	s.setCaching(w, o, "300")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(script))
	return nil
}

// renderLoader fills the loader's placeholders in for writeKey and apiHost.
func renderLoader(writeKey, apiHost string) ([]byte, error) {
	script := analyticsjs.Loader
	for _, fill := range []struct{ placeholder, value string }{
		{writeKeyPlaceholder, writeKey},
		{segmentAPIHost, apiHost},
	} {
		if n := bytes.Count(script, []byte(fill.placeholder)); n != 1 {
			return nil, fmt.Errorf("analytics.js %s has %s %d times, want once: check scripts/vendor-analytics-next.sh", analyticsjs.Version, fill.placeholder, n)
		}
		value, err := json.Marshal(fill.value) // a JS string literal, with <, > and & escaped
		if err != nil {
			return nil, err
		}
		script = bytes.Replace(script, []byte(fill.placeholder), value, 1)
	}
	return append([]byte(loaderPreamble), script...), nil
}

// analyticsBundle serves one of the loader's chunks. Their names change
// with their content, so browsers and caches may keep them for good.
func (s *Server) analyticsBundle(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	body, err := fs.ReadFile(analyticsjs.Bundles, name)
	if err != nil {
		return waymark.Errorf(waymark.KindNotFound, "analytics.js %s has no bundle %q", analyticsjs.Version, name)
	}
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+name+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	return nil
}
