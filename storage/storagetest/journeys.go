package storagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// leadNurturing is seed 001's journey, with every part of a definition
// filled in: labels, conditions with one value and with a list, a window,
// and text that JSON escapes.
func leadNurturing() report.Journey {
	return report.Journey{ID: "lead-nurturing", Name: "Lead nurturing <HubSpot> & \"friends\"", Window: report.Duration(30 * 24 * time.Hour),
		Stages: []report.Stage{
			{Name: "Lead", Touchpoints: []report.Touchpoint{{Event: "Form Submitted", Where: []report.Condition{
				{Field: "channel", Op: report.In, Values: []string{"Paid Social", "Email"}},
				{Field: "properties.amount", Op: report.GreaterEq, Value: "12.50"},
			}}}},
			{Name: "Nurture email 1", Touchpoints: []report.Touchpoint{{Event: "Email 1 Delivered"}}},
			{Name: "Clicked email 1", Touchpoints: []report.Touchpoint{{Event: "Email 1 Clicked"}}},
			{Name: "Nurture email 2", Touchpoints: []report.Touchpoint{{Event: "Email 2 Delivered"}}},
			{Name: "Responded to email 2", Touchpoints: []report.Touchpoint{
				{Label: "clicked", Event: "Email 2 Clicked"},
				{Label: "replied", Event: "Email 2 Replied", Type: "track"},
			}},
			{Name: "Sales qualified", Touchpoints: []report.Touchpoint{{Type: "page", Path: "/thanks/ünïcode"}}},
		}}
}

// twoStages is a small journey.
func twoStages(id, name string) report.Journey {
	return report.Journey{ID: id, Name: name, Stages: []report.Stage{
		{Name: "Visit", Touchpoints: []report.Touchpoint{{Event: "Visit"}}},
		{Name: "Paid", Touchpoints: []report.Touchpoint{{Event: "Paid"}}},
	}}
}

