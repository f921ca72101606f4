package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/waymark-analytics/waymark/report"
)

// queryFlags are the flags of every kind of query: where the data is, which
// project, and how to print the answer.
type queryFlags struct {
	data    dataFlags
	project string
	format  string // table, json or csv
}

// register adds the flags to fs; rows says what a CSV row is.
func (q *queryFlags) register(fs *flag.FlagSet, rows string) {
	q.data.register(fs)
	fs.StringVar(&q.project, "project", "", "the project to query; by default the default project")
	q.format = "table"
	fs.Func("format", "print the answer as a `table|json|csv` (default table): json is the API's answer; csv is a header row, then one row per "+rows+
		"; its numbers are unformatted: ratios as fractions of 1 (0.25 is 25%), durations in seconds", func(s string) error {
		switch s {
		case "table", "json", "csv":
			q.format = s
			return nil
		}
		return fmt.Errorf("use table, json or csv")
	})
	fs.BoolFunc("json", "the same as --format json", func(s string) error {
		on, err := strconv.ParseBool(s)
		if on {
			q.format = "json"
		}
		return err
	})
}

// dateRange is the --from and --to of reports.
type dateRange struct{ from, to string }

func (d *dateRange) register(fs *flag.FlagSet) {
	fs.StringVar(&d.from, "from", "", "start of the date range, YYYY-MM-DD (UTC)")
	fs.StringVar(&d.to, "to", "", "end of the date range, YYYY-MM-DD (UTC, exclusive)")
}

// call sends one request to the API.
func (q *queryFlags) call(ctx context.Context, method, path string, request []byte) ([]byte, error) {
	return runQuery(ctx, apiOptions{data: q.data, project: q.project}, method, path, request)
}

// print writes the answer in the chosen format: as the API's JSON, or
// decoded into result and written by table or as the CSV rows (the header
// first) that rows returns. The answer's warnings go to standard error.
func (q *queryFlags) print(answer []byte, result any, table func(w io.Writer), rows func() [][]string) error {
	if q.format == "json" {
		var out bytes.Buffer
		if err := json.Indent(&out, bytes.TrimSpace(answer), "", "  "); err != nil {
			return err
		}
		out.WriteByte('\n')
		_, err := os.Stdout.Write(out.Bytes())
		return err
	}
	if err := json.Unmarshal(answer, result); err != nil {
		return err
	}
	var warned struct {
		Warnings []string `json:"warnings"`
	}
	json.Unmarshal(answer, &warned)
	for _, w := range warned.Warnings {
		fmt.Fprintln(os.Stderr, "warning:", w)
	}
	if q.format == "csv" {
		return writeCSV(os.Stdout, rows())
	}
	table(os.Stdout)
	return nil
}

// writeCSV writes rows as CSV. A cell that a spreadsheet would take for a
// formula (=, +, -, @, a tab or a carriage return first) gets a leading
// apostrophe, as in the dashboard's CSV: person ids, names and values come
// from untrusted data. Negative numbers stay numbers.
func writeCSV(out io.Writer, rows [][]string) error {
	w := csv.NewWriter(out)
	for _, row := range rows {
		cells := make([]string, len(row))
		for i, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && !isNegativeNumber(cell) {
				cell = "'" + cell
			}
			cells[i] = cell
		}
		w.Write(cells)
	}
	w.Flush()
	return w.Error()
}

// isNegativeNumber tells whether cell is a negative decimal number, as
// number writes it.
func isNegativeNumber(cell string) bool {
	_, err := strconv.ParseFloat(cell, 64)
	return err == nil && len(cell) > 1 && cell[0] == '-' && strings.Trim(cell[1:], "0123456789.") == ""
}

// noArguments parses flags that take no arguments after them.
func noArguments(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q; --help lists the flags", fs.Arg(0))
	}
	return nil
}

// The cells of CSV rows: numbers as Go writes them, shortest exact form.

func count(n int) string { return strconv.Itoa(n) }

func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// median is a duration's median in seconds, empty when nothing was timed.
func median(d report.Durations) string {
	if d.Count == 0 {
		return ""
	}
	return number(d.Median)
}
