package http_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestPathsAPI(t *testing.T) {
	s := newServer(t)
	batch := `{"batch":[
		{"type":"page","messageId":"1","anonymousId":"a1","name":"Home","timestamp":"2026-01-01T10:00:00Z"},
		{"type":"page","messageId":"2","anonymousId":"a1","name":"Pricing","timestamp":"2026-01-01T10:01:00Z"},
		{"type":"identify","messageId":"3","anonymousId":"a1","userId":"ada","timestamp":"2026-01-01T10:02:00Z"},
		{"type":"track","messageId":"4","userId":"ada","event":"Signed Up","timestamp":"2026-01-01T10:03:00Z"},
		{"type":"page","messageId":"5","anonymousId":"b1","name":"Home","timestamp":"2026-01-01T10:00:00Z"},
		{"type":"page","messageId":"6","anonymousId":"b1","name":"Blog","timestamp":"2026-01-01T10:05:00Z"}]}`
	if a := s.post(t, "/v1/batch", batch); a.status != http.StatusOK {
		t.Fatalf("batch: %d %s", a.status, a.body)
	}
	paths := `{"start":{"event":"Home"},"steps":3,"top":1}`
	a := s.post(t, "/api/v1/paths", paths, bearer(readKey))
	var r struct {
		Persons int
		Nodes   []struct {
			Step             int
			Name             string
			Persons, DropOff int
		}
		Edges    []struct{ From, To string }
		Warnings []string
	}
	if a.status != http.StatusOK || json.Unmarshal(a.body, &r) != nil {
		t.Fatalf("paths: %d %s", a.status, a.body)
	}
	// ada: Home, Pricing, Signed Up (the identify is no node); bob: Home,
	// Blog. Step 1 keeps Blog, the first by name, and cuts Pricing.
	var nodes []string
	for _, n := range r.Nodes {
		nodes = append(nodes, n.Name)
	}
	if r.Persons != 2 || strings.Join(nodes, ",") != "Home,Blog,Other,Signed Up" || r.Warnings == nil {
		t.Errorf("paths = %s", a.body)
	}

	a = s.post(t, "/api/v1/paths/persons", `{"paths":`+paths+`,"step":1,"node":"Other","next":"Signed Up"}`, bearer(readKey))
	if a.status != http.StatusOK || !strings.Contains(string(a.body), `"persons":["ada"]`) {
		t.Errorf("drill-down: %d %s, want ada", a.status, a.body)
	}
	a = s.post(t, "/api/v1/paths/funnel", `{"paths":`+paths+`,"path":["Home","Pricing","Signed Up"]}`, bearer(readKey))
	if a.status != http.StatusOK || !strings.Contains(string(a.body), `"steps":[{"name":"Home","touchpoints":[{"event":"Home"}]},{"name":"Pricing"`) {
		t.Fatalf("funnel of a path: %d %s", a.status, a.body)
	}
	var f struct{ Funnel json.RawMessage }
	json.Unmarshal(a.body, &f)
	if a := s.post(t, "/api/v1/funnels", string(f.Funnel), bearer(readKey)); a.status != http.StatusOK || !strings.Contains(string(a.body), `"converted":1`) {
		t.Errorf("the path's funnel: %d %s, want ada converted", a.status, a.body)
	}

	for _, bad := range []struct{ path, body, message string }{
		{"/api/v1/paths", `{"steps":30}`, "steps: a path is 2 to 20 steps deep, not 30"},
		{"/api/v1/paths", `{"start":"Home"}`, "start: expected an object, not a string"},
		{"/api/v1/paths", `{"stps":3}`, `unknown field "stps"; the fields here are start, end, steps, node,`},
		{"/api/v1/paths", `{"rules":[{"regex":"[","alias":"x"}]}`, "rules[0]: bad regex"},
		{"/api/v1/paths", `{"sessionGap":"soon"}`, `sessionGap: "soon" is not a duration`},
		{"/api/v1/paths/persons", `{"paths":` + paths + `,"step":3,"node":"Home"}`, "step 3: the paths have steps 0 to 2"},
		{"/api/v1/paths/persons", `{"paths":` + paths + `,"step":1,"node":"Home","group":"converted"}`, "a group needs paths with a comparison"},
		{"/api/v1/paths/funnel", `{"paths":` + paths + `,"path":["Home","Other"]}`, "path[1]: Other stands for the nodes cut from a step"},
		{"/api/v1/paths/funnel", `{"paths":` + paths + `,"path":["Home"]}`, "path: a funnel takes a path of 2 to 3 nodes, not 1"},
	} {
		a := s.post(t, bad.path, bad.body, bearer(readKey))
		if a.status != http.StatusBadRequest || !strings.Contains(a.errorMessage(t), bad.message) {
			t.Errorf("%s %s = %d %q, want 400 with %q", bad.path, bad.body, a.status, a.errorMessage(t), bad.message)
		}
	}
	if a := s.post(t, "/api/v1/paths", paths, bearer(writeKey)); a.status != http.StatusUnauthorized {
		t.Errorf("paths with the write key = %d, want 401", a.status)
	}
}
