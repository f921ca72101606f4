package report

import "context"

// PathsDrill picks the persons behind one number of a paths result: on a
// node, on the edge from it to Next at the next step, or dropped off at it.
type PathsDrill struct {
	Step int    `json:"step"`
	Node string `json:"node"`
	// Next, if set, picks the edge from Node to the node Next at Step+1.
	Next *string `json:"next,omitempty"`
	// DropOff keeps the persons whose path goes no further than Node.
	DropOff bool `json:"dropOff,omitempty"`
	// Group, if set, keeps the persons of one group of a comparison.
	Group  string `json:"group,omitempty"`
	Offset int    `json:"offset,omitempty"`
	Limit  int    `json:"limit,omitempty"`
}

// PathsPersons lists the persons on a node or edge of the paths result, or
// dropped off at a node. Other is a node like the others: its persons are
// those of the nodes cut from the step.
func PathsPersons(ctx context.Context, src Source, project string, d Paths, drill PathsDrill) (*PersonsPage, error) {
	if err := d.normalize(); err != nil {
		return nil, err
	}
	lowest, highest := 0, d.Steps-1
	if d.Start == nil && d.End != nil {
		lowest, highest = 1-d.Steps, 0
	}
	switch {
	case drill.Step < lowest || drill.Step > highest:
		return nil, invalid("step %d: the paths have steps %d to %d", drill.Step, lowest, highest)
	case drill.Node == "":
		return nil, invalid("name the node: node is its name")
	case drill.Next != nil && drill.Step == highest:
		return nil, invalid("step %d is the last: an edge goes to the next step", drill.Step)
	case drill.Next != nil && drill.DropOff:
		return nil, invalid("drop-off is at a node: give next or dropOff, not both")
	case drill.Group != "" && d.Compare == nil:
		return nil, invalid("a group needs paths with a comparison")
	case drill.Group != "" && drill.Group != Converted && drill.Group != NotConverted:
		return nil, invalid("group %q: use %q or %q", drill.Group, Converted, NotConverted)
	}
	q, p, _ := d.query(project)
	type candidate struct {
		person    string
		at, next  int32 // node names at the step and the next, -1 for none
		droppedAt bool
	}
	type state struct {
		walker     *pathWalker
		tally      *pathsTally // of the group, whose cut names the nodes
		candidates []candidate
	}
	workers, err := eachPerson(ctx, src, q, func() *state { return &state{walker: p.walker(), tally: newPathsTally()} }, func(s *state, person *Person) error {
		path := s.walker.walk(person.Hits)
		if drill.Group != "" && path.group() != drill.Group {
			return nil
		}
		s.tally.add(&path)
		j := drill.Step - path.first
		if path.outcome != onPath || j < 0 || j >= len(path.nodes) {
			return nil
		}
		c := candidate{person: person.ID, at: path.nodes[j].name, next: -1, droppedAt: j == path.dropOff}
		if j+1 < len(path.nodes) {
			c.next = path.nodes[j+1].name
		}
		s.candidates = append(s.candidates, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	w, tally, candidates := workers[0].walker, workers[0].tally, workers[0].candidates
	for _, o := range workers[1:] {
		names := w.renumber(o.walker)
		tally.merge(o.tally, names)
		for _, c := range o.candidates {
			c.at = names[c.at]
			if c.next >= 0 {
				c.next = names[c.next]
			}
			candidates = append(candidates, c)
		}
	}
	named := tally.cut(w)
	step := int32(drill.Step)
	var matched []string
	for _, c := range candidates {
		switch {
		case named[nodeKey{step, c.at}] != drill.Node:
		case drill.DropOff && !c.droppedAt:
		case drill.Next != nil && (c.next < 0 || named[nodeKey{step + 1, c.next}] != *drill.Next):
		default:
			matched = append(matched, c.person)
		}
	}
	return personsPage(matched, drill.Offset, drill.Limit), nil
}
