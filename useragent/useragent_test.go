package useragent

import (
	"strconv"
	"sync"
	"testing"

	"github.com/waymark-analytics/waymark"
)

// parser is shared: New compiles ua-parser's regexes, tens of milliseconds.
var parser = New(0)

var parseTests = []struct {
	name string
	ua   string
	want waymark.Device
}{
	// Desktop browsers.
	{"Chrome on Windows",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		waymark.Device{Browser: "Chrome", BrowserVersion: "124.0", OS: "Windows", OSVersion: "10", Type: "desktop"}},
	{"Edge on Windows",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
		waymark.Device{Browser: "Edge", BrowserVersion: "124.0", OS: "Windows", OSVersion: "10", Type: "desktop"}},
	{"Firefox on Linux",
		"Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
		waymark.Device{Browser: "Firefox", BrowserVersion: "125.0", OS: "Linux", Type: "desktop"}},
	{"Firefox on Ubuntu",
		"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
		waymark.Device{Browser: "Firefox", BrowserVersion: "125.0", OS: "Ubuntu", Type: "desktop"}},
	{"Safari on macOS",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
		waymark.Device{Browser: "Safari", BrowserVersion: "17.4", OS: "Mac OS X", OSVersion: "10.15", Type: "desktop"}},
	{"Chrome on ChromeOS",
		"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		waymark.Device{Browser: "Chrome", BrowserVersion: "124.0", OS: "Chrome OS", OSVersion: "14541.0", Type: "desktop"}},

	// Phones.
	{"Safari on iPhone",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
		waymark.Device{Browser: "Mobile Safari", BrowserVersion: "17.4", OS: "iOS", OSVersion: "17.4", Type: "mobile"}},
	{"Chrome on iPhone",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
		waymark.Device{Browser: "Chrome Mobile iOS", BrowserVersion: "124.0", OS: "iOS", OSVersion: "17.4", Type: "mobile"}},
	{"Facebook in-app browser on iPhone",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/21E236 [FBAN/FBIOS;FBAV/458.0.0.40.107;FBBV/587463118;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.4;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]",
		waymark.Device{Browser: "Facebook", BrowserVersion: "458.0", OS: "iOS", OSVersion: "17.4", Type: "mobile"}},
	{"Chrome on Android phone",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
		waymark.Device{Browser: "Chrome Mobile", BrowserVersion: "124.0", OS: "Android", OSVersion: "14", Type: "mobile"}},
	{"Chrome on Android phone, reduced user agent",
		"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
		waymark.Device{Browser: "Chrome Mobile", BrowserVersion: "124.0", OS: "Android", OSVersion: "10", Type: "mobile"}},
	{"Samsung Internet on Galaxy S23",
		"Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
		waymark.Device{Browser: "Samsung Internet", BrowserVersion: "24.0", OS: "Android", OSVersion: "13", Type: "mobile"}},
	{"Firefox on Android phone",
		"Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
		waymark.Device{Browser: "Firefox Mobile", BrowserVersion: "125.0", OS: "Android", OSVersion: "14", Type: "mobile"}},
	{"Android WebView",
		"Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36",
		waymark.Device{Browser: "Chrome Mobile WebView", BrowserVersion: "124.0", OS: "Android", OSVersion: "13", Type: "mobile"}},
	{"Edge on Windows Phone",
		"Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.14977",
		waymark.Device{Browser: "Edge Mobile", BrowserVersion: "15.14977", OS: "Windows Phone", OSVersion: "10.0", Type: "mobile"}},

	// Tablets.
	{"Safari on iPad",
		"Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
		waymark.Device{Browser: "Mobile Safari", BrowserVersion: "16.6", OS: "iOS", OSVersion: "16.6", Type: "tablet"}},
	{"Chrome on Galaxy Tab S9",
		"Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
		waymark.Device{Browser: "Chrome", BrowserVersion: "123.0", OS: "Android", OSVersion: "13", Type: "tablet"}},
	{"Chrome on Redmi Pad",
		"Mozilla/5.0 (Linux; Android 11; Redmi Pad) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		waymark.Device{Browser: "Chrome", BrowserVersion: "124.0", OS: "Android", OSVersion: "11", Type: "tablet"}},
	{"Samsung Internet on Galaxy Tab S7",
		"Mozilla/5.0 (Linux; Android 12; SM-T870) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Safari/537.36",
		waymark.Device{Browser: "Samsung Internet", BrowserVersion: "24.0", OS: "Android", OSVersion: "12", Type: "tablet"}},
	{"Firefox on Android tablet",
		"Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0",
		waymark.Device{Browser: "Firefox Mobile", BrowserVersion: "125.0", OS: "Android", OSVersion: "14", Type: "tablet"}},

	// Segment mobile SDKs: analytics-android and analytics-kotlin send the
	// system http.agent (Dalvik); analytics-swift sends the WKWebView user
	// agent; a bare URLSession request sends CFNetwork's.
	{"Segment Android SDK on a phone",
		"Dalvik/2.1.0 (Linux; U; Android 13; SM-S911B Build/TP1A.220624.014)",
		waymark.Device{Browser: "Android", BrowserVersion: "13", OS: "Android", OSVersion: "13", Type: "mobile"}},
	{"Segment Android SDK on a tablet",
		"Dalvik/2.1.0 (Linux; U; Android 11; SM-T500 Build/RP1A.200720.012)",
		waymark.Device{Browser: "Android", BrowserVersion: "11", OS: "Android", OSVersion: "11", Type: "tablet"}},
	{"Segment iOS SDK (WKWebView)",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
		waymark.Device{Browser: "Mobile Safari UI/WKWebView", OS: "iOS", OSVersion: "17.0", Type: "mobile"}},
	{"iOS app over CFNetwork",
		"Waymark/3.2.1 CFNetwork/1410.0.3 Darwin/22.6.0",
		waymark.Device{Browser: "Waymark", BrowserVersion: "3.2", OS: "iOS", OSVersion: "16", Type: "mobile"}},
	{"iOS app, AFNetworking style, iPad",
		"ShopApp/5.4.0 (iPad; iOS 17.2.1; Scale/2.00)",
		waymark.Device{Browser: "Mobile Safari UI/WKWebView", OS: "iOS", OSVersion: "17.2", Type: "tablet"}},

	// Bots and tools.
	{"Googlebot",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		waymark.Device{Browser: "Googlebot", BrowserVersion: "2.1", OS: "Other", Type: "bot"}},
	{"Googlebot smartphone",
		"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.118 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		waymark.Device{Browser: "Googlebot", BrowserVersion: "2.1", OS: "Android", OSVersion: "6.0", Type: "bot"}},
	{"bingbot",
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
		waymark.Device{Browser: "bingbot", BrowserVersion: "2.0", OS: "Other", Type: "bot"}},
	{"GPTBot",
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
		waymark.Device{Browser: "GPTBot", BrowserVersion: "1.2", OS: "Other", Type: "bot"}},
	{"Facebook link preview",
		"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
		waymark.Device{Browser: "FacebookBot", BrowserVersion: "1.1", OS: "Other", Type: "bot"}},
	{"curl", "curl/8.5.0",
		waymark.Device{Browser: "curl", BrowserVersion: "8.5", OS: "Other", Type: "bot"}},
	{"python-requests", "python-requests/2.31.0",
		waymark.Device{Browser: "Python Requests", BrowserVersion: "2.31", OS: "Other", Type: "bot"}},
	{"Go client", "Go-http-client/1.1",
		waymark.Device{Browser: "Go-http-client", BrowserVersion: "1.1", OS: "Other", Type: "bot"}},
	{"node-fetch, unknown to ua-parser", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
		waymark.Device{Browser: "Other", OS: "Other", Type: "bot"}},
	{"headless Chrome",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36",
		waymark.Device{Browser: "HeadlessChrome", BrowserVersion: "124.0", OS: "Windows", OSVersion: "10", Type: "bot"}},

	// Edge cases.
	{"empty", "", waymark.Device{}},
	{"blank", "  \t", waymark.Device{}},
	{"surrounding space", "  curl/8.5.0\n",
		waymark.Device{Browser: "curl", BrowserVersion: "8.5", OS: "Other", Type: "bot"}},
	{"unrecognised", "garbage",
		waymark.Device{Browser: "Other", OS: "Other", Type: "desktop"}},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parser.Parse(tt.ua); got != tt.want {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.ua, got, tt.want)
			}
			// Again, from the cache.
			if got := parser.Parse(tt.ua); got != tt.want {
				t.Errorf("cached Parse(%q)\n got %+v\nwant %+v", tt.ua, got, tt.want)
			}
		})
	}
}

