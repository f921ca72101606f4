package main

import "testing"

func TestParsePublicURL(t *testing.T) {
	for _, tt := range []struct {
		in, want string // want "" for nil; "error" for an error
	}{
		{"", ""},
		{"https://waymark.example.com", "https://waymark.example.com"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080/"},
		{"https://example.com/waymark", "https://example.com/waymark"},
		{"waymark.example.com", "error"},
		{"ftp://waymark.example.com", "error"},
		{"https://", "error"},
		{"https://user:pw@waymark.example.com", "error"},
		{"https://waymark.example.com/?x=1", "error"},
		{"https://waymark.example.com/#top", "error"},
	} {
		u, err := parsePublicURL(tt.in)
		got := ""
		switch {
		case err != nil:
			got = "error"
		case u != nil:
			got = u.String()
		}
		if got != tt.want {
			t.Errorf("parsePublicURL(%q) = %q (%v), want %q", tt.in, got, err, tt.want)
		}
	}
}
