package demo

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
)

// The stories of docs/demo.md, checked on the ingested events with plain
// Go, independent of Waymark's report code. Each runs on several seeds of a
// small dataset: a story must not depend on a lucky seed.

var storyDatasets = []Options{
	{Seed: 1, Events: 100_000},
	{Seed: 2, Events: 100_000},
	{Seed: 42, Events: 100_000},
}

func forEachDataset(t *testing.T, check func(t *testing.T, ds *dataset)) {
	for _, opts := range storyDatasets {
		t.Run("seed"+strconv.FormatUint(opts.Seed, 10), func(t *testing.T) {
			if testing.Short() && opts != storyDatasets[0] {
				t.Skip("one seed in -short mode")
			}
			check(t, ingested(t, opts))
		})
	}
}

// props decodes an event's properties.
func props(t *testing.T, e *waymark.Event) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(e.Properties, &m); err != nil {
		t.Fatalf("%s: properties: %v", e.MessageID, err)
	}
	return m
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func number(m map[string]any, k string) float64 {
	f, _ := m[k].(float64)
	return f
}

// rate is a count out of a total.
type rate struct{ n, of int }

func (r rate) value() float64 {
	if r.of == 0 {
		return 0
	}
	return float64(r.n) / float64(r.of)
}

// zTest returns the two-proportion z statistic of a against b.
func zTest(a, b rate) float64 {
	pooled := float64(a.n+b.n) / float64(a.of+b.of)
	se := math.Sqrt(pooled * (1 - pooled) * (1/float64(a.of) + 1/float64(b.of)))
	return (a.value() - b.value()) / se
}

