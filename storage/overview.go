package storage

import "github.com/waymark-analytics/waymark/report"

// OverviewRows reads rows of (kind, value, events, persons, conversions,
// revenue), dropping groups of an empty value, and closes them.
func OverviewRows(rows Rows) ([]report.OverviewRow, error) {
	defer rows.Close()
	var out []report.OverviewRow
	for rows.Next() {
		var r report.OverviewRow
		var kind string
		var events, persons, conversions int64
		if err := rows.Scan(&kind, &r.Value, &events, &persons, &conversions, &r.Revenue); err != nil {
			return nil, err
		}
		r.Kind = report.OverviewKind(kind)
		if r.Value == "" && r.Kind != report.OverviewTotal && r.Kind != report.OverviewNew {
			continue
		}
		r.Events, r.Persons, r.Conversions = int(events), int(persons), int(conversions)
		out = append(out, r)
	}
	return out, rows.Err()
}
