// Package channel works out how a visitor came to a page: it completes the
// campaign from the page URL's UTM tags and ad click ids, falls back to the
// referrer, and sorts the visit into one of Waymark's ten channel groups
// following Google Analytics 4's default channel group as closely as ten
// groups allow.
//
// The rules, lists and click-id table are written up for marketers in
// docs/channels.md; a change here needs a change there.
package channel

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/waymark-analytics/waymark"
)

// Classify completes a campaign and sets its Channel.
//
// utm is what the message's context.campaign said. pageURL and referrer are
// the page's address and document.referrer; either may be empty (a mobile
// screen has neither) or malformed, which is never an error.
//
// Each field comes from the first of these that has it: utm, the page URL's
// utm_* parameters, the ad click id in the page URL, and, only when there is
// still no source, the referrer. Values the message or URL gave keep their
// case (trimmed), so reports show what was tagged; sources and mediums
// Waymark infers are lower case. Matching is case-insensitive.
//
// Classify does not allocate unless the URL needs unescaping or a value has
// upper-case letters, and is safe for concurrent use.
func Classify(utm waymark.Campaign, pageURL, referrer string) waymark.Campaign {
	c := waymark.Campaign{
		Source:  strings.TrimSpace(utm.Source),
		Medium:  strings.TrimSpace(utm.Medium),
		Name:    strings.TrimSpace(utm.Name),
		Term:    strings.TrimSpace(utm.Term),
		Content: strings.TrimSpace(utm.Content),
		ClickID: strings.TrimSpace(utm.ClickID),
	}
	fillFromQuery(&c, rawQuery(pageURL))

	if i, ok := clickParams[strings.ToLower(c.ClickID)]; ok {
		id := clickIDs[i]
		c.ClickID = id.param
		// A click id says which network; it only says paid when the tags
		// don't contradict it (utm_source=newsletter&gclid=... stays unpaid).
		if c.Source == "" {
			c.Source = id.source
		}
		if c.Medium == "" && strings.EqualFold(c.Source, id.source) {
			c.Medium = id.medium
		}
	}

	k := kindUnknown
	if c.Source == "" {
		k = fromReferrer(&c, referrer, pageURL)
	}
	c.Channel = group(&c, k)
	return c
}

// fillFromQuery fills the campaign fields still empty from the query's
// utm_* parameters, and ClickID from the highest-priority click id present.
// The first occurrence of a parameter wins, as with URLSearchParams.get.
func fillFromQuery(c *waymark.Campaign, q string) {
	best := -1
	for q != "" {
		var pair string
		pair, q, _ = strings.Cut(q, "&")
		key, val, _ := strings.Cut(pair, "=")
		if len(key) < 4 || len(key) > 12 || val == "" {
			continue // no parameter we read is shorter or longer
		}
		key = strings.ToLower(key)
		if field, ok := strings.CutPrefix(key, "utm_"); ok {
			var dst *string
			switch field {
			case "source":
				dst = &c.Source
			case "medium":
				dst = &c.Medium
			case "campaign":
				dst = &c.Name
			case "term":
				dst = &c.Term
			case "content":
				dst = &c.Content
			default:
				continue
			}
			if *dst == "" {
				*dst = queryValue(val)
			}
			continue
		}
		if i, ok := clickParams[key]; ok && (best < 0 || i < best) {
			best = i
		}
	}
	if c.ClickID == "" && best >= 0 {
		c.ClickID = clickIDs[best].param
	}
}

// queryValue decodes one query value. A malformed escape leaves the value as
// sent; invalid UTF-8 (from %ff and the like) is replaced so that nothing
// downstream has to cope with it.
func queryValue(v string) string {
	if strings.ContainsAny(v, "%+") {
		if u, err := url.QueryUnescape(v); err == nil {
			v = u
		}
	}
	v = strings.TrimSpace(v)
	if !utf8.ValidString(v) {
		v = strings.ToValidUTF8(v, "\uFFFD")
	}
	return v
}

// fromReferrer sets the source, and the medium if the tags left it empty,
// from an external referrer, and returns the kind of the source it set. A
// referrer on the page's own site is internal navigation and brings no
// source.
func fromReferrer(c *waymark.Campaign, referrer, pageURL string) kind {
	host := hostOf(referrer)
	if host == "" || sameSite(host, hostOf(pageURL)) {
		return kindNone
	}
	source, medium := trimWWW(host), "referral"
	s, ok := lookupHost(host)
	if ok {
		source = s.name
		switch s.kind {
		case kindSearch:
			medium = "organic"
		case kindSocial:
			medium = "social"
		case kindEmail:
			medium = "email"
		}
	}
	c.Source = source
	if c.Medium == "" {
		c.Medium = medium
	}
	return s.kind
}

// group applies GA4's default channel rules, in GA4's order, to a completed
// campaign whose source is of kind k (kindUnknown: work it out). GA4 groups
// Waymark does not have fold into their nearest neighbour; see
// docs/channels.md.
func group(c *waymark.Campaign, k kind) string {
	source := strings.ToLower(c.Source)
	medium := strings.ToLower(c.Medium)

	if (source == "" || source == "(direct)" || source == "direct") &&
		(medium == "" || medium == "(none)" || medium == "(not set)") {
		if c.Name != "" && source == "" {
			return waymark.ChannelOther // tagged with a campaign but nothing else: GA4's Unassigned
		}
		return waymark.ChannelDirect
	}

	if k == kindUnknown {
		k = sourceKind(source)
	}
	paid := paidMedium(medium)
	switch {
	case paid && k == kindSearch:
		return waymark.ChannelPaidSearch
	case paid && k == kindSocial:
		return waymark.ChannelPaidSocial
	case slices.Contains(displayMediums, medium):
		return waymark.ChannelDisplay
	case paid:
		return waymark.ChannelOther // GA4's Paid Other, Paid Shopping, Paid Video off the lists
	case k == kindSocial || slices.Contains(socialMediums, medium):
		return waymark.ChannelOrganicSocial
	case k == kindSearch || medium == "organic":
		return waymark.ChannelOrganicSearch
	case slices.Contains(referralMediums, medium):
		return waymark.ChannelReferral
	case k == kindEmail || slices.Contains(emailWords, medium):
		return waymark.ChannelEmail
	case medium == "affiliate":
		return waymark.ChannelAffiliate
	}
	return waymark.ChannelOther
}

// paidMedium is GA4's ^(.*cp.*|ppc|retargeting|paid.*)$.
func paidMedium(m string) bool {
	return strings.Contains(m, "cp") || m == "ppc" || m == "retargeting" || strings.HasPrefix(m, "paid")
}

// sourceKind tells whether a lower-case source names a search engine, social
// network or email: as a listed word ("google", "fb"), as a host
// ("m.facebook.com"), or by its first word ("facebook_ads", "google-ads").
func sourceKind(source string) kind {
	if source == "" {
		return kindNone
	}
	if s, ok := siteNames[source]; ok {
		return s.kind
	}
	if strings.IndexByte(source, '.') >= 0 {
		if h := hostOf(source); h != "" {
			s, _ := lookupHost(h) // a host is judged as a host only: google.example.org is not Google
			return s.kind
		}
	}
	end := strings.IndexFunc(source, func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	})
	if end >= 2 {
		if s, ok := siteNames[source[:end]]; ok {
			return s.kind
		}
	}
	return kindNone
}
