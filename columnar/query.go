package columnar

import (
	"context"
	"slices"
	"time"

	"github.com/waymark-analytics/waymark/report"
)

// compiled is a report.Query as tests on codes: conditions on a column are
// evaluated once per distinct value of a part, not once per row.
type compiled struct {
	q        report.Query
	all      uint64 // every touchpoint's bit
	from, to int64  // microseconds: from <= time < to
	typeBits []uint64
	columns  []columnTest
	members  []memberTest
	// Conditions on person fields hold or not for a person as a whole.
	personTests []personTest
	personBits  uint64 // touchpoints with person conditions
	traitKeys   []string
	breakdown   breakdownField
}

// columnTest is the conditions of every touchpoint on one field.
type columnTest struct {
	field int
	conds []bitCondition
}

type bitCondition struct {
	bit  uint64
	cond report.Condition
}

// memberTest is a condition on a member of properties or traits.
type memberTest struct {
	object int
	key    string
	bitCondition
}

type personTest struct {
	key string
	bitCondition
}

// breakdownField says where a hit's Value comes from.
type breakdownField struct {
	kind   int // one of the breakdown kinds below
	field  int
	object int
	key    string
}

const (
	noBreakdown = iota
	typeBreakdown
	columnBreakdown
	memberBreakdown
	personBreakdown
)

func compile(q report.Query) *compiled {
	c := &compiled{q: q, from: -1 << 63, to: 1<<63 - 1, typeBits: make([]uint64, len(types))}
	if !q.From.IsZero() {
		c.from = ceilMicro(q.From)
	}
	if !q.To.IsZero() {
		c.to = ceilMicro(q.To)
	}
	addKey := func(key string) {
		if !slices.Contains(c.traitKeys, key) {
			c.traitKeys = append(c.traitKeys, key)
		}
	}
	for i := range q.Touchpoints {
		c.all |= uint64(1) << i
	}
	for code := range types {
		c.typeBits[code] = c.all
	}
	columns := map[int]*columnTest{}
	for i, t := range q.Touchpoints {
		bit := uint64(1) << i
		for _, cond := range t.Conditions() {
			bc := bitCondition{bit, cond}
			if cond.Field == "type" {
				for code, typ := range types {
					if !cond.HoldsValue(string(typ), typ != "") {
						c.typeBits[code] &^= bit
					}
				}
				continue
			}
			if f, ok := fieldIndex[cond.Field]; ok {
				if columns[f] == nil {
					columns[f] = &columnTest{field: f}
				}
				columns[f].conds = append(columns[f].conds, bc)
				continue
			}
			if key, ok := cond.Field.PersonTrait(); ok {
				c.personTests = append(c.personTests, personTest{key, bc})
				c.personBits |= bit
				addKey(key)
				continue
			}
			object, key, _ := cond.Field.Object()
			c.members = append(c.members, memberTest{object: objectIndex(object), key: key, bitCondition: bc})
		}
	}
	for f := range fields {
		if ct, ok := columns[f]; ok {
			c.columns = append(c.columns, *ct)
		}
	}
	if b := q.Breakdown; b != "" {
		switch f, ok := fieldIndex[b]; {
		case b == "type":
			c.breakdown.kind = typeBreakdown
		case ok:
			c.breakdown = breakdownField{kind: columnBreakdown, field: f}
		default:
			if key, ok := b.PersonTrait(); ok {
				c.breakdown = breakdownField{kind: personBreakdown, key: key}
				addKey(key)
			} else {
				object, key, _ := b.Object()
				c.breakdown = breakdownField{kind: memberBreakdown, object: objectIndex(object), key: key}
			}
		}
	}
	return c
}

func objectIndex(name string) int {
	if name == "traits" {
		return traits
	}
	return properties
}

func ceilMicro(t time.Time) int64 {
	u := t.UnixMicro()
	if time.UnixMicro(u).Before(t) {
		u++
	}
	return u
}

// partPlan is a compiled query over one part: lookup tables by code.
type partPlan struct {
	c       *compiled
	p       *part
	columns []lut
	// memberKeys[i] is the code of member test i's key in the part, or -1.
	memberKeys []int64
	memberSeen []map[uint32]bool // condition results by value code
	traitKeys  []int64
	valueKey   int64             // the breakdown member's key code
	values     map[uint32]string // breakdown values copied out, by code
}