func median(xs []time.Duration) time.Duration {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// byPerson returns each person's events in time order.
func (ds *dataset) byPerson() map[string][]*waymark.Event {
	m := map[string][]*waymark.Event{}
	for i := range ds.events {
		e := &ds.events[i]
		p := ds.graph.Person(e.DistinctID())
		m[p] = append(m[p], e)
	}
	for _, evs := range m {
		slices.SortStableFunc(evs, func(a, b *waymark.Event) int { return a.Timestamp.Compare(b.Timestamp) })
	}
	return m
}

// own reports whether the person did e themselves on a device (web or
// app), rather than Acme's back end sending it about them.
func own(e *waymark.Event) bool { return e.Device.Type != "" }

// Story 1: the payment step loses mobile shoppers far more than desktop
// shoppers; the other steps lose both alike.
func TestStoryMobileCheckout(t *testing.T) {
	forEachDataset(t, func(t *testing.T, ds *dataset) {
		type checkout struct {
			device                     string
			shipping, payment, ordered bool
			paid                       bool
		}
		checkouts := map[string]*checkout{}
		for i := range ds.events {
			e := &ds.events[i]
			if e.Type != waymark.Track {
				continue
			}
			switch e.Name {
			case "Checkout Started", "Checkout Step Viewed", "Payment Info Entered", "Order Completed":
			default:
				continue
			}
			p := props(t, e)
			id := str(p, "checkout_id")
			c := checkouts[id]
			if c == nil {
				c = &checkout{}
				checkouts[id] = c
			}
			switch e.Name {
			case "Checkout Started":
				c.device = e.Device.Type
			case "Checkout Step Viewed":
				switch number(p, "step") {
				case 2:
					c.shipping = true
				case 3:
					c.payment = true
				}
			case "Payment Info Entered":
				c.paid = true
			case "Order Completed":
				c.ordered = true
			}
		}
		completion := map[string]*rate{"desktop": {}, "mobile": {}}
		payment := map[string]*rate{"desktop": {}, "mobile": {}}
		shipping := map[string]*rate{"desktop": {}, "mobile": {}}
		for _, c := range checkouts {
			if completion[c.device] == nil {
				continue
			}
			completion[c.device].of++
			if c.ordered {
				completion[c.device].n++
			}
			if c.shipping {
				shipping[c.device].of++
				if c.payment {
					shipping[c.device].n++
				}
			}
			if c.payment {
				payment[c.device].of++
				if c.paid {
					payment[c.device].n++
				}
			}
		}
		t.Logf("checkout completion desktop %d/%d, mobile %d/%d; payment step desktop %.2f, mobile %.2f; shipping step desktop %.2f, mobile %.2f",
			completion["desktop"].n, completion["desktop"].of, completion["mobile"].n, completion["mobile"].of,
			payment["desktop"].value(), payment["mobile"].value(), shipping["desktop"].value(), shipping["mobile"].value())
		if completion["mobile"].of < 100 || completion["desktop"].of < 100 {
			t.Fatalf("too few checkouts: %+v", completion)
		}
		if d, m := completion["desktop"].value(), completion["mobile"].value(); d-m < 0.2 {
			t.Errorf("checkout completion desktop %.2f, mobile %.2f: want mobile far lower", d, m)
		}
		if d, m := payment["desktop"].value(), payment["mobile"].value(); d-m < 0.3 || zTest(*payment["desktop"], *payment["mobile"]) < 5 {
			t.Errorf("payment step passes desktop %.2f, mobile %.2f: want the step to lose mobile far more", d, m)
		}
		if d, m := shipping["desktop"].value(), shipping["mobile"].value(); math.Abs(d-m) > 0.08 {
			t.Errorf("shipping step passes desktop %.2f, mobile %.2f: want the loss at the payment step only", d, m)
		}
	})
}

// adNetwork names the ad network of a visit's tags, or "".
func adNetwork(c waymark.Campaign) string {
	switch {
	case c.Medium == "paid_social" && (c.Source == "facebook" || c.Source == "instagram"):
		return "meta"
	case c.Medium == "paid_social" && c.Source == "linkedin":
		return "linkedin"
	case c.Medium == "cpc" && c.Source == "google":
		return "google"
	}
	return ""
}

// Story 2: Meta brings the most leads but few customers; LinkedIn brings
// few leads that become customers often, but slowly.
func TestStoryChannels(t *testing.T) {
	forEachDataset(t, func(t *testing.T, ds *dataset) {
		type network struct {
			leads, customers int             // customers: leads who paid
			toCustomer       []time.Duration // of everyone who paid
		}
		networks := map[string]*network{"meta": {}, "linkedin": {}, "google": {}}
		for _, evs := range ds.byPerson() {
			first := evs[0]
			if first.Type != waymark.Page {
				continue
			}
			n := networks[adNetwork(first.Campaign)]
			if n == nil {
				continue
			}
			lead, paid := false, time.Time{}
			for _, e := range evs {
				switch e.Name {
				case "Form Submitted":
					lead = true
				case "Subscription Started":
					if paid.IsZero() {
						paid = e.Timestamp
					}
				}
			}
			if !paid.IsZero() {
				n.toCustomer = append(n.toCustomer, paid.Sub(first.Timestamp))
			}
			if lead {
				n.leads++
				if !paid.IsZero() {
					n.customers++
				}
			}
		}
		for name, n := range networks {
			t.Logf("%-8s leads %4d, %3d of them paid (%4.1f%%); %3d customers in all, median first touch to paid %.1f days",
				name, n.leads, n.customers, 100*float64(n.customers)/float64(n.leads), len(n.toCustomer), median(n.toCustomer).Hours()/24)
		}
		meta, li, google := networks["meta"], networks["linkedin"], networks["google"]
		if meta.leads < 2*li.leads || meta.leads < google.leads {
			t.Errorf("leads: meta %d, linkedin %d, google %d: want Meta to bring the most", meta.leads, li.leads, google.leads)
		}
		metaRate, liRate, googleRate := rate{meta.customers, meta.leads}, rate{li.customers, li.leads}, rate{google.customers, google.leads}
		if liRate.value() < 4*metaRate.value() || zTest(liRate, metaRate) < 3 {
			t.Errorf("leads who pay: linkedin %.3f, meta %.3f: want LinkedIn far higher", liRate.value(), metaRate.value())
		}
		if liRate.value() < googleRate.value()*1.25 {
			t.Errorf("leads who pay: linkedin %.3f, google %.3f: want LinkedIn's leads to convert best", liRate.value(), googleRate.value())
		}
		if len(li.toCustomer) < 5 || len(google.toCustomer) < 5 {
			t.Fatalf("too few customers: linkedin %d, google %d", len(li.toCustomer), len(google.toCustomer))
		}
		if l, g := median(li.toCustomer), median(google.toCustomer); l < 7*g/4 {
			t.Errorf("median time to paid: linkedin %v, google %v: want LinkedIn much slower", l, g)
		}
	})
}

// trialStarts returns each trial's admin person and the time their trial
// started.
func (ds *dataset) trialStarts() map[string]time.Time {
	starts := map[string]time.Time{}
	for i := range ds.events {
		e := &ds.events[i]
		if e.Name == "Trial Started" {
			starts[ds.graph.Person(e.DistinctID())] = e.Timestamp
		}
	}
	return starts
}

// Story 3: admins who invite 3 or more teammates in their first 7 days
// stay far more often.
func TestStoryInvitesPredictRetention(t *testing.T) {
	forEachDataset(t, func(t *testing.T, ds *dataset) {
		end := DefaultEnd
		persons := ds.byPerson()
		var inviters, others rate
		for person, start := range ds.trialStarts() {
			if start.After(end.Add(-42 * 24 * time.Hour)) {
				continue // week 5-6 not over yet
			}
			invites, retained := 0, false
			for _, e := range persons[person] {
				age := e.Timestamp.Sub(start)
				switch {
				case e.Name == "Teammate Invited" && age < 7*24*time.Hour:
					invites++
				case e.Name == "Feature Used" && age >= 28*24*time.Hour && age < 42*24*time.Hour:
					retained = true
				}
			}
			r := &others
			if invites >= 3 {
				r = &inviters
			}
			r.of++
			if retained {
				r.n++
			}
		}
		t.Logf("active in days 28-42: %d/%d (%.2f) who invited 3+ in week 1, %d/%d (%.2f) others",
			inviters.n, inviters.of, inviters.value(), others.n, others.of, others.value())
		if inviters.of < 20 {
			t.Fatalf("only %d admins invited 3 teammates in week 1", inviters.of)
		}
		if inviters.value() < 3*others.value() || inviters.value()-others.value() < 0.3 || zTest(inviters, others) < 4 {
			t.Errorf("retention %.2f with 3+ invites, %.2f without: want far higher", inviters.value(), others.value())
		}
	})
}

// Story 4: trials stall at "install tracking" for days or weeks, coming
// back to it, before they drop out; those who pass it do so in hours.
func TestStoryInstallStall(t *testing.T) {
	forEachDataset(t, func(t *testing.T, ds *dataset) {
		persons := ds.byPerson()
		var passed, stalled []time.Duration
		trials := 0
		for person := range ds.trialStarts() {
			trials++
			var workspace, installed, lastOwn time.Time
			for _, e := range persons[person] {
				if own(e) {
					lastOwn = e.Timestamp
				}
				if e.Name != "Onboarding Step Completed" {
					continue
				}
				switch str(props(t, e), "step") {
				case "create_workspace":
					workspace = e.Timestamp
				case "install_tracking":
					installed = e.Timestamp
				}
			}
			if workspace.IsZero() {
				t.Fatalf("%s started a trial without creating a workspace", person)
			}
			if installed.IsZero() {
				stalled = append(stalled, lastOwn.Sub(workspace))
			} else {
				passed = append(passed, installed.Sub(workspace))
			}
		}
		day := 24 * time.Hour
		t.Logf("%d trials: %d passed install tracking after a median %v, %d stalled and left after a median %.1f days",
			trials, len(passed), median(passed).Round(time.Minute), len(stalled), median(stalled).Hours()/24)
		if len(stalled) < trials/4 {
			t.Errorf("%d of %d trials stalled: want a large drop-out stage", len(stalled), trials)
		}
		if m := median(stalled); m < 7*day {
			t.Errorf("stalled trials left after a median %v: want a long stall", m)
		}
		if m := median(passed); m > day/2 {
			t.Errorf("install tracking took a median %v: want hours for those who pass", m)
		}
	})
}

// Story 5: after answering the NPS survey, promoters share a referral
// link; detractors open a ticket.
func TestStoryPromotersPath(t *testing.T) {
	forEachDataset(t, func(t *testing.T, ds *dataset) {
		next := map[string]map[string]int{"promoter": {}, "detractor": {}}
		answers := map[string]int{}
		for _, evs := range ds.byPerson() {
			for i, e := range evs {
				if e.Name != "Survey Answered" {
					continue
				}
				score := number(props(t, e), "score")
				segment := "passive"
				switch {
				case score >= 9:
					segment = "promoter"
				case score <= 6:
					segment = "detractor"
				}
				answers[segment]++
				if next[segment] == nil {
					continue
				}
				for _, after := range evs[i+1:] {
					if after.Type == waymark.Track {
						next[segment][after.Name]++
						break
					}
				}
			}
		}
		top := func(counts map[string]int) (string, float64) {
			best, total := "", 0
			for name, n := range counts {
				total += n
				if n > counts[best] || n == counts[best] && name < best {
					best = name
				}
			}
			return best, float64(counts[best]) / float64(total)
		}
		pTop, pShare := top(next["promoter"])
		dTop, dShare := top(next["detractor"])
		t.Logf("answers %v; next event of promoters: %s (%.0f%%), of detractors: %s (%.0f%%)", answers, pTop, 100*pShare, dTop, 100*dShare)
		if answers["promoter"] < 20 || answers["detractor"] < 20 {
			t.Fatalf("too few answers: %v", answers)
		}
		if pTop != "Referral Link Shared" || pShare < 0.4 {
			t.Errorf("promoters' next event is %s (%.0f%%), want Referral Link Shared", pTop, 100*pShare)
		}
		if dTop != "Ticket Opened" || dShare < 0.4 {
			t.Errorf("detractors' next event is %s (%.0f%%), want Ticket Opened", dTop, 100*dShare)
		}
		if n := next["detractor"]["Referral Link Shared"]; float64(n) > 0.05*float64(answers["detractor"]) {
			t.Errorf("%d detractors shared a referral link next", n)
		}
	})
}

// Story 6: people browse anonymously on two devices and sign up on one;
// identify (or alias) makes them one person, first ad click included.
func TestStoryTwoDevices(t *testing.T) {
	forEachDataset(t, func(t *testing.T, ds *dataset) {
		signups := ds.trialStarts()
		persons := ds.byPerson()
		twoDevices, firstTouchElsewhere := 0, 0
		for person, start := range signups {
			devices := map[string]string{} // anonymousId before sign-up -> device type
			var signupDevice string
			for _, e := range persons[person] {
				if e.Timestamp.Before(start) && e.Type == waymark.Page && e.UserID == "" {
					devices[e.AnonymousID] = e.Device.Type
				}
				if e.Name == "Trial Started" {
					signupDevice = e.AnonymousID
				}
			}
			types := map[string]bool{}
			for _, typ := range devices {
				types[typ] = true
			}
			if len(devices) < 2 || len(types) < 2 {
				continue
			}
			twoDevices++
			for id := range devices {
				if got := ds.graph.Person(id); got != person {
					t.Errorf("anonymous id %s of %s resolves to %s", id, person, got)
				}
			}
			if first := persons[person][0]; first.AnonymousID != signupDevice {
				firstTouchElsewhere++
			}
		}
		t.Logf("%d of %d trial starters browsed anonymously on two device types first; %d had their first touch on the device they did not sign up on",
			twoDevices, len(signups), firstTouchElsewhere)
		if twoDevices < len(signups)/8 {
			t.Errorf("only %d of %d trial starters used two devices before signing up", twoDevices, len(signups))
		}
		if firstTouchElsewhere < twoDevices/2 {
			t.Errorf("only %d of %d had their first touch on the other device", firstTouchElsewhere, twoDevices)
		}
	})
}

// Story 7: the guest checkout converts better than forced account
// creation, significantly, with a balanced split.
func TestStoryExperiment(t *testing.T) {
	forEachDataset(t, func(t *testing.T, ds *dataset) {
		arms := map[string]*rate{"control": {}, "guest": {}}
		for _, evs := range ds.byPerson() {
			variant := ""
			ordered := false
			for _, e := range evs {
				switch {
				case e.Name == "Experiment Viewed" && variant == "":
					p := props(t, e)
					if str(p, "experiment_id") != "guest_checkout" {
						t.Fatalf("unknown experiment %v", p)
					}
					variant = str(p, "variation_id")
				case e.Name == "Order Completed" && variant != "":
					ordered = true
				}
			}
			if variant == "" {
				continue
			}
			arms[variant].of++
			if ordered {
				arms[variant].n++
			}
		}
		control, guest := *arms["control"], *arms["guest"]
		z := zTest(guest, control)
		t.Logf("ordered after exposure: control %d/%d (%.2f), guest %d/%d (%.2f), z = %.1f",
			control.n, control.of, control.value(), guest.n, guest.of, guest.value(), z)
		if z < 3 || guest.value()-control.value() < 0.1 {
			t.Errorf("guest %.2f vs control %.2f (z = %.1f): want the guest checkout to win clearly", guest.value(), control.value(), z)
		}
		if split := float64(guest.of) / float64(guest.of+control.of); split < 0.44 || split > 0.56 {
			t.Errorf("%.2f of exposed persons in the guest arm: want about half", split)
		}
	})
}
