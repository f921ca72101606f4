package channel

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/waymark-analytics/waymark"
)

const (
	direct        = waymark.ChannelDirect
	organicSearch = waymark.ChannelOrganicSearch
	paidSearch    = waymark.ChannelPaidSearch
	organicSocial = waymark.ChannelOrganicSocial
	paidSocial    = waymark.ChannelPaidSocial
	email         = waymark.ChannelEmail
	referral      = waymark.ChannelReferral
	display       = waymark.ChannelDisplay
	affiliate     = waymark.ChannelAffiliate
	other         = waymark.ChannelOther
)

type classifyTest struct {
	name     string
	utm      waymark.Campaign // context.campaign as sent
	page     string
	referrer string
	want     waymark.Campaign
}

// Pages are on shop.example.com unless a case needs otherwise.
var classifyTests = []classifyTest{
	// Direct.
	{name: "typed address", page: "https://shop.example.com/",
		want: waymark.Campaign{Channel: direct}},
	{name: "bookmark with ordinary query", page: "https://shop.example.com/search?q=boots&page=2",
		want: waymark.Campaign{Channel: direct}},
	{name: "tagged (direct)/(none)", utm: waymark.Campaign{Source: "(direct)", Medium: "(none)"},
		page: "https://shop.example.com/",
		want: waymark.Campaign{Source: "(direct)", Medium: "(none)", Channel: direct}},
	{name: "internal navigation", page: "https://shop.example.com/cart", referrer: "https://shop.example.com/products/boots",
		want: waymark.Campaign{Channel: direct}},
	{name: "internal, www and bare host", page: "https://example.com/pricing", referrer: "https://www.example.com/",
		want: waymark.Campaign{Channel: direct}},
	{name: "internal, subdomain of the site", page: "https://shop.example.com/", referrer: "https://example.com/blog/new-range",
		want: waymark.Campaign{Channel: direct}},
	{name: "internal, host case and port differ", page: "https://shop.example.com/", referrer: "HTTPS://Shop.Example.com:443/a",
		want: waymark.Campaign{Channel: direct}},
	{name: "mobile screen, nothing known",
		want: waymark.Campaign{Channel: direct}},

	// Organic Search.
	{name: "google.com", page: "https://shop.example.com/boots", referrer: "https://www.google.com/",
		want: waymark.Campaign{Source: "google", Medium: "organic", Channel: organicSearch}},
	{name: "google.co.uk", page: "https://shop.example.com/", referrer: "https://www.google.co.uk/",
		want: waymark.Campaign{Source: "google", Medium: "organic", Channel: organicSearch}},
	{name: "google.com.au with path", page: "https://shop.example.com/", referrer: "https://www.google.com.au/search?q=boots",
		want: waymark.Campaign{Source: "google", Medium: "organic", Channel: organicSearch}},
	{name: "google images", page: "https://shop.example.com/", referrer: "https://images.google.de/",
		want: waymark.Campaign{Source: "google", Medium: "organic", Channel: organicSearch}},
	{name: "google android app", page: "https://shop.example.com/",
		referrer: "android-app://com.google.android.googlequicksearchbox/https/www.google.com",
		want:     waymark.Campaign{Source: "google", Medium: "organic", Channel: organicSearch}},
	{name: "bing", page: "https://shop.example.com/", referrer: "https://www.bing.com/search?q=waymark&form=QBLH",
		want: waymark.Campaign{Source: "bing", Medium: "organic", Channel: organicSearch}},
	{name: "bing china", page: "https://shop.example.com/", referrer: "https://cn.bing.com/",
		want: waymark.Campaign{Source: "bing", Medium: "organic", Channel: organicSearch}},
	{name: "duckduckgo", page: "https://shop.example.com/", referrer: "https://duckduckgo.com/",
		want: waymark.Campaign{Source: "duckduckgo", Medium: "organic", Channel: organicSearch}},
	{name: "yahoo redirector", page: "https://shop.example.com/",
		referrer: "https://r.search.yahoo.com/_ylt=AwrFQ;_ylu=Y29sbwNiZjEE/RV=2/RE=1716/RO=10/RU=https%3a%2f%2fshop.example.com%2f/RK=2/RS=x-",
		want:     waymark.Campaign{Source: "yahoo", Medium: "organic", Channel: organicSearch}},
	{name: "yahoo japan", page: "https://shop.example.com/", referrer: "https://search.yahoo.co.jp/search?p=boots",
		want: waymark.Campaign{Source: "yahoo", Medium: "organic", Channel: organicSearch}},
	{name: "yandex.ru", page: "https://shop.example.com/", referrer: "https://yandex.ru/search/?text=boots&lr=213",
		want: waymark.Campaign{Source: "yandex", Medium: "organic", Channel: organicSearch}},
	{name: "yandex.com.tr", page: "https://shop.example.com/", referrer: "https://yandex.com.tr/",
		want: waymark.Campaign{Source: "yandex", Medium: "organic", Channel: organicSearch}},
	{name: "ecosia", page: "https://shop.example.com/", referrer: "https://www.ecosia.org/",
		want: waymark.Campaign{Source: "ecosia", Medium: "organic", Channel: organicSearch}},
	{name: "baidu", page: "https://shop.example.com/", referrer: "https://www.baidu.com/link?url=abc&wd=&eqid=9f",
		want: waymark.Campaign{Source: "baidu", Medium: "organic", Channel: organicSearch}},
	{name: "naver mobile", page: "https://shop.example.com/", referrer: "https://m.search.naver.com/search.naver?query=boots",
		want: waymark.Campaign{Source: "naver", Medium: "organic", Channel: organicSearch}},
	{name: "seznam", page: "https://shop.example.com/", referrer: "https://search.seznam.cz/?q=boty",
		want: waymark.Campaign{Source: "seznam", Medium: "organic", Channel: organicSearch}},
	{name: "brave search", page: "https://shop.example.com/", referrer: "https://search.brave.com/",
		want: waymark.Campaign{Source: "brave", Medium: "organic", Channel: organicSearch}},
	{name: "utm_source=google without medium", page: "https://shop.example.com/?utm_source=google",
		want: waymark.Campaign{Source: "google", Channel: organicSearch}},
	{name: "medium organic keeps case", page: "https://shop.example.com/?utm_source=Bing&utm_medium=Organic",
		want: waymark.Campaign{Source: "Bing", Medium: "Organic", Channel: organicSearch}},

	// Paid Search.
	{name: "gclid from google", page: "https://shop.example.com/boots?gclid=Cj0KCQjw_qexBhCoARIsAFgBleu5", referrer: "https://www.google.com/",
		want: waymark.Campaign{Source: "google", Medium: "cpc", ClickID: "gclid", Channel: paidSearch}},
	{name: "gclid, referrer stripped", page: "https://shop.example.com/?gclid=EAIaIQobChMI",
		want: waymark.Campaign{Source: "google", Medium: "cpc", ClickID: "gclid", Channel: paidSearch}},
	{name: "gad_source and gclid: gclid wins", page: "https://shop.example.com/?gad_source=1&gclid=Cj0KCQjw",
		want: waymark.Campaign{Source: "google", Medium: "cpc", ClickID: "gclid", Channel: paidSearch}},
	{name: "gad_source only", page: "https://shop.example.com/?gad_source=1", referrer: "https://www.google.com/",
		want: waymark.Campaign{Source: "google", Medium: "cpc", ClickID: "gad_source", Channel: paidSearch}},
	{name: "gbraid", page: "https://shop.example.com/?gbraid=0AAAAADx8f&gad_source=1",
		want: waymark.Campaign{Source: "google", Medium: "cpc", ClickID: "gbraid", Channel: paidSearch}},
	{name: "wbraid", page: "https://shop.example.com/?wbraid=CjkKCQjw",
		want: waymark.Campaign{Source: "google", Medium: "cpc", ClickID: "wbraid", Channel: paidSearch}},
	{name: "upper-case GCLID", page: "https://shop.example.com/?GCLID=abc",
		want: waymark.Campaign{Source: "google", Medium: "cpc", ClickID: "gclid", Channel: paidSearch}},
	{name: "msclkid", page: "https://shop.example.com/?msclkid=7f1c8b2e9d3a4f5b", referrer: "https://www.bing.com/",
		want: waymark.Campaign{Source: "bing", Medium: "cpc", ClickID: "msclkid", Channel: paidSearch}},
	{name: "msclkid with Microsoft's auto UTMs",
		page: "https://shop.example.com/?utm_source=bing&utm_medium=cpc&utm_campaign=Brand%20-%20UK&utm_term=waymark&utm_content=Ad%20group%201&msclkid=7f1c",
		want: waymark.Campaign{Source: "bing", Medium: "cpc", Name: "Brand - UK", Term: "waymark", Content: "Ad group 1", ClickID: "msclkid", Channel: paidSearch}},
	{name: "yclid", page: "https://shop.example.com/?yclid=5432109876",
		want: waymark.Campaign{Source: "yandex", Medium: "cpc", ClickID: "yclid", Channel: paidSearch}},
	{name: "utm google cpc",
		page: "https://shop.example.com/landing?utm_source=google&utm_medium=cpc&utm_campaign=brand_uk&utm_term=waymark+analytics",
		want: waymark.Campaign{Source: "google", Medium: "cpc", Name: "brand_uk", Term: "waymark analytics", Channel: paidSearch}},
	{name: "ppc", page: "https://shop.example.com/?utm_source=bing&utm_medium=ppc",
		want: waymark.Campaign{Source: "bing", Medium: "ppc", Channel: paidSearch}},
	{name: "paid_search", page: "https://shop.example.com/?utm_source=duckduckgo&utm_medium=paid_search",
		want: waymark.Campaign{Source: "duckduckgo", Medium: "paid_search", Channel: paidSearch}},
	{name: "retargeting", page: "https://shop.example.com/?utm_source=google&utm_medium=retargeting",
		want: waymark.Campaign{Source: "google", Medium: "retargeting", Channel: paidSearch}},
	{name: "adwords alias", page: "https://shop.example.com/?utm_source=adwords&utm_medium=cpc",
		want: waymark.Campaign{Source: "adwords", Medium: "cpc", Channel: paidSearch}},
	{name: "source by first word", page: "https://shop.example.com/?utm_source=google-ads&utm_medium=CPC",
		want: waymark.Campaign{Source: "google-ads", Medium: "CPC", Channel: paidSearch}},
	{name: "from the message's context.campaign",
		utm:  waymark.Campaign{Source: "google", Medium: "cpc", Name: "spring"},
		page: "https://shop.example.com/",
		want: waymark.Campaign{Source: "google", Medium: "cpc", Name: "spring", Channel: paidSearch}},
	{name: "utm_medium only, source from the referrer", page: "https://shop.example.com/?utm_medium=cpc", referrer: "https://www.google.com/",
		want: waymark.Campaign{Source: "google", Medium: "cpc", Channel: paidSearch}},

	// Paid Social.
	{name: "facebook ad tagged", page: "https://shop.example.com/?utm_source=facebook&utm_medium=paid_social&utm_campaign=retarget_30d&fbclid=IwAR2xYz",
		referrer: "https://l.facebook.com/",
		want:     waymark.Campaign{Source: "facebook", Medium: "paid_social", Name: "retarget_30d", ClickID: "fbclid", Channel: paidSocial}},
	{name: "fbclid with paid medium only", page: "https://shop.example.com/?utm_medium=cpc&fbclid=IwAR2xYz",
		want: waymark.Campaign{Source: "facebook", Medium: "cpc", ClickID: "fbclid", Channel: paidSocial}},
	{name: "ttclid", page: "https://shop.example.com/?ttclid=E.C.P.CsIBa", referrer: "https://www.tiktok.com/",
		want: waymark.Campaign{Source: "tiktok", Medium: "paid", ClickID: "ttclid", Channel: paidSocial}},
	{name: "li_fat_id", page: "https://shop.example.com/?li_fat_id=2c0a8d0e-4c1f-4b0e",
		want: waymark.Campaign{Source: "linkedin", Medium: "paid", ClickID: "li_fat_id", Channel: paidSocial}},
	{name: "twclid", page: "https://shop.example.com/?twclid=2-6q0c8z", referrer: "https://t.co/",
		want: waymark.Campaign{Source: "twitter", Medium: "paid", ClickID: "twclid", Channel: paidSocial}},
	{name: "ScCid", page: "https://shop.example.com/?ScCid=8f2a1c", referrer: "",
		want: waymark.Campaign{Source: "snapchat", Medium: "paid", ClickID: "ScCid", Channel: paidSocial}},
	{name: "sccid lower case", page: "https://shop.example.com/?sccid=8f2a1c",
		want: waymark.Campaign{Source: "snapchat", Medium: "paid", ClickID: "ScCid", Channel: paidSocial}},
	{name: "epik", page: "https://shop.example.com/?epik=dj0yJnU9S2RL", referrer: "https://www.pinterest.com/",
		want: waymark.Campaign{Source: "pinterest", Medium: "paid", ClickID: "epik", Channel: paidSocial}},
	{name: "rdt_cid", page: "https://shop.example.com/?rdt_cid=4455667788",
		want: waymark.Campaign{Source: "reddit", Medium: "paid", ClickID: "rdt_cid", Channel: paidSocial}},
	{name: "instagram alias", page: "https://shop.example.com/?utm_source=ig&utm_medium=cpc",
		want: waymark.Campaign{Source: "ig", Medium: "cpc", Channel: paidSocial}},
	{name: "cpm on a social network is paid social", page: "https://shop.example.com/?utm_source=facebook&utm_medium=cpm",
		want: waymark.Campaign{Source: "facebook", Medium: "cpm", Channel: paidSocial}},
	{name: "youtube video ads", page: "https://shop.example.com/?utm_source=youtube&utm_medium=cpv",
		want: waymark.Campaign{Source: "youtube", Medium: "cpv", Channel: paidSocial}},
	{name: "source first word fb", page: "https://shop.example.com/?utm_source=fb_ads&utm_medium=paid",
		want: waymark.Campaign{Source: "fb_ads", Medium: "paid", Channel: paidSocial}},
	{name: "source as a host", page: "https://shop.example.com/?utm_source=m.facebook.com&utm_medium=paid",
		want: waymark.Campaign{Source: "m.facebook.com", Medium: "paid", Channel: paidSocial}},

	// Organic Social.
	{name: "fbclid from a shared link", page: "https://shop.example.com/blog/boots?fbclid=IwAR3kL", referrer: "https://l.facebook.com/",
		want: waymark.Campaign{Source: "facebook", ClickID: "fbclid", Channel: organicSocial}},
	{name: "fbclid, no referrer", page: "https://shop.example.com/?fbclid=IwAR3kL",
		want: waymark.Campaign{Source: "facebook", ClickID: "fbclid", Channel: organicSocial}},
	{name: "m.facebook.com", page: "https://shop.example.com/", referrer: "https://m.facebook.com/",
		want: waymark.Campaign{Source: "facebook", Medium: "social", Channel: organicSocial}},
	{name: "facebook app", page: "https://shop.example.com/", referrer: "android-app://com.facebook.katana/",
		want: waymark.Campaign{Source: "facebook", Medium: "social", Channel: organicSocial}},
	{name: "instagram link shim", page: "https://shop.example.com/", referrer: "https://l.instagram.com/",
		want: waymark.Campaign{Source: "instagram", Medium: "social", Channel: organicSocial}},
	{name: "t.co", page: "https://shop.example.com/", referrer: "https://t.co/AbC123xyz",
		want: waymark.Campaign{Source: "twitter", Medium: "social", Channel: organicSocial}},
	{name: "x.com", page: "https://shop.example.com/", referrer: "https://x.com/",
		want: waymark.Campaign{Source: "twitter", Medium: "social", Channel: organicSocial}},
	{name: "lnkd.in", page: "https://shop.example.com/", referrer: "https://lnkd.in/eXyZ",
		want: waymark.Campaign{Source: "linkedin", Medium: "social", Channel: organicSocial}},
	{name: "linkedin feed", page: "https://shop.example.com/", referrer: "https://www.linkedin.com/feed/",
		want: waymark.Campaign{Source: "linkedin", Medium: "social", Channel: organicSocial}},
	{name: "linkedin app", page: "https://shop.example.com/", referrer: "android-app://com.linkedin.android/",
		want: waymark.Campaign{Source: "linkedin", Medium: "social", Channel: organicSocial}},
	{name: "reddit outbound", page: "https://shop.example.com/", referrer: "https://out.reddit.com/t3_1abc?url=https%3A%2F%2Fshop.example.com",
		want: waymark.Campaign{Source: "reddit", Medium: "social", Channel: organicSocial}},
	{name: "youtube", page: "https://shop.example.com/", referrer: "https://www.youtube.com/",
		want: waymark.Campaign{Source: "youtube", Medium: "social", Channel: organicSocial}},
	{name: "pinterest country subdomain", page: "https://shop.example.com/", referrer: "https://uk.pinterest.com/",
		want: waymark.Campaign{Source: "pinterest", Medium: "social", Channel: organicSocial}},
	{name: "pinterest country domain", page: "https://shop.example.com/", referrer: "https://www.pinterest.co.uk/pin/1234/",
		want: waymark.Campaign{Source: "pinterest", Medium: "social", Channel: organicSocial}},
	{name: "hacker news", page: "https://shop.example.com/", referrer: "https://news.ycombinator.com/item?id=40000000",
		want: waymark.Campaign{Source: "hackernews", Medium: "social", Channel: organicSocial}},
	{name: "tiktok", page: "https://shop.example.com/", referrer: "https://www.tiktok.com/",
		want: waymark.Campaign{Source: "tiktok", Medium: "social", Channel: organicSocial}},
	{name: "social medium", page: "https://shop.example.com/?utm_source=partner_blog&utm_medium=social-media",
		want: waymark.Campaign{Source: "partner_blog", Medium: "social-media", Channel: organicSocial}},
	{name: "linkedin tagged social", page: "https://shop.example.com/?utm_source=linkedin&utm_medium=social&utm_campaign=launch",
		want: waymark.Campaign{Source: "linkedin", Medium: "social", Name: "launch", Channel: organicSocial}},
	{name: "source case kept", page: "https://shop.example.com/?utm_source=Facebook",
		want: waymark.Campaign{Source: "Facebook", Channel: organicSocial}},
	{name: "social wins over organic medium", page: "https://shop.example.com/?utm_source=facebook&utm_medium=organic",
		want: waymark.Campaign{Source: "facebook", Medium: "organic", Channel: organicSocial}},

	// Email.
	{name: "newsletter", page: "https://shop.example.com/?utm_source=newsletter&utm_medium=email&utm_campaign=2024-05-digest&utm_content=hero-cta",
		want: waymark.Campaign{Source: "newsletter", Medium: "email", Name: "2024-05-digest", Content: "hero-cta", Channel: email}},
	{name: "e-mail medium", page: "https://shop.example.com/?utm_source=klaviyo&utm_medium=e-mail",
		want: waymark.Campaign{Source: "klaviyo", Medium: "e-mail", Channel: email}},
	{name: "e mail with a space", page: "https://shop.example.com/?utm_source=crm&utm_medium=e%20mail",
		want: waymark.Campaign{Source: "crm", Medium: "e mail", Channel: email}},
	{name: "email source", page: "https://shop.example.com/?utm_source=email",
		want: waymark.Campaign{Source: "email", Channel: email}},
	{name: "upper case kept", page: "https://shop.example.com/?utm_source=Mailchimp&utm_medium=Email",
		want: waymark.Campaign{Source: "Mailchimp", Medium: "Email", Channel: email}},
	{name: "gmail web", page: "https://shop.example.com/", referrer: "https://mail.google.com/",
		want: waymark.Campaign{Source: "gmail", Medium: "email", Channel: email}},
	{name: "gmail app", page: "https://shop.example.com/", referrer: "android-app://com.google.android.gm",
		want: waymark.Campaign{Source: "gmail", Medium: "email", Channel: email}},
	{name: "outlook web", page: "https://shop.example.com/", referrer: "https://outlook.live.com/",
		want: waymark.Campaign{Source: "outlook", Medium: "email", Channel: email}},
	{name: "yahoo mail is not yahoo search", page: "https://shop.example.com/", referrer: "https://mail.yahoo.com/d/folders/1",
		want: waymark.Campaign{Source: "yahoo-mail", Medium: "email", Channel: email}},
	{name: "email medium, source from referrer", page: "https://shop.example.com/?utm_medium=email", referrer: "https://mailchi.mp/example/may",
		want: waymark.Campaign{Source: "mailchi.mp", Medium: "email", Channel: email}},

	// Referral.
	{name: "blog link", page: "https://shop.example.com/", referrer: "https://www.producthunt.com/posts/waymark",
		want: waymark.Campaign{Source: "producthunt.com", Medium: "referral", Channel: referral}},
	{name: "google docs is not search", page: "https://shop.example.com/", referrer: "https://docs.google.com/document/d/1x/edit",
		want: waymark.Campaign{Source: "docs.google.com", Medium: "referral", Channel: referral}},
	{name: "yahoo news is not search", page: "https://shop.example.com/", referrer: "https://news.yahoo.com/",
		want: waymark.Campaign{Source: "news.yahoo.com", Medium: "referral", Channel: referral}},
	{name: "lookalike of google", page: "https://shop.example.com/", referrer: "https://www.notgoogle.com/",
		want: waymark.Campaign{Source: "notgoogle.com", Medium: "referral", Channel: referral}},
	{name: "google as a subdomain", page: "https://shop.example.com/", referrer: "https://google.example.org/",
		want: waymark.Campaign{Source: "google.example.org", Medium: "referral", Channel: referral}},
	{name: "lookalike of t.co", page: "https://shop.example.com/", referrer: "https://accept.co/",
		want: waymark.Campaign{Source: "accept.co", Medium: "referral", Channel: referral}},
	{name: "AI assistant", page: "https://shop.example.com/", referrer: "https://chatgpt.com/",
		want: waymark.Campaign{Source: "chatgpt.com", Medium: "referral", Channel: referral}},
	{name: "sibling subdomain", page: "https://app.example.com/", referrer: "https://blog.example.com/post/1",
		want: waymark.Campaign{Source: "blog.example.com", Medium: "referral", Channel: referral}},
	{name: "host case, port and userinfo", page: "https://shop.example.com/", referrer: "https://user:pw@WWW.Partner.ORG:8443/Path",
		want: waymark.Campaign{Source: "partner.org", Medium: "referral", Channel: referral}},
	{name: "referrer without scheme", page: "https://shop.example.com/", referrer: "www.partner.com/page?x=1",
		want: waymark.Campaign{Source: "partner.com", Medium: "referral", Channel: referral}},
	{name: "IPv4 referrer", page: "https://shop.example.com/", referrer: "http://192.0.2.10:8080/",
		want: waymark.Campaign{Source: "192.0.2.10", Medium: "referral", Channel: referral}},
	{name: "IPv6 referrer", page: "https://shop.example.com/", referrer: "http://[2001:DB8::1]:8080/",
		want: waymark.Campaign{Source: "[2001:db8::1]", Medium: "referral", Channel: referral}},
	{name: "tagged referral", page: "https://shop.example.com/?utm_source=partner.example.org&utm_medium=referral",
		want: waymark.Campaign{Source: "partner.example.org", Medium: "referral", Channel: referral}},
	{name: "app medium", page: "https://shop.example.com/?utm_source=companion&utm_medium=app",
		want: waymark.Campaign{Source: "companion", Medium: "app", Channel: referral}},
	{name: "referrer on a mobile screen", page: "", referrer: "https://partner.example.net/",
		want: waymark.Campaign{Source: "partner.example.net", Medium: "referral", Channel: referral}},

	// Display.
	{name: "display", page: "https://shop.example.com/?utm_source=criteo&utm_medium=display&utm_campaign=retarget",
		want: waymark.Campaign{Source: "criteo", Medium: "display", Name: "retarget", Channel: display}},
	{name: "banner", page: "https://shop.example.com/?utm_source=dv360&utm_medium=banner",
		want: waymark.Campaign{Source: "dv360", Medium: "banner", Channel: display}},
	{name: "cpm off the lists", page: "https://shop.example.com/?utm_source=taboola&utm_medium=cpm",
		want: waymark.Campaign{Source: "taboola", Medium: "cpm", Channel: display}},
	{name: "interstitial", page: "https://shop.example.com/?utm_source=admob&utm_medium=interstitial",
		want: waymark.Campaign{Source: "admob", Medium: "interstitial", Channel: display}},
	{name: "dclid", page: "https://shop.example.com/?dclid=CjgKEAjw",
		want: waymark.Campaign{Source: "google", Medium: "display", ClickID: "dclid", Channel: display}},

	// Affiliate.
	{name: "affiliate", page: "https://shop.example.com/?utm_source=awin&utm_medium=affiliate&utm_campaign=123456",
		want: waymark.Campaign{Source: "awin", Medium: "affiliate", Name: "123456", Channel: affiliate}},
	{name: "impact click id", page: "https://shop.example.com/?irclickid=QWE1a2b3c&irgwc=1",
		want: waymark.Campaign{Source: "impact", Medium: "affiliate", ClickID: "irclickid", Channel: affiliate}},
	{name: "cj click id", page: "https://shop.example.com/?cjevent=8f7e6d5c4b3a", referrer: "https://www.anrdoezrs.net/",
		want: waymark.Campaign{Source: "cj", Medium: "affiliate", ClickID: "cjevent", Channel: affiliate}},

	// Other.
	{name: "paid off the lists", page: "https://shop.example.com/?utm_source=taboola&utm_medium=cpc",
		want: waymark.Campaign{Source: "taboola", Medium: "cpc", Channel: other}},
	{name: "unknown source only", page: "https://shop.example.com/?utm_source=newsletter",
		want: waymark.Campaign{Source: "newsletter", Channel: other}},
	{name: "sms", page: "https://shop.example.com/?utm_source=attentive&utm_medium=sms",
		want: waymark.Campaign{Source: "attentive", Medium: "sms", Channel: other}},
	{name: "push", page: "https://shop.example.com/?utm_source=onesignal&utm_medium=web_push",
		want: waymark.Campaign{Source: "onesignal", Medium: "web_push", Channel: other}},
	{name: "campaign name only", page: "https://shop.example.com/?utm_campaign=spring_sale",
		want: waymark.Campaign{Name: "spring_sale", Channel: other}},
	{name: "gclid does not overrule a contradicting source", page: "https://shop.example.com/?utm_source=newsletter&gclid=Cj0K",
		want: waymark.Campaign{Source: "newsletter", ClickID: "gclid", Channel: other}},

	// Precedence and parsing.
	{name: "message beats URL",
		utm:  waymark.Campaign{Source: "newsletter", Medium: "email"},
		page: "https://shop.example.com/?utm_source=twitter&utm_medium=social",
		want: waymark.Campaign{Source: "newsletter", Medium: "email", Channel: email}},
	{name: "URL fills what the message lacks",
		utm:  waymark.Campaign{Name: "spring"},
		page: "https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=ignored",
		want: waymark.Campaign{Source: "google", Medium: "cpc", Name: "spring", Channel: paidSearch}},
	{name: "message values trimmed",
		utm:  waymark.Campaign{Source: " facebook ", Medium: "paid\n"},
		want: waymark.Campaign{Source: "facebook", Medium: "paid", Channel: paidSocial}},
	{name: "message click id kept",
		utm:  waymark.Campaign{ClickID: "gclid"},
		page: "https://shop.example.com/",
		want: waymark.Campaign{Source: "google", Medium: "cpc", ClickID: "gclid", Channel: paidSearch}},
	{name: "tags beat the referrer", page: "https://shop.example.com/?utm_source=partner&utm_medium=referral", referrer: "https://www.google.com/",
		want: waymark.Campaign{Source: "partner", Medium: "referral", Channel: referral}},
	{name: "first of a repeated parameter", page: "https://shop.example.com/?utm_source=a.example&utm_source=google",
		want: waymark.Campaign{Source: "a.example", Channel: other}},
	{name: "empty parameter ignored", page: "https://shop.example.com/?utm_source=&utm_medium=", referrer: "https://www.google.com/",
		want: waymark.Campaign{Source: "google", Medium: "organic", Channel: organicSearch}},
	{name: "escapes decoded", page: "https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=Summer+Sale%202024&utm_term=caf%C3%A9",
		want: waymark.Campaign{Source: "google", Medium: "cpc", Name: "Summer Sale 2024", Term: "café", Channel: paidSearch}},
	{name: "bad escape kept as sent", page: "https://shop.example.com/?utm_source=google&utm_campaign=100%off",
		want: waymark.Campaign{Source: "google", Name: "100%off", Channel: organicSearch}},
	{name: "invalid UTF-8 replaced", page: "https://shop.example.com/?utm_source=google&utm_term=%ff",
		want: waymark.Campaign{Source: "google", Term: "\uFFFD", Channel: organicSearch}},
	{name: "fragment not read", page: "https://shop.example.com/?utm_source=google#utm_medium=cpc",
		want: waymark.Campaign{Source: "google", Channel: organicSearch}},
	{name: "upper-case parameter names", page: "https://shop.example.com/?UTM_SOURCE=Google&Utm_Medium=CPC",
		want: waymark.Campaign{Source: "Google", Medium: "CPC", Channel: paidSearch}},
	{name: "utm_id and others ignored", page: "https://shop.example.com/?utm_id=123&utm_source_platform=sa360&utm_source=google",
		want: waymark.Campaign{Source: "google", Channel: organicSearch}},

	// Malformed input: no panic, a sensible channel.
	{name: "garbage everywhere", page: "::::", referrer: "::::",
		want: waymark.Campaign{Channel: direct}},
	{name: "referrer with spaces", page: "https://shop.example.com/", referrer: "not a url at all",
		want: waymark.Campaign{Channel: direct}},
	{name: "about:blank", page: "https://shop.example.com/", referrer: "about:blank",
		want: waymark.Campaign{Channel: direct}},
	{name: "javascript referrer", page: "https://shop.example.com/", referrer: "javascript:alert(1)",
		want: waymark.Campaign{Channel: direct}},
	{name: "scheme only", page: "https://shop.example.com/", referrer: "http://",
		want: waymark.Campaign{Channel: direct}},
	{name: "unclosed IPv6", page: "https://shop.example.com/", referrer: "http://[::1",
		want: waymark.Campaign{Channel: direct}},
	{name: "empty labels", page: "https://shop.example.com/", referrer: "https://..com/",
		want: waymark.Campaign{Channel: direct}},
	{name: "bare query noise", page: "https://shop.example.com/?&&=&utm_source&==x&gclid",
		want: waymark.Campaign{Channel: direct}},
	{name: "relative page URL", page: "/pricing?utm_source=google&utm_medium=cpc",
		want: waymark.Campaign{Source: "google", Medium: "cpc", Channel: paidSearch}},
	{name: "unescapable source", page: "%%%?utm_source=%zz",
		want: waymark.Campaign{Source: "%zz", Channel: other}},
}

