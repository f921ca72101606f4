package main

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/waymark-analytics/waymark/browsertest"
)

type attributionAnswer struct {
	Conversions int      `json:"conversions"`
	Revenue     float64  `json:"revenue"`
	Touched     int      `json:"touched"`
	Spend       *float64 `json:"spend"`
	Models      map[string][]struct {
		Value       string   `json:"value"`
		Conversions float64  `json:"conversions"`
		Revenue     float64  `json:"revenue"`
		ROAS        *float64 `json:"roas"`
	} `json:"models"`
	Values []struct {
		Value     string `json:"value"`
		Touches   int    `json:"touches"`
		Customers int    `json:"customers"`
	} `json:"values"`
}

// chartData is what an ECharts chart draws: its categories and each
// series' numbers.
type chartData struct {
	Categories []string `json:"categories"`
	Series     []struct {
		Name string    `json:"name"`
		Data []float64 `json:"data"`
	} `json:"series"`
}

// drawn reads what the chart of the figure named file draws, from ECharts
// itself: the module the page loaded, imported again by its URL.
func drawn(t *testing.T, tab *browsertest.Page, file string) chartData {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.Context(), 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[chartData](`(async () => {
		const page = document.querySelector('script[type=module]').src;
		const echarts = await import(page.replace(/js\/pages\/[a-z]+\.js$/, 'vendor/echarts/echarts.esm.min.mjs'));
		const o = echarts.getInstanceByDom(document.querySelector('[data-chart="`+file+`"] .chart-canvas')).getOption();
		return { categories: o.xAxis[0].data, series: o.series.map((s) => ({ name: s.name, data: s.data })) };
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("reading the chart %s: %v", file, err)
	}
	return v
}

// TestDashboardAttribution builds an attribution by clicking and demands
// that its chart draws the API's numbers, for conversions and for revenue,
// and that the tables and the spend figures follow the API.
func TestDashboardAttribution(t *testing.T) {
	s := startSite(t, "demo")
	spend := "date,channel,spend\n2026-09-01,Paid Social,100\n2026-09-02,Paid Search,250.50\n"
	req, _ := http.NewRequest("POST", s.origin+"/api/v1/spend", strings.NewReader(spend))
	req.Header.Set("Authorization", "Bearer "+testReadKey)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("importing spend: %v %v", resp, err)
	}

	tab := s.open(t, "/attribution")
	do(t, tab,
		chromedp.SendKeys(chromedp.ID("conversion"), "Order Completed"),
		chromedp.SetValue(chromedp.ID("touch"), "channel"),
		chromedp.Click(chromedp.ID("model-first_touch")),
		chromedp.Click(chromedp.ID("model-linear")),
		chromedp.Click(chromedp.ID("model-markov")),
		chromedp.Click(chromedp.CSS(`#attribution-form button[type="submit"]`)),
	)
	waitFor(t, tab, `new URLSearchParams(location.search).getAll('model').length === 3`)
	waitReady(t, tab)
	noConsoleErrors(t, tab)
	if got, want := location(t, tab), "/attribution?conversion=Order+Completed&touch=channel&model=first_touch&model=linear&model=markov"; got != want {
		t.Errorf("the page's address is %s, want %s", got, want)
	}

	var want attributionAnswer
	s.api(t, "/api/v1/attribution", map[string]any{"conversion": map[string]any{"event": "Order Completed"}, "touch": "channel",
		"models": []string{"first_touch", "linear", "markov"}}, &want)
	if want.Conversions == 0 || want.Revenue == 0 || len(want.Models["markov"]) < 3 || want.Spend == nil || *want.Spend != 350.5 {
		t.Fatalf("the demo attribution is too small to test: %+v", want)
	}
	figures := figureValues(t, tab)
	for label, value := range map[string]string{"Conversions": pageCount(want.Conversions), "With a touch": pageCount(want.Touched), "Spend": "350.50"} {
		if figures[label] != value {
			t.Errorf("%s shows %q, the API says %q", label, figures[label], value)
		}
	}

	check := func(metric string) {
		t.Helper()
		credit := func(model string, value string) float64 {
			for _, c := range want.Models[model] {
				if c.Value == value {
					if metric == "revenue" {
						return c.Revenue
					}
					return c.Conversions
				}
			}
			t.Fatalf("%s does not credit %s", model, value)
			return 0
		}
		chart := drawn(t, tab, "attribution-chart")
		names := map[string]string{"First touch": "first_touch", "Linear": "linear", "Markov": "markov"}
		if len(chart.Series) != 3 || len(chart.Categories) == 0 {
			t.Fatalf("the chart draws %+v, want the three models", chart)
		}
		// The chart shows the values with the most credit in any model,
		// every value when they are few, in the order of the first
		// model's list.
		var order []string
		for _, c := range want.Models["first_touch"] {
			order = append(order, c.Value)
		}
		best := func(v string) float64 { return max(credit("first_touch", v), credit("linear", v), credit("markov", v)) }
		chosen := slices.Clone(order)
		slices.SortStableFunc(chosen, func(a, b string) int { return cmp.Compare(best(b), best(a)) })
		chosen = chosen[:min(12, len(chosen))]
		if wantShown := slices.DeleteFunc(slices.Clone(order), func(v string) bool { return !slices.Contains(chosen, v) }); !slices.Equal(chart.Categories, wantShown) {
			t.Errorf("the chart shows %q, want %q", chart.Categories, wantShown)
		}
		for _, series := range chart.Series {
			model := names[series.Name]
			for i, v := range chart.Categories {
				if series.Data[i] != credit(model, v) {
					t.Errorf("%s: the chart draws %v for %s, the API says %v", series.Name, series.Data[i], v, credit(model, v))
				}
			}
		}
		table := rows(t, tab, "attribution-credits")
		if len(table) != len(want.Models["first_touch"]) {
			t.Fatalf("the credits table has %d rows, the API %d values", len(table), len(want.Models["first_touch"]))
		}
		for i, c := range want.Models["first_touch"] {
			if table[i][0] != c.Value {
				t.Errorf("row %d is %q, the API's first model lists %q", i, table[i][0], c.Value)
			}
		}
	}
	check("conversions")

	// Revenue instead: the chart follows.
	do(t, tab, chromedp.SetValue(chromedp.ID("metric"), "revenue"))
	evaluate[bool](t, tab, `document.getElementById('metric').dispatchEvent(new Event('change'))`)
	waitFor(t, tab, `new URLSearchParams(location.search).get('metric') === 'revenue'`)
	waitReady(t, tab)
	check("revenue")

	values := rows(t, tab, "attribution-values")
	if len(values) != len(want.Values) {
		t.Fatalf("the values table has %d rows, the API %d", len(values), len(want.Values))
	}
	for i, v := range want.Values {
		if values[i][0] != v.Value || values[i][1] != pageCount(v.Touches) || values[i][2] != pageCount(v.Customers) {
			t.Errorf("value row %d shows %q, the API says %s with %d touches and %d customers", i, values[i][:3], v.Value, v.Touches, v.Customers)
		}
	}
	if spendRows := rows(t, tab, "attribution-spend"); len(spendRows) != len(want.Models["first_touch"]) {
		t.Errorf("the spend table has %d rows, want %d", len(spendRows), len(want.Models["first_touch"]))
	}
	noConsoleErrors(t, tab)
}
