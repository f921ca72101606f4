package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	nethttp "net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/waymark-analytics/waymark/ingest"
	"github.com/waymark-analytics/waymark/segment"
)

type importCommand struct{}

// An import batch goes to the collector in one request. It stays under
// Segment's limits with room for the {"batch":[...]} wrapper.
const (
	importBatchMessages = 1000
	importBatchBytes    = segment.MaxBatchBytes - 4<<10
)

func (*importCommand) Run(ctx context.Context, args []string) error {
	fs := flagSet("import", "import [--data DIR | --store URL] [--project ID] [--format ndjson|csv] [--map FIELD=COLUMN,...] [--spend FILE] FILE...")
	var data dataFlags
	data.register(fs)
	var enrich pipelineFlags
	enrich.register(fs)
	format := fs.String("format", "", "ndjson (one Segment message a line) or csv; by default taken from each file's extension")
	mapSpec := fs.String("map", "", "CSV column mapping, e.g. userId=customer,event=action,properties.plan=Plan")
	typ := fs.String("type", "track", "message type of CSV rows without a type column")
	project := fs.String("project", "", "the project to import into; by default the default project (an export's projectId is not read)")
	spend := fs.String("spend", "", "a CSV file of ad spend per day and campaign, ad or other field (date,utm_campaign,spend; docs/import-export.md), imported whole or not at all")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 && *spend == "" {
		fs.Usage()
		return fmt.Errorf("no input files (use - for standard input)")
	}
	mapping, err := parseMapping(*mapSpec)
	if err != nil {
		return err
	}
	opts, closeGeo, err := enrich.options()
	if err != nil {
		return err
	}
	defer closeGeo()
	api, err := openAPI(ctx, apiOptions{data: data, project: *project, create: true, ingest: opts})
	if err != nil {
		return err
	}
	defer api.Close()
	if *spend != "" {
		if err := importSpend(ctx, api, *spend); err != nil {
			return fmt.Errorf("%s: %w", *spend, err)
		}
		if fs.NArg() == 0 {
			return nil
		}
	}
	sink := &importSink{api: api}
	for _, name := range fs.Args() {
		if err := importFile(ctx, name, *format, mapping, *typ, sink); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	fmt.Printf("imported %d events, %d duplicates skipped, %d rejected (see 'waymark export --rejected')\n",
		sink.accepted, sink.duplicates, sink.rejected)
	return nil
}

// importSpend posts a spend file to POST /api/v1/spend, which imports it
// whole or refuses it with every malformed row.
func importSpend(ctx context.Context, api *apiClient, name string) error {
	var body []byte
	var err error
	if name == "-" {
		body, err = io.ReadAll(os.Stdin)
	} else {
		body, err = os.ReadFile(name)
	}
	if err != nil {
		return err
	}
	answer, err := api.call(ctx, "POST", "/api/v1/spend", body)
	if err != nil {
		return err
	}
	var imported struct {
		Rows     int
		Field    string
		From, To string
	}
	if err := json.Unmarshal(answer, &imported); err != nil {
		return err
	}
	fmt.Printf("imported the spend of %d values and days of %s, %s to %s; rows already stored for them were replaced\n",
		imported.Rows, imported.Field, imported.From, imported.To)
	return nil
}

func parseMapping(spec string) (map[string]string, error) {
	mapping := map[string]string{}
	if spec == "" {
		return mapping, nil
	}
	for _, pair := range strings.Split(spec, ",") {
		field, column, ok := strings.Cut(pair, "=")
		if !ok || field == "" || column == "" {
			return nil, fmt.Errorf("--map: %q is not FIELD=COLUMN", pair)
		}
		mapping[strings.TrimSpace(field)] = strings.TrimSpace(column)
	}
	return mapping, nil
}

func importFile(ctx context.Context, name, format string, mapping map[string]string, typ string, sink *importSink) error {
	var r io.Reader = os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	if format == "" {
		format = "ndjson"
		if strings.EqualFold(filepath.Ext(name), ".csv") {
			format = "csv"
		}
	}
	var batch []json.RawMessage
	size := 0
	add := func(raw json.RawMessage) error {
		if len(batch) == importBatchMessages || size+len(raw)+1 > importBatchBytes {
			if err := sink.write(ctx, batch); err != nil {
				return err
			}
			batch, size = batch[:0], 0
		}
		batch = append(batch, raw)
		size += len(raw) + 1
		return nil
	}
	var err error
	switch format {
	case "csv":
		err = ingest.CSVMessages(r, mapping, typ, add)
	case "ndjson", "jsonl":
		err = ndjsonMessages(r, add)
	default:
		return fmt.Errorf("unknown format %q: want ndjson or csv", format)
	}
	if err != nil {
		return err
	}
	return sink.write(ctx, batch)
}

// ndjsonMessages calls fn with each non-empty line. A line that is not JSON
// goes on as a JSON string, so that it is rejected and kept as a dead letter
// like any other invalid message instead of failing the import.
func ndjsonMessages(r io.Reader, fn func(json.RawMessage) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), segment.MaxMessageBytes)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		message := json.RawMessage(bytes.Clone(line))
		if !utf8.Valid(line) || !json.Valid(line) {
			message, _ = json.Marshal(strings.ToValidUTF8(string(line), "\uFFFD"))
		}
		if err := fn(message); err != nil {
			return err
		}
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return fmt.Errorf("a line is longer than %d KB, Segment's limit for one message", segment.MaxMessageBytes>>10)
	}
	return sc.Err()
}

// importSink posts messages to the collector's /v1/import, of the running
// server or in this process, retrying as Segment's SDKs do while the server
// is briefly unavailable; messageIds make retries safe.
type importSink struct {
	api                            *apiClient
	accepted, duplicates, rejected int
}

func (s *importSink) write(ctx context.Context, messages []json.RawMessage) error {
	if len(messages) == 0 {
		return nil
	}
	// Built by hand: json.Marshal would escape & < > and outgrow the limit.
	body := []byte(`{"batch":[`)
	for i, m := range messages {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, m...)
	}
	body = append(body, "]}"...)
	backoff := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := s.post(ctx, body)
		var retry retryable
		if !errors.As(err, &retry) || attempt == 6 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
			backoff *= 2
		}
	}
}

func (s *importSink) post(ctx context.Context, body []byte) error {
	resp, err := s.api.send(ctx, "POST", "/v1/import", body, func(r *nethttp.Request) {
		r.SetBasicAuth(s.api.project.WriteKey, "")
		r.Header.Set("Content-Type", "application/json")
	})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode == nethttp.StatusServiceUnavailable {
		return retryable{fmt.Errorf("import: %s", resp.Status)}
	}
	var answer struct {
		Accepted, Duplicates int
		Rejected             []json.RawMessage
		Error                string
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || resp.StatusCode != nethttp.StatusOK {
		return fmt.Errorf("import: %s %s", resp.Status, answer.Error)
	}
	s.accepted += answer.Accepted
	s.duplicates += answer.Duplicates
	s.rejected += len(answer.Rejected)
	return nil
}
