package storagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/identity"
	"github.com/waymark-analytics/waymark/report"
)

// reportsPerDataset is how many random funnels testReports runs on each
// dataset, besides a journey, a paths report and an attribution.
const reportsPerDataset = 3

// testReports stores small random datasets, each in its own project, and
// demands that every random funnel, journey, paths and attribution report answers
// exactly as the reference evaluator does over the same events.
func testReports(t *testing.T, open Opener, datasets int) {
	ctx := context.Background()
	s := open.Must(t)
	rng := rand.New(rand.NewPCG(11, 13))
	var all []waymark.Event
	references := make([]*report.Reference, datasets)
	for d := range references {
		events := randomJourneys(rng, fmt.Sprint("r", d))
		graph := identity.NewGraph()
		for i := range events {
			if link, ok := identity.LinkOf(&events[i]); ok {
				graph.Apply(link)
			}
		}
		references[d] = &report.Reference{Events: events, PersonOf: graph.Person}
		all = append(all, events...)
	}
	for len(all) > 0 { // large writes: each costs a round trip on a server
		n := min(len(all), 5000)
		write(t, s, all[:n]...)
		all = all[n:]
	}
	// Guards against random reports that test too little: funnels with
	// conversions, and among them funnels with optional steps or step
	// windows.
	converted, convertedWays := 0, 0
	// Paths draw from their own generator, so that adding them left the
	// funnels as they were.
	pathsRng := rand.New(rand.NewPCG(17, 19))
	withPaths, withOther := 0, 0
	for d, ref := range references {
		project := fmt.Sprint("r", d)
		for range reportsPerDataset {
			f := randomFunnel(rng)
			want, wantErr := report.RunFunnel(ctx, ref, project, f)
			got, err := report.RunFunnel(ctx, s, project, f)
			compareReports(t, f, want, wantErr, got, err)
			if err == nil && got.Converted > 0 {
				converted++
				if slices.ContainsFunc(f.Steps, func(s report.Step) bool { return s.Optional || s.Window != 0 }) {
					convertedWays++
				}
			}
		}
		j := randomJourney(rng)
		want, wantErr := report.RunJourney(ctx, ref, project, j, report.JourneyRange{})
		got, err := report.RunJourney(ctx, s, project, j, report.JourneyRange{})
		compareReports(t, j, want, wantErr, got, err)
		paths := randomPaths(pathsRng)
		wantPaths, wantErr := report.RunPaths(ctx, ref, project, paths)
		gotPaths, err := report.RunPaths(ctx, s, project, paths)
		compareReports(t, paths, wantPaths, wantErr, gotPaths, err)
		if err == nil && gotPaths.Persons > 0 {
			withPaths++
			if slices.ContainsFunc(gotPaths.Nodes, func(n report.PathNode) bool { return n.Name == report.OtherValues }) {
				withOther++
			}
		}
	}
	if withPaths < datasets/2 || withOther < datasets/10 {
		t.Errorf("of %d paths reports, %d had paths and %d an Other node: the random reports test too little", datasets, withPaths, withOther)
	}
	testAttributions(t, s, references)
	if converted < datasets*reportsPerDataset/4 {
		t.Errorf("only %d of %d funnels had conversions: the random reports test too little", converted, datasets*reportsPerDataset)
	}
	if convertedWays < datasets*reportsPerDataset/12 {
		t.Errorf("only %d of %d funnels with optional steps or step windows had conversions: the random reports test too little", convertedWays, datasets*reportsPerDataset)
	}
}

func compareReports(t *testing.T, definition, want any, wantErr error, got any, err error) {
	t.Helper()
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(got)
	if fmt.Sprint(wantErr) != fmt.Sprint(err) || string(a) != string(b) {
		d, _ := json.Marshal(definition)
		t.Fatalf("report %s\nreference: %s %v\nengine:    %s %v", d, a, wantErr, b, err)
	}
}

var reportEvents = []string{"Visit", "Signup", "Demo", "Paid", "Ticket"}

// randomJourneys makes a few persons' events over a few hours, with ties,
// anonymous events merged by identify calls, and channels to break down by.
func randomJourneys(rng *rand.Rand, project string) []waymark.Event {
	start := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	var events []waymark.Event
	for p := range 2 + rng.IntN(6) {
		anon, user := fmt.Sprint("a", p), fmt.Sprint("u", p)
		for range 1 + rng.IntN(8) {
			at := start.Add(time.Duration(rng.IntN(12)) * 20 * time.Minute)
			e := waymark.Event{ProjectID: project, MessageID: fmt.Sprint(project, "-", len(events)), Type: waymark.Track,
				Name: reportEvents[rng.IntN(len(reportEvents))], Timestamp: at, ReceivedAt: at}
			if rng.IntN(2) == 0 {
				e.AnonymousID = anon
			} else {
				e.UserID = user
			}
			if c := rng.IntN(3); c > 0 {
				e.Campaign.Channel = []string{"", "email", waymark.ChannelDirect}[c]
			}
			if e.Name == "Paid" { // revenue, for attribution, without a draw that would change the rest
				e.Revenue = &waymark.Money{Amount: float64(len(events)%5) * 12.25}
			}
			events = append(events, e)
		}
		if rng.IntN(2) == 0 {
			at := start.Add(time.Duration(rng.IntN(240)) * time.Minute)
			events = append(events, waymark.Event{ProjectID: project, MessageID: fmt.Sprint(project, "-", len(events)),
				Type: waymark.Identify, UserID: user, AnonymousID: anon, Timestamp: at, ReceivedAt: at})
		}
	}
	return events
}

