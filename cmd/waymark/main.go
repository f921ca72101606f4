// Command waymark is the Waymark server and its tools: collect events, query
// reports, import and export data.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

type command interface {
	Run(ctx context.Context, args []string) error
}

var commands = []struct {
	name, summary string
	cmd           command
}{
	{"serve", "run the collector, query API and health check on one port", &serveCommand{}},
	{"demo", "generate the deterministic demo dataset, then serve it", &demoCommand{}},
	{"import", "import events from NDJSON (Segment format) or CSV files", &importCommand{}},
	{"export", "write every stored event as NDJSON in Segment format", &exportCommand{}},
	{"query", "run a report (funnel, journey, paths) and print it as a table or JSON", &queryCommand{}},
	{"journeys", "list, show, import, export and delete saved journey definitions", &journeysCommand{}},
	{"bench", "measure ingest throughput against DuckDB's bare appender", &benchCommand{}},
	{"version", "print the version", &versionCommand{}},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "waymark:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage()
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.cmd.Run(ctx, args[1:])
		}
	}
	usage()
	return fmt.Errorf("unknown command %q", args[0])
}

func usage() {
	fmt.Fprintln(os.Stderr, "Waymark: self-hosted customer journey analytics.\n\nUsage: waymark COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(os.Stderr, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(os.Stderr, "\nRun 'waymark COMMAND --help' for a command's flags; each flag can also be set\nwith the WAYMARK_* environment variable shown beside it.")
}

// flagSet returns a flag set whose usage lists each flag's environment variable.
func flagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: waymark %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// envString is a flag default taken from the environment variable key.
func envString(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}

// envBool is a boolean flag default taken from the environment variable key
// (1, t or true, as strconv.ParseBool reads it).
func envBool(key string) bool {
	v, _ := strconv.ParseBool(os.Getenv(key))
	return v
}

type versionCommand struct{}

func (*versionCommand) Run(ctx context.Context, args []string) error {
	if err := noArguments(flagSet("version", "version"), args); err != nil {
		return err
	}
	fmt.Println("waymark", version)
	return nil
}
