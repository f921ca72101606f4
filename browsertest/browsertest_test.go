package browsertest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A page that calls its own origin and a foreign one, writes an error and
// throws: the foreign call is refused and recorded, and both errors show.
func TestPage(t *testing.T) {
	b := Start(t)
	const foreign = "http://192.0.2.1/collect" // TEST-NET-1: nobody's
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(`<!doctype html><link rel="icon" href="data:,"><button id="b">b</button><script>
Promise.allSettled([fetch("/own"), fetch("` + foreign + `")]).then(() => {
	console.error("boom", 42);
	setTimeout(() => { throw new Error("thrown") });
	setTimeout(() => { document.getElementById("b").addEventListener("click", () => {}); document.title = "done" }, 100);
});
</script>`))
		case "/own":
			w.Write([]byte("ok"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(site.Close)

	p := b.Open(t, site.URL+"/", site.URL)
	if err := p.WaitListener("#b", "click"); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(p.Context(), chromedp.Poll[bool](`document.title === "done"`)); err != nil {
		t.Fatal(err)
	}

	if got := p.Requests(t); !slices.Equal(got, []string{site.URL + "/", site.URL + "/own", foreign}) {
		t.Errorf("requests %q", got)
	}
	if got := p.Blocked(t); !slices.Equal(got, []string{foreign}) {
		t.Errorf("blocked %q, want only %s", got, foreign)
	}
	errs := strings.Join(p.ConsoleErrors(t), "\n")
	for _, want := range []string{"ERR_BLOCKED_BY_CLIENT", "console.error: boom 42", "Error: thrown"} {
		if !strings.Contains(errs, want) {
			t.Errorf("console errors lack %q:\n%s", want, errs)
		}
	}
}

// Without a list of origins, a page reaches every origin.
func TestPageUnrestricted(t *testing.T) {
	b := Start(t)
	called := make(chan bool, 1)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called <- true
	}))
	t.Cleanup(other.Close)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<!doctype html><link rel="icon" href="data:,"><img src="` + other.URL + `/pixel">`))
	}))
	t.Cleanup(site.Close)
	p := b.Open(t, site.URL+"/")
	select {
	case <-called:
	case <-time.After(10 * time.Second):
		t.Fatal("the other origin was not called")
	}
	if got := p.Blocked(t); len(got) != 0 {
		t.Errorf("blocked %q, want none", got)
	}
	if got := p.Requests(t); !slices.Equal(got, []string{site.URL + "/", other.URL + "/pixel"}) {
		t.Errorf("requests %q", got)
	}
}
