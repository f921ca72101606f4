package report

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/identity"
)

// A funnel case file holds, one per line:
//
//	# a comment
//	funnel {JSON definition}
//	now 2026-01-10T00:00
//	event PERSON TIME NAME [key=value ...]   (a track event; keys set properties,
//	                                         except type=, path=, channel=,
//	                                         utm_source=, utm_campaign=,
//	                                         utm_content=, referrer_host= and
//	                                         revenue=)
//	identify ANONYMOUS USER TIME             (merges ANONYMOUS into USER)
//	expect PATH JSON                         (PATH into the result's JSON, * maps over arrays)
//	drill STEP OUTCOME PERSON...             (FunnelPersons; "-" for none)
//
// Events are stored in the order of the file, which may differ from their
// times. PERSON is the anonymousId, or the userId if it starts with "u:".
func TestFunnelCases(t *testing.T) {
	eachCaseFile(t, "testdata/funnels", func(t *testing.T, file string) {
		c := readCase(t, file)
		r, err := RunFunnel(context.Background(), c.source(), "p", c.funnel)
		if err != nil {
			t.Fatal(err)
		}
		checkExpectations(t, r, c.expects)
		samePartitioned(t, c.source(), func(src Dataset) (any, error) { return RunFunnel(context.Background(), src, "p", c.funnel) })
		for _, d := range c.drills {
			samePartitioned(t, c.source(), func(src Dataset) (any, error) {
				return FunnelPersons(context.Background(), src, "p", c.funnel, d.drill)
			})
			page, err := FunnelPersons(context.Background(), c.source(), "p", c.funnel, d.drill)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(page.Persons, " "); got != d.want || page.Total != len(page.Persons) {
				t.Errorf("line %d: persons %q (total %d), want %q", d.line, got, page.Total, d.want)
			}
		}
	})
}

// checkExpectations compares parts of a result's JSON with expectations.
func checkExpectations(t *testing.T, result any, expects []expectation) {
	t.Helper()
	b, _ := json.Marshal(result)
	var got any
	json.Unmarshal(b, &got)
	for _, e := range expects {
		v := lookup(got, strings.Split(e.path, "."))
		if !sameJSON(v, e.want) {
			g, _ := json.Marshal(v)
			w, _ := json.Marshal(e.want)
			t.Errorf("line %d: %s = %s, want %s", e.line, e.path, g, w)
		}
	}
	if t.Failed() {
		t.Logf("result: %s", b)
	}
}

func parseExpectation(line int, rest string) (expectation, error) {
	path, value, _ := strings.Cut(rest, " ")
	var want any
	err := json.Unmarshal([]byte(value), &want)
	return expectation{line, path, want}, err
}

type funnelCase struct {
	funnel  Funnel
	events  []waymark.Event
	expects []expectation
	drills  []drillCase
}

type drillCase struct {
	line  int
	drill Drill
	want  string
}

type expectation struct {
	line int
	path string
	want any
}

const caseTime = "2006-01-02T15:04"

func readCase(t *testing.T, file string) *funnelCase {
	c := &funnelCase{}
	c.expects = readCaseLines(t, file, func(n int, kind, rest string) error {
		switch kind {
		case "funnel":
			return json.Unmarshal([]byte(rest), &c.funnel)
		case "now":
			at, err := time.Parse(caseTime, rest)
			c.funnel.Now = at
			return err
		case "event", "identify":
			e, err := caseEvent(kind, strings.Fields(rest), len(c.events))
			c.events = append(c.events, e)
			return err
		case "drill":
			f := strings.Fields(rest)
			step, err := strconv.Atoi(f[0])
			if err != nil || len(f) < 3 {
				return fmt.Errorf("drill STEP OUTCOME PERSON...")
			}
			want := strings.Join(f[2:], " ")
			if want == "-" {
				want = ""
			}
			c.drills = append(c.drills, drillCase{n, Drill{Step: step, Outcome: Outcome(f[1])}, want})
			return nil
		}
		return fmt.Errorf("unknown line kind %q", kind)
	})
	return c
}

