package report

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/waymark-analytics/waymark"
)

// Model is an attribution model: how a conversion's credit is shared
// among the touches before it.
type Model string

// The attribution models. docs/reports.md defines each with an example.
const (
	FirstTouch    Model = "first_touch"
	LastTouch     Model = "last_touch"
	LastNonDirect Model = "last_non_direct"
	Linear        Model = "linear"
	TimeDecay     Model = "time_decay"
	PositionBased Model = "position_based"
	WShaped       Model = "w_shaped"
	Markov        Model = "markov"
	Shapley       Model = "shapley"
)

// Models lists every model, in the order the docs and answers use.
var Models = []Model{FirstTouch, LastTouch, LastNonDirect, Linear, TimeDecay, PositionBased, WShaped, Markov, Shapley}

func modelNames() string {
	names := make([]string, len(Models))
	for i, m := range Models {
		names[i] = string(m)
	}
	return strings.Join(names, ", ")
}

// Attribution is an attribution report's definition: which conversions,
// which field's values earn their credit, and by which models. See
// docs/reports.md for its exact semantics.
type Attribution struct {
	// Conversion is the touchpoint whose events are conversions.
	Conversion Touchpoint `json:"conversion"`
	// Touch is the field whose values earn credit, such as utm_campaign.
	Touch Field `json:"touch"`
	// Touches are the events a touch is made of: by default page and
	// screen events. A session of them (no gap longer than SessionGap) is
	// one touch, with the value of its first event that has one.
	Touches    []Touchpoint `json:"touches,omitempty"`
	SessionGap Duration     `json:"sessionGap,omitempty"`
	// Models to run; all of them by default (w_shaped only with a lead
	// and an opportunity).
	Models []Model `json:"models,omitempty"`
	// Lookback is how long before a conversion a touch may be and still
	// earn credit.
	Lookback Duration `json:"lookback,omitempty"`
	// HalfLife is time_decay's: a touch that long before the conversion
	// weighs half as much as one at the conversion.
	HalfLife Duration `json:"halfLife,omitempty"`
	// Lead and Opportunity are the touchpoints of becoming a lead and an
	// opportunity: the milestones of w_shaped, and Lead counts leads.
	Lead        *Touchpoint `json:"lead,omitempty"`
	Opportunity *Touchpoint `json:"opportunity,omitempty"`
	// From and To bound when conversions happen; touches may be up to
	// Lookback before From. Zero means unbounded.
	From Time `json:"from,omitzero"`
	To   Time `json:"to,omitzero"`
}

// Defaults and bounds of an attribution definition.
const (
	DefaultLookback = Duration(30 * 24 * time.Hour)
	DefaultHalfLife = Duration(7 * 24 * time.Hour)
	// MaxTouches bounds the touch touchpoints: each takes two bits of a
	// query (see attributionPlan).
	MaxTouches = 16
)

// normalize fills defaults and validates.
func (a *Attribution) normalize() error {
	if a.Lookback == 0 {
		a.Lookback = DefaultLookback
	}
	if a.SessionGap == 0 {
		a.SessionGap = DefaultSessionGap
	}
	if a.HalfLife == 0 {
		a.HalfLife = DefaultHalfLife
	}
	if len(a.Touches) == 0 {
		a.Touches = []Touchpoint{{Type: "page"}, {Type: "screen"}}
	}
	if len(a.Models) == 0 {
		for _, m := range Models {
			if m != WShaped || (a.Lead != nil && a.Opportunity != nil) {
				a.Models = append(a.Models, m)
			}
		}
	}
	return a.validate()
}

func (a *Attribution) validate() error {
	if len(a.Conversion.Conditions()) == 0 {
		return invalid("conversion: name the conversion's event, such as {\"event\": \"Trial Started\"}")
	}
	if a.Touch == "" {
		return invalid("touch: name the field whose values earn credit, such as utm_campaign or channel")
	}
	if err := a.Touch.Validate(); err != nil {
		return fmt.Errorf("touch: %w", err)
	}
	if len(a.Touches) > MaxTouches {
		return invalid("touches: at most %d touchpoints, not %d", MaxTouches, len(a.Touches))
	}
	for i, m := range a.Models {
		if !slices.Contains(Models, m) {
			return invalid("models[%d]: unknown model %q; the models are %s", i, m, modelNames())
		}
		if slices.Index(a.Models, m) < i {
			return invalid("models[%d]: %s is listed twice", i, m)
		}
	}
	if slices.Contains(a.Models, WShaped) && (a.Lead == nil || a.Opportunity == nil) {
		return invalid("w_shaped needs a lead and an opportunity touchpoint: its milestones are the touches before each")
	}
	if a.Lookback <= 0 || a.HalfLife <= 0 || a.SessionGap <= 0 {
		return invalid("lookback, halfLife and sessionGap must be longer than 0")
	}
	if err := errors.Join(a.Lookback.check("lookback"), a.HalfLife.check("halfLife"), a.SessionGap.check("sessionGap")); err != nil {
		return err
	}
	if !a.From.IsZero() && !a.To.IsZero() && !a.From.Before(a.To.Time) {
		return invalid("from must be before to")
	}
	_, _, err := a.query("")
	return err
}

