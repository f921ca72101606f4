package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/waymark-analytics/waymark/report"
)

// queryPaths runs a paths report (POST /api/v1/paths); with --persons it
// lists the persons on a node or edge (POST /api/v1/paths/persons), with
// --funnel it prints the funnel of a path (POST /api/v1/paths/funnel).
func queryPaths(ctx context.Context, args []string) error {
	fs := flagSet("query paths", "query paths (--def FILE | --start EVENT | --end EVENT) [--persons STEP --name NODE | --funnel 'A>B>C'] [flags]")
	var q queryFlags
	q.register(fs, "node (--rows edges: per edge; --rows paths: per path; --persons: per person)")
	def := fs.String("def", "", "the paths definition, a JSON or YAML file (docs/reports.md); - reads standard input")
	start := fs.String("start", "", "paths from each person's first event of this name (instead of the definition's start)")
	end := fs.String("end", "", "paths to each person's first event of this name, or with --start, from the start to it")
	steps := fs.Int("steps", 0, fmt.Sprintf("nodes deep, the anchor's included: %d to %d (default %d)", report.MinPathSteps, report.MaxPathSteps, report.DefaultPathSteps))
	node := fs.String("node", "", "what a node is: name (the default), path or another field of the event")
	top := fs.Int("top", 0, fmt.Sprintf("nodes kept in each step, the rest is Other (default %d)", report.DefaultTop))
	collapse := fs.Bool("collapse", false, "collapse repeats in a row into one node")
	hide := fs.String("hide", "", "comma-separated event names to leave out of paths")
	session := fs.Bool("session", false, "keep each path within the session of its anchor")
	var dates dateRange
	dates.register(fs)
	rows := fs.String("rows", "nodes", "what a CSV row is: nodes, edges or paths")
	group := fs.String("group", "", "with a comparison in the definition: print the paths of this group (converted or not converted), or with --persons list its persons")
	var drill report.PathsDrill
	fs.IntVar(&drill.Step, "persons", 0, "list the persons on the node --name at step N (0 is the anchor) instead of the paths")
	fs.StringVar(&drill.Node, "name", "", "with --persons: the node's name, as the answer shows it (Other included)")
	fs.Func("next", "with --persons: only those going on to the node of this name at the next step (an edge)", func(s string) error {
		drill.Next = &s
		return nil
	})
	fs.BoolVar(&drill.DropOff, "drop-off", false, "with --persons: only those whose path goes no further than the node")
	fs.IntVar(&drill.Offset, "offset", 0, "with --persons: skip this many persons")
	fs.IntVar(&drill.Limit, "limit", 0, fmt.Sprintf("with --persons: list at most this many (default %d, at most %d)", report.DefaultLimit, report.MaxLimit))
	funnel := fs.String("funnel", "", "print the funnel definition of a path instead, its node names separated by > in time order (Home>Pricing>Signed Up)")
	if err := noArguments(fs, args); err != nil {
		return err
	}
	if *rows != "nodes" && *rows != "edges" && *rows != "paths" {
		return fmt.Errorf("--rows %q: use nodes, edges or paths", *rows)
	}
	drilling := firstSet(fs, "persons") != ""
	if !drilling {
		if name := firstSet(fs, "name", "next", "drop-off", "offset", "limit"); name != "" {
			return fmt.Errorf("--%s goes with --persons STEP", name)
		}
	}
	if drilling && *funnel != "" {
		return fmt.Errorf("give --persons or --funnel, not both")
	}

	paths := map[string]any{}
	if *def != "" {
		if err := readDefinition(*def, &paths); err != nil {
			return err
		}
	}
	for key, event := range map[string]string{"start": *start, "end": *end} {
		if event != "" {
			paths[key] = map[string]any{"event": event}
		}
	}
	for key, value := range map[string]string{"node": *node, "from": dates.from, "to": dates.to} {
		if value != "" {
			paths[key] = value
		}
	}
	for key, value := range map[string]int{"steps": *steps, "top": *top} {
		if value != 0 {
			paths[key] = value
		}
	}
	if *collapse {
		paths["collapseRepeats"] = true
	}
	if *session {
		paths["within"] = string(report.WithinSession)
	}
	if *hide != "" {
		var list []any
		for _, name := range strings.Split(*hide, ",") {
			list = append(list, map[string]any{"event": strings.TrimSpace(name)})
		}
		paths["hide"] = list
	}

	switch {
	case *funnel != "":
		var path []string
		for _, name := range strings.Split(*funnel, ">") {
			path = append(path, strings.TrimSpace(name))
		}
		request, _ := json.Marshal(map[string]any{"paths": paths, "path": path})
		answer, err := q.call(ctx, "POST", "/api/v1/paths/funnel", request)
		if err != nil {
			return err
		}
		var f report.PathFunnel
		if err := json.Unmarshal(answer, &f); err != nil {
			return err
		}
		for _, w := range f.Warnings {
			fmt.Fprintln(os.Stderr, "warning:", w)
		}
		out, _ := json.MarshalIndent(f.Funnel, "", "  ")
		_, err = fmt.Printf("%s\n", out)
		return err
	case drilling:
		drill.Group = *group
		request, _ := json.Marshal(struct {
			Paths map[string]any `json:"paths"`
			report.PathsDrill
		}{paths, drill})
		answer, err := q.call(ctx, "POST", "/api/v1/paths/persons", request)
		if err != nil {
			return err
		}
		var page report.PersonsPage
		return q.print(answer, &page, func(w io.Writer) { printPersonsPage(w, &page) }, func() [][]string { return personsPageRows(&page) })
	}
	request, _ := json.Marshal(paths)
	answer, err := q.call(ctx, "POST", "/api/v1/paths", request)
	if err != nil {
		return err
	}
	var r report.PathsResult
	if err := json.Unmarshal(answer, &r); err != nil {
		return err
	}
	shown := &r
	if *group != "" {
		shown = nil
		for i := range r.Groups {
			if r.Groups[i].Name == *group {
				shown = &r.Groups[i].PathsResult
			}
		}
		if shown == nil {
			return fmt.Errorf("--group %q: the answer has no such group; a comparison (compare in the definition) gives %q and %q", *group, report.Converted, report.NotConverted)
		}
	}
	var decoded report.PathsResult
	return q.print(answer, &decoded, func(w io.Writer) { printPaths(w, shown) }, func() [][]string { return pathsRows(shown, *rows) })
}

