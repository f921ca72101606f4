package demo

// visitor makes the journey of one new visitor who arrives on the day of
// plan: their visits, and if they become a lead, a trial user or a
// shopper, everything that follows.
func (g *generator) visitor(plan dayPlan) {
	e := pick(g, plan.sources)
	beh := e.beh
	p := g.newPerson(g.pickCountry())
	p.source, p.beh = e.kind, beh

	kind := desktop
	switch {
	case g.chance(beh.mobile):
		kind = mobileWeb
	case g.chance(0.07):
		kind = tabletWeb
	}
	first := g.webDevice(p, kind, e.kind == metaAds)
	t := g.onDay(p.country, plan.start+12*hour, profileOf(kind))
	if t < g.start {
		t = g.start + g.rng.Int64N(hour)
	}

	shopper := g.chance(beh.shop)
	lead := g.chance(beh.lead)
	trial := g.chance(beh.trial)
	if lead {
		trial = g.chance(beh.leadTrial)
	}
	interested := shopper || lead || trial

	s := g.arrive(p, first, t, g.firstVisit(e, t))
	cur := s // the latest session
	if interested || !g.chance(beh.bounce) {
		g.browse(s, 1+g.geometric(0.6))
	}
	shopped := false
	if shopper && g.chance(0.6) {
		g.shop(s)
		shopped = true
	}
	leadAt := int64(0)
	if lead && g.chance(0.55) {
		g.submitLead(s, g.formFor(e))
		leadAt = s.t
	}
	last := s.t

	// Some people use a second device before they sign up: most who start
	// on a phone sign up on a computer.
	var other *device
	otherFirst := false // the next return visit is on the other device
	switch {
	case trial && kind == mobileWeb && g.chance(0.8):
		other = g.webDevice(p, desktop, false)
		otherFirst = g.chance(0.6)
	case trial && kind != mobileWeb && g.chance(0.2):
		other = g.webDevice(p, mobileWeb, false)
		otherFirst = true
	case interested && g.chance(0.12):
		other = g.webDevice(p, pick(g, []weighted[deviceKind]{{1, desktop}, {1, mobileWeb}}), false)
		if other.kind == kind {
			other = nil
		}
	}

	returns := g.geometric(0.4)
	switch {
	case lead && leadAt == 0:
		returns = 1 + g.geometric(0.35)
	case trial:
		returns = g.geometric(0.5)
	case interested:
		returns = g.geometric(0.45)
	}
	if otherFirst && returns == 0 {
		returns = 1
	}
	for i := range returns {
		d := first
		if other != nil && (otherFirst && i == 0 || g.chance(0.4)) {
			d = other
		}
		prof := profileOf(d.kind)
		t := g.after(p.country, last, g.lognormal(36*hour, 1.1), prof)
		s := g.arrive(p, d, t, g.returnVisit(p))
		g.browse(s, g.geometric(0.55))
		if shopper && !shopped && g.chance(0.5) {
			g.shop(s)
			shopped = true
		}
		if lead && leadAt == 0 && i == returns-1 {
			g.submitLead(s, g.formFor(e))
			leadAt = s.t
		}
		last, cur = s.t, s
	}
	if shopper && !shopped {
		d := first
		t := g.after(p.country, last, g.lognormal(2*day, 1), profileOf(d.kind))
		s := g.arrive(p, d, t, g.returnVisit(p))
		g.shop(s)
		last, cur = s.t, s
	}

	signupAt := int64(0)
	sameSession := false // signs up in the latest session
	if trial {
		switch {
		case leadAt > 0:
			signupAt = max(leadAt+g.lognormal(beh.leadToTrial, 0.5), last+hour)
		case other == nil && g.chance(0.4):
			signupAt, sameSession = last, true
		default:
			signupAt = last + g.lognormal(day, 1.2)
		}
	}
	if leadAt > 0 {
		stop := g.end
		if trial {
			stop = signupAt
		}
		g.nurture(p, leadAt, stop)
	}
	if trial && signupAt < g.end {
		d := first
		if other != nil && other.kind == desktop {
			d = other
		}
		s := cur
		if sameSession {
			s.view(pagePricing)
		} else {
			signupAt = g.workday(p.country, signupAt)
			s = g.arrive(p, d, signupAt, g.returnVisit(p))
		}
		g.trial(p, s)
		// The other device logs in later, which links it.
		for _, dv := range []*device{first, other} {
			if dv != nil && dv != s.d && dv.kind != iosApp && g.chance(0.65) {
				g.logIn(p, dv, g.after(p.country, s.t, g.lognormal(3*day, 1), profileOf(dv.kind)))
			}
		}
	}
	g.newsletters(p)
}

