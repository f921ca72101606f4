package http

import (
	"net"
	"net/http"
	"strings"

	"github.com/waymark-analytics/waymark"
)

// origin is where browsers reach this server, as analytics.js is told in its
// settings and its loader.
type origin struct {
	scheme string // http or https
	// host is host[:port] followed by the public URL's path, if any, as
	// analytics.js's apiHost wants it: "waymark.example.com/prefix".
	host string
	// fromRequest is set when host comes from the request's own headers:
	// an answer built from it is only for the one who sent them.
	fromRequest bool
}

// url is the origin as a base URL, such as https://waymark.example.com/prefix.
func (o origin) url() string { return o.scheme + "://" + o.host }

// origin returns where browsers reach the server, from the first that is
// known: the configured public URL; the headers a trusted proxy sets; the
// listen address unless it is a wildcard; and last the request's Host.
// Without a trusted proxy Host and X-Forwarded-* are anyone's to set, so an
// answer built from them must never be cached for someone else (see
// setCaching).
func (s *Server) origin(r *http.Request) (origin, error) {
	if u := s.PublicURL; u != nil {
		return origin{scheme: u.Scheme, host: u.Host + strings.TrimSuffix(u.Path, "/")}, nil
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if s.TrustProxy {
		if proto := strings.ToLower(firstValue(r.Header.Get("X-Forwarded-Proto"))); proto == "http" || proto == "https" {
			scheme = proto
		}
		host := firstValue(r.Header.Get("X-Forwarded-Host"))
		if host == "" {
			host = r.Host
		}
		if !validHost(host) {
			return origin{}, waymark.Errorf(waymark.KindInvalid, "the proxy's Host or X-Forwarded-Host is not a host name with an optional port; set --public-url")
		}
		return origin{scheme: scheme, host: host}, nil
	}
	if !s.OriginFromRequests() {
		return origin{scheme: scheme, host: s.ListenAddr}, nil
	}
	if !validHost(r.Host) {
		return origin{}, waymark.Errorf(waymark.KindInvalid, "the Host header is not a host name with an optional port")
	}
	return origin{scheme: scheme, host: r.Host, fromRequest: true}, nil
}

// OriginFromRequests reports whether analytics.js is pointed at each
// request's Host, for want of a public URL, a trusted proxy or a listen
// address that is not a wildcard (0.0.0.0, ::).
func (s *Server) OriginFromRequests() bool {
	if s.PublicURL != nil || s.TrustProxy {
		return false
	}
	host, _, err := net.SplitHostPort(s.ListenAddr)
	if err != nil {
		return true
	}
	ip := net.ParseIP(host)
	return host == "" || ip != nil && ip.IsUnspecified()
}

// setCaching lets shared caches keep an answer built from o for maxAge
// seconds, unless o came from the request: then nobody may store it.
func (s *Server) setCaching(w http.ResponseWriter, o origin, maxAge string) {
	h := w.Header()
	if o.fromRequest {
		h.Set("Cache-Control", "no-store")
		return
	}
	h.Set("Cache-Control", "public, max-age="+maxAge)
	if s.PublicURL == nil && s.TrustProxy {
		h.Set("Vary", "X-Forwarded-Host, X-Forwarded-Proto")
	}
}

// firstValue is the first of a header's comma-separated values, as the
// client-most proxy set it.
func firstValue(v string) string {
	first, _, _ := strings.Cut(v, ",")
	return strings.TrimSpace(first)
}

// validHost reports whether h is a host name or IP address with an optional
// port, and nothing else: it goes into URLs that browsers call.
func validHost(h string) bool {
	host, port, err := net.SplitHostPort(h)
	switch {
	case err == nil:
		if port == "" || strings.Trim(port, "0123456789") != "" {
			return false
		}
		if strings.Contains(host, ":") { // was in brackets
			return net.ParseIP(host) != nil
		}
	case strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]"):
		return strings.Contains(h, ":") && net.ParseIP(h[1:len(h)-1]) != nil
	default:
		host = h
	}
	return validHostName(host)
}

// validHostName reports whether name is a DNS name or an IPv4 address.
func validHostName(name string) bool {
	if name == "" || len(name) > 253 {
		return false
	}
	for label := range strings.SplitSeq(name, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		if strings.Trim(strings.ToLower(label), "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return false
		}
	}
	return true
}
