package demo

import "slices"

// The life of an Acme Journeys account: trial, onboarding, teammates,
// product use, payment, plan changes, surveys, tickets and churn.

const trialDays = 14

// account is a company's workspace, from its trial on.
type account struct {
	admin     *person
	co        *company
	start     int64 // trial start
	members   []*member
	installed bool // tracking installed: onboarding step 2 done
	invites   int  // teammates invited in the first 7 days
	active    bool
	detractor bool

	// The subscription, once paying.
	subID    string
	plan     *plan
	annual   bool
	mrr      float64
	paidAt   int64
	currency string
}

// member is a user of an account.
type member struct {
	p        *person
	d        *device // the browser they use the web app in
	joined   int64
	activity float64 // chance of using the product on a weekday
	appFrom  int64   // when they installed the mobile app; 0: never
}

// trial signs the person up in session s, which is on the marketing site,
// and lives their account's life.
func (g *generator) trial(p *person, s *session) {
	s.view(pageSignup)
	s.pause(45 * second)
	if p.company == nil {
		p.company = g.newCompany(p.country, p.beh.largeCompany)
	}
	if p.email == "" {
		g.setEmail(p)
	}
	if p.userID == "" {
		p.userID = g.newUserID()
	}
	o := g.object()
	g.str("method", pick(g, []weighted[string]{{65, "email"}, {35, "google"}}))
	g.str("plan", "trial")
	s.track("Signed Up", g.done(o))
	o = g.object()
	g.personTraits(p)
	g.str("plan", "trial")
	g.str("lifecycle_stage", "trial")
	g.datetime("createdAt", s.t)
	s.identify(g.done(o))
	o = g.object()
	g.companyTraits(p.company, p.country)
	g.str("plan", "trial")
	s.group(g.done(o))
	o = g.object()
	g.str("plan", planTeam.id)
	g.num("trial_days", trialDays)
	g.datetime("trial_ends_at", s.t+trialDays*day)
	s.track("Trial Started", g.done(o))
	if p.newsletterFrom == 0 && g.chance(0.5) {
		p.newsletterFrom = s.t
	}
	s.view(appOnboarding)
	s.pause(2 * minute)
	g.onboardingStep(s, "create_workspace", 1)

	a := &account{admin: p, co: p.company, start: s.t, active: true, currency: p.country.currency}
	admin := &member{p: p, d: s.d, joined: s.t}
	a.members = append(a.members, admin)
	g.email(p, s.t+g.lognormal(4*minute, 0.5), &onboardingEmails[0])

	a.installed = g.chance(p.beh.install)
	if !a.installed {
		g.stall(a, admin, s)
		return
	}
	installed := g.install(admin, s)
	g.invite(a, admin, installed)
	switch {
	case a.invites >= 3:
		admin.activity = 0.75
	case a.invites > 0:
		admin.activity = 0.5
	default:
		admin.activity = 0.42
	}
	g.live(a)
}

func (g *generator) companyTraits(co *company, c *country) {
	g.str("name", co.name)
	g.str("industry", co.industry)
	g.num("employees", co.employees)
	g.str("country", c.code)
	g.str("website", "https://www."+co.domain)
}

func (g *generator) onboardingStep(s *session, step string, n int) {
	o := g.object()
	g.str("step", step)
	g.num("step_number", n)
	s.track("Onboarding Step Completed", g.done(o))
}

// appVisit opens the web app at pg on the member's browser.
func (g *generator) appVisit(m *member, t int64, pg *page) *session {
	return g.arrive(m.p, m.d, t, g.referredVisit(pg, ""))
}

