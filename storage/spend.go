package storage

import (
	"fmt"
	"time"

	"github.com/waymark-analytics/waymark/report"
)

// SpendBounds turns the open bounds of a spend query into days outside
// every stored one.
func SpendBounds(first, end time.Time) (time.Time, time.Time) {
	if first.IsZero() {
		first = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if end.IsZero() {
		end = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return first, end
}

// ReadSpend reads rows of a value, a day and an amount of a field, and
// closes them.
func ReadSpend(rows Rows, field report.Field) ([]report.SpendRow, error) {
	defer rows.Close()
	var spend []report.SpendRow
	for rows.Next() {
		r := report.SpendRow{Field: field}
		var day time.Time
		if err := rows.Scan(&r.Value, &day, &r.Amount); err != nil {
			return nil, fmt.Errorf("read spend: %w", err)
		}
		r.Day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC) // as the driver gives it, in any zone
		spend = append(spend, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read spend: %w", err)
	}
	return spend, nil
}
