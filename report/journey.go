package report

import (
	"context"
	"slices"
	"time"
)

// Journey is a saved journey map: ordered stages, each reached through any
// of its touchpoints. Several touchpoints in one stage are parallel paths,
// such as several ads or emails that do the same job.
type Journey struct {
	ID     string  `json:"id" yaml:"id"`
	Name   string  `json:"name" yaml:"name"`
	Stages []Stage `json:"stages" yaml:"stages"`
	// Window, if set, is the longest time from a person's first stage to a
	// later one; later events do not move them on.
	Window Duration `json:"window,omitempty" yaml:"window,omitempty"`
}

// SavedJourney is a journey definition as a project keeps it: the
// definition, and when it was last saved. Its JSON is the definition's with
// "updated" added, and "error" when the stored definition cannot be read or
// run (saved by an older version, say): then the definition holds what
// could be read, and the journey can still be listed, shown, replaced and
// deleted.
type SavedJourney struct {
	Journey
	Updated time.Time `json:"updated,omitzero"`
	Error   string    `json:"error,omitempty"`
}

// Stage is one stage of a journey.
type Stage struct {
	Name        string       `json:"name" yaml:"name"`
	Touchpoints []Touchpoint `json:"touchpoints" yaml:"touchpoints"`
}

// JourneyRange bounds the events a journey report reads.
type JourneyRange struct {
	From, To time.Time
}

// MaxStages bounds a journey.
const MaxStages = 20

// Validate reports a journey that cannot be run.
func (j *Journey) Validate() error {
	if j.Name == "" {
		return invalid("a journey needs a name")
	}
	if err := j.Window.check("window"); err != nil {
		return err
	}
	if len(j.Stages) < 2 || len(j.Stages) > MaxStages {
		return invalid("a journey has 2 to %d stages, not %d", MaxStages, len(j.Stages))
	}
	for i, s := range j.Stages {
		if s.Name == "" || len(s.Touchpoints) == 0 {
			return invalid("stage %d needs a name and at least one touchpoint", i+1)
		}
	}
	_, _, err := j.query("", JourneyRange{})
	return err
}

// query compiles the journey: stageOf[bit] is the stage of touchpoint bit,
// touchpoint bits in the stages' order.
func (j *Journey) query(project string, r JourneyRange) (Query, []int, error) {
	q := Query{ProjectID: project, From: r.From, To: r.To}
	var stageOf []int
	for s, stage := range j.Stages {
		for _, t := range stage.Touchpoints {
			q.Touchpoints = append(q.Touchpoints, t)
			stageOf = append(stageOf, s)
		}
	}
	return q, stageOf, q.Validate()
}

// JourneyResult is what a journey map report answers. Durations are in
// seconds; ratios are fractions of 1.
type JourneyResult struct {
	Stages []StageResult `json:"stages"`
	// Flows are the moves between stages, skips included, and into the
	// first stage each person reached (From is -1).
	Flows []Flow `json:"flows"`
	// Persons counts everyone who reached any stage.
	Persons int `json:"persons"`
	// Conversion is the share of the persons who reached the first stage
	// that reached the last.
	Conversion float64 `json:"conversion"`
	// TimeToConvert is from the first stage a person reached to the last
	// stage, for everyone who reached it.
	TimeToConvert Durations `json:"timeToConvert"`
	// BetweenStages is the time of every move between stages.
	BetweenStages Durations `json:"timeBetweenStages"`
	// Friction is the stage whose persons moved on least often, or nil.
	Friction *Friction `json:"friction,omitempty"`
	// Warnings tell what may make the numbers mislead (see Warnings).
	Warnings []string `json:"warnings"`
}

// StageResult is one stage of a journey result.
type StageResult struct {
	Name string `json:"name"`
	// Reached counts persons who reached the stage; Entered those for whom
	// it was the first stage; DropOff those for whom it was the last.
	Reached     int               `json:"reached"`
	Entered     int               `json:"entered"`
	DropOff     int               `json:"dropOff"`
	MovedOn     float64           `json:"movedOn"` // of Reached, the share that reached a later stage
	Touchpoints []TouchpointCount `json:"touchpoints"`
	// TimeInStage is from reaching the stage to reaching the next one, for
	// persons who moved on.
	TimeInStage Durations `json:"timeInStage"`
}

// TouchpointCount counts the persons who reached a stage through one of
// its touchpoints.
type TouchpointCount struct {
	Touchpoint string `json:"touchpoint"`
	Persons    int    `json:"persons"`
}

// Flow is a move from one stage to a later one; Skip marks moves past
// stages.
type Flow struct {
	From    int       `json:"from"` // stage index, -1 for entering
	To      int       `json:"to"`
	Persons int       `json:"persons"`
	Skip    bool      `json:"skip,omitempty"`
	Time    Durations `json:"time"`
}

// Friction is the stage with the lowest share of persons moving on.
type Friction struct {
	Stage   int     `json:"stage"`
	Name    string  `json:"name"`
	MovedOn float64 `json:"movedOn"`
}

