package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/waymark-analytics/waymark/browsertest"
)

// A shop's page with Segment's own snippet, its host changed to a running
// `waymark serve`, sends everything a site tracks to Waymark, and nothing
// anywhere else: analytics.js, its chunks and its settings all come from
// Waymark.
//
// testdata/browser/segment-snippet.min.js is the snippet exactly as Segment
// renders it (@segment/snippet 5.2.1, min, apiKey YOUR_WRITE_KEY).
func TestAnalyticsJSInChromium(t *testing.T) {
	browser := browsertest.Start(t)
	waymark := startServer(t, t.TempDir())
	waymarkOrigin := "http://" + waymark.addr

	snippet, err := os.ReadFile("testdata/browser/segment-snippet.min.js")
	if err != nil {
		t.Fatal(err)
	}
	// Only the host changes; the test server has no TLS, so the scheme too.
	replaced := strings.NewReplacer("https://cdn.segment.com", waymarkOrigin, "YOUR_WRITE_KEY", testWriteKey).Replace(string(snippet))
	if strings.Count(replaced, waymarkOrigin) != 1 || strings.Count(replaced, testWriteKey) != 2 {
		t.Fatalf("the snippet does not have one CDN host and two write keys:\n%s", snippet)
	}
	shopPage := template.Must(template.ParseFiles("testdata/browser/shop.html"))
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/":
			shopPage.Execute(w, map[string]string{"Snippet": replaced})
		case "/pricing":
			w.Write([]byte("<!doctype html><title>Pricing</title><link rel=\"icon\" href=\"data:,\"><h1>Pricing</h1>"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(shop.Close)

	// The querystring API: a link in an email identifies the reader and
	// tracks the email's event.
	tab := browser.Open(t, shop.URL+"/?ajs_uid=ada&ajs_trait_source=newsletter&ajs_event=Opened+Newsletter&ajs_prop_issue=42", shop.URL, waymarkOrigin)
	want := []struct {
		what  string
		match func(e browserEvent) bool
	}{
		{"page()", func(e browserEvent) bool { return e.Type == "page" && e.Properties["path"] == "/" }},
		{"identify()", func(e browserEvent) bool {
			return e.Type == "identify" && e.UserID == "ada" && e.Traits["plan"] == "pro"
		}},
		{"track()", func(e browserEvent) bool {
			return e.Type == "track" && e.Event == "Viewed Offer" && e.Properties["offer"] == "spring"
		}},
		{"ajs_uid with ajs_trait_", func(e browserEvent) bool {
			return e.Type == "identify" && e.UserID == "ada" && e.Traits["source"] == "newsletter"
		}},
		{"ajs_event with ajs_prop_", func(e browserEvent) bool {
			return e.Type == "track" && e.Event == "Opened Newsletter" && e.Properties["issue"] == "42"
		}},
		{"trackLink()", func(e browserEvent) bool {
			return e.Type == "track" && e.Event == "Clicked Pricing" && e.Properties["placement"] == "header" && e.UserID == "ada"
		}},
	}
	// trackLink attaches its handler once analytics.js has loaded and
	// fetched its chunk; the handler leads on to /pricing once the event
	// has gone.
	if err := tab.WaitListener("#pricing", "click"); err != nil {
		t.Errorf("trackLink: %v", err)
	} else {
		ctx, cancel := context.WithTimeout(tab.Context(), 10*time.Second)
		defer cancel()
		_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.ID("pricing"))))
		if err != nil {
			t.Errorf("the tracked link did not lead on to /pricing: %v", err)
		}
	}

	var events []browserEvent
	missing := want
	for deadline := time.Now().Add(15 * time.Second); len(missing) > 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		events = readEvents(t, waymark.addr)
		missing = missing[:0:0]
		for _, w := range want {
			found := false
			for _, e := range events {
				found = found || w.match(e)
			}
			if !found {
				missing = append(missing, w)
			}
		}
	}
	for _, m := range missing {
		t.Errorf("%s did not arrive", m.what)
	}
	if len(missing) > 0 {
		t.Logf("stored events: %+v", events)
	}

	if blocked := tab.Blocked(t); len(blocked) > 0 {
		t.Errorf("the page called hosts other than the shop's and Waymark's: %q", blocked)
	}
	requests := tab.Requests(t)
	for _, path := range []string{"/analytics.js/v1/" + testWriteKey + "/analytics.min.js", "/v1/projects/" + testWriteKey + "/settings", "/analytics-next/bundles/queryString.bundle.", "/analytics-next/bundles/auto-track.bundle."} {
		found := false
		for _, r := range requests {
			found = found || strings.HasPrefix(r, waymarkOrigin+path)
		}
		if !found {
			t.Errorf("the page did not load %s from Waymark; it requested %q", path, requests)
		}
	}
	if !slices.Contains(requests, shop.URL+"/pricing") {
		t.Errorf("the page did not load /pricing; it requested %q", requests)
	}
	// trackLink waits 500 ms for the event to be delivered before it
	// follows the link, and logs "Promise timed out" when a busy machine
	// takes longer; the event still arrives, as checked above.
	errs := slices.DeleteFunc(tab.ConsoleErrors(t), func(e string) bool { return strings.Contains(e, "Error: Promise timed out") })
	if len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

// browserEvent is what this test reads of an event from GET /api/v1/events.
type browserEvent struct {
	Type       string         `json:"type"`
	Event      string         `json:"event"`
	UserID     string         `json:"userId"`
	Properties map[string]any `json:"properties"`
	Traits     map[string]any `json:"traits"`
}

func readEvents(t *testing.T, addr string) []browserEvent {
	t.Helper()
	req, err := http.NewRequest("GET", "http://"+addr+"/api/v1/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testReadKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/events: %s", resp.Status)
	}
	var events []browserEvent
	lines := bufio.NewScanner(resp.Body)
	lines.Buffer(nil, 1<<20)
	for lines.Scan() {
		var e browserEvent
		if err := json.Unmarshal(lines.Bytes(), &e); err != nil {
			t.Fatalf("event %s: %v", lines.Bytes(), err)
		}
		events = append(events, e)
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}
	return events
}