// lut is a column test's touchpoint bits by code, filled as codes come up.
type lut struct {
	all   uint64
	test  *columnTest
	d     dict
	bits  []uint64
	known []bool
}

func (l *lut) get(code uint32) uint64 {
	if !l.known[code] {
		v := l.d.at(code)
		bits := l.all
		for _, bc := range l.test.conds {
			if !bc.cond.HoldsValue(v, v != "") {
				bits &^= bc.bit
			}
		}
		l.bits[code], l.known[code] = bits, true
	}
	return l.bits[code]
}

func (c *compiled) on(p *part) *partPlan {
	pp := &partPlan{c: c, p: p, values: map[uint32]string{}, valueKey: -1}
	for i := range c.columns {
		ct := &c.columns[i]
		d := p.dicts[ct.field]
		pp.columns = append(pp.columns, lut{all: c.all, test: ct, d: d, bits: make([]uint64, d.len()), known: make([]bool, d.len())})
	}
	keyCode := func(object int, key string) int64 {
		d := p.objects[object].keys
		for code := range d.len() {
			if d.at(uint32(code)) == key {
				return int64(code)
			}
		}
		return -1
	}
	for _, mt := range c.members {
		pp.memberKeys = append(pp.memberKeys, keyCode(mt.object, mt.key))
		pp.memberSeen = append(pp.memberSeen, map[uint32]bool{})
	}
	for _, key := range c.traitKeys {
		pp.traitKeys = append(pp.traitKeys, keyCode(traits, key))
	}
	if c.breakdown.kind == memberBreakdown {
		pp.valueKey = keyCode(c.breakdown.object, c.breakdown.key)
	}
	return pp
}

// mask returns the touchpoint bits of row r, but for person conditions.
func (pp *partPlan) mask(r int) uint64 {
	p := pp.p
	m := pp.c.typeBits[p.typ[r]]
	for i := range pp.columns {
		if m == 0 {
			return 0
		}
		l := &pp.columns[i]
		m &= l.get(p.codes[l.test.field][r])
	}
	for i, mt := range pp.c.members {
		if m&mt.bit == 0 {
			continue
		}
		var code uint32
		var set bool
		if k := pp.memberKeys[i]; k >= 0 {
			code, set = p.objects[mt.object].lookup(r, uint32(k))
		}
		holds, seen := pp.memberSeen[i][code]
		if !seen || !set {
			v := p.objects[mt.object].vals.at(code)
			holds = mt.cond.HoldsValue(v, set && v != "")
			if set {
				pp.memberSeen[i][code] = holds
			}
		}
		if !holds {
			m &^= mt.bit
		}
	}
	return m
}

// value returns the breakdown value of row r, but for person fields.
func (pp *partPlan) value(r int) string {
	p := pp.p
	var code uint32
	var d dict
	switch b := pp.c.breakdown; b.kind {
	case typeBreakdown:
		return string(types[p.typ[r]])
	case columnBreakdown:
		code, d = p.codes[b.field][r], p.dicts[b.field]
	case memberBreakdown:
		if pp.valueKey < 0 {
			return ""
		}
		code, _ = p.objects[b.object].lookup(r, uint32(pp.valueKey))
		d = p.objects[b.object].vals
	default:
		return ""
	}
	v, ok := pp.values[code]
	if !ok {
		v = clone(d.at(code))
		pp.values[code] = v
	}
	return v
}

// applyTraits applies row r's traits to t when r is an identify call, as
// report.Traits.Apply does.
func (pp *partPlan) applyTraits(r int, t report.Traits) {
	if pp.p.typ[r] != identifyCode {
		return
	}
	m := &pp.p.objects[traits]
	for i, key := range pp.c.traitKeys {
		k := pp.traitKeys[i]
		if k < 0 {
			continue
		}
		if code, ok := m.lookup(r, uint32(k)); ok {
			if v := m.vals.at(code); v != "" {
				t[key] = clone(v)
			} else {
				delete(t, key)
			}
		}
	}
}

