package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/waymark-analytics/waymark/report"
)

type queryCommand struct{}

const queryUsage = `Usage:
  waymark query funnel (--def FILE | --steps A,B,C) [flags]    a funnel
  waymark query funnel ... --persons STEP [--outcome reached|dropped|in_progress]
                                                              the persons behind a step's number
  waymark query journey (--def FILE | --id ID) [flags]        a journey map, or a saved one
  waymark query person ID                                     a person: ids, traits, first and last seen

Each prints the API's numbers as a table, --format json or --format csv, and
takes --data DIR or --store URL, and --project ID; 'waymark query KIND --help'
lists the flags of each.
`

func (*queryCommand) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("name the report: waymark query funnel|journey|person [flags]; --help lists them")
	}
	switch args[0] {
	case "funnel":
		return queryFunnel(ctx, args[1:])
	case "journey":
		return queryJourney(ctx, args[1:])
	case "person":
		return queryPerson(ctx, args[1:])
	case "help", "-h", "-help", "--help":
		fmt.Fprint(os.Stderr, queryUsage)
		return flag.ErrHelp
	}
	return fmt.Errorf("unknown report %q: use funnel, journey or person", args[0])
}

// day turns a date into the API's time format.
func day(s string) string {
	if len(s) == len("2006-01-02") {
		return s + "T00:00:00Z"
	}
	return s
}

// readDefinition reads a JSON or YAML file into a generic value, which then
// goes to the API as JSON: both formats mean the same fields.
func readDefinition(path string, v *map[string]any) error {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(os.Stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return err
	}
	// YAML is nearly a superset of JSON, but not quite: it rejects the JSON
	// escape \/, for one. So JSON is read as JSON.
	if json.Valid(b) {
		err = json.Unmarshal(b, v)
	} else {
		err = yaml.Unmarshal(b, v)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// runQuery answers one request with the API (a read: the store is opened
// read-only).
func runQuery(ctx context.Context, opts apiOptions, method, path string, request []byte) ([]byte, error) {
	api, err := openAPI(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer api.Close()
	return api.call(ctx, method, path, request)
}

// answerBody returns an API answer's body, or its error message.
func answerBody(status int, body []byte) ([]byte, error) {
	if status/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return nil, errors.New(e.Error)
		}
		return nil, fmt.Errorf("%d %s", status, bytes.TrimSpace(body))
	}
	return body, nil
}

func percent(f float64) string { return fmt.Sprintf("%.2f%%", 100*f) }

func span(d report.Durations) string {
	if d.Count == 0 {
		return "-"
	}
	return seconds(d.Median)
}

// seconds prints a duration in seconds the way people read it.
func seconds(s float64) string {
	d := time.Duration(s * float64(time.Second)).Round(time.Second)
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%.1fd", d.Hours()/24)
	case d >= time.Hour:
		return fmt.Sprintf("%.1fh", d.Hours())
	case d >= time.Minute:
		return fmt.Sprintf("%.1fm", d.Minutes())
	}
	return d.String()
}