func TestParseLongUserAgent(t *testing.T) {
	long := "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 "
	for len(long) < 64<<10 {
		long += long
	}
	got := parser.Parse(long)
	if got.Browser != "Chrome" || got.Type != "desktop" {
		t.Errorf("Parse(64 KiB) = %+v", got)
	}
}

// TestParseConcurrent is for the race detector: one Parser, many goroutines,
// a cache small enough to evict.
func TestParseConcurrent(t *testing.T) {
	p := New(8)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				tt := parseTests[(g+i)%len(parseTests)]
				if got := p.Parse(tt.ua); got != tt.want {
					t.Errorf("Parse(%q) = %+v, want %+v", tt.ua, got, tt.want)
					return
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkParseCached is the steady state: a few dozen user agents, all in
// the cache.
func BenchmarkParseCached(b *testing.B) {
	for _, tt := range parseTests {
		parser.Parse(tt.ua)
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			parser.Parse(parseTests[i%len(parseTests)].ua)
			i++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				parser.Parse(parseTests[i%len(parseTests)].ua)
				i++
			}
		})
	})
}

// BenchmarkParseMiss is the cost of a user agent not seen before.
func BenchmarkParseMiss(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		parser.Parse("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0." + strconv.Itoa(i) + " Mobile Safari/537.36")
		i++
	}
}
