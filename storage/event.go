package storage

import (
	"encoding/json"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// Flat is an event as both engines store it: one field per column, empty
// strings for absent values. Engines scan their rows into it and turn it
// into a waymark.Event with Event, so both read events back the same way.
type Flat struct {
	// The members of Properties and of Traits (report.Members), which
	// engines store beside the JSON for reports to read. Flatten fills
	// them; Event ignores them.
	PropertiesNames, PropertiesTexts, TraitsNames, TraitsTexts []string

	MessageID, Type, Name, UserID, AnonymousID, GroupID, PreviousID string

	Timestamp, OriginalTimestamp, SentAt, ReceivedAt time.Time

	URL, Host, Path, Title, Referrer, ReferrerHost            string
	Source, Medium, Campaign, Term, Content, ClickID, Channel string
	Browser, BrowserVersion, OS, OSVersion, DeviceType        string
	IP, Country, Region, City                                 string

	Revenue  *float64
	Currency string

	Properties, Traits, Context, Integrations string
}

// Event returns the stored event; timestamps come back in UTC.
func (f *Flat) Event(projectID string) waymark.Event {
	e := waymark.Event{
		ProjectID: projectID, MessageID: f.MessageID, Type: waymark.MessageType(f.Type), Name: f.Name,
		UserID: f.UserID, AnonymousID: f.AnonymousID, GroupID: f.GroupID, PreviousID: f.PreviousID,
		Timestamp: utc(f.Timestamp), OriginalTimestamp: utc(f.OriginalTimestamp), SentAt: utc(f.SentAt), ReceivedAt: utc(f.ReceivedAt),
		Page:       waymark.PageInfo{URL: f.URL, Host: f.Host, Path: f.Path, Title: f.Title, Referrer: f.Referrer, ReferrerHost: f.ReferrerHost},
		Campaign:   waymark.Campaign{Source: f.Source, Medium: f.Medium, Name: f.Campaign, Term: f.Term, Content: f.Content, ClickID: f.ClickID, Channel: f.Channel},
		Device:     waymark.Device{Browser: f.Browser, BrowserVersion: f.BrowserVersion, OS: f.OS, OSVersion: f.OSVersion, Type: f.DeviceType},
		Geo:        waymark.Geo{IP: f.IP, Country: f.Country, Region: f.Region, City: f.City},
		Properties: raw(f.Properties), Traits: raw(f.Traits), Context: raw(f.Context), Integrations: raw(f.Integrations),
	}
	if f.Revenue != nil {
		e.Revenue = &waymark.Money{Amount: *f.Revenue, Currency: f.Currency}
	}
	return e
}

// Flatten is the inverse of Event.
func Flatten(e *waymark.Event) Flat {
	f := Flat{
		MessageID: e.MessageID, Type: string(e.Type), Name: e.Name,
		UserID: e.UserID, AnonymousID: e.AnonymousID, GroupID: e.GroupID, PreviousID: e.PreviousID,
		Timestamp: e.Timestamp.UTC(), OriginalTimestamp: utc(e.OriginalTimestamp), SentAt: utc(e.SentAt), ReceivedAt: e.ReceivedAt.UTC(),
		URL: e.Page.URL, Host: e.Page.Host, Path: e.Page.Path, Title: e.Page.Title, Referrer: e.Page.Referrer, ReferrerHost: e.Page.ReferrerHost,
		Source: e.Campaign.Source, Medium: e.Campaign.Medium, Campaign: e.Campaign.Name, Term: e.Campaign.Term,
		Content: e.Campaign.Content, ClickID: e.Campaign.ClickID, Channel: e.Campaign.Channel,
		Browser: e.Device.Browser, BrowserVersion: e.Device.BrowserVersion, OS: e.Device.OS, OSVersion: e.Device.OSVersion, DeviceType: e.Device.Type,
		IP: e.Geo.IP, Country: e.Geo.Country, Region: e.Geo.Region, City: e.Geo.City,
		Properties: jsonText(e.Properties), Traits: jsonText(e.Traits), Context: jsonText(e.Context), Integrations: jsonText(e.Integrations),
	}
	if e.Revenue != nil {
		amount := e.Revenue.Amount
		f.Revenue, f.Currency = &amount, e.Revenue.Currency
	}
	f.PropertiesNames, f.PropertiesTexts = report.Members(e.Properties)
	f.TraitsNames, f.TraitsTexts = report.Members(e.Traits)
	return f
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

func raw(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

// jsonText stores an absent or null object as an empty string.
func jsonText(b []byte) string {
	if len(b) == 0 || string(b) == "null" {
		return ""
	}
	return string(b)
}

// MergeTraits sets the traits of a JSON object in dst, over older values;
// applying an entity's trait objects oldest first leaves the latest of each.
func MergeTraits(dst map[string]any, object []byte) {
	var set map[string]any
	if json.Unmarshal(object, &set) == nil {
		for k, v := range set {
			dst[k] = v
		}
	}
}
