package report

import (
	"math"
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