func TestClassify(t *testing.T) {
	for _, tt := range classifyTests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(tt.utm, tt.page, tt.referrer)
			if got != tt.want {
				t.Errorf("Classify(%+v, %q, %q)\n got %+v\nwant %+v", tt.utm, tt.page, tt.referrer, got, tt.want)
			}
		})
	}
}

// TestEveryGroupReached keeps the table honest: every channel group has at
// least one case.
func TestEveryGroupReached(t *testing.T) {
	seen := map[string]bool{}
	for _, tt := range classifyTests {
		seen[tt.want.Channel] = true
	}
	for _, g := range groups {
		if !seen[g] {
			t.Errorf("no test case classifies as %q", g)
		}
	}
}

// TestEveryClickIDInferred checks each click id on its own gives its own
// source and medium and a channel that agrees with the medium.
func TestEveryClickIDInferred(t *testing.T) {
	for _, id := range clickIDs {
		got := Classify(waymark.Campaign{}, "https://shop.example.com/?"+id.param+"=abc123", "")
		if got.ClickID != id.param || got.Source != id.source || got.Medium != id.medium {
			t.Errorf("%s: got %+v", id.param, got)
		}
		if got.Channel == direct || got.Channel == other {
			t.Errorf("%s: channel %q", id.param, got.Channel)
		}
	}
}

