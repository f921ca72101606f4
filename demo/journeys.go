package demo

import (
	_ "embed"
	"encoding/json"

	"gopkg.in/yaml.v3"

	"github.com/waymark-analytics/waymark/report"
)

//go:embed journeys.yaml
var journeysYAML []byte

// Journeys are journey maps of the dataset's stories, to save with it.
func Journeys() ([]report.Journey, error) {
	// A definition reads as JSON does (report.Duration reads JSON only).
	var doc any
	if err := yaml.Unmarshal(journeysYAML, &doc); err != nil {
		return nil, err
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var journeys []report.Journey
	return journeys, json.Unmarshal(b, &journeys)
}
