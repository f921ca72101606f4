package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/waymark-analytics/waymark/report"
)

const journeysUsage = `Usage:
  waymark journeys list                                 the saved journeys: id, name, stages, last saved
  waymark journeys show ID [--format yaml|json]         one journey's definition
  waymark journeys import FILE...                       save the journeys of JSON or YAML files (- is stdin)
  waymark journeys export [--format yaml|json] [ID...]  the journeys as one list that import reads back
  waymark journeys delete ID...

Each takes --data DIR or --store URL; 'waymark journeys COMMAND --help' lists its flags.
`

// journeysCommand manages saved journey definitions through the API, as
// `waymark query` runs reports.
type journeysCommand struct{}

func (*journeysCommand) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("name what to do: waymark journeys list|show|import|export|delete; --help lists a command's flags")
	}
	switch args[0] {
	case "list":
		return listJourneys(ctx, args[1:])
	case "show":
		return showJourney(ctx, args[1:])
	case "import":
		return importJourneys(ctx, args[1:])
	case "export":
		return exportJourneys(ctx, args[1:])
	case "delete":
		return deleteJourneys(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(os.Stderr, journeysUsage)
		return flag.ErrHelp
	}
	return fmt.Errorf("unknown journeys command %q: use list, show, import, export or delete", args[0])
}

// listJourneys prints a table of the saved journeys.
func listJourneys(ctx context.Context, args []string) error {
	fs := flagSet("journeys list", "journeys list [--data DIR | --store URL]")
	var data dataFlags
	data.register(fs)
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return fmt.Errorf("journeys list takes no arguments, not %q", rest)
	}
	answer, err := runQuery(ctx, apiOptions{data: data}, "GET", "/api/v1/journeys", nil)
	if err != nil {
		return err
	}
	var list struct {
		Journeys []struct {
			ID      string            `json:"id"`
			Name    string            `json:"name"`
			Stages  []json.RawMessage `json:"stages"`
			Updated time.Time         `json:"updated"`
			Error   string            `json:"error"`
		} `json:"journeys"`
	}
	if err := json.Unmarshal(answer, &list); err != nil {
		return err
	}
	if len(list.Journeys) == 0 {
		fmt.Println("no saved journeys; add some with waymark journeys import FILE")
		return nil
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tname\tstages\tupdated (UTC)")
	for _, j := range list.Journeys {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", j.ID, j.Name, len(j.Stages), j.Updated.UTC().Format(time.DateTime))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, j := range list.Journeys {
		if j.Error != "" {
			fmt.Fprintln(os.Stderr, unreadable(j.ID, j.Error))
		}
	}
	return nil
}

// unreadable says that a saved journey cannot be read or run, and how to
// mend it.
func unreadable(id, problem string) string {
	return fmt.Sprintf("journey %s cannot be used: %s; replace it with waymark journeys import, or delete it", id, problem)
}

// showJourney prints one saved journey as YAML or JSON.
func showJourney(ctx context.Context, args []string) error {
	fs := flagSet("journeys show", "journeys show ID [--format yaml|json] [--data DIR | --store URL]")
	var data dataFlags
	data.register(fs)
	format := fs.String("format", "yaml", "yaml or json")
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(ids) != 1 {
		return fmt.Errorf("name one journey: waymark journeys show ID")
	}
	if *format != "yaml" && *format != "json" {
		return fmt.Errorf("--format %q: use yaml or json", *format)
	}
	answer, err := runQuery(ctx, apiOptions{data: data}, "GET", journeyPath(ids[0])+"?format="+*format, nil)
	if err != nil {
		return err
	}
	if *format == "json" {
		var out bytes.Buffer
		json.Indent(&out, bytes.TrimSpace(answer), "", "  ")
		answer = append(out.Bytes(), '\n')
	}
	_, err = os.Stdout.Write(answer)
	return err
}

