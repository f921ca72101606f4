package http

import (
	"net/http"

	"github.com/waymark-analytics/waymark"
)

// Handler returns the whole route table.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handle(s.healthz))

	// Segment HTTP Tracking API, with analytics.js's short forms.
	for _, route := range []struct {
		long, short string
		typ         waymark.MessageType
	}{
		{"track", "t", waymark.Track},
		{"identify", "i", waymark.Identify},
		{"page", "p", waymark.Page},
		{"screen", "s", waymark.Screen},
		{"group", "g", waymark.Group},
		{"alias", "a", waymark.Alias},
		{"batch", "b", ""},
		{"import", "", ""},
	} {
		h := s.handle(s.ingest(route.typ))
		for _, name := range []string{route.long, route.short} {
			if name != "" {
				mux.HandleFunc("POST /v1/"+name, h)
				mux.HandleFunc("OPTIONS /v1/"+name, preflight)
			}
		}
	}
	mux.HandleFunc("GET /v1/projects/{writeKey}/settings", s.handle(s.settings))
	mux.HandleFunc("OPTIONS /v1/projects/{writeKey}/settings", preflight)

	// analytics.js itself, at the paths of Segment's CDN.
	mux.HandleFunc("GET /analytics.js/v1/{writeKey}/analytics.min.js", s.handle(s.analyticsJS))
	mux.HandleFunc("GET /analytics-next/bundles/{file}", s.handle(s.analyticsBundle))

	// Query API, read key required.
	mux.HandleFunc("GET /api/v1/events", s.handle(s.withReadKey(s.events)))
	mux.HandleFunc("GET /api/v1/events/live", s.handle(s.withReadKey(s.liveEvents)))
	mux.HandleFunc("GET /api/v1/rejected", s.handle(s.withReadKey(s.exportRejected)))
	mux.HandleFunc("GET /api/v1/overview", s.handle(s.withReadKey(s.overview)))
	mux.HandleFunc("GET /api/v1/persons", s.handle(s.withReadKey(s.searchPersons)))
	mux.HandleFunc("GET /api/v1/persons/{id}", s.handle(s.withReadKey(s.person)))
	mux.HandleFunc("GET /api/v1/persons/{id}/events", s.handle(s.withReadKey(s.personEvents)))
	mux.HandleFunc("GET /api/v1/groups/{id}", s.handle(s.withReadKey(s.group)))
	mux.HandleFunc("POST /api/v1/funnels", s.handle(s.withReadKey(s.funnel)))
	mux.HandleFunc("POST /api/v1/funnels/persons", s.handle(s.withReadKey(s.funnelPersons)))
	mux.HandleFunc("POST /api/v1/journeys/report", s.handle(s.withReadKey(s.journeyReport)))
	mux.HandleFunc("POST /api/v1/paths", s.handle(s.withReadKey(s.paths)))
	mux.HandleFunc("POST /api/v1/paths/persons", s.handle(s.withReadKey(s.pathsPersons)))
	mux.HandleFunc("POST /api/v1/paths/funnel", s.handle(s.withReadKey(s.pathFunnel)))
	mux.HandleFunc("GET /api/v1/journeys", s.handle(s.withReadKey(s.listJourneys)))
	mux.HandleFunc("POST /api/v1/journeys", s.handle(s.withReadKey(s.createJourney)))
	mux.HandleFunc("GET /api/v1/journeys/{id}", s.handle(s.withReadKey(s.journey)))
	mux.HandleFunc("PUT /api/v1/journeys/{id}", s.handle(s.withReadKey(s.putJourney)))
	mux.HandleFunc("DELETE /api/v1/journeys/{id}", s.handle(s.withReadKey(s.deleteJourney)))
	mux.HandleFunc("GET /api/v1/journeys/{id}/report", s.handle(s.withReadKey(s.savedJourneyReport)))
	mux.HandleFunc("POST /api/v1/attribution", s.handle(s.withReadKey(s.attribution)))
	mux.HandleFunc("POST /api/v1/spend", s.handle(s.withReadKey(s.importSpend)))
	mux.HandleFunc("GET /api/v1/spend", s.handle(s.withReadKey(s.spend)))
	mux.HandleFunc("GET /api/v1/schema/events", s.handle(s.withReadKey(s.schemaEvents)))
	mux.HandleFunc("GET /api/v1/schema/properties", s.handle(s.withReadKey(s.schemaProperties)))
	mux.HandleFunc("GET /api/v1/schema/traits", s.handle(s.withReadKey(s.schemaTraits)))
	mux.HandleFunc("GET /api/v1/schema/values", s.handle(s.withReadKey(s.schemaValues)))
	mux.HandleFunc("GET /api/v1/schema/fields", s.handle(s.withReadKey(s.schemaFields)))

	// Dashboard: the sign-in form turns a read key into a session cookie,
	// which its pages need and the query API takes instead of the key.
	if d := s.Dashboard; d != nil {
		mux.HandleFunc("GET /login", s.handle(s.signIn))
		mux.HandleFunc("POST /login", s.handle(s.signIn))
		mux.HandleFunc("POST /logout", s.handle(s.signOut))
		mux.Handle("GET /static/", d.Static())
		for _, pattern := range d.Pages() {
			mux.HandleFunc("GET "+pattern, s.handle(s.withSession(s.page)))
		}
	}

	return cors(mux)
}
