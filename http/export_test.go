package http

import "time"

// SetClock makes the server read the time from now, for tests of expiry.
func SetClock(s *Server, now func() time.Time) { s.now = now }
