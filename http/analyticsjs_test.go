package http_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/waymark-analytics/waymark/analyticsjs"
	waymarkhttp "github.com/waymark-analytics/waymark/http"
)

func listenOn(addr string) func(*waymarkhttp.Config) {
	return func(c *waymarkhttp.Config) { c.ListenAddr = addr }
}

func withHost(host string) func(*http.Request) {
	return func(r *http.Request) { r.Host = host }
}

// The whole settings answer: Waymark is the only destination, and nothing
// else the library can call is on.
func TestSettings(t *testing.T) {
	s := newServer(t, listenOn("127.0.0.1:8080"))
	a := s.do(t, "GET", "/v1/projects/"+writeKey+"/settings", nil)
	if a.status != http.StatusOK {
		t.Fatalf("GET settings = %d %s", a.status, a.body)
	}
	want := `{"analyticsNextEnabled":true,"edgeFunction":{},"enabledMiddleware":{},` +
		`"integrations":{"Segment.io":{"apiHost":"127.0.0.1:8080/v1","apiKey":"wk_test","protocol":"http"}},` +
		`"legacyVideoPluginsEnabled":false,"metrics":{"host":"127.0.0.1:8080/v1","sampleRate":0},"middlewareSettings":{},` +
		`"plan":{"track":{"__default":{"enabled":true}}},"remotePlugins":[]}` + "\n"
	if string(a.body) != want {
		t.Errorf("settings\n%s\nwant\n%s", a.body, want)
	}
	if got := a.header.Get("Cache-Control"); got != "public, max-age=300" {
		t.Errorf("Cache-Control %q, want public, max-age=300", got)
	}
	for _, key := range []string{"wk_wrong", readKey} {
		a := s.do(t, "GET", "/v1/projects/"+key+"/settings", nil)
		if a.status != http.StatusUnauthorized || a.errorMessage(t) != "unknown write key" {
			t.Errorf("settings of %s = %d %s, want 401 unknown write key", key, a.status, a.body)
		}
	}
}