// install is onboarding step 2, installing tracking, done within hours,
// then step 3, the first report. It returns when the admin is done.
func (g *generator) install(m *member, s *session) int64 {
	t := s.t + g.lognormal(3*hour, 1.1)
	if t-s.t > 2*hour {
		s = g.appVisit(m, g.workday(m.p.country, t), appDashboard)
	} else {
		s.t = t
	}
	s.view(pageDocsInstall)
	if g.chance(0.6) {
		s.view(pick(g, []weighted[*page]{{3, pageDocsJS}, {2, pageDocsSegment}}))
	}
	s.view(appInstall)
	s.pause(5 * minute)
	g.onboardingStep(s, "install_tracking", 2)
	if g.chance(0.9) {
		s.pause(10 * minute)
		s.view(appReports)
		g.onboardingStep(s, "first_report", 3)
		o := g.object()
		g.str("report_type", oneOf(g, reportTypes))
		s.track("Report Created", g.done(o))
	}
	return s.t
}

// stall is a trial that never gets tracking installed: the admin comes
// back again and again to the install step and its docs for days or
// weeks, then gives up.
func (g *generator) stall(a *account, m *member, s *session) {
	p := m.p
	s.view(appInstall)
	g.installAttempt(s)
	lasts := int64(6+g.rng.IntN(22)) * day
	extended := lasts > (trialDays-1)*day
	trialEnd := a.start + trialDays*day
	if extended {
		o := g.object()
		g.str("plan", planTeam.id)
		g.num("trial_days", trialDays)
		g.serverTrack(a.start+(trialDays-1)*day+g.hourIn(&officeHours), p, "Trial Extended", g.done(o))
		trialEnd += trialDays * day
	}
	g.email(p, g.onDay(p.country, a.start+2*day, &officeHours), &onboardingEmails[1])
	t := s.t
	ticketed := false
	for {
		t = g.after(p.country, t, g.lognormal(2*day, 0.5), &workHours)
		if t > a.start+lasts || t >= trialEnd {
			break
		}
		s := g.appVisit(m, t, appInstall)
		g.installAttempt(s)
		if !ticketed && g.chance(0.3) {
			ticketed = true
			g.ticket(p, s.t+g.lognormal(10*minute, 0.5), installTopics, true)
		}
		if p.surveyed == 0 && s.t-a.start > 10*day && g.chance(0.35) {
			s.view(appInstall) // the survey shows in the app
			g.survey(a, m, s)
		}
		t = s.t
	}
	o := g.object()
	g.str("plan", planTeam.id)
	g.boolean("converted", false)
	g.serverTrack(trialEnd, p, "Trial Ended", g.done(o))
}

// installAttempt is a try at step 2 that does not finish.
func (g *generator) installAttempt(s *session) {
	o := g.object()
	g.str("step", "install_tracking")
	g.num("step_number", 2)
	s.track("Onboarding Step Viewed", g.done(o))
	for range 1 + g.geometric(0.5) {
		s.view(pick(g, []weighted[*page]{{3, pageDocsInstall}, {3, pageDocsJS}, {2, pageDocsSegment}, {3, pageDocsTrouble}}))
	}
}

// inviteCounts is how many teammates admins invite in their first week,
// in small and in large companies.
var inviteCounts = [2][]weighted[int]{
	{{28, 0}, {20, 1}, {15, 2}, {17, 3}, {10, 4}, {6, 5}, {4, 6}},
	{{15, 0}, {15, 1}, {15, 2}, {20, 3}, {15, 4}, {10, 5}, {10, 6}},
}

