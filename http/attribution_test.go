package http_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestAttributionAPI(t *testing.T) {
	s := newServer(t)
	batch := `{"batch":[
		{"type":"page","messageId":"1","anonymousId":"a1","name":"Home","timestamp":"2026-03-01T10:00:00Z","context":{"campaign":{"name":"brand","source":"google","medium":"cpc"}}},
		{"type":"page","messageId":"2","anonymousId":"a1","name":"Home","timestamp":"2026-03-02T10:00:00Z","context":{"campaign":{"name":"ebook","source":"facebook","medium":"paid_social"}}},
		{"type":"track","messageId":"3","anonymousId":"a1","event":"Trial Started","timestamp":"2026-03-02T11:00:00Z","properties":{"revenue":80}},
		{"type":"page","messageId":"4","anonymousId":"b1","name":"Home","timestamp":"2026-03-01T10:00:00Z","context":{"campaign":{"name":"brand","source":"google","medium":"cpc"}}}]}`
	if a := s.post(t, "/v1/batch", batch); a.status != http.StatusOK {
		t.Fatalf("batch: %d %s", a.status, a.body)
	}
	spend := "date,utm_campaign,spend\n2026-03-01,brand,30\n2026-03-02,ebook,20\n"
	for range 2 { // twice: the second replaces the first
		a := s.post(t, "/api/v1/spend", spend, bearer(readKey))
		if a.status != http.StatusOK || string(a.body) != `{"field":"utm_campaign","from":"2026-03-01","rows":2,"to":"2026-03-02"}`+"\n" {
			t.Fatalf("import spend: %d %s", a.status, a.body)
		}
	}
	a := s.do(t, "GET", "/api/v1/spend?field=utm_campaign&from=2026-03-02", nil, bearer(readKey))
	if want := `{"spend":[{"field":"utm_campaign","value":"ebook","day":"2026-03-02","spend":20}]}` + "\n"; a.status != http.StatusOK || string(a.body) != want {
		t.Errorf("list spend: %d %s, want %s", a.status, a.body, want)
	}

	a = s.post(t, "/api/v1/attribution", `{"conversion":{"event":"Trial Started"},"touch":"utm_campaign","models":["linear","first_touch"],"lookback":"30d"}`, bearer(readKey))
	var r struct {
		Conversions int
		Spend       float64
		Models      map[string][]struct {
			Value                   string
			Conversions, Revenue    float64
			CostPerConversion, ROAS *float64
		}
	}
	if a.status != http.StatusOK || json.Unmarshal(a.body, &r) != nil {
		t.Fatalf("attribution: %d %s", a.status, a.body)
	}
	linear := r.Models["linear"]
	if r.Conversions != 1 || r.Spend != 50 || len(r.Models) != 2 || len(linear) != 2 ||
		linear[0].Value != "brand" || linear[0].Conversions != 0.5 || linear[0].Revenue != 40 || *linear[0].CostPerConversion != 60 || *linear[1].ROAS != 2 {
		t.Errorf("attribution = %s; want linear halves of 1 conversion and 80 revenue, brand at 60 a conversion, ebook's 40 twice its 20", a.body)
	}

	for _, bad := range []struct{ path, body, message string }{
		{"/api/v1/attribution", `{"conversion":{"event":"Trial Started"},"touch":"utm_campaign","models":["u_shaped"]}`, `models[0]: unknown model "u_shaped"`},
		{"/api/v1/attribution", `{"conversion":{"event":"Trial Started"},"touch":"utm_campaign","lookback":"a month"}`, `lookback: "a month" is not a duration`},
		{"/api/v1/spend", "date,utm_campaign,spend\n2026-03-01,brand,30\n2026-13-01,brand,5\n", `line 3: date "2026-13-01" is not a date`},
		{"/api/v1/spend", "", "the spend file is empty"},
	} {
		a := s.post(t, bad.path, bad.body, bearer(readKey))
		if a.status != http.StatusBadRequest || !strings.Contains(a.errorMessage(t), bad.message) {
			t.Errorf("%s %q = %d %q, want 400 with %q", bad.path, bad.body, a.status, a.errorMessage(t), bad.message)
		}
	}
	// The refused file changed nothing.
	if a := s.do(t, "GET", "/api/v1/spend?field=utm_campaign", nil, bearer(readKey)); !strings.Contains(string(a.body), `"day":"2026-03-01","spend":30}`) {
		t.Errorf("spend after a refused file: %s", a.body)
	}
	if a := s.do(t, "GET", "/api/v1/spend", nil, bearer(readKey)); a.status != http.StatusBadRequest {
		t.Errorf("spend without a field = %d, want 400", a.status)
	}
	if a := s.post(t, "/api/v1/spend", spend, bearer(writeKey)); a.status != http.StatusUnauthorized {
		t.Errorf("spend with the write key = %d, want 401", a.status)
	}
}
