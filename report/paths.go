package report

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Paths is a paths report's definition: the ways persons take from a start
// touchpoint, towards an end touchpoint, or between the two.
// docs/reports.md gives its exact semantics.
type Paths struct {
	// Start anchors each person's path at their first start event; End,
	// alone, at their first end event, walking back; both give the path
	// from the first start to the first end after it. With neither, a path
	// starts at a person's first node.
	Start *Touchpoint `json:"start,omitempty"`
	End   *Touchpoint `json:"end,omitempty"`
	// Steps is how many nodes deep a path goes, the anchor's included.
	Steps int `json:"steps,omitempty"`
	// Node is what a node is: a field of the event ("name", the default,
	// "path", "properties.KEY", ...), or NodeTouchpoint or NodeStage, the
	// touchpoints or stages listed.
	Node        string       `json:"node,omitempty"`
	Touchpoints []Touchpoint `json:"touchpoints,omitempty"`
	Stages      []Stage      `json:"stages,omitempty"`
	// Top is how many nodes each step keeps; the rest are one node, Other.
	Top int `json:"top,omitempty"`
	// TopPaths is how many of the most common paths the answer lists.
	TopPaths int `json:"topPaths,omitempty"`
	// Path cleaning, in this order: Hide takes events out of paths, Rules
	// rename node values, CollapseRepeats merges a node into the one before
	// it when they have the same name.
	Hide            []Touchpoint `json:"hide,omitempty"`
	Rules           []PathRule   `json:"rules,omitempty"`
	CollapseRepeats bool         `json:"collapseRepeats,omitempty"`
	// Within bounds a path to the session of its anchor, or not at all.
	Within     Within   `json:"within,omitempty"`
	SessionGap Duration `json:"sessionGap,omitempty"`
	// From and To bound every event of a path. Zero means unbounded.
	From Time `json:"from,omitzero"`
	To   Time `json:"to,omitzero"`
	// Where filters every event the report reads.
	Where []Condition `json:"where,omitempty"`
	// Compare splits persons into groups, each with its own paths.
	Compare *PathsCompare `json:"compare,omitempty"`
}

// PathRule renames the node values it matches to Alias: Regex is an RE2
// regular expression that matches anywhere in the value, Match a pattern of
// the whole value where * stands for any run of characters. In Alias, $1 or
// ${1} is the text of the first group (each * is a group), ${name} of a
// named one, and $$ a dollar sign.
type PathRule struct {
	Regex string `json:"regex,omitempty"`
	Match string `json:"match,omitempty"`
	Alias string `json:"alias"`
}

// PathsCompare splits the persons of a paths report into two groups:
// Converted, those who did the conversion touchpoint after their anchor
// event, and NotConverted, the others. Later comparisons (of segments) give
// groups the same way.
type PathsCompare struct {
	Conversion *Touchpoint `json:"conversion"`
}

// Within says how far from its anchor a path may reach.
type Within string

const (
	// WithinJourney paths reach over all of a person's events in range.
	WithinJourney Within = "journey"
	// WithinSession paths stay in the session of their anchor: the run of
	// the person's events without a gap longer than SessionGap.
	WithinSession Within = "session"
)

// Node kinds besides fields.
const (
	NodeTouchpoint = "touchpoint"
	NodeStage      = "stage"
)

// Groups of a comparison.
const (
	Converted    = "converted"
	NotConverted = "not converted"
)

// Bounds and defaults of a paths definition.
const (
	MinPathSteps     = 2
	MaxPathSteps     = 20
	DefaultPathSteps = 5
	MaxPathTop       = 1000
)

// normalize fills defaults and validates.
func (d *Paths) normalize() error {
	if d.Steps == 0 {
		d.Steps = DefaultPathSteps
	}
	if d.Node == "" {
		d.Node = "name"
	}
	if d.Top == 0 {
		d.Top = DefaultTop
	}
	if d.TopPaths == 0 {
		d.TopPaths = DefaultTop
	}
	if d.Within == "" {
		d.Within = WithinJourney
	}
	if d.SessionGap == 0 {
		d.SessionGap = DefaultSessionGap
	}
	return d.validate()
}