func testJourneys(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	if got := journeys(t, s, "p"); len(got) != 0 {
		t.Fatalf("a new store lists journeys %v", ids(got))
	}

	// Create: the definition comes back exactly, with the time it was saved.
	before := time.Now().Add(-time.Millisecond)
	saved, err := s.SaveJourney(ctx, "p", leadNurturing())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(saved.Journey, leadNurturing()) {
		t.Errorf("saved %+v, want the definition given", saved.Journey)
	}
	if saved.Updated.Before(before) || saved.Updated.After(time.Now()) || saved.Updated.Location() != time.UTC {
		t.Errorf("updated %v, want now in UTC", saved.Updated)
	}
	got, err := s.Journey(ctx, "p", "lead-nurturing")
	if err != nil {
		t.Fatal(err)
	}
	sameJourney(t, got, saved)

	// List: by name, then by id.
	for _, j := range []report.Journey{twoStages("b", "Activation"), twoStages("zz", "Adoption"), twoStages("a", "Activation")} {
		if _, err := s.SaveJourney(ctx, "p", j); err != nil {
			t.Fatal(err)
		}
	}
	if got := ids(journeys(t, s, "p")); !reflect.DeepEqual(got, []string{"a", "b", "zz", "lead-nurturing"}) {
		t.Errorf("list = %v, want a b zz lead-nurturing: by name, then id", got)
	}

	// Replace: the same id, a new definition and time; listed once.
	changed := leadNurturing()
	changed.Name, changed.Window = "Lead nurturing", 0
	changed.Stages = changed.Stages[:2]
	replaced, err := s.SaveJourney(ctx, "p", changed)
	if err != nil {
		t.Fatal(err)
	}
	if replaced.Updated.Before(saved.Updated) {
		t.Errorf("replaced at %v, before it was first saved (%v)", replaced.Updated, saved.Updated)
	}
	got, err = s.Journey(ctx, "p", "lead-nurturing")
	if err != nil {
		t.Fatal(err)
	}
	sameJourney(t, got, replaced)
	if got := ids(journeys(t, s, "p")); !reflect.DeepEqual(got, []string{"a", "b", "zz", "lead-nurturing"}) {
		t.Errorf("list after replacing = %v, want a b zz lead-nurturing", got)
	}

	// Projects do not see each other's journeys, even under the same id.
	other := twoStages("lead-nurturing", "Other project's")
	if _, err := s.SaveJourney(ctx, "q", other); err != nil {
		t.Fatal(err)
	}
	if got := journeys(t, s, "q"); len(got) != 1 || !reflect.DeepEqual(got[0].Journey, other) {
		t.Errorf("project q lists %+v, want only its own journey", got)
	}
	if got, err := s.Journey(ctx, "p", "lead-nurturing"); err != nil || got.Name != "Lead nurturing" {
		t.Errorf("p's journey = %+v, %v after q saved one with its id", got.Journey, err)
	}
	if err := s.DeleteJourney(ctx, "q", "a"); waymark.ErrorKind(err) != waymark.KindNotFound {
		t.Errorf("deleting p's journey a in q: err = %v, want not found", err)
	}

	// Delete, and what is missing.
	if err := s.DeleteJourney(ctx, "p", "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Journey(ctx, "p", "b"); waymark.ErrorKind(err) != waymark.KindNotFound {
		t.Errorf("deleted journey: err = %v, want not found", err)
	}
	if err := s.DeleteJourney(ctx, "p", "b"); waymark.ErrorKind(err) != waymark.KindNotFound {
		t.Errorf("deleting twice: err = %v, want not found", err)
	}
	if _, err := s.Journey(ctx, "p", "nope"); waymark.ErrorKind(err) != waymark.KindNotFound {
		t.Errorf("unknown journey: err = %v, want not found", err)
	}
	if err := s.DeleteJourney(ctx, "p", "nope"); waymark.ErrorKind(err) != waymark.KindNotFound {
		t.Errorf("deleting an unknown journey: err = %v, want not found", err)
	}
	if got := ids(journeys(t, s, "p")); !reflect.DeepEqual(got, []string{"a", "zz", "lead-nurturing"}) {
		t.Errorf("list after deleting b = %v, want a zz lead-nurturing", got)
	}
	// A deleted journey can be saved again.
	if _, err := s.SaveJourney(ctx, "p", twoStages("zz", "Adoption")); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteJourney(ctx, "p", "zz"); err != nil {
		t.Fatal(err)
	}
	again, err := s.SaveJourney(ctx, "p", twoStages("zz", "Adoption again"))
	if err != nil {
		t.Fatal(err)
	}

	// Everything survives a restart.
	want := journeys(t, s, "p")
	s.Close()
	s = open.Must(t)
	got2 := journeys(t, s, "p")
	if len(got2) != len(want) {
		t.Fatalf("after reopening, list = %v, want %v", ids(got2), ids(want))
	}
	for i := range want {
		sameJourney(t, got2[i], want[i])
	}
	if !reflect.DeepEqual(ids(got2), []string{"a", "zz", "lead-nurturing"}) || got2[1].Name != "Adoption again" || !got2[1].Updated.Equal(again.Updated) {
		t.Errorf("after reopening, list = %v, want a, then zz as saved again at %v, then lead-nurturing", ids(got2), again.Updated)
	}
}