// RunJourney runs the journey map over the project's events in data, with
// the warnings the catalog gives for its touchpoints and range. Each
// person walks the stages in time order: an event that is a touchpoint of a
// stage after the one they are in moves them to the lowest such stage;
// touchpoints of their stage or earlier ones change nothing.
func RunJourney(ctx context.Context, data Dataset, project string, j Journey, r JourneyRange) (*JourneyResult, error) {
	if err := j.Validate(); err != nil {
		return nil, err
	}
	if !r.From.IsZero() && !r.To.IsZero() && !r.From.Before(r.To) {
		return nil, invalid("from must be before to")
	}
	q, stageOf, _ := j.query(project, r)
	n := len(j.Stages)
	first := make([]int, n) // first touchpoint bit of each stage
	for bit := len(stageOf) - 1; bit >= 0; bit-- {
		first[stageOf[bit]] = bit
	}
	workers, err := eachPerson(ctx, data, q, func() *journeyTally { return newJourneyTally(&j) }, func(t *journeyTally, p *Person) error {
		t.add(&j, stageOf, first, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	t := workers[0]
	for _, w := range workers[1:] {
		t.merge(w)
	}
	reached, entered, last, touchpoints, inStage, flows := t.reached, t.entered, t.last, t.touchpoints, t.inStage, t.flows
	persons, converted, toConvert, between := t.persons, t.converted, t.toConvert, t.between
	res := &JourneyResult{Persons: persons, Conversion: ratio(converted, reached[0]),
		TimeToConvert: summarize(toConvert), BetweenStages: summarize(between)}
	for s, stage := range j.Stages {
		sr := StageResult{Name: stage.Name, Reached: reached[s], Entered: entered[s], DropOff: last[s],
			MovedOn: ratio(reached[s]-last[s], reached[s]), TimeInStage: summarize(inStage[s])}
		for t, tp := range stage.Touchpoints {
			sr.Touchpoints = append(sr.Touchpoints, TouchpointCount{Touchpoint: tp.String(), Persons: touchpoints[s][t]})
		}
		res.Stages = append(res.Stages, sr)
		if s < n-1 && reached[s] > 0 && (res.Friction == nil || sr.MovedOn < res.Friction.MovedOn) {
			res.Friction = &Friction{Stage: s, Name: stage.Name, MovedOn: sr.MovedOn}
		}
	}
	for edge, times := range flows {
		res.Flows = append(res.Flows, Flow{From: edge[0], To: edge[1], Persons: len(times), Skip: edge[0] >= 0 && edge[1] > edge[0]+1, Time: summarize(times)})
	}
	slices.SortFunc(res.Flows, func(a, b Flow) int {
		if a.From != b.From {
			return a.From - b.From
		}
		return a.To - b.To
	})
	if res.Warnings, err = Warnings(ctx, data, project, q.Touchpoints, r.From, r.To); err != nil {
		return nil, err
	}
	return res, nil
}

// journeyTally adds up the persons of a journey map.
type journeyTally struct {
	reached, entered, last []int
	touchpoints            [][]int
	inStage                [][]float64
	flows                  map[[2]int][]float64
	between, toConvert     []float64
	persons, converted     int
}

func newJourneyTally(j *Journey) *journeyTally {
	n := len(j.Stages)
	t := &journeyTally{reached: make([]int, n), entered: make([]int, n), last: make([]int, n),
		touchpoints: make([][]int, n), inStage: make([][]float64, n), flows: map[[2]int][]float64{}}
	for s := range j.Stages {
		t.touchpoints[s] = make([]int, len(j.Stages[s].Touchpoints))
	}
	return t
}

// add walks one person through the stages: stageOf[bit] is the stage of
// touchpoint bit, first[s] the first bit of stage s.
func (t *journeyTally) add(j *Journey, stageOf, first []int, p *Person) {
	n := len(j.Stages)
	current, entry, start := -1, -1, time.Time{}
	var at time.Time // when the current stage was reached
	for i := range p.Hits {
		h := &p.Hits[i]
		if current >= 0 && j.Window != 0 && h.Time.After(start.Add(time.Duration(j.Window))) {
			break
		}
		next, bit := -1, 0
		for b := range stageOf {
			if h.Mask&(1<<b) != 0 && stageOf[b] > current {
				next, bit = stageOf[b], b
				break
			}
		}
		if next < 0 {
			continue
		}
		t.reached[next]++
		t.touchpoints[next][bit-first[next]]++
		if current < 0 {
			t.entered[next]++
			entry, start = next, h.Time
			t.flows[[2]int{-1, next}] = append(t.flows[[2]int{-1, next}], 0)
		} else {
			d := h.Time.Sub(at).Seconds()
			t.inStage[current] = append(t.inStage[current], d)
			t.between = append(t.between, d)
			t.flows[[2]int{current, next}] = append(t.flows[[2]int{current, next}], d)
		}
		current, at = next, h.Time
	}
	if current < 0 {
		return
	}
	t.persons++
	t.last[current]++
	if current == n-1 {
		t.toConvert = append(t.toConvert, at.Sub(start).Seconds())
		if entry == 0 {
			t.converted++
		}
	}
}

func (t *journeyTally) merge(o *journeyTally) {
	for s := range t.reached {
		t.reached[s] += o.reached[s]
		t.entered[s] += o.entered[s]
		t.last[s] += o.last[s]
		for i := range t.touchpoints[s] {
			t.touchpoints[s][i] += o.touchpoints[s][i]
		}
		t.inStage[s] = append(t.inStage[s], o.inStage[s]...)
	}
	for edge, times := range o.flows {
		t.flows[edge] = append(t.flows[edge], times...)
	}
	t.between = append(t.between, o.between...)
	t.toConvert = append(t.toConvert, o.toConvert...)
	t.persons += o.persons
	t.converted += o.converted
}
