package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
)

// An attribution case file holds, one per line:
//
//	# a comment
//	attribution {JSON definition}
//	event ...                       (as in funnel cases; type=page makes a touch)
//	identify ...                    (as in funnel cases)
//	spend FIELD VALUE DAY AMOUNT    (an import of one row of spend)
//	expect PATH JSON                (as in funnel cases)
//
// Every case also checks that each model's conversions add up to the
// conversions and its revenue to the revenue.
func TestAttributionCases(t *testing.T) {
	eachCaseFile(t, "testdata/attribution", func(t *testing.T, file string) {
		var a Attribution
		c := &funnelCase{}
		var spend []SpendImport
		c.expects = readCaseLines(t, file, func(_ int, kind, rest string) error {
			switch kind {
			case "attribution":
				return json.Unmarshal([]byte(rest), &a)
			case "event", "identify":
				e, err := caseEvent(kind, strings.Fields(rest), len(c.events))
				c.events = append(c.events, e)
				return err
			case "spend":
				f := strings.Fields(rest)
				if len(f) != 4 {
					return fmt.Errorf("spend FIELD VALUE DAY AMOUNT")
				}
				day, err1 := time.Parse(time.DateOnly, f[2])
				amount, err2 := strconv.ParseFloat(f[3], 64)
				spend = append(spend, SpendImport{ProjectID: "p", Rows: []SpendRow{{Field: Field(f[0]), Value: f[1], Day: day, Amount: amount}}})
				return errors.Join(err1, err2)
			}
			return fmt.Errorf("unknown line kind %q", kind)
		})
		src := c.source()
		src.SpendImports = spend
		r, err := RunAttribution(context.Background(), src, "p", a)
		if err != nil {
			t.Fatal(err)
		}
		checkExpectations(t, r, c.expects)
		checkCreditsAddUp(t, r)
		samePartitioned(t, src, func(src Dataset) (any, error) {
			return RunAttribution(context.Background(), src.(AttributionData), "p", a)
		})
	})
}

// checkCreditsAddUp fails unless every model's conversions add up to the
// conversions and its revenue to the revenue.
func checkCreditsAddUp(t *testing.T, r *AttributionResult) {
	t.Helper()
	for m, credits := range r.Models {
		conversions, revenue := 0.0, 0.0
		for _, c := range credits {
			conversions += c.Conversions
			revenue += c.Revenue
			if c.Conversions < 0 || c.Revenue < 0 {
				t.Errorf("%s credits %s with %v conversions and %v revenue", m, c.Value, c.Conversions, c.Revenue)
			}
		}
		if math.Abs(conversions-float64(r.Conversions)) > 1e-9 || math.Abs(revenue-r.Revenue) > 1e-9*max(1, r.Revenue) {
			t.Errorf("%s credits %v conversions and %v revenue; there were %d and %v", m, conversions, revenue, r.Conversions, r.Revenue)
		}
	}
}

// shuffled hands a source's persons to a report in a random order.
type shuffled struct {
	*Reference
	rng *rand.Rand
}

func (s shuffled) Hits(ctx context.Context, q Query, fn func(p *Person) error) error {
	var persons []*Person
	err := s.Reference.Hits(ctx, q, func(p *Person) error {
		persons = append(persons, &Person{ID: p.ID, Hits: append([]Hit(nil), p.Hits...)})
		return nil
	})
	s.rng.Shuffle(len(persons), func(i, j int) { persons[i], persons[j] = persons[j], persons[i] })
	for _, p := range persons {
		if err := fn(p); err != nil {
			return err
		}
	}
	return err
}

// TestAttributionRandom runs every model over random journeys: the credits
// add up, and the answer is the same to the last bit whatever order the
// persons come in and however many workers take them.
func TestAttributionRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	values := []string{"", "brand", "ebook", "webinar", "retarget", "social"}
	channels := []string{"Direct", "Email", "Paid"}
	for round := range 40 {
		start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		var events []waymark.Event
		for p := range 3 + rng.IntN(30) {
			for range 1 + rng.IntN(12) {
				at := start.Add(time.Duration(rng.IntN(20*24)) * time.Hour)
				e := waymark.Event{ProjectID: "p", MessageID: fmt.Sprint(len(events)), AnonymousID: fmt.Sprint("a", p), Timestamp: at, ReceivedAt: at}
				if rng.IntN(3) > 0 {
					e.Type, e.Name = waymark.Page, "Landing"
					e.Campaign.Name, e.Campaign.Channel = values[rng.IntN(len(values))], channels[rng.IntN(len(channels))]
				} else {
					e.Type, e.Name = waymark.Track, []string{"Order", "Form", "Trial"}[rng.IntN(3)]
					e.Revenue = &waymark.Money{Amount: float64(rng.IntN(10000)) / 100}
				}
				events = append(events, e)
			}
		}
		ref := &Reference{Events: events, PersonOf: func(id string) string { return id }}
		a := Attribution{Conversion: Touchpoint{Event: "Order"}, Touch: "utm_campaign",
			Lead: &Touchpoint{Event: "Form"}, Opportunity: &Touchpoint{Event: "Trial"},
			Lookback: Duration(time.Duration(1+rng.IntN(10)) * 24 * time.Hour), HalfLife: Duration(time.Duration(1+rng.IntN(5)) * 24 * time.Hour)}
		if round%2 == 0 {
			a.From.Time = start.AddDate(0, 0, 5)
			a.To.Time = start.AddDate(0, 0, 15)
		}
		want, err := RunAttribution(context.Background(), ref, "p", a)
		if err != nil {
			t.Fatal(err)
		}
		checkCreditsAddUp(t, want)
		if len(want.Models) != len(Models) {
			t.Fatalf("ran %d models, want all %d", len(want.Models), len(Models))
		}
		samePartitioned(t, ref, func(src Dataset) (any, error) {
			return RunAttribution(context.Background(), src.(AttributionData), "p", a)
		})
		for range 3 {
			got, err := RunAttribution(context.Background(), shuffled{ref, rng}, "p", a)
			if err != nil {
				t.Fatal(err)
			}
			w, _ := json.Marshal(want)
			g, _ := json.Marshal(got)
			if string(w) != string(g) {
				t.Fatalf("round %d: persons in another order answer\n%s\nnot\n%s", round, g, w)
			}
		}
	}
}

