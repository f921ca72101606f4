package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	nethttp "net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/dashboard"
	"github.com/waymark-analytics/waymark/geoip"
	"github.com/waymark-analytics/waymark/http"
	"github.com/waymark-analytics/waymark/ingest"
	"github.com/waymark-analytics/waymark/storage"
)

type serveCommand struct{}

func (*serveCommand) Run(ctx context.Context, args []string) error {
	fs := flagSet("serve", "serve [flags]")
	var flags serveFlags
	flags.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, project, err := flags.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	return flags.serve(ctx, store, project)
}

// serveFlags are the flags of serve, shared with demo, which serves too.
type serveFlags struct {
	data       dataFlags
	pipeline   pipelineFlags
	addr       string
	writeKey   string
	readKey    string
	trustProxy bool
	publicURL  string
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	f.data.register(fs)
	f.pipeline.register(fs)
	fs.StringVar(&f.addr, "addr", envString("WAYMARK_ADDR", "127.0.0.1:8080"), "listen address HOST:PORT ($WAYMARK_ADDR)")
	fs.StringVar(&f.writeKey, "write-key", envString("WAYMARK_WRITE_KEY", ""), "write key of the default project when the data dir is first created; generated if empty ($WAYMARK_WRITE_KEY)")
	fs.StringVar(&f.readKey, "read-key", envString("WAYMARK_READ_KEY", ""), "read key of the default project when the data dir is first created; generated if empty ($WAYMARK_READ_KEY)")
	fs.BoolVar(&f.trustProxy, "trust-proxy", envBool("WAYMARK_TRUST_PROXY"), "take the client address from X-Forwarded-For, and the public address from Host, X-Forwarded-Host and X-Forwarded-Proto; only behind a reverse proxy you run ($WAYMARK_TRUST_PROXY)")
	fs.StringVar(&f.publicURL, "public-url", envString("WAYMARK_PUBLIC_URL", ""), "the base URL browsers reach this server at, such as https://waymark.example.com; analytics.js loads from and sends to it ($WAYMARK_PUBLIC_URL)")
}

// parsePublicURL checks --public-url: an http or https URL with a host and
// at most a path, as a reverse proxy may add one. Empty gives nil.
func parsePublicURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return nil, fmt.Errorf("--public-url %q: want the base URL browsers reach Waymark at, such as https://waymark.example.com", s)
	}
	return u, nil
}

// open opens the data dir's store and its default project, creating both on
// first start.
func (f *serveFlags) open(ctx context.Context) (storage.Store, waymark.Project, error) {
	store, err := openStore(ctx, f.data)
	if err != nil {
		return nil, waymark.Project{}, err
	}
	project, created, err := defaultProject(ctx, store, f.writeKey, f.readKey)
	if err != nil {
		store.Close()
		return nil, project, err
	}
	if created {
		fmt.Printf("Created project %q in %s\n", project.ID, f.data.where())
	}
	return store, project, nil
}

// pipelineFlags configure enrichment, for every command that ingests.
type pipelineFlags struct {
	ip    string
	geoip string
}

func (f *pipelineFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.ip, "ip", envString("WAYMARK_IP", "keep"), "what to store of client IP addresses: keep, truncate (zero the last IPv4 octet / last 80 IPv6 bits) or drop ($WAYMARK_IP)")
	fs.StringVar(&f.geoip, "geoip", envString("WAYMARK_GEOIP", ""), "MaxMind-format GeoIP2/GeoLite2 City or Country database file for country, region and city ($WAYMARK_GEOIP)")
}

// options builds the ingest options; close releases the GeoIP file.
func (f *pipelineFlags) options() (opts ingest.Options, close func(), err error) {
	if opts.IP, err = ingest.ParseIPPolicy(f.ip); err != nil {
		return opts, nil, err
	}
	if f.geoip == "" {
		return opts, func() {}, nil
	}
	geo, err := geoip.Open(f.geoip)
	if err != nil {
		return opts, nil, err
	}
	opts.Geo = geo
	return opts, func() { geo.Close() }, nil
}

// commitEvents is the most events the group-committing writer puts in one
// commit.
const commitEvents = 20000

// serve runs the collector and API until ctx ends, then finishes the queued
// writes before returning.
func (f *serveFlags) serve(ctx context.Context, store storage.Store, project waymark.Project) error {
	opts, closeGeo, err := f.pipeline.options()
	if err != nil {
		return err
	}
	defer closeGeo()
	publicURL, err := parsePublicURL(f.publicURL)
	if err != nil {
		return err
	}
	listener, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	defer listener.Close()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	writer := ingest.NewWriter(store, commitEvents)
	defer writer.Close()
	secret, err := sessionSecret(f.data.dir)
	if err != nil {
		return err
	}
	ui, err := dashboard.New()
	if err != nil {
		return err
	}
	server := http.New(http.Config{
		Store: store, Writer: writer, Pipeline: ingest.NewPipeline(opts), Logger: logger,
		TrustProxy: f.trustProxy, PublicURL: publicURL, ListenAddr: listener.Addr().String(),
		Dashboard: ui, SessionSecret: secret,
	})

	dashboardURL := "http://" + listener.Addr().String()
	if publicURL != nil {
		dashboardURL = strings.TrimSuffix(publicURL.String(), "/")
	}
	fmt.Printf("Waymark %s serving on http://%s\n  project:   %s\n  write key: %s\n  read key:  %s\n  dashboard: %s/login?key=%s\n",
		version, listener.Addr(), project.ID, project.WriteKey, project.ReadKey, dashboardURL, url.QueryEscape(project.ReadKey))
	if server.OriginFromRequests() {
		fmt.Println("  hint: set --public-url to the URL browsers reach Waymark at; until then analytics.js is pointed at each request's Host, uncached")
	}
	projects, err := store.Projects(ctx)
	if err != nil {
		return err
	}
	if err := writeServerFile(f.data.dir, runningServer{Addr: listener.Addr().String(), PID: os.Getpid(), Projects: keysOf(projects)}); err != nil {
		return err
	}
	defer os.Remove(filepath.Join(f.data.dir, serverFile))

	srv := &nethttp.Server{
		Handler:           server.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(server.CloseStreams)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(listener) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, nethttp.ErrServerClosed) {
		return err
	}
	return nil
}
