package demo

import "strings"

// person is one human of the dataset.
type person struct {
	country             *country
	first, last, email  string
	role                string
	userID              string // "" while anonymous
	company             *company
	source              sourceKind // of the first visit
	beh                 *behaviour
	desktop, phone, app *device
	newsletterFrom      int64 // subscribed to the newsletter since; 0: not
	surveyed            int64 // last shown the NPS survey; 0: never
	badTicket           bool  // last ticket rated 1 or 2, or a slow one not rated
}

// device is a browser or an app install, with its anonymousId.
type device struct {
	kind     deviceKind
	anonID   string
	context  string // web: the context members that never change (ip, library, locale, timezone, userAgent); app: the whole context
	userID   string // the userId its events carry from userFrom on
	userFrom int64
	variant  string // guest_checkout experiment arm
}

// company is a business that uses Acme Journeys: a Segment group.
type company struct {
	groupID, name, domain, industry string
	employees                       int
}

func (g *generator) newPerson(c *country) *person {
	p := &person{country: c, first: oneOf(g, c.firstNames), last: oneOf(g, c.lastNames)}
	p.role = pick(g, roles)
	return p
}

// setEmail gives the person an address at their company, or a private
// one without a company.
func (g *generator) setEmail(p *person) {
	domain := "example.com"
	if p.company != nil {
		domain = p.company.domain
	} else if g.chance(0.5) {
		domain = oneOf(g, []string{"example.net", "example.org"})
	}
	var b strings.Builder
	b.Grow(40)
	b.WriteString(asciiLower(p.first))
	b.WriteByte('.')
	b.WriteString(asciiLower(p.last))
	if p.company == nil {
		b.WriteString(string(rune('0' + g.rng.IntN(10))))
		b.WriteString(string(rune('0' + g.rng.IntN(10))))
	}
	b.WriteByte('@')
	b.WriteString(domain)
	p.email = b.String()
}

// asciiLower lower-cases a name for an email address, folding the
// letters of the catalog's languages to ASCII and dropping spaces.
func asciiLower(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ':
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		case r < 0x80:
			b.WriteRune(r)
		default:
			switch r {
			case 'ø', 'ö', 'Ø', 'Ö':
				b.WriteString("o")
			case 'ü', 'Ü':
				b.WriteString("u")
			case 'ä', 'Ä', 'å', 'Å', 'æ', 'Æ':
				b.WriteString("a")
			case 'ß':
				b.WriteString("ss")
			case 'é', 'è', 'ë':
				b.WriteString("e")
			}
		}
	}
	return b.String()
}

func (g *generator) newCompany(c *country, large bool) *company {
	i, j := g.rng.IntN(len(companyFirst)), g.rng.IntN(len(companySecond))
	name := companyFirst[i] + " " + companySecond[j]
	sizes := []weighted[int]{{30, 8}, {30, 25}, {20, 60}, {12, 150}, {6, 400}, {2, 1200}}
	if large {
		sizes = []weighted[int]{{5, 25}, {20, 60}, {30, 150}, {30, 400}, {15, 1200}}
	}
	co := &company{
		groupID:   g.newGroupID(),
		name:      name + " " + c.companySuffix,
		industry:  industries[j],
		employees: pick(g, sizes),
	}
	co.domain = asciiLower(name) + "." + strings.ToLower(c.code) + ".example"
	return co
}

// webDevice returns a new browser of the person: a phone, tablet or
// computer. inApp is for a Meta ad opened on a phone, in Facebook's or
// Instagram's browser.
func (g *generator) webDevice(p *person, kind deviceKind, inApp bool) *device {
	d := &device{kind: kind, anonID: g.newAnonymousID(), userFrom: maxTime}
	var ua string
	if inApp && kind == mobileWeb {
		ua = pick(g, metaInApp)
	} else {
		ua = pick(g, userAgents[kind])
	}
	c := p.country
	networks := c.fixedIPs
	if kind == mobileWeb && g.chance(0.6) {
		networks = c.mobileIPs
	}
	n := oneOf(g, networks)
	var b []byte
	b = append(b, `"ip":"`...)
	b = append(b, n.prefix...)
	b = appendOctets(b, g.rng.IntN(256), 1+g.rng.IntN(254))
	b = append(b, `",`...)
	b = append(b, libraryContext...)
	b = append(b, `,"locale":"`...)
	b = append(b, c.locale...)
	b = append(b, `",`...)
	b = appendLocation(b, c, n)
	b = append(b, `,"timezone":"`...)
	b = append(b, c.timezone...)
	b = append(b, `","userAgent":`...)
	b = appendString(b, ua)
	d.context = string(b)
	d.variant = "control"
	if g.chance(0.5) {
		d.variant = "guest"
	}
	switch kind {
	case desktop, tabletWeb:
		if p.desktop == nil {
			p.desktop = d
		}
	case mobileWeb:
		if p.phone == nil {
			p.phone = d
		}
	}
	return d
}

