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

// TestRowsFromBefore inserts events without their members, as they were
// stored before migration 0003 and as older collectors still send them,
// beside events written now: the columns' defaults must read every member
// as report.Members does, at any depth. Then it runs migrations 0004 and
// 0008 as on a database that predates them: the catalog they build counts
// every event once.
func TestRowsFromBefore(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	objects := slices.Clone(membersCases)
	for range 300 {
		objects = append(objects, string(storagetest.RandomObject(rng)))
	}
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	var events []waymark.Event
	for i, object := range objects {
		events = append(events, waymark.Event{ProjectID: "p", MessageID: fmt.Sprint("m", i), Type: waymark.Track,
			Name: []string{"Buy", "View"}[i%2], AnonymousID: "a", Timestamp: at.Add(time.Duration(i) * time.Minute),
			ReceivedAt: at, Properties: json.RawMessage(object), Traits: json.RawMessage(objects[(i+1)%len(objects)])})
	}
	const written = 5 // by the writer; the rest as rows from before
	for name, dsn := range servers(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := freshDatabase(dsn)(t).Must(t).(*Store)
			var database string
			if err := s.conn.QueryRow(ctx, "SELECT currentDatabase()").Scan(&database); err != nil {
				t.Fatal(err)
			}
			ddl := s.ddl(database)
			undo := `DROP TABLE {{table "catalog_properties_mv"}};
DROP TABLE {{table "catalog"}};
{{with distributed "catalog"}}DROP TABLE {{.}};{{end}}
`
			if err := s.execDDL(ctx, ddl, undo); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Write(ctx, events[:written], nil); err != nil {
				t.Fatal(err)
			}
			batch, err := s.conn.PrepareBatch(ctx, "INSERT INTO events (seq, project_id, message_id, type, name, distinct_id, timestamp, received_at, properties, traits)")
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range events[written:] {
				if err := batch.Append(int64(i+1), e.ProjectID, e.MessageID, string(e.Type), e.Name, e.AnonymousID,
					micros(e.Timestamp), micros(e.ReceivedAt), string(e.Properties), string(e.Traits)); err != nil {
					t.Fatal(err)
				}
			}
			if err := batch.Send(); err != nil {
				t.Fatal(err)
			}

			rows, err := s.conn.Query(ctx, "SELECT message_id, properties_names, properties_texts, traits_names, traits_texts FROM events")
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for ; rows.Next(); n++ {
				var id string
				var got [4][]string
				if err := rows.Scan(&id, &got[0], &got[1], &got[2], &got[3]); err != nil {
					t.Fatal(err)
				}
				var i int
				fmt.Sscanf(id, "m%d", &i)
				for k, object := range []json.RawMessage{events[i].Properties, events[i].Traits} {
					names, texts := report.Members(object)
					if fmt.Sprintf("%q %q", got[2*k], got[2*k+1]) != fmt.Sprintf("%q %q", names, texts) {
						t.Errorf("members of %s:\n got %q %q\nwant %q %q", object, got[2*k], got[2*k+1], names, texts)
					}
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil || n != len(events) {
				t.Fatalf("read %d rows, %v; want %d", n, err, len(events))
			}

			for _, name := range []string{"0004_catalog.sql", "0008_catalog_properties.sql"} {
				catalog, err := migrations.ReadFile("migrations/" + name)
				if err != nil {
					t.Fatal(err)
				}
				if err := s.execDDL(ctx, ddl, string(catalog)); err != nil {
					t.Fatal(name, err)
				}
			}
			ref := &report.Reference{Events: events, PersonOf: func(id string) string { return id }}
			for what, pair := range map[string][2]func() (any, error){
				"event names": {func() (any, error) { return s.EventNames(ctx, "p") }, func() (any, error) { return ref.EventNames(ctx, "p") }},
				"property keys": {func() (any, error) { return s.PropertyKeys(ctx, "p", report.EventKind{Name: "Buy"}) },
					func() (any, error) { return ref.PropertyKeys(ctx, "p", report.EventKind{Name: "Buy"}) }},
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
