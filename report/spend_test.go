package report

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
)

func TestReadSpendCSV(t *testing.T) {
	for _, c := range []struct {
		name, csv string
		want      string // the rows as JSON, or the error
	}{
		{"columns in any order, rows of a value and day add up", "\uFEFFspend,Date,utm_campaign\n10.50,2026-09-01,brand\n\n2,2026-09-01, brand \n7,2026-09-02,ebook\n",
			`[{"field":"utm_campaign","value":"brand","day":"2026-09-01","spend":12.5},{"field":"utm_campaign","value":"ebook","day":"2026-09-02","spend":7}]`},
		{"a property", "date,properties.ad_id,spend\n2026-09-01,a1,0\n", `[{"field":"properties.ad_id","value":"a1","day":"2026-09-01","spend":0}]`},
		{"empty", "", "the spend file is empty: it needs a header row such as date,utm_campaign,spend"},
		{"header only", "date,utm_campaign,spend\n", "the spend file has a header and no rows"},
		{"two columns", "date,spend\n", "the spend file's header has 2 columns: it needs date, spend and the field"},
		{"no spend column", "date,utm_campaign,cost\n", `the spend file's header "date,utm_campaign,cost": it needs date, spend and the field`},
		{"unknown field", "date,campaign,spend\n", `the spend file's field column: unknown field "campaign"`},
		{"every bad row, by line", "date,utm_campaign,spend\n2026-09-01,brand,10\n09/01/2026,brand,10\n2026-09-01,,10\n2026-09-01,brand,1,234.50\n2026-09-01,brand,12,50\n2026-09-01,brand,-3\n2026-09-01,brand,ten\n",
			`the spend file was not imported: line 3: date "09/01/2026" is not a date: write it as YYYY-MM-DD, such as 2026-09-01; line 4: no utm_campaign; line 5: 4 columns, not 3; line 6: 4 columns, not 3; line 7: spend "-3" is negative; line 8: spend "ten" is not a number: write it with a point and no thousands separators, such as 1234.50`},
		{"a comma for a point", "date,utm_campaign,spend\n2026-09-01,brand,\"12,50\"\n", `line 2: spend "12,50" is not a number: write decimals with a point, such as 12.50`},
		{"not CSV", "date,utm_campaign,spend\n2026-09-01,\"brand,10\n", "the spend file was not imported: line 2: extraneous or missing \" in quoted-field"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows, err := ReadSpendCSV(strings.NewReader(c.csv))
			got := ""
			if err != nil {
				got = err.Error()
				if waymark.ErrorKind(err) != waymark.KindInvalid {
					t.Errorf("error kind %v, want invalid", waymark.ErrorKind(err))
				}
			} else {
				b, _ := json.Marshal(rows)
				got = string(b)
			}
			if !strings.Contains(got, c.want) {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestReadSpendCSVLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("date,utm_campaign,spend\n")
	for i := range 12 {
		b.WriteString("2026-09-01,c,x" + strings.Repeat("0", i) + "\n")
	}
	_, err := ReadSpendCSV(strings.NewReader(b.String()))
	if err == nil || !strings.HasSuffix(err.Error(), "; and 2 more") || strings.Count(err.Error(), "line ") != maxSpendErrors {
		t.Errorf("err = %v, want %d rows listed and 2 more", err, maxSpendErrors)
	}
}

func TestReferenceSpend(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 9, d, 0, 0, 0, 0, time.UTC) }
	ref := &Reference{SpendImports: []SpendImport{
		{ProjectID: "p", Rows: []SpendRow{{"utm_campaign", "a", day(1), 1}, {"utm_campaign", "a", day(2), 2}, {"utm_content", "a", day(1), 5}}},
		{ProjectID: "q", Rows: []SpendRow{{"utm_campaign", "a", day(1), 100}}},
		{ProjectID: "p", Rows: []SpendRow{{"utm_campaign", "a", day(2), 3}, {"utm_campaign", "b", day(3), 4}}},
	}}
	rows, err := ref.Spend(context.Background(), "p", "utm_campaign", day(2), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(rows)
	if want := `[{"field":"utm_campaign","value":"a","day":"2026-09-02","spend":3},{"field":"utm_campaign","value":"b","day":"2026-09-03","spend":4}]`; string(b) != want {
		t.Errorf("spend %s, want %s", b, want)
	}
}
