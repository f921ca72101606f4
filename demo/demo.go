// Package demo generates Waymark's demo dataset: the customer journeys of
// Acme Journeys, a made-up B2B SaaS company that also runs a web shop, over
// four months. Visitors arrive from ads, search, social, email, referrals
// and direct visits, on desktop and mobile web and in a mobile app; some
// become leads, get nurture emails, start a trial, invite their team, pay,
// upgrade, open support tickets, answer NPS surveys and churn; others buy
// workshop kits in the shop, where a guest-checkout experiment runs.
//
// The data is made to hold stories that Waymark's reports must reveal,
// listed with the events and properties of the dataset in docs/demo.md.
//
// Generation is deterministic: the same Options give byte-identical
// messages and receive times. It streams, holding one journey at a time,
// so any size can be generated in little memory.
package demo

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// DefaultEvents is the size of the dataset when Options.Events is zero.
const DefaultEvents = 200_000

// DefaultEnd is the end of the dataset when Options.End is zero.
var DefaultEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// Options choose the dataset.
type Options struct {
	// Seed chooses the dataset: the same seed gives the same data.
	Seed uint64
	// Events is about how many messages to generate (within a few
	// percent); zero means DefaultEvents. There are about ten per person.
	Events int
	// End is when the data ends; it starts 120 days earlier. Zero means
	// DefaultEnd.
	End time.Time
}

// Batch limits: well inside Segment's 500 KB and 2,500 messages a batch.
const (
	batchMessages = 500
	batchBytes    = 400 << 10
)

// receiveDelay is how long after its latest event a batch is received.
const receiveDelay = 2 * second

// Generate produces the dataset and calls emit with batches of Segment
// messages, each a JSON object as an SDK sends it to /v1/batch, and the
// time the server receives the batch: its latest timestamp plus two
// seconds. Every message has a messageId ("demo-SEED-N"), an explicit
// timestamp and context.library analytics-node, so the timestamp is kept
// as given; the dataset is a historical import.
//
// Messages come a journey at a time (a visitor with everything they do,
// and their teammates'), each journey in time order, journeys in order of
// arrival: a person's identify follows the anonymous events it merges.
// Generate does not keep or reuse the batches it has passed to emit. It
// stops at emit's first error and returns it.
func Generate(opts Options, emit func(batch []json.RawMessage, receivedAt time.Time) error) error {
	g := newGenerator(opts)
	return g.run(emit)
}

// generator holds the state of one run. Its fields for the journey being
// made (rng, msgs, arena) are reset for each journey.
type generator struct {
	seed   uint64
	target int
	start  int64 // unix milliseconds
	end    int64

	pcg rand.PCG
	rng *rand.Rand

	// Counters for ids, unique within the dataset.
	nAnon, nUser, nGroup, nOrder, nCheckout, nTicket, nSub, nInvite uint64

	// The journey being made: its messages and the JSON they point into.
	msgs  []msg
	arena []byte

	out      batcher
	emitted  int // messages passed to emit
	journeys uint64

	days       []dayPlan
	offsets    [2][]int64 // utcOffset per zone and day, from the start
	newsletter []issue
}

// dayPlan is the traffic of one day.
type dayPlan struct {
	start   int64
	weight  float64 // relative number of arrivals
	sources []weighted[*entry]
}

// issue is one newsletter.
type issue struct {
	at      int64
	id      string // utm_campaign and email_id, e.g. "newsletter_2026_09_15"
	subject string
}

func newGenerator(opts Options) *generator {
	end := opts.End
	if end.IsZero() {
		end = DefaultEnd
	}
	target := opts.Events
	if target <= 0 {
		target = DefaultEvents
	}
	g := &generator{
		seed:   opts.Seed,
		target: target,
		end:    end.UnixMilli(),
	}
	g.start = g.end - spanDays*day
	g.rng = rand.New(&g.pcg)
	g.planDays()
	g.planNewsletters()
	return g
}

// planDays works out each day's traffic: weekday, season, growth and the
// campaign bursts.
func (g *generator) planDays() {
	const extra = 60 // days after the end that journeys may look up
	for z := range g.offsets {
		g.offsets[z] = make([]int64, spanDays+extra)
		for d := range g.offsets[z] {
			g.offsets[z][d] = utcOffset(zone(z), time.UnixMilli(g.start+int64(d)*day+12*hour).UTC())
		}
	}
	for d := range spanDays {
		start := g.start + int64(d)*day
		t := time.UnixMilli(start + 12*hour).UTC()
		growth := 1 + 0.35*float64(d)/spanDays
		sources, total := daySources(d)
		g.days = append(g.days, dayPlan{
			start:   start,
			weight:  weekdayWeight[t.Weekday()] * seasonal(t) * growth * total / baseTotal,
			sources: sources,
		})
	}
}

