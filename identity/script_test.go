package identity

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/waymark-analytics/waymark"
)

// The files testdata/*.txt specify identity resolution by example. Each line
// is a command; indented lines belong to the command above them; lines
// starting with # are comments.
//
//	case NAME                        start a case on an empty identity table
//	identify userId=U anonymousId=A  a message, planned and applied as a batch
//	alias previousId=P userId=U      of its own; it carries the link LinkOf
//	track userId=U anonymousId=A     finds (page, screen and group work too)
//	batch                            one batch of the indented messages
//	changes                          exactly the changes the last batch
//	                                 planned, one "assign ID -> PERSON [user]"
//	                                 or "move PERSON -> PERSON" per indented line
//	expect ID=PERSON ...             the person each id resolves to
//	members PERSON = ID ...          the sorted ids of a person
//	rows                             the whole table, one "ID PERSON [user]"
//	                                 per indented line
//
// At the end of a case its links are replayed on an empty table, all in one
// batch and one per batch; both must give the table the case ended with.
func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test data: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			for _, c := range parseScript(t, file) {
				t.Run(c.name, c.run)
			}
		})
	}
}

type scriptCase struct {
	name     string
	commands []command
}

type command struct {
	pos   string     // file:line, for messages
	words []string   // the command line
	body  [][]string // its indented lines
}

func parseScript(t *testing.T, file string) []scriptCase {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	var cases []scriptCase
	var last *command
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		words := strings.Fields(line)
		if len(words) == 0 || strings.HasPrefix(words[0], "#") {
			continue
		}
		pos := fmt.Sprintf("%s:%d", file, n)
		indented := line[0] == ' ' || line[0] == '\t'
		switch {
		case indented && last == nil:
			t.Fatalf("%s: indented line belongs to no command", pos)
		case indented:
			last.body = append(last.body, words)
		case words[0] == "case":
			cases = append(cases, scriptCase{name: strings.Join(words[1:], " ")})
			last = nil
		case len(cases) == 0:
			t.Fatalf("%s: command before the first case", pos)
		default:
			c := &cases[len(cases)-1]
			c.commands = append(c.commands, command{pos: pos, words: words})
			last = &c.commands[len(c.commands)-1]
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

func (c scriptCase) run(t *testing.T) {
	g := NewGraph()
	var all []Link
	var planned []Change
	for _, cmd := range c.commands {
		switch cmd.words[0] {
		case "batch", "identify", "alias", "track", "page", "screen", "group":
			lines := cmd.body
			if cmd.words[0] != "batch" {
				lines = [][]string{cmd.words}
			} else if len(cmd.words) > 1 {
				t.Fatalf("%s: batch takes its messages on indented lines", cmd.pos)
			}
			var links []Link
			for _, words := range lines {
				if l, ok := LinkOf(parseMessage(t, cmd.pos, words)); ok {
					links = append(links, l)
				}
			}
			planned = Plan(g.State(Ids(links)), links)
			for _, ch := range planned {
				g.execute(ch)
			}
			all = append(all, links...)
			if err := checkTable(g, false); err != nil {
				t.Fatalf("%s: %v", cmd.pos, err)
			}

		case "changes":
			var got, want []string
			for _, ch := range planned {
				got = append(got, ch.String())
			}
			for _, words := range cmd.body {
				want = append(want, strings.Join(words, " "))
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: changes\n got: %s\nwant: %s", cmd.pos, listing(got), listing(want))
			}

		case "expect":
			for _, w := range cmd.words[1:] {
				id, want, ok := strings.Cut(w, "=")
				if !ok {
					t.Fatalf("%s: want ID=PERSON, got %q", cmd.pos, w)
				}
				if got := g.Person(id); got != want {
					t.Errorf("%s: person of %s is %s, want %s", cmd.pos, id, got, want)
				}
			}

		case "members":
			if len(cmd.words) < 3 || cmd.words[2] != "=" {
				t.Fatalf("%s: want members PERSON = ID ...", cmd.pos)
			}
			got, want := g.Members(cmd.words[1]), cmd.words[3:]
			if !slices.Equal(got, want) {
				t.Errorf("%s: members of %s are %v, want %v", cmd.pos, cmd.words[1], got, want)
			}

		case "rows":
			var want []string
			for _, words := range cmd.body {
				want = append(want, strings.Join(words, " "))
			}
			if got := rowLines(g); !slices.Equal(got, want) {
				t.Errorf("%s: rows\n got: %s\nwant: %s", cmd.pos, listing(got), listing(want))
			}

		default:
			t.Fatalf("%s: unknown command %q", cmd.pos, cmd.words[0])
		}
	}

	once := NewGraph()
	once.Apply(all...)
	single := NewGraph()
	for _, l := range all {
		single.Apply(l)
	}
	want := rowLines(g)
	if got := rowLines(once); !slices.Equal(got, want) {
		t.Errorf("replayed in one batch, rows\n got: %s\nwant: %s", listing(got), listing(want))
	}
	if got := rowLines(single); !slices.Equal(got, want) {
		t.Errorf("replayed one link per batch, rows\n got: %s\nwant: %s", listing(got), listing(want))
	}
}

// parseMessage reads "TYPE key=value ..." into an event.
func parseMessage(t *testing.T, pos string, words []string) *waymark.Event {
	t.Helper()
	e := &waymark.Event{Type: waymark.MessageType(words[0])}
	for _, w := range words[1:] {
		key, value, _ := strings.Cut(w, "=")
		switch key {
		case "userId":
			e.UserID = value
		case "anonymousId":
			e.AnonymousID = value
		case "previousId":
			e.PreviousID = value
		default:
			t.Fatalf("%s: unknown message field %q", pos, w)
		}
	}
	return e
}

// rowLines writes the table as the test data does: "ID PERSON [user]".
func rowLines(g *Graph) []string {
	var lines []string
	for _, r := range g.Rows() {
		line := r.DistinctID + " " + r.PersonID
		if r.IsUser {
			line += " user"
		}
		lines = append(lines, line)
	}
	return lines
}

func listing(lines []string) string {
	if len(lines) == 0 {
		return "(none)"
	}
	return "\n\t" + strings.Join(lines, "\n\t")
}

// checkTable checks what must hold of the table after every batch: every
// person id in a row has a row of its own, every person with rows is
// identified (the first rows of a person are made for a link, which gives its
// userId an is_user row) unless rows were imported, and the graph's index of
// members agrees with its rows.
func checkTable(g *Graph, imported bool) error {
	userRows := map[string]int{}
	for _, r := range g.Rows() {
		if own, ok := g.rows[r.PersonID]; !ok || own.PersonID != r.PersonID {
			return fmt.Errorf("row %s -> %s, but %s has no row of its own", r.DistinctID, r.PersonID, r.PersonID)
		}
		if !g.members[r.PersonID][r.DistinctID] {
			return fmt.Errorf("row %s -> %s missing from the members of %s", r.DistinctID, r.PersonID, r.PersonID)
		}
		if r.IsUser {
			userRows[r.PersonID]++
		}
	}
	n := 0
	for person, ids := range g.members {
		if len(ids) == 0 {
			return fmt.Errorf("person %s has an empty member set", person)
		}
		if userRows[person] == 0 && !imported {
			return fmt.Errorf("person %s has rows but is not identified", person)
		}
		n += len(ids)
	}
	if n != len(g.rows) {
		return fmt.Errorf("%d members indexed for %d rows", n, len(g.rows))
	}
	return nil
}
