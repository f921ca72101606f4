package columnar

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// dedupLimit is the size up to which a merge looks up each new string in
// the dict it extends. Larger dicts (URLs, property values) take new
// strings without looking, so that a merge never builds a map of millions
// of strings; a string may then have two codes, which readers allow.
const dedupLimit = 1 << 20

// ref is one row of a merge's input: a generation row, or a memtable row when
// mem is set.
type ref struct {
	row int
	mem bool
}

// merged is a person whose rows come from several places: refs, sorted by
// time and storage order.
type merged struct {
	id   string
	refs []ref
}

// routing is where the rows of a generation and a memtable snapshot belong
// now that identities may have moved since the generation was built: the
// generation's persons that keep exactly their rows (runs), and every other
// person with their rows (dirty), sorted by time and storage order.
type routing struct {
	expand map[int]bool // generation persons whose rows are in dirty
	dirty  []merged     // sorted by id
}

// route computes the routing of base and mem. memPerson[d] is the person of
// mem's distinct id d in base (-1: not there); moved holds the distinct ids
// whose person differs from base's, with the person they resolve to now.
func route(base *generation, mem *part, memPerson []int32, moved map[string]string) routing {
	changed := map[uint32]string{} // generation distinct ids that moved
	expand := map[int]bool{}
	for did, person := range moved {
		if c, ok := base.distinctCode(did); ok && base.persons[base.didPerson[c]] != person {
			changed[c] = person
			expand[int(base.didPerson[c])] = true
		}
	}
	memDid := make([]string, mem.dids.len()) // the person of each of mem's ids
	for d := range memDid {
		id := mem.dids.at(uint32(d))
		switch person, ok := moved[id]; {
		case ok:
			memDid[d] = person
		case memPerson[d] >= 0:
			memDid[d] = base.persons[memPerson[d]]
		default:
			memDid[d] = id
		}
	}
	// Persons that gain rows are dirty, with their own rows too.
	gains := map[string]bool{}
	for _, person := range changed {
		gains[person] = true
	}
	for r := range mem.rows() {
		gains[memDid[mem.did[r]]] = true
	}
	for person := range gains {
		if p, ok := base.personIndex(person); ok {
			expand[p] = true
		}
	}
	byPerson := map[string][]ref{}
	for p := range expand {
		for r := int(base.personStart[p]); r < int(base.personStart[p+1]); r++ {
			person, ok := changed[base.did[r]]
			if !ok {
				person = base.persons[p]
			}
			byPerson[person] = append(byPerson[person], ref{row: r})
		}
	}
	for r := range mem.rows() {
		person := memDid[mem.did[r]]
		byPerson[person] = append(byPerson[person], ref{row: r, mem: true})
	}
	key := func(r ref) (int64, int64) {
		if r.mem {
			return mem.time[r.row], mem.seq[r.row]
		}
		return base.time[r.row], base.seq[r.row]
	}
	rt := routing{expand: expand}
	for id, refs := range byPerson {
		slices.SortFunc(refs, func(a, b ref) int {
			at, as := key(a)
			bt, bs := key(b)
			return cmp.Or(cmp.Compare(at, bt), cmp.Compare(as, bs))
		})
		rt.dirty = append(rt.dirty, merged{id: id, refs: refs})
	}
	slices.SortFunc(rt.dirty, func(a, b merged) int { return strings.Compare(a.id, b.id) })
	return rt
}

// merge writes into dir the generation that follows base: its rows and those of
// the memtable snapshot mem, routed as route says.
func merge(dir string, base *generation, mem *part, memPerson []int32, moved map[string]string, maxSeq int64) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	rt := route(base, mem, memPerson, moved)
	w, err := newGenerationWriter(dir, base, mem)
	if err != nil {
		return err
	}
	// The generation's clean persons and the dirty ones, both sorted by id.
	p, d := 0, 0
	for p < len(base.persons) || d < len(rt.dirty) {
		if p < len(base.persons) && rt.expand[p] {
			p++
			continue
		}
		if d == len(rt.dirty) || (p < len(base.persons) && base.persons[p] < rt.dirty[d].id) {
			w.person(base.persons[p])
			w.run(int(base.personStart[p]), int(base.personStart[p+1]))
			p++
			continue
		}
		w.person(rt.dirty[d].id)
		for _, r := range rt.dirty[d].refs {
			w.row(r)
		}
		d++
	}
	return w.finish(base.meta.Project, maxSeq)
}

