package report

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// RunPaths runs the paths report over the project's events in data, with
// the warnings the catalog gives for its touchpoints and range.
func RunPaths(ctx context.Context, data Dataset, project string, d Paths) (*PathsResult, error) {
	if err := d.normalize(); err != nil {
		return nil, err
	}
	q, p, _ := d.query(project)
	type state struct {
		walker *pathWalker
		all    *pathsTally
		groups map[string]*pathsTally
	}
	workers, err := eachPerson(ctx, data, q, func() *state {
		return &state{p.walker(), newPathsTally(), map[string]*pathsTally{Converted: newPathsTally(), NotConverted: newPathsTally()}}
	}, func(s *state, person *Person) error {
		path := s.walker.walk(person.Hits)
		s.all.add(&path)
		if p.Compare != nil {
			s.groups[path.group()].add(&path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	w, all, groups := workers[0].walker, workers[0].all, workers[0].groups
	for _, o := range workers[1:] {
		names := w.renumber(o.walker)
		all.merge(o.all, names)
		for name, t := range o.groups {
			groups[name].merge(t, names)
		}
	}
	r := all.result(w)
	if p.Compare != nil {
		for _, name := range []string{Converted, NotConverted} {
			r.Groups = append(r.Groups, PathsGroup{Name: name, PathsResult: groups[name].result(w)})
		}
	}
	if r.Warnings, err = Warnings(ctx, data, project, d.touchpoints(), d.From.Time, d.To.Time); err != nil {
		return nil, err
	}
	return &r, nil
}

// pathWalker finds persons' paths, one person at a time. It interns node
// names: a node is its name's number.
type pathWalker struct {
	*pathsPlan
	names []string         // by number
	ids   map[string]int32 // numbers by name
	// raw maps a node field's values to the numbers of their names after
	// the rules.
	raw                  map[string]int32
	nodeIDs              []int32 // the names of the touchpoint or stage nodes
	startLabel, endLabel int32   // anchors without a node value take these names
	scratch              []pathNode
}

func (p *pathsPlan) walker() *pathWalker {
	w := &pathWalker{pathsPlan: p, ids: map[string]int32{}, raw: map[string]int32{}}
	for _, name := range p.nodeNames {
		w.nodeIDs = append(w.nodeIDs, w.intern(p.clean(name)))
	}
	if p.Start != nil {
		w.startLabel = w.intern(p.Start.String())
	}
	if p.End != nil {
		w.endLabel = w.intern(p.End.String())
	}
	return w
}

// renumber returns the number in w of each name of o, by o's number.
func (w *pathWalker) renumber(o *pathWalker) []int32 {
	numbers := make([]int32, len(o.names))
	for i, name := range o.names {
		numbers[i] = w.intern(name)
	}
	return numbers
}

func (w *pathWalker) intern(name string) int32 {
	id, ok := w.ids[name]
	if !ok {
		id = int32(len(w.names))
		w.names = append(w.names, name)
		w.ids[name] = id
	}
	return id
}

// pathNode is a node of a person's path: its name and the time of its
// first event.
type pathNode struct {
	name int32
	time time.Time
}

// pathOutcome is whether a person has a path, and if not, why.
type pathOutcome int

const (
	noPath pathOutcome = iota
	onPath
	endNotReached
	endBeyondSteps
)

// personPath is a person's path: nodes in time order, the first at step
// first.
type personPath struct {
	outcome pathOutcome
	nodes   []pathNode
	first   int
	// dropOff is the index of the node where the walk away from the anchor
	// ended, or -1 when it went on beyond the depth.
	dropOff   int
	converted bool
}

func (path *personPath) group() string {
	if path.converted {
		return Converted
	}
	return NotConverted
}

// is reports whether h is one of the touchpoints of bits and passes the
// where conditions.
func (w *pathWalker) is(h *Hit, bits uint64) bool {
	return h.Mask&bits != 0 && (w.where == 0 || h.Mask&w.where != 0)
}

// value is the name of h's node value after the rules; ok is false when h
// has none.
func (w *pathWalker) value(h *Hit) (id int32, ok bool) {
	if w.field != "" {
		if h.Value == "" {
			return 0, false
		}
		id, ok := w.raw[h.Value]
		if !ok {
			id = w.intern(w.clean(h.Value))
			w.raw[strings.Clone(h.Value)] = id
		}
		return id, true
	}
	for i, bits := range w.nodeBits {
		if h.Mask&bits != 0 {
			return w.nodeIDs[i], true
		}
	}
	return 0, false
}

// node is the name of the node h is on a path, other than as an anchor or
// end; ok is false when h is no node: hidden, filtered out by where, or
// without a node value.
func (w *pathWalker) node(h *Hit) (id int32, ok bool) {
	if h.Mask&w.hide != 0 || (w.where != 0 && h.Mask&w.where == 0) {
		return 0, false
	}
	return w.value(h)
}

// anchorNode is the node of an anchor or end event: its value, or the
// touchpoint's name when it has none.
func (w *pathWalker) anchorNode(h *Hit, label int32) pathNode {
	id, ok := w.value(h)
	if !ok {
		id = label
	}
	return pathNode{id, h.Time}
}

// walk finds the path of a person's hits. Its nodes are kept until the
// next walk.
func (w *pathWalker) walk(hits []Hit) personPath {
	var path personPath
	a := -1
	for i := range hits {
		h := &hits[i]
		switch {
		case w.Start != nil:
			if w.is(h, w.start) {
				a = i
			}
		case w.End != nil:
			if w.is(h, w.end) {
				a = i
			}
		default:
			if _, ok := w.node(h); ok {
				a = i
			}
		}
		if a >= 0 {
			break
		}
	}
	if a < 0 {
		return path
	}
	lo, hi := 0, len(hits)
	if w.Within == WithinSession {
		lo, hi = session(hits, a, time.Duration(w.SessionGap))
	}
	if w.conversion != 0 {
		for i := a + 1; i < len(hits) && !path.converted; i++ {
			path.converted = w.is(&hits[i], w.conversion)
		}
	}
	path.outcome = onPath
	if w.Start == nil && w.End != nil {
		w.backward(&path, hits, a, lo)
	} else {
		w.forward(&path, hits, a, hi)
	}
	return path
}

// forward walks from the anchor at a to the depth, to hi, or between a
// start and an end, to the first end.
func (w *pathWalker) forward(path *personPath, hits []Hit, a, hi int) {
	between := w.Start != nil && w.End != nil
	// Without a start, the anchor is a node: it has a value.
	nodes := append(w.scratch[:0], w.anchorNode(&hits[a], w.startLabel))
	deeper, reached := false, false
	i := a + 1
	for ; i < hi && !reached; i++ {
		h := &hits[i]
		var id int32
		if reached = between && w.is(h, w.end); reached {
			id = w.anchorNode(h, w.endLabel).name
		} else if n, ok := w.node(h); ok {
			id = n
		} else {
			continue
		}
		if w.CollapseRepeats && id == nodes[len(nodes)-1].name {
			continue
		}
		if len(nodes) == w.Steps {
			deeper, reached = true, false
			break
		}
		nodes = append(nodes, pathNode{id, h.Time})
	}
	w.scratch = nodes
	if between && !reached {
		path.outcome = endNotReached
		for ; deeper && i < hi; i++ {
			if w.is(&hits[i], w.end) {
				path.outcome = endBeyondSteps
				break
			}
		}
		return
	}
	path.nodes, path.dropOff = nodes, len(nodes)-1
	if deeper {
		path.dropOff = -1
	}
}

// backward walks from the end at a back to the depth or to lo.
func (w *pathWalker) backward(path *personPath, hits []Hit, a, lo int) {
	nodes := append(w.scratch[:0], w.anchorNode(&hits[a], w.endLabel))
	deeper := false
	for i := a - 1; i >= lo; i-- {
		id, ok := w.node(&hits[i])
		if !ok {
			continue
		}
		if last := &nodes[len(nodes)-1]; w.CollapseRepeats && id == last.name {
			last.time = hits[i].Time // a run of repeats starts at its first
			continue
		}
		if len(nodes) == w.Steps {
			deeper = true
			break
		}
		nodes = append(nodes, pathNode{id, hits[i].Time})
	}
	slices.Reverse(nodes)
	w.scratch = nodes
	path.nodes, path.first, path.dropOff = nodes, 1-len(nodes), 0
	if deeper {
		path.dropOff = -1
	}
}

// session returns the bounds [lo, hi) of the session of hits[a]: the run of
// hits around it without a gap longer than gap.
func session(hits []Hit, a int, gap time.Duration) (lo, hi int) {
	lo, hi = a, a+1
	for lo > 0 && hits[lo].Time.Sub(hits[lo-1].Time) <= gap {
		lo--
	}
	for hi < len(hits) && hits[hi].Time.Sub(hits[hi-1].Time) <= gap {
		hi++
	}
	return lo, hi
}

// Keys of the tallies: steps and node names by number.
type (
	nodeKey struct{ step, name int32 }
	edgeKey struct{ step, from, to int32 }
	pathKey [MaxPathSteps]int32 // names in time order, then -1
)

type nodeTally struct{ persons, dropOff int }

// pathsTally adds up persons' paths, by node names before the top cut.
type pathsTally struct {
	persons int
	nodes   map[nodeKey]*nodeTally
	edges   map[edgeKey]int // index into times
	times   [][]float64     // seconds along each edge
	paths   map[pathKey]int
	between BetweenCounts
}

func newPathsTally() *pathsTally {
	return &pathsTally{nodes: map[nodeKey]*nodeTally{}, edges: map[edgeKey]int{}, paths: map[pathKey]int{}}
}

func (t *pathsTally) add(path *personPath) {
	switch path.outcome {
	case noPath:
		return
	case endNotReached:
		t.between.EndNotReached++
		return
	case endBeyondSteps:
		t.between.EndBeyondSteps++
		return
	}
	t.persons++
	var key pathKey
	for j := range key {
		key[j] = -1
	}
	for j, n := range path.nodes {
		step := int32(path.first + j)
		nt := t.node(nodeKey{step, n.name})
		nt.persons++
		if j == path.dropOff {
			nt.dropOff++
		}
		if j > 0 {
			prev := path.nodes[j-1]
			i := t.edge(edgeKey{step - 1, prev.name, n.name})
			t.times[i] = append(t.times[i], n.time.Sub(prev.time).Seconds())
		}
		key[j] = n.name
	}
	t.paths[key]++
}

func (t *pathsTally) node(k nodeKey) *nodeTally {
	n := t.nodes[k]
	if n == nil {
		n = &nodeTally{}
		t.nodes[k] = n
	}
	return n
}

// edge returns the index of the edge's times.
func (t *pathsTally) edge(e edgeKey) int {
	i, ok := t.edges[e]
	if !ok {
		i = len(t.times)
		t.edges[e] = i
		t.times = append(t.times, nil)
	}
	return i
}

// merge adds another worker's tally, whose name numbers are names[its
// number].
func (t *pathsTally) merge(o *pathsTally, names []int32) {
	t.persons += o.persons
	t.between.EndNotReached += o.between.EndNotReached
	t.between.EndBeyondSteps += o.between.EndBeyondSteps
	for k, n := range o.nodes {
		nt := t.node(nodeKey{k.step, names[k.name]})
		nt.persons += n.persons
		nt.dropOff += n.dropOff
	}
	for e, i := range o.edges {
		j := t.edge(edgeKey{e.step, names[e.from], names[e.to]})
		t.times[j] = append(t.times[j], o.times[i]...)
	}
	for key, n := range o.paths {
		for j := range key {
			if key[j] >= 0 {
				key[j] = names[key[j]]
			}
		}
		t.paths[key] += n
	}
}

// cut names each node after the top cut of its step: its own name, or
// Other.
func (t *pathsTally) cut(w *pathWalker) map[nodeKey]string {
	byStep := map[int32][]nodeKey{}
	for k := range t.nodes {
		byStep[k.step] = append(byStep[k.step], k)
	}
	named := map[nodeKey]string{}
	for _, keys := range byStep {
		slices.SortFunc(keys, func(a, b nodeKey) int {
			return cmp.Or(cmp.Compare(t.nodes[b].persons, t.nodes[a].persons), cmp.Compare(w.names[a.name], w.names[b.name]))
		})
		for rank, k := range keys {
			named[k] = w.names[k.name]
			if rank >= w.Top {
				named[k] = OtherValues
			}
		}
	}
	return named
}

// result cuts each step to the top nodes and builds the answer.
func (t *pathsTally) result(w *pathWalker) PathsResult {
	r := PathsResult{Persons: t.persons, Nodes: []PathNode{}, Edges: []PathEdge{}, Paths: []PathCount{}}
	if w.Start != nil && w.End != nil {
		between := t.between
		r.Between = &between
	}
	type stepName struct {
		step int32
		name string
	}
	named := t.cut(w)
	merged := map[stepName]*PathNode{}
	for k, n := range t.nodes {
		at := stepName{k.step, named[k]}
		if merged[at] == nil {
			merged[at] = &PathNode{Step: int(k.step), Name: at.name}
		}
		merged[at].Persons += n.persons
		merged[at].DropOff += n.dropOff
	}
	for _, n := range merged {
		r.Nodes = append(r.Nodes, *n)
	}
	slices.SortFunc(r.Nodes, func(a, b PathNode) int {
		return cmp.Or(cmp.Compare(a.Step, b.Step), cmp.Compare(otherLast(a.Name), otherLast(b.Name)),
			cmp.Compare(b.Persons, a.Persons), cmp.Compare(a.Name, b.Name))
	})
	position := map[stepName]int{}
	for i, n := range r.Nodes {
		position[stepName{int32(n.Step), n.Name}] = i
	}
	type edgeName struct {
		step     int32
		from, to string
	}
	edgeTimes := map[edgeName][]float64{}
	for e, i := range t.edges {
		k := edgeName{e.step, named[nodeKey{e.step, e.from}], named[nodeKey{e.step + 1, e.to}]}
		edgeTimes[k] = append(edgeTimes[k], t.times[i]...)
	}
	for e, times := range edgeTimes {
		r.Edges = append(r.Edges, PathEdge{Step: int(e.step), From: e.from, To: e.to, Persons: len(times), Time: summarize(times)})
	}
	slices.SortFunc(r.Edges, func(a, b PathEdge) int {
		return cmp.Or(cmp.Compare(a.Step, b.Step),
			cmp.Compare(position[stepName{int32(a.Step), a.From}], position[stepName{int32(b.Step), b.From}]),
			cmp.Compare(position[stepName{int32(a.Step) + 1, a.To}], position[stepName{int32(b.Step) + 1, b.To}]))
	})
	for key, persons := range t.paths {
		var names []string
		for _, id := range key {
			if id < 0 {
				break
			}
			names = append(names, w.names[id])
		}
		r.Paths = append(r.Paths, PathCount{Nodes: names, Persons: persons, Share: ratio(persons, t.persons)})
	}
	slices.SortFunc(r.Paths, func(a, b PathCount) int {
		return cmp.Or(cmp.Compare(b.Persons, a.Persons), slices.Compare(a.Nodes, b.Nodes))
	})
	r.Paths = r.Paths[:min(len(r.Paths), w.TopPaths)]
	return r
}

// otherLast sorts Other after the named nodes of a step.
func otherLast(name string) int {
	if name == OtherValues {
		return 1
	}
	return 0
}
