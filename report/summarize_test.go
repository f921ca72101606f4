package report

import (
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func TestSummarizeIsSortedOrderIndependent(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 1; n < 60; n++ {
		seconds := make([]float64, n)
		for i := range seconds {
			seconds[i] = float64(rng.IntN(100_000_000)) / 1e6 // whole microseconds, with repeats
			if i > 0 && rng.IntN(4) == 0 {
				seconds[i] = seconds[i-1]
			}
		}
		sorted := slices.Sorted(slices.Values(seconds))
		want := Durations{Median: (sorted[(n-1)/2] + sorted[n/2]) / 2, P90: sorted[int(math.Ceil(0.9*float64(n)))-1]}
		got := summarize(seconds)
		if got.Median != want.Median || got.P90 != want.P90 || got.Count != n {
			t.Fatalf("n=%d: median %v p90 %v, want %v %v", n, got.Median, got.P90, want.Median, want.P90)
		}
		shuffled := slices.Clone(seconds)
		rng.Shuffle(n, func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if again := summarize(shuffled); !reflect.DeepEqual(again, got) {
			t.Fatalf("n=%d: another order summarizes as %+v, not %+v", n, again, got)
		}
	}
}

// TestSummarizeMatchesAnIndependentComputation checks the average against
// an exact rational one and the histogram against counting bucket by
// bucket, on durations up to a century.
func TestSummarizeMatchesAnIndependentComputation(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, scale := range []float64{60, 86400, float64(MaxDuration) / 1e9} {
		for n := 1; n < 40; n++ {
			seconds := make([]float64, n)
			total := new(big.Int)
			for i := range seconds {
				seconds[i] = math.Round(rng.Float64()*scale*1e6) / 1e6
				total.Add(total, big.NewInt(int64(math.Round(seconds[i]*1e6))))
			}
			want, _ := new(big.Rat).SetFrac(total, big.NewInt(1e6*int64(n))).Float64()
			got := summarize(seconds)
			if math.Abs(got.Average-want) > 1e-15*want {
				t.Errorf("scale %v, n=%d: average %v, want %v", scale, n, got.Average, want)
			}
			low := 0.0
			for i, b := range histogramBounds {
				count := 0
				for _, s := range seconds {
					if s >= low && (b.below == 0 || s < b.below) {
						count++
					}
				}
				if got.Histogram[i].Count != count {
					t.Errorf("scale %v, n=%d: %s holds %d, want %d", scale, n, b.label, got.Histogram[i].Count, count)
				}
				low = b.below
			}
		}
	}
}

// TestSummarizeLongDurations sums more microseconds than an int64 holds.
func TestSummarizeLongDurations(t *testing.T) {
	const days107 = 107 * 86400.0
	million := make([]float64, 1_000_000)
	for i := range million {
		million[i] = days107
	}
	century := float64(MaxDuration) / 1e9
	halves := make([]float64, 6000)
	for i := range 3000 {
		halves[i] = century
	}
	for _, tt := range []struct {
		name                 string
		seconds              []float64
		average, median, p90 float64
	}{
		{"a million persons at 107 days", million, days107, days107, days107},
		{"3,000 at a century and 3,000 at once", halves, century / 2, century / 2, century},
	} {
		got := summarize(tt.seconds)
		if got.Average != tt.average || got.Median != tt.median || got.P90 != tt.p90 {
			t.Errorf("%s: average %v, median %v, p90 %v; want %v, %v, %v", tt.name, got.Average, got.Median, got.P90, tt.average, tt.median, tt.p90)
		}
	}
}
