package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/waymark-analytics/waymark/browsertest"
)

// The dashboard in a real Chromium, over `waymark demo` as a user runs it.
// Pages are checked by the numbers they show, against the API's answers for
// the same question.

// site is `waymark demo` with a small dataset, and a browser.
type site struct {
	srv     *server
	origin  string
	browser *browsertest.Browser
}

func startSite(t *testing.T, command string, extra ...string) *site {
	t.Helper()
	browser := browsertest.Start(t)
	if command == "demo" {
		extra = append([]string{"--events", "10000"}, extra...)
	}
	srv := startCommand(t, command, t.TempDir(), extra...)
	return &site{srv: srv, origin: "http://" + srv.addr, browser: browser}
}

var bannerLink = regexp.MustCompile(`dashboard: (\S+)`)

// open signs in with the link the startup banner prints, opens path and
// waits until the page has its numbers.
func (s *site) open(t *testing.T, path string) *browsertest.Page {
	t.Helper()
	tab := s.openPage(t, path)
	waitReady(t, tab)
	return tab
}

// openPage signs in and opens path, as open does, without waiting.
func (s *site) openPage(t *testing.T, path string) *browsertest.Page {
	t.Helper()
	// The server may answer its health check a moment before it prints
	// the banner.
	m := bannerLink.FindStringSubmatch(s.srv.out.String())
	for deadline := time.Now().Add(10 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		m = bannerLink.FindStringSubmatch(s.srv.out.String())
	}
	if m == nil {
		t.Fatalf("the banner has no dashboard link:\n%s", s.srv.out)
	}
	if want := s.origin + "/login?key=" + url.QueryEscape(s.readKey(t)); m[1] != want {
		t.Fatalf("the banner's link is %s, want %s", m[1], want)
	}
	return s.browser.Open(t, m[1]+"&next="+url.QueryEscape(path), s.origin)
}

var bannerReadKey = regexp.MustCompile(`read key: +(\S+)`)

// readKey is the read key the banner prints.
func (s *site) readKey(t testing.TB) string {
	m := bannerReadKey.FindStringSubmatch(s.srv.out.String())
	if m == nil {
		t.Fatalf("the banner has no read key:\n%s", s.srv.out)
	}
	return m[1]
}

// waitReady waits until the page has run its reports: every panel filled,
// none loading, every chart drawn.
func waitReady(t *testing.T, tab *browsertest.Page) {
	t.Helper()
	waitFor(t, tab, `(() => { const b = document.body.dataset;
		return Number(b.filled || 0) > 0 && b.busy === '0' &&
			[...document.querySelectorAll('figure.chart')].every((f) => f.dataset.drawn === 'true'); })()`)
}

// waitFor waits up to 20 s until the JavaScript condition holds. It asks
// again when the page is between documents.
func waitFor(t *testing.T, tab *browsertest.Page, condition string) {
	t.Helper()
	var err error
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(tab.Context(), 5*time.Second)
		var ok bool
		ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool](condition))
		cancel()
		if ok && err == nil {
			return
		}
	}
	loc, _ := chromedp.Run(tab.Context(), chromedp.Location())
	text, _ := chromedp.Run(tab.Context(), chromedp.Evaluate[string](`document.body.innerText`))
	t.Fatalf("waiting for %s on %s (last error: %v)\nconsole: %q\npage:\n%s", condition, loc, err, tab.ConsoleErrors(t), text)
}

func evaluate[T any](t *testing.T, tab *browsertest.Page, expression string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.Context(), 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expression))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expression, err)
	}
	return v
}

func do(t *testing.T, tab *browsertest.Page, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.Context(), 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// clickAndLoad clicks what the selector finds and waits for the next page.
func clickAndLoad(t *testing.T, tab *browsertest.Page, selector string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.Context(), 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(selector)))); err != nil {
		t.Fatalf("clicking %s: %v", selector, err)
	}
}

func location(t *testing.T, tab *browsertest.Page) string {
	t.Helper()
	return evaluate[string](t, tab, `location.pathname + location.search`)
}

// rows returns the cells' text of the table whose CSV file is named file.
func rows(t *testing.T, tab *browsertest.Page, file string) [][]string {
	t.Helper()
	return evaluate[[][]string](t, tab, fmt.Sprintf(`[...document.querySelectorAll('[data-table=%q] tbody tr')]
		.map((tr) => [...tr.cells].map((c) => c.textContent.trim()))`, file))
}

// figureValues returns the headline numbers by label.
func figureValues(t *testing.T, tab *browsertest.Page) map[string]string {
	t.Helper()
	return evaluate[map[string]string](t, tab, `Object.fromEntries([...document.querySelectorAll('.figure')]
		.map((f) => [f.querySelector('dt').textContent.trim(), f.querySelector('.value').textContent.trim()]))`)
}