var identifyCode = typeCode("identify")

// person is the hits of one person being gathered: rows of parts, in time
// and storage order, and what the person's rows say of them as a whole.
type personRows struct {
	c      *compiled
	traits report.Traits
	out    report.Person
}

// finish applies the person fields and hands the person on.
func (pr *personRows) finish(fn func(*report.Person) error) error {
	c := pr.c
	if len(c.personTests) > 0 || c.breakdown.kind == personBreakdown {
		holds := ^uint64(0)
		for _, pt := range c.personTests {
			v, set := pr.traits[pt.key]
			if !pt.cond.HoldsValue(v, set) {
				holds &^= pt.bit
			}
		}
		value := ""
		if c.breakdown.kind == personBreakdown {
			value = pr.traits[c.breakdown.key]
		}
		kept := pr.out.Hits[:0]
		for _, h := range pr.out.Hits {
			h.Mask &= holds
			if c.breakdown.kind == personBreakdown {
				h.Value = value
			}
			if h.Mask != 0 || c.q.AllEvents {
				kept = append(kept, h)
			}
		}
		pr.out.Hits = kept
	}
	if len(pr.out.Hits) == 0 {
		return nil
	}
	return fn(&pr.out)
}

// hit adds row r of pp as a hit when it is one; i orders it among the
// person's rows.
func (pr *personRows) hit(pp *partPlan, r int, t int64, i int) {
	m := pp.mask(r)
	if m == 0 && !pr.c.q.AllEvents {
		return
	}
	h := report.Hit{Time: time.UnixMicro(t).UTC(), Seq: int64(i), Mask: m}
	if pr.c.breakdown.kind != noBreakdown {
		h.Value = pp.value(r)
	}
	pr.out.Hits = append(pr.out.Hits, h)
}

// view is what one report reads of a project: its segment, a snapshot of
// its memtable and where their rows belong.
type view struct {
	seg *segment
	mem *part
	rt  *routing
}

func (v *view) hits(ctx context.Context, q report.Query, fn func(*report.Person) error) error {
	c := compile(q)
	seg, mem := v.seg, v.mem
	sp, mp := c.on(&seg.part), c.on(mem)
	needAll := len(c.traitKeys) > 0
	pr := &personRows{c: c}
	if needAll {
		pr.traits = report.Traits{}
	}
	for p := range seg.persons {
		if p%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if v.rt.expand[p] {
			continue
		}
		lo, hi := int(seg.personStart[p]), int(seg.personStart[p+1])
		a, b := lo+firstAtOrAfter(seg.time[lo:hi], c.from), lo+firstAtOrAfter(seg.time[lo:hi], c.to)
		if a == b {
			continue
		}
		pr.out.ID, pr.out.Hits = seg.persons[p], pr.out.Hits[:0]
		for r := a; r < b; r++ {
			pr.hit(sp, r, seg.time[r], r-lo)
		}
		if len(pr.out.Hits) == 0 {
			continue
		}
		if needAll {
			clear(pr.traits)
			for r := lo; r < hi; r++ {
				sp.applyTraits(r, pr.traits)
			}
		}
		if err := pr.finish(fn); err != nil {
			return err
		}
	}
	for _, d := range v.rt.dirty {
		pr.out.ID, pr.out.Hits = d.id, pr.out.Hits[:0]
		if needAll {
			clear(pr.traits)
		}
		for i, r := range d.refs {
			pp, t := sp, int64(0)
			if r.mem {
				pp, t = mp, mem.time[r.row]
			} else {
				t = seg.time[r.row]
			}
			if t >= c.from && t < c.to {
				pr.hit(pp, r.row, t, i)
			}
			if needAll {
				pp.applyTraits(r.row, pr.traits)
			}
		}
		if err := pr.finish(fn); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// firstAtOrAfter returns the index of the first time at or after t in
// sorted times. Most persons have a handful of rows: those are scanned.
func firstAtOrAfter(times []int64, t int64) int {
	lo, hi := 0, len(times)
	for hi-lo > 8 {
		mid := int(uint(lo+hi) >> 1)
		if times[mid] < t {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	for lo < hi && times[lo] < t {
		lo++
	}
	return lo
}
