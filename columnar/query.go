package columnar

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
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
	// memberBits are the touchpoints with member conditions.
	memberBits uint64
	// Conditions on person fields hold or not for a person as a whole.
	personTests  []personTest
	personFields []report.Field // what the person's profile must hold
	traitKeys    []string       // of the person.KEY fields among them
	acquisition  bool           // whether an acquisition field is among them
	breakdown    breakdownField
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

type personTest struct{ bitCondition }

// breakdownField says where a hit's Value comes from.
type breakdownField struct {
	kind   int // one of the breakdown kinds below
	field  int
	object int
	key    string
	person report.Field
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
		c.from = storage.CeilMicro(q.From).UnixMicro()
	}
	if !q.To.IsZero() {
		c.to = storage.CeilMicro(q.To).UnixMicro()
	}
	c.personFields = q.PersonFields()
	for _, f := range c.personFields {
		if key, ok := f.PersonTrait(); ok {
			c.traitKeys = append(c.traitKeys, key)
		} else {
			c.acquisition = true
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
			if cond.Field.OfPerson() {
				c.personTests = append(c.personTests, personTest{bc})
				continue
			}
			object, key, _ := cond.Field.Object()
			c.members = append(c.members, memberTest{object: objectIndex(object), key: key, bitCondition: bc})
			c.memberBits |= bit
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
			if b.OfPerson() {
				c.breakdown = breakdownField{kind: personBreakdown, person: b}
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

// eagerLookups is the dict size up to which a lookup table is filled at
// once; larger ones fill as codes come up.
const eagerLookups = 1 << 12

// lut is a column test's touchpoint bits by code.
type lut struct {
	all   uint64
	test  *columnTest
	d     dict
	bits  []uint64
	known []bool
}

func (l *lut) get(code uint32) uint64 {
	if l.known != nil && !l.known[code] {
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
		l := lut{all: c.all, test: ct, d: d, bits: make([]uint64, d.len()), known: make([]bool, d.len())}
		if d.len() <= eagerLookups { // small dicts: all codes now, no checks per row
			for code := range d.len() {
				l.get(uint32(code))
			}
			l.known = nil
		}
		pp.columns = append(pp.columns, l)
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
	if m&pp.c.memberBits != 0 {
		m = pp.memberMask(r, m)
	}
	return m
}

// memberMask clears from m the touchpoints whose member conditions fail
// for row r.
func (pp *partPlan) memberMask(r int, m uint64) uint64 {
	p := pp.p
	for i, mt := range pp.c.members {
		if m&mt.bit == 0 {
			continue
		}
		var code uint32
		var set bool
		if k := pp.memberKeys[i]; k >= 0 {
			code, set = p.objects[mt.object].lookup(r, uint32(k))
		}
		var holds bool
		if !set {
			holds = mt.cond.Op.Negative() // as HoldsValue has it for a value not set
		} else if seen, ok := pp.memberSeen[i][code]; ok {
			holds = seen
		} else {
			v := p.objects[mt.object].vals.at(code)
			holds = mt.cond.HoldsValue(v, v != "")
			pp.memberSeen[i][code] = holds
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
		v = strings.Clone(d.at(code))
		pp.values[code] = v
	}
	return v
}

// personRows gathers the hits of one person, from rows of parts in time
// and storage order, and their profile, from all of their rows.
type personRows struct {
	c       *compiled
	profile report.Profile
	out     report.Person
	// The person's first row and first touch so far, for acquisition.
	rowsSeen  bool
	firstTime int64
	touch     *partPlan
	touchRow  int
	touchRank int
}

func newPersonRows(c *compiled) *personRows {
	pr := &personRows{c: c}
	if len(c.personFields) > 0 {
		pr.profile = report.Profile{}
	}
	return pr
}

// start begins a person.
func (pr *personRows) start(id string) {
	pr.out.ID, pr.out.Hits = id, pr.out.Hits[:0]
	if pr.profile != nil {
		clear(pr.profile)
		pr.touch, pr.rowsSeen = nil, false
	}
}

// see reads row r of pp, the person's next row, into their profile: the
// traits of identify calls, in order, and the rows acquisition needs.
func (pr *personRows) see(pp *partPlan, r int) {
	p := pp.p
	if !pr.rowsSeen {
		pr.firstTime, pr.rowsSeen = p.time[r], true
	}
	if pr.c.acquisition {
		if rank := report.TouchRank(types[p.typ[r]]); rank >= 0 && (pr.touch == nil || rank < pr.touchRank) {
			pr.touch, pr.touchRow, pr.touchRank = pp, r, rank
		}
	}
	if p.typ[r] != identifyCode || len(pr.c.traitKeys) == 0 {
		return
	}
	m := &p.objects[traits]
	for i, key := range pr.c.traitKeys {
		k := pp.traitKeys[i]
		if k < 0 {
			continue
		}
		if code, ok := m.lookup(r, uint32(k)); ok {
			f := report.Field("person." + key)
			if v := m.vals.at(code); v != "" {
				pr.profile[f] = strings.Clone(v)
			} else {
				delete(pr.profile, f)
			}
		}
	}
}

// acquisitionColumns are the columns of a first touch that acquisition
// reads, in the order of endProfile.
var acquisitionColumns = func() [7]int {
	var cols [7]int
	for i, f := range []report.Field{"channel", "utm_source", "utm_medium", "utm_campaign", "utm_content", "referrer_host", "path"} {
		cols[i] = fieldIndex[f]
	}
	return cols
}()

// endProfile completes the profile once every row is seen.
func (pr *personRows) endProfile() {
	if !pr.c.acquisition || !pr.rowsSeen {
		return
	}
	a := waymark.Acquisition{FirstSeen: time.UnixMicro(pr.firstTime).UTC().Format(time.DateOnly)}
	if pp := pr.touch; pp != nil {
		var v [7]string
		for i, f := range acquisitionColumns {
			v[i] = strings.Clone(pp.p.dicts[f].at(pp.p.codes[f][pr.touchRow]))
		}
		a.Channel, a.UTMSource, a.UTMMedium, a.UTMCampaign, a.UTMContent, a.ReferrerHost, a.LandingPage = v[0], v[1], v[2], v[3], v[4], v[5], v[6]
	}
	pr.profile.SetAcquisition(&a, pr.c.personFields)
}

var identifyCode = typeCode("identify")

// finish applies the person fields and hands the person on.
func (pr *personRows) finish(fn func(*report.Person) error) error {
	c := pr.c
	if len(c.personTests) > 0 || c.breakdown.kind == personBreakdown {
		holds := ^uint64(0)
		for _, pt := range c.personTests {
			if !pt.cond.Holds(nil, pr.profile) {
				holds &^= pt.bit
			}
		}
		value := ""
		if c.breakdown.kind == personBreakdown {
			value = pr.profile[c.breakdown.person]
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
	if m := pp.mask(r); m != 0 || pr.c.q.AllEvents {
		pr.add(pp, r, m, t, i)
	}
}

// add adds row r of pp as a hit with the touchpoint bits m.
func (pr *personRows) add(pp *partPlan, r int, m uint64, t int64, i int) {
	h := report.Hit{Time: time.UnixMicro(t).UTC(), Seq: int64(i), Mask: m}
	if pr.c.breakdown.kind != noBreakdown {
		h.Value = pp.value(r)
	}
	if pr.c.q.Revenue {
		if v := pp.p.revenue[r]; !math.IsNaN(v) {
			h.Revenue = v
		}
	}
	pr.out.Hits = append(pr.out.Hits, h)
}

// oneColumn is what the tight loop of scan needs when the query tests at
// most one column, with a lookup table filled at once: the touchpoint bits
// of a row are then its type's bits and its code's, less those whose
// member conditions fail, which are read only for rows that may need them.
type oneColumn struct {
	codes []uint32 // nil: no column test
	bits  []uint64
}

func (pp *partPlan) oneColumn() (oneColumn, bool) {
	switch {
	case len(pp.columns) > 1:
		return oneColumn{}, false
	case len(pp.columns) == 0:
		return oneColumn{}, true
	case pp.columns[0].known != nil:
		return oneColumn{}, false
	}
	l := &pp.columns[0]
	return oneColumn{codes: pp.p.codes[l.test.field], bits: l.bits}, true
}

// view is what one report reads of a project: its generation, a snapshot of
// its memtable and where their rows belong.
type view struct {
	base *generation
	mem  *part
	rt   *routing
}

// hits passes every person of the view to fn(worker, p), workers scanning
// chunks of persons at once, worker 0 also the persons of several places.
// A generation whose codes are out of range, which only damage makes,
// fails the report with errCorrupt rather than the process.
func (v *view) hits(ctx context.Context, q report.Query, workers, chunk, parallelFrom int, fn func(worker int, p *report.Person) error) error {
	c := compile(q)
	base := v.base
	if len(base.persons) < parallelFrom {
		workers = 1
	}
	var next atomic.Int64
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			bp := c.on(&base.part) // lookup tables fill as the worker goes
			emit := func(p *report.Person) error { return fn(w, p) }
			errs[w] = safely(func() error {
				for {
					lo := int(next.Add(int64(chunk))) - chunk
					if lo >= len(base.persons) || ctx.Err() != nil {
						return nil
					}
					if err := v.scan(ctx, c, bp, lo, min(lo+chunk, len(base.persons)), emit); err != nil {
						return err
					}
				}
			})
			if errs[w] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := safely(func() error { return v.scanDirty(c, func(p *report.Person) error { return fn(0, p) }) }); err != nil {
		return err
	}
	return ctx.Err()
}

const maxWorkers = 8

// safely runs scan, turning the panic of an index out of range, which only
// a damaged generation causes, into errCorrupt.
func safely(scan func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errCorrupt, r)
		}
	}()
	return scan()
}

// scan passes to fn the generation's persons lo to hi whose rows no identity
// change or memtable row touches.
func (v *view) scan(ctx context.Context, c *compiled, sp *partPlan, lo, hi int, fn func(*report.Person) error) error {
	base := v.base
	needAll := len(c.personFields) > 0
	pr := newPersonRows(c)
	one, fast := sp.oneColumn()
	all := c.q.AllEvents
	bounded := c.from != math.MinInt64 || c.to != math.MaxInt64
	for p := lo; p < hi; p++ {
		if p%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if v.rt.expand[p] {
			continue
		}
		first, end := int(base.personStart[p]), int(base.personStart[p+1])
		a, b := first, end
		if bounded {
			a, b = first+firstAtOrAfter(base.time[first:end], c.from), first+firstAtOrAfter(base.time[first:end], c.to)
		}
		if a == b {
			continue
		}
		pr.start(base.persons[p])
		switch {
		case !fast:
			for r := a; r < b; r++ {
				pr.hit(sp, r, base.time[r], r-first)
			}
		case one.codes == nil:
			for r := a; r < b; r++ {
				m := c.typeBits[base.typ[r]]
				if m&c.memberBits != 0 {
					m = sp.memberMask(r, m)
				}
				if m != 0 || all {
					pr.add(sp, r, m, base.time[r], r-first)
				}
			}
		default:
			for r := a; r < b; r++ {
				m := c.typeBits[base.typ[r]] & one.bits[one.codes[r]]
				if m&c.memberBits != 0 {
					m = sp.memberMask(r, m)
				}
				if m != 0 || all {
					pr.add(sp, r, m, base.time[r], r-first)
				}
			}
		}
		if len(pr.out.Hits) == 0 {
			continue
		}
		if needAll {
			for r := first; r < end; r++ {
				pr.see(sp, r)
			}
			pr.endProfile()
		}
		if err := pr.finish(fn); err != nil {
			return err
		}
	}
	return nil
}

// scanDirty passes to fn the persons whose rows come from several places.
func (v *view) scanDirty(c *compiled, fn func(*report.Person) error) error {
	if len(v.rt.dirty) == 0 {
		return nil
	}
	base, mem := v.base, v.mem
	sp, mp := c.on(&base.part), c.on(mem)
	needAll := len(c.personFields) > 0
	pr := newPersonRows(c)
	for _, d := range v.rt.dirty {
		pr.start(d.id)
		for i, r := range d.refs {
			pp, t := sp, int64(0)
			if r.mem {
				pp, t = mp, mem.time[r.row]
			} else {
				t = base.time[r.row]
			}
			if t >= c.from && t < c.to {
				pr.hit(pp, r.row, t, i)
			}
			if needAll {
				pr.see(pp, r.row)
			}
		}
		if needAll {
			pr.endProfile()
		}
		if err := pr.finish(fn); err != nil {
			return err
		}
	}
	return nil
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
