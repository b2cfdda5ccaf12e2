// Command ferretdb runs an embedded FerretDB (SQLite backend) for the test suite.
//
// Usage:
//
//	ferretdb -listen 127.0.0.1:27017 -dir /path/to/data [-log-level error] [-index-id-lookups=false]
//
// Build from the repository root (this directory is its own Go module, and the
// root has no go.mod, so plain `go build ./test/support/ferretdb` does not work there):
//
//	go -C test/support/ferretdb build -o ../../.cache/ferretdb .
//
// FerretDB v1.24.2's own command cannot simply be `go install`ed (it panics at
// start-up on a missing build/version/version.txt), so the embeddable library
// package github.com/FerretDB/FerretDB/ferretdb is used instead. The embedded
// variant never starts the debug/metrics HTTP server, keeps its state in memory
// only (no state.json file) and disables telemetry itself; see ferretdb.New.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (host:port)")
	dir := flag.String("dir", "", "directory for the SQLite databases (created if missing)")
	logLevel := flag.String("log-level", "error", "log level: debug, info, warn or error")
	indexIDLookups := flag.Bool("index-id-lookups", true,
		"add the index FerretDB's own _id lookups use to every collection (see id_lookup_index.go); false runs stock FerretDB")
	flag.Parse()

	if *dir == "" {
		fmt.Fprintln(os.Stderr, "ferretdb: -dir is required")
		os.Exit(2)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: invalid -log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	absDir, err := filepath.Abs(*dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}
	if err = os.MkdirAll(absDir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	// FerretDB expects a SQLite URI naming a directory, ending with a slash.
	sqliteURL := "file:" + filepath.ToSlash(absDir)
	if !strings.HasSuffix(sqliteURL, "/") {
		sqliteURL += "/"
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	// The TCP listener is bound by ferretdb.New, so the address is known now.
	fmt.Printf("ferretdb: listening on %s (sqlite %s)\n", f.MongoDBURI(), sqliteURL)

	if *indexIDLookups {
		go keepIDLookupIndexes(ctx, absDir, logger)
	}

	if err = f.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	fmt.Println("ferretdb: stopped")
}
