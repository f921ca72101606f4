package report

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// PathFunnel is the funnel of one path of a paths report, and what it
// counts differently.
type PathFunnel struct {
	Funnel   Funnel   `json:"funnel"`
	Warnings []string `json:"warnings"`
}

// FunnelOfPath turns a path of the paths report d, its node names in time
// order from the anchor (to the anchor, for paths to an end), into an
// ordered funnel with a step per node. Each step is done by the events that
// can be that node: the anchor's touchpoint, the node value (after the
// rules) or the touchpoints or stage of the node. Warnings say where a step
// takes more events than the node.
func FunnelOfPath(d Paths, path []string) (*PathFunnel, error) {
	if err := d.normalize(); err != nil {
		return nil, err
	}
	if len(path) < MinSteps || len(path) > d.Steps {
		return nil, invalid("path: a funnel takes a path of %d to %d nodes, not %d", MinSteps, d.Steps, len(path))
	}
	_, p, _ := d.query("")
	f := Funnel{Order: Ordered, Where: d.Where, From: d.From, To: d.To}
	if !d.From.IsZero() && !d.To.IsZero() {
		f.Window = Duration(min(d.To.Sub(d.From.Time), time.Duration(MaxDuration)))
	}
	out := &PathFunnel{Warnings: []string{}}
	last := len(path) - 1
	for i, name := range path {
		if name == OtherValues {
			return nil, invalid("path[%d]: Other stands for the nodes cut from a step, not for one node: list the persons on it, or raise top", i)
		}
		var anchor *Touchpoint
		switch {
		case i == 0 && d.Start != nil:
			anchor = d.Start
		case i == last && d.End != nil:
			anchor = d.End
		}
		if anchor != nil && name == anchor.String() {
			f.Steps = append(f.Steps, Step{Name: name, Touchpoints: []Touchpoint{*anchor}})
			continue
		}
		tps, warnings := p.nodeTouchpoints(name)
		for _, w := range warnings {
			out.Warnings = append(out.Warnings, fmt.Sprintf("step %d (%s): %s", i+1, name, w))
		}
		if len(tps) == 0 {
			return nil, invalid("path[%d]: no event can be node %q: the rules rename every such value", i, name)
		}
		if anchor != nil {
			for k, t := range tps {
				both := *anchor
				both.Label = ""
				both.Where = slices.Concat(anchor.Where, t.Conditions())
				tps[k] = both
			}
		}
		f.Steps = append(f.Steps, Step{Name: name, Touchpoints: tps})
	}
	out.Funnel = f
	return out, nil
}

// nodeTouchpoints returns touchpoints that the events of the node named
// name match: its value, if the rules leave it as it is, and the patterns
// of the rules that can rename a value to it; or the touchpoints of a
// touchpoint or stage node of that name.
func (p *pathsPlan) nodeTouchpoints(name string) (tps []Touchpoint, warnings []string) {
	if p.field == "" {
		for i, n := range p.nodeNames {
			if p.clean(n) != name {
				continue
			}
			if p.Node == NodeTouchpoint {
				tps = append(tps, p.Touchpoints[i])
			} else {
				tps = append(tps, p.Stages[i].Touchpoints...)
			}
		}
		return tps, nil
	}
	if p.clean(name) == name {
		if p.field == "name" {
			tps = append(tps, Touchpoint{Event: name})
		} else {
			tps = append(tps, Touchpoint{Where: []Condition{{Field: p.field, Op: Equals, Value: name}}})
		}
	}
	for i, r := range p.Rules {
		gives, grouped := aliasPattern(r.Alias)
		if !gives.MatchString(name) {
			continue
		}
		tps = append(tps, Touchpoint{Where: []Condition{{Field: p.field, Op: Matches, Value: p.rules[i].re.String()}}})
		if grouped {
			warnings = append(warnings, fmt.Sprintf("rule %d renames by the groups of its match: the step takes every value the rule matches", i+1))
		}
		if slices.ContainsFunc(p.Rules[:i], func(earlier PathRule) bool { return earlier.Alias != r.Alias }) {
			warnings = append(warnings, fmt.Sprintf("the step also takes values that rule %d matches and an earlier rule renames", i+1))
		}
	}
	return tps, warnings
}

// aliasGroup is a reference to a group in an alias, as
// regexp.Regexp.Expand reads it, or $$.
var aliasGroup = regexp.MustCompile(`\$(\$|[A-Za-z0-9_]+|\{[A-Za-z0-9_]+\})`)

// aliasPattern is a regular expression of what expanding alias can give:
// its text, with any text for each group reference; grouped tells whether
// it has any.
func aliasPattern(alias string) (pattern *regexp.Regexp, grouped bool) {
	var b strings.Builder
	b.WriteString("^")
	pos := 0
	for _, m := range aliasGroup.FindAllStringIndex(alias, -1) {
		b.WriteString(regexp.QuoteMeta(alias[pos:m[0]]))
		if alias[m[0]:m[1]] == "$$" {
			b.WriteString(`\$`)
		} else {
			b.WriteString("(?s:.*)")
			grouped = true
		}
		pos = m[1]
	}
	b.WriteString(regexp.QuoteMeta(alias[pos:]) + "$")
	return regexp.MustCompile(b.String()), grouped
}
