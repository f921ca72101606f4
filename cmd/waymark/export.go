package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	nethttp "net/http"
	"os"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/segment"
)

type exportCommand struct{}

func (*exportCommand) Run(ctx context.Context, args []string) error {
	fs := flagSet("export", "export [--data DIR | --store URL] [--rejected] [--out FILE]")
	var data dataFlags
	data.register(fs)
	rejected := fs.Bool("rejected", false, "list the dead letters (rejected messages with their reasons) instead of the events")
	outPath := fs.String("out", "-", "output file; - is standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := os.Stat(data.dir); err != nil && data.store == "" {
		return fmt.Errorf("data dir: %w", err)
	}
	out := os.Stdout
	if *outPath != "-" {
		f, err := os.Create(*outPath)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	w := bufio.NewWriterSize(out, 1<<16)
	if err := export(ctx, data, *rejected, w); err != nil {
		return err
	}
	return w.Flush()
}

// export writes NDJSON from the store, or through the running server when it
// holds the database.
func export(ctx context.Context, data dataFlags, rejected bool, w io.Writer) error {
	store, err := openStoreReadOnly(ctx, data)
	if waymark.ErrorKind(err) == waymark.KindUnavailable && data.store == "" {
		return exportRemote(ctx, data.dir, rejected, w)
	}
	if err != nil {
		return err
	}
	defer store.Close()
	projects, err := store.Projects(ctx)
	if err != nil {
		return err
	}
	enc := segment.NewEncoder(w)
	for _, p := range projects {
		if rejected {
			err = store.Rejections(ctx, p.ID, func(r *waymark.Rejection) error {
				return enc.Encode(segment.ExportRejection(r))
			})
		} else {
			err = store.ExportEvents(ctx, p.ID, func(e *waymark.Event, personID string) error {
				return enc.Encode(segment.Export(e, personID))
			})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func exportRemote(ctx context.Context, dir string, rejected bool, w io.Writer) error {
	server, err := readServerFile(dir)
	if err != nil {
		return fmt.Errorf("the database is in use and no running server was found in %s: %w", dir, err)
	}
	path := "/api/v1/events"
	if rejected {
		path = "/api/v1/rejected"
	}
	req, err := nethttp.NewRequestWithContext(ctx, "GET", "http://"+server.Addr+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+server.ReadKey)
	resp, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("export through the running server: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != nethttp.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("export through the running server: %s: %s", resp.Status, body)
	}
	_, err = io.Copy(w, resp.Body)
	return err
}