// TestMarkovRemovalEffects compares markovRemoval with removing each
// value from random chains and solving for the chance to convert.
func TestMarkovRemovalEffects(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		n := 1 + rng.IntN(6)
		transitions := map[[2]int32]int{}
		for range 1 + rng.IntN(12) { // random journeys
			from := markovStart
			for range 1 + rng.IntN(5) {
				to := int32(rng.IntN(n))
				if to != from {
					transitions[[2]int32{from, to}]++
					from = to
				}
			}
			end := []int32{markovConversion, markovNull}[rng.IntN(2)]
			transitions[[2]int32{from, end}]++
		}
		removal, err := markovRemoval(n, transitions)
		if err != nil {
			t.Fatal(err)
		}
		all := conversionChance(transitions, -100)
		for v := range int32(n) {
			want := all - conversionChance(transitions, v)
			if math.Abs(removal[v]-want) > 1e-9 {
				t.Fatalf("transitions %v: removing %d takes %v off the chance to convert, markovRemoval says %v", transitions, v, want, removal[v])
			}
		}
	}
}

// conversionChance is the chance to convert from the start, with the moves
// into removed going to null, by iterating to a fixed point.
func conversionChance(transitions map[[2]int32]int, removed int32) float64 {
	out := map[int32]int{}
	for e, c := range transitions {
		out[e[0]] += c
	}
	chance := map[int32]float64{markovConversion: 1}
	for range 10000 {
		next := map[int32]float64{markovConversion: 1}
		for e, c := range transitions {
			if e[1] != removed {
				next[e[0]] += float64(c) / float64(out[e[0]]) * chance[e[1]]
			}
		}
		chance = next
	}
	return chance[markovStart]
}

func TestExactSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200 {
		var xs []float64
		for range rng.IntN(50) {
			xs = append(xs, (rng.Float64()-0.3)*math.Pow(10, float64(rng.IntN(30)-15)))
		}
		var s exactSum
		for _, x := range xs {
			s.Add(x)
		}
		want := s.Value()
		for range 5 {
			rng.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
			var again exactSum
			for _, x := range xs {
				again.Add(x)
			}
			if again.Value() != want {
				t.Fatalf("sum of %v is %v in one order and %v in another", xs, want, again.Value())
			}
		}
	}
	var s exactSum
	for _, x := range []float64{1e100, 1, -1e100, 1e-16} {
		s.Add(x)
	}
	if s.Value() != 1 {
		t.Errorf("1e100 + 1 - 1e100 + 1e-16 = %v, want 1", s.Value())
	}
	var tenths exactSum
	for range 10 {
		tenths.Add(0.1)
	}
	if tenths.Value() != 1 {
		t.Errorf("ten times 0.1 = %v, want 1", tenths.Value())
	}
}

func TestAttributionErrors(t *testing.T) {
	order := Touchpoint{Event: "Order"}
	for _, c := range []struct {
		a    Attribution
		want string
	}{
		{Attribution{Touch: "channel"}, "conversion: name the conversion's event"},
		{Attribution{Conversion: order}, "touch: name the field"},
		{Attribution{Conversion: order, Touch: "utm_campagn"}, `touch: unknown field "utm_campagn"`},
		{Attribution{Conversion: order, Touch: "channel", Models: []Model{"linear", "u_shaped"}}, `models[1]: unknown model "u_shaped"; the models are first_touch, last_touch,`},
		{Attribution{Conversion: order, Touch: "channel", Models: []Model{"linear", "linear"}}, "models[1]: linear is listed twice"},
		{Attribution{Conversion: order, Touch: "channel", Models: []Model{WShaped}, Lead: &order}, "w_shaped needs a lead and an opportunity"},
		{Attribution{Conversion: order, Touch: "channel", From: Time{time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}, To: Time{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}, "from must be before to"},
	} {
		_, err := RunAttribution(context.Background(), &Reference{}, "p", c.a)
		if err == nil || !strings.Contains(err.Error(), c.want) || waymark.ErrorKind(err) != waymark.KindInvalid {
			t.Errorf("%+v: err = %v, want %q", c.a, err, c.want)
		}
	}
	// Without a lead and an opportunity, the default models leave out
	// w_shaped.
	r, err := RunAttribution(context.Background(), &Reference{}, "p", Attribution{Conversion: order, Touch: "channel"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Models[WShaped]; ok || len(r.Models) != len(Models)-1 {
		t.Errorf("default models %v, want all but w_shaped", r.Models)
	}
}
