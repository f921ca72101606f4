package http

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/waymark-analytics/waymark"
)

// Dashboard is the web UI served at /. Package http signs people in and out
// and checks their session before each page; the dashboard renders.
type Dashboard interface {
	// Pages are the ServeMux patterns of its pages, such as "/journeys/{id}".
	Pages() []string
	// ServePage writes the page of r.Pattern for someone signed in to
	// project; origin is where browsers reach the server, as Server.origin
	// works it out, such as https://waymark.example.com.
	ServePage(w http.ResponseWriter, r *http.Request, project waymark.Project, origin string) error
	// ServeSignIn writes the sign-in form with status and, if problem is
	// set, what went wrong. The form posts r's "next" back.
	ServeSignIn(w http.ResponseWriter, r *http.Request, status int, problem string) error
	// Static serves the pages' assets under /static/, to anyone.
	Static() http.Handler
}

const (
	sessionCookie = "waymark_session"
	// sessionLifetime is how long a sign-in lasts.
	sessionLifetime = 30 * 24 * time.Hour
)

// signIn answers GET /login, with the form or, given ?key=, by signing in
// directly (the link the startup banner prints), and POST /login from the
// form. A right read key gets a session cookie and is sent on to "next".
// A link followed from another site asks first, with a form to post.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodGet && !r.URL.Query().Has("key") {
		return s.Dashboard.ServeSignIn(w, r, http.StatusOK, "")
	}
	if r.Method == http.MethodPost && !sameOrigin(r) {
		return s.Dashboard.ServeSignIn(w, r, http.StatusForbidden, "The sign-in came from another site and was refused. Sign in on this page.")
	}
	key := strings.TrimSpace(r.FormValue("key"))
	if key == "" {
		return s.Dashboard.ServeSignIn(w, r, http.StatusUnauthorized, "Enter the project's read key.")
	}
	project, err := s.keys.lookup(r.Context(), key, true)
	if waymark.ErrorKind(err) == waymark.KindUnauthorized {
		return s.Dashboard.ServeSignIn(w, r, http.StatusUnauthorized,
			"That is not the read key of a project on this server. Use the read key that `waymark serve` prints, not the write key.")
	}
	if err != nil {
		return err
	}
	next := localPath(r.FormValue("next"))
	if r.Method == http.MethodGet && fromAnotherSite(r) {
		// Another site could link to its own project's key and so sign this
		// browser in to it (a login CSRF): ask before signing in.
		return writeLinkPage(w, "same-origin", fmt.Sprintf("<!doctype html>\n<title>Sign in</title>\n"+
			"<form method=\"post\" action=\"/login\">\n<p>You followed a sign-in link from another site. Sign in to its project “%s”?</p>\n"+
			"<input type=\"hidden\" name=\"key\" value=\"%s\">\n<input type=\"hidden\" name=\"next\" value=\"%s\">\n"+
			"<button type=\"submit\">Continue</button>\n</form>\n",
			html.EscapeString(project.Name), html.EscapeString(key), html.EscapeString(next)))
	}
	expires := s.now().Add(sessionLifetime)
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    s.sessionValue(project, expires),
		Path:     "/",
		Expires:  expires,
		HttpOnly: true,
		Secure:   s.overHTTPS(r),
		SameSite: http.SameSiteStrictMode,
	})
	if r.Method == http.MethodPost {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	// A browser that does not say where a link came from may have followed
	// it from another site, and a SameSite=Strict cookie is not sent on a
	// redirect that ends a cross-site navigation: a page of this site that
	// moves on starts a same-site one.
	return writeLinkPage(w, "no-referrer", fmt.Sprintf("<!doctype html>\n<meta http-equiv=\"refresh\" content=\"0; url=%[1]s\">\n<title>Signed in</title>\n<p>Signed in. <a href=\"%[1]s\">Continue</a></p>\n",
		html.EscapeString(next)))
}

