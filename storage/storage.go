// Package storage holds what Waymark's storage engines share: their embedded
// SQL files and numbered migrations, duplicate detection by message hash, and
// the flat shape of a stored event. Package storagetest holds the behaviour
// every engine promises, as a conformance suite.
package storage

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Queries holds an engine's SQL files by name: query/NAME.sql is "NAME".
type Queries map[string]string

// LoadQueries reads every dir/*.sql of fsys. Engines load them once at
// init, because some run on every write.
func LoadQueries(fsys fs.FS, dir string) Queries {
	files, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		panic(err)
	}
	q := make(Queries, len(files))
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			panic(err)
		}
		q[strings.TrimSuffix(path.Base(f), ".sql")] = string(b)
	}
	return q
}

// Get returns the SQL of the named file; a missing file is a build bug.
func (q Queries) Get(name string) string {
	s, ok := q[name]
	if !ok {
		panic("storage: no query file " + name + ".sql")
	}
	return s
}

// Migration is one numbered schema change, dir/NNNN_what.sql.
type Migration struct {
	Version int
	Name    string
	Body    string
}

// LoadMigrations reads dir/*.sql of fsys in version order.
func LoadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	files, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	var ms []Migration
	for _, f := range files {
		name := path.Base(f)
		version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with its number", name)
		}
		body, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: version, Name: name, Body: string(body)})
	}
	return ms, nil
}
