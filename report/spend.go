package report

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// SpendRow is what was spent on one value of a field, such as a campaign
// (utm_campaign) or an ad (utm_content), on one day (UTC midnight). A
// project has at most one row per (field, value, day): importing a row
// replaces the one stored with the same key.
type SpendRow struct {
	Field  Field
	Value  string
	Day    time.Time
	Amount float64
}

func (r SpendRow) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Field  Field   `json:"field"`
		Value  string  `json:"value"`
		Day    string  `json:"day"`
		Amount float64 `json:"spend"`
	}{r.Field, r.Value, r.Day.UTC().Format(time.DateOnly), r.Amount})
}

// SpendReader reads the spend that imports left.
type SpendReader interface {
	// Spend returns the project's spend rows of a field with
	// first <= day < end (zero bounds are open), in any order.
	Spend(ctx context.Context, projectID string, field Field, first, end time.Time) ([]SpendRow, error)
}

// SortSpend puts spend rows in the order the API lists them: by value,
// then day.
func SortSpend(rows []SpendRow) {
	slices.SortFunc(rows, func(a, b SpendRow) int {
		return cmp.Or(cmp.Compare(a.Field, b.Field), cmp.Compare(a.Value, b.Value), a.Day.Compare(b.Day))
	})
}

// Limits of a spend file.
const (
	MaxSpendRows   = 100_000
	maxSpendErrors = 10 // listed in one error; the count says how many more
)

// ReadSpendCSV reads a spend file: CSV with a header row of three
// columns, in any order: date (YYYY-MM-DD, UTC), spend (a decimal number,
// 0 or more, with a point: 1234.50) and a field whose values the spend is
// of, such as utm_campaign. Rows of the same value and day add up, as an
// export by ad group lists a campaign once per group. A file with any
// malformed row is refused whole: the error lists the rows by line and
// says what is wrong with each.
func ReadSpendCSV(r io.Reader) ([]SpendRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, invalid("the spend file is empty: it needs a header row such as date,utm_campaign,spend")
	}
	if err != nil {
		return nil, spendCSVError(err)
	}
	columns, err := spendColumns(header)
	if err != nil {
		return nil, err
	}
	var problems []string
	problem := func(line int, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("line %d: ", line)+fmt.Sprintf(format, args...))
	}
	sums := map[[2]string]int{} // (value, day) -> index in rows
	var rows []SpendRow
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, spendCSVError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(record) == 1 && strings.TrimSpace(record[0]) == "" {
			continue // a blank line
		}
		if len(record) != 3 {
			problem(line, "%d columns, not 3", len(record))
			continue
		}
		value := strings.TrimSpace(record[columns.value])
		day, dayErr := time.Parse(time.DateOnly, strings.TrimSpace(record[columns.date]))
		amount, amountErr := spendAmount(strings.TrimSpace(record[columns.spend]))
		switch {
		case value == "":
			problem(line, "no %s", columns.field)
		case dayErr != nil:
			problem(line, "date %q is not a date: write it as YYYY-MM-DD, such as 2026-09-01", record[columns.date])
		case !spendDayInRange(day):
			problem(line, "date %s is not from %s to %s", day.Format(time.DateOnly), firstSpendDay.Format(time.DateOnly), lastSpendDay.Format(time.DateOnly))
		case amountErr != nil:
			problem(line, "%v", amountErr)
		default:
			key := [2]string{value, day.Format(time.DateOnly)}
			if i, ok := sums[key]; ok {
				rows[i].Amount += amount
				continue
			}
			if len(rows) == MaxSpendRows {
				return nil, invalid("a spend file has at most %d rows of a value and day", MaxSpendRows)
			}
			sums[key] = len(rows)
			rows = append(rows, SpendRow{Field: columns.field, Value: value, Day: day, Amount: amount})
		}
	}
	if len(problems) > 0 {
		listed := problems[:min(len(problems), maxSpendErrors)]
		more := ""
		if n := len(problems) - len(listed); n > 0 {
			more = fmt.Sprintf("; and %d more", n)
		}
		return nil, invalid("the spend file was not imported: %s%s", strings.Join(listed, "; "), more)
	}
	if len(rows) == 0 {
		return nil, invalid("the spend file has a header and no rows")
	}
	return rows, nil
}

// spendHeader is where a spend file's columns are, and its field.
type spendHeader struct {
	date, spend, value int
	field              Field
}

