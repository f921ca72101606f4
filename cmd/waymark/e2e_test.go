package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	analytics "gopkg.in/segmentio/analytics-go.v3"
)

// The end-to-end tests run the real binary, as a user would.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "waymark-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "waymark")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building waymark:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const (
	testWriteKey = "wk_test"
	testReadKey  = "rk_test"
)

// server is a child `waymark serve` (or `waymark demo`) process.
type server struct {
	cmd  *exec.Cmd
	addr string
	out  *output
}

// output is what a child process prints, readable while it runs.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

func startServer(t *testing.T, dataDir string, extra ...string) *server {
	t.Helper()
	return startCommand(t, "serve", dataDir, extra...)
}

// startCommand starts a command that serves, serve or demo, and waits
// until it answers.
func startCommand(t testing.TB, command, dataDir string, extra ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	s := &server{addr: addr, out: &output{}}
	s.cmd = exec.Command(binary, append([]string{command, "--data", dataDir, "--addr", addr}, extra...)...)
	s.cmd.Env = append(os.Environ(), "WAYMARK_WRITE_KEY="+testWriteKey, "WAYMARK_READ_KEY="+testReadKey)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.cmd.Process.Kill(); s.cmd.Wait() })
	// A new ClickHouse database on a cluster runs its migrations through
	// the cluster's DDL queue first, which other tests load too.
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server did not become healthy:\n%s", s.out)
	return nil
}

func (s *server) stop(t *testing.T) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("server exited with %v:\n%s", err, s.out)
	}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// exported is one line of `waymark export`.
type exported struct {
	Type        string          `json:"type"`
	MessageID   string          `json:"messageId"`
	UserID      string          `json:"userId"`
	AnonymousID string          `json:"anonymousId"`
	Event       string          `json:"event"`
	Timestamp   time.Time       `json:"timestamp"`
	Properties  json.RawMessage `json:"properties"`
	PersonID    string          `json:"personId"`
	Reason      string          `json:"reason"` // dead letters only
}

func exportAll(t *testing.T, dataDir string, extra ...string) []exported {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"export", "--data", dataDir}, extra...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	var events []exported
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e exported
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("export line %q: %v", sc.Text(), err)
		}
		events = append(events, e)
	}
	return events
}

