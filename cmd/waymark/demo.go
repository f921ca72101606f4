package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/demo"
	"github.com/waymark-analytics/waymark/ingest"
	"github.com/waymark-analytics/waymark/segment"
	"github.com/waymark-analytics/waymark/storage"
)

type demoCommand struct{}

// demoCommit is how many generated messages go into one transaction: large
// commits keep generation fast.
const demoCommit = 150_000

func (*demoCommand) Run(ctx context.Context, args []string) error {
	fs := flagSet("demo", "demo [--seed N] [--events N] [--serve=false] [serve flags]")
	var flags serveFlags
	flags.register(fs)
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same dataset")
	events := fs.Int("events", 200_000, "about how many events to generate")
	serve := fs.Bool("serve", true, "serve the data once generated")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, project, err := flags.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()

	opts, closeGeo, err := flags.pipeline.options()
	if err != nil {
		return err
	}
	defer closeGeo()
	pipeline := ingest.NewPipeline(opts)
	start := time.Now()
	var pending ingest.Batch
	var stored, duplicates, rejected int
	flush := func() error {
		duplicate, err := store.Write(ctx, pending.Events, pending.Rejections)
		if err != nil {
			return err
		}
		stored += len(pending.Events) - countTrue(duplicate)
		duplicates += countTrue(duplicate)
		rejected += len(pending.Rejections)
		pending.Events, pending.Rejections = pending.Events[:0], pending.Rejections[:0]
		return nil
	}
	err = demo.Generate(demo.Options{Seed: *seed, Events: *events}, func(batch []json.RawMessage, receivedAt time.Time) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := pipeline.Process(ingest.Source{ProjectID: project.ID, ReceivedAt: receivedAt}, segment.Payload{Messages: batch})
		pending.Events = append(pending.Events, b.Events...)
		pending.Rejections = append(pending.Rejections, b.Rejections...)
		if len(pending.Events) < demoCommit {
			return nil
		}
		return flush()
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return fmt.Errorf("generating demo data: %w", err)
	}
	if err := saveDemoJourneys(ctx, store, project.ID); err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Printf("Generated demo data (seed %d): %d events stored, %d already there, %d rejected, in %s (%.0f events/s)\n",
		*seed, stored, duplicates, rejected, elapsed.Round(time.Millisecond), float64(stored+duplicates)/elapsed.Seconds())
	if !*serve {
		return nil
	}
	return flags.serve(ctx, store, project)
}

// saveDemoJourneys saves the demo's journey maps, leaving any journey saved
// under the same id as it is.
func saveDemoJourneys(ctx context.Context, store storage.Store, projectID string) error {
	journeys, err := demo.Journeys()
	if err != nil {
		return err
	}
	for _, j := range journeys {
		_, err := store.Journey(ctx, projectID, j.ID)
		if waymark.ErrorKind(err) == waymark.KindNotFound {
			_, err = store.SaveJourney(ctx, projectID, j)
		}
		if err != nil {
			return fmt.Errorf("saving demo journey %s: %w", j.ID, err)
		}
	}
	return nil
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
