package report

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
)

// A paths case file holds, one per line:
//
//	# a comment
//	paths {JSON definition}
//	event ... and identify ...         (as in funnel cases)
//	expect PATH JSON                   (as in funnel cases)
//	drill {JSON drill} PERSON...       (PathsPersons; "-" for none)
//	funnel [NODE, ...] {JSON}          (FunnelOfPath's answer)
//
// Every result is also checked to add up (checkPathsAddUp).
func TestPathsCases(t *testing.T) {
	eachCaseFile(t, "testdata/paths", func(t *testing.T, file string) {
		var def Paths
		c := &funnelCase{}
		type drillCase struct {
			line  int
			drill PathsDrill
			want  string
		}
		type funnelCase struct {
			line int
			path []string
			want any
		}
		var drills []drillCase
		var funnels []funnelCase
		c.expects = readCaseLines(t, file, func(n int, kind, rest string) error {
			switch kind {
			case "paths":
				return DecodeJSON([]byte(rest), &def)
			case "event", "identify":
				e, err := caseEvent(kind, strings.Fields(rest), len(c.events))
				c.events = append(c.events, e)
				return err
			case "drill":
				dec := json.NewDecoder(strings.NewReader(rest))
				var d PathsDrill
				if err := dec.Decode(&d); err != nil {
					return err
				}
				rest = strings.TrimSpace(rest[dec.InputOffset():])
				if rest == "-" {
					rest = ""
				}
				drills = append(drills, drillCase{n, d, rest})
				return nil
			case "funnel":
				dec := json.NewDecoder(strings.NewReader(rest))
				f := funnelCase{line: n}
				if err := dec.Decode(&f.path); err != nil {
					return err
				}
				if err := dec.Decode(&f.want); err != nil {
					return err
				}
				funnels = append(funnels, f)
				return nil
			}
			return fmt.Errorf("unknown line kind %q", kind)
		})
		r, err := RunPaths(context.Background(), c.source(), "p", def)
		if err != nil {
			t.Fatal(err)
		}
		checkExpectations(t, r, c.expects)
		if err := checkPathsAddUp(def, r); err != nil {
			t.Error(err)
		}
		samePartitioned(t, c.source(), func(src Dataset) (any, error) { return RunPaths(context.Background(), src, "p", def) })
		for _, d := range drills {
			samePartitioned(t, c.source(), func(src Dataset) (any, error) {
				return PathsPersons(context.Background(), src, "p", def, d.drill)
			})
			page, err := PathsPersons(context.Background(), c.source(), "p", def, d.drill)
			if err != nil {
				t.Fatalf("line %d: %v", d.line, err)
			}
			if got := strings.Join(page.Persons, " "); got != d.want || page.Total != len(page.Persons) {
				t.Errorf("line %d: persons %q (total %d), want %q", d.line, got, page.Total, d.want)
			}
		}
		for _, f := range funnels {
			got, err := FunnelOfPath(def, f.path)
			if err != nil {
				t.Fatalf("line %d: %v", f.line, err)
			}
			b, _ := json.Marshal(got)
			var v any
			json.Unmarshal(b, &v)
			if !sameJSON(v, f.want) {
				t.Errorf("line %d: funnel of %v =\n%s", f.line, f.path, b)
			}
		}
	})
}

// checkPathsAddUp checks that nothing is lost from one step to the next:
// the persons of a step, less its drop-offs, are the persons of the next
// step away from the anchor; the edges out of a node carry its persons less
// its drop-offs, and the edges into a node all its persons; the groups of a
// comparison add up to the whole.
func checkPathsAddUp(d Paths, r *PathsResult) error {
	away := 1 // the direction of walks from the anchor
	if d.Start == nil && d.End != nil {
		away = -1
	}
	persons, dropOff := map[int]int{}, map[int]int{}
	type node struct {
		step int
		name string
	}
	out, in := map[node]int{}, map[node]int{}
	for _, e := range r.Edges {
		from, to := node{e.Step, e.From}, node{e.Step + 1, e.To}
		if away < 0 {
			from, to = to, from
		}
		out[from] += e.Persons
		in[to] += e.Persons
	}
	last := 0 // the farthest step from the anchor, times away
	for _, n := range r.Nodes {
		persons[n.Step] += n.Persons
		dropOff[n.Step] += n.DropOff
		last = max(last, n.Step*away)
	}
	for _, n := range r.Nodes {
		at := node{n.Step, n.Name}
		if n.Step != 0 && in[at] != n.Persons {
			return fmt.Errorf("node %v: %d persons, %d on the edges into it", at, n.Persons, in[at])
		}
		if n.Step*away < last && out[at] != n.Persons-n.DropOff {
			return fmt.Errorf("node %v: %d persons, %d dropped off, %d on the edges out of it", at, n.Persons, n.DropOff, out[at])
		}
	}
	if persons[0] != r.Persons {
		return fmt.Errorf("step 0 has %d persons, the result %d", persons[0], r.Persons)
	}
	for s := 0; ; s += away {
		next, ok := persons[s+away]
		if !ok {
			break
		}
		if next != persons[s]-dropOff[s] {
			return fmt.Errorf("step %d: %d persons, %d dropped off, step %d has %d", s, persons[s], dropOff[s], s+away, next)
		}
	}
	if len(r.Groups) > 0 {
		sum, between := 0, BetweenCounts{}
		for _, g := range r.Groups {
			sum += g.Persons
			if g.Between != nil {
				between.EndNotReached += g.Between.EndNotReached
				between.EndBeyondSteps += g.Between.EndBeyondSteps
			}
			if err := checkPathsAddUp(d, &g.PathsResult); err != nil {
				return fmt.Errorf("group %s: %w", g.Name, err)
			}
		}
		if sum != r.Persons || (r.Between != nil && between != *r.Between) {
			return fmt.Errorf("the groups have %d persons (%v), the result %d (%v)", sum, between, r.Persons, r.Between)
		}
	}
	return nil
}

