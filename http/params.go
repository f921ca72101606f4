package http

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/waymark-analytics/waymark"
)

// params returns a request's query parameters, refusing any not in known
// and any given twice: a misspelt filter must not silently widen an answer.
func params(r *http.Request, known ...string) (map[string]string, error) {
	p := map[string]string{}
	for name, values := range r.URL.Query() {
		if !slices.Contains(known, name) {
			return nil, waymark.Errorf(waymark.KindInvalid, "unknown parameter %q: use %s", name, strings.Join(known, ", "))
		}
		if len(values) > 1 {
			return nil, waymark.Errorf(waymark.KindInvalid, "parameter %q is given %d times: give it once", name, len(values))
		}
		p[name] = values[0]
	}
	return p, nil
}

// parseLimit reads a limit parameter: def when empty, else from 1 to most,
// or any whole number above 0 when most is 0.
func parseLimit(value string, def, most int) (int, error) {
	if value == "" {
		return def, nil
	}
	n, err := strconv.Atoi(value)
	switch {
	case most == 0 && (err != nil || n < 1):
		return 0, waymark.Errorf(waymark.KindInvalid, "limit %q: use a whole number above 0", value)
	case most > 0 && (err != nil || n < 1 || n > most):
		return 0, waymark.Errorf(waymark.KindInvalid, "limit %q: use a whole number from 1 to %d", value, most)
	}
	return n, nil
}
