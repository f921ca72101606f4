package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	nethttp "net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/ingest"
	"github.com/waymark-analytics/waymark/segment"
)

type importCommand struct{}

// importBatch is how many messages go to the store, or to a running server,
// at a time; 1,000 small messages stay well under Segment's 500 KB limit.
const importBatch = 1000

func (*importCommand) Run(ctx context.Context, args []string) error {
	fs := flagSet("import", "import [--data DIR] [--format ndjson|csv] [--map FIELD=COLUMN,...] FILE...")
	var data dataFlags
	data.register(fs)
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
	sink, err := openSink(ctx, data.dir)
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
	add := func(raw json.RawMessage) error {
		batch = append(batch, raw)
		if len(batch) < importBatch {
			return nil
		}
		err := sink.write(ctx, batch)
		batch = batch[:0]
		return err
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

// ndjsonMessages calls fn with each non-empty line. Lines that are not JSON
// are passed on too, so they are rejected and kept like any invalid message.
func ndjsonMessages(r io.Reader, fn func(json.RawMessage) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), segment.MaxBatchBytes)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := fn(bytes.Clone(line)); err != nil {
			return err
		}
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
	store interface {
		Write(ctx context.Context, events []waymark.Event, rejections []waymark.Rejection) ([]bool, error)
		Close() error
	}
	project  waymark.Project
	pipeline *ingest.Pipeline
}

func openSink(ctx context.Context, dir string) (*importSink, error) {
	store, err := openStore(ctx, dir)
	if waymark.ErrorKind(err) == waymark.KindUnavailable {
		server, serr := readServerFile(dir)
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
	return &importSink{local: &localImport{store: store, project: project, pipeline: ingest.NewPipeline(ingest.Options{})}}, nil
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
	s.count(len(b.Events), count(duplicate), len(b.Rejected))
	return nil
}

func (s *importSink) post(ctx context.Context, messages []json.RawMessage) error {
	body, err := json.Marshal(map[string]any{"batch": messages})
	if err != nil {
		return err
	}
	req, err := nethttp.NewRequestWithContext(ctx, "POST", "http://"+s.remote.Addr+"/v1/import", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.SetBasicAuth(s.remote.WriteKey, "")
	req.Header.Set("Content-Type", "application/json")
	resp, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("import through the running server: %w", err)
	}
	defer resp.Body.Close()
	var answer struct {
		Accepted, Duplicates int
		Rejected             []json.RawMessage
		Error                string
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || resp.StatusCode != nethttp.StatusOK {
		return fmt.Errorf("import through the running server: %s %s", resp.Status, answer.Error)
	}
	s.count(answer.Accepted+answer.Duplicates, answer.Duplicates, len(answer.Rejected))
	return nil
}

// count adds a write's outcome; events includes the duplicates.
func (s *importSink) count(events, duplicates, rejected int) {
	s.accepted += events - duplicates
	s.duplicates += duplicates
	s.rejected += rejected
}

func count(flags []bool) int {
	n := 0
	for _, f := range flags {
		if f {
			n++
		}
	}
	return n
}
