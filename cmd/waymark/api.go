package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	nethttp "net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/duckdb"
	"github.com/waymark-analytics/waymark/http"
	"github.com/waymark-analytics/waymark/ingest"
	"github.com/waymark-analytics/waymark/storage"
)

// apiClient is how every command that reads or writes data reaches it: over
// HTTP, through the API, so that its answers are the API's by construction.
// It talks to the running server when that holds the embedded database, or
// else to a server in this process over the opened store, reached through
// an in-memory listener.
type apiClient struct {
	client *nethttp.Client
	base   string // the scheme and host of request URLs
	// through names the running server in errors; empty in this process.
	through  string
	projects []projectKeys // every project, the default first
	project  projectKeys   // the one the command acts on
	close    func() error
}

// apiOptions say how a command reaches the API.
type apiOptions struct {
	data    dataFlags
	project string // the project to act on; empty for the default
	// write opens the store for writing instead of read-only beside other
	// readers; create also creates the data dir, the database and the
	// default project when missing.
	write, create bool
	ingest        ingest.Options // the in-process collector's pipeline
}

// openAPI opens the store and serves the API over it in this process, or
// finds the running server that holds the embedded database.
func openAPI(ctx context.Context, opts apiOptions) (*apiClient, error) {
	store, err := openStoreFor(ctx, opts)
	if waymark.ErrorKind(err) == waymark.KindUnavailable && opts.data.store == "" {
		return dialServer(opts, err)
	}
	if err != nil {
		return nil, err
	}
	c, err := serveInProcess(ctx, store, opts)
	if err != nil {
		store.Close()
		return nil, err
	}
	return c, nil
}

// openStoreFor opens the store as opts ask. ClickHouse takes readers and
// writers alongside each other; the embedded database is opened for writing
// only when asked, as that excludes other readers.
func openStoreFor(ctx context.Context, opts apiOptions) (storage.Store, error) {
	switch {
	case opts.create:
		return openStore(ctx, opts.data)
	case !opts.write || opts.data.store != "":
		return openStoreReadOnly(ctx, opts.data)
	}
	path := filepath.Join(opts.data.dir, databaseFile)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no Waymark data in %s: %w", opts.data.dir, err)
	}
	return openDuckDB(ctx, path, duckdb.Options{})
}

// serveInProcess serves the API over store to a client in this process,
// which closes store when it closes.
func serveInProcess(ctx context.Context, store storage.Store, opts apiOptions) (*apiClient, error) {
	if opts.create {
		if _, _, err := defaultProject(ctx, store, os.Getenv("WAYMARK_WRITE_KEY"), os.Getenv("WAYMARK_READ_KEY")); err != nil {
			return nil, err
		}
	}
	projects, err := store.Projects(ctx)
	if err != nil {
		return nil, err
	}
	c := &apiClient{base: "http://waymark", projects: keysOf(projects)}
	if err := c.choose(opts.project, opts.data.where()); err != nil {
		return nil, err
	}
	config := http.Config{Store: store, Pipeline: ingest.NewPipeline(opts.ingest), Logger: slog.Default()}
	var writer *ingest.Writer
	if opts.write || opts.create {
		writer = ingest.NewWriter(store, commitEvents)
		config.Writer = writer
	}
	listener := newPipeListener()
	server := &nethttp.Server{Handler: http.New(config).Handler()}
	go server.Serve(listener)
	transport := &nethttp.Transport{DialContext: listener.dial}
	c.client = &nethttp.Client{Transport: transport}
	c.close = func() error {
		transport.CloseIdleConnections()
		server.Close()
		if writer != nil {
			writer.Close()
		}
		return store.Close()
	}
	return c, nil
}

// dialServer finds the running server that holds the embedded database,
// which another process has open (inUse says so).
func dialServer(opts apiOptions, inUse error) (*apiClient, error) {
	server, err := readServerFile(opts.data.dir)
	if err != nil {
		return nil, fmt.Errorf("%w, and no running server was found in %s: %v", inUse, opts.data.dir, err)
	}
	// The server is on this machine: no proxy.
	transport := &nethttp.Transport{Proxy: nil}
	c := &apiClient{
		client:   &nethttp.Client{Transport: transport},
		base:     "http://" + server.Addr,
		through:  "the running server at " + server.Addr,
		projects: server.Projects,
		close:    func() error { transport.CloseIdleConnections(); return nil },
	}
	if err := c.choose(opts.project, c.through); err != nil {
		return nil, err
	}
	return c, nil
}

// choose picks the project the command acts on: id, or the default.
func (c *apiClient) choose(id, where string) error {
	if len(c.projects) == 0 {
		return fmt.Errorf("no project in %s yet", where)
	}
	if id == "" {
		c.project = c.projects[0]
		return nil
	}
	var ids []string
	for _, p := range c.projects {
		if p.ID == id {
			c.project = p
			return nil
		}
		ids = append(ids, p.ID)
	}
	return fmt.Errorf("no project %q in %s; the projects are %s", id, where, strings.Join(ids, ", "))
}

func (c *apiClient) Close() error { return c.close() }

// call sends a request with the project's read key and returns the body of
// a 2xx answer, or the answer's error.
func (c *apiClient) call(ctx context.Context, method, path string, request []byte) ([]byte, error) {
	resp, err := c.send(ctx, method, path, request, bearer(c.project.ReadKey))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, c.failed(err)
	}
	return answerBody(resp.StatusCode, body)
}

// stream copies the answer to a GET with readKey to w, for answers too large
// to hold. A stream cut short is an error.
func (c *apiClient) stream(ctx context.Context, path, readKey string, w io.Writer) error {
	resp, err := c.send(ctx, "GET", path, nil, bearer(readKey))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != nethttp.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		_, err := answerBody(resp.StatusCode, body)
		return err
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return c.failed(err)
	}
	return nil
}

// send sends a request, authenticated by auth.
func (c *apiClient) send(ctx context.Context, method, path string, body []byte, auth func(*nethttp.Request)) (*nethttp.Response, error) {
	req, err := nethttp.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	auth(req)
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, c.failed(err)
	}
	return resp, nil
}

// failed says where a request failed. The running server may be gone or
// restarting: that is worth a retry.
func (c *apiClient) failed(err error) error {
	if c.through == "" || errors.Is(err, context.Canceled) {
		return err
	}
	return retryable{fmt.Errorf("through %s: %w", c.through, err)}
}

// retryable marks a failure that may pass when tried again.
type retryable struct{ error }

func (r retryable) Unwrap() error { return r.error }

func bearer(key string) func(*nethttp.Request) {
	return func(r *nethttp.Request) { r.Header.Set("Authorization", "Bearer "+key) }
}
