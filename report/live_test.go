package report

import (
	"fmt"
	"maps"
	"testing"

	"github.com/waymark-analytics/waymark"
)

func storedAt(messageID string, seq int64) *StoredEvent {
	return &StoredEvent{Event: waymark.Event{MessageID: messageID}, Seq: seq}
}

func TestLiveMarkRoundTrip(t *testing.T) {
	for _, m := range []LiveMark{
		{},
		{Seq: 42, Floor: 41, Recent: map[uint64]int64{LiveHash("a"): 42}},
		{Seq: 1 << 62, Floor: -5, Recent: map[uint64]int64{LiveHash("a"): 1 << 61, LiveHash("b"): 1<<62 - 1, 1<<64 - 1: -4}},
	} {
		got, err := ParseLiveMark(m.String())
		if err != nil || got.Seq != m.Seq || got.Floor != m.Floor || !maps.Equal(got.Recent, m.Recent) {
			t.Errorf("%+v: parsed back %+v, %v", m, got, err)
		}
	}
	for _, bad := range []string{"", "12", "1.2", "a.0.", "1.2.", "5.1.!!", "1.2.3.4",
		"5.1.AAAAAAAAAAA",  // a hash cut short
		"5.1.AAAAAAAAAAAE", // a message 4 below the seq, at the floor, which String never writes
	} {
		if _, err := ParseLiveMark(bad); waymark.ErrorKind(err) != waymark.KindInvalid {
			t.Errorf("ParseLiveMark(%q) = %v, want invalid", bad, err)
		}
	}
}

// TestLiveMarkStringKeepsTheNewest checks that an id holds the newest
// messages, and that the floor rises over those it drops: they and
// anything older are left out, so none is passed on twice.
func TestLiveMarkStringKeepsTheNewest(t *testing.T) {
	m := LiveMark{Seq: 100, Recent: map[uint64]int64{}}
	for i := range int64(40) {
		m.Recent[LiveHash(fmt.Sprint("m", i))] = 61 + i // 61 to 100
	}
	got, err := ParseLiveMark(m.String())
	if err != nil {
		t.Fatal(err)
	}
	if got.Floor != 68 || len(got.Recent) != maxLiveRecent {
		t.Errorf("floor %d with %d recent, want 68 with %d", got.Floor, len(got.Recent), maxLiveRecent)
	}
	for i := range int64(40) {
		if e := storedAt(fmt.Sprint("m", i), 61+i); !got.Seen(e) {
			t.Errorf("%s at %d not seen", e.Event.MessageID, e.Seq)
		}
	}
	if got.Seen(storedAt("late", 90)) || !got.Seen(storedAt("late", 68)) {
		t.Errorf("a late message above the floor must pass, one at it must not")
	}
}

// TestLiveMarkAfter follows a read of two late events event by event: the
// mark after each leaves out it, those before it and those the read
// started with.
func TestLiveMarkAfter(t *testing.T) {
	start := LiveMark{Seq: 12, Recent: map[uint64]int64{LiveHash("x"): 9, LiveHash("y"): 12}}
	mark := start.After(storedAt("a", 11))
	mark = mark.After(storedAt("b", 11)) // numbered alike by two collectors
	if mark.Seq != 12 || mark.Floor != 10 {
		t.Errorf("after b: seq %d floor %d, want 12 and 10", mark.Seq, mark.Floor)
	}
	for _, e := range []*StoredEvent{storedAt("x", 9), storedAt("a", 11), storedAt("b", 11), storedAt("y", 12), storedAt("late", 10)} {
		if !mark.Seen(e) {
			t.Errorf("%s at %d not seen", e.Event.MessageID, e.Seq)
		}
	}
	if mark.Seen(storedAt("c", 11)) || mark.Seen(storedAt("d", 13)) {
		t.Errorf("events not read yet are seen")
	}
}
