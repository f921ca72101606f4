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

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/ingest"
	"github.com/waymark-analytics/waymark/segment"
	"github.com/waymark-analytics/waymark/storage"
)

type importCommand struct{}

// An import batch goes to the store, or to a running server, in one write.
// It stays under Segment's limits with room for the {"batch":[...]} wrapper.
const (
	importBatchMessages = 1000
	importBatchBytes    = segment.MaxBatchBytes - 4<<10
)

func (*importCommand) Run(ctx context.Context, args []string) error {
	fs := flagSet("import", "import [--data DIR] [--format ndjson|csv] [--map FIELD=COLUMN,...] FILE...")
	var data dataFlags
	data.register(fs)
	var enrich pipelineFlags
	enrich.register(fs)
	format := fs.String("format", "", "ndjson (one Segment message a line) or csv; by default taken from each file's extension")
	mapSpec := fs.String("map", "", "CSV column mapping, e.g. userId=customer,event=action,properties.plan=Plan")
	typ := fs.String("type", "track", "message type of CSV rows without a type column")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
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
	sink, err := openSink(ctx, data, opts)
	if err != nil {
		return err
	}
	defer sink.close()
	for _, name := range fs.Args() {
		if err := importFile(ctx, name, *format, mapping, *typ, sink); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	fmt.Printf("imported %d events, %d duplicates skipped, %d rejected (see 'waymark export --rejected')\n",
		sink.accepted, sink.duplicates, sink.rejected)
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

// importSink writes messages into the store, or, when a running server holds
// the database, posts them to its /v1/import endpoint.
type importSink struct {
	local                          *localImport
	remote                         *runningServer
	accepted, duplicates, rejected int
}

type localImport struct {
	store    storage.Store
	project  waymark.Project
	pipeline *ingest.Pipeline
}

func openSink(ctx context.Context, data dataFlags, opts ingest.Options) (*importSink, error) {
	store, err := openStore(ctx, data)
	if waymark.ErrorKind(err) == waymark.KindUnavailable && data.store == "" {
		server, serr := readServerFile(data.dir)
		if serr != nil {
			return nil, fmt.Errorf("%w; and no running server was found: %v", err, serr)
		}
		return &importSink{remote: &server}, nil
	}
	if err != nil {
		return nil, err
	}
	project, _, err := defaultProject(ctx, store, os.Getenv("WAYMARK_WRITE_KEY"), os.Getenv("WAYMARK_READ_KEY"))
	if err != nil {
		store.Close()
		return nil, err
	}
	return &importSink{local: &localImport{store: store, project: project, pipeline: ingest.NewPipeline(opts)}}, nil
}

func (s *importSink) close() {
	if s.local != nil {
		s.local.store.Close()
	}
}

func (s *importSink) write(ctx context.Context, messages []json.RawMessage) error {
	if len(messages) == 0 {
		return nil
	}
	if s.remote != nil {
		return s.post(ctx, messages)
	}
	b := s.local.pipeline.Process(ingest.Source{ProjectID: s.local.project.ID, ReceivedAt: time.Now()}, segment.Payload{Messages: messages})
	duplicate, err := s.local.store.Write(ctx, b.Events, b.Rejections)
	if err != nil {
		return err
	}
	s.tally(len(b.Events), countTrue(duplicate), len(b.Rejected))
	return nil
}

// post sends messages to the running server, retrying as Segment's SDKs do
// while the server is briefly unavailable; messageIds make retries safe.
func (s *importSink) post(ctx context.Context, messages []json.RawMessage) error {
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
		err := s.postOnce(ctx, body)
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

// retryable marks a failure that may pass when tried again.
type retryable struct{ error }

func (s *importSink) postOnce(ctx context.Context, body []byte) error {
	req, err := nethttp.NewRequestWithContext(ctx, "POST", "http://"+s.remote.Addr+"/v1/import", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.SetBasicAuth(s.remote.WriteKey, "")
	req.Header.Set("Content-Type", "application/json")
	resp, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		return retryable{fmt.Errorf("import through the running server: %w", err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode == nethttp.StatusServiceUnavailable {
		return retryable{fmt.Errorf("import through the running server: %s", resp.Status)}
	}
	var answer struct {
		Accepted, Duplicates int
		Rejected             []json.RawMessage
		Error                string
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || resp.StatusCode != nethttp.StatusOK {
		return fmt.Errorf("import through the running server: %s %s", resp.Status, answer.Error)
	}
	s.tally(answer.Accepted+answer.Duplicates, answer.Duplicates, len(answer.Rejected))
	return nil
}

// tally adds a write's outcome; events includes the duplicates.
func (s *importSink) tally(events, duplicates, rejected int) {
	s.accepted += events - duplicates
	s.duplicates += duplicates
	s.rejected += rejected
}

func countTrue(flags []bool) int {
	n := 0
	for _, f := range flags {
		if f {
			n++
		}
	}
	return n
}
