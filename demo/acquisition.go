package demo

import (
	"net/url"
	"strings"
)

// sourceKind is where a visitor first came from.
type sourceKind uint8

const (
	googleAds sourceKind = iota
	metaAds
	linkedinAds
	organicSearch
	organicSocial
	newsletterLink
	referral
	direct
	numSources
)

// sourceShare is each source's share of new visitors on an ordinary day.
var sourceShare = [numSources]float64{
	googleAds:      13,
	metaAds:        16,
	linkedinAds:    6,
	organicSearch:  25,
	organicSocial:  7,
	newsletterLink: 3,
	referral:       9,
	direct:         21,
}

const baseTotal = 100

// behaviour is how the visitors of a source behave: the knobs that make
// the stories. Probabilities are per visitor.
type behaviour struct {
	mobile       float64 // first visit on a phone
	bounce       float64 // leaves after the landing page, when not interested
	lead         float64 // fills in a lead form
	leadTrial    float64 // a lead who later starts a trial
	leadToTrial  int64   // median time from lead to trial
	trial        float64 // starts a trial without being a lead first
	shop         float64 // shops in the web shop
	install      float64 // a trial that installs tracking
	pay          float64 // multiplies the chance a trial pays
	largeCompany bool    // bigger companies, teams and plans; pays at the end of the trial
}

var behaviours = [numSources]behaviour{
	// Google Ads: fast converters.
	googleAds: {mobile: 0.35, bounce: 0.32, lead: 0.08, leadTrial: 0.18, leadToTrial: 2 * day, trial: 0.045, shop: 0.06, install: 0.62, pay: 1.0},
	// Meta: cheap clicks on phones, many e-book leads, few customers.
	metaAds: {mobile: 0.72, bounce: 0.45, lead: 0.21, leadTrial: 0.05, leadToTrial: 6 * day, trial: 0.004, shop: 0.12, install: 0.3, pay: 0.45},
	// LinkedIn: fewer, slow leads that become large customers.
	linkedinAds:    {mobile: 0.3, bounce: 0.32, lead: 0.11, leadTrial: 0.7, leadToTrial: 26 * day, trial: 0.008, shop: 0.01, install: 0.8, pay: 1.4, largeCompany: true},
	organicSearch:  {mobile: 0.45, bounce: 0.4, lead: 0.04, leadTrial: 0.22, leadToTrial: 5 * day, trial: 0.012, shop: 0.08, install: 0.55, pay: 0.9},
	organicSocial:  {mobile: 0.65, bounce: 0.45, lead: 0.03, leadTrial: 0.15, leadToTrial: 7 * day, trial: 0.006, shop: 0.1, install: 0.5, pay: 0.8},
	newsletterLink: {mobile: 0.45, bounce: 0.3, lead: 0.05, leadTrial: 0.2, leadToTrial: 5 * day, trial: 0.01, shop: 0.1, install: 0.55, pay: 0.9},
	referral:       {mobile: 0.3, bounce: 0.3, lead: 0.06, leadTrial: 0.3, leadToTrial: 4 * day, trial: 0.04, shop: 0.05, install: 0.6, pay: 1.0},
	direct:         {mobile: 0.4, bounce: 0.38, lead: 0.03, leadTrial: 0.25, leadToTrial: 3 * day, trial: 0.025, shop: 0.1, install: 0.55, pay: 1.0},
}

// shopBehaviour is for visitors of the shop's own ad campaigns.
var shopBehaviour = map[sourceKind]behaviour{
	googleAds: {mobile: 0.45, bounce: 0.35, lead: 0.01, leadTrial: 0.1, leadToTrial: 5 * day, trial: 0.003, shop: 0.6, install: 0.5, pay: 0.8},
	metaAds:   {mobile: 0.75, bounce: 0.45, lead: 0.01, leadTrial: 0.05, leadToTrial: 7 * day, trial: 0.002, shop: 0.55, install: 0.3, pay: 0.3},
}

// entry is one way to arrive: a source, and for ads its campaign.
type entry struct {
	kind     sourceKind
	campaign *campaign
	beh      *behaviour
}

var entries = func() []*entry {
	var es []*entry
	for k := range numSources {
		kind := sourceKind(k)
		camps := campaignsOf(kind)
		if camps == nil {
			es = append(es, &entry{kind: kind, beh: &behaviours[kind]})
			continue
		}
		for _, c := range camps {
			e := &entry{kind: kind, campaign: c, beh: &behaviours[kind]}
			if c.landing == pageLPShop {
				b := shopBehaviour[kind]
				e.beh = &b
			}
			es = append(es, e)
		}
	}
	return es
}()

func campaignsOf(k sourceKind) []*campaign {
	switch k {
	case googleAds:
		return googleCampaigns
	case metaAds:
		return metaCampaigns
	case linkedinAds:
		return linkedinCampaigns
	}
	return nil
}

// daySources returns the ways to arrive on day d of the dataset with
// their weights, and the total weight: each source's share, split over its
// campaigns, plus the campaigns' extra traffic during a burst.
func daySources(d int) ([]weighted[*entry], float64) {
	out := make([]weighted[*entry], 0, len(entries))
	total := 0.0
	for _, e := range entries {
		w := sourceShare[e.kind]
		if c := e.campaign; c != nil {
			sum := 0.0
			for _, other := range campaignsOf(e.kind) {
				sum += other.weight
			}
			w *= c.weight / sum
			for i, b := range bursts {
				if d >= b.from && d < b.from+b.days {
					w *= 1 + c.boost[i]
				}
			}
		}
		out = append(out, weighted[*entry]{w, e})
		total += w
	}
	return out, total
}

