// Package dashboard renders Waymark's web UI. Each page is an html/template
// view inside a shared layout, with a small ES module that reads the query
// API (/api/v1) for its numbers, so the page shows what the API answers.
// Package http signs people in and mounts the pages; this package only
// renders them and serves their files.
package dashboard

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/dashboard/static"
)

// page is one page of the dashboard. A later report adds one entry here, a
// view templates/NAME.html and a module js/pages/NAME.js.
type page struct {
	Pattern string // for a ServeMux, without the method
	Name    string // of its view and its module
	Title   string
	// Nav is its name in the navigation, for pages listed there; Section
	// is the navigation entry a page belongs to, by path.
	Nav     string
	Section string
}

var pages = []page{
	{Pattern: "/{$}", Name: "overview", Title: "Overview", Nav: "Overview", Section: "/"},
	{Pattern: "/journeys", Name: "journeys", Title: "Journey maps", Nav: "Journeys", Section: "/journeys"},
	{Pattern: "/journeys/{id}", Name: "journey", Title: "Journey map", Section: "/journeys"},
	{Pattern: "/funnels", Name: "funnels", Title: "Funnels", Nav: "Funnels", Section: "/funnels"},
	{Pattern: "/paths", Name: "paths", Title: "Paths", Nav: "Paths", Section: "/paths"},
	{Pattern: "/attribution", Name: "attribution", Title: "Attribution", Nav: "Attribution", Section: "/attribution"},
	{Pattern: "/people", Name: "people", Title: "People", Nav: "People", Section: "/people"},
	{Pattern: "/people/{id}", Name: "person", Title: "Person", Section: "/people"},
	{Pattern: "/events", Name: "events", Title: "Events", Nav: "Events", Section: "/events"},
}

// Dashboard serves the pages. Create it with New.
type Dashboard struct {
	views  map[string]*template.Template // by page pattern, and signIn
	assets *assets
}

const signIn = "signin"

// New parses the views and indexes the static files.
func New() (*Dashboard, error) {
	files := static.FS
	a, err := newAssets(files)
	if err != nil {
		return nil, err
	}
	d := &Dashboard{views: map[string]*template.Template{}, assets: a}
	funcs := template.FuncMap{"asset": a.url}
	for _, p := range append(pages, page{Pattern: signIn, Name: signIn, Title: "Sign in"}) {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/"+p.Name+".html")
		if err != nil {
			return nil, fmt.Errorf("dashboard view %s: %w", p.Name, err)
		}
		d.views[p.Pattern] = t
	}
	return d, nil
}

// Pages are the patterns of the pages.
func (d *Dashboard) Pages() []string {
	patterns := make([]string, len(pages))
	for i, p := range pages {
		patterns[i] = p.Pattern
	}
	return patterns
}

// navEntry is a link of the navigation.
type navEntry struct {
	Path, Name string
}

// view is what the templates read.
type view struct {
	Page    page
	Nav     []navEntry
	Project struct{ ID, Name, WriteKey string }
	// Origin is where browsers reach this server, as package http works it
	// out, for the snippet that sends a first event.
	Origin string
	// ID is the page's {id}, if its pattern has one.
	ID string
	// Next and Problem are the sign-in form's.
	Next, Problem string
}

// ServePage writes the page whose pattern r matched; origin is where
// browsers reach the server, such as https://waymark.example.com.
func (d *Dashboard) ServePage(w http.ResponseWriter, r *http.Request, project waymark.Project, origin string) error {
	pattern := strings.TrimPrefix(r.Pattern, "GET ")
	for _, p := range pages {
		if p.Pattern != pattern {
			continue
		}
		v := view{Page: p, Origin: origin, ID: r.PathValue("id")}
		v.Project.ID, v.Project.Name, v.Project.WriteKey = project.ID, project.Name, project.WriteKey
		for _, p := range pages {
			if p.Nav != "" {
				v.Nav = append(v.Nav, navEntry{Path: p.Section, Name: p.Nav})
			}
		}
		return d.render(w, http.StatusOK, p.Pattern, v)
	}
	return waymark.Errorf(waymark.KindNotFound, "no dashboard page %q", r.URL.Path)
}

// ServeSignIn writes the sign-in form.
func (d *Dashboard) ServeSignIn(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	return d.render(w, status, signIn, view{Page: page{Name: signIn, Title: "Sign in"}, Next: r.FormValue("next"), Problem: problem})
}

// Static serves the assets under /static/.
func (d *Dashboard) Static() http.Handler { return d.assets }

// render executes a view into a buffer first, so that a failing template
// answers an error rather than half a page.
func (d *Dashboard) render(w http.ResponseWriter, status int, name string, v view) error {
	var buf bytes.Buffer
	if err := d.views[name].Execute(&buf, v); err != nil {
		return err
	}
	h := w.Header()
	securityHeaders(h)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// contentSecurityPolicy lets pages run only this server's own scripts and
// styles, and talk only to it: whatever the data holds (the write key is
// public, so anyone can send an event named "<script>..."), no inline
// script or style runs, and the pages cannot be framed.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
}
