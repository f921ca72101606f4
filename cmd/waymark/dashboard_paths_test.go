package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

type pathsAnswer struct {
	Persons int `json:"persons"`
	Nodes   []struct {
		Step    int    `json:"step"`
		Name    string `json:"name"`
		Persons int    `json:"persons"`
		DropOff int    `json:"dropOff"`
	} `json:"nodes"`
	Edges []struct {
		Step    int    `json:"step"`
		From    string `json:"from"`
		To      string `json:"to"`
		Persons int    `json:"persons"`
	} `json:"edges"`
	Paths []struct {
		Nodes []string `json:"nodes"`
	} `json:"paths"`
	Groups []struct {
		Name    string `json:"name"`
		Persons int    `json:"persons"`
	} `json:"groups"`
}

// sankeyData is what the page gave ECharts to draw, read from ECharts
// itself: each node's id, value and column, each link's ends and value, and
// where each node was laid out on the canvas.
type sankeyData struct {
	Nodes []struct {
		Name  string
		Value int
		Depth int
		X, Y  float64 // the node's centre, in the page
	}
	Links []struct {
		Source, Target string
		Value          int
	}
}

const readSankey = `(async () => {
	const module = document.querySelector('script[type=module]').src.replace(/js\/pages\/paths\.js$/, 'vendor/echarts/echarts.esm.min.mjs');
	const echarts = await import(module);
	const canvas = document.querySelector('[data-chart="paths"] .chart-canvas');
	canvas.scrollIntoView({ block: 'center' });
	const chart = echarts.getInstanceByDom(canvas);
	const series = chart.getOption().series[0];
	const data = chart.getModel().getSeriesByIndex(0).getData();
	const box = canvas.getBoundingClientRect();
	// The centre of each node as drawn: its shape's rectangle, in the canvas.
	const centre = (i) => { const el = data.getItemGraphicEl(i); const r = el.getBoundingRect();
		return el.transformCoordToGlobal(r.x + r.width / 2, r.y + r.height / 2); };
	return {
		nodes: series.data.map((d, i) => { const [x, y] = centre(i);
			return { name: d.name, value: d.value, depth: d.depth, x: box.left + x, y: box.top + y }; }),
		links: series.links.map((l) => ({ source: l.source, target: l.target, value: l.value })),
	};
})()`