// Where analytics.js is told to send (the settings' apiHost and protocol,
// the loader's API host) follows the configuration first and the request's
// headers only behind a trusted proxy, or uncached. The dashboard's
// first-event snippet names the same origin.
func TestAnalyticsOrigin(t *testing.T) {
	publicURL := func(raw string) func(*waymarkhttp.Config) {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return func(c *waymarkhttp.Config) { c.PublicURL = u }
	}
	trustProxy := func(c *waymarkhttp.Config) { c.TrustProxy = true }
	hostile := []func(*http.Request){withHost("evil.example"), header("X-Forwarded-Host", "evil.example"), header("X-Forwarded-Proto", "https")}
	tests := []struct {
		name      string
		config    []func(*waymarkhttp.Config)
		request   []func(*http.Request)
		status    int
		apiHost   string
		protocol  string
		caching   string
		errorText string
	}{
		{"public URL", []func(*waymarkhttp.Config){publicURL("https://waymark.example.com"), listenOn("0.0.0.0:8080")}, hostile,
			200, "waymark.example.com/v1", "https", "public, max-age=300", ""},
		{"public URL with a path", []func(*waymarkhttp.Config){publicURL("https://example.com/waymark/"), trustProxy}, hostile,
			200, "example.com/waymark/v1", "https", "public, max-age=300", ""},
		{"trusted proxy", []func(*waymarkhttp.Config){trustProxy, listenOn("127.0.0.1:8080")},
			[]func(*http.Request){withHost("internal:8080"), header("X-Forwarded-Host", "waymark.example.com, proxy.internal"), header("X-Forwarded-Proto", "HTTPS")},
			200, "waymark.example.com/v1", "https", "public, max-age=300", ""},
		{"trusted proxy passing Host", []func(*waymarkhttp.Config){trustProxy},
			[]func(*http.Request){withHost("waymark.example.com"), header("X-Forwarded-Proto", "http")},
			200, "waymark.example.com/v1", "http", "public, max-age=300", ""},
		{"trusted proxy, odd X-Forwarded-Proto", []func(*waymarkhttp.Config){trustProxy},
			[]func(*http.Request){withHost("waymark.example.com"), header("X-Forwarded-Proto", "javascript")},
			200, "waymark.example.com/v1", "http", "public, max-age=300", ""},
		{"trusted proxy, hostile X-Forwarded-Host", []func(*waymarkhttp.Config){trustProxy},
			[]func(*http.Request){header("X-Forwarded-Host", `evil.example/"+alert(1)+"`)},
			400, "", "", "", "the proxy's Host or X-Forwarded-Host is not a host name with an optional port; set --public-url"},
		{"listen address, hostile headers ignored", []func(*waymarkhttp.Config){listenOn("127.0.0.1:8080")}, hostile,
			200, "127.0.0.1:8080/v1", "http", "public, max-age=300", ""},
		{"IPv6 listen address", []func(*waymarkhttp.Config){listenOn("[::1]:8080")}, nil,
			200, "[::1]:8080/v1", "http", "public, max-age=300", ""},
		{"wildcard listen address: the request's Host, never cached", []func(*waymarkhttp.Config){listenOn("0.0.0.0:8080")}, hostile,
			200, "evil.example/v1", "http", "no-store", ""},
		{"IPv6 wildcard", []func(*waymarkhttp.Config){listenOn("[::]:8080")}, []func(*http.Request){withHost("[2001:db8::1]:8080")},
			200, "[2001:db8::1]:8080/v1", "http", "no-store", ""},
		{"no listen address known", nil, []func(*http.Request){withHost("localhost:8080")},
			200, "localhost:8080/v1", "http", "no-store", ""},
		{"wildcard, Host that is no host name", []func(*waymarkhttp.Config){listenOn("0.0.0.0:8080")}, []func(*http.Request){withHost("evil.example'(x)")},
			400, "", "", "", "the Host header is not a host name with an optional port"},
		{"wildcard, Host with an empty port", []func(*waymarkhttp.Config){listenOn("0.0.0.0:8080")}, []func(*http.Request){withHost("evil.example:")},
			400, "", "", "", "the Host header is not a host name with an optional port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.config...)
			settings := s.do(t, "GET", "/v1/projects/"+writeKey+"/settings", nil, tt.request...)
			loader := s.do(t, "GET", "/analytics.js/v1/"+writeKey+"/analytics.min.js", nil, tt.request...)
			page := s.do(t, "GET", "/", nil, append([]func(*http.Request){cookie(s.signIn(t, readKey))}, tt.request...)...)
			if page.status != tt.status {
				t.Errorf("dashboard page: status %d, want %d", page.status, tt.status)
			} else if snippet := "curl -u " + writeKey + ": " + tt.protocol + "://" + strings.TrimSuffix(tt.apiHost, "/v1") + "/v1/track"; tt.status == http.StatusOK && !bytes.Contains(page.body, []byte(snippet)) {
				t.Errorf("the dashboard's first-event snippet is not %q", snippet)
			}
			for _, a := range []answer{settings, loader} {
				if a.status != tt.status {
					t.Fatalf("status %d %s, want %d", a.status, a.body, tt.status)
				}
				if tt.status != http.StatusOK {
					if got := a.errorMessage(t); got != tt.errorText {
						t.Errorf("error %q, want %q", got, tt.errorText)
					}
					continue
				}
				if got := a.header.Get("Cache-Control"); got != tt.caching {
					t.Errorf("Cache-Control %q, want %q", got, tt.caching)
				}
			}
			if tt.status != http.StatusOK {
				return
			}
			var answer struct {
				Integrations map[string]struct{ APIHost, Protocol string }
				Metrics      struct{ Host string }
			}
			if err := json.Unmarshal(settings.body, &answer); err != nil {
				t.Fatal(err)
			}
			sio := answer.Integrations["Segment.io"]
			if sio.APIHost != tt.apiHost || sio.Protocol != tt.protocol || answer.Metrics.Host != tt.apiHost {
				t.Errorf("settings %s: want apiHost and metrics host %s, protocol %s", settings.body, tt.apiHost, tt.protocol)
			}
			if !bytes.Contains(loader.body, []byte(`"`+tt.apiHost+`"`)) {
				t.Errorf("the loader does not have API host %q", tt.apiHost)
			}
		})
	}
}