// invite sends the admin's invitations: those of the first week, which
// predict retention, and some later ones.
func (g *generator) invite(a *account, admin *member, from int64) {
	large := 0
	if a.admin.beh.largeCompany {
		large = 1
	}
	a.invites = pick(g, inviteCounts[large])
	weekEnd := a.start + 7*day - hour
	if from >= weekEnd {
		a.invites = 0
	}
	times := make([]int64, 0, 8)
	for range a.invites {
		// Half right after installing, the others later in the week.
		t := from + g.lognormal(10*minute, 1)
		if g.chance(0.5) {
			t = from + g.rng.Int64N(weekEnd-from)
		}
		times = append(times, min(t, weekEnd))
	}
	slices.Sort(times)
	if a.invites < 3 && g.chance(0.35) {
		for range 1 + g.rng.IntN(2) {
			times = append(times, a.start+8*day+g.rng.Int64N(25*day))
		}
	}
	for _, t := range times {
		s := g.appVisit(admin, t, appTeam)
		s.pause(30 * second)
		id := g.newInviteID()
		mate := g.newPerson(a.admin.country)
		mate.company = a.co
		g.setEmail(mate)
		o := g.object()
		g.str("invite_id", id)
		g.str("invitee_email", mate.email)
		g.str("invitee_role", pick(g, []weighted[string]{{8, "member"}, {2, "admin"}}))
		g.str("method", "email")
		s.track("Teammate Invited", g.done(o))
		if g.chance(0.75) {
			g.teammate(a, mate, id, s.t+g.lognormal(5*hour, 1.2))
		}
	}
}

// teammate is an invited person joining the account.
func (g *generator) teammate(a *account, p *person, inviteID string, t int64) {
	p.source, p.beh = a.admin.source, a.admin.beh
	p.userID = g.newUserID()
	kind := desktop
	if g.chance(0.15) {
		kind = mobileWeb
	}
	d := g.webDevice(p, kind, false)
	v := g.emailVisit(appInvite, "product", "teammate_invite", "")
	v.search = "?invite=" + inviteID + "&" + v.search[1:]
	v.url = appInvite.url + v.search
	s := g.arrive(p, d, t, v)
	s.pause(20 * second)
	o := g.object()
	g.str("invite_id", inviteID)
	g.str("invited_by", a.admin.userID)
	s.track("Invite Accepted", g.done(o))
	o = g.object()
	g.personTraits(p)
	g.str("lifecycle_stage", "user")
	g.str("invited_by", a.admin.userID)
	g.datetime("createdAt", s.t)
	s.identify(g.done(o))
	o = g.object()
	g.str("method", "invite")
	s.track("Signed Up", g.done(o))
	o = g.object()
	g.str("name", a.co.name)
	s.group(g.done(o))
	s.view(appDashboard)
	g.useFeatures(s, 1+g.rng.IntN(2))
	activity := 0.35
	if a.invites >= 3 {
		activity = 0.55
	}
	a.members = append(a.members, &member{p: p, d: d, joined: s.t, activity: activity})
	if g.chance(0.3) {
		p.newsletterFrom = s.t
		g.newsletters(p)
	}
}

// weeklyChurn is the chance an account stops using the product in a
// week, by how many teammates its admin invited in the first week.
func weeklyChurn(invites int) float64 {
	switch {
	case invites >= 3:
		return 0.03
	case invites > 0:
		return 0.13
	}
	return 0.2
}

// live runs an installed account day by day: product use, payment at the
// end of the trial, plan changes, churn and cancellation.
func (g *generator) live(a *account) {
	admin := a.members[0]
	p := a.admin
	payChance := 0.5
	if a.invites >= 3 {
		payChance = 0.82
	}
	payChance = min(0.95, payChance*p.beh.pay)
	willPay := g.chance(payChance)
	payAt := a.start + (trialDays-1)*day + g.rng.Int64N(day)
	if !p.beh.largeCompany && g.chance(0.35) {
		payAt = a.start + 3*day + g.rng.Int64N(10*day)
	}
	for i, m := range a.members {
		if g.chance(0.18) && (i == 0 || g.chance(0.5)) {
			g.installApp(m, g.after(p.country, m.joined, int64(1+g.rng.IntN(20))*day, &leisureHours))
		}
	}
	churnedAt := int64(0)
	nextReview := int64(0)
	for dd := int64(1); ; dd++ {
		today := a.start + dd*day
		if today >= g.end {
			break
		}
		if dd%7 == 0 {
			churn := weeklyChurn(a.invites)
			if a.detractor {
				churn *= 2
			}
			if g.chance(churn) {
				churnedAt = today
				break
			}
		}
		if a.subID == "" {
			if !willPay && today >= a.start+trialDays*day {
				break
			}
			if willPay && today >= payAt {
				g.subscribe(a, payAt)
				nextReview = payAt + 14*day
			}
		}
		if a.subID != "" && today >= nextReview {
			g.review(a, nextReview)
			nextReview += 28 * day
		}
		weekday := (today/day + 4) % 7
		for _, m := range a.members {
			if m.joined > today {
				continue
			}
			chance := m.activity
			if weekday == 0 || weekday == 6 {
				chance *= 0.15
			}
			if g.chance(chance) {
				g.workDay(a, m, today)
			}
		}
	}
	if a.subID == "" {
		o := g.object()
		g.str("plan", planTeam.id)
		g.boolean("converted", false)
		g.serverTrack(a.start+trialDays*day, p, "Trial Ended", g.done(o))
		return
	}
	if churnedAt > 0 && g.chance(0.85) {
		g.cancel(a, admin, churnedAt+g.lognormal(6*day, 0.6))
	}
}

