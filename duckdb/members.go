package duckdb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/waymark-analytics/waymark/report"
)

// backfillBatch is how many seq numbers backfillMembers reads at a time.
const backfillBatch = 20000

// backfillMembers fills in the members of the events stored before
// migration 0003 (report.Members, the code reports use), a range of seq at
// a time, inside the migration's transaction: a crash half way leaves the
// database as it was, and the next start does it again.
func backfillMembers(ctx context.Context, tx *sql.Tx) error {
	var first, last int64
	if err := tx.QueryRowContext(ctx, queries.Get("SeqRange")).Scan(&first, &last); err != nil {
		return fmt.Errorf("backfill members: %w", err)
	}
	for from := first; from <= last; from += backfillBatch {
		to := from + backfillBatch
		if err := backfillRange(ctx, tx, from, to); err != nil {
			return fmt.Errorf("backfill members of events %d to %d: %w", from, to-1, err)
		}
	}
	return nil
}

func backfillRange(ctx context.Context, tx *sql.Tx, from, to int64) error {
	rows, err := tx.QueryContext(ctx, queries.Get("MembersToBackfill"), sql.Named("from", from), sql.Named("to", to))
	if err != nil {
		return err
	}
	var seqs []int64
	var lists [4][][]string // properties names and texts, traits names and texts
	for rows.Next() {
		var seq int64
		var properties, traits string
		if err := rows.Scan(&seq, &properties, &traits); err != nil {
			rows.Close()
			return err
		}
		seqs = append(seqs, seq)
		for k, object := range []string{properties, traits} {
			names, texts := report.Members([]byte(object))
			if names == nil { // the driver cannot bind a nil list inside a list
				names, texts = []string{}, []string{}
			}
			lists[2*k] = append(lists[2*k], names)
			lists[2*k+1] = append(lists[2*k+1], texts)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(seqs) == 0 {
		return err
	}
	_, err = tx.ExecContext(ctx, queries.Get("BackfillMembers"),
		sql.Named("from", from), sql.Named("to", to), sql.Named("seqs", seqs),
		sql.Named("properties_names", lists[0]), sql.Named("properties_texts", lists[1]),
		sql.Named("traits_names", lists[2]), sql.Named("traits_texts", lists[3]))
	return err
}
