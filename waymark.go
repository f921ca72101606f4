// Package waymark holds the domain types of Waymark: events, persons, projects
// and the errors shared by every layer. It knows nothing of storage or HTTP.
package waymark

import (
	"encoding/json"
	"time"
)

// MessageType is the Segment call that produced an event.
type MessageType string

const (
	Track    MessageType = "track"
	Page     MessageType = "page"
	Screen   MessageType = "screen"
	Identify MessageType = "identify"
	Group    MessageType = "group"
	Alias    MessageType = "alias"
)

// Event is one stored touchpoint: a Segment message after validation and
// enrichment. The typed fields are what reports read; Properties, Traits,
// Context and Integrations keep the message's JSON objects whole.
type Event struct {
	ProjectID   string
	MessageID   string
	Type        MessageType
	Name        string // the track event, or the page or screen name
	UserID      string
	AnonymousID string
	GroupID     string
	PreviousID  string

	// Timestamp is when the event happened, corrected for client clock skew.
	Timestamp         time.Time
	OriginalTimestamp time.Time // as the client sent it; zero if absent
	SentAt            time.Time // zero if absent
	ReceivedAt        time.Time

	Properties   json.RawMessage
	Traits       json.RawMessage
	Context      json.RawMessage
	Integrations json.RawMessage

	Page     PageInfo
	Campaign Campaign
	Device   Device
	Geo      Geo
	Revenue  *Money // nil when the event carries no revenue
}

// DistinctID is the id an event is counted under before identity resolution:
// the userId when there is one, else the anonymousId.
func (e *Event) DistinctID() string {
	if e.UserID != "" {
		return e.UserID
	}
	return e.AnonymousID
}

// PageInfo is where the event happened on the web.
type PageInfo struct {
	URL          string
	Host         string
	Path         string
	Title        string
	Referrer     string
	ReferrerHost string
}

// Campaign is how the person came to the event: UTM fields, click id and the
// channel group derived from them and the referrer.
type Campaign struct {
	Source  string
	Medium  string
	Name    string
	Term    string
	Content string
	ClickID string // e.g. "gclid"; marks paid traffic
	Channel string // one of the Channel* groups
}

// Channel groups, documented with their rules in docs/channels.md.
const (
	ChannelDirect        = "Direct"
	ChannelOrganicSearch = "Organic Search"
	ChannelPaidSearch    = "Paid Search"
	ChannelOrganicSocial = "Organic Social"
	ChannelPaidSocial    = "Paid Social"
	ChannelEmail         = "Email"
	ChannelReferral      = "Referral"
	ChannelDisplay       = "Display"
	ChannelAffiliate     = "Affiliate"
	ChannelOther         = "Other"
)

// Device is what the user agent says about the client.
type Device struct {
	Browser        string
	BrowserVersion string
	OS             string
	OSVersion      string
	Type           string // desktop, mobile, tablet, bot or empty
}

// Geo is where the client was, from its IP address.
type Geo struct {
	IP      string // kept, truncated or empty as the IP policy says
	Country string // ISO 3166-1 alpha-2
	Region  string
	City    string
}

// Money is an amount in a currency (ISO 4217 code, empty if not given).
type Money struct {
	Amount   float64
	Currency string
}

// Rejection is a message that failed validation, kept in the dead-letter
// store with the reason so nothing sent is silently lost.
type Rejection struct {
	ProjectID  string
	MessageID  string // as sent; may be empty
	Reason     string
	Payload    json.RawMessage // the message as received, or a prefix of it
	ReceivedAt time.Time
}

// Project is one tracked property with its own keys. A write key may only
// send events; a read key may only query.
type Project struct {
	ID        string
	Name      string
	WriteKey  string
	ReadKey   string
	CreatedAt time.Time
}

// Person is one human as identity resolution sees them: every distinct id
// merged into them, their latest traits, when they were first and last seen
// and how they arrived.
type Person struct {
	ID          string         `json:"id"`
	IDs         []string       `json:"ids"`
	Traits      map[string]any `json:"traits"`
	FirstSeen   time.Time      `json:"firstSeen"`
	LastSeen    time.Time      `json:"lastSeen"`
	Acquisition Acquisition    `json:"acquisition"`
}

// Acquisition is how a person arrived: the campaign, referrer and page of
// their first touch, and the day they were first seen. Package report
// defines the first touch (report.AcquisitionOf); empty strings are not set.
type Acquisition struct {
	Channel      string `json:"channel"`
	UTMSource    string `json:"utm_source"`
	UTMMedium    string `json:"utm_medium"`
	UTMCampaign  string `json:"utm_campaign"`
	UTMContent   string `json:"utm_content"`
	ReferrerHost string `json:"referrer_host"`
	LandingPage  string `json:"landing_page"`
	FirstSeen    string `json:"first_seen"` // YYYY-MM-DD, UTC
}

// GroupProfile is an account or organisation that persons belong to, from
// group calls: its latest traits and the persons who joined it.
type GroupProfile struct {
	ID        string         `json:"id"`
	Traits    map[string]any `json:"traits"`
	Members   []string       `json:"members"`
	FirstSeen time.Time      `json:"firstSeen"`
	LastSeen  time.Time      `json:"lastSeen"`
}

// PersonSummary is a person as a search lists them: every distinct id merged
// into them, the email and name of their current traits, when they were
// first and last seen and how many events they have.
type PersonSummary struct {
	ID        string    `json:"id"`
	IDs       []string  `json:"ids"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	FirstSeen time.Time `json:"firstSeen"`
	LastSeen  time.Time `json:"lastSeen"`
	Events    int       `json:"events"`
}
