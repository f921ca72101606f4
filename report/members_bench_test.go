package report

import "testing"

// BenchmarkMembers reads the members of an analytics.js page view's
// properties, what every write computes for each event.
func BenchmarkMembers(b *testing.B) {
	raw := []byte(`{"path":"/pricing","referrer":"https://www.google.com/","search":"?utm_source=google&utm_medium=cpc","title":"Pricing","url":"https://acme.example/pricing?utm_source=google&utm_medium=cpc","price":49.5,"plan":"pro"}`)
	for b.Loop() {
		Members(raw)
	}
}