// importJourneys saves the journeys of JSON or YAML files: each with an id
// under that id, replacing the journey saved there, and each without one
// under an id made of its name.
func importJourneys(ctx context.Context, args []string) error {
	fs := flagSet("journeys import", "journeys import [--data DIR | --store URL] FILE...")
	api, files, err := openForChanges(ctx, fs, args, "name the files: waymark journeys import FILE...; - reads standard input")
	if err != nil {
		return err
	}
	defer api.Close()
	total, failed := 0, 0
	for _, file := range files {
		journeys, err := readJourneys(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			total, failed = total+1, failed+1
			continue
		}
		for _, j := range journeys {
			total++
			if err := importJourney(ctx, api, j); err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", j, err)
				failed++
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d journeys not imported", failed, total)
	}
	return nil
}

func importJourney(ctx context.Context, api *apiClient, j fileJourney) error {
	if j.err != nil {
		return j.err
	}
	body, err := json.Marshal(j.definition)
	if err != nil {
		return err
	}
	method, path, did := "POST", "/api/v1/journeys", "created"
	if id, _ := j.definition["id"].(string); id != "" {
		method, path, did = "PUT", journeyPath(id), "saved"
	}
	answer, err := api.call(ctx, method, path, body)
	if err != nil {
		return err
	}
	var saved struct{ ID, Name string }
	if err := json.Unmarshal(answer, &saved); err != nil {
		return err
	}
	fmt.Printf("%s %s (%s) from %s:%d\n", did, saved.ID, saved.Name, j.file, j.line)
	return nil
}

// fileJourney is the nth journey of a file, starting on line, or why it
// cannot be read.
type fileJourney struct {
	file       string
	line, n    int
	definition map[string]any
	err        error
}

// String says where the journey is: "journeys.yaml:14: journey 2 (checkout)".
func (j fileJourney) String() string {
	s := fmt.Sprintf("%s:%d: journey %d", j.file, j.line, j.n)
	if id, _ := j.definition["id"].(string); id != "" {
		s += " (" + id + ")"
	}
	return s
}

// readJourneys reads a file of one journey or a list of journeys: JSON if
// its name ends in .json, else YAML; - is standard input, read as YAML,
// which also reads JSON.
func readJourneys(file string) ([]fileJourney, error) {
	var b []byte
	var err error
	if file == "-" {
		b, err = io.ReadAll(os.Stdin)
		file = "(stdin)"
	} else {
		b, err = os.ReadFile(file)
	}
	if err != nil {
		return nil, err
	}
	var journeys []fileJourney
	if strings.EqualFold(filepath.Ext(file), ".json") {
		journeys, err = jsonJourneys(b)
	} else {
		journeys, err = yamlJourneys(b)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(journeys) == 0 {
		return nil, fmt.Errorf("%s: no journeys", file)
	}
	for i := range journeys {
		journeys[i].file, journeys[i].n = file, i+1
	}
	return journeys, nil
}

// jsonJourneys reads a JSON object or a list of them.
func jsonJourneys(b []byte) ([]fileJourney, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if first := bytes.TrimLeft(b, " \t\r\n"); len(first) == 0 || first[0] != '[' {
		j := fileJourney{line: lineAt(b, len(b)-len(first))}
		if err := dec.Decode(&j.definition); err != nil {
			return nil, err
		}
		return []fileJourney{j}, trailing(dec)
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var journeys []fileJourney
	for dec.More() {
		start := int(dec.InputOffset())
		for start < len(b) && strings.IndexByte(" \t\r\n,", b[start]) >= 0 {
			start++
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		j := fileJourney{line: lineAt(b, start)}
		if j.definition, _ = v.(map[string]any); j.definition == nil {
			j.err = errors.New("not a journey: want an object with id, name and stages")
		}
		journeys = append(journeys, j)
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return journeys, trailing(dec)
}

func trailing(dec *json.Decoder) error {
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected text after the JSON value")
	}
	return nil
}

func lineAt(b []byte, offset int) int { return 1 + bytes.Count(b[:offset], []byte("\n")) }

// yamlJourneys reads YAML documents, each a journey or a list of them.
func yamlJourneys(b []byte) ([]fileJourney, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var journeys []fileJourney
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err == io.EOF {
			return journeys, nil
		} else if err != nil {
			return nil, err
		}
		items := doc.Content
		if len(items) == 1 && items[0].Kind == yaml.SequenceNode {
			items = items[0].Content
		}
		for _, item := range items {
			j := fileJourney{line: item.Line}
			if item.Kind != yaml.MappingNode {
				j.err = errors.New("not a journey: want a mapping of id, name and stages")
			} else {
				j.err = item.Decode(&j.definition)
			}
			journeys = append(journeys, j)
		}
	}
}

// exportJourneys writes saved journeys as one list that import reads back
// as they are: the definitions, without the time they were saved.
func exportJourneys(ctx context.Context, args []string) error {
	fs := flagSet("journeys export", "journeys export [--format yaml|json] [--data DIR | --store URL] [ID...]")
	var data dataFlags
	data.register(fs)
	format := fs.String("format", "yaml", "yaml or json")
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *format != "yaml" && *format != "json" {
		return fmt.Errorf("--format %q: use yaml or json", *format)
	}
	api, err := openAPI(ctx, apiOptions{data: data})
	if err != nil {
		return err
	}
	defer api.Close()
	var saved []report.SavedJourney
	if len(ids) == 0 {
		answer, err := api.call(ctx, "GET", "/api/v1/journeys", nil)
		if err != nil {
			return err
		}
		var list struct {
			Journeys []report.SavedJourney `json:"journeys"`
		}
		if err := json.Unmarshal(answer, &list); err != nil {
			return err
		}
		saved = list.Journeys
	}
	for _, id := range ids {
		answer, err := api.call(ctx, "GET", journeyPath(id), nil)
		if err != nil {
			return err
		}
		var j report.SavedJourney
		if err := json.Unmarshal(answer, &j); err != nil {
			return err
		}
		saved = append(saved, j)
	}
	definitions := []any{}
	for _, j := range saved {
		if j.Error != "" {
			fmt.Fprintln(os.Stderr, unreadable(j.ID, j.Error))
			continue
		}
		definitions = append(definitions, j.Journey)
	}
	var text []byte
	if *format == "yaml" {
		text, err = report.EncodeYAML(definitions)
	} else {
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		err = enc.Encode(definitions)
		text = out.Bytes()
	}
	if err != nil {
		return err
	}
	if _, err := os.Stdout.Write(text); err != nil {
		return err
	}
	if skipped := len(saved) - len(definitions); skipped > 0 {
		return fmt.Errorf("%d of %d journeys not exported", skipped, len(saved))
	}
	return nil
}

// deleteJourneys deletes saved journeys.
func deleteJourneys(ctx context.Context, args []string) error {
	fs := flagSet("journeys delete", "journeys delete ID... [--data DIR | --store URL]")
	api, ids, err := openForChanges(ctx, fs, args, "name the journeys: waymark journeys delete ID...")
	if err != nil {
		return err
	}
	defer api.Close()
	for _, id := range ids {
		if _, err := api.call(ctx, "DELETE", journeyPath(id), nil); err != nil {
			return err
		}
		fmt.Println("deleted", id)
	}
	return nil
}

func journeyPath(id string) string { return "/api/v1/journeys/" + url.PathEscape(id) }

// openForChanges parses the flags and arguments of a command that changes
// journeys, which needs at least one argument (missing says which), and
// opens the API it writes through.
func openForChanges(ctx context.Context, fs *flag.FlagSet, args []string, missing string) (*apiClient, []string, error) {
	var data dataFlags
	data.register(fs)
	names, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, nil, err
	}
	if len(names) == 0 {
		return nil, nil, errors.New(missing)
	}
	api, err := openAPI(ctx, apiOptions{data: data, write: true})
	return api, names, err
}

// parseInterspersed parses flags before, between and after the arguments,
// as in "show ID --format json", and returns the arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if consumed := args[:len(args)-len(rest)]; len(consumed) > 0 && consumed[len(consumed)-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	return positional, nil
}