func noConsoleErrors(t *testing.T, tab *browsertest.Page) {
	t.Helper()
	if errs := tab.ConsoleErrors(t); len(errs) > 0 {
		t.Errorf("console errors on %s:\n%s", location(t, tab), strings.Join(errs, "\n"))
	}
	if problems := evaluate[[]string](t, tab, `[...document.querySelectorAll('.error')].map((e) => e.textContent)`); len(problems) > 0 {
		t.Errorf("%s shows errors: %q", location(t, tab), problems)
	}
}

// api asks the query API with the read key; body, if set, is POSTed.
func (s *site) api(t *testing.T, path string, body, answer any) {
	t.Helper()
	method, reader := "GET", io.Reader(nil)
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		method, reader = "POST", bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.origin+path, reader)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testReadKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s = %d %s", method, path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, answer); err != nil {
		t.Fatalf("%s %s: %v\n%s", method, path, err, b)
	}
}

// send posts messages to the collector with the write key.
func (s *site) send(t *testing.T, messages ...map[string]any) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"batch": messages})
	req, _ := http.NewRequest("POST", s.origin+"/v1/batch", bytes.NewReader(b))
	req.SetBasicAuth(testWriteKey, "")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(answer), `"rejected":[]`) {
		t.Fatalf("POST /v1/batch = %d %s", resp.StatusCode, answer)
	}
}