// appendLocation writes the context's location where a GeoIP database
// would place the network, with the country's ISO code as Waymark stores
// countries: a home network in its city, a mobile one in its country.
func appendLocation(b []byte, c *country, n network) []byte {
	b = append(b, `"location":{`...)
	if n.city != "" {
		b = append(b, `"city":`...)
		b = appendString(b, n.city)
		b = append(b, ',')
	}
	b = append(b, `"country":"`...)
	b = append(b, c.code...)
	b = append(b, '"')
	if n.region != "" {
		b = append(b, `,"region":`...)
		b = appendString(b, n.region)
	}
	return append(b, '}')
}

func appendOctets(b []byte, x, y int) []byte {
	b = append(b, '.')
	b = appendInt(b, x)
	b = append(b, '.')
	return appendInt(b, y)
}

func appendInt(b []byte, v int) []byte {
	if v >= 10 {
		b = appendInt(b, v/10)
	}
	return append(b, byte('0'+v%10))
}

// identified makes d's events carry the person's userId from t on.
func (d *device) identified(p *person, t int64) {
	if d.userID == "" || t < d.userFrom {
		d.userID, d.userFrom = p.userID, t
	}
}

// visit is how a web session starts: the landing page, with the tags of
// the link that led there, and the page before it.
type visit struct {
	landing  *page
	url      string // landing URL with its query
	search   string // "?utm_source=..." or ""
	referrer string
	// Campaign tags, for context.campaign; source "" when untagged.
	source, medium, name, term, content string
}

// session is a person browsing the web site or the web app on a device.
type session struct {
	g        *generator
	p        *person
	d        *device
	t        int64
	page     *page
	url      string
	search   string
	referrer string
	v        *visit // the visit while still on its landing page
}

// arrive starts a session on the landing page of v.
func (g *generator) arrive(p *person, d *device, t int64, v *visit) *session {
	s := &session{g: g, p: p, d: d, t: t, page: v.landing, url: v.url, search: v.search, referrer: v.referrer, v: v}
	if s.url == "" {
		s.url = v.landing.url
	}
	s.emitPage()
	return s
}

// view goes to another page, following a link.
func (s *session) view(pg *page) {
	s.t += 5*second + s.g.lognormal(40*second, 0.8)
	if pg.base == s.page.base {
		s.referrer = s.url
	} else {
		s.referrer = "" // between the site and the app, no referrer is sent
	}
	s.page, s.url, s.search, s.v = pg, pg.url, "", nil
	s.emitPage()
}

// pause lets time pass on the current page.
func (s *session) pause(median int64) { s.t += s.g.lognormal(median, 0.7) }

func (s *session) emitPage() {
	g := s.g
	o := g.object()
	g.pageMembers(s)
	props := g.done(o)
	g.add(msg{ts: s.t, typ: typePage, name: s.page.name, userID: s.userID(), anonID: s.d.anonID, props: props, ctx: g.webContext(s)})
}

// track records an event on the current page, a few seconds after the
// last one.
func (s *session) track(name string, props span) {
	s.t += 2*second + s.g.lognormal(6*second, 0.8)
	s.g.add(msg{ts: s.t, typ: typeTrack, name: name, userID: s.userID(), anonID: s.d.anonID, props: props, ctx: s.g.webContext(s)})
}