// generationWriter writes a generation's files: rows of the generation it follows,
// whose codes stay as they are, and memtable rows, whose codes it maps.
type generationWriter struct {
	dir  string
	base *generation
	mem  *part

	time, seq, did, typ, revenue, personStart *fileWriter
	codes                                     []*fileWriter
	objects                                   [objectCount]struct {
		off, key, val *fileWriter
		pairs         uint32
		keys, vals    dictMerge
	}
	fields []dictMerge
	dids   dictMerge

	rows      uint32
	persons   []string
	didPerson []uint32 // by output code, the person index
	files     []*fileWriter
	err       error
}

// dictMerge is an output dict: the generation's dict and what the memtable adds.
type dictMerge struct {
	base  dict
	added []string
	remap []uint32 // memtable code -> output code
}

func mergeDicts(base, mem dict, strict func(string) (uint32, bool)) dictMerge {
	d := dictMerge{base: base, remap: make([]uint32, mem.len())}
	n := base.len()
	lookup := strict
	if lookup == nil && n <= dedupLimit {
		index := make(map[string]uint32, n)
		for c := range n {
			index[base.at(uint32(c))] = uint32(c)
		}
		lookup = func(s string) (uint32, bool) { c, ok := index[s]; return c, ok }
	}
	for c := 1; c < mem.len(); c++ {
		s := mem.at(uint32(c))
		if lookup != nil {
			if code, ok := lookup(s); ok {
				d.remap[c] = code
				continue
			}
		}
		d.remap[c] = uint32(n + len(d.added))
		d.added = append(d.added, s)
	}
	return d
}

func (d *dictMerge) len() int { return d.base.len() + len(d.added) }

func (d *dictMerge) at(code uint32) string {
	if n := d.base.len(); int(code) >= n {
		return d.added[int(code)-n]
	}
	return d.base.at(code)
}

func (d *dictMerge) write(path string) error {
	return writeDict(path, func(yield func(string) bool) {
		for c := range d.len() {
			if !yield(d.at(uint32(c))) {
				return
			}
		}
	}, d.len())
}

func newGenerationWriter(dir string, base *generation, mem *part) (*generationWriter, error) {
	w := &generationWriter{dir: dir, base: base, mem: mem}
	create := func(name string) *fileWriter {
		if w.err != nil {
			return nil
		}
		f, err := createFile(filepath.Join(dir, name))
		w.err = err
		if f != nil {
			w.files = append(w.files, f)
		}
		return f
	}
	w.time, w.seq, w.typ, w.revenue = create("time.i64"), create("seq.i64"), create("type.u8"), create("revenue.f64")
	w.did, w.personStart = create("did.u32"), create("person_start.u32")
	w.fields = make([]dictMerge, len(fields))
	w.codes = make([]*fileWriter, len(fields))
	for f := range fields {
		w.codes[f] = create(fieldFile(f) + ".u32")
		w.fields[f] = mergeDicts(base.dicts[f], mem.dicts[f], nil)
	}
	w.dids = mergeDicts(base.dids, mem.dids, base.distinctCode)
	for o := range w.objects {
		ow := &w.objects[o]
		ow.off, ow.key, ow.val = create(objectFile(o, "off.u32")), create(objectFile(o, "key.u32")), create(objectFile(o, "val.u32"))
		ow.keys = mergeDicts(base.objects[o].keys, mem.objects[o].keys, nil)
		ow.vals = mergeDicts(base.objects[o].vals, mem.objects[o].vals, nil)
		if ow.off != nil {
			put(ow.off, uint32(0))
		}
	}
	w.didPerson = make([]uint32, w.dids.len())
	if w.err != nil {
		w.abort()
		return nil, w.err
	}
	return w, nil
}

func (w *generationWriter) person(id string) {
	put(w.personStart, w.rows)
	w.persons = append(w.persons, id)
}

// run writes the generation's rows lo to hi as they are.
func (w *generationWriter) run(lo, hi int) {
	s := w.base
	put(w.time, s.time[lo:hi]...)
	put(w.seq, s.seq[lo:hi]...)
	put(w.typ, s.typ[lo:hi]...)
	put(w.revenue, s.revenue[lo:hi]...)
	put(w.did, s.did[lo:hi]...)
	for f := range fields {
		put(w.codes[f], s.codes[f][lo:hi]...)
	}
	person := uint32(len(w.persons) - 1)
	for _, d := range s.did[lo:hi] {
		w.didPerson[d] = person
	}
	for o := range w.objects {
		ow, m := &w.objects[o], &s.objects[o]
		a, b := m.off[lo], m.off[hi]
		put(ow.key, m.key[a:b]...)
		put(ow.val, m.val[a:b]...)
		for r := lo + 1; r <= hi; r++ {
			put(ow.off, m.off[r]-a+ow.pairs)
		}
		ow.pairs += b - a
	}
	w.rows += uint32(hi - lo)
}

