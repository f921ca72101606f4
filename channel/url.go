package channel

import (
	"strings"
)

// Hand-written URL scanning: net/url allocates a *URL and a map per call,
// and all Classify needs is a host and a few query parameters. Anything
// that does not look like a URL yields "" rather than an error.

// hostOf returns the lower-case host of rawURL without port, userinfo or
// trailing dot, or "" when rawURL has no usable host. A URL without a scheme
// ("www.google.com/search") is read as starting with its host.
func hostOf(rawURL string) string {
	s := strings.TrimSpace(rawURL)
	if i := strings.Index(s, "://"); i >= 0 && validScheme(s[:i]) {
		s = s[i+3:]
	} else if strings.HasPrefix(s, "//") {
		s = s[2:]
	} else if strings.IndexByte(s, ':') >= 0 && !strings.Contains(s, ".") {
		return "" // about:blank, javascript:, ...
	}
	if i := strings.IndexAny(s, "/?#\\"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if strings.HasPrefix(s, "[") { // IPv6 literal
		i := strings.IndexByte(s, ']')
		if i < 0 {
			return ""
		}
		return strings.ToLower(s[:i+1])
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(s, ".")
	if !validHost(s) {
		return ""
	}
	return strings.ToLower(s)
}

func validScheme(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// validHost accepts letters, digits, '-', '_', '.' and non-ASCII bytes
// (internationalised names); a host needs at least one dot or to be
// "localhost" to be worth reporting.
func validHost(s string) bool {
	if s == "" || s[0] == '.' {
		return false
	}
	dot := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if s[i-1] == '.' {
				return false
			}
			dot = true
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c >= 0x80:
		default:
			return false
		}
	}
	return dot || s == "localhost"
}

// rawQuery returns the query string of rawURL, without '?' and fragment.
func rawQuery(rawURL string) string {
	i := strings.IndexByte(rawURL, '?')
	if i < 0 {
		return ""
	}
	q := rawURL[i+1:]
	if j := strings.IndexByte(q, '#'); j >= 0 {
		q = q[:j]
	}
	return q
}

// trimWWW drops a leading "www." so that www.example.com and example.com
// report as one source.
func trimWWW(host string) string {
	return strings.TrimPrefix(host, "www.")
}

// sameSite reports whether a referrer host belongs to the site of the page:
// the same host, ignoring "www.", or one a subdomain of the other
// (shop.example.com and example.com). Sibling subdomains
// (blog.example.com, app.example.com) are different sites, as in GA4.
func sameSite(refHost, pageHost string) bool {
	if refHost == "" || pageHost == "" {
		return false
	}
	a, b := trimWWW(refHost), trimWWW(pageHost)
	return a == b || isSubdomain(a, b) || isSubdomain(b, a)
}

// isSubdomain reports whether host is a subdomain of domain.
func isSubdomain(host, domain string) bool {
	return len(host) > len(domain) && strings.HasSuffix(host, domain) && host[len(host)-len(domain)-1] == '.'
}

// lookupHost finds the known site a lower-case host belongs to.
func lookupHost(host string) (site, bool) {
	// Listed domains, longest suffix first: mail.google.com before any
	// google rule, uk.search.yahoo.com via search.yahoo.com.
	for h := host; h != ""; {
		if s, ok := siteDomains[h]; ok {
			return s, true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			break
		}
		h = h[i+1:]
	}
	// Brands under country domains: [sub.]brand.tld or [sub.]brand.co.tld.
	for rest := host; ; {
		i := strings.IndexByte(rest, '.')
		if i < 0 {
			return site{}, false
		}
		label, suffix := rest[:i], rest[i+1:]
		if b, ok := siteBrands[label]; ok && countryDomain(suffix) {
			prefix := strings.TrimSuffix(host[:len(host)-len(rest)], ".")
			if b.anySubdomain || searchSubdomain(prefix) {
				return b.site, true
			}
		}
		rest = suffix
	}
}

// countryDomain reports whether s looks like a top-level or country domain:
// one or two short labels, as in "com", "de", "co.uk" or "com.au".
func countryDomain(s string) bool {
	first, second, two := strings.Cut(s, ".")
	if !shortLabel(first) {
		return false
	}
	return !two || shortLabel(second)
}

func shortLabel(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// searchSubdomain is where a brand's search pages live.
func searchSubdomain(prefix string) bool {
	switch prefix {
	case "", "www", "m", "images":
		return true
	}
	return false
}
