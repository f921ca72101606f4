// Package useragent reads Waymark's device fields (browser, operating
// system, device type) from a User-Agent string, using uap-go, the Go port
// of the ua-parser project, with the regexes it embeds.
//
// A user agent ua-parser has not seen costs hundreds of regular
// expressions, about a millisecond; a repeat is a cache hit. Real traffic
// repeats a small set of user agents, so the cache makes parsing cheap on
// the ingest path.
package useragent

import (
	"strings"

	"github.com/ua-parser/uap-go/uaparser"
	"github.com/waymark-analytics/waymark"
)

// DefaultCacheSize is the cache size New uses when given zero or less.
const DefaultCacheSize = 4096

// maxLen bounds the user agent parsed: real ones are under 512 bytes, and
// a huge one would otherwise cost its length in every regex and in the
// cache.
const maxLen = 1024

// Parser parses user agents. It is safe for concurrent use.
type Parser struct {
	uap *uaparser.Parser
}

// New returns a Parser that remembers up to cacheSize distinct user agents
// (zero or less: DefaultCacheSize). The cache is uap-go's own: an adaptive
// replacement cache per result (browser, OS, device), bounded and safe for
// concurrent use. New compiles ua-parser's regexes, which takes tens of
// milliseconds: make one Parser and share it.
func New(cacheSize int) *Parser {
	if cacheSize <= 0 {
		cacheSize = DefaultCacheSize
	}
	uap, err := uaparser.New(uaparser.WithCacheSize(cacheSize))
	if err != nil {
		// Only a broken regex set embedded in uap-go fails, which no input
		// of ours can cause.
		panic("useragent: " + err.Error())
	}
	return &Parser{uap: uap}
}

// Parse returns what ua says about the client. An empty ua gives an empty
// Device; a ua ua-parser does not recognise gives "Other" for the browser
// and OS, as ua-parser reports them.
func (p *Parser) Parse(ua string) waymark.Device {
	ua = strings.TrimSpace(ua)
	if ua == "" {
		return waymark.Device{}
	}
	if len(ua) > maxLen {
		ua = ua[:maxLen]
	}
	// The three lookups, not uap-go's Parse, which starts three goroutines
	// per call.
	browser := p.uap.ParseUserAgent(ua)
	os := p.uap.ParseOs(ua)
	device := p.uap.ParseDevice(ua)
	return waymark.Device{
		Browser:        browser.Family,
		BrowserVersion: version(browser.Major, browser.Minor),
		OS:             os.Family,
		OSVersion:      version(os.Major, os.Minor),
		Type:           deviceType(ua, browser, os, device),
	}
}

// version is "major.minor", or "major" when there is no minor.
func version(major, minor string) string {
	switch {
	case major == "":
		return ""
	case minor == "":
		return major
	}
	return major + "." + minor
}

// deviceType derives the device type, which ua-parser does not report.
// The first rule that matches decides:
//
//  1. bot: ua-parser's device family "Spider" (its crawler list: Googlebot,
//     bingbot, facebookexternalhit, GPTBot, ...), or a client that is an
//     HTTP library or headless browser (curl, python-requests,
//     HeadlessChrome, ...): not a person at a screen.
//  2. tablet: an iPad; ua-parser's generic tablets ("Tablet" in Firefox's
//     user agent, Android "Tab"/"Pad" models); an Android browser that
//     leaves out "Mobile", which is how Android tablets are told apart
//     (Google's own guidance); an Android app (Dalvik, which never says
//     "Mobile") on a known tablet model.
//  3. mobile: iOS, Android and other phone systems, ua-parser's generic
//     phones, or "Mobi" anywhere in the string (MDN's rule of thumb).
//  4. desktop: everything else. Since iPadOS 13 an iPad's Safari asks for
//     desktop sites with a Mac user agent, so those iPads count as desktop;
//     so do smart TVs and consoles.
func deviceType(ua string, browser *uaparser.UserAgent, os *uaparser.Os, device *uaparser.Device) string {
	if device.Family == "Spider" || automatedClients[browser.Family] {
		return "bot"
	}
	if browser.Family == "Other" {
		for _, prefix := range automatedPrefixes {
			if strings.HasPrefix(ua, prefix) {
				return "bot"
			}
		}
	}
	switch {
	case device.Family == "iPad", device.Family == "Generic Tablet", device.Brand == "Generic_Android_Tablet":
		return "tablet"
	case os.Family == "iOS":
		return "mobile"
	case os.Family == "Android":
		switch {
		case strings.Contains(ua, "Mobile"):
			return "mobile"
		case strings.HasPrefix(ua, "Dalvik/"), !strings.HasPrefix(ua, "Mozilla/"):
			// An app: its user agent does not say, the model might.
			if tabletModel(device.Model) {
				return "tablet"
			}
			return "mobile"
		}
		return "tablet"
	case mobileOSes[os.Family], device.Family == "Generic Smartphone", device.Family == "Generic Feature Phone",
		strings.Contains(ua, "Mobi"):
		return "mobile"
	}
	return "desktop"
}

// automatedClients are ua-parser browser families of HTTP libraries, tools
// and headless browsers that ua-parser does not count as spiders.
var automatedClients = map[string]bool{
	"curl":              true,
	"Wget":              true,
	"Python Requests":   true,
	"Python-urllib":     true,
	"Go-http-client":    true,
	"axios":             true,
	"Apache-HttpClient": true,
	"PostmanRuntime":    true,
	"HeadlessChrome":    true,
	"PhantomJS":         true,
}

// automatedPrefixes are user agents of HTTP libraries ua-parser does not
// know at all ("Other").
var automatedPrefixes = []string{"node-fetch", "undici", "Deno/", "Bun/", "libwww-perl", "aiohttp", "httpx"}

// mobileOSes are phone operating systems other than iOS and Android, as
// ua-parser names them.
var mobileOSes = map[string]bool{
	"Windows Phone": true,
	"BlackBerry OS": true,
	"KaiOS":         true,
	"Symbian OS":    true,
	"Firefox OS":    true,
	"Sailfish":      true,
}

// tabletModel recognises the tablet models an Android app user agent
// names: Galaxy Tab (SM-T, SM-X, SM-P), and "Tab"/"Pad" in the model
// (Lenovo Tab, Redmi Pad, MatePad).
func tabletModel(model string) bool {
	return strings.HasPrefix(model, "SM-T") || strings.HasPrefix(model, "SM-X") || strings.HasPrefix(model, "SM-P") ||
		strings.Contains(model, "Tab") || strings.Contains(model, "Pad")
}