// readCaseLines calls fn with the kind and rest of each line of a case
// file, skipping blank lines and comments, and returns its expect lines.
func readCaseLines(t *testing.T, file string, fn func(line int, kind, rest string) error) []expectation {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var expects []expectation
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kind, rest, _ := strings.Cut(line, " ")
		if kind == "expect" {
			var e expectation
			e, err = parseExpectation(n, rest)
			expects = append(expects, e)
		} else {
			err = fn(n, kind, rest)
		}
		if err != nil {
			t.Fatalf("%s:%d: %v", file, n, err)
		}
	}
	return expects
}

func caseEvent(kind string, fields []string, n int) (waymark.Event, error) {
	e := waymark.Event{ProjectID: "p", MessageID: fmt.Sprint("m", n)}
	if len(fields) < 3 {
		return e, fmt.Errorf("%s needs an id, a second field and a time", kind)
	}
	if kind == "identify" {
		e.Type, e.AnonymousID, e.UserID = waymark.Identify, fields[0], fields[1]
	} else {
		e.Type, e.Name = waymark.Track, fields[2]
		if user, ok := strings.CutPrefix(fields[0], "u:"); ok {
			e.UserID = user
		} else {
			e.AnonymousID = fields[0]
		}
	}
	when := fields[1]
	if kind == "identify" {
		when = fields[2]
	}
	at, err := time.Parse(caseTime, when)
	if err != nil {
		return e, err
	}
	e.Timestamp, e.ReceivedAt = at, at
	props := map[string]string{}
	for _, kv := range fields[3:] {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "type":
			e.Type = waymark.MessageType(v)
		case "path":
			e.Page.Path = v
		case "channel":
			e.Campaign.Channel = v
		case "utm_source":
			e.Campaign.Source = v
		case "utm_campaign":
			e.Campaign.Name = v
		case "utm_content":
			e.Campaign.Content = v
		case "revenue":
			amount, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return e, err
			}
			e.Revenue = &waymark.Money{Amount: amount}
		case "referrer_host":
			e.Page.ReferrerHost = v
		default:
			props[k] = v
		}
	}
	if len(props) > 0 {
		object, _ := json.Marshal(props)
		if e.Type == waymark.Identify {
			e.Traits = object
		} else {
			e.Properties = object
		}
	}
	return e, nil
}

// source is the case's events as a Reference, persons resolved by the
// identity rules.
func (c *funnelCase) source() *Reference {
	graph := identity.NewGraph()
	for i := range c.events {
		if link, ok := identity.LinkOf(&c.events[i]); ok {
			graph.Apply(link)
		}
	}
	return &Reference{Events: c.events, PersonOf: graph.Person}
}

func lookup(v any, path []string) any {
	if len(path) == 0 {
		return v
	}
	if i, err := strconv.Atoi(path[0]); err == nil {
		list, _ := v.([]any)
		if i >= len(list) {
			return nil
		}
		return lookup(list[i], path[1:])
	}
	if path[0] == "*" {
		list, _ := v.([]any)
		out := make([]any, len(list))
		for i, item := range list {
			out[i] = lookup(item, path[1:])
		}
		return out
	}
	m, _ := v.(map[string]any)
	return lookup(m[path[0]], path[1:])
}

// sameJSON compares decoded JSON, numbers to within a millionth.
func sameJSON(a, b any) bool {
	switch a := a.(type) {
	case float64:
		b, ok := b.(float64)
		return ok && math.Abs(a-b) < 1e-6
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !sameJSON(a[i], b[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k := range a {
			if !sameJSON(a[k], b[k]) {
				return false
			}
		}
		return true
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// eachCaseFile runs fn on every case file (*.txt) in dir, as a subtest
// named after the file; a dir without any fails.
func eachCaseFile(t *testing.T, dir string, fn func(t *testing.T, file string)) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) == 0 {
		t.Fatal("no cases in " + dir)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) { fn(t, file) })
	}
}
