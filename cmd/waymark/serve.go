package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	nethttp "net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/waymark-analytics/waymark/geoip"
	"github.com/waymark-analytics/waymark/http"
	"github.com/waymark-analytics/waymark/ingest"
)

type serveCommand struct{}

func (*serveCommand) Run(ctx context.Context, args []string) error {
	fs := flagSet("serve", "serve [flags]")
	var data dataFlags
	data.register(fs)
	addr := fs.String("addr", envString("WAYMARK_ADDR", "127.0.0.1:8080"), "listen address HOST:PORT ($WAYMARK_ADDR)")
	writeKey := fs.String("write-key", envString("WAYMARK_WRITE_KEY", ""), "write key of the default project when the data dir is first created; generated if empty ($WAYMARK_WRITE_KEY)")
	readKey := fs.String("read-key", envString("WAYMARK_READ_KEY", ""), "read key of the default project when the data dir is first created; generated if empty ($WAYMARK_READ_KEY)")
	ipPolicy := fs.String("ip", envString("WAYMARK_IP", "keep"), "what to store of client IP addresses: keep, truncate (zero the last IPv4 octet / last 80 IPv6 bits) or drop ($WAYMARK_IP)")
	geoPath := fs.String("geoip", envString("WAYMARK_GEOIP", ""), "MaxMind-format GeoIP2/GeoLite2 City or Country database file for country, region and city ($WAYMARK_GEOIP)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	policy, err := ingest.ParseIPPolicy(*ipPolicy)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

	store, err := openStore(ctx, data.dir)
	if err != nil {
		return err
	}
	defer store.Close()
	project, created, err := defaultProject(ctx, store, *writeKey, *readKey)
	if err != nil {
		return err
	}

	opts := ingest.Options{IP: policy}
	if *geoPath != "" {
		geo, err := geoip.Open(*geoPath)
		if err != nil {
			return err
		}
		defer geo.Close()
		opts.Geo = geo
	}
	writer := ingest.NewWriter(store, 20000)
	defer writer.Close()
	server := http.New(store, writer, ingest.NewPipeline(opts), logger)

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if created {
		fmt.Printf("Created project %q in %s\n", project.ID, data.dir)
	}
	fmt.Printf("Waymark %s serving on http://%s\n  project:   %s\n  write key: %s\n  read key:  %s\n",
		version, listener.Addr(), project.ID, project.WriteKey, project.ReadKey)
	if err := writeServerFile(data.dir, runningServer{Addr: listener.Addr().String(), PID: os.Getpid(), WriteKey: project.WriteKey, ReadKey: project.ReadKey}); err != nil {
		return err
	}
	defer os.Remove(filepath.Join(data.dir, serverFile))

	srv := &nethttp.Server{
		Handler:           server.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
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
