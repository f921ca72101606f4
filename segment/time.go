package segment

import (
	"time"

	"github.com/waymark-analytics/waymark"
)

func notATime(field, s string) error {
	return waymark.Errorf(waymark.KindInvalid, "%s %s is not an ISO 8601 time", field, quote(s))
}

// checkTime checks the time field of a message that is present: one
// parseTime reads, and not Go's zero time 0001-01-01T00:00:00Z. A Go client
// sends that for a time.Time it never set (omitempty does not leave a struct
// out), and read as a time it would count as absent, so the message would
// be stored under another time than the one it claims.
func checkTime(field, s string) error {
	t, ok := parseTime(s)
	if !ok {
		return notATime(field, s)
	}
	if t.Truncate(time.Millisecond).IsZero() {
		send := "send the time of the event"
		switch field {
		case "sentAt":
			send = "send the time it was sent"
		case "receivedAt":
			send = "send the time it was received"
		}
		return waymark.Errorf(waymark.KindInvalid, "%s %s is not a real time: %s or leave it out", field, quote(s), send)
	}
	return nil
}

// parseTime parses a Segment timestamp. The spec says ISO 8601; what clients
// send is RFC 3339 with or without fractional seconds and with any offset.
// Also accepted, as ISO 8601 allows: 't' or a space for 'T', ',' for the
// decimal point, offsets written +hh, +hhmm or +hh:mm, no offset (read as
// UTC, since the server cannot know the client's zone) and a date alone
// (midnight UTC). Digits past nanoseconds are ignored. It is on the hot
// path and several times faster than trying time.Parse with each layout.
func parseTime(s string) (time.Time, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) {
		return time.Time{}, false
	}
	if len(s) == 10 {
		return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), true
	}
	if c := s[10]; (c != 'T' && c != 't' && c != ' ') || len(s) < 19 || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	hour, ok1 := digits(s[11:13])
	minute, ok2 := digits(s[14:16])
	sec, ok3 := digits(s[17:19])
	if !ok1 || !ok2 || !ok3 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	rest := s[19:]
	nsec := 0
	if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
		i, n := 1, 0
		for ; i < len(rest) && isDigit(rest[i]); i++ {
			if n < 9 {
				nsec = nsec*10 + int(rest[i]-'0')
				n++
			}
		}
		if i == 1 {
			return time.Time{}, false
		}
		for ; n < 9; n++ {
			nsec *= 10
		}
		rest = rest[i:]
	}
	offset := 0 // seconds east of UTC
	switch {
	case rest == "" || rest == "Z" || rest == "z":
	case rest[0] == '+' || rest[0] == '-':
		var hh, mm int
		ok1, ok2 := false, true
		switch z := rest[1:]; len(z) {
		case 2:
			hh, ok1 = digits(z)
		case 4:
			hh, ok1 = digits(z[:2])
			mm, ok2 = digits(z[2:])
		case 5:
			hh, ok1 = digits(z[:2])
			mm, ok2 = digits(z[3:])
			ok2 = ok2 && z[2] == ':'
		}
		if !ok1 || !ok2 || hh > 23 || mm > 59 {
			return time.Time{}, false
		}
		offset = (hh*60 + mm) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if offset != 0 {
		t = t.Add(-time.Duration(offset) * time.Second)
		if (year == 0 || year == 9999) && (t.Year() < 0 || t.Year() > 9999) {
			return time.Time{}, false // in UTC, a year RFC 3339 cannot write
		}
	}
	return t, true
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// timeLayout is how times are written: RFC 3339 in UTC with milliseconds,
// as analytics.js writes them.
const timeLayout = "2006-01-02T15:04:05.000Z"

// formatTime writes t, or "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}