func journeys(t *testing.T, s storage.Store, project string) []report.SavedJourney {
	t.Helper()
	js, err := s.Journeys(context.Background(), project)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func ids(js []report.SavedJourney) []string {
	out := make([]string, len(js))
	for i, j := range js {
		out[i] = j.ID
	}
	return out
}

// sameJourney demands the same definition, field by field and as JSON, and
// the same time saved.
func sameJourney(t *testing.T, got, want report.SavedJourney) {
	t.Helper()
	a, _ := json.Marshal(got.Journey)
	b, _ := json.Marshal(want.Journey)
	if !reflect.DeepEqual(got.Journey, want.Journey) || string(a) != string(b) {
		t.Errorf("journey %s =\n%s\nwant\n%s", want.ID, a, b)
	}
	if !got.Updated.Equal(want.Updated) {
		t.Errorf("journey %s updated %v, want %v", want.ID, got.Updated, want.Updated)
	}
}

// testUnreadableJourneys stores definitions that a journey saved by an older
// version could have: one that no longer reads (a window that used to wrap
// around) and one that reads but cannot run. They do not break the list; they
// come with an error, and can be shown, replaced and deleted.
func testUnreadableJourneys(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	tooLong := twoStages("too-long", "Too long")
	tooLong.Window = report.MaxDuration * 2
	oneStage := twoStages("one-stage", "One stage")
	oneStage.Stages = oneStage.Stages[:1]
	for _, j := range []report.Journey{tooLong, oneStage, twoStages("fine", "Fine")} {
		if _, err := s.SaveJourney(ctx, "p", j); err != nil {
			t.Fatal(err)
		}
	}
	wantErrors := map[string]string{
		"fine":      "",
		"one-stage": "a journey has 2 to 20 stages, not 1",
		"too-long":  `window: "73000d" is more than 100 years (100y), the longest duration a report takes`,
	}
	list := journeys(t, s, "p")
	if got := ids(list); !reflect.DeepEqual(got, []string{"fine", "one-stage", "too-long"}) {
		t.Fatalf("list = %v, want fine, one-stage and too-long", got)
	}
	for _, j := range list {
		if j.Error != wantErrors[j.ID] || j.Updated.IsZero() {
			t.Errorf("listed %s with error %q, updated %v; want error %q", j.ID, j.Error, j.Updated, wantErrors[j.ID])
		}
		got, err := s.Journey(ctx, "p", j.ID)
		if err != nil || got.Error != wantErrors[j.ID] {
			t.Errorf("journey %s = %+v, %v; want it with error %q", j.ID, got, err, wantErrors[j.ID])
		}
	}
	if list[2].Name != "Too long" || len(list[2].Stages) != 2 {
		t.Errorf("unreadable journey listed as %+v, want what could be read: its name and stages", list[2].Journey)
	}

	fixed := twoStages("too-long", "Too long")
	fixed.Window = report.Duration(24 * time.Hour)
	if _, err := s.SaveJourney(ctx, "p", fixed); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Journey(ctx, "p", "too-long"); err != nil || got.Error != "" || !reflect.DeepEqual(got.Journey, fixed) {
		t.Errorf("replaced journey = %+v, %v; want the new definition without an error", got, err)
	}
	if err := s.DeleteJourney(ctx, "p", "one-stage"); err != nil {
		t.Errorf("deleting a journey that cannot run: %v", err)
	}
	if got := ids(journeys(t, s, "p")); !reflect.DeepEqual(got, []string{"fine", "too-long"}) {
		t.Errorf("list after deleting one-stage = %v, want fine and too-long", got)
	}
}

// testCreateJourney creates journeys: under a free id, once; under a taken
// one, never, even when creates of the same id run at the same time; and
// again once the journey is deleted.
func testCreateJourney(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open.Must(t)
	first, err := s.CreateJourney(ctx, "p", twoStages("j", "First"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateJourney(ctx, "p", twoStages("j", "Second")); waymark.ErrorKind(err) != waymark.KindConflict {
		t.Errorf("creating a taken id: err = %v, want a conflict", err)
	}
	if got, err := s.Journey(ctx, "p", "j"); err != nil || got.Name != "First" {
		t.Errorf("after a refused create: %+v, %v; want First", got.Journey, err)
	} else {
		sameJourney(t, got, first)
	}
	if err := s.DeleteJourney(ctx, "p", "j"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateJourney(ctx, "p", twoStages("j", "Again")); err != nil {
		t.Errorf("creating a deleted journey's id: %v", err)
	}

	// Creates of one id at the same time: one wins, and the journey is its.
	const creates = 6
	var wg sync.WaitGroup
	errs := make([]error, creates)
	for i := range creates {
		wg.Go(func() { _, errs[i] = s.CreateJourney(ctx, "p", twoStages("race", fmt.Sprint("Create ", i))) })
	}
	wg.Wait()
	winner := ""
	for i, err := range errs {
		switch {
		case err == nil && winner == "":
			winner = fmt.Sprint("Create ", i)
		case err == nil:
			t.Errorf("%s and create %d both succeeded", winner, i)
		case waymark.ErrorKind(err) != waymark.KindConflict:
			t.Errorf("create %d: err = %v, want a conflict", i, err)
		}
	}
	if got, err := s.Journey(ctx, "p", "race"); err != nil || got.Name != winner {
		t.Errorf("after the race: %q, %v; want the winner's, %q", got.Name, err, winner)
	}
}