// workDay is a member using the product on the day that contains today.
func (g *generator) workDay(a *account, m *member, today int64) {
	t := g.onDay(m.p.country, today, &workHours)
	if m.appFrom > 0 && t > m.appFrom && g.chance(0.35) {
		g.appUse(m, t)
		return
	}
	s := g.appVisit(m, t, pick(g, []weighted[*page]{{5, appDashboard}, {3, appJourneys}, {2, appReports}}))
	g.useFeatures(s, 2+g.rng.IntN(3))
	if g.chance(0.4) {
		s.view(pick(g, []weighted[*page]{{3, appJourneys}, {3, appReports}, {1, appTeam}}))
		g.useFeatures(s, 1+g.rng.IntN(2))
	}
	if g.chance(0.12) {
		o := g.object()
		g.str("report_type", oneOf(g, reportTypes))
		s.track("Report Created", g.done(o))
	}
	if g.chance(0.012) {
		g.ticket(m.p, s.t+g.lognormal(20*minute, 1), usageTopics, false)
	}
	p := m.p
	switch {
	case p.surveyed == 0 && s.t-m.joined > 10*day && g.chance(0.3),
		a.subID != "" && p.surveyed > 0 && s.t-p.surveyed > 60*day && g.chance(0.3):
		g.survey(a, m, s)
	}
}

// useFeatures is a few actions in the web app.
func (g *generator) useFeatures(s *session, n int) {
	for range n {
		s.pause(90 * second)
		o := g.object()
		g.str("feature", pick(g, features))
		s.track("Feature Used", g.done(o))
	}
}

const npsQuestion = "How likely are you to recommend Acme Journeys to a friend or colleague?"

// survey shows the in-app NPS survey, last thing in session s. Promoters
// go on to share a referral link; detractors open a ticket.
func (g *generator) survey(a *account, m *member, s *session) {
	p := m.p
	p.surveyed = s.t
	s.pause(30 * second)
	o := g.object()
	g.str("survey_id", "nps_in_app")
	g.str("survey_name", "NPS")
	s.track("Survey Viewed", g.done(o))
	if !g.chance(0.6) {
		return
	}
	score := g.npsScore(a, p)
	comment := ""
	if g.chance(0.6) {
		switch {
		case score >= 9:
			comment = oneOf(g, promoterComments)
		case score >= 7:
			comment = oneOf(g, passiveComments)
		default:
			comment = oneOf(g, detractorComments)
			if !a.installed {
				comment = detractorComments[0]
			}
		}
	}
	o = g.object()
	g.str("survey_id", "nps_in_app")
	g.str("survey_name", "NPS")
	g.str("question", npsQuestion)
	g.num("score", score)
	if comment != "" {
		g.str("comment", comment)
	}
	s.track("Survey Answered", g.done(o))
	switch {
	case score >= 9 && g.chance(0.7):
		o := g.object()
		g.str("channel", pick(g, []weighted[string]{{4, "copy_link"}, {3, "email"}, {3, "linkedin"}}))
		g.str("referral_code", "AJ-"+p.userID[len(p.userID)-6:])
		s.track("Referral Link Shared", g.done(o))
	case score <= 6:
		a.detractor = true
		if g.chance(0.65) {
			g.ticket(p, s.t+g.lognormal(40*minute, 0.8), feedbackTopics, false)
		}
	}
}

