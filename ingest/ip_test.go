package ingest

import (
	"encoding/json"
	"testing"
)

func TestIPPolicy(t *testing.T) {
	tests := []struct {
		policy IPPolicy
		in     string
		want   string
	}{
		{IPKeep, "203.0.113.77", "203.0.113.77"},
		{IPTruncate, "203.0.113.77", "203.0.113.0"},
		{IPTruncate, "::ffff:203.0.113.77", "203.0.113.0"},
		{IPTruncate, "2001:db8:85a3:1234:5678:8a2e:370:7334", "2001:db8:85a3::"},
		{IPTruncate, "not an ip", ""},
		{IPDrop, "203.0.113.77", ""},
	}
	for _, tt := range tests {
		if got := tt.policy.apply(tt.in); got != tt.want {
			t.Errorf("policy %d apply(%q) = %q, want %q", tt.policy, tt.in, got, tt.want)
		}
	}
	if _, err := ParseIPPolicy("anonymize"); err == nil {
		t.Error("ParseIPPolicy accepted an unknown policy")
	}
}

func TestScrubContext(t *testing.T) {
	in := json.RawMessage(`{"ip":"203.0.113.77","locale":"nl-NL"}`)
	if got := string(IPTruncate.scrubContext(in)); got != `{"ip":"203.0.113.0","locale":"nl-NL"}` {
		t.Errorf("truncate: %s", got)
	}
	if got := string(IPDrop.scrubContext(in)); got != `{"locale":"nl-NL"}` {
		t.Errorf("drop: %s", got)
	}
	if got := string(IPDrop.scrubContext(json.RawMessage(`{"locale":"nl-NL"}`))); got != `{"locale":"nl-NL"}` {
		t.Errorf("no ip: %s", got)
	}
}
