package dashboard

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/dashboard/static"
)

func newDashboard(t *testing.T) *Dashboard {
	t.Helper()
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// serve routes as package http does, signed in to project.
func serve(d *Dashboard, project waymark.Project) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", d.Static())
	for _, pattern := range d.Pages() {
		mux.HandleFunc("GET "+pattern, func(w http.ResponseWriter, r *http.Request) {
			if err := d.ServePage(w, r, project, "https://waymark.example.com"); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
			}
		})
	}
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		d.ServeSignIn(w, r, http.StatusUnauthorized, r.URL.Query().Get("problem"))
	})
	return mux
}

func get(t *testing.T, h http.Handler, url string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func read(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// hostile is a project whose name and key try to break out of the page.
var hostile = waymark.Project{ID: "p", Name: `<script>alert(1)</script>`, WriteKey: `wk_"><img src=x onerror=alert(1)>`}

func TestPagesRender(t *testing.T) {
	d := newDashboard(t)
	h := serve(d, hostile)
	paths := map[string]string{
		"/": "overview", "/journeys": "journeys", "/journeys/lead-nurturing": "journey", "/funnels": "funnels", "/paths": "paths", "/attribution": "attribution",
		"/people": "people", "/people/%3Cimg%20src%3Dx%3E": "person", "/events": "events",
	}
	if len(paths) != len(pages) {
		t.Fatalf("the test covers %d pages, the dashboard has %d", len(paths), len(pages))
	}
	for url, name := range paths {
		t.Run(name, func(t *testing.T) {
			resp := get(t, h, url)
			body := read(t, resp)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d %s", url, resp.StatusCode, body)
			}
			checkSecurityHeaders(t, resp)
			script := d.assets.url("js/pages/" + name + ".js")
			if !strings.Contains(body, `<script type="module" src="`+script+`"></script>`) {
				t.Errorf("page does not load its module %s", script)
			}
			if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
				t.Errorf("data reached the page unescaped:\n%s", body)
			}
			if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Errorf("the project's name is not shown escaped")
			}
			plain := read(t, get(t, serve(d, waymark.Project{ID: "p", Name: "Demo", WriteKey: "wk_1"}), url))
			if got := inlineScript.FindString(plain); got != "" {
				t.Errorf("inline script %q: the CSP would refuse it", got)
			}
			if got := inlineStyle.FindString(plain); got != "" {
				t.Errorf("inline style %q: the CSP would refuse it", got)
			}
		})
	}
}

var (
	inlineScript = regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]+</script>|<script(?:\s(?:[^s>]|s[^r])*)?>|\son[a-z]+=`)
	inlineStyle  = regexp.MustCompile(`<style|\sstyle=`)
)

func checkSecurityHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("Content-Security-Policy %q allows inline code", csp)
	}
	for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

func TestSignInForm(t *testing.T) {
	h := serve(newDashboard(t), waymark.Project{})
	resp := get(t, h, "/login?next=%22%3E%3Cscript%3E&problem=%3Cb%3Ewrong%3C%2Fb%3E")
	body := read(t, resp)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d, want the one given", resp.StatusCode)
	}
	checkSecurityHeaders(t, resp)
	for _, want := range []string{`name="key"`, `type="password"`, `value="&#34;&gt;&lt;script&gt;"`, `&lt;b&gt;wrong&lt;/b&gt;`, `role="alert"`} {
		if !strings.Contains(body, want) {
			t.Errorf("form lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, "<script") {
		t.Errorf("the sign-in form has a script:\n%s", body)
	}
}

func TestStaticFiles(t *testing.T) {
	d := newDashboard(t)
	h := serve(d, waymark.Project{})
	tests := []struct {
		file, contentType string
	}{
		{"css/dashboard.css", "text/css; charset=utf-8"},
		{"js/format.js", "text/javascript; charset=utf-8"},
		{"vendor/echarts/echarts.esm.min.mjs", "text/javascript; charset=utf-8"},
		{"vendor/echarts/LICENSE", "text/plain; charset=utf-8"},
		{"img/waymark.svg", "image/svg+xml"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			want, err := fs.ReadFile(static.FS, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			resp := get(t, h, d.assets.url(tt.file))
			if got := read(t, resp); resp.StatusCode != 200 || got != string(want) {
				t.Fatalf("GET %s = %d, %d bytes; want the file's %d", tt.file, resp.StatusCode, len(got), len(want))
			}
			if got := resp.Header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type %q, want %q", got, tt.contentType)
			}
			if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control %q, want immutable for the current version", got)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			resp = get(t, h, d.assets.url(tt.file), "Accept-Encoding", "gzip, deflate")
			if resp.Header.Get("Content-Encoding") == "gzip" {
				zr, err := gzip.NewReader(strings.NewReader(read(t, resp)))
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(zr)
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("gzipped %s does not unzip to the file: %v", tt.file, err)
				}
			} else if strings.HasPrefix(tt.contentType, "text/javascript") {
				t.Errorf("%s is not gzipped for a browser that takes gzip", tt.file)
			}
		})
	}
	if resp := get(t, h, "/static/0123456789ab/js/format.js"); resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("a file of another version: %d, Cache-Control %q; want it served, not kept", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	for _, missing := range []string{"js/nothing.js", "templates/layout.html", "static.go"} {
		if resp := get(t, h, d.assets.url(missing)); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", missing, resp.StatusCode)
		}
	}
}

// scripts are the dashboard's own modules, without the vendored ones.
func scripts(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := fs.WalkDir(static.FS, "js", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static.FS, p)
		files[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestScriptsBuildNoHTML holds the modules to building the page from text
// nodes: data in the page is untrusted, and no module may hand a string to
// the HTML parser or to the JavaScript compiler, or set inline styles.
func TestScriptsBuildNoHTML(t *testing.T) {
	forbidden := regexp.MustCompile(`\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|setAttribute\(\s*'style'|\.style\.|createContextualFragment|DOMParser`)
	for file, src := range scripts(t) {
		if m := forbidden.FindString(src); m != "" {
			t.Errorf("%s uses %s", file, m)
		}
	}
}

// TestImportsResolve: without a build step, a misspelt import shows only in
// the browser; every relative import must name a file.
func TestImportsResolve(t *testing.T) {
	imports := regexp.MustCompile(`(?m)^import [^;]*? from '([^']+)';|^import '([^']+)';`)
	for file, src := range scripts(t) {
		for _, m := range imports.FindAllStringSubmatch(src, -1) {
			target := m[1] + m[2]
			if !strings.HasPrefix(target, ".") {
				t.Errorf("%s imports %q: only relative imports resolve without a build", file, target)
				continue
			}
			if _, err := fs.Stat(static.FS, path.Join(path.Dir(file), target)); err != nil {
				t.Errorf("%s imports %s, which does not exist", file, target)
			}
		}
	}
}

func TestEveryPageHasAModule(t *testing.T) {
	for _, p := range pages {
		if _, err := fs.Stat(static.FS, "js/pages/"+p.Name+".js"); err != nil {
			t.Errorf("page %s has no module: %v", p.Pattern, err)
		}
		if _, err := fs.Stat(static.FS, "templates/"+p.Name+".html"); err != nil {
			t.Errorf("page %s has no view: %v", p.Pattern, err)
		}
	}
}
