package http_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	waymarkhttp "github.com/waymark-analytics/waymark/http"
)

// signIn signs in with key through GET /login?key=, as the banner's link
// does, and returns the session cookie.
func (s *testServer) signIn(t *testing.T, key string) *http.Cookie {
	t.Helper()
	a := s.do(t, "GET", "/login?key="+url.QueryEscape(key), nil)
	if a.status != http.StatusOK {
		t.Fatalf("GET /login?key= = %d %s, want 200", a.status, a.body)
	}
	return sessionCookie(t, a)
}

func sessionCookie(t *testing.T, a answer) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: a.header}).Cookies() {
		if c.Name == "waymark_session" {
			return c
		}
	}
	t.Fatalf("no session cookie in %v", a.header)
	return nil
}

func cookie(c *http.Cookie) func(*http.Request) {
	return func(r *http.Request) { r.AddCookie(c) }
}

func TestSignIn(t *testing.T) {
	s := newServer(t)
	tests := []struct {
		name, method, path, body string
		setup                    []func(*http.Request)
		status                   int
		location, problem        string // the redirect, or the form's problem
	}{
		{name: "form", method: "GET", path: "/login", status: 200},
		{name: "link", method: "GET", path: "/login?key=" + readKey, status: 200, location: "/"},
		{name: "link with next", method: "GET", path: "/login?key=" + readKey + "&next=" + url.QueryEscape("/funnels?step=A&step=B"), status: 200, location: "/funnels?step=A&step=B"},
		{name: "next on another site", method: "GET", path: "/login?key=" + readKey + "&next=" + url.QueryEscape("//evil.example/x"), status: 200, location: "/"},
		{name: "next with a scheme", method: "GET", path: "/login?key=" + readKey + "&next=" + url.QueryEscape("https://evil.example/"), status: 200, location: "/"},
		{name: "next with a backslash", method: "GET", path: "/login?key=" + readKey + "&next=" + url.QueryEscape(`/\evil.example`), status: 200, location: "/"},
		{name: "wrong key", method: "GET", path: "/login?key=rk_wrong", status: 401, problem: "not the read key of a project"},
		{name: "write key", method: "GET", path: "/login?key=" + writeKey, status: 401, problem: "not the read key of a project"},
		{name: "empty key", method: "GET", path: "/login?key=", status: 401, problem: "Enter the project&#39;s read key."},
		{name: "form post", method: "POST", path: "/login", body: "key=" + readKey + "&next=%2Fpeople",
			setup: []func(*http.Request){header("Content-Type", "application/x-www-form-urlencoded"), header("Origin", "HOST")}, status: 303, location: "/people"},
		{name: "form post, fetch metadata", method: "POST", path: "/login", body: "key=" + readKey,
			setup: []func(*http.Request){header("Content-Type", "application/x-www-form-urlencoded"), header("Sec-Fetch-Site", "same-origin")}, status: 303, location: "/"},
		{name: "form post from another site", method: "POST", path: "/login", body: "key=" + readKey,
			setup: []func(*http.Request){header("Content-Type", "application/x-www-form-urlencoded"), header("Sec-Fetch-Site", "cross-site")}, status: 403, problem: "another site"},
		{name: "form post without origin", method: "POST", path: "/login", body: "key=" + readKey,
			setup: []func(*http.Request){header("Content-Type", "application/x-www-form-urlencoded")}, status: 403, problem: "another site"},
		{name: "form post with a wrong key", method: "POST", path: "/login", body: "key=nope",
			setup: []func(*http.Request){header("Content-Type", "application/x-www-form-urlencoded"), header("Origin", "HOST")}, status: 401, problem: "not the read key of a project"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, f := range tt.setup {
				f := f
				tt.setup[i] = func(r *http.Request) {
					f(r)
					if r.Header.Get("Origin") == "HOST" {
						r.Header.Set("Origin", "http://"+r.Host)
					}
				}
			}
			a := s.do(t, tt.method, tt.path, strings.NewReader(tt.body), tt.setup...)
			if a.status != tt.status {
				t.Fatalf("%s %s = %d %s, want %d", tt.method, tt.path, a.status, a.body, tt.status)
			}
			if tt.location != "" {
				if tt.method == "POST" {
					if got := a.header.Get("Location"); got != tt.location {
						t.Errorf("Location %q, want %q", got, tt.location)
					}
				} else if want := `content="0; url=` + html.EscapeString(tt.location) + `"`; !strings.Contains(string(a.body), want) {
					// A link: a page of the site moves on, so that the
					// SameSite=Strict cookie goes with the next request.
					t.Errorf("the signed-in page does not move on with %s:\n%s", want, a.body)
				}
				c := sessionCookie(t, a)
				if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure || c.Path != "/" {
					t.Errorf("cookie %v: want HttpOnly, SameSite=Strict, Path=/ and not Secure over plain HTTP", c)
				}
				if d := time.Until(c.Expires); d < 29*24*time.Hour || d > 31*24*time.Hour {
					t.Errorf("cookie expires in %v, want 30 days", d)
				}
				return
			}
			if ct := a.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q, want the form", ct)
			}
			if !strings.Contains(string(a.body), `name="key"`) || !strings.Contains(string(a.body), tt.problem) {
				t.Errorf("form does not say %q:\n%s", tt.problem, a.body)
			}
			if len(a.header.Values("Set-Cookie")) != 0 {
				t.Errorf("a refused sign-in set a cookie: %v", a.header.Values("Set-Cookie"))
			}
		})
	}
}