// writeLinkPage writes page, an answer to a sign-in link, whose URL holds
// a read key: no cache keeps it, and referrerPolicy says which requests
// from the page may name it.
func writeLinkPage(w http.ResponseWriter, referrerPolicy, page string) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; form-action 'self'")
	w.Header().Set("Referrer-Policy", referrerPolicy)
	w.Header().Set("Cache-Control", "no-store")
	_, err := io.WriteString(w, page)
	return err
}

// signOut answers POST /logout: it clears the session cookie.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	if !sameOrigin(r) {
		return waymark.Errorf(waymark.KindForbidden, "sign out from the dashboard's own pages")
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.overHTTPS(r), SameSite: http.SameSiteStrictMode,
	})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// page serves the dashboard page of r, told where browsers reach the server.
func (s *Server) page(w http.ResponseWriter, r *http.Request, project waymark.Project) error {
	o, err := s.origin(r)
	if err != nil {
		return err
	}
	return s.Dashboard.ServePage(w, r, project, o.url())
}

// withSession serves a dashboard page to someone signed in; anyone else is
// sent to the sign-in form, which brings them back.
func (s *Server) withSession(fn projectHandlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		project, ok, err := s.session(r)
		if err != nil {
			return err
		}
		if !ok {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		return fn(w, r, project)
	}
}

// session returns the project of r's session cookie, if it has a valid one.
func (s *Server) session(r *http.Request) (waymark.Project, bool, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || len(s.SessionSecret) == 0 {
		return waymark.Project{}, false, nil
	}
	encodedID, rest, _ := strings.Cut(c.Value, ".")
	expiry, _, _ := strings.Cut(rest, ".")
	id, err := base64.RawURLEncoding.DecodeString(encodedID)
	if err != nil {
		return waymark.Project{}, false, nil
	}
	unix, err := strconv.ParseInt(expiry, 10, 64)
	if err != nil || !s.now().Before(time.Unix(unix, 0)) {
		return waymark.Project{}, false, nil
	}
	project, ok, err := s.keys.project(r.Context(), string(id))
	if !ok || err != nil {
		return waymark.Project{}, false, err
	}
	if !hmac.Equal([]byte(c.Value), []byte(s.sessionValue(project, time.Unix(unix, 0)))) {
		return waymark.Project{}, false, nil
	}
	return project, true, nil
}

// sessionValue is the cookie for project until expires: its id, the expiry
// and a MAC over both. The MAC's key includes the read key, so that changing
// a project's read key ends its sessions.
func (s *Server) sessionValue(project waymark.Project, expires time.Time) string {
	value := base64.RawURLEncoding.EncodeToString([]byte(project.ID)) + "." + strconv.FormatInt(expires.Unix(), 10)
	mac := hmac.New(sha256.New, append(append([]byte{}, s.SessionSecret...), project.ReadKey...))
	mac.Write([]byte(value))
	return value + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// overHTTPS tells whether browsers reach the server over HTTPS, so that
// the session cookie must travel only that way.
func (s *Server) overHTTPS(r *http.Request) bool {
	o, err := s.origin(r)
	return err == nil && o.scheme == "https"
}

// sameOrigin tells whether a browser sent r from this server's own pages.
// A request that changes something on the strength of a cookie must, so
// that another site cannot make a signed-in browser send it.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	origin, err := url.Parse(r.Header.Get("Origin"))
	return err == nil && origin.Host != "" && origin.Host == r.Host
}

// fromAnotherSite tells whether a browser says that it sent r from a page
// of another site, a sibling subdomain included. A direct visit (a link
// opened from a terminal, a bookmark) says "none".
func fromAnotherSite(r *http.Request) bool {
	site := r.Header.Get("Sec-Fetch-Site")
	return site != "" && site != "none" && site != "same-origin"
}

// safeMethod tells whether a request method only reads.
func safeMethod(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// localPath is next if it is a path on this server, else "/": a sign-in
// link must not send anyone to another site.
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) ||
		u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}