// attributionPlan is an attribution compiled for evaluation: which bits of
// a hit's mask mean what.
type attributionPlan struct {
	*Attribution
	touch, direct           uint64 // a touch event; one whose channel is Direct
	conversion              uint64
	lead, opportunity       uint64 // 0 when not given
	from                    time.Time
	lookback, gap, halfLife time.Duration
}

// query returns the engine query of the attribution in project: the touch
// events, each also as a Direct one for last_non_direct, then the
// conversion, lead and opportunity, with the touch field as the hits' value
// and their revenue.
func (a *Attribution) query(project string) (Query, *attributionPlan, error) {
	q := Query{ProjectID: project, Breakdown: a.Touch, Revenue: true}
	p := &attributionPlan{Attribution: a, from: a.From.Time, lookback: time.Duration(a.Lookback),
		gap: time.Duration(a.SessionGap), halfLife: time.Duration(a.HalfLife)}
	add := func(t Touchpoint) uint64 {
		q.Touchpoints = append(q.Touchpoints, t)
		return 1 << (len(q.Touchpoints) - 1)
	}
	for _, t := range a.Touches {
		p.touch |= add(t)
	}
	if slices.Contains(a.Models, LastNonDirect) {
		for _, t := range a.Touches {
			t.Where = append(t.Where[:len(t.Where):len(t.Where)], Condition{Field: "channel", Op: Equals, Value: waymark.ChannelDirect})
			p.direct |= add(t)
		}
	}
	p.conversion = add(a.Conversion)
	if a.Lead != nil {
		p.lead = add(*a.Lead)
	}
	if a.Opportunity != nil {
		p.opportunity = add(*a.Opportunity)
	}
	if !a.From.IsZero() {
		q.From = a.From.Add(-time.Duration(a.Lookback))
	}
	q.To = a.To.Time
	return q, p, q.Validate()
}

// touchpoints returns every touchpoint of the definition, for warnings.
func (a *Attribution) touchpoints() []Touchpoint {
	ts := append([]Touchpoint{a.Conversion}, a.Touches...)
	for _, t := range []*Touchpoint{a.Lead, a.Opportunity} {
		if t != nil {
			ts = append(ts, *t)
		}
	}
	return ts
}

// AttributionResult is what an attribution report answers. Credits may be
// fractional; durations are in seconds.
type AttributionResult struct {
	// Conversions counts the conversion events in the range, Revenue adds
	// up their revenue, and Touched counts those with at least one touch
	// in their lookback (the rest credit NoValue).
	Conversions int     `json:"conversions"`
	Revenue     float64 `json:"revenue"`
	Touched     int     `json:"touched"`
	// TimeToConvert is from the first touch of each touched conversion to
	// the conversion.
	TimeToConvert Durations `json:"timeToConvert"`
	// Models holds one list per model run, of every value in Values, most
	// credited first: each model's conversions add up to Conversions and
	// its revenue to Revenue.
	Models map[Model][]Credit `json:"models"`
	Values []ValueResult      `json:"values"`
	// Spend adds up the imported ad spend of the touch field's values over
	// the days of the range; nil when there is none.
	Spend    *float64 `json:"spend,omitempty"`
	Warnings []string `json:"warnings"`
}

// Credit is what one model credits one value with.
type Credit struct {
	Value       string  `json:"value"`
	Conversions float64 `json:"conversions"`
	Revenue     float64 `json:"revenue"`
	// CostPerConversion is the value's spend over its conversions, and
	// ROAS (return on ad spend) its revenue over its spend; nil when the
	// value has no spend, or for the cost, no conversions.
	CostPerConversion *float64 `json:"costPerConversion,omitempty"`
	ROAS              *float64 `json:"roas,omitempty"`
}

// ValueResult is what the models agree on about one value.
type ValueResult struct {
	Value string `json:"value"`
	// Touches counts the value's touches in the journeys of the range.
	Touches int `json:"touches"`
	// Leads counts the persons with a lead in the range that a touch of
	// the value preceded within the lookback; nil without a lead
	// touchpoint. Customers counts the same for conversions.
	Leads     *int `json:"leads,omitempty"`
	Customers int  `json:"customers"`
	// TimeToConvert is from the value's first touch before each
	// conversion it touched to that conversion.
	TimeToConvert Durations `json:"timeToConvert"`
	Spend         *float64  `json:"spend,omitempty"`
}