// spendColumns reads a spend file's header.
func spendColumns(header []string) (spendHeader, error) {
	c := spendHeader{date: -1, spend: -1, value: -1}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\uFEFF") // a byte order mark
	}
	if len(header) != 3 {
		return c, invalid("the spend file's header has %d columns: it needs date, spend and the field the spend is of, such as date,utm_campaign,spend", len(header))
	}
	for i, name := range header {
		name = strings.TrimSpace(name)
		switch {
		case strings.EqualFold(name, "date") && c.date < 0:
			c.date = i
		case strings.EqualFold(name, "spend") && c.spend < 0:
			c.spend = i
		case c.value < 0:
			c.value, c.field = i, Field(name)
		default:
			return c, invalid("the spend file's header %q: it needs date, spend and the field the spend is of, such as date,utm_campaign,spend", strings.Join(header, ","))
		}
	}
	if c.date < 0 || c.spend < 0 {
		return c, invalid("the spend file's header %q: it needs date, spend and the field the spend is of, such as date,utm_campaign,spend", strings.Join(header, ","))
	}
	if err := c.field.Validate(); err != nil {
		return c, fmt.Errorf("the spend file's field column: %w", err)
	}
	return c, nil
}

// spendAmount reads an amount of spend: a decimal number of at most
// MaxNumberDigits digits, not negative.
func spendAmount(s string) (float64, error) {
	v, ok := Number(s)
	switch {
	case !ok && strings.ContainsAny(s, ",") && !strings.Contains(s, "."):
		return 0, fmt.Errorf("spend %q is not a number: write decimals with a point, such as 12.50", s)
	case !ok:
		return 0, fmt.Errorf("spend %q is not a number: write it with a point and no thousands separators, such as 1234.50", s)
	case v < 0:
		return 0, fmt.Errorf("spend %q is negative", s)
	}
	return v, nil
}

// spendCSVError describes a file that is not CSV, such as a stray quote.
func spendCSVError(err error) error {
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		return invalid("the spend file was not imported: line %d: %v", pe.Line, pe.Err)
	}
	return err
}

// The days spend can be of: what every engine stores as a date.
var (
	firstSpendDay = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	lastSpendDay  = time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)
)

func spendDayInRange(day time.Time) bool {
	return !day.Before(firstSpendDay) && !day.After(lastSpendDay)
}

// CheckSpendRows reports rows that no import may store, as ReadSpendCSV
// never returns: a field that is none, an empty value, a day that is not a
// midnight UTC in the years 2000 to 2099, an amount that is negative or not
// finite, or two rows of one field, value and day.
func CheckSpendRows(rows []SpendRow) error {
	keys := make(map[spendKey]bool, len(rows))
	for i, r := range rows {
		k := spendKey{r.Field, r.Value, r.Day.Unix()}
		switch {
		case r.Field.Validate() != nil:
			return invalid("spend row %d: %v", i+1, r.Field.Validate())
		case r.Value == "":
			return invalid("spend row %d has no value", i+1)
		case !r.Day.Equal(Day.Start(r.Day)) || !spendDayInRange(r.Day):
			return invalid("spend row %d: %s is not a day from %s to %s", i+1, r.Day.Format(time.RFC3339), firstSpendDay.Format(time.DateOnly), lastSpendDay.Format(time.DateOnly))
		case !(r.Amount >= 0) || math.IsInf(r.Amount, 1):
			return invalid("spend row %d: %v is not an amount of 0 or more", i+1, r.Amount)
		case keys[k]:
			return invalid("spend row %d: %s %q on %s is there twice", i+1, r.Field, r.Value, r.Day.Format(time.DateOnly))
		}
		keys[k] = true
	}
	return nil
}

type spendKey struct {
	field Field
	value string
	day   int64
}

// SpendImport is one import of spend rows into a project.
type SpendImport struct {
	ProjectID string
	Rows      []SpendRow
}

// Spend implements SpendReader over the reference's imports, applied in
// order: a row replaces the one of the same (field, value, day) before it.
func (r *Reference) Spend(ctx context.Context, projectID string, field Field, first, end time.Time) ([]SpendRow, error) {
	latest := map[spendKey]SpendRow{}
	for _, im := range r.SpendImports {
		if im.ProjectID != projectID || CheckSpendRows(im.Rows) != nil {
			continue // stores refuse such an import whole
		}
		for _, row := range im.Rows {
			if row.Field == field {
				latest[spendKey{row.Field, row.Value, row.Day.Unix()}] = row
			}
		}
	}
	var rows []SpendRow
	for _, row := range latest {
		if (first.IsZero() || !row.Day.Before(first)) && (end.IsZero() || row.Day.Before(end)) {
			rows = append(rows, row)
		}
	}
	SortSpend(rows)
	return rows, ctx.Err()
}