// row writes one row of the generation or the memtable.
func (w *generationWriter) row(r ref) {
	if !r.mem {
		w.run(r.row, r.row+1)
		return
	}
	m, i := w.mem, r.row
	put(w.time, m.time[i])
	put(w.seq, m.seq[i])
	put(w.typ, m.typ[i])
	put(w.revenue, m.revenue[i])
	did := w.dids.remap[m.did[i]]
	put(w.did, did)
	w.didPerson[did] = uint32(len(w.persons) - 1)
	for f := range fields {
		put(w.codes[f], w.fields[f].remap[m.codes[f][i]])
	}
	for o := range w.objects {
		ow, ms := &w.objects[o], &m.objects[o]
		for k := ms.off[i]; k < ms.off[i+1]; k++ {
			put(ow.key, ow.keys.remap[ms.key[k]])
			put(ow.val, ow.vals.remap[ms.val[k]])
		}
		ow.pairs += ms.off[i+1] - ms.off[i]
		put(ow.off, ow.pairs)
	}
	w.rows++
}

// finish writes the dicts, the person and distinct id tables and meta.json.
func (w *generationWriter) finish(project string, maxSeq int64) error {
	put(w.personStart, w.rows)
	for _, f := range w.files {
		if err := f.close(); err != nil && w.err == nil {
			w.err = err
		}
	}
	w.files = nil
	if w.err != nil {
		w.abort()
		return w.err
	}
	steps := []func() error{
		func() error {
			return writeDict(filepath.Join(w.dir, "persons.dict"), slices.Values(w.persons), len(w.persons))
		},
		func() error { return w.dids.write(filepath.Join(w.dir, "dids.dict")) },
		func() error { return writeColumn(filepath.Join(w.dir, "did_person.u32"), w.didPerson) },
		func() error { return writeColumn(filepath.Join(w.dir, "did_order.u32"), w.didOrder()) },
	}
	for f := range fields {
		steps = append(steps, func() error { return w.fields[f].write(filepath.Join(w.dir, fieldFile(f)+".dict")) })
	}
	for o := range w.objects {
		steps = append(steps,
			func() error { return w.objects[o].keys.write(filepath.Join(w.dir, objectFile(o, "keys.dict"))) },
			func() error { return w.objects[o].vals.write(filepath.Join(w.dir, objectFile(o, "vals.dict"))) })
	}
	// meta.json comes last: a generation without it is one a crash cut short.
	steps = append(steps, func() error {
		meta, _ := json.Marshal(generationMeta{Format: format, Project: project, MaxSeq: maxSeq, Rows: int(w.rows), Persons: len(w.persons)})
		f, err := createFile(filepath.Join(w.dir, "meta.json"))
		if err != nil {
			return err
		}
		f.write(meta)
		return f.close()
	})
	for _, step := range steps {
		if err := step(); err != nil {
			w.abort()
			return fmt.Errorf("write generation: %w", err)
		}
	}
	return nil
}

func (w *generationWriter) abort() {
	for _, f := range w.files {
		f.close()
	}
	os.RemoveAll(w.dir)
}

func writeColumn[T fixed](path string, values []T) error {
	f, err := createFile(path)
	if err != nil {
		return err
	}
	put(f, values...)
	return f.close()
}

// didOrder sorts the output's distinct ids: the generation's are sorted
// already, so only the added ones need sorting before the two merge.
func (w *generationWriter) didOrder() []uint32 {
	n := w.base.dids.len()
	added := make([]uint32, len(w.dids.added))
	for i := range added {
		added[i] = uint32(n + i)
	}
	slices.SortFunc(added, func(a, b uint32) int { return strings.Compare(w.dids.at(a), w.dids.at(b)) })
	order := make([]uint32, 0, w.dids.len())
	base := w.base.didOrder
	if len(base) < n { // the empty generation has no order of its ""
		base = []uint32{0}
	}
	i, j := 0, 0
	for i < len(base) || j < len(added) {
		if j == len(added) || (i < len(base) && w.dids.at(base[i]) <= w.dids.at(added[j])) {
			order = append(order, base[i])
			i++
		} else {
			order = append(order, added[j])
			j++
		}
	}
	return order
}