// The loader is the release's bundle with the write key and the API host
// filled in, as Segment's CDN does, and nothing of Segment's left to call.
func TestAnalyticsJS(t *testing.T) {
	s := newServer(t, listenOn("127.0.0.1:8080"))
	path := "/analytics.js/v1/" + writeKey + "/analytics.min.js"
	a := s.do(t, "GET", path, nil)
	if a.status != http.StatusOK {
		t.Fatalf("GET %s = %d %s", path, a.status, a.body)
	}
	for name, want := range map[string]string{
		"Content-Type":           "text/javascript; charset=utf-8",
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "public, max-age=300",
	} {
		if got := a.header.Get(name); got != want {
			t.Errorf("%s %q, want %q", name, got, want)
		}
	}
	for _, want := range []string{`window.analyticsWriteKey="wk_test"`, `="127.0.0.1:8080/v1"`, `a._cdn=m[1]`, "@segment/analytics-next " + analyticsjs.Version} {
		if !bytes.Contains(a.body, []byte(want)) {
			t.Errorf("the loader lacks %s", want)
		}
	}
	for _, unwanted := range []string{`"__WRITE_KEY__"`, "api.segment.io"} {
		if bytes.Contains(a.body, []byte(unwanted)) {
			t.Errorf("the loader still has %s", unwanted)
		}
	}
	// Apart from what was filled in, the release's code is unchanged.
	release := regexp.MustCompile(`window.analyticsWriteKey="__WRITE_KEY__"|"api.segment.io/v1"`).ReplaceAllLiteral(analyticsjs.Loader, nil)
	served := regexp.MustCompile(`window.analyticsWriteKey="wk_test"|"127.0.0.1:8080/v1"`).ReplaceAllLiteral(a.body, nil)
	if _, code, _ := bytes.Cut(served, []byte("\n(function(a,s,m)")); !bytes.HasSuffix(code, release) {
		t.Errorf("the served loader differs from the release beyond the filled-in values")
	}

	etag := a.header.Get("ETag")
	if again := s.do(t, "GET", path, nil, header("If-None-Match", etag)); etag == "" || again.status != http.StatusNotModified {
		t.Errorf("GET with If-None-Match %q = %d, want 304", etag, again.status)
	}

	for _, key := range []string{"wk_wrong", readKey} {
		a := s.do(t, "GET", "/analytics.js/v1/"+key+"/analytics.min.js", nil)
		want := "unknown write key: no project has it; check the key that the snippet passes to analytics.load"
		if a.status != http.StatusNotFound || a.errorMessage(t) != want {
			t.Errorf("loader of %s = %d %s, want 404 %q", key, a.status, a.body, want)
		}
	}
}

// Every chunk is served as vendored, to be cached for good; others are 404.
func TestAnalyticsBundles(t *testing.T) {
	s := newServer(t)
	names, err := fs.Glob(analyticsjs.Bundles, "*.js")
	if err != nil || len(names) == 0 {
		t.Fatalf("vendored bundles %v, %v", names, err)
	}
	for _, name := range names {
		want, err := fs.ReadFile(analyticsjs.Bundles, name)
		if err != nil {
			t.Fatal(err)
		}
		a := s.do(t, "GET", "/analytics-next/bundles/"+name, nil)
		if a.status != http.StatusOK || !bytes.Equal(a.body, want) {
			t.Errorf("GET %s = %d, %d bytes; want 200 and the vendored %d bytes", name, a.status, len(a.body), len(want))
		}
		if got := a.header.Get("Content-Type"); got != "text/javascript; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", name, got)
		}
		if got := a.header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", name, got)
		}
	}
	for _, name := range []string{"nope.bundle.0123.js", "..%2fanalytics.min.js", "%2e%2e"} {
		a := s.do(t, "GET", "/analytics-next/bundles/"+name, nil)
		if a.status != http.StatusNotFound || !strings.HasPrefix(a.errorMessage(t), "analytics.js "+analyticsjs.Version+" has no bundle") {
			t.Errorf("GET %s = %d %s, want 404", name, a.status, a.body)
		}
	}
}