func (d *Paths) validate() error {
	if d.Steps < MinPathSteps || d.Steps > MaxPathSteps {
		return invalid("steps: a path is %d to %d steps deep, not %d", MinPathSteps, MaxPathSteps, d.Steps)
	}
	if d.Top < 1 || d.Top > MaxPathTop {
		return invalid("top: keep 1 to %d nodes a step, not %d", MaxPathTop, d.Top)
	}
	if d.TopPaths < 1 || d.TopPaths > MaxPathTop {
		return invalid("topPaths: list 1 to %d paths, not %d", MaxPathTop, d.TopPaths)
	}
	switch d.Within {
	case WithinJourney, WithinSession:
	default:
		return invalid("within %q: use journey or session", d.Within)
	}
	if err := d.SessionGap.check("sessionGap"); err != nil {
		return err
	}
	if !d.From.IsZero() && !d.To.IsZero() && !d.From.Before(d.To.Time) {
		return invalid("from must be before to")
	}
	switch d.Node {
	case NodeTouchpoint:
		if len(d.Touchpoints) == 0 {
			return invalid("node touchpoint needs touchpoints: the touchpoints that are nodes")
		}
	case NodeStage:
		if len(d.Stages) == 0 {
			return invalid("node stage needs stages: the stages that are nodes, each a name and touchpoints")
		}
		for i, s := range d.Stages {
			if s.Name == "" || len(s.Touchpoints) == 0 {
				return invalid("stages[%d] needs a name and at least one touchpoint", i)
			}
		}
	default:
		f := Field(d.Node)
		if f.Validate() != nil {
			return invalid("node %q: use a field of the event (a column such as name, path or channel, properties.KEY or traits.KEY), touchpoint or stage", d.Node)
		}
		if f.OfPerson() {
			return invalid("node %q is the same for all of a person's events: use a field of the event, such as name or path", d.Node)
		}
	}
	if d.Node != NodeTouchpoint && len(d.Touchpoints) > 0 {
		return invalid("touchpoints are the nodes of node touchpoint, not of node %q", d.Node)
	}
	if d.Node != NodeStage && len(d.Stages) > 0 {
		return invalid("stages are the nodes of node stage, not of node %q", d.Node)
	}
	for i, r := range d.Rules {
		if _, err := r.compile(); err != nil {
			return invalid("rules[%d]: %v", i, err)
		}
	}
	if d.Compare != nil && d.Compare.Conversion == nil {
		return invalid("compare needs a conversion: the touchpoint that tells converted persons from the others")
	}
	for _, c := range d.Where {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	_, _, err := d.query("")
	return err
}

// compiledRule is a PathRule ready to apply.
type compiledRule struct {
	re    *regexp.Regexp
	alias string
}

func (r PathRule) compile() (compiledRule, error) {
	pattern := r.Regex
	switch {
	case (r.Regex == "") == (r.Match == ""):
		return compiledRule{}, errors.New("a rule has a regex or a match pattern, one of the two")
	case r.Alias == "":
		return compiledRule{}, errors.New("a rule needs an alias, the name it gives the values it matches")
	case r.Match != "":
		parts := strings.Split(r.Match, "*")
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		pattern = "^" + strings.Join(parts, "(.*)") + "$"
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return compiledRule{}, fmt.Errorf("bad regex: %v", err)
	}
	return compiledRule{re, r.Alias}, nil
}

// apply renames v when the rule matches it.
func (r *compiledRule) apply(v string) (string, bool) {
	m := r.re.FindStringSubmatchIndex(v)
	if m == nil {
		return v, false
	}
	return string(r.re.ExpandString(nil, r.alias, v, m)), true
}

// pathsPlan is a paths definition compiled for evaluation: the query's
// touchpoint bits and the cleaning rules.
type pathsPlan struct {
	*Paths
	field                  Field  // the node field; "" for touchpoint and stage nodes
	start, end, conversion uint64 // bits
	where                  uint64 // bit of the where conditions; 0 when there are none
	hide                   uint64 // bits of the hidden touchpoints
	nodeBits               []uint64
	nodeNames              []string // the names of nodeBits' nodes, before the rules
	rules                  []compiledRule
}

// query returns the engine query of the paths in project, and their plan.
func (d *Paths) query(project string) (Query, *pathsPlan, error) {
	p := &pathsPlan{Paths: d}
	q := Query{ProjectID: project, From: d.From.Time, To: d.To.Time, AllEvents: d.Within == WithinSession}
	add := func(t Touchpoint) uint64 {
		q.Touchpoints = append(q.Touchpoints, t)
		return 1 << (len(q.Touchpoints) - 1)
	}
	if d.Start != nil {
		p.start = add(*d.Start)
	}
	if d.End != nil {
		p.end = add(*d.End)
	}
	if len(d.Where) > 0 {
		p.where = add(Touchpoint{Where: d.Where})
	}
	if d.Compare != nil && d.Compare.Conversion != nil {
		p.conversion = add(*d.Compare.Conversion)
	}
	for _, t := range d.Hide {
		p.hide |= add(t)
	}
	switch d.Node {
	case NodeTouchpoint:
		for _, t := range d.Touchpoints {
			p.nodeBits = append(p.nodeBits, add(t))
			p.nodeNames = append(p.nodeNames, t.String())
		}
	case NodeStage:
		for _, s := range d.Stages {
			var bits uint64
			for _, t := range s.Touchpoints {
				bits |= add(t)
			}
			p.nodeBits = append(p.nodeBits, bits)
			p.nodeNames = append(p.nodeNames, s.Name)
		}
	default:
		p.field = Field(d.Node)
		q.Breakdown = p.field
		q.AllEvents = true
	}
	for _, r := range d.Rules {
		c, err := r.compile()
		if err != nil {
			return q, nil, invalid("%v", err)
		}
		p.rules = append(p.rules, c)
	}
	return q, p, q.Validate()
}

// clean renames a node value by the first rule that matches it.
func (p *pathsPlan) clean(v string) string {
	for i := range p.rules {
		if renamed, ok := p.rules[i].apply(v); ok {
			return renamed
		}
	}
	return v
}

// touchpoints returns every touchpoint of the definition, for warnings.
func (d *Paths) touchpoints() []Touchpoint {
	var ts []Touchpoint
	for _, t := range []*Touchpoint{d.Start, d.End} {
		if t != nil {
			ts = append(ts, *t)
		}
	}
	if d.Compare != nil && d.Compare.Conversion != nil {
		ts = append(ts, *d.Compare.Conversion)
	}
	ts = append(ts, d.Hide...)
	ts = append(ts, d.Touchpoints...)
	for _, s := range d.Stages {
		ts = append(ts, s.Touchpoints...)
	}
	return ts
}

// PathsResult is what a paths report answers. Durations are in seconds;
// shares are fractions of 1.
type PathsResult struct {
	// Persons counts the persons with a path: those at the anchor, step 0.
	Persons int `json:"persons"`
	// Nodes are in step order; in a step, by persons, most first, then by
	// name, and Other last.
	Nodes []PathNode `json:"nodes"`
	// Edges join a node to one at the next step, in the order of the nodes.
	Edges []PathEdge `json:"edges"`
	// Paths are the most common paths, most persons first.
	Paths []PathCount `json:"paths"`
	// Between counts, for paths with a start and an end, the persons who
	// did the start but are not on a path.
	Between *BetweenCounts `json:"between,omitempty"`
	// Groups are the comparison's, each with its own paths.
	Groups []PathsGroup `json:"groups,omitempty"`
	// Warnings tell what may make the numbers mislead (see Warnings); a
	// result always has them, a group never.
	Warnings []string `json:"warnings,omitzero"`
}

// PathNode is a node of a step. Step 0 is the anchor: the start, or the
// end of paths that only have an end; later steps are 1, 2, ..., earlier
// ones -1, -2, ...
type PathNode struct {
	Step    int    `json:"step"`
	Name    string `json:"name"`
	Persons int    `json:"persons"`
	// DropOff counts the persons whose path goes no further from the
	// anchor than this node: nothing after it, or before it for paths to
	// an end.
	DropOff int `json:"dropOff"`
}

// PathEdge is the persons going from node From at Step to node To at
// Step+1, and the time from the one to the other.
type PathEdge struct {
	Step    int       `json:"step"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Persons int       `json:"persons"`
	Time    Durations `json:"time"`
}

// PathCount is one path, its node names in time order, and the persons who
// took it.
type PathCount struct {
	Nodes   []string `json:"nodes"`
	Persons int      `json:"persons"`
	Share   float64  `json:"share"` // of Persons
}

// BetweenCounts are the persons who did a start but have no path to the
// end: EndNotReached did no end after it (in its session, within
// sessions), EndBeyondSteps did, but further than Steps nodes away.
type BetweenCounts struct {
	EndNotReached  int `json:"endNotReached"`
	EndBeyondSteps int `json:"endBeyondSteps"`
}

// PathsGroup is the result of one group of a comparison.
type PathsGroup struct {
	Name string `json:"name"`
	PathsResult
}
