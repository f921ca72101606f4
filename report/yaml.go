package report

import (
	"bytes"
	"encoding/json"
	"regexp"

	"gopkg.in/yaml.v3"
)

// EncodeYAML writes v, a definition or a list of them, as YAML: its JSON,
// with the same fields in the same order, in block style. A string is
// quoted wherever a YAML parser could read it as something else, by YAML
// 1.2 or by the YAML 1.1 that many parsers still follow (see misread).
func EncodeYAML(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	restyle(&doc)
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// restyle drops the flow style and quotes that a node read from JSON has,
// and quotes the strings that could be misread. The encoder quotes on its
// own the strings that cannot be plain at all, such as ones starting with
// an indicator like '*' or '>'.
func restyle(n *yaml.Node) {
	n.Style = 0
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && misread(n.Value) {
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, c := range n.Content {
		restyle(c)
	}
}

var (
	// yamlWords are plain scalars that are not strings in YAML 1.1 or 1.2:
	// null, booleans (1.1 has yes, no, on, off, y and n too), 1.1's value
	// and merge keys, and infinity and not-a-number.
	yamlWords = regexp.MustCompile(`(?i)^(~|null|true|false|yes|no|on|off|y|n|=|<<|[-+]?\.inf|\.nan)$`)
	// yamlNumbers are the plain scalars that are numbers in YAML 1.2 or
	// 1.1, which also reads 1_000, 0b101, 017 (octal), 1:30 (base 60) and
	// 1.2.3 as numbers; and yamlDates the ones 1.1 reads as timestamps.
	yamlNumbers = regexp.MustCompile(`^[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])*(\.[0-9._]*)?([eE][-+]?[0-9]+)?|\.[0-9._]*([eE][-+]?[0-9]+)?)$`)
	yamlDates   = regexp.MustCompile(`^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt \t]|$)`)
)

// misread reports whether a YAML parser could read the plain scalar s as
// something other than the string s.
func misread(s string) bool {
	return s == "" || yamlWords.MatchString(s) || yamlNumbers.MatchString(s) || yamlDates.MatchString(s)
}
