package channel

import "strings"

// The lists below are what docs/channels.md shows marketers; change both
// together.

// kind is what a known site is, for channel purposes.
type kind uint8

const (
	kindNone kind = iota
	kindSearch
	kindSocial
	kindEmail
	kindUnknown // not yet looked up
)

// site is one search engine, social network or webmail service.
type site struct {
	name string // the source Waymark reports, e.g. "google"
	kind kind
}

// siteDef lists the ways a site shows up: as a utm_source word (name and
// aliases) and as a referrer or utm_source host (domains, brand).
type siteDef struct {
	name    string
	aliases []string
	// domains match the host itself and every subdomain of it, so
	// "facebook.com" covers m.facebook.com and l.facebook.com. Android app
	// ids are listed too: an app that opens a link sends an
	// android-app://<id> referrer.
	domains []string
	// brand matches <brand>.<country domain>, e.g. google.co.uk or
	// pinterest.de, for sites with too many country domains to list.
	brand string
	// anySubdomain lets a brand match under any subdomain; otherwise only
	// the bare domain and www., m. and images. do, so that docs.google.com
	// is a referral and not a search engine.
	anySubdomain bool
}

var searchEngines = []siteDef{
	{name: "google", aliases: []string{"adwords", "googleads"}, brand: "google",
		domains: []string{"com.google.android.googlequicksearchbox"}},
	{name: "bing", domains: []string{"bing.com"}},
	{name: "yahoo", domains: []string{"search.yahoo.com", "search.yahoo.co.jp"}},
	{name: "duckduckgo", domains: []string{"duckduckgo.com"}},
	{name: "baidu", domains: []string{"baidu.com"}},
	{name: "yandex", domains: []string{"ya.ru"}, brand: "yandex"},
	{name: "ecosia", domains: []string{"ecosia.org"}},
	{name: "naver", domains: []string{"search.naver.com"}},
	{name: "seznam", domains: []string{"search.seznam.cz", "www.seznam.cz"}},
	{name: "brave", domains: []string{"search.brave.com"}},
	{name: "startpage", domains: []string{"startpage.com"}},
	{name: "qwant", domains: []string{"qwant.com"}},
	{name: "ask", domains: []string{"ask.com"}},
	{name: "aol", domains: []string{"search.aol.com"}},
	{name: "sogou", domains: []string{"sogou.com"}},
	{name: "daum", domains: []string{"search.daum.net"}},
	{name: "kagi", domains: []string{"kagi.com"}},
}

var socialNetworks = []siteDef{
	{name: "facebook", aliases: []string{"fb", "meta"}, domains: []string{
		"facebook.com", "fb.com", "fb.me", "messenger.com",
		"com.facebook.katana", "com.facebook.orca", "com.facebook.lite"}},
	{name: "instagram", aliases: []string{"ig"}, domains: []string{"instagram.com", "com.instagram.android"}},
	{name: "linkedin", domains: []string{"linkedin.com", "lnkd.in", "com.linkedin.android"}},
	{name: "twitter", aliases: []string{"x"}, domains: []string{"twitter.com", "x.com", "t.co", "com.twitter.android"}},
	{name: "tiktok", domains: []string{"tiktok.com", "com.zhiliaoapp.musically", "com.ss.android.ugc.trill"}},
	{name: "pinterest", domains: []string{"pin.it", "com.pinterest"}, brand: "pinterest", anySubdomain: true},
	{name: "reddit", domains: []string{"reddit.com", "redd.it", "com.reddit.frontpage"}},
	{name: "youtube", aliases: []string{"yt"}, domains: []string{"youtube.com", "youtu.be", "com.google.android.youtube"}},
	{name: "snapchat", aliases: []string{"snap"}, domains: []string{"snapchat.com", "com.snapchat.android"}},
	{name: "threads", domains: []string{"threads.net", "threads.com"}},
	{name: "bluesky", aliases: []string{"bsky"}, domains: []string{"bsky.app"}},
	{name: "mastodon", domains: []string{"mastodon.social"}},
	{name: "tumblr", domains: []string{"tumblr.com"}},
	{name: "vk", domains: []string{"vk.com"}},
	{name: "weibo", domains: []string{"weibo.com", "weibo.cn"}},
	{name: "quora", domains: []string{"quora.com"}},
	{name: "whatsapp", domains: []string{"whatsapp.com", "wa.me", "com.whatsapp"}},
	{name: "telegram", domains: []string{"t.me", "telegram.org", "org.telegram.messenger"}},
	{name: "discord", domains: []string{"discord.com", "discord.gg"}},
	{name: "hackernews", domains: []string{"news.ycombinator.com"}},
	{name: "twitch", domains: []string{"twitch.tv"}},
	{name: "vimeo", domains: []string{"vimeo.com"}},
	{name: "xing", domains: []string{"xing.com"}},
	{name: "line", domains: []string{"line.me"}},
}