// TestSignInLinkFromAnotherSite checks that a sign-in link followed from
// another site signs in only once the person presses Continue: else any
// site could sign a browser in to its own project.
func TestSignInLinkFromAnotherSite(t *testing.T) {
	s := newServer(t)
	for _, site := range []string{"cross-site", "same-site"} {
		t.Run(site, func(t *testing.T) {
			a := s.do(t, "GET", "/login?key="+readKey+"&next="+url.QueryEscape("/people?a=1&b=2"), nil, header("Sec-Fetch-Site", site))
			if a.status != http.StatusOK {
				t.Fatalf("GET /login?key= = %d %s, want 200", a.status, a.body)
			}
			if cookies := a.header.Values("Set-Cookie"); len(cookies) != 0 {
				t.Errorf("a link from another site signed in: %v", cookies)
			}
			for _, want := range []string{
				`<form method="post" action="/login">`,
				`name="key" value="` + readKey + `"`,
				`name="next" value="/people?a=1&amp;b=2"`,
				`<button type="submit">Continue</button>`,
				"Sign in to its project “Test”?",
			} {
				if !strings.Contains(string(a.body), want) {
					t.Errorf("the page lacks %s:\n%s", want, a.body)
				}
			}
			// Continue posts the form from this server's own page.
			form := url.Values{"key": {readKey}, "next": {"/people?a=1&b=2"}}
			a = s.do(t, "POST", "/login", strings.NewReader(form.Encode()),
				header("Content-Type", "application/x-www-form-urlencoded"), header("Sec-Fetch-Site", "same-origin"))
			if a.status != http.StatusSeeOther || a.header.Get("Location") != "/people?a=1&b=2" {
				t.Fatalf("Continue = %d to %q, want 303 to /people?a=1&b=2", a.status, a.header.Get("Location"))
			}
			sessionCookie(t, a)
		})
	}
	// A direct visit, such as the banner's link opened from a terminal,
	// signs in at once.
	a := s.do(t, "GET", "/login?key="+readKey, nil, header("Sec-Fetch-Site", "none"))
	if a.status != http.StatusOK {
		t.Fatalf("GET /login?key= = %d %s, want 200", a.status, a.body)
	}
	sessionCookie(t, a)
}