// printPaths writes each step's nodes, then the most common paths.
func printPaths(w io.Writer, r *report.PathsResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "step\tnode\tpersons\tof all\tdropped off\t")
	for _, n := range r.Nodes {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%d\t\n", n.Step, n.Name, n.Persons, percent(ratio(n.Persons, r.Persons)), n.DropOff)
	}
	tw.Flush()
	fmt.Fprintf(w, "\npersons %d", r.Persons)
	if b := r.Between; b != nil {
		fmt.Fprintf(w, "; did the start without reaching the end %d, reached it beyond the steps %d", b.EndNotReached, b.EndBeyondSteps)
	}
	fmt.Fprintln(w)
	if len(r.Paths) > 0 {
		fmt.Fprintln(w, "\nmost common paths:")
	}
	for _, p := range r.Paths {
		fmt.Fprintf(w, "  %s: %d (%s)\n", strings.Join(p.Nodes, " > "), p.Persons, percent(p.Share))
	}
	for _, g := range r.Groups {
		fmt.Fprintf(w, "  group %s: %d persons (--group %q shows its paths)\n", g.Name, g.Persons, g.Name)
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// pathsRows are the CSV rows of a paths result: one per node, edge or
// path.
func pathsRows(r *report.PathsResult, rows string) [][]string {
	switch rows {
	case "edges":
		out := [][]string{{"step", "from", "to", "persons", "averageTime", "medianTime"}}
		for _, e := range r.Edges {
			out = append(out, []string{strconv.Itoa(e.Step), e.From, e.To, count(e.Persons), number(e.Time.Average), median(e.Time)})
		}
		return out
	case "paths":
		out := [][]string{{"path", "persons", "share"}}
		for _, p := range r.Paths {
			out = append(out, []string{strings.Join(p.Nodes, " > "), count(p.Persons), number(p.Share)})
		}
		return out
	}
	out := [][]string{{"step", "name", "persons", "dropOff"}}
	for _, n := range r.Nodes {
		out = append(out, []string{strconv.Itoa(n.Step), n.Name, count(n.Persons), count(n.DropOff)})
	}
	return out
}
