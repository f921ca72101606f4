package clickhouse

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage/storagetest"
)

// membersCases are objects whose members are hard to read: nesting deeper
// than regular expressions can count, keys that nested values repeat,
// keys written twice, escapes, numbers as written and text that looks
// like JSON.
var membersCases = []string{
	`{"plan":"free","x":[[[[[[[[[[{"plan":"pro"}]]]]]]]]]]}`,
	`{"x":[[[[[[[[[[{"plan":"pro"}]]]]]]]]]],"plan":"free"}`,
	`{"x":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{"plan":"deep"}}}}}}}}}},"plan":"team","n" : 12.50 }`,
	`{"plan":"first","plan":"last","plan":null}`,
	`{"plan":"first","n":1,"plan":"last"}`,
	` { "caf\u00e9" : "caf\u00e9" , "é" : "\ud83d\ude00", "x" : "\ud800 lone" } `,
	`{"a\"b":"q\"uote","a.b":"dot","s":"]},{\"plan\":\"no\"}","t":"tab\tx","z":"a\u0000b"}`,
	`{"list":[1, "a" , {"k": [true, null]}],"e":{},"l":[],"f":false,"num":-3,"big":1234567890123456,"exp":1e3}`,
	`{}`, `[{"plan":"pro"}]`, `null`, ``, `"text"`,
}

// TestMembersOfRowsFromBefore inserts events without their members, as
// they were stored before migration 0003 and as older collectors still
// send them: the columns' defaults must read every member as report.Members
// does, at any depth.
func TestMembersOfRowsFromBefore(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	objects := slices.Clone(membersCases)
	for range 300 {
		objects = append(objects, string(storagetest.RandomObject(rng)))
	}
	for name, dsn := range servers(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := freshDatabase(dsn)(t).Must(t).(*Store)
			batch, err := s.conn.PrepareBatch(ctx, "INSERT INTO events (seq, project_id, message_id, type, distinct_id, timestamp, received_at, properties, traits)")
			if err != nil {
				t.Fatal(err)
			}
			for i, object := range objects {
				traits := objects[(i+1)%len(objects)]
				if err := batch.Append(int64(i), "p", fmt.Sprint("m", i), "track", "a", int64(i), int64(i), object, traits); err != nil {
					t.Fatal(err)
				}
			}
			if err := batch.Send(); err != nil {
				t.Fatal(err)
			}
			rows, err := s.conn.Query(ctx, "SELECT seq, properties_names, properties_texts, traits_names, traits_texts FROM events ORDER BY seq")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n := 0
			for ; rows.Next(); n++ {
				var seq int64
				var got [4][]string
				if err := rows.Scan(&seq, &got[0], &got[1], &got[2], &got[3]); err != nil {
					t.Fatal(err)
				}
				for k, object := range []string{objects[seq], objects[(int(seq)+1)%len(objects)]} {
					names, texts := report.Members([]byte(object))
					if fmt.Sprintf("%q %q", got[2*k], got[2*k+1]) != fmt.Sprintf("%q %q", names, texts) {
						t.Errorf("members of %s:\n got %q %q\nwant %q %q", object, got[2*k], got[2*k+1], names, texts)
					}
				}
			}
			if err := rows.Err(); err != nil || n != len(objects) {
				t.Fatalf("read %d rows, %v; want %d", n, err, len(objects))
			}
		})
	}
}

// TestCatalogBuiltFromRowsBefore stores events, some without members as
// before migration 0003, then runs migration 0004 as on a database that
// predates it: the catalog it builds counts every event once.
func TestCatalogBuiltFromRowsBefore(t *testing.T) {
	ctx := context.Background()
	for name, dsn := range servers(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := freshDatabase(dsn)(t).Must(t).(*Store)
			var database string
			if err := s.conn.QueryRow(ctx, "SELECT currentDatabase()").Scan(&database); err != nil {
				t.Fatal(err)
			}
			ddl := s.ddl(database)
			undo := `DROP TABLE {{table "catalog_mv"}};
DROP TABLE {{table "catalog"}};
{{with distributed "catalog"}}DROP TABLE {{.}};{{end}}
`
			if err := s.execDDL(ctx, ddl, undo); err != nil {
				t.Fatal(err)
			}
			at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
			var events []waymark.Event
			for i, object := range membersCases {
				events = append(events, waymark.Event{ProjectID: "p", MessageID: fmt.Sprint("m", i), Type: waymark.Track,
					Name: []string{"Buy", "View"}[i%2], AnonymousID: "a", Timestamp: at.Add(time.Duration(i) * time.Minute),
					ReceivedAt: at, Properties: json.RawMessage(object)})
			}
			if _, err := s.Write(ctx, events[:5], nil); err != nil {
				t.Fatal(err)
			}
			batch, err := s.conn.PrepareBatch(ctx, "INSERT INTO events (seq, project_id, message_id, type, name, distinct_id, timestamp, received_at, properties)")
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range events[5:] {
				if err := batch.Append(int64(i+1), e.ProjectID, e.MessageID, string(e.Type), e.Name, e.AnonymousID, micros(e.Timestamp), micros(e.ReceivedAt), string(e.Properties)); err != nil {
					t.Fatal(err)
				}
			}
			if err := batch.Send(); err != nil {
				t.Fatal(err)
			}
			catalog, err := migrations.ReadFile("migrations/0004_catalog.sql")
			if err != nil {
				t.Fatal(err)
			}
			if err := s.execDDL(ctx, ddl, string(catalog)); err != nil {
				t.Fatal(err)
			}
			ref := &report.Reference{Events: events, PersonOf: func(id string) string { return id }}
			for what, pair := range map[string][2]func() (any, error){
				"event names": {func() (any, error) { return s.EventNames(ctx, "p") }, func() (any, error) { return ref.EventNames(ctx, "p") }},
				"property keys": {func() (any, error) { return s.PropertyKeys(ctx, "p", report.EventFilter{Name: "Buy"}) },
					func() (any, error) { return ref.PropertyKeys(ctx, "p", report.EventFilter{Name: "Buy"}) }},
			} {
				got, err := pair[0]()
				want, _ := pair[1]()
				a, _ := json.Marshal(got)
				b, _ := json.Marshal(want)
				if err != nil || string(a) != string(b) {
					t.Errorf("%s: %s, %v; want %s", what, a, err, b)
				}
			}
		})
	}
}
