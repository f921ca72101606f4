package storage

// Regular expressions (RE2, as both engines and Go run them) that read the
// top-level members of a stored JSON object as written, which report.Field
// needs: DuckDB's JSON functions rewrite numbers (12.50 becomes 12.5) and
// ClickHouse 18.16 has only visitParam functions, which find a key at any
// depth. Engines extract every match of JSONMemberName and of
// JSONMemberValue; the nth matches are the name and value of the nth member.
//
// The limit: RE2 cannot count brackets, so a member whose value nests more
// than JSONMaxDepth objects or lists inside it is misread, and so are the
// members after it.
var (
	// JSONObject matches the text of an object, as opposed to another value.
	JSONObject = `^` + jsonSpace + `\{`
	// JSONMemberName's group is a member's name as a JSON string.
	JSONMemberName = `(` + jsonString + `)` + jsonSpace + `:` + jsonSpace + `(?:` + jsonValue + `)`
	// JSONMemberValue's group is a member's value as written.
	JSONMemberValue = jsonString + jsonSpace + `:` + jsonSpace + `(` + jsonValue + `)`
	// JSONEscapes splits JSON text into escapes, surrogate pairs among them,
	// and runs of other characters.
	JSONEscapes = `\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.|[^\\]+`
	// JSONLoneSurrogate matches an escape of JSONEscapes that is half of a
	// surrogate pair without its other half. Go decodes it as U+FFFD, which
	// engines must write in its place: DuckDB fails on it and ClickHouse
	// drops the text.
	JSONLoneSurrogate = `^\\u[dD][89a-fA-F][0-9a-fA-F]{2}$`
)

// JSONMaxDepth is how deeply objects and lists may nest in a member's value.
const JSONMaxDepth = 8

const (
	jsonSpace   = `[ \t\n\r]*`
	jsonString  = `"(?:[^"\\]|\\.)*"`
	jsonLiteral = `[^ \t\n\r"{}\[\],:]+` // a number, true, false or null
)

var jsonValue = jsonString + `|` + jsonLiteral + `|` + jsonNested(JSONMaxDepth)

// jsonNested matches an object or list with up to depth levels of objects
// and lists inside it. Brackets of either kind close each other: the text
// is valid JSON, and only its extent matters.
func jsonNested(depth int) string {
	inside := `(?:[^"{}\[\]]|` + jsonString + `)*`
	for range depth {
		inside = `(?:[^"{}\[\]]|` + jsonString + `|[{\[]` + inside + `[}\]])*`
	}
	return `[{\[]` + inside + `[}\]]`
}
