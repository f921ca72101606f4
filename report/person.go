package report

import (
	"time"

	"github.com/waymark-analytics/waymark"
)

// Profile is what the person fields of a query read of one person: the
// value of each person field (person.KEY, acquisition.KEY) that is set,
// by field. Engines and the reference fill in only the fields a query
// reads, so a report keeps little in memory per person.
//
// A person field reads the same for every event of the person, whenever it
// happened:
//   - person.KEY is a current trait: the trait's value in the person's
//     latest identify call that has the key, across all of their ids, by
//     time and then storage order, read as Field.Value reads a member. A
//     latest value of null or "" leaves it not set.
//   - acquisition.KEY is how the person arrived (see AcquisitionOf).
type Profile map[Field]string

// ApplyTraits sets the person.KEY fields among fields whose key an identify
// call's traits object has, over older values. Applying a person's identify
// calls in time and storage order leaves their current traits.
func (p Profile) ApplyTraits(object []byte, fields []Field) {
	names, texts := Members(object)
	for _, f := range fields {
		key, ok := f.PersonTrait()
		if !ok {
			continue
		}
		if text, found := lookupMember(names, texts, key); !found {
			continue
		} else if text != "" {
			p[f] = text
		} else {
			delete(p, f)
		}
	}
}

// SetAcquisition sets the acquisition.KEY fields among fields to a's.
func (p Profile) SetAcquisition(a *waymark.Acquisition, fields []Field) {
	for _, f := range fields {
		if read, ok := f.acquisition(); ok {
			if v := read(a); v != "" {
				p[f] = v
			}
		}
	}
}

// acquisitionFields are the keys of acquisition.KEY with what each reads,
// in the order the docs list them.
var acquisitionFields = []struct {
	key  string
	read func(a *waymark.Acquisition) string
}{
	{"channel", func(a *waymark.Acquisition) string { return a.Channel }},
	{"utm_source", func(a *waymark.Acquisition) string { return a.UTMSource }},
	{"utm_medium", func(a *waymark.Acquisition) string { return a.UTMMedium }},
	{"utm_campaign", func(a *waymark.Acquisition) string { return a.UTMCampaign }},
	{"utm_content", func(a *waymark.Acquisition) string { return a.UTMContent }},
	{"referrer_host", func(a *waymark.Acquisition) string { return a.ReferrerHost }},
	{"landing_page", func(a *waymark.Acquisition) string { return a.LandingPage }},
	{"first_seen", func(a *waymark.Acquisition) string { return a.FirstSeen }},
}

// acquisition returns what an acquisition field reads; ok is false for
// other fields.
func (f Field) acquisition() (read func(a *waymark.Acquisition) string, ok bool) {
	for _, af := range acquisitionFields {
		if string(f) == "acquisition."+af.key {
			return af.read, true
		}
	}
	return nil, false
}

// AcquisitionFields lists the acquisition fields, acquisition.channel
// first.
func AcquisitionFields() []Field {
	fields := make([]Field, len(acquisitionFields))
	for i, af := range acquisitionFields {
		fields[i] = Field("acquisition." + af.key)
	}
	return fields
}

func acquisitionNames() []string {
	var names []string
	for _, f := range AcquisitionFields() {
		names = append(names, string(f))
	}
	return names
}

// TouchRank orders the types of events that can be a person's first touch:
// page and screen events first (0), then track events (1); other types
// (identify, group, alias) cannot be one (-1).
func TouchRank(t waymark.MessageType) int {
	switch t {
	case waymark.Page, waymark.Screen:
		return 0
	case waymark.Track:
		return 1
	}
	return -1
}

// AcquisitionOf is how a person arrived, from all of their events (of every
// id merged into them, over all time) in storage order. Their first touch
// is their earliest page or screen event, by time and then storage order,
// or, when they have none, their earliest track event; the acquisition's
// channel, campaign fields, referrer host and landing page (the path) are
// that event's. Track calls sent from servers (emails sent, payments,
// imports) carry no page, referrer or campaign, so one sent before a
// person's first visit would otherwise make them Direct. FirstSeen is the
// day (UTC) of their earliest event of any type.
func AcquisitionOf(events []*waymark.Event) waymark.Acquisition {
	var first, touch *waymark.Event
	earlier := func(e, than *waymark.Event) bool {
		return micro(e.Timestamp).Before(micro(than.Timestamp))
	}
	for _, e := range events {
		if first == nil || earlier(e, first) {
			first = e
		}
		rank := TouchRank(e.Type)
		if rank < 0 {
			continue
		}
		if touch == nil || rank < TouchRank(touch.Type) || rank == TouchRank(touch.Type) && earlier(e, touch) {
			touch = e
		}
	}
	var a waymark.Acquisition
	if first == nil {
		return a
	}
	a.FirstSeen = micro(first.Timestamp).Format(time.DateOnly)
	if touch != nil {
		a.Channel, a.UTMSource, a.UTMMedium = touch.Campaign.Channel, touch.Campaign.Source, touch.Campaign.Medium
		a.UTMCampaign, a.UTMContent = touch.Campaign.Name, touch.Campaign.Content
		a.ReferrerHost, a.LandingPage = touch.Page.ReferrerHost, touch.Page.Path
	}
	return a
}

// micro is a time as engines store it: UTC, to the microsecond.
func micro(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