func (g *generator) planNewsletters() {
	for d := 3; d < spanDays; d += 14 {
		at := g.start + int64(d)*day + 7*hour
		ymd := time.UnixMilli(at).UTC().Format("2006_01_02")
		g.newsletter = append(g.newsletter, issue{
			at:      at,
			id:      "newsletter_" + ymd,
			subject: newsletterSubjects[len(g.newsletter)%len(newsletterSubjects)],
		})
	}
}

var newsletterSubjects = []string{
	"5 journey maps we loved this month",
	"Why your attribution model is lying to you",
	"From NPS to action: a playbook",
	"New: Journey Maps 2.0 is here",
	"The checkout step that costs you the most",
	"Webinar: from first touch to revenue",
	"Retention cohorts, explained with coffee",
	"What 1,000 B2B funnels have in common",
	"Guest checkout: our A/B test results",
}

// eventsPerJourney estimates how many messages a journey that starts with
// remaining days left in the dataset produces: journeys that start late
// are cut off by the end. Measured on large datasets; Generate corrects
// for its error as it goes.
func eventsPerJourney(remaining float64) float64 {
	return 3 + 0.083*remaining + 3.3*(1-math.Exp(-remaining/7))
}

func (g *generator) run(emit func([]json.RawMessage, time.Time) error) error {
	g.out = batcher{emit: emit}
	g.out.reset()
	// Before each day, the journeys left to make are spread over the days
	// left by their weight and expected size, corrected by how far the
	// estimate has been off so far.
	expectedSoFar := 0.0
	for d, plan := range g.days {
		rest := 0.0
		for i := d; i < len(g.days); i++ {
			rest += g.days[i].weight * eventsPerJourney(float64(spanDays-i))
		}
		prior := 200 * eventsPerJourney(spanDays)
		correction := (float64(g.emitted) + prior) / (expectedSoFar + prior)
		left := float64(g.target - g.emitted)
		if left <= 0 {
			break
		}
		perDay := eventsPerJourney(float64(spanDays - d))
		mean := left / (correction * rest) * plan.weight
		// Stochastic rounding, from the day's own random stream.
		g.seedJourney(uint64(d) | 1<<40)
		n := int(mean)
		if g.rng.Float64() < mean-float64(n) {
			n++
		}
		for range n {
			g.journey(plan)
			if err := g.flushJourney(); err != nil {
				return err
			}
		}
		expectedSoFar += float64(n) * perDay
	}
	return g.out.flush()
}

// journey makes one visitor's journey into g.msgs.
func (g *generator) journey(plan dayPlan) {
	g.journeys++
	g.seedJourney(g.journeys)
	g.msgs = g.msgs[:0]
	g.arena = g.arena[:0]
	g.visitor(plan)
}

// flushJourney puts the journey's messages in time order and passes those
// before the end to the batcher.
func (g *generator) flushJourney() error {
	slices.SortStableFunc(g.msgs, func(a, b msg) int {
		switch {
		case a.ts < b.ts:
			return -1
		case a.ts > b.ts:
			return 1
		}
		return 0
	})
	for i := range g.msgs {
		m := &g.msgs[i]
		if m.ts >= g.end {
			continue
		}
		if err := g.out.add(g, m); err != nil {
			return err
		}
	}
	return nil
}

// batcher collects serialized messages into batches.
type batcher struct {
	emit  func([]json.RawMessage, time.Time) error
	buf   []byte
	ends  []int
	maxTs int64
}

func (b *batcher) reset() {
	b.buf = make([]byte, 0, batchBytes+64<<10)
	b.ends = b.ends[:0]
	b.maxTs = math.MinInt64
}

func (b *batcher) add(g *generator, m *msg) error {
	g.emitted++
	b.buf = g.appendMessage(b.buf, m, g.emitted)
	b.ends = append(b.ends, len(b.buf))
	b.maxTs = max(b.maxTs, m.ts)
	if len(b.ends) >= batchMessages || len(b.buf) >= batchBytes {
		return b.flush()
	}
	return nil
}

func (b *batcher) flush() error {
	if len(b.ends) == 0 {
		return nil
	}
	batch := make([]json.RawMessage, len(b.ends))
	from := 0
	for i, to := range b.ends {
		batch[i] = json.RawMessage(b.buf[from:to:to])
		from = to
	}
	receivedAt := time.UnixMilli(b.maxTs + receiveDelay).UTC()
	b.reset()
	return b.emit(batch, receivedAt)
}

// messageID is the id of the dataset's nth message.
func appendMessageID(dst []byte, seed uint64, n int) []byte {
	dst = append(dst, "demo-"...)
	dst = strconv.AppendUint(dst, seed, 10)
	dst = append(dst, '-')
	return strconv.AppendInt(dst, int64(n), 10)
}
