package demo

// The Acme Journeys mobile app, for iOS and Android: screens and app
// lifecycle events, and an identify when the user logs in.

const (
	appVersion = "4.2.1"
	appBuild   = "4210"
)

// appDevice returns a new app install of the person.
func (g *generator) appDevice(p *person, ios bool) *device {
	d := &device{kind: androidApp, anonID: g.newAnonymousID(), userFrom: maxTime}
	if ios {
		d.kind = iosApp
	}
	c := p.country
	var b []byte
	b = append(b, `{"app":{"build":"`+appBuild+`","name":"Acme Journeys","namespace":"com.acmejourneys.app","version":"`+appVersion+`"},"device":{"id":"`...)
	b = append(b, g.uuid()...)
	if ios {
		b = append(b, `","manufacturer":"Apple","model":"`...)
		b = append(b, oneOf(g, []string{"iPhone15,2", "iPhone15,4", "iPhone16,1", "iPhone14,5"})...)
		b = append(b, `","type":"ios"}`...)
	} else {
		b = append(b, `","manufacturer":"Google","model":"Pixel 8","type":"android"}`...)
	}
	n := oneOf(g, c.mobileIPs)
	b = append(b, `,"ip":"`...)
	b = append(b, n.prefix...)
	b = appendOctets(b, g.rng.IntN(256), 1+g.rng.IntN(254))
	b = append(b, `",`+libraryContext+`,"locale":"`...)
	b = append(b, c.locale...)
	b = append(b, `",`...)
	b = appendLocation(b, c, n)
	b = append(b, `,"network":{"cellular":true,"wifi":false},"os":`...)
	if ios {
		b = append(b, `{"name":"iOS","version":"18.0"},"screen":{"height":852,"width":393}`...)
	} else {
		b = append(b, `{"name":"Android","version":"14"},"screen":{"height":2400,"width":1080}`...)
	}
	b = append(b, `,"timezone":"`...)
	b = append(b, c.timezone...)
	b = append(b, '"')
	if !ios {
		b = append(b, `,"userAgent":"`+androidAppUA+`"`...)
	}
	b = append(b, '}')
	d.context = string(b)
	p.app = d
	return d
}

func (g *generator) appMessage(d *device, t int64, typ msgType, name string, props span) {
	user := ""
	if t >= d.userFrom {
		user = d.userID
	}
	g.add(msg{ts: t, typ: typ, name: name, userID: user, anonID: d.anonID, props: props, fixed: d.context})
}

func (g *generator) appProps(background bool) span {
	o := g.object()
	g.str("version", appVersion)
	g.str("build", appBuild)
	g.boolean("from_background", background)
	return g.done(o)
}

// installApp is a member installing the app at t and logging in.
func (g *generator) installApp(m *member, t int64) {
	if t >= g.end {
		return
	}
	p := m.p
	d := g.appDevice(p, g.chance(0.55))
	m.appFrom = t
	o := g.object()
	g.str("version", appVersion)
	g.str("build", appBuild)
	g.appMessage(d, t, typeTrack, "Application Installed", g.done(o))
	t += 2 * second
	g.appMessage(d, t, typeTrack, "Application Opened", g.appProps(false))
	t += 3 * second
	g.appMessage(d, t, typeScreen, "Welcome", span{})
	t += g.lognormal(15*second, 0.5)
	g.appMessage(d, t, typeScreen, "Log In", span{})
	t += g.lognormal(30*second, 0.5)
	d.identified(p, t)
	o = g.object()
	g.personTraits(p)
	g.add(msg{ts: t, typ: typeIdentify, userID: p.userID, anonID: d.anonID, props: g.done(o), fixed: d.context})
	t += 2 * second
	g.appMessage(d, t, typeScreen, "Dashboard", span{})
}

// appUse is a member checking their journeys on the phone.
func (g *generator) appUse(m *member, t int64) {
	d := m.p.app
	g.appMessage(d, t, typeTrack, "Application Opened", g.appProps(true))
	t += 2 * second
	g.appMessage(d, t, typeScreen, "Dashboard", span{})
	if g.chance(0.6) {
		t += g.lognormal(40*second, 0.7)
		g.appMessage(d, t, typeScreen, "Journey Map", span{})
	}
	if g.chance(0.5) {
		t += g.lognormal(30*second, 0.7)
		o := g.object()
		g.str("feature", pick(g, features))
		g.str("platform", d.kind.String())
		g.appMessage(d, t, typeTrack, "Feature Used", g.done(o))
	}
}
