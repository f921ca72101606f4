package report

import "time"

// FunnelResult is what a funnel report answers. Ratios are fractions of 1;
// durations are in seconds.
type FunnelResult struct {
	Steps []StepResult `json:"steps"`
	// Entered counts the units that did the first step within the range.
	Entered   int `json:"entered"`
	Converted int `json:"converted"`
	// InProgress counts units that have not converted yet but whose window
	// is still open: they are not counted as dropped off.
	InProgress    int          `json:"inProgress"`
	Conversion    float64      `json:"conversion"`
	TimeToConvert Durations    `json:"timeToConvert"`
	Breakdown     []Group      `json:"breakdown,omitempty"`
	Trend         []TrendPoint `json:"trend,omitempty"`
	// Warnings tell what may make the numbers mislead (see Warnings); a
	// result always has them, a breakdown group never.
	Warnings []string `json:"warnings,omitzero"`
}

// StepResult is one step of a funnel result.
type StepResult struct {
	Name     string `json:"name"`
	Optional bool   `json:"optional,omitempty"`
	// Count is the units that did the step.
	Count int `json:"count"`
	// ConversionFromPrevious divides Count by the previous required step's.
	ConversionFromPrevious float64 `json:"conversionFromPrevious"`
	ConversionFromFirst    float64 `json:"conversionFromFirst"`
	// DropOff counts units that did the previous required step, not this
	// one, and whose window has closed; InProgress those whose window is
	// open. Both are zero for optional steps.
	DropOff      int       `json:"dropOff"`
	InProgress   int       `json:"inProgress"`
	FromPrevious Durations `json:"timeFromPrevious"`
	FromFirst    Durations `json:"timeFromFirst"`
}

// Durations summarises how long something took, in seconds.
type Durations struct {
	Count     int      `json:"count"`
	Average   float64  `json:"average"`
	Median    float64  `json:"median"`
	P90       float64  `json:"p90"`
	Histogram []Bucket `json:"histogram"`
}

// Bucket is a histogram bar: durations below Below seconds and at or above
// the previous bucket's bound. The last bucket is open (Below is 0).
type Bucket struct {
	Label string  `json:"label"`
	Below float64 `json:"below"`
	Count int     `json:"count"`
}

// Group is the result of one breakdown value.
type Group struct {
	Value string `json:"value"`
	FunnelResult
}

// TrendPoint is the conversion of the units that entered in one period.
type TrendPoint struct {
	Period     time.Time `json:"period"`
	Entered    int       `json:"entered"`
	Converted  int       `json:"converted"`
	Conversion float64   `json:"conversion"`
}