func touch(rng *rand.Rand) report.Touchpoint {
	return report.Touchpoint{Event: reportEvents[rng.IntN(len(reportEvents))]}
}

func randomFunnel(rng *rand.Rand) report.Funnel {
	f := report.Funnel{
		Window:  report.Duration(time.Duration(1+rng.IntN(5)) * time.Hour),
		Order:   []report.Order{report.Ordered, report.Ordered, report.Strict, report.AnyOrder}[rng.IntN(4)],
		CountBy: []report.CountBy{report.ByPersons, report.ByPersons, report.ByTotals, report.BySessions}[rng.IntN(4)],
		Now:     time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC),
	}
	n := 2 + rng.IntN(3)
	for k := range n {
		s := report.Step{Touchpoints: []report.Touchpoint{touch(rng)}}
		if rng.IntN(4) == 0 {
			s.Touchpoints = append(s.Touchpoints, touch(rng))
		}
		if f.Order != report.AnyOrder && k > 0 && k < n-1 && rng.IntN(2) == 0 {
			s.Optional = true
		}
		if f.Order != report.AnyOrder && k > 0 && rng.IntN(3) == 0 {
			s.Window = report.Duration(time.Duration(20+rng.IntN(60)) * time.Minute)
		}
		f.Steps = append(f.Steps, s)
	}
	// An optional step that the next step's events also do: the case where
	// spending each event on the lowest step it matches loses conversions.
	for k := range n - 1 {
		if f.Steps[k].Optional && rng.IntN(2) == 0 {
			f.Steps[k].Touchpoints = append(f.Steps[k].Touchpoints, f.Steps[k+1].Touchpoints[0])
		}
	}
	if f.Order != report.AnyOrder && rng.IntN(3) == 0 {
		f.Exclusions = []report.Exclusion{{Touchpoint: touch(rng), After: 1, Before: n}}
	}
	if rng.IntN(2) == 0 {
		f.Breakdown = &report.Breakdown{Field: "channel", At: []string{"first", "last", "2"}[rng.IntN(3)], Top: 1 + rng.IntN(2)}
	}
	if rng.IntN(3) == 0 {
		f.From.Time = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
		f.To.Time = f.From.Add(2 * time.Hour)
		f.Trend = report.Day
	}
	return f
}

func randomJourney(rng *rand.Rand) report.Journey {
	j := report.Journey{Name: "random"}
	for s := range 2 + rng.IntN(3) {
		j.Stages = append(j.Stages, report.Stage{Name: fmt.Sprint("stage", s), Touchpoints: []report.Touchpoint{touch(rng), touch(rng)}})
	}
	if rng.IntN(2) == 0 {
		j.Window = report.Duration(2 * time.Hour)
	}
	return j
}

// randomPaths makes a paths report of every kind of anchor, node, cleaning
// and range, most of them reading every event.
func randomPaths(rng *rand.Rand) report.Paths {
	p := report.Paths{Steps: 2 + rng.IntN(4), Top: 1 + rng.IntN(3), TopPaths: 1 + rng.IntN(4), CollapseRepeats: rng.IntN(2) == 0}
	switch rng.IntN(4) {
	case 0:
		p.Start = &report.Touchpoint{Event: reportEvents[rng.IntN(len(reportEvents))]}
	case 1:
		p.End = &report.Touchpoint{Event: reportEvents[rng.IntN(len(reportEvents))]}
	case 2:
		p.Start, p.End = &report.Touchpoint{Event: reportEvents[rng.IntN(len(reportEvents))]}, &report.Touchpoint{Event: reportEvents[rng.IntN(len(reportEvents))]}
	}
	switch rng.IntN(6) {
	case 0:
		p.Node = "channel"
		p.Rules = []report.PathRule{{Match: "*_*", Alias: "$1"}}
	case 1:
		p.Node = report.NodeTouchpoint
		p.Touchpoints = []report.Touchpoint{touch(rng), touch(rng), {Where: []report.Condition{{Field: "channel", Op: report.Equals, Value: "email"}}}}
	case 2:
		p.Node = report.NodeStage
		p.Stages = []report.Stage{{Name: "one", Touchpoints: []report.Touchpoint{touch(rng), touch(rng)}}, {Name: "two", Touchpoints: []report.Touchpoint{touch(rng)}}}
	default:
		if rng.IntN(2) == 0 {
			p.Rules = []report.PathRule{{Regex: "^(Visit|Signup)$", Alias: "Top of funnel"}, {Regex: "^Pa", Alias: "Paid"}}
		}
	}
	if rng.IntN(3) == 0 {
		p.Hide = []report.Touchpoint{touch(rng)}
	}
	if rng.IntN(3) == 0 {
		p.Within, p.SessionGap = report.WithinSession, report.Duration(time.Duration(20+rng.IntN(60))*time.Minute)
	}
	switch rng.IntN(6) {
	case 0:
		p.Where = []report.Condition{{Field: "channel", Op: report.NotEquals, Value: "email"}}
	case 1:
		p.Where = []report.Condition{{Field: "acquisition.channel", Op: report.IsSet}}
	}
	if rng.IntN(3) == 0 {
		p.Compare = &report.PathsCompare{Conversion: &report.Touchpoint{Event: reportEvents[rng.IntN(len(reportEvents))]}}
	}
	if rng.IntN(4) == 0 {
		p.From.Time = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
		p.To.Time = p.From.Add(2 * time.Hour)
	}
	return p
}
