package segment

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2024-05-14T10:21:33.123Z", "2024-05-14T10:21:33.123Z"},
		{"2024-05-14T10:21:33Z", "2024-05-14T10:21:33Z"},
		{"2024-05-14T10:21:33.551142712Z", "2024-05-14T10:21:33.551142712Z"},
		{"2024-05-14T10:21:33.5511427129999Z", "2024-05-14T10:21:33.551142712Z"},
		{"2024-05-14T12:21:33+02:00", "2024-05-14T10:21:33Z"},
		{"2024-05-14T05:21:33.1-0500", "2024-05-14T10:21:33.1Z"},
		{"2024-05-14T13:21:33+03", "2024-05-14T10:21:33Z"},
		{"2024-05-14t10:21:33z", "2024-05-14T10:21:33Z"},
		{"2024-05-14 10:21:33,25", "2024-05-14T10:21:33.25Z"},
		{"2024-05-14T10:21:33", "2024-05-14T10:21:33Z"},
		{"2024-05-14", "2024-05-14T00:00:00Z"},
		{"2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"},
		{"2000-02-29", "2000-02-29T00:00:00Z"},
		{"2024-01-01T00:30:00+01:00", "2023-12-31T23:30:00Z"},
	}
	for _, tt := range tests {
		got, ok := parseTime(tt.in)
		if !ok {
			t.Errorf("parseTime(%q) fails", tt.in)
			continue
		}
		if want, _ := time.Parse(time.RFC3339Nano, tt.want); !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("parseTime(%q) = %v, want %v", tt.in, got, want)
		}
	}
	for _, in := range []string{
		"", "xyz", "2024", "2024-5-14", "2024-05-14T", "2024-05-14T10:21", "2024-05-14T10:21:3",
		"2024-13-01", "2024-00-01", "2024-04-31", "2023-02-29", "1900-02-29", "2024-05-14T24:00:00Z",
		"2024-05-14T10:60:00Z", "2024-05-14T10:21:60Z", "2024-05-14T10:21:33.Z", "2024-05-14T10:21:33+2",
		"2024-05-14T10:21:33+24:00", "2024-05-14T10:21:33+02:60", "2024-05-14T10:21:33+0200x",
		"2024-05-14T10:21:33 UTC", "2024-05-14X10:21:33Z", "+2024-05-14", "1715682093123",
		"Tue, 14 May 2024 10:21:33 GMT", "2024-05-14T10:21:33Z ",
		"0000-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00",
	} {
		if got, ok := parseTime(in); ok {
			t.Errorf("parseTime(%q) = %v, want a failure", in, got)
		}
	}
}

// parseTime reads whatever time.RFC3339Nano writes.
func FuzzParseTime(f *testing.F) {
	f.Add(int64(0), int64(0), 0)
	f.Add(int64(1715682093), int64(123000000), 7200)
	f.Fuzz(func(t *testing.T, sec, nsec int64, offset int) {
		offset %= 24 * 3600
		in := time.Unix(sec%253402300799, nsec%1e9).In(time.FixedZone("", offset/60*60))
		if in.Year() < 0 || in.Year() > 9999 {
			return
		}
		s := in.Format(time.RFC3339Nano)
		got, ok := parseTime(s)
		if !ok || !got.Equal(in) {
			t.Fatalf("parseTime(%q) = %v, %v; want %v", s, got, ok, in)
		}
	})
}