// TestPathsAddUp runs random paths reports over random persons and checks
// that each adds up, whatever the anchors, cut, cleaning and sessions.
func TestPathsAddUp(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	names := []string{"Home", "Pricing", "Signup", "Blog", "Paid", "Other"}
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	reports, withPaths := 0, 0
	for range 300 {
		var events []waymark.Event
		for p := range 1 + rng.IntN(12) {
			for range rng.IntN(15) {
				at := start.Add(time.Duration(rng.IntN(40)) * 10 * time.Minute)
				events = append(events, waymark.Event{ProjectID: "p", Type: waymark.Track, Name: names[rng.IntN(len(names))],
					AnonymousID: fmt.Sprint("a", p), Timestamp: at, ReceivedAt: at})
			}
		}
		src := &Reference{Events: events, PersonOf: func(id string) string { return id }}
		tp := func() *Touchpoint { return &Touchpoint{Event: names[rng.IntN(len(names))]} }
		d := Paths{Steps: 2 + rng.IntN(5), Top: 1 + rng.IntN(3), TopPaths: MaxPathTop, CollapseRepeats: rng.IntN(2) == 0}
		switch rng.IntN(4) {
		case 0:
			d.Start = tp()
		case 1:
			d.End = tp()
		case 2:
			d.Start, d.End = tp(), tp()
		}
		if rng.IntN(2) == 0 {
			d.Within, d.SessionGap = WithinSession, Duration(time.Duration(10+rng.IntN(30))*time.Minute)
		}
		if rng.IntN(3) == 0 {
			d.Hide = []Touchpoint{*tp()}
		}
		if rng.IntN(3) == 0 {
			d.Rules = []PathRule{{Regex: "^(Home|Blog)$", Alias: "Content"}}
		}
		if rng.IntN(2) == 0 {
			d.Compare = &PathsCompare{Conversion: tp()}
		}
		r, err := RunPaths(context.Background(), src, "p", d)
		if err != nil {
			t.Fatal(err)
		}
		samePartitioned(t, src, func(src Dataset) (any, error) { return RunPaths(context.Background(), src, "p", d) })
		reports++
		if r.Persons > 0 {
			withPaths++
		}
		sum := 0
		for _, p := range r.Paths {
			sum += p.Persons
		}
		if err := checkPathsAddUp(d, r); err != nil || sum != r.Persons {
			b, _ := json.Marshal(d)
			a, _ := json.Marshal(r)
			t.Fatalf("%v (the paths list %d persons)\npaths %s\nresult %s", err, sum, b, a)
		}
	}
	if withPaths < reports/2 {
		t.Errorf("only %d of %d reports have paths: the test tests too little", withPaths, reports)
	}
}

func TestPathsDefinitionErrors(t *testing.T) {
	for _, c := range []struct{ definition, want string }{
		{`{"steps":1}`, "steps: a path is 2 to 20 steps deep, not 1"},
		{`{"steps":21}`, "steps: a path is 2 to 20 steps deep, not 21"},
		{`{"top":-1}`, "top: keep 1 to 1000 nodes a step, not -1"},
		{`{"within":"day"}`, `within "day": use journey or session`},
		{`{"node":"nope"}`, `node "nope": use a field of the event`},
		{`{"node":"person.plan"}`, `node "person.plan" is the same for all of a person's events`},
		{`{"node":"touchpoint"}`, "node touchpoint needs touchpoints"},
		{`{"node":"stage","stages":[{"name":"A","touchpoints":[]}]}`, "stages[0] needs a name and at least one touchpoint"},
		{`{"touchpoints":[{"event":"A"}]}`, `touchpoints are the nodes of node touchpoint, not of node "name"`},
		{`{"rules":[{"regex":"(","alias":"x"}]}`, "rules[0]: bad regex"},
		{`{"rules":[{"regex":"a","match":"b","alias":"x"}]}`, "rules[0]: a rule has a regex or a match pattern, one of the two"},
		{`{"rules":[{"match":"b"}]}`, "rules[0]: a rule needs an alias"},
		{`{"compare":{}}`, "compare needs a conversion"},
		{`{"from":"2026-02-01","to":"2026-01-01"}`, "from must be before to"},
	} {
		var d Paths
		if err := DecodeJSON([]byte(c.definition), &d); err != nil {
			t.Fatalf("%s: %v", c.definition, err)
		}
		_, err := RunPaths(context.Background(), &Reference{}, "p", d)
		if err == nil || !strings.Contains(err.Error(), c.want) || waymark.ErrorKind(err) != waymark.KindInvalid {
			t.Errorf("%s: %v, want %q", c.definition, err, c.want)
		}
	}
}

func TestAliasPattern(t *testing.T) {
	for _, c := range []struct {
		alias, name string
		gives       bool
	}{
		{"/product/:id", "/product/:id", true},
		{"/product/:id", "/product/7", false},
		{"/docs/$1", "/docs/api", true},
		{"/docs/${1}s", "/docs/apis", true},
		{"/docs/${1}s", "/docs/api", false},
		{"$$1", "$1", true},
		{"$$1", "x", false},
		{"a.b", "axb", false},
	} {
		pattern, _ := aliasPattern(c.alias)
		if got := pattern.MatchString(c.name); got != c.gives {
			t.Errorf("alias %q gives %q: %v, want %v", c.alias, c.name, got, c.gives)
		}
	}
}
