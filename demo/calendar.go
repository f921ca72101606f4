package demo

import (
	"math"
	"time"
)

const (
	second = int64(1000)
	minute = 60 * second
	hour   = 60 * minute
	day    = 24 * hour
	week   = 7 * day

	maxTime = int64(1<<63 - 1) // never
)

// spanDays is how long the dataset runs, ending at Options.End.
const spanDays = 120

// zone is a time zone with daylight saving time, for the local hours
// people keep. Only the two that the catalog's countries need.
type zone uint8

const (
	zoneEU zone = iota // Central European Time
	zoneUS             // US Eastern Time
)

// utcOffset returns the zone's offset from UTC at t, in milliseconds,
// changing at the right day (not hour) of the year.
func utcOffset(z zone, t time.Time) int64 {
	y := t.Year()
	switch z {
	case zoneUS:
		// Second Sunday of March to first Sunday of November.
		start := nthSunday(y, time.March, 2)
		end := nthSunday(y, time.November, 1)
		if !t.Before(start) && t.Before(end) {
			return -4 * hour
		}
		return -5 * hour
	default:
		// Last Sunday of March to last Sunday of October.
		start := lastSunday(y, time.March)
		end := lastSunday(y, time.October)
		if !t.Before(start) && t.Before(end) {
			return 2 * hour
		}
		return 1 * hour
	}
}

func nthSunday(year int, month time.Month, n int) time.Time {
	d := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	d = d.AddDate(0, 0, (7-int(d.Weekday()))%7)
	return d.AddDate(0, 0, 7*(n-1))
}

func lastSunday(year int, month time.Month) time.Time {
	d := time.Date(year, month+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	return d.AddDate(0, 0, -int(d.Weekday()))
}

// hourProfile is how activity spreads over the local hours of a day, as a
// cumulative distribution.
type hourProfile [24]float64

func cumulative(weights [24]float64) hourProfile {
	var p hourProfile
	total := 0.0
	for _, w := range weights {
		total += w
	}
	sum := 0.0
	for i, w := range weights {
		sum += w
		p[i] = sum / total
	}
	return p
}

var (
	// workHours: people at a desk, B2B research and product use.
	workHours = cumulative([24]float64{0.4, 0.2, 0.1, 0.1, 0.1, 0.3, 1, 3, 7, 10, 10, 9, 7, 8, 9, 9, 8, 6, 3, 2.5, 2.5, 2, 1.5, 0.8})
	// leisureHours: phones, evenings and lunch breaks.
	leisureHours = cumulative([24]float64{2, 1, 0.5, 0.3, 0.3, 0.6, 2, 4, 5, 4, 4, 5, 7, 6, 4, 4, 5, 6, 8, 10, 11, 10, 7, 4})
	// officeHours: support agents and email sends.
	officeHours = cumulative([24]float64{0, 0, 0, 0, 0, 0, 0.5, 2, 8, 10, 10, 9, 6, 9, 10, 9, 7, 3, 1, 0.5, 0, 0, 0, 0})
)

// weekdayWeight is traffic by weekday (Sunday first): B2B software is
// researched at work.
var weekdayWeight = [7]float64{0.62, 1.08, 1.15, 1.12, 1.05, 0.9, 0.55}

// monthWeight is seasonality: a quiet European summer, a busy autumn and
// a quiet December, at the middle of each month, interpolated between.
var monthWeight = [12]float64{1.0, 1.05, 1.1, 1.0, 0.97, 0.88, 0.72, 0.78, 1.08, 1.15, 1.18, 0.86}

func seasonal(t time.Time) float64 {
	// Position in months from the middle of January.
	m := float64(t.Month()-1) + (float64(t.Day())-15)/30.5
	i := int(math.Floor(m))
	f := m - float64(i)
	a := monthWeight[(i%12+12)%12]
	b := monthWeight[((i+1)%12+12)%12]
	return a + (b-a)*f
}

// burst is a campaign push: a few days when some campaigns get much more
// traffic. They are the dataset's annotations.
type burst struct {
	name string
	from int // first day, counted from the start of the dataset
	days int
}

var bursts = [2]burst{
	{name: "Product launch: Journey Maps 2.0", from: 66, days: 7},
	{name: "Webinar: From First Touch to Revenue", from: 92, days: 10},
}

// webinarDay is the day (from the start) the webinar takes place, the day
// after its burst, at 15:00 UTC.
const webinarDay = 102
