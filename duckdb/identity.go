package duckdb

import (
	"context"

	"github.com/waymark-analytics/waymark"
)

// resolveIdentities applies the identity links carried by written events
// inside the open write transaction.
func (s *Store) resolveIdentities(ctx context.Context, written []*waymark.Event) error {
	return nil
}