func TestSessionSecureOverHTTPS(t *testing.T) {
	tests := []struct {
		name      string
		configure func(*waymarkhttp.Config)
		proto     string
		secure    bool
	}{
		{"behind a trusted TLS proxy", func(c *waymarkhttp.Config) { c.TrustProxy = true }, "https", true},
		{"an untrusted X-Forwarded-Proto", func(*waymarkhttp.Config) {}, "https", false},
		{"an https public URL", func(c *waymarkhttp.Config) { c.PublicURL = &url.URL{Scheme: "https", Host: "waymark.example.com"} }, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.configure)
			a := s.do(t, "GET", "/login?key="+readKey, nil, header("X-Forwarded-Proto", tt.proto))
			if c := sessionCookie(t, a); c.Secure != tt.secure {
				t.Errorf("cookie %v: Secure is %v, want %v", c, c.Secure, tt.secure)
			}
		})
	}
}

func TestSessionCookieAuthenticatesTheAPI(t *testing.T) {
	s := newServer(t)
	if a := s.post(t, "/v1/track", `{"userId":"ada","event":"Signed Up"}`); a.status != http.StatusOK {
		t.Fatalf("POST /v1/track = %d %s", a.status, a.body)
	}
	c := s.signIn(t, readKey)
	funnel := `{"steps":[{"touchpoints":[{"event":"Signed Up"}]},{"touchpoints":[{"event":"Order Completed"}]}]}`
	tampered := *c
	tampered.Value = strings.Replace(c.Value, ".", "x.", 1)
	expired := s.sessionAt(t, time.Now().Add(-31*24*time.Hour))
	tests := []struct {
		name         string
		method, path string
		setup        []func(*http.Request)
		status       int
	}{
		{"GET with the cookie", "GET", "/api/v1/events", []func(*http.Request){cookie(c)}, 200},
		{"GET without it", "GET", "/api/v1/events", nil, 401},
		{"GET with a tampered cookie", "GET", "/api/v1/events", []func(*http.Request){cookie(&tampered)}, 401},
		{"GET with an expired cookie", "GET", "/api/v1/events", []func(*http.Request){cookie(expired)}, 401},
		{"POST from the page", "POST", "/api/v1/funnels", []func(*http.Request){cookie(c), header("Sec-Fetch-Site", "same-origin")}, 200},
		{"POST with the page's Origin", "POST", "/api/v1/funnels", []func(*http.Request){cookie(c), func(r *http.Request) { r.Header.Set("Origin", "http://"+r.Host) }}, 200},
		{"POST from another site", "POST", "/api/v1/funnels", []func(*http.Request){cookie(c), header("Sec-Fetch-Site", "cross-site"), header("Origin", "https://evil.example")}, 403},
		{"POST with another Origin", "POST", "/api/v1/funnels", []func(*http.Request){cookie(c), header("Origin", "https://evil.example")}, 403},
		{"POST without Origin", "POST", "/api/v1/funnels", []func(*http.Request){cookie(c)}, 403},
		{"POST with the read key needs no Origin", "POST", "/api/v1/funnels", []func(*http.Request){bearer(readKey)}, 200},
		{"DELETE from another site", "DELETE", "/api/v1/journeys/x", []func(*http.Request){cookie(c), header("Sec-Fetch-Site", "same-site")}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body *strings.Reader
			if tt.method == "POST" {
				body = strings.NewReader(funnel)
			} else {
				body = strings.NewReader("")
			}
			a := s.do(t, tt.method, tt.path, body, tt.setup...)
			if a.status != tt.status {
				t.Fatalf("%s %s = %d %s, want %d", tt.method, tt.path, a.status, a.body, tt.status)
			}
			if tt.status == http.StatusForbidden && !strings.Contains(a.errorMessage(t), "must come from this server's pages") {
				t.Errorf("403 says %q", a.errorMessage(t))
			}
		})
	}
}

// sessionAt signs in as if the clock said now, by signing in on a server
// whose sessions started then: an expired session reads as signed out.
func (s *testServer) sessionAt(t *testing.T, now time.Time) *http.Cookie {
	t.Helper()
	server := waymarkhttp.New(testConfig(t, s.store, nil))
	waymarkhttp.SetClock(server, func() time.Time { return now })
	ts := httptest.NewServer(server.Handler())
	defer ts.Close()
	old := *s
	old.url = ts.URL
	return old.signIn(t, readKey)
}