// identify links the device to the person's userId, with traits.
func (s *session) identify(traits span) {
	s.t += 500
	s.d.identified(s.p, s.t)
	s.g.add(msg{ts: s.t, typ: typeIdentify, userID: s.p.userID, anonID: s.d.anonID, props: traits, ctx: s.g.webContext(s)})
}

// group puts the person in their company.
func (s *session) group(traits span) {
	s.t += 300
	s.g.add(msg{ts: s.t, typ: typeGroup, userID: s.p.userID, anonID: s.d.anonID, groupID: s.p.company.groupID, props: traits, ctx: s.g.webContext(s)})
}

// alias merges the device's anonymous id into the person's userId.
func (s *session) alias() {
	s.t += 500
	s.d.identified(s.p, s.t)
	s.g.add(msg{ts: s.t, typ: typeAlias, userID: s.p.userID, anonID: s.d.anonID, prevID: s.d.anonID, ctx: s.g.webContext(s)})
}

func (s *session) userID() string {
	if s.t >= s.d.userFrom {
		return s.d.userID
	}
	return ""
}

func (g *generator) pageMembers(s *session) {
	g.str("path", s.page.path)
	g.str("referrer", s.referrer)
	g.str("search", s.search)
	g.str("title", s.page.title)
	g.str("url", s.url)
}

// webContext writes the context of a web message in session s.
func (g *generator) webContext(s *session) span {
	o := g.object()
	g.arena = append(g.arena, s.d.context...)
	g.open("page", '{')
	g.pageMembers(s)
	g.close('}')
	if v := s.v; v != nil && v.source != "" {
		g.open("campaign", '{')
		g.str("name", v.name)
		g.str("source", v.source)
		g.str("medium", v.medium)
		if v.term != "" {
			g.str("term", v.term)
		}
		if v.content != "" {
			g.str("content", v.content)
		}
		g.close('}')
	}
	return g.done(o)
}

// serverTrack records an event sent by Acme's back end about a user.
func (g *generator) serverTrack(t int64, p *person, name string, props span) {
	g.add(msg{ts: t, typ: typeTrack, name: name, userID: p.userID, props: props})
}

// serverIdentify updates a user's traits from the back end.
func (g *generator) serverIdentify(t int64, p *person, traits span) {
	g.add(msg{ts: t, typ: typeIdentify, userID: p.userID, props: traits})
}

func (g *generator) serverGroup(t int64, p *person, traits span) {
	g.add(msg{ts: t, typ: typeGroup, userID: p.userID, groupID: p.company.groupID, props: traits})
}

// Time of day.

// offset returns the UTC offset of zone z at t.
func (g *generator) offset(z zone, t int64) int64 {
	d := (t - g.start) / day
	d = max(0, min(d, int64(len(g.offsets[z])-1)))
	return g.offsets[z][d]
}

// hourIn returns a time of day drawn from prof, in milliseconds.
func (g *generator) hourIn(prof *hourProfile) int64 {
	x := g.rng.Float64()
	h := 0
	for h < 23 && prof[h] <= x {
		h++
	}
	return int64(h)*hour + g.rng.Int64N(hour)
}

// onDay returns a time on the local day that contains t, drawn from prof.
func (g *generator) onDay(c *country, t int64, prof *hourProfile) int64 {
	off := g.offset(c.zone, t)
	local := t + off
	midnight := local - ((local%day)+day)%day
	return midnight + g.hourIn(prof) - off
}

// after returns a time about gap after t, on a local hour drawn from
// prof when the gap is a day or more, and always at least 10 minutes
// after t.
func (g *generator) after(c *country, t, gap int64, prof *hourProfile) int64 {
	if gap < 20*hour {
		return t + max(gap, 10*minute)
	}
	next := g.onDay(c, t+gap, prof)
	if next < t+10*minute {
		next = t + 10*minute + g.rng.Int64N(hour)
	}
	return next
}

// workday moves a weekend time to the Monday after, most of the time:
// B2B work happens on weekdays.
func (g *generator) workday(c *country, t int64) int64 {
	local := t + g.offset(c.zone, t)
	weekday := (local/day + 4) % 7 // 1970-01-01 was a Thursday
	switch {
	case weekday == 6 && g.chance(0.85):
		return t + 2*day
	case weekday == 0 && g.chance(0.85):
		return t + day
	}
	return t
}
