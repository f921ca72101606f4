package storagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
)

// testSearchPersons searches a few persons worked out by hand: by ids of
// their events and of identity rows alone, by current and earlier trait
// values but not by trait keys, ignoring case, exact ids first.
func testSearchPersons(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open.Must(t)
	at := func(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }
	home := waymark.Event{ProjectID: "p", MessageID: "home", Type: waymark.Page, Name: "Home", AnonymousID: "A1", Timestamp: at(0), ReceivedAt: at(0)}
	alias := waymark.Event{ProjectID: "p", MessageID: "alias", Type: waymark.Alias, UserID: "ada", PreviousID: "legacy-ada", Timestamp: at(240), ReceivedAt: at(240)}
	write(t, s, home,
		identify("carol1", "u-carol", "", at(30), `{"firstName":"Carol","lastName":"Kim","email":"c@x.io"}`),
		identify("ada1", "ada", "A1", at(60), `{"email":"Ada@Example.com","name":"Ada L"}`),
	)
	adam := track("adam1", "", at(300))
	adam.UserID = "adam"
	write(t, s, adam,
		identify("dave1", "dave", "", at(100), `{"adaptive":true}`),
		track("bob1", "B-123", at(120)),
		identify("carol2", "u-carol", "", at(180), `{"email":"carol@new.io"}`),
		alias,
	)
	summary := func(p waymark.PersonSummary) string {
		return fmt.Sprintf("%s%v %q %q %s..%s %d", p.ID, p.IDs, p.Email, p.Name,
			p.FirstSeen.Sub(t0), p.LastSeen.Sub(t0), p.Events)
	}
	ada := `ada[A1 ada legacy-ada] "Ada@Example.com" "Ada L" 0s..4h0m0s 3`
	carol := `u-carol[u-carol] "carol@new.io" "Carol Kim" 30m0s..3h0m0s 2`
	bob := `B-123[B-123] "" "" 2h0m0s..2h0m0s 1`
	adamSummary := `adam[adam] "" "" 5h0m0s..5h0m0s 1`
	dave := `dave[dave] "" "" 1h40m0s..1h40m0s 1`
	tests := []struct {
		text  string
		limit int
		want  []string
	}{
		{"ADA", 10, []string{ada, adamSummary}}, // exact first
		{"ADA", 1, []string{ada}},
		{"adam", 10, []string{adamSummary}},
		{" example.COM ", 10, []string{ada}},
		{"legacy", 10, []string{ada}},
		{"carol@new", 10, []string{carol}},
		{"c@x.io", 10, []string{carol}},
		{"kim", 10, []string{carol}},
		{"b-12", 10, []string{bob}},
		{"adaptive", 10, nil},
		{"true", 10, []string{dave}},
		{"nobody", 10, nil},
		{"", 2, []string{adamSummary, ada}},
		{"", 10, []string{adamSummary, ada, carol, bob, dave}},
	}
	for _, tt := range tests {
		got, err := s.SearchPersons(ctx, "p", tt.text, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, p := range got {
			lines = append(lines, summary(p))
		}
		if strings.Join(lines, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("search %q limit %d:\n%s\nwant\n%s", tt.text, tt.limit, strings.Join(lines, "\n"), strings.Join(tt.want, "\n"))
		}
	}
	if got, err := s.SearchPersons(ctx, "empty", "", 10); err != nil || got == nil || len(got) != 0 {
		b, _ := json.Marshal(got)
		t.Errorf("empty project: %s, %v; want [] and no error", b, err)
	}
}
