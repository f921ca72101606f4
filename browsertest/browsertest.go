// Package browsertest runs pages in a real headless Chromium for tests: it
// starts the browser, opens pages, and records every request a page makes and
// every error it writes to the console. A page can be held to a list of
// origins: a request to any other is recorded and refused before it leaves
// the machine.
//
// Tests need Chromium at /usr/bin/chromium (Debian's package chromium, which
// ./scripts/test.sh installs). Without it they fail when CI is set and are
// skipped otherwise.
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Browser is a headless Chromium that lives as long as the test that started it.
type Browser struct {
	ctx context.Context // the chromedp context that owns the browser
}

// Start starts Chromium with a fresh profile and stops it when the test ends.
func Start(t testing.TB) *Browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		msg := "Chromium is missing: the browser tests need /usr/bin/chromium; ./scripts/test.sh installs it (apt-get install chromium)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	// Chromium leaves a directory of its own in TMPDIR (its singleton
	// socket) when it is stopped; in the test's, the test removes it.
	tmp := t.TempDir()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.UserDataDir(filepath.Join(tmp, "profile")),
		chromedp.Env("TMPDIR="+tmp),
		chromedp.Headless,
		chromedp.NoSandbox, // root in containers and CI, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		// Nothing of the browser's own may reach the network: no QUIC
		// probes, updates, sync or background requests.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true), // /dev/shm is small in containers
	)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel() // closes the browser and waits for it
		cancelAlloc()
	})
	// The browser lives as long as the context of the first call: no
	// timeout here. Starting gives up after chromedp's 20 s by itself.
	if _, err := chromedp.CallBrowser(ctx, browser.GetVersion, cdp.Empty{}); err != nil {
		t.Fatalf("starting Chromium (%s): %v", path, err)
	}
	return &Browser{ctx: ctx}
}

func chromiumPath() string {
	if path, err := exec.LookPath("chromium"); err == nil {
		return path
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// Page is one tab of the browser.
type Page struct {
	ctx     context.Context
	allowed []string // origins the page may reach; empty: all

	mu            sync.Mutex
	requests      []string
	blocked       []string
	consoleErrors []string
}

// Open opens url in a new tab and waits until it has loaded. When origins
// (such as "http://127.0.0.1:8080") are given, the page may reach only
// those: any other request is recorded in Blocked and fails. The tab closes
// when the test ends.
func (b *Browser) Open(t testing.TB, url string, origins ...string) *Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	p := &Page{ctx: ctx, allowed: origins}
	// Listen records each event before the reply to a later command is
	// read, so that what a page did before a command shows after it.
	if err := chromedp.Listen(ctx, p.record); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{}); err != nil {
		t.Fatalf("intercepting requests: %v", err)
	}
	go p.decide(paused)
	navCtx, cancelNav := context.WithTimeout(ctx, 30*time.Second)
	defer cancelNav()
	if err := chromedp.Do(navCtx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
	return p
}

// Context is the tab's chromedp context, to run actions with chromedp.Do
// and chromedp.Run.
func (p *Page) Context() context.Context { return p.ctx }

// Requests returns the URL of every request the page has made so far, in
// order, refused ones included.
func (p *Page) Requests(t testing.TB) []string {
	t.Helper()
	p.sync(t)
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requests...)
}

// Blocked returns the URLs of the requests to origins the page may not reach.
func (p *Page) Blocked(t testing.TB) []string {
	t.Helper()
	p.sync(t)
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.blocked...)
}

// ConsoleErrors returns the errors the page has written to the console so
// far: console.error calls, uncaught exceptions and the browser's own error
// entries, such as failed loads.
func (p *Page) ConsoleErrors(t testing.TB) []string {
	t.Helper()
	p.sync(t)
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.consoleErrors...)
}

// WaitListener waits up to 10 s until the element that the CSS selector
// finds has a listener for the event type: until the page's scripts have
// attached their handlers, a click does nothing or only the browser's default.
func (p *Page) WaitListener(selector, eventType string) error {
	sel, _ := json.Marshal(selector)
	typ, _ := json.Marshal(eventType)
	// getEventListeners is DevTools' console API: it sees listeners that
	// the page's own code cannot.
	expr := fmt.Sprintf(`(function(el){return !!el && (getEventListeners(el)[%s]||[]).length>0})(document.querySelector(%s))`, typ, sel)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		res, err := chromedp.Call(p.ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: expr, IncludeCommandLineAPI: ptr(true), ReturnByValue: ptr(true)})
		if err == nil && res.ExceptionDetails == nil && string(res.Result.Value) == "true" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s has no %s listener after 10 s (last error: %v)", selector, eventType, err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// sync makes a round trip to the tab, so that every event it sent before
// is recorded.
func (p *Page) sync(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.NavigationEntries()); err != nil {
		t.Fatalf("reaching the tab: %v", err)
	}
}

// record runs in the tab's message loop: it must only take notes.
func (p *Page) record(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		p.requests = append(p.requests, ev.Request.URL)
	case *fetch.EventRequestPaused:
		// Requests that Network does not report, such as those of a
		// service worker, still pass here.
		if !p.allows(ev.Request.URL) {
			p.blocked = append(p.blocked, ev.Request.URL)
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			p.consoleErrors = append(p.consoleErrors, "console."+string(ev.Type)+": "+argsText(ev.Args))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		p.consoleErrors = append(p.consoleErrors, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, text))
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			p.consoleErrors = append(p.consoleErrors, fmt.Sprintf("%s: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	}
}

// decide lets each paused request go on or fails it, off the message loop
// because answering is a command.
func (p *Page) decide(paused iter.Seq2[fetch.EventRequestPaused, error]) {
	for ev, err := range paused {
		if err != nil {
			return // the tab has closed
		}
		// An answer fails only when the tab has closed or navigated
		// away, and then the request has gone too.
		if p.allows(ev.Request.URL) {
			chromedp.Call(p.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
		} else {
			chromedp.Call(p.ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		}
	}
}

// allows reports whether the page may reach rawURL; data: and other local
// URLs never leave the browser.
func (p *Page) allows(rawURL string) bool {
	if len(p.allowed) == 0 {
		return true
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	if u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ws" && u.Scheme != "wss" {
		return u.Scheme == "data" || u.Scheme == "blob" || u.Scheme == "about"
	}
	origin := u.Scheme + "://" + u.Host
	for _, o := range p.allowed {
		if strings.EqualFold(origin, o) {
			return true
		}
	}
	return false
}

// argsText is a console call's arguments as DevTools would show them, roughly.
func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, len(args))
	for i, a := range args {
		switch {
		case a.Type == runtime.RemoteObjectTypeString:
			parts[i] = strings.Trim(string(a.Value), `"`)
		case len(a.Value) > 0:
			parts[i] = string(a.Value)
		case a.UnserializableValue != "":
			parts[i] = string(a.UnserializableValue)
		default:
			parts[i] = a.Description
		}
	}
	return strings.Join(parts, " ")
}