func TestSegmentClientEndToEnd(t *testing.T) {
	dataDir := t.TempDir()
	srv := startServer(t, dataDir)

	client, err := analytics.NewWithConfig(testWriteKey, analytics.Config{
		Endpoint:  "http://" + srv.addr,
		BatchSize: 10,
		Interval:  50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	signupAt := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	messages := []analytics.Message{
		analytics.Page{MessageId: "m-page", AnonymousId: "anon-1", Name: "Pricing", Timestamp: signupAt.Add(-time.Hour),
			Properties: analytics.NewProperties().SetURL("https://shop.example/pricing?utm_source=google&utm_medium=cpc&gclid=abc").SetPath("/pricing")},
		analytics.Identify{MessageId: "m-identify", AnonymousId: "anon-1", UserId: "user-1", Timestamp: signupAt,
			Traits: analytics.NewTraits().SetEmail("ada@example.com").Set("plan", "trial")},
		analytics.Track{MessageId: "m-order", UserId: "user-1", Event: "Order Completed", Timestamp: signupAt.Add(time.Hour),
			Properties: analytics.NewProperties().SetRevenue(49.5).SetCurrency("eur")},
		analytics.Track{MessageId: "m-order", UserId: "user-1", Event: "Order Completed", Timestamp: signupAt.Add(time.Hour)},
	}
	for _, m := range messages {
		if err := client.Enqueue(m); err != nil {
			t.Fatal(err)
		}
	}
	if err := client.Close(); err != nil {
		t.Fatal(err)
	}

	// Export works while the server holds the database, through the server.
	live := exportAll(t, dataDir)
	srv.stop(t)
	events := exportAll(t, dataDir)
	if len(live) != len(events) {
		t.Errorf("export through the running server gave %d events, directly %d", len(live), len(events))
	}

	if len(events) != 3 {
		t.Fatalf("exported %d events, want 3 (the repeated messageId counts once): %+v", len(events), events)
	}
	byID := map[string]exported{}
	for _, e := range events {
		byID[e.MessageID] = e
		if e.PersonID != "user-1" {
			t.Errorf("event %s resolves to person %q, want user-1 (anonymous page view merged retroactively)", e.MessageID, e.PersonID)
		}
	}
	if got := byID["m-page"]; got.Type != "page" || !got.Timestamp.Equal(signupAt.Add(-time.Hour)) {
		t.Errorf("page event = %+v, want its server-library timestamp kept", got)
	}
	if got := byID["m-order"]; got.Event != "Order Completed" || !strings.Contains(string(got.Properties), `"revenue":49.5`) {
		t.Errorf("order event = %+v", got)
	}
}

func TestIngestAnswers(t *testing.T) {
	dataDir := t.TempDir()
	srv := startServer(t, dataDir)
	post := func(path, auth, body string) (int, string) {
		req, _ := http.NewRequest("POST", "http://"+srv.addr+path, strings.NewReader(body))
		if auth != "" {
			req.SetBasicAuth(auth, "")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tests := []struct {
		name, path, auth, body string
		status                 int
		contains               string
	}{
		{"wrong key", "/v1/track", "nope", `{"userId":"u","event":"x"}`, 401, "unknown write key"},
		{"no key", "/v1/track", "", `{"userId":"u","event":"x"}`, 401, "write key is required"},
		{"unparseable", "/v1/batch", testWriteKey, `{"batch":[`, 400, ""},
		{"key in body, analytics.js short form", "/v1/t", "", `{"writeKey":"wk_test","anonymousId":"a","event":"Clicked"}`, 200, `"accepted":1`},
		{"partly invalid batch keeps the valid", "/v1/batch", testWriteKey,
			`{"batch":[{"type":"track","userId":"u","event":"Ok"},{"type":"track","event":"No id"},{"type":"alias","userId":"u"}]}`,
			200, `"accepted":1`},
		{"oversize", "/v1/batch", testWriteKey, `{"batch":[` + strings.Repeat(`{"type":"track","userId":"u","event":"x"},`, 14000) + `{}]}`, 413, "500 KB"},
	}
	for _, tt := range tests {
		status, body := post(tt.path, tt.auth, tt.body)
		if status != tt.status || !strings.Contains(body, tt.contains) {
			t.Errorf("%s: got %d %s, want %d containing %q", tt.name, status, body, tt.status, tt.contains)
		}
	}
	srv.stop(t)
	if n := len(exportAll(t, dataDir)); n != 2 {
		t.Errorf("stored %d events, want 2", n)
	}
	var reasons []string
	for _, r := range exportAll(t, dataDir, "--rejected") {
		reasons = append(reasons, r.Reason)
	}
	if want := `[userId or anonymousId is required alias call requires "previousId"]`; fmt.Sprint(reasons) != want {
		t.Errorf("dead letter reasons = %v, want %s", reasons, want)
	}
}

// TestCrashLosesNothingAcknowledged kills the server with SIGKILL while
// clients stream batches; after a restart every acknowledged messageId must
// be stored exactly once.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	dataDir := t.TempDir()
	srv := startServer(t, dataDir)

	var mu sync.Mutex
	acked := map[string]bool{}
	var ackedBodies []string
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for b := 0; ctx.Err() == nil; b++ {
				var batch []string
				ids := make([]string, 50)
				for i := range ids {
					ids[i] = fmt.Sprintf("c%d-b%d-%d", c, b, i)
					batch = append(batch, fmt.Sprintf(`{"type":"track","messageId":%q,"anonymousId":"a%d","event":"Streamed"}`, ids[i], c))
				}
				body := `{"batch":[` + strings.Join(batch, ",") + `]}`
				status, err := postBatch(ctx, srv.addr, body)
				if err != nil {
					return // the server is gone
				}
				if status == http.StatusOK {
					mu.Lock()
					for _, id := range ids {
						acked[id] = true
					}
					ackedBodies = append(ackedBodies, body)
					mu.Unlock()
				}
			}
		}(c)
	}
	time.Sleep(1500 * time.Millisecond)
	srv.cmd.Process.Signal(syscall.SIGKILL)
	srv.cmd.Wait()
	cancel()
	wg.Wait()

	// A client retries the last acknowledged batches after the restart: they
	// must not be doubled.
	srv = startServer(t, dataDir)
	for _, body := range ackedBodies[max(0, len(ackedBodies)-8):] {
		if status, err := postBatch(context.Background(), srv.addr, body); err != nil || status != http.StatusOK {
			t.Fatalf("retry after restart: %d %v", status, err)
		}
	}
	srv.stop(t)
	stored := map[string]int{}
	for _, e := range exportAll(t, dataDir) {
		stored[e.MessageID]++
	}
	if len(acked) == 0 {
		t.Fatal("no batch was acknowledged before the kill")
	}
	for id := range acked {
		if stored[id] != 1 {
			t.Errorf("acknowledged %s stored %d times", id, stored[id])
		}
	}
	for id, n := range stored {
		if n != 1 {
			t.Errorf("%s stored %d times", id, n)
		}
	}
	t.Logf("%d acknowledged, %d stored", len(acked), len(stored))
}

func postBatch(ctx context.Context, addr, body string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", "http://"+addr+"/v1/batch", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.SetBasicAuth(testWriteKey, "")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
