package demo

// The catalog of Acme Journeys: what the company sells, where its visitors
// come from and who they are. docs/demo.md describes the same data for
// people; keep the two in step.

const (
	siteURL = "https://www.acmejourneys.com"
	appURL  = "https://app.acmejourneys.com"

	libraryContext = `"library":{"name":"analytics-node","version":"2.1.0"}`
)

// country is where a visitor lives: language, clock, money and network.
type country struct {
	code     string
	locale   string
	timezone string
	zone     zone
	currency string
	vat      float64 // on shop orders; US sales tax is left out
	weight   float64 // share of visitors
	// fixedIPs and mobileIPs are home and mobile networks. A home network
	// is in one city; a mobile one is known by its country only.
	fixedIPs, mobileIPs []network
	firstNames          []string
	lastNames           []string
	companySuffix       string
	payment             []string // shop payment methods, most used first
}

var countries = []*country{
	{
		code: "US", locale: "en-US", timezone: "America/New_York", zone: zoneUS, currency: "USD", weight: 34,
		fixedIPs:      []network{{"73.92", "New York", "New York"}, {"73.140", "Illinois", "Chicago"}, {"24.61", "Texas", "Austin"}, {"98.210", "Washington", "Seattle"}},
		mobileIPs:     []network{{prefix: "172.56"}, {prefix: "172.58"}},
		firstNames:    []string{"Emily", "Michael", "Sarah", "David", "Jessica", "Chris", "Ashley", "Daniel", "Megan", "Ryan", "Lauren", "Kevin", "Rachel", "Jason", "Amanda", "Brian"},
		lastNames:     []string{"Johnson", "Miller", "Davis", "Garcia", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Clark", "Lewis", "Walker", "Young", "Allen", "Wright"},
		companySuffix: "Inc.", payment: []string{"card", "paypal", "apple_pay"},
	},
	{
		code: "NL", locale: "nl-NL", timezone: "Europe/Amsterdam", zone: zoneEU, currency: "EUR", vat: 0.21, weight: 22,
		fixedIPs:      []network{{"77.161", "North Holland", "Amsterdam"}, {"84.26", "South Holland", "Rotterdam"}, {"145.53", "Utrecht", "Utrecht"}, {"86.88", "North Brabant", "Eindhoven"}},
		mobileIPs:     []network{{prefix: "31.20"}, {prefix: "62.140"}},
		firstNames:    []string{"Sanne", "Daan", "Lotte", "Bram", "Femke", "Joris", "Eva", "Thijs", "Maaike", "Ruben", "Iris", "Maarten", "Anouk", "Mehmet", "Jessica", "Ilyas"},
		lastNames:     []string{"de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Wit", "Bos", "Vos", "Peters", "Hendriks", "Dekker", "van Leeuwen"},
		companySuffix: "B.V.", payment: []string{"ideal", "card", "paypal"},
	},
	{
		code: "NO", locale: "nb-NO", timezone: "Europe/Oslo", zone: zoneEU, currency: "NOK", vat: 0.25, weight: 18,
		fixedIPs:      []network{{"84.208", "Oslo", "Oslo"}, {"84.212", "Vestland", "Bergen"}, {"46.9", "Trøndelag", "Trondheim"}, {"81.166", "Rogaland", "Stavanger"}},
		mobileIPs:     []network{{prefix: "77.16"}, {prefix: "176.11"}},
		firstNames:    []string{"Ingrid", "Lars", "Kari", "Ole", "Silje", "Magnus", "Nora", "Henrik", "Ida", "Eirik", "Marte", "Sindre", "Hanne", "Jonas", "Solveig", "Anders"},
		lastNames:     []string{"Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Berg", "Haugen", "Dahl", "Lie", "Bakke", "Solberg", "Strand", "Moen"},
		companySuffix: "AS", payment: []string{"vipps", "card", "klarna"},
	},
	{
		code: "DE", locale: "de-DE", timezone: "Europe/Berlin", zone: zoneEU, currency: "EUR", vat: 0.19, weight: 16,
		fixedIPs:      []network{{"79.200", "Berlin", "Berlin"}, {"91.12", "Hamburg", "Hamburg"}, {"87.150", "Bavaria", "Munich"}, {"93.204", "North Rhine-Westphalia", "Cologne"}},
		mobileIPs:     []network{{prefix: "80.187"}, {prefix: "109.43"}},
		firstNames:    []string{"Anna", "Lukas", "Laura", "Felix", "Julia", "Jonas", "Lea", "Tobias", "Katharina", "Jan", "Sophie", "Florian", "Miriam", "Stefan", "Hannah", "Paul"},
		lastNames:     []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann"},
		companySuffix: "GmbH", payment: []string{"card", "paypal", "klarna"},
	},
}

// network is a /16 prefix of an internet provider's addresses and where
// they are, as a GeoIP database would place them.
type network struct {
	prefix, region, city string
}

// deviceKind is the kind of client a device is.
type deviceKind uint8

const (
	desktop deviceKind = iota
	mobileWeb
	tabletWeb
	iosApp
	androidApp
)

func (k deviceKind) String() string {
	return [...]string{"desktop", "mobile", "tablet", "ios", "android"}[k]
}

// userAgents by device kind, with weights: a small set, as real traffic
// repeats a few browsers (and ingest caches their parses).
var userAgents = [...][]weighted[string]{
	desktop: {
		{36, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"},
		{22, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"},
		{14, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15"},
		{14, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0"},
		{9, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0"},
		{5, "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0"},
	},
	mobileWeb: {
		{34, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"},
		{8, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/130.0.6723.90 Mobile/15E148 Safari/604.1"},
		{38, "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36"},
		{12, "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36"},
	},
	tabletWeb: {
		{1, "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1"},
	},
}

// metaInApp are the user agents of Facebook's and Instagram's in-app
// browsers, which open Meta ads on phones.
var metaInApp = []weighted[string]{
	{6, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/485.0.0.39.109;FBBV/636598473;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/18.0;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]"},
	{4, "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.86 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/485.0.0.45.106;]"},
}

// androidAppUA is what Segment's Android library sends as context.userAgent.
const androidAppUA = "Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Build/AP2A.240805.005)"

// page is a page of the web site or the web app.
type page struct {
	url      string // base + path
	base     string // siteURL or appURL
	path     string
	name     string // the page call's name
	category string
	title    string
}

func sitePage(path, name, category, title string) *page {
	return &page{url: siteURL + path, base: siteURL, path: path, name: name, category: category, title: title + " | Acme Journeys"}
}

func appPage(path, name, title string) *page {
	return &page{url: appURL + path, base: appURL, path: path, name: name, category: "App", title: title + " | Acme Journeys"}
}

var (
	pageHome         = sitePage("/", "Home", "Marketing", "Customer journey analytics for B2B teams")
	pageFeatures     = sitePage("/features", "Features", "Marketing", "Features")
	pageJourneyMaps  = sitePage("/features/journey-maps", "Journey Maps", "Marketing", "Journey maps")
	pageAttribution  = sitePage("/features/attribution", "Attribution", "Marketing", "Multi-touch attribution")
	pagePricing      = sitePage("/pricing", "Pricing", "Marketing", "Pricing")
	pageCustomers    = sitePage("/customers", "Customers", "Marketing", "Customer stories")
	pageIntegrations = sitePage("/integrations", "Integrations", "Marketing", "Integrations")
	pageSignup       = sitePage("/signup", "Sign Up", "Account", "Start your free trial")
	pageLogin        = sitePage("/login", "Log In", "Account", "Log in")
	pageDemo         = sitePage("/demo", "Book a Demo", "Marketing", "Book a demo")
	pageWebinar      = sitePage("/webinars/first-touch-to-revenue", "Webinar", "Marketing", "Webinar: from first touch to revenue")

	pageShop         = sitePage("/shop", "Shop", "Shop", "Shop: workshop tools and training")
	pageCart         = sitePage("/shop/cart", "Cart", "Shop", "Your cart")
	pageCheckout     = sitePage("/shop/checkout", "Checkout", "Shop", "Checkout")
	pageConfirmation = sitePage("/shop/checkout/confirmation", "Order Confirmation", "Shop", "Thank you for your order")

	pageDocsStart   = sitePage("/docs/getting-started", "Getting Started", "Docs", "Getting started")
	pageDocsInstall = sitePage("/docs/install-tracking", "Install Tracking", "Docs", "Install tracking")
	pageDocsJS      = sitePage("/docs/install-tracking/javascript", "Install Tracking: JavaScript", "Docs", "Install the JavaScript snippet")
	pageDocsSegment = sitePage("/docs/install-tracking/segment", "Install Tracking: Segment", "Docs", "Send your Segment data")
	pageDocsTrouble = sitePage("/docs/install-tracking/troubleshooting", "Install Tracking: Troubleshooting", "Docs", "No events arriving?")

	appOnboarding = appPage("/onboarding", "Onboarding", "Set up your workspace")
	appInstall    = appPage("/onboarding/install", "Onboarding: Install Tracking", "Install tracking")
	appDashboard  = appPage("/dashboard", "Dashboard", "Dashboard")
	appJourneys   = appPage("/journeys", "Journeys", "Journeys")
	appReports    = appPage("/reports", "Reports", "Reports")
	appTeam       = appPage("/settings/team", "Team Settings", "Team")
	appBilling    = appPage("/settings/billing", "Billing", "Billing")
	appRefer      = appPage("/refer", "Refer a Friend", "Give a month, get a month")
	appInvite     = appPage("/invite/accept", "Accept Invite", "Join your team")
)

var blogPages = []*page{
	sitePage("/blog/customer-journey-mapping-guide", "Blog: Customer Journey Mapping Guide", "Blog", "The complete guide to customer journey mapping"),
	sitePage("/blog/b2b-attribution-models", "Blog: B2B Attribution Models", "Blog", "B2B attribution models compared"),
	sitePage("/blog/nps-that-matters", "Blog: NPS That Matters", "Blog", "Making NPS matter"),
	sitePage("/blog/reduce-checkout-drop-off", "Blog: Reduce Checkout Drop-off", "Blog", "Seven ways to reduce checkout drop-off"),
	sitePage("/blog/aarrr-pirate-metrics", "Blog: AARRR Pirate Metrics", "Blog", "AARRR: pirate metrics for SaaS"),
	sitePage("/blog/guest-checkout-ab-test", "Blog: Guest Checkout A/B Test", "Blog", "What a guest checkout test taught us"),
	sitePage("/blog/lead-nurturing-emails", "Blog: Lead Nurturing Emails", "Blog", "Lead nurturing emails that convert"),
	sitePage("/blog/retention-cohorts-explained", "Blog: Retention Cohorts Explained", "Blog", "Retention cohorts explained"),
}

var marketingPages = []weighted[*page]{
	{10, pageFeatures}, {6, pageJourneyMaps}, {5, pageAttribution}, {12, pagePricing},
	{5, pageCustomers}, {4, pageIntegrations}, {3, pageHome}, {3, pageDemo},
}

// campaign is a paid or email campaign: the tags on its links and its ads.
type campaign struct {
	name    string
	source  string
	medium  string
	clickID string // URL parameter the network adds, e.g. "gclid"; "" for none
	landing *page
	ads     []string   // utm_content of each ad
	terms   []string   // utm_term of search campaigns
	weight  float64    // share of its channel's traffic
	boost   [2]float64 // extra traffic during each burst, in multiples of weight
}

var (
	pageLPJourney = sitePage("/lp/journey-analytics", "Landing: Journey Analytics", "Landing", "See every step of the customer journey")
	pageLPEbook   = sitePage("/lp/ebook-customer-journey", "Landing: E-book", "Landing", "Free e-book: customer journey mapping 101")
	pageLPB2B     = sitePage("/lp/b2b-attribution", "Landing: B2B Attribution", "Landing", "Attribution built for B2B")
	pageLPShop    = sitePage("/lp/workshop-kit", "Landing: Workshop Kit", "Landing", "Run your first journey workshop")
)

var googleCampaigns = []*campaign{
	{name: "gads_brand", source: "google", medium: "cpc", clickID: "gclid", landing: pageHome, weight: 3,
		ads: []string{"rsa_brand_a", "rsa_brand_b"}, terms: []string{"acme journeys", "acmejourneys", "acme journeys pricing"}},
	{name: "gads_generic_journey_analytics", source: "google", medium: "cpc", clickID: "gclid", landing: pageLPJourney, weight: 5, boost: [2]float64{4, 0},
		ads: []string{"rsa_journey_a", "rsa_journey_b", "rsa_journey_c"}, terms: []string{"customer journey analytics", "journey analytics software", "customer journey mapping tool", "funnel analysis tool"}},
	{name: "gads_competitor", source: "google", medium: "cpc", clickID: "gclid", landing: pageLPJourney, weight: 2,
		ads: []string{"rsa_compare_a", "rsa_compare_b"}, terms: []string{"mixpanel alternative", "amplitude alternative", "hubspot journey analytics"}},
	{name: "gads_shop_workshop_kit", source: "google", medium: "cpc", clickID: "gclid", landing: pageLPShop, weight: 2,
		ads: []string{"shopping_kit", "rsa_kit_a"}, terms: []string{"journey mapping workshop kit", "customer journey card deck"}},
}

var metaCampaigns = []*campaign{
	{name: "meta_ebook_leadgen", source: "facebook", medium: "paid_social", clickID: "fbclid", landing: pageLPEbook, weight: 5, boost: [2]float64{3, 0},
		ads: []string{"video_15s_journey", "carousel_5_steps", "static_ebook_cover"}},
	{name: "meta_ebook_leadgen", source: "instagram", medium: "paid_social", clickID: "fbclid", landing: pageLPEbook, weight: 3, boost: [2]float64{2, 0},
		ads: []string{"reel_journey_map", "story_ebook_cover"}},
	{name: "meta_retargeting", source: "facebook", medium: "paid_social", clickID: "fbclid", landing: pagePricing, weight: 2,
		ads: []string{"dpa_pricing", "testimonial_fjord"}},
	{name: "meta_shop_card_deck", source: "instagram", medium: "paid_social", clickID: "fbclid", landing: pageLPShop, weight: 3,
		ads: []string{"reel_card_deck", "carousel_workshop"}},
}

var linkedinCampaigns = []*campaign{
	{name: "li_abm_enterprise", source: "linkedin", medium: "paid_social", clickID: "li_fat_id", landing: pageLPB2B, weight: 4, boost: [2]float64{4, 0},
		ads: []string{"doc_ad_attribution_guide", "single_image_cmo_quote", "conversation_ad_demo"}},
	{name: "li_webinar_first_touch", source: "linkedin", medium: "paid_social", clickID: "li_fat_id", landing: pageWebinar, weight: 2, boost: [2]float64{0, 8},
		ads: []string{"event_ad_webinar", "video_webinar_teaser"}},
}

// newsletterCampaign tags the links of the newsletter; its utm_campaign is
// the date.
var newsletterCampaign = &campaign{name: "newsletter", source: "newsletter", medium: "email", landing: blogPages[0]}

// referrers of organic and referral visits, with weights.
var (
	searchReferrers = []weighted[string]{{86, "https://www.google.com/"}, {9, "https://www.bing.com/"}, {5, "https://duckduckgo.com/"}}
	socialReferrers = []weighted[string]{{40, "https://www.linkedin.com/"}, {20, "https://t.co/"}, {15, "https://www.reddit.com/"}, {15, "https://l.facebook.com/"}, {10, "https://news.ycombinator.com/"}}
	otherReferrers  = []weighted[string]{{30, "https://www.g2.com/products/acme-journeys/reviews"}, {20, "https://www.capterra.com/p/acme-journeys/"}, {15, "https://www.producthunt.com/products/acme-journeys"}, {20, "https://segment.com/catalog/destinations/acme-journeys/"}, {15, "https://cxtoday.example/best-journey-analytics-tools"}}
)

// form is a lead form on the web site.
type form struct {
	id, name, kind string
	page           *page
}

var (
	formEbook      = &form{"ebook_cj_mapping_101", "E-book: Customer Journey Mapping 101", "content_download", pageLPEbook}
	formWhitepaper = &form{"whitepaper_b2b_attribution", "Whitepaper: B2B Attribution", "content_download", pageLPB2B}
	formWebinar    = &form{"webinar_first_touch_to_revenue", "Webinar: From First Touch to Revenue", "webinar_registration", pageWebinar}
	formDemo       = &form{"demo_request", "Book a Demo", "demo_request", pageDemo}
	formNewsletter = &form{"newsletter_signup", "Newsletter", "newsletter", blogPages[0]}
)

// plan is a subscription plan with its monthly price in each currency.
type plan struct {
	id    string
	name  string
	price map[string]float64
}

var (
	planStarter  = &plan{"starter", "Starter", map[string]float64{"EUR": 49, "USD": 55, "NOK": 550}}
	planTeam     = &plan{"team", "Team", map[string]float64{"EUR": 199, "USD": 219, "NOK": 2190}}
	planBusiness = &plan{"business", "Business", map[string]float64{"EUR": 599, "USD": 649, "NOK": 6490}}
)

// product is an item of the shop.
type product struct {
	id, sku, name, category string
	price                   map[string]float64
	physical                bool
	weight                  float64
}

var products = []*product{
	{"prod_card_deck", "AJ-DECK-01", "Journey Mapping Card Deck", "Workshop Tools", map[string]float64{"EUR": 39, "USD": 42, "NOK": 449}, true, 30},
	{"prod_workshop_kit", "AJ-KIT-01", "Journey Workshop Kit", "Workshop Tools", map[string]float64{"EUR": 149, "USD": 159, "NOK": 1690}, true, 16},
	{"prod_persona_posters", "AJ-POST-03", "Persona Poster Set", "Workshop Tools", map[string]float64{"EUR": 29, "USD": 32, "NOK": 329}, true, 14},
	{"prod_masterclass", "AJ-COURSE-CX", "CX Analytics Masterclass (online)", "Training", map[string]float64{"EUR": 299, "USD": 329, "NOK": 3390}, false, 8},
	{"prod_template_pack", "AJ-TPL-12", "Journey Template Pack", "Templates", map[string]float64{"EUR": 49, "USD": 52, "NOK": 549}, false, 18},
	{"prod_book", "AJ-BOOK-01", "Mapping Journeys That Matter (book)", "Books", map[string]float64{"EUR": 34, "USD": 36, "NOK": 389}, true, 10},
	{"prod_mug", "AJ-MUG-01", "Acme Journeys Mug", "Merchandise", map[string]float64{"EUR": 14, "USD": 15, "NOK": 159}, true, 6},
}

var shipping = map[string]float64{"EUR": 6.95, "USD": 7.95, "NOK": 79}

// Companies are named from these parts and the country's legal suffix.
var (
	companyFirst  = []string{"Fjord", "Tulip", "Harbor", "Northwind", "Blue Dune", "Polder", "Granite", "Aurora", "Lindqvist", "Brightline", "Cedar", "Windmill", "Summit", "Copperleaf", "Isar", "Rhein", "Maple", "Nordlys", "Kestrel", "Orbit"}
	companySecond = []string{"Logistics", "Retail", "Software", "Health", "Energy", "Media", "Travel", "Insurance", "Foods", "Labs", "Analytics", "Commerce", "Mobility", "Finance", "Education", "Studios"}
	industries    = []string{"Logistics", "Retail", "Software", "Healthcare", "Energy", "Media", "Travel", "Insurance", "Food & Beverage", "Research", "Consulting", "E-commerce", "Transportation", "Financial Services", "Education", "Design"}
	roles         = []weighted[string]{{30, "Marketing"}, {20, "Product"}, {15, "Growth"}, {12, "Customer Success"}, {10, "Data & Analytics"}, {8, "Engineering"}, {5, "Founder"}}
	features      = []weighted[string]{{30, "journey_map"}, {22, "funnel"}, {14, "attribution"}, {12, "retention"}, {10, "segments"}, {7, "paths"}, {5, "export"}}
	reportTypes   = []string{"funnel", "journey_map", "retention", "attribution", "paths"}
)

var (
	promoterComments = []string{
		"The journey map finally shows our whole funnel in one place.",
		"Setting up took ten minutes and the team loves it.",
		"Attribution reports changed how we spend on ads.",
		"Great support, fast answers.",
		"Our weekly growth meeting runs on Acme Journeys now.",
	}
	passiveComments = []string{
		"Good tool, a few reports are still missing.",
		"Works well, pricing is a bit steep for us.",
		"Useful, but it took a while to learn.",
		"",
	}
	detractorComments = []string{
		"Installing the tracking was harder than expected.",
		"Too expensive for what we use.",
		"Reports are slow and support took days to answer.",
		"We can't get our data in properly.",
		"Missing the integration we need.",
	}
)

// ticketTopic is a support ticket's subject and category.
type ticketTopic struct{ category, subject string }

var (
	installTopics = []ticketTopic{
		{"integration", "No events arriving after installing the snippet"},
		{"integration", "How do I send our Segment data to Acme Journeys?"},
		{"integration", "Tracking does not work on our single-page app"},
	}
	usageTopics = []ticketTopic{
		{"how_to", "How do I compare two segments?"},
		{"how_to", "Can I export a funnel to CSV?"},
		{"bug", "Journey map does not load for last quarter"},
		{"billing", "Please send the invoice to our finance team"},
		{"billing", "Can we add seats mid-month?"},
	}
	feedbackTopics = []ticketTopic{
		{"product_feedback", "Feedback after your survey"},
		{"product_feedback", "Reports are too slow for us"},
		{"billing", "We are thinking about cancelling"},
	}
)