func profileOf(k deviceKind) *hourProfile {
	if k == mobileWeb {
		return &leisureHours
	}
	return &workHours
}

func (g *generator) pickCountry() *country {
	x := g.rng.Float64() * 90
	for _, c := range countries {
		if x < c.weight {
			return c
		}
		x -= c.weight
	}
	return countries[0]
}

// browse visits n more pages of the marketing site.
func (g *generator) browse(s *session, n int) {
	for range n {
		next := pick(g, marketingPages)
		if g.chance(0.3) {
			next = oneOf(g, blogPages)
		}
		if next == s.page {
			continue
		}
		s.view(next)
	}
}

// formFor returns the lead form a visitor from e fills in.
func (g *generator) formFor(e *entry) *form {
	if c := e.campaign; c != nil {
		switch c.landing {
		case pageLPEbook:
			return formEbook
		case pageLPB2B:
			return formWhitepaper
		case pageWebinar:
			return formWebinar
		}
	}
	switch e.kind {
	case googleAds, referral:
		return pick(g, []weighted[*form]{{5, formDemo}, {3, formEbook}, {2, formWebinar}})
	case linkedinAds:
		return pick(g, []weighted[*form]{{4, formWhitepaper}, {3, formWebinar}, {3, formDemo}})
	case metaAds:
		return formEbook
	}
	return pick(g, []weighted[*form]{{4, formEbook}, {3, formNewsletter}, {2, formDemo}, {1, formWebinar}})
}

// submitLead fills in form f: the visitor becomes a lead, known by a
// userId from now on.
func (g *generator) submitLead(s *session, f *form) {
	p := s.p
	if s.page != f.page {
		s.view(f.page)
	}
	s.pause(40 * second)
	if p.company == nil {
		p.company = g.newCompany(p.country, p.beh.largeCompany)
	}
	if p.email == "" {
		g.setEmail(p)
	}
	optIn := f == formNewsletter || g.chance(0.55)
	o := g.object()
	g.str("form_id", f.id)
	g.str("form_name", f.name)
	g.str("form_type", f.kind)
	g.boolean("newsletter_opt_in", optIn)
	s.track("Form Submitted", g.done(o))
	if p.userID == "" {
		p.userID = g.newUserID()
	}
	o = g.object()
	g.personTraits(p)
	g.str("lead_source", f.id)
	g.str("lifecycle_stage", "lead")
	s.identify(g.done(o))
	if optIn && p.newsletterFrom == 0 {
		p.newsletterFrom = s.t
	}
	if webinar := g.start + webinarDay*day + 15*hour; f == formWebinar && s.t < webinar && g.chance(0.45) {
		o := g.object()
		g.str("webinar_id", formWebinar.id)
		g.str("webinar_name", "From First Touch to Revenue")
		g.num("minutes_attended", 15+g.rng.IntN(46))
		g.serverTrack(webinar+g.rng.Int64N(10*minute), p, "Webinar Attended", g.done(o))
	}
}

// personTraits writes the traits every identify of a known person has.
func (g *generator) personTraits(p *person) {
	g.str("email", p.email)
	g.str("firstName", p.first)
	g.str("lastName", p.last)
	g.str("name", p.first+" "+p.last)
	if p.company != nil {
		g.open("company", '{')
		g.str("name", p.company.name)
		if p.company.industry != "" {
			g.str("industry", p.company.industry)
		}
		g.close('}')
		g.str("role", p.role)
	}
	g.str("country", p.country.code)
}

// logIn is the person logging in on another device of theirs: an
// identify, or for some an alias, links the device's anonymous history.
func (g *generator) logIn(p *person, d *device, t int64) {
	if t >= g.end {
		return
	}
	s := g.arrive(p, d, t, g.referredVisit(pageLogin, ""))
	s.pause(20 * second)
	if g.chance(0.3) {
		s.alias()
	} else {
		o := g.object()
		g.personTraits(p)
		s.identify(g.done(o))
	}
	s.view(appDashboard)
}