// TestDashboardPaths builds a paths report by clicking and checks that the
// Sankey chart and the tables hold the API's numbers, that a node of the
// chart and of the table lists the API's persons, that a path opens as a
// funnel, and that the groups of a comparison are the API's.
func TestDashboardPaths(t *testing.T) {
	s := startSite(t, "demo")
	tab := s.open(t, "/paths")
	do(t, tab,
		chromedp.SendKeys(chromedp.ID("start"), "Home"),
		chromedp.SetValue(chromedp.ID("steps"), "4"),
		chromedp.SetValue(chromedp.ID("top"), "5"),
		chromedp.Click(chromedp.ID("collapse")),
		chromedp.Click(chromedp.CSS(`#paths-form button[type="submit"]`)),
	)
	waitFor(t, tab, `new URLSearchParams(location.search).get('start') === 'Home'`)
	waitReady(t, tab)
	noConsoleErrors(t, tab)
	if got, want := location(t, tab), "/paths?start=Home&steps=4&top=5&collapse=1"; got != want {
		t.Errorf("the page is at %s, want %s", got, want)
	}
	definition := map[string]any{"start": map[string]any{"event": "Home"}, "steps": 4, "node": "name", "top": 5, "collapseRepeats": true}
	var want pathsAnswer
	s.api(t, "/api/v1/paths", definition, &want)
	if want.Persons == 0 || len(want.Edges) == 0 {
		t.Fatalf("the demo has no paths from Home: %+v", want)
	}

	chart, err := chromedp.Run(tab.Context(), chromedp.Evaluate[sankeyData](readSankey, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(chart.Nodes) != len(want.Nodes) || len(chart.Links) != len(want.Edges) {
		t.Fatalf("the chart has %d nodes and %d links, the API %d nodes and %d edges", len(chart.Nodes), len(chart.Links), len(want.Nodes), len(want.Edges))
	}
	nodeOf := map[string]int{} // the API's node of each of the chart's
	for i, n := range want.Nodes {
		c := chart.Nodes[i]
		nodeOf[c.Name] = i
		if c.Value != n.Persons || c.Depth != n.Step {
			t.Errorf("the chart's node %d has %d persons at column %d, the API's %d. %s %d", i, c.Value, c.Depth, n.Step, n.Name, n.Persons)
		}
	}
	for i, e := range want.Edges {
		l := chart.Links[i]
		from, to := want.Nodes[nodeOf[l.Source]], want.Nodes[nodeOf[l.Target]]
		if got := fmt.Sprintf("%d. %s → %d. %s: %d", from.Step, from.Name, to.Step, to.Name, l.Value); got != fmt.Sprintf("%d. %s → %d. %s: %d", e.Step, e.From, e.Step+1, e.To, e.Persons) {
			t.Errorf("the chart's link %d is %s, the API's edge %+v", i, got, e)
		}
	}
	nodes := rows(t, tab, "paths-nodes")
	if len(nodes) != len(want.Nodes) {
		t.Fatalf("the nodes table has %d rows, the API %d nodes", len(nodes), len(want.Nodes))
	}
	for i, n := range want.Nodes {
		row := []string{strconv.Itoa(n.Step), n.Name, pageCount(n.Persons), pagePercent(float64(n.Persons) / float64(want.Persons)), pageCount(n.DropOff)}
		if !slicesEqual(nodes[i], row) {
			t.Errorf("node %d shows %q, the API says %q", i, nodes[i], row)
		}
	}

	// A click on the chart's second node lists its persons.
	second := want.Nodes[1]
	// ECharts finds what is under the mouse when it moves there.
	do(t, tab, chromedp.MouseEvent("mouseMoved", chart.Nodes[1].X, chart.Nodes[1].Y), chromedp.MouseClickXY(chart.Nodes[1].X, chart.Nodes[1].Y))
	waitFor(t, tab, fmt.Sprintf(`new URLSearchParams(location.search).get('persons') === %q`, fmt.Sprintf("%d:%s", second.Step, second.Name)))
	waitReady(t, tab)
	var drill struct {
		Persons []string `json:"persons"`
		Total   int      `json:"total"`
	}
	s.api(t, "/api/v1/paths/persons", map[string]any{"paths": definition, "step": second.Step, "node": second.Name, "limit": 50}, &drill)
	listed := rows(t, tab, "paths-persons")
	if len(listed) != len(drill.Persons) || drill.Total != second.Persons {
		t.Fatalf("the page lists %d persons, the API %d of %d (the node has %d)", len(listed), len(drill.Persons), drill.Total, second.Persons)
	}
	for i, id := range drill.Persons {
		if listed[i][0] != id {
			t.Errorf("person %d is %q, the API says %q", i, listed[i][0], id)
		}
	}

	// The edges table's numbers open the persons on an edge.
	edge := want.Edges[0]
	do(t, tab, chromedp.Click(chromedp.CSS(`[data-table="paths-edges"] tbody tr:first-child td:nth-child(4) button`)))
	waitFor(t, tab, fmt.Sprintf(`new URLSearchParams(location.search).get('next') === %q`, edge.To))
	waitReady(t, tab)
	if pager := evaluate[string](t, tab, `document.querySelector('.drill .pager').textContent`); !strings.HasPrefix(pager, pageCount(edge.Persons)+" persons") {
		t.Errorf("the edge's persons list says %q, the API's edge has %d", pager, edge.Persons)
	}

	// The funnel of the first path with two nodes or more.
	for i, p := range want.Paths {
		if len(p.Nodes) < 2 {
			continue
		}
		clickAndLoad(t, tab, fmt.Sprintf(`[data-table="paths-paths"] tbody tr:nth-child(%d) button`, i+1))
		waitReady(t, tab)
		steps := evaluate[[]string](t, tab, `new URLSearchParams(location.search).getAll('step')`)
		if location := evaluate[string](t, tab, `location.pathname`); location != "/funnels" || !slicesEqual(steps, p.Nodes) {
			t.Errorf("the path %q opened %s with the steps %q", p.Nodes, location, steps)
		}
		noConsoleErrors(t, tab)
		break
	}

	// Compared by conversion: the groups and the chart of one.
	compared := "/paths?start=Home&steps=4&top=5&collapse=1&" + url.Values{"compare": {"Signed Up"}, "group": {"converted"}}.Encode()
	tab = s.open(t, compared)
	noConsoleErrors(t, tab)
	definition["compare"] = map[string]any{"conversion": map[string]any{"event": "Signed Up"}}
	s.api(t, "/api/v1/paths", definition, &want)
	groups := rows(t, tab, "paths-groups")
	if len(groups) != 2 || len(want.Groups) != 2 || want.Groups[0].Persons == 0 {
		t.Fatalf("the groups table has %q, the API %+v", groups, want.Groups)
	}
	for i, g := range want.Groups {
		if groups[i][1] != pageCount(g.Persons) {
			t.Errorf("group %s shows %s persons, the API %d", g.Name, groups[i][1], g.Persons)
		}
	}
	if shown := figureValues(t, tab)["Persons on paths"]; shown != pageCount(want.Groups[0].Persons) {
		t.Errorf("the converted group's chart has %s persons, the API %d", shown, want.Groups[0].Persons)
	}
}