// npsScore draws a score from how the account and the person are doing.
func (g *generator) npsScore(a *account, p *person) int {
	promoter, passive := 0.25, 0.37
	switch {
	case !a.installed || p.badTicket:
		promoter, passive = 0.05, 0.25
	case a.invites >= 3:
		promoter, passive = 0.62, 0.28
	}
	x := g.rng.Float64()
	switch {
	case x < promoter:
		return pick(g, []weighted[int]{{45, 9}, {55, 10}})
	case x < promoter+passive:
		return pick(g, []weighted[int]{{55, 7}, {45, 8}})
	}
	return pick(g, []weighted[int]{{3, 0}, {3, 1}, {5, 2}, {9, 3}, {12, 4}, {16, 5}, {18, 6}})
}

// subscribe starts the paid subscription at about t.
func (g *generator) subscribe(a *account, t int64) {
	admin := a.members[0]
	s := g.appVisit(admin, g.onDay(a.admin.country, t, &workHours), appBilling)
	s.pause(2 * minute)
	plans := []weighted[*plan]{{50, planStarter}, {42, planTeam}, {8, planBusiness}}
	if a.admin.beh.largeCompany {
		plans = []weighted[*plan]{{12, planStarter}, {45, planTeam}, {43, planBusiness}}
	}
	a.plan = pick(g, plans)
	a.annual = g.chance(0.25)
	a.subID = g.newSubscriptionID()
	a.paidAt = s.t
	a.mrr = a.plan.price[a.currency]
	revenue := a.mrr
	if a.annual {
		a.mrr = float64(int(a.mrr*0.8 + 0.5)) // two and a half months free
		revenue = a.mrr * 12
	}
	o := g.object()
	g.str("subscription_id", a.subID)
	g.str("plan", a.plan.id)
	period := "monthly"
	if a.annual {
		period = "annual"
	}
	g.str("billing_period", period)
	g.num("seats", len(a.members))
	g.money("mrr", a.mrr)
	g.money("revenue", revenue)
	g.str("currency", a.currency)
	g.serverTrack(s.t+3*second, a.admin, "Subscription Started", g.done(o))
	g.updatePlan(a, s.t+4*second)
}

// updatePlan tells the user and group traits of the new plan.
func (g *generator) updatePlan(a *account, t int64) {
	o := g.object()
	g.str("plan", a.plan.id)
	g.str("lifecycle_stage", "customer")
	g.serverIdentify(t, a.admin, g.done(o))
	o = g.object()
	g.str("plan", a.plan.id)
	g.money("mrr", a.mrr)
	g.str("currency", a.currency)
	g.num("seats", len(a.members))
	g.serverGroup(t, a.admin, g.done(o))
}

// review is the chance of an upgrade (teams that grew) or a downgrade
// (unhappy or small ones), two weeks after payment and every four weeks
// after that.
func (g *generator) review(a *account, t int64) {
	var next *plan
	change := ""
	switch {
	case a.invites >= 3 && g.chance(0.35) && a.plan != planBusiness:
		next, change = planTeam, "upgrade"
		if a.plan == planTeam {
			next = planBusiness
		}
	case (a.detractor && g.chance(0.4) || a.invites < 3 && g.chance(0.12)) && a.plan != planStarter:
		next, change = planStarter, "downgrade"
		if a.plan == planBusiness {
			next = planTeam
		}
	default:
		return
	}
	s := g.appVisit(a.members[0], g.onDay(a.admin.country, t, &workHours), appBilling)
	s.pause(2 * minute)
	previous, previousMRR := a.plan, a.mrr
	a.plan = next
	a.mrr = next.price[a.currency]
	if a.annual {
		a.mrr = float64(int(a.mrr*0.8 + 0.5))
	}
	o := g.object()
	g.str("subscription_id", a.subID)
	g.str("previous_plan", previous.id)
	g.str("plan", next.id)
	g.money("previous_mrr", previousMRR)
	g.money("mrr", a.mrr)
	g.str("currency", a.currency)
	g.str("change_type", change)
	g.serverTrack(s.t+3*second, a.admin, "Subscription Changed", g.done(o))
	g.updatePlan(a, s.t+4*second)
}