// TestListsDoNotClash guards against one name or domain being listed under
// two sites, where the later would silently win.
func TestListsDoNotClash(t *testing.T) {
	names, domains := map[string]string{}, map[string]string{}
	for _, defs := range [][]siteDef{searchEngines, socialNetworks, webmail} {
		for _, d := range defs {
			for _, n := range append([]string{d.name}, d.aliases...) {
				if prev, ok := names[n]; ok {
					t.Errorf("name %q listed for %s and %s", n, prev, d.name)
				}
				names[n] = d.name
			}
			for _, dom := range d.domains {
				if prev, ok := domains[dom]; ok {
					t.Errorf("domain %q listed for %s and %s", dom, prev, d.name)
				}
				domains[dom] = d.name
			}
		}
	}
}

// TestDocsList checks that docs/channels.md, which marketers read, names
// every click id and every listed site, alias and domain.
func TestDocsList(t *testing.T) {
	doc, err := os.ReadFile("../docs/channels.md")
	if err != nil {
		t.Fatal(err)
	}
	mentioned := func(s string) {
		if !strings.Contains(string(doc), "`"+s+"`") {
			t.Errorf("docs/channels.md does not mention `%s`", s)
		}
	}
	for _, id := range clickIDs {
		mentioned(id.param)
	}
	for _, defs := range [][]siteDef{searchEngines, socialNetworks, webmail} {
		for _, d := range defs {
			mentioned(d.name)
			for _, a := range d.aliases {
				mentioned(a)
			}
			for _, dom := range d.domains {
				mentioned(dom)
			}
		}
	}
	for _, m := range slices.Concat(displayMediums, socialMediums, referralMediums, emailWords) {
		mentioned(m)
	}
}

