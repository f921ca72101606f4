package demo

// Emails, sent by Acme's email tool: the lead nurture sequence (like seed
// 001's), trial onboarding and the newsletter. Each is "Email Sent", then
// perhaps "Email Opened" and "Email Link Clicked", and a click is a visit
// to the site with the email's tags.

// emailSpec is one email of a campaign.
type emailSpec struct {
	campaignID, campaignName string
	id, subject              string
	landing                  *page
	source                   string // utm_source of its links
	utmCampaign              string // "" for campaignID
	open, click              float64
}

var nurtureEmails = [3]emailSpec{
	{campaignID: "lead_nurture", campaignName: "Lead nurture", id: "nurture_1", subject: "Your e-book + 3 quick wins",
		landing: blogPages[0], source: "acme", open: 0.78, click: 0.5},
	{campaignID: "lead_nurture", campaignName: "Lead nurture", id: "nurture_2", subject: "How Fjord Logistics found their leakiest funnel step",
		landing: pageCustomers, source: "acme", open: 0.5, click: 0.3},
	{campaignID: "lead_nurture", campaignName: "Lead nurture", id: "nurture_3", subject: "See your own journeys: book a 20-minute demo",
		landing: pageDemo, source: "acme", open: 0.4, click: 0.3},
}

var onboardingEmails = [2]emailSpec{
	{campaignID: "trial_onboarding", campaignName: "Trial onboarding", id: "onboarding_welcome", subject: "Welcome to Acme Journeys",
		landing: appOnboarding, source: "acme", open: 0.8, click: 0.25},
	{campaignID: "trial_onboarding", campaignName: "Trial onboarding", id: "onboarding_install_help", subject: "Need a hand installing tracking?",
		landing: pageDocsInstall, source: "acme", open: 0.6, click: 0.35},
}

// email sends e to p at t. If p clicks a link, it returns the session that
// follows; nil otherwise.
func (g *generator) email(p *person, t int64, e *emailSpec) *session {
	if t >= g.end || p.userID == "" {
		return nil
	}
	g.serverTrack(t, p, "Email Sent", g.emailProps(e, ""))
	if !g.chance(e.open) {
		return nil
	}
	t += g.lognormal(90*minute, 1.3)
	g.serverTrack(t, p, "Email Opened", g.emailProps(e, ""))
	if !g.chance(e.click) {
		return nil
	}
	campaign := e.utmCampaign
	if campaign == "" {
		campaign = e.campaignID
	}
	content := e.id
	if e.source == "newsletter" {
		content = ""
	}
	v := g.emailVisit(e.landing, e.source, campaign, content)
	t += g.lognormal(20*second, 0.5)
	g.serverTrack(t, p, "Email Link Clicked", g.emailProps(e, v.url))
	d := p.desktop
	if d == nil || p.phone != nil && g.chance(0.4) {
		d = p.phone
	}
	if d == nil {
		return nil
	}
	return g.arrive(p, d, t+2*second, v)
}

func (g *generator) emailProps(e *emailSpec, link string) span {
	o := g.object()
	g.str("campaign_id", e.campaignID)
	g.str("campaign_name", e.campaignName)
	g.str("email_id", e.id)
	g.str("email_subject", e.subject)
	if link != "" {
		g.str("link_url", link)
	}
	return g.done(o)
}

// nurture sends the lead nurture sequence after a lead form at leadAt,
// until stop (the trial start) or its end. A lead who books a demo from
// the first email skips the second, as in seed 001's journey.
func (g *generator) nurture(p *person, leadAt, stop int64) {
	if !g.chance(0.83) {
		return // no consent to nurture emails
	}
	stop = min(stop, g.end)
	c := p.country
	sends := [3]int64{
		leadAt + g.lognormal(15*minute, 0.6),
		g.after(c, leadAt, 3*day, &officeHours),
		g.after(c, leadAt, 8*day, &officeHours),
	}
	clicks := 0
	demo := false
	for i := range nurtureEmails {
		if sends[i] >= stop {
			break
		}
		if i == 1 && demo {
			continue
		}
		s := g.email(p, sends[i], &nurtureEmails[i])
		if s == nil {
			continue
		}
		clicks++
		g.browse(s, g.geometric(0.4))
		if !demo && (i == 0 && g.chance(0.25) || i == 2 && g.chance(0.4)) {
			g.submitLead(s, formDemo)
			demo = true
		}
		if demo || clicks >= 2 {
			o := g.object()
			g.num("lead_score", 40+20*clicks+g.rng.IntN(20))
			g.str("qualification", "MQL")
			g.serverTrack(s.t+g.lognormal(30*minute, 0.8), p, "Lead Qualified", g.done(o))
			return
		}
	}
}

// newsletters sends every issue after the person subscribed.
func (g *generator) newsletters(p *person) {
	if p.newsletterFrom == 0 || p.userID == "" {
		return
	}
	for _, is := range g.newsletter {
		if is.at <= p.newsletterFrom {
			continue
		}
		e := emailSpec{campaignID: "newsletter", campaignName: "Newsletter", id: is.id, subject: is.subject,
			landing: blogPages[int(is.at/day)%len(blogPages)], source: "newsletter", utmCampaign: is.id, open: 0.32, click: 0.18}
		if s := g.email(p, is.at+g.rng.Int64N(20*minute), &e); s != nil {
			g.browse(s, g.geometric(0.4))
		}
		if g.chance(0.015) {
			o := g.object()
			g.str("campaign_id", "newsletter")
			g.str("email_id", is.id)
			g.serverTrack(is.at+g.lognormal(3*hour, 1), p, "Email Unsubscribed", g.done(o))
			return
		}
	}
}