// cancel ends the subscription of an account that stopped using it.
func (g *generator) cancel(a *account, admin *member, t int64) {
	if t >= g.end {
		return
	}
	s := g.appVisit(admin, g.onDay(a.admin.country, t, &workHours), appBilling)
	s.pause(90 * second)
	reason := "not_using"
	if a.detractor {
		reason = pick(g, []weighted[string]{{5, "too_expensive"}, {3, "missing_features"}, {2, "poor_support"}})
	}
	o := g.object()
	g.str("subscription_id", a.subID)
	g.str("plan", a.plan.id)
	g.money("mrr", a.mrr)
	g.str("currency", a.currency)
	g.str("reason", reason)
	g.serverTrack(s.t+3*second, a.admin, "Subscription Cancelled", g.done(o))
	o = g.object()
	g.str("plan", "cancelled")
	g.str("lifecycle_stage", "churned")
	g.serverIdentify(s.t+4*second, a.admin, g.done(o))
}

// Support tickets, sent by the help desk.

var agents = []string{"agent_marloes", "agent_kristian", "agent_jenna", "agent_tobias"}

// ticket opens a ticket at t about one of topics and plays it out: first
// reply, close, and sometimes a satisfaction rating. Slow tickets (about
// installation, from stalled trials) wait long for a reply.
func (g *generator) ticket(p *person, t int64, topics []ticketTopic, slow bool) {
	id := g.newTicketID()
	topic := oneOf(g, topics)
	o := g.object()
	g.str("ticket_id", id)
	g.str("subject", topic.subject)
	g.str("category", topic.category)
	g.str("channel", pick(g, []weighted[string]{{5, "chat"}, {3, "email"}, {2, "web_form"}}))
	g.str("priority", pick(g, []weighted[string]{{2, "low"}, {6, "normal"}, {2, "high"}}))
	g.serverTrack(t, p, "Ticket Opened", g.done(o))
	wait := g.lognormal(2*hour, 0.9)
	if slow {
		wait = g.lognormal(22*hour, 0.5)
	}
	replied := t + wait
	o = g.object()
	g.str("ticket_id", id)
	g.boolean("first_reply", true)
	g.str("agent_id", oneOf(g, agents))
	g.num("minutes_to_first_reply", int(wait/minute))
	g.serverTrack(replied, p, "Ticket Replied", g.done(o))
	closed := replied + g.lognormal(16*hour, 1)
	o = g.object()
	g.str("ticket_id", id)
	g.str("resolution", pick(g, []weighted[string]{{8, "solved"}, {2, "no_response"}}))
	g.num("minutes_to_close", int((closed-t)/minute))
	g.serverTrack(closed, p, "Ticket Closed", g.done(o))
	if !g.chance(0.5) {
		p.badTicket = slow
		return
	}
	score := pick(g, []weighted[int]{{2, 3}, {4, 4}, {6, 5}})
	if slow || wait > 8*hour {
		score = pick(g, []weighted[int]{{4, 1}, {4, 2}, {2, 3}})
	}
	p.badTicket = score <= 2
	o = g.object()
	g.str("ticket_id", id)
	g.num("score", score)
	g.serverTrack(closed+g.lognormal(hour, 1), p, "Ticket Rated", g.done(o))
}