var groups = []string{direct, organicSearch, paidSearch, organicSocial, paidSocial, email, referral, display, affiliate, other}

func FuzzClassify(f *testing.F) {
	for _, tt := range classifyTests {
		f.Add(tt.utm.Source, tt.utm.Medium, tt.page, tt.referrer)
	}
	f.Fuzz(func(t *testing.T, source, medium, page, referrer string) {
		got := Classify(waymark.Campaign{Source: source, Medium: medium}, page, referrer)
		if !slices.Contains(groups, got.Channel) {
			t.Fatalf("channel %q is not a group", got.Channel)
		}
	})
}

var benchmarkCases = []struct {
	name          string
	utm           waymark.Campaign
	page, referer string
}{
	{name: "internal", page: "https://shop.example.com/products/boots", referer: "https://shop.example.com/"},
	{name: "direct", page: "https://shop.example.com/"},
	{name: "search", page: "https://shop.example.com/boots", referer: "https://www.google.co.uk/"},
	{name: "social", page: "https://shop.example.com/", referer: "https://l.facebook.com/"},
	{name: "referral", page: "https://shop.example.com/", referer: "https://www.producthunt.com/posts/waymark"},
	{name: "gclid", page: "https://shop.example.com/boots?gad_source=1&gclid=Cj0KCQjw_qexBhCoARIsAFgBleu5", referer: "https://www.google.com/"},
	{name: "utm", page: "https://shop.example.com/?utm_source=newsletter&utm_medium=email&utm_campaign=2024-05-digest&utm_content=hero"},
	{name: "context", utm: waymark.Campaign{Source: "facebook", Medium: "paid_social", Name: "retarget"}, page: "https://shop.example.com/?fbclid=IwAR2xYz"},
}

func BenchmarkClassify(b *testing.B) {
	for _, bc := range benchmarkCases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Classify(bc.utm, bc.page, bc.referer)
			}
		})
	}
}