// pageCount and pagePercent write numbers as the dashboard does (format.js).
func pageCount(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func pagePercent(fraction float64) string {
	p := fraction * 100
	switch {
	case p == 0 || p == 100:
		return strconv.FormatFloat(p, 'f', -1, 64) + "%"
	case math.Abs(p) < 10:
		return strconv.FormatFloat(p, 'f', 2, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}

func TestDashboardPages(t *testing.T) {
	s := startSite(t, "demo")
	var persons struct {
		Persons []string `json:"persons"`
	}
	s.api(t, "/api/v1/funnels/persons", map[string]any{"funnel": leadFunnel(), "step": 1, "outcome": "reached", "limit": 1}, &persons)
	if len(persons.Persons) == 0 {
		t.Fatal("the demo has no lead")
	}
	for _, path := range []string{
		"/",
		"/?interval=week&goal=Signed+Up",
		"/journeys",
		"/journeys/lead-nurturing",
		"/journeys?mode=new",
		"/journeys/trial-to-paid?mode=edit",
		"/funnels?step=Form+Submitted&step=Lead+Qualified&breakdown=channel",
		"/paths?start=Home&collapse=1&compare=Signed+Up",
		"/attribution?conversion=Form+Submitted&touch=utm_content&lead=Form+Submitted&opportunity=Trial+Started",
		"/people",
		"/people?q=example",
		"/people/" + url.PathEscape(persons.Persons[0]),
		"/events",
		"/events?type=track&name=Form+Submitted",
	} {
		t.Run(path, func(t *testing.T) {
			tab := s.open(t, path)
			noConsoleErrors(t, tab)
			if got := location(t, tab); got != path {
				t.Errorf("the page moved to %s", got)
			}
			if n := evaluate[int](t, tab, `document.querySelectorAll('main tbody tr, main form input').length`); n == 0 {
				t.Errorf("%s shows no table rows and no form", path)
			}
		})
	}
	t.Run("a parameter the page cannot use", func(t *testing.T) {
		tab := s.openPage(t, "/funnels?step=Form+Submitted&step=Lead+Qualified&order=sideways&colour=blue")
		waitFor(t, tab, `!!document.querySelector('#problems .error')`)
		text := evaluate[string](t, tab, `document.querySelector('.error').textContent`)
		for _, want := range []string{"order=sideways: use ordered, strict, any", `unknown parameter "colour"`} {
			if !strings.Contains(text, want) {
				t.Errorf("the page says %q, want it to say %q", text, want)
			}
		}
	})
}

// leadFunnel is the funnel TestDashboardFunnel builds by clicking.
func leadFunnel() map[string]any {
	return map[string]any{
		"steps": []map[string]any{
			{"name": "Form Submitted", "touchpoints": []map[string]any{{"event": "Form Submitted",
				"where": []map[string]any{{"field": "properties.form_type", "op": "=", "value": "content_download"}}}}},
			{"name": "Lead Qualified", "touchpoints": []map[string]any{{"event": "Lead Qualified"}}},
			{"name": "Signed Up", "touchpoints": []map[string]any{{"event": "Signed Up"}}},
		},
		"order": "ordered", "countBy": "persons", "trend": "week",
		"breakdown": map[string]any{"field": "channel"},
	}
}

type funnelAnswer struct {
	Entered    int     `json:"entered"`
	Converted  int     `json:"converted"`
	Conversion float64 `json:"conversion"`
	Steps      []struct {
		Name                   string  `json:"name"`
		Count                  int     `json:"count"`
		ConversionFromPrevious float64 `json:"conversionFromPrevious"`
		ConversionFromFirst    float64 `json:"conversionFromFirst"`
		DropOff                int     `json:"dropOff"`
		InProgress             int     `json:"inProgress"`
	} `json:"steps"`
	Breakdown []struct {
		Value      string  `json:"value"`
		Entered    int     `json:"entered"`
		Conversion float64 `json:"conversion"`
	} `json:"breakdown"`
}

func TestDashboardFunnel(t *testing.T) {
	s := startSite(t, "demo")
	tab := s.open(t, "/funnels")
	waitFor(t, tab, `document.querySelectorAll('#steps input.event').length === 2`)
	step := func(n int) string { return fmt.Sprintf("#steps > li:nth-child(%d) ", n) }
	do(t, tab,
		chromedp.SendKeys(chromedp.CSS(step(1)+"input.event"), "Form Submitted"),
		chromedp.Click(chromedp.CSS(step(1)+".conditions-editor > button")),
		chromedp.SendKeys(chromedp.CSS(step(1)+".condition .field"), "properties.form_type"),
		chromedp.SendKeys(chromedp.CSS(step(1)+".condition .value"), "content_download"),
		chromedp.SendKeys(chromedp.CSS(step(2)+"input.event"), "Lead Qualified"),
		chromedp.Click(chromedp.ID("add-step")),
		chromedp.SendKeys(chromedp.CSS(step(3)+"input.event"), "Signed Up"),
		chromedp.SendKeys(chromedp.ID("breakdown"), "channel"),
		chromedp.Click(chromedp.CSS(`#funnel-form button[type="submit"]`)),
	)
	waitFor(t, tab, `new URLSearchParams(location.search).getAll('step').length === 3`)
	waitReady(t, tab)
	noConsoleErrors(t, tab)

	var want funnelAnswer
	s.api(t, "/api/v1/funnels", leadFunnel(), &want)
	if want.Entered == 0 || want.Steps[1].Count == 0 {
		t.Fatalf("the demo funnel is empty: %+v", want)
	}
	figures := figureValues(t, tab)
	for label, value := range map[string]string{"Persons entered": pageCount(want.Entered), "Converted": pageCount(want.Converted), "Conversion": pagePercent(want.Conversion)} {
		if figures[label] != value {
			t.Errorf("%s shows %q, the API says %q", label, figures[label], value)
		}
	}
	got := rows(t, tab, "funnel-steps")
	if len(got) != len(want.Steps) {
		t.Fatalf("the steps table has %d rows, the API %d steps: %q", len(got), len(want.Steps), got)
	}
	for i, st := range want.Steps {
		row := []string{fmt.Sprintf("%d. %s", i+1, st.Name), pageCount(st.Count), pagePercent(st.ConversionFromPrevious),
			pagePercent(st.ConversionFromFirst), pageCount(st.DropOff), pageCount(st.InProgress)}
		if !slicesEqual(got[i][:6], row) {
			t.Errorf("step %d shows %q, the API says %q", i+1, got[i][:6], row)
		}
	}
	breakdown := rows(t, tab, "funnel-breakdown")
	if len(breakdown) != len(want.Breakdown) {
		t.Fatalf("the breakdown has %d rows, the API %d", len(breakdown), len(want.Breakdown))
	}
	for i, g := range want.Breakdown {
		if breakdown[i][0] != g.Value || breakdown[i][1] != pageCount(g.Entered) {
			t.Errorf("breakdown row %d shows %q, the API says %s with %d", i, breakdown[i], g.Value, g.Entered)
		}
	}

	// The persons behind step 2's number, and one of them.
	do(t, tab, chromedp.Click(chromedp.CSS(`[data-table="funnel-steps"] tbody tr:nth-child(2) td:nth-child(2) button`)))
	waitFor(t, tab, `new URLSearchParams(location.search).get('persons') === '2:reached'`)
	waitReady(t, tab)
	var drill struct {
		Persons []string `json:"persons"`
		Total   int      `json:"total"`
	}
	s.api(t, "/api/v1/funnels/persons", map[string]any{"funnel": leadFunnel(), "step": 2, "outcome": "reached", "limit": 50}, &drill)
	listed := rows(t, tab, "funnel-persons")
	if len(listed) != len(drill.Persons) {
		t.Fatalf("the page lists %d persons, the API %d", len(listed), len(drill.Persons))
	}
	for i, id := range drill.Persons {
		if listed[i][0] != id {
			t.Errorf("person %d is %q, the API says %q", i, listed[i][0], id)
		}
	}
	if pager := evaluate[string](t, tab, `document.querySelector('.drill .pager').textContent`); !strings.HasPrefix(pager, pageCount(drill.Total)+" persons") {
		t.Errorf("the persons list says %q, the API counts %d", pager, drill.Total)
	}
	clickAndLoad(t, tab, `[data-table="funnel-persons"] tbody tr:first-child a`)
	waitReady(t, tab)
	if got := location(t, tab); got != "/people/"+url.PathEscape(drill.Persons[0]) {
		t.Errorf("the person's link opened %s", got)
	}
	noConsoleErrors(t, tab)

	// Back to the funnel, as it was.
	evaluate[any](t, tab, `history.back()`)
	waitFor(t, tab, `location.pathname === '/funnels' && new URLSearchParams(location.search).get('persons') === '2:reached'`)
	waitReady(t, tab)
	if n := len(rows(t, tab, "funnel-persons")); n != len(drill.Persons) {
		t.Errorf("after going back the persons list has %d rows, want %d", n, len(drill.Persons))
	}
}

func slicesEqual(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00")
}

type journeyAnswer struct {
	Persons    int     `json:"persons"`
	Conversion float64 `json:"conversion"`
	Stages     []struct {
		Name    string  `json:"name"`
		Reached int     `json:"reached"`
		Entered int     `json:"entered"`
		DropOff int     `json:"dropOff"`
		MovedOn float64 `json:"movedOn"`
	} `json:"stages"`
	Flows []struct {
		From, To, Persons int
	} `json:"flows"`
	Friction *struct {
		Stage int    `json:"stage"`
		Name  string `json:"name"`
	} `json:"friction"`
}

func TestDashboardJourney(t *testing.T) {
	s := startSite(t, "demo")
	tab := s.open(t, "/journeys/lead-nurturing")
	noConsoleErrors(t, tab)
	check := func(query string) {
		t.Helper()
		var want journeyAnswer
		s.api(t, "/api/v1/journeys/lead-nurturing/report"+query, nil, &want)
		if want.Persons == 0 || want.Friction == nil {
			t.Fatalf("the demo journey is empty: %+v", want)
		}
		figures := figureValues(t, tab)
		for label, value := range map[string]string{"Persons": pageCount(want.Persons), "Conversion": pagePercent(want.Conversion), "Friction point": want.Friction.Name} {
			if figures[label] != value {
				t.Errorf("%s shows %q, the API says %q", label, figures[label], value)
			}
		}
		stages := rows(t, tab, "journey-stages")
		if len(stages) != len(want.Stages) {
			t.Fatalf("%d stages shown, the API has %d", len(stages), len(want.Stages))
		}
		for i, st := range want.Stages {
			row := []string{fmt.Sprintf("%d. %s", i+1, st.Name), pageCount(st.Reached), pageCount(st.Entered), pageCount(st.DropOff), pagePercent(st.MovedOn)}
			if !slicesEqual(stages[i][:5], row) {
				t.Errorf("stage %d shows %q, the API says %q", i+1, stages[i][:5], row)
			}
		}
		flows := rows(t, tab, "journey-flows")
		if len(flows) != len(want.Flows) {
			t.Fatalf("%d flows shown, the API has %d", len(flows), len(want.Flows))
		}
		skips := 0
		for i, f := range want.Flows {
			if flows[i][2] != pageCount(f.Persons) {
				t.Errorf("flow %d shows %s persons, the API %d", i, flows[i][2], f.Persons)
			}
			if f.From >= 0 && f.To > f.From+1 {
				skips++
			}
		}
		if skips == 0 {
			t.Error("the demo journey has no skip to draw")
		}
		friction := evaluate[string](t, tab, `document.querySelector('.stage-card.friction h3').textContent`)
		if want := fmt.Sprintf("%d. %s", want.Friction.Stage+1, want.Friction.Name); friction != want {
			t.Errorf("the highlighted stage is %q, the API's friction point %q", friction, want)
		}
	}
	check("")

	// A date range from the control: the URL and the numbers follow.
	evaluate[bool](t, tab, `(() => { const p = document.getElementById('range-preset'); p.value = '30';
		return p.dispatchEvent(new Event('change')); })()`)
	waitFor(t, tab, `new URLSearchParams(location.search).has('from')`)
	waitReady(t, tab)
	check(evaluate[string](t, tab, `location.search`))
}

func TestDashboardSignIn(t *testing.T) {
	s := startSite(t, "serve")
	tab := s.browser.Open(t, s.origin+"/funnels?step=A&step=B", s.origin)
	if got := location(t, tab); got != "/login?next="+url.QueryEscape("/funnels?step=A&step=B") {
		t.Fatalf("signed out, /funnels went to %s", got)
	}
	do(t, tab, chromedp.SendKeys(chromedp.ID("key"), testWriteKey))
	clickAndLoad(t, tab, `button[type="submit"]`)
	if problem := evaluate[string](t, tab, `document.querySelector('.problem').textContent`); !strings.Contains(problem, "not the read key") {
		t.Errorf("a wrong key got %q", problem)
	}
	do(t, tab, chromedp.SendKeys(chromedp.ID("key"), testReadKey))
	clickAndLoad(t, tab, `button[type="submit"]`)
	if got := location(t, tab); got != "/funnels?step=A&step=B" {
		t.Fatalf("after signing in the browser is at %s", got)
	}
	waitReady(t, tab)
	// The refused sign-in's 401 is in this tab's console; a new tab of the
	// signed-in browser has a clean one.
	fresh := s.browser.Open(t, s.origin+"/funnels?step=A&step=B", s.origin)
	waitReady(t, fresh)
	noConsoleErrors(t, fresh)
	clickAndLoad(t, tab, `form[action="/logout"] button`)
	if got := location(t, tab); got != "/login" {
		t.Errorf("after signing out the browser is at %s", got)
	}
	do(t, tab, chromedp.Navigate(s.origin+"/people"))
	if got := location(t, tab); got != "/login?next=%2Fpeople" {
		t.Errorf("signed out, /people went to %s", got)
	}
}

func TestDashboardEmptyProject(t *testing.T) {
	s := startSite(t, "serve")
	tab := s.open(t, "/")
	help := evaluate[string](t, tab, `document.querySelector('.first-event')?.textContent ?? ''`)
	for _, want := range []string{"No events yet", "curl -u " + testWriteKey + ": " + s.origin + "/v1/track"} {
		if !strings.Contains(help, want) {
			t.Errorf("the empty project's overview does not say %q:\n%s", want, help)
		}
	}
	noConsoleErrors(t, tab)
}

func TestDashboardLiveStream(t *testing.T) {
	s := startSite(t, "demo")
	tab := s.open(t, "/")
	waitFor(t, tab, `document.querySelector('.live-status').textContent === 'Live'`)
	name := fmt.Sprintf("Live Check %d", time.Now().UnixNano())
	sent := time.Now()
	s.send(t, map[string]any{"type": "track", "userId": "live-tester", "event": name})
	waitFor(t, tab, fmt.Sprintf(`[...document.querySelectorAll('[data-table="live-events"] tbody tr')].some((tr) => tr.textContent.includes(%q))`, name))
	if took := time.Since(sent); took > 2*time.Second {
		t.Errorf("the new event showed after %v, want within 2 s", took)
	}
	noConsoleErrors(t, tab)
}

// hostile is markup that would run if a page parsed data as HTML.
const hostile = `<img src=x onerror=alert(1)>`

func TestDashboardRunsNoDataAsCode(t *testing.T) {
	s := startSite(t, "demo")
	id := `<script>alert("id")</script>`
	s.send(t,
		map[string]any{"type": "identify", "userId": id, "anonymousId": hostile,
			"traits": map[string]any{"email": hostile, "name": `<svg onload=alert(2)>`, hostile: "trait key"}},
		map[string]any{"type": "page", "userId": id, "name": hostile,
			"properties": map[string]any{"url": "javascript:alert(3)", "path": "/" + hostile, "title": `<iframe src="javascript:alert(4)">`},
			"context":    map[string]any{"page": map[string]any{"url": "javascript:alert(3)", "title": hostile}}},
		map[string]any{"type": "track", "userId": id, "event": hostile,
			"properties": map[string]any{"plan": hostile, hostile: `"><b onmouseover=alert(5)>`, "revenue": 1},
			"context":    map[string]any{"campaign": map[string]any{"name": hostile, "source": hostile}}},
		map[string]any{"type": "track", "userId": id, "event": "Form Submitted", "properties": map[string]any{"form_type": hostile}},
		map[string]any{"type": "page", "userId": id, "name": "Data page",
			"properties": map[string]any{"url": "data:text/html,<script>alert(7)</script>", "path": "/data"}},
		map[string]any{"type": "page", "userId": id, "name": "Blob page",
			"properties": map[string]any{"url": "blob:https://evil.example/1b2c", "path": "/blob"}},
	)
	journey := map[string]any{"id": "hostile", "name": hostile, "stages": []map[string]any{
		{"name": hostile, "touchpoints": []map[string]any{{"event": hostile, "label": `<b>label</b>`}}},
		{"name": `<svg onload=alert(6)>`, "touchpoints": []map[string]any{{"event": "Form Submitted"}}},
	}}
	var saved map[string]any
	s.api(t, "/api/v1/journeys", journey, &saved)

	for _, path := range []string{
		"/", "/events", "/events?name=" + url.QueryEscape(hostile), "/people?q=" + url.QueryEscape("<"),
		"/people/" + url.PathEscape(id), "/journeys", "/journeys/hostile",
		"/funnels?" + url.Values{"step": {hostile, "Form Submitted"}, "breakdown": {"properties.form_type"}}.Encode(),
		"/funnels?step=Form+Submitted&step=Lead+Qualified&" + url.Values{"where": {`{"field":"properties.plan","op":"=","value":"` + strings.ReplaceAll(hostile, `"`, `\"`) + `"}`}}.Encode(),
		"/paths?" + url.Values{"start": {hostile}, "compare": {"Form Submitted"}}.Encode(),
		"/attribution?conversion=Form+Submitted&touch=name",
		"/" + url.PathEscape(hostile),
	} {
		t.Run(path, func(t *testing.T) {
			tab := s.browser.Open(t, "about:blank", s.origin)
			// Record any dialog instead of opening it; added before the
			// page's own scripts, and not subject to its CSP.
			if _, err := chromedp.Call(tab.Context(), page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
				Source: `window.__dialogs = []; for (const f of ['alert', 'confirm', 'prompt', 'print']) window[f] = (...a) => { window.__dialogs.push(f + ':' + a.join(' ')); };`,
			}); err != nil {
				t.Fatal(err)
			}
			do(t, tab, chromedp.Navigate(s.origin+"/login?key="+testReadKey+"&next="+url.QueryEscape(path)))
			if path == "/"+url.PathEscape(hostile) {
				waitFor(t, tab, `document.body.innerText.includes('404 page not found')`)
			} else {
				waitReady(t, tab)
				hoverCharts(t, tab)
			}
			if dialogs := evaluate[[]string](t, tab, `window.__dialogs`); len(dialogs) > 0 {
				t.Errorf("the data opened dialogs: %q", dialogs)
			}
			injected := evaluate[[]string](t, tab, `[...document.querySelectorAll(
				'main img, main script, main iframe, main svg, main b, [onerror], [onload], [onmouseover], a[href^="javascript:"], a[href^="data:"], a[href^="blob:"]')]
				.map((e) => e.outerHTML)`)
			if len(injected) > 0 {
				t.Errorf("the data became elements: %q", injected)
			}
			if errs := tab.ConsoleErrors(t); len(errs) > 0 && !strings.Contains(path, url.PathEscape(hostile)) {
				t.Errorf("console errors (a refused inline script would be one): %q", errs)
			}
		})
	}
	t.Run("the data shows as text", func(t *testing.T) {
		tab := s.open(t, "/events")
		if text := evaluate[string](t, tab, `document.querySelector('main').innerText`); !strings.Contains(text, hostile) {
			t.Errorf("the events page does not show %s as text", hostile)
		}
	})
}

// hoverCharts moves the mouse over every chart, so that their tooltips,
// which show names from the data, are built.
func hoverCharts(t *testing.T, tab *browsertest.Page) {
	t.Helper()
	boxes := evaluate[[][4]float64](t, tab, `[...document.querySelectorAll('.chart-canvas')].map((c) => {
		c.scrollIntoView(); const r = c.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })`)
	for i := range boxes {
		box := evaluate[[4]float64](t, tab, fmt.Sprintf(`(() => { const c = document.querySelectorAll('.chart-canvas')[%d];
			c.scrollIntoView(); const r = c.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`, i))
		for _, f := range []float64{0.2, 0.35, 0.5, 0.65, 0.8} {
			do(t, tab, chromedp.MouseEvent("mouseMoved", box[0]+box[2]*f, box[1]+box[3]*0.6))
			time.Sleep(30 * time.Millisecond)
		}
	}
}

var screenshots = flag.String("screenshots", "", "write screenshots of the dashboard's main pages into this directory (scripts/screenshots.sh)")

// TestScreenshots makes the screenshots in docs/screenshots from the demo
// data, when asked to by scripts/screenshots.sh.
func TestScreenshots(t *testing.T) {
	if *screenshots == "" {
		t.Skip("scripts/screenshots.sh makes the screenshots")
	}
	s := startSite(t, "demo", "--events", "200000")
	var payers struct {
		Persons []string `json:"persons"`
	}
	s.api(t, "/api/v1/funnels/persons", map[string]any{"funnel": map[string]any{"steps": []map[string]any{
		{"touchpoints": []map[string]any{{"event": "Trial Started"}}}, {"touchpoints": []map[string]any{{"event": "Subscription Started"}}}}},
		"step": 2, "outcome": "reached", "limit": 1}, &payers)
	if len(payers.Persons) == 0 {
		t.Fatal("the demo has no paying customer")
	}
	for _, shot := range []struct{ file, path, scrollTo string }{
		{"overview", "/?goal=Subscription+Started", ""},
		{"journey", "/journeys/lead-nurturing", ""},
		{"funnel", "/funnels?step=Checkout+Started&step=Payment+Info+Entered&step=Order+Completed&breakdown=device_type", ""},
		{"paths", "/paths?start=Home&steps=4&top=8&collapse=1", ""},
		{"attribution", "/attribution?conversion=Trial+Started&touch=channel&model=first_touch&model=linear&model=position_based&model=markov&model=shapley", "#results"},
		{"person", "/people/" + url.PathEscape(payers.Persons[0]), ""},
		{"events", "/events", ""},
	} {
		tab := s.browser.Open(t, "about:blank", s.origin)
		do(t, tab, chromedp.EmulateViewport(1280, 900))
		do(t, tab, chromedp.Navigate(s.origin+"/login?key="+url.QueryEscape(s.readKey(t))+"&next="+url.QueryEscape(shot.path)))
		waitReady(t, tab)
		if shot.scrollTo != "" { // a page whose form fills the first screen
			evaluate[any](t, tab, fmt.Sprintf(`document.querySelector(%q).scrollIntoView()`, shot.scrollTo))
		}
		time.Sleep(time.Second) // the charts' animations
		png, err := chromedp.Run(tab.Context(), chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(*screenshots, shot.file+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

var benchData = flag.String("dashboard-data", "", "data directory of a demo to run BenchmarkDashboard over, such as one made by `waymark demo --events 10000000 --serve=false`; empty for a new demo of 200,000 events")

// BenchmarkDashboard measures, per page, the time from navigation to the
// first chart with data, or to the first row of data on pages without a
// chart.
func BenchmarkDashboard(b *testing.B) {
	browser := browsertest.Start(b)
	var srv *server
	if *benchData != "" {
		srv = startCommand(b, "serve", *benchData)
	} else {
		srv = startCommand(b, "demo", b.TempDir(), "--events", "200000")
	}
	s := &site{srv: srv, origin: "http://" + srv.addr, browser: browser}
	s.browser.Open(b, s.origin+"/login?key="+url.QueryEscape(s.readKey(b)), s.origin) // signs the browser in
	for _, p := range []struct{ name, path string }{
		{"overview", "/"},
		{"journey", "/journeys/lead-nurturing"},
		{"funnel", "/funnels?step=Checkout+Started&step=Payment+Info+Entered&step=Order+Completed&breakdown=device_type"},
		{"paths", "/paths?start=Home&steps=4&top=8&collapse=1"},
		{"people", "/people"},
		{"events", "/events"},
	} {
		b.Run(p.name, func(b *testing.B) {
			tab := s.browser.Open(b, "about:blank", s.origin)
			var total time.Duration
			for b.Loop() {
				start := time.Now()
				ctx, cancel := context.WithTimeout(tab.Context(), 5*time.Minute)
				err := chromedp.Do(ctx, chromedp.Navigate(s.origin+p.path))
				if err == nil {
					_, err = chromedp.Run(ctx, chromedp.Poll[bool](`!!document.querySelector('figure.chart[data-drawn]') ||
						(!document.querySelector('figure.chart') && !!document.querySelector('main tbody tr td:not(.empty)'))`,
						chromedp.WithPollingInterval(5*time.Millisecond), chromedp.WithPollingTimeout(5*time.Minute)))
				}
				cancel()
				if err != nil {
					b.Fatalf("%s: %v", p.path, err)
				}
				total += time.Since(start)
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/first-data")
		})
	}
}

func TestDashboardJourneyEditor(t *testing.T) {
	s := startSite(t, "demo")
	tab := s.open(t, "/journeys")
	clickAndLoad(t, tab, `a[href="/journeys/lead-nurturing"]`)
	waitReady(t, tab)
	do(t, tab, chromedp.Click(chromedp.CSS(`#journey-actions button`))) // Edit
	waitFor(t, tab, `new URLSearchParams(location.search).get('mode') === 'edit' && !!document.querySelector('.journey-editor')`)

	// A new journey, by clicking: two stages, a condition on the first.
	do(t, tab, chromedp.Navigate(s.origin+"/journeys?mode=new"))
	waitFor(t, tab, `document.querySelectorAll('.journey-editor .editor-stage').length === 2`)
	stage := func(n int) string { return fmt.Sprintf(".journey-editor .editor-stage:nth-child(%d) ", n) }
	do(t, tab,
		chromedp.SendKeys(chromedp.CSS(`.journey-editor fieldset.options input`), "Webinar to lead"),
		chromedp.SendKeys(chromedp.CSS(stage(1)+"> .condition input"), "Registered"),
		chromedp.SendKeys(chromedp.CSS(stage(1)+".editor-touchpoint input"), "Form Submitted"),
		chromedp.Click(chromedp.CSS(stage(1)+".editor-touchpoint .conditions-editor > button")),
		chromedp.SendKeys(chromedp.CSS(stage(1)+".editor-touchpoint .condition .field"), "properties.form_type"),
		chromedp.SendKeys(chromedp.CSS(stage(1)+".editor-touchpoint .condition .value"), "webinar_registration"),
		chromedp.SendKeys(chromedp.CSS(stage(2)+"> .condition input"), "Attended"),
		chromedp.SendKeys(chromedp.CSS(stage(2)+".editor-touchpoint input"), "Webinar Attended"),
	)
	clickAndLoad(t, tab, `.journey-editor button[type="submit"]`)
	waitReady(t, tab)
	if got := location(t, tab); got != "/journeys/webinar-to-lead" {
		t.Fatalf("after saving the browser is at %s", got)
	}
	noConsoleErrors(t, tab)
	var saved struct {
		Name   string `json:"name"`
		Stages []struct {
			Name        string           `json:"name"`
			Touchpoints []map[string]any `json:"touchpoints"`
		} `json:"stages"`
	}
	s.api(t, "/api/v1/journeys/webinar-to-lead", nil, &saved)
	got, _ := json.Marshal(saved)
	want := `{"name":"Webinar to lead","stages":[{"name":"Registered","touchpoints":[{"event":"Form Submitted","where":[{"field":"properties.form_type","op":"=","value":"webinar_registration"}]}]},{"name":"Attended","touchpoints":[{"event":"Webinar Attended"}]}]}`
	if string(got) != want {
		t.Errorf("saved\n%s\nwant\n%s", got, want)
	}
	var report journeyAnswer
	s.api(t, "/api/v1/journeys/webinar-to-lead/report", nil, &report)
	if figures := figureValues(t, tab); figures["Persons"] != pageCount(report.Persons) {
		t.Errorf("the new journey's page shows %s persons, the API %d", figures["Persons"], report.Persons)
	}
}

// TestDashboardSeed001 shows seed 001's HubSpot journey, the case file of
// the journey report, with the headline numbers the seed names.
func TestDashboardSeed001(t *testing.T) {
	s := startSite(t, "serve")
	b, err := os.ReadFile("../../report/testdata/journeys/seed001_hubspot.txt")
	if err != nil {
		t.Fatal(err)
	}
	var journey map[string]any
	var messages []map[string]any
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	person := 0
	for _, line := range strings.Split(string(b), "\n") {
		kind, rest, _ := strings.Cut(line, " ")
		switch kind {
		case "journey":
			if err := json.Unmarshal([]byte(rest), &journey); err != nil {
				t.Fatal(err)
			}
		case "path":
			f := strings.Fields(rest)
			n, _ := strconv.Atoi(f[0])
			gap, _ := strconv.Atoi(f[1])
			for range n {
				person++
				for i, event := range f[2:] {
					messages = append(messages, map[string]any{"type": "track", "userId": fmt.Sprintf("lead-%d", person), "event": event,
						"timestamp": start.Add(time.Duration(person)*time.Minute + time.Duration(i*gap)*time.Second).Format(time.RFC3339)})
				}
			}
		}
	}
	s.send(t, messages...)
	journey["id"] = "seed-001"
	var saved map[string]any
	s.api(t, "/api/v1/journeys", journey, &saved)

	tab := s.open(t, "/journeys/seed-001")
	noConsoleErrors(t, tab)
	figures := figureValues(t, tab)
	for label, want := range map[string]string{
		"Persons": "48", "Conversion": "4.17%", "Average time to convert": "3.1 days",
		"Average time between stages": "2.1 h", "Friction point": "Nurture email 2",
	} {
		if figures[label] != want {
			t.Errorf("%s shows %q, want %q", label, figures[label], want)
		}
	}
	var reached []string
	for _, row := range rows(t, tab, "journey-stages") {
		reached = append(reached, row[1])
	}
	if got := strings.Join(reached, " → "); got != "48 → 40 → 31 → 31 → 4 → 2" {
		t.Errorf("the stages reach %s", got)
	}
	skips := evaluate[int](t, tab, `[...document.querySelectorAll('[data-table="journey-flows"] tbody tr')].filter((tr) => tr.cells[3].textContent !== '0').length`)
	if skips != 2 {
		t.Errorf("%d flows skip a stage, want the seed's 2", skips)
	}
}