func TestSessionSurvivesRestart(t *testing.T) {
	s := newServer(t)
	c := s.signIn(t, readKey)
	restarted := httptest.NewServer(waymarkhttp.New(testConfig(t, s.store, nil)).Handler())
	defer restarted.Close()
	again := *s
	again.url = restarted.URL
	if a := again.do(t, "GET", "/api/v1/events", nil, cookie(c)); a.status != http.StatusOK {
		t.Errorf("after a restart with the same secret: %d %s", a.status, a.body)
	}
}

// rekeyed is a store whose projects have another read key.
type rekeyed struct {
	waymarkhttp.Store
	readKey string
}

func (r rekeyed) Projects(ctx context.Context) ([]waymark.Project, error) {
	projects, err := r.Store.Projects(ctx)
	for i := range projects {
		projects[i].ReadKey = r.readKey
	}
	return projects, err
}

// TestChangedReadKeyEndsSessions checks what docs/dashboard.md says: once
// a project's read key changes, the sessions signed in with the old one
// end, and the new key signs in.
func TestChangedReadKeyEndsSessions(t *testing.T) {
	s := newServer(t)
	c := s.signIn(t, readKey)
	config := testConfig(t, s.store, nil)
	config.Store = rekeyed{Store: config.Store, readKey: "rk_changed"}
	ts := httptest.NewServer(waymarkhttp.New(config).Handler())
	defer ts.Close()
	changed := *s
	changed.url = ts.URL
	if a := changed.do(t, "GET", "/api/v1/events", nil, cookie(c)); a.status != http.StatusUnauthorized {
		t.Errorf("the old session with the read key changed: %d %s, want 401", a.status, a.body)
	}
	if a := changed.do(t, "GET", "/api/v1/events", nil, cookie(changed.signIn(t, "rk_changed"))); a.status != http.StatusOK {
		t.Errorf("a session with the new read key: %d %s, want 200", a.status, a.body)
	}
}

func TestPagesNeedASession(t *testing.T) {
	s := newServer(t)
	c := s.signIn(t, readKey)
	for _, path := range []string{"/", "/journeys", "/journeys/lead-nurturing", "/funnels?step=A&step=B", "/people", "/people/ada%40example.com", "/events"} {
		t.Run(path, func(t *testing.T) {
			a := s.do(t, "GET", path, nil)
			if want := "/login?next=" + url.QueryEscape(path); a.status != http.StatusSeeOther || a.header.Get("Location") != want {
				t.Errorf("signed out: %d to %q, want 303 to %q", a.status, a.header.Get("Location"), want)
			}
			a = s.do(t, "GET", path, nil, cookie(c))
			if a.status != http.StatusOK || a.header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Errorf("signed in: %d %s", a.status, a.header.Get("Content-Type"))
			}
		})
	}
	if a := s.do(t, "GET", "/nowhere", nil, cookie(c)); a.status != http.StatusNotFound {
		t.Errorf("GET /nowhere = %d, want 404", a.status)
	}
}

func TestSignOut(t *testing.T) {
	s := newServer(t)
	c := s.signIn(t, readKey)
	if a := s.do(t, "POST", "/logout", nil, cookie(c), header("Origin", "https://evil.example")); a.status != http.StatusForbidden {
		t.Errorf("sign-out from another site = %d, want 403", a.status)
	}
	a := s.do(t, "POST", "/logout", nil, cookie(c), header("Sec-Fetch-Site", "same-origin"))
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/login" {
		t.Fatalf("POST /logout = %d to %q", a.status, a.header.Get("Location"))
	}
	if cleared := sessionCookie(t, a); cleared.MaxAge >= 0 || cleared.Value != "" {
		t.Errorf("sign-out cookie %v does not clear the session", cleared)
	}
}