// firstVisit returns the visit that brings a new visitor from e.
func (g *generator) firstVisit(e *entry, t int64) *visit {
	switch e.kind {
	case googleAds, metaAds, linkedinAds:
		return g.adVisit(e.campaign)
	case organicSearch:
		return g.referredVisit(g.contentLanding(), pick(g, searchReferrers))
	case organicSocial:
		return g.referredVisit(g.contentLanding(), pick(g, socialReferrers))
	case newsletterLink:
		return g.newsletterVisit(g.issueBefore(t), oneOf(g, blogPages))
	case referral:
		return g.referredVisit(pick(g, []weighted[*page]{{4, pageHome}, {3, pagePricing}, {2, pageIntegrations}, {1, pageCustomers}}), pick(g, otherReferrers))
	}
	return g.referredVisit(pick(g, []weighted[*page]{{12, pageHome}, {3, pagePricing}, {2, pageShop}, {1, pageLogin}}), "")
}

// returnVisit is how someone who has been before comes back.
func (g *generator) returnVisit(p *person) *visit {
	x := g.rng.Float64()
	switch {
	case x < 0.45:
		return g.referredVisit(pick(g, []weighted[*page]{{6, pageHome}, {4, pagePricing}, {2, pageFeatures}}), "")
	case x < 0.7:
		return g.referredVisit(pick(g, []weighted[*page]{{5, pageHome}, {3, pagePricing}, {2, blogPages[0]}}), pick(g, searchReferrers))
	case x < 0.82 && p.source <= linkedinAds:
		return g.adVisit(metaCampaigns[2]) // retargeting
	case x < 0.9:
		return g.referredVisit(oneOf(g, blogPages), pick(g, socialReferrers))
	}
	return g.referredVisit(pageCustomers, pick(g, otherReferrers))
}

// contentLanding is where search and social visitors land: mostly the blog.
func (g *generator) contentLanding() *page {
	if g.chance(0.7) {
		return oneOf(g, blogPages)
	}
	return pick(g, []weighted[*page]{{5, pageHome}, {2, pagePricing}, {2, pageFeatures}, {1, pageJourneyMaps}, {1, pageShop}})
}

func (g *generator) referredVisit(landing *page, referrer string) *visit {
	return &visit{landing: landing, url: landing.url, referrer: referrer}
}

// adVisit is a click on an ad of c, with the tags and click id the network
// adds to the link.
func (g *generator) adVisit(c *campaign) *visit {
	v := &visit{landing: c.landing, source: c.source, medium: c.medium, name: c.name, content: oneOf(g, c.ads)}
	if c.terms != nil {
		v.term = oneOf(g, c.terms)
	}
	var b strings.Builder
	b.Grow(200)
	b.WriteString("?utm_source=")
	b.WriteString(c.source)
	b.WriteString("&utm_medium=")
	b.WriteString(c.medium)
	b.WriteString("&utm_campaign=")
	b.WriteString(c.name)
	if v.term != "" {
		b.WriteString("&utm_term=")
		b.WriteString(url.QueryEscape(v.term))
	}
	b.WriteString("&utm_content=")
	b.WriteString(v.content)
	switch c.clickID {
	case "gclid":
		b.WriteString("&gclid=")
		b.WriteString(g.clickID("Cj0KCQjw", 64))
		b.WriteString("BwE")
		v.referrer = "https://www.google.com/"
	case "fbclid":
		b.WriteString("&fbclid=")
		b.WriteString(g.clickID("IwAR", 56))
		v.referrer = "https://l.facebook.com/"
		if c.source == "instagram" {
			v.referrer = "https://l.instagram.com/"
		}
	case "li_fat_id":
		b.WriteString("&li_fat_id=")
		b.WriteString(g.uuid())
		v.referrer = "https://www.linkedin.com/"
	}
	v.search = b.String()
	v.url = c.landing.url + v.search
	return v
}

// emailVisit is a click on a link in an email of Acme's.
func (g *generator) emailVisit(landing *page, source, campaignName, content string) *visit {
	v := &visit{landing: landing, source: source, medium: "email", name: campaignName, content: content}
	v.search = "?utm_source=" + source + "&utm_medium=email&utm_campaign=" + campaignName
	if content != "" {
		v.search += "&utm_content=" + content
	}
	v.url = landing.url + v.search
	return v
}

func (g *generator) newsletterVisit(is issue, landing *page) *visit {
	return g.emailVisit(landing, "newsletter", is.id, "")
}

// issueBefore returns the latest newsletter sent before t (the first one
// when none was).
func (g *generator) issueBefore(t int64) issue {
	is := g.newsletter[0]
	for _, x := range g.newsletter {
		if x.at < t {
			is = x
		}
	}
	return is
}

// uuid returns a random UUID, for ids that are not counted (LinkedIn's
// click id).
func (g *generator) uuid() string {
	return formatUUID(g.rng.Uint64(), g.rng.Uint64())
}
