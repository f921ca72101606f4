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
	"path/filepath"
	"strings"
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
  waymark query paths (--def FILE | --start EVENT | --end EVENT) [flags]
                                                              the paths persons take, node by node
  waymark query paths ... --persons STEP --name NODE [--next NODE | --drop-off]
                                                              the persons on a node or edge
  waymark query paths ... --funnel 'A>B>C'                    the funnel definition of a path
  waymark query attribution (--def FILE | --conversion EVENT --touch FIELD) [flags]
                                                              which values of a field earn the conversions, by model
  waymark query person ID                                     a person: ids, traits, first and last seen

Each prints the API's numbers as a table, --format json or --format csv, and
takes --data DIR or --store URL, and --project ID; 'waymark query KIND --help'
lists the flags of each.
`

func (*queryCommand) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("name the report: waymark query funnel|journey|paths|attribution|person [flags]; --help lists them")
	}
	switch args[0] {
	case "funnel":
		return queryFunnel(ctx, args[1:])
	case "journey":
		return queryJourney(ctx, args[1:])
	case "paths":
		return queryPaths(ctx, args[1:])
	case "attribution":
		return queryAttribution(ctx, args[1:])
	case "person":
		return queryPerson(ctx, args[1:])
	case "help", "-h", "-help", "--help":
		fmt.Fprint(os.Stderr, queryUsage)
		return flag.ErrHelp
	}
	return fmt.Errorf("unknown report %q: use funnel, journey, paths, attribution or person", args[0])
}

// readDefinition reads a JSON or YAML file into a generic value, which then
// goes to the API as JSON: both formats mean the same fields. A file named
// *.json, or whose text is JSON, is read as JSON.
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
	if strings.EqualFold(filepath.Ext(path), ".json") || json.Valid(b) {
		err = report.DecodeJSON(b, v)
	} else {
		err = decodeYAMLDefinition(b, v)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// decodeYAMLDefinition reads a YAML mapping into v, with errors that say
// where in the file and what was expected.
func decodeYAMLDefinition(b []byte, v *map[string]any) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return errors.New("expected a definition, found nothing")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: expected a mapping of the definition's fields, not %s", root.Line, map[yaml.Kind]string{
			yaml.SequenceNode: "a list", yaml.ScalarNode: "a single value", yaml.AliasNode: "an alias"}[root.Kind])
	}
	if err := root.Decode(v); err != nil {
		return fmt.Errorf("line %d: expected a mapping of field names to values", root.Line)
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
