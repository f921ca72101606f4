package clickhouse

import (
	"fmt"
	"slices"
	"strings"

	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// fieldDialect is how ClickHouse's SQL reads an event field.
var fieldDialect = storage.FieldDialect{
	Param:  "@%s",
	Column: "%s",
	Member: "%[1]s_texts[indexOf(%[1]s_names, %[2]s)]", // at index 0, where the key is absent, arrays read ''
}

// touchpointSQL is what the touchpoints and breakdown of a report query
// without person fields are in Hits.sql: each expression written on the
// stored columns.
type touchpointSQL struct {
	// Selects holds on the rows that may be hits: those where the mask
	// has a bit set, or every row when the query keeps all events.
	Selects string
	Mask    string
	Value   string // the breakdown field's value, or ''
}

// compileTouchpoints writes the touchpoints and breakdown of q, which reads
// no person fields (splitPersons), in ClickHouse's SQL. The values of the
// query reach SQL only as the parameters returned.
func compileTouchpoints(q *report.Query) (touchpointSQL, []storage.Param) {
	c := conditionSQL{FieldSQL: storage.FieldSQL{Dialect: &fieldDialect}}
	var bits, selects []string
	for i, t := range q.Touchpoints {
		var conditions []string
		for _, cond := range t.Conditions() {
			conditions = append(conditions, c.holds(cond))
		}
		bits = append(bits, fmt.Sprintf("CASE WHEN %s THEN %d ELSE 0 END", all(conditions), uint64(1)<<i))
		selects = append(selects, all(conditions))
	}
	sql := touchpointSQL{
		Mask:    fmt.Sprintf("toUInt64(%s)", strings.Join(append([]string{"0"}, bits...), " + ")),
		Value:   "''",
		Selects: "1 = 1",
	}
	if q.Breakdown != "" {
		sql.Value = c.Read(q.Breakdown)
	}
	if !q.AllEvents {
		sql.Selects = "(" + strings.Join(append([]string{"1 = 0"}, selects...), " OR ") + ")"
	}
	return sql, c.Params
}

// conditionSQL writes report conditions in ClickHouse's SQL.
type conditionSQL struct {
	storage.FieldSQL
}

// all is the conjunction of conditions; with none, it always holds.
func all(conditions []string) string {
	if len(conditions) == 0 {
		return "1 = 1"
	}
	return strings.Join(conditions, " AND ")
}

// positive is the operator each negative one negates.
var positive = map[report.Op]report.Op{
	report.NotEquals:   report.Equals,
	report.NotContains: report.Contains,
	report.NotIn:       report.In,
	report.IsNotSet:    report.IsSet,
}

// holds is report.Condition.Holds in SQL.
func (c *conditionSQL) holds(cond report.Condition) string {
	if op, ok := positive[cond.Op]; ok {
		cond.Op = op
		return "NOT " + c.holds(cond)
	}
	v := c.Read(cond.Field)
	var test string
	switch cond.Op {
	case report.Equals:
		test = v + " = " + c.Param(cond.Value)
	case report.Contains:
		test = fmt.Sprintf("position(%s, %s) > 0", v, c.Param(cond.Value))
	case report.Matches:
		test = matches(v, c.Param(cond.Value))
	case report.In:
		test = fmt.Sprintf("%s IN %s", v, c.Param(cond.Values))
	case report.Greater, report.GreaterEq, report.Less, report.LessEq:
		test = matches(v, c.Param(report.NumberRegex)) + " AND " +
			number(v) + " " + string(cond.Op) + " " + number(c.Param(cond.Value))
	case report.IsSet:
		return "(" + v + " <> '')"
	}
	return "(" + v + " <> '' AND " + test + ")"
}

// matches is whether text matches the regular expression pattern, as Go's
// regexp would. ClickHouse lets . match a newline, unlike Go. And before
// running a pattern, it looks for a literal the pattern has outside
// parentheses, ignoring flags: (?i)abc would not match "ABC". A group
// around the pattern undoes both. (A literal parenthesis quoted as \Q(\E
// can still mislead the search for literals.)
func matches(text, pattern string) string {
	return fmt.Sprintf("match(%s, concat('(?-s:', %s, ')'))", text, pattern)
}

// number is the float64 of s, which is a report.Number. toFloat64 of a
// string is not always the nearest float64 on 18.16 ("2.47" reads as
// 2.4699999999999998), but one division of two exact numbers is, and a
// report.Number has few enough digits for that.
func number(s string) string {
	return fmt.Sprintf("toFloat64(toInt64OrZero(replaceOne(%[1]s, '.', ''))) / intExp10(if(position(%[1]s, '.') = 0, 0, length(%[1]s) - position(%[1]s, '.')))", s)
}

// splitPersons is how Hits answers q, as Hits.sql selects events without
// reading person fields: it runs events, q without the conditions and
// breakdown on person fields, and passes each person's hits to complete
// with the person's profile. complete clears the bits of touchpoints whose
// person conditions fail, sets the breakdown value, drops hits left without
// a bit unless q.AllEvents, and reports whether any hits are left.
func splitPersons(q *report.Query) (events report.Query, complete func(p *report.Person, person report.Profile) bool) {
	events = *q
	events.Touchpoints = make([]report.Touchpoint, len(q.Touchpoints))
	personConditions := make([][]report.Condition, len(q.Touchpoints))
	for i, t := range q.Touchpoints {
		t.Where = nil
		for _, c := range q.Touchpoints[i].Where {
			if c.Field.OfPerson() {
				personConditions[i] = append(personConditions[i], c)
			} else {
				t.Where = append(t.Where, c)
			}
		}
		events.Touchpoints[i] = t
	}
	personBreakdown := q.Breakdown.OfPerson()
	if personBreakdown {
		events.Breakdown = ""
	}
	complete = func(p *report.Person, person report.Profile) bool {
		var holds uint64 // bit i: touchpoint i's person conditions hold
		for i, cs := range personConditions {
			if !slices.ContainsFunc(cs, func(c report.Condition) bool { return !c.Holds(nil, person) }) {
				holds |= 1 << i
			}
		}
		var value string
		if personBreakdown {
			value, _ = q.Breakdown.Value(nil, person)
		}
		kept := p.Hits[:0]
		for _, h := range p.Hits {
			h.Mask &= holds
			if personBreakdown {
				h.Value = value
			}
			if h.Mask != 0 || q.AllEvents {
				kept = append(kept, h)
			}
		}
		p.Hits = kept
		return len(kept) > 0
	}
	return events, complete
}
