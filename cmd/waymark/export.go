package main

import (
	"bufio"
	"context"
	"io"
	"os"
)

type exportCommand struct{}

func (*exportCommand) Run(ctx context.Context, args []string) error {
	fs := flagSet("export", "export [--data DIR | --store URL] [--project ID] [--rejected] [--out FILE]")
	var opts apiOptions
	opts.data.register(fs)
	fs.StringVar(&opts.project, "project", "", "export only this project; by default every project, each line with its projectId")
	rejected := fs.Bool("rejected", false, "list the dead letters (rejected messages with their reasons) instead of the events")
	outPath := fs.String("out", "-", "output file; - is standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	api, err := openAPI(ctx, opts)
	if err != nil {
		return err
	}
	defer api.Close()
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
	if err := export(ctx, api, opts.project != "", *rejected, w); err != nil {
		return err
	}
	return w.Flush()
}

// export writes the NDJSON of GET /api/v1/events (or /api/v1/rejected) of
// every project, or of the chosen one only: the same bytes through the
// running server as from the store.
func export(ctx context.Context, api *apiClient, chosen, rejected bool, w io.Writer) error {
	path := "/api/v1/events"
	if rejected {
		path = "/api/v1/rejected"
	}
	projects := api.projects
	if chosen {
		projects = []projectKeys{api.project}
	}
	for _, p := range projects {
		if err := api.stream(ctx, path, p.ReadKey, w); err != nil {
			return err
		}
	}
	return nil
}