// webmail is the web and app mail readers whose links would otherwise count
// as referrals. GA4 counts them as referrals; a link in an email is Email.
var webmail = []siteDef{
	{name: "gmail", domains: []string{"mail.google.com", "inbox.google.com", "com.google.android.gm"}},
	{name: "outlook", domains: []string{
		"outlook.live.com", "outlook.office.com", "outlook.office365.com", "com.microsoft.office.outlook"}},
	{name: "yahoo-mail", domains: []string{"mail.yahoo.com"}},
	{name: "proton-mail", domains: []string{"mail.proton.me"}},
}

// clickID is an ad platform's click id parameter and the source and medium
// it stands for when the URL carries no UTM tags of its own.
type clickID struct {
	param  string // as the platform writes it
	source string
	medium string // empty: the id alone does not prove a paid click
}

// clickIDs in priority order: when a URL carries several, the first listed
// wins. fbclid is last because it is the weakest signal (see medium).
var clickIDs = []clickID{
	{"gclid", "google", "cpc"},           // Google Ads
	{"gbraid", "google", "cpc"},          // Google Ads, iOS app to web
	{"wbraid", "google", "cpc"},          // Google Ads, iOS web to app
	{"gad_source", "google", "cpc"},      // Google Ads, kept when Safari strips gclid
	{"dclid", "google", "display"},       // Campaign Manager 360 / Display & Video 360
	{"msclkid", "bing", "cpc"},           // Microsoft Advertising
	{"yclid", "yandex", "cpc"},           // Yandex Direct
	{"ttclid", "tiktok", "paid"},         // TikTok Ads
	{"li_fat_id", "linkedin", "paid"},    // LinkedIn Ads
	{"twclid", "twitter", "paid"},        // X (Twitter) Ads
	{"ScCid", "snapchat", "paid"},        // Snapchat Ads
	{"epik", "pinterest", "paid"},        // Pinterest Ads
	{"rdt_cid", "reddit", "paid"},        // Reddit Ads
	{"qclid", "quora", "paid"},           // Quora Ads
	{"irclickid", "impact", "affiliate"}, // Impact affiliate network
	{"cjevent", "cj", "affiliate"},       // CJ (Commission Junction) affiliate network
	// Meta appends fbclid to outbound links from organic posts and shares
	// as well as from ads, so it names the source but not a paid medium.
	{"fbclid", "facebook", ""},
}

// Mediums and sources GA4's default channel group gives a meaning to.
var (
	displayMediums  = []string{"display", "banner", "expandable", "interstitial", "cpm"}
	socialMediums   = []string{"social", "social-network", "social-media", "sm", "social network", "social media"}
	referralMediums = []string{"referral", "app", "link"}
	emailWords      = []string{"email", "e-mail", "e_mail", "e mail"}
)

// Lookup tables built from the lists once; read-only afterwards, so safe for
// concurrent use.
var (
	siteNames   = map[string]site{}      // utm_source words
	siteDomains = map[string]site{}      // hosts and domains
	siteBrands  = map[string]brandRule{} // brand label
	clickParams = map[string]int{}       // lower-case param -> index in clickIDs
)

type brandRule struct {
	site         site
	anySubdomain bool
}

func init() {
	add := func(defs []siteDef, k kind) {
		for _, d := range defs {
			s := site{name: d.name, kind: k}
			siteNames[d.name] = s
			for _, a := range d.aliases {
				siteNames[a] = s
			}
			for _, dom := range d.domains {
				siteDomains[dom] = s
			}
			if d.brand != "" {
				siteBrands[d.brand] = brandRule{site: s, anySubdomain: d.anySubdomain}
			}
		}
	}
	add(searchEngines, kindSearch)
	add(socialNetworks, kindSocial)
	add(webmail, kindEmail)
	for _, w := range emailWords {
		siteNames[w] = site{name: w, kind: kindEmail}
	}
	for i, c := range clickIDs {
		clickParams[strings.ToLower(c.param)] = i
	}
}
