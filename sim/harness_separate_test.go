package sim

import (
	"slices"
	"testing"
)

// TestHarnessSeparate checks the history groups that Separate declares
// and that a call across two of them is reported.
func TestHarnessSeparate(t *testing.T) {
	h := NewHarness(nil, 4)
	if g := h.historyOf([]int{3}); g != 0 || h.Err() != nil {
		t.Fatalf("without Separate every struct shares history 0: got %d, %v", g, h.Err())
	}
	h.Separate([][]int{{2, 1}, {-1, 3}, {}})
	if want := []int{0, 1, 1, 3}; !slices.Equal(h.history, want) {
		t.Fatalf("groups %v, want %v", h.history, want)
	}
	for _, tc := range []struct {
		named []int
		want  int
	}{
		{[]int{2}, 1},
		{[]int{1, 2}, 1},
		{[]int{-1}, 0}, // a call that names no struct goes with struct 0
		{nil, 0},
		{[]int{-1, 3}, 3},
	} {
		if g := h.historyOf(tc.named); g != tc.want {
			t.Errorf("historyOf(%v) = %d, want %d", tc.named, g, tc.want)
		}
	}
	if h.Err() != nil {
		t.Fatalf("a call within one group was reported: %v", h.Err())
	}
	h.historyOf([]int{0, 3})
	if h.Err() == nil {
		t.Fatal("a call naming structs of two separate histories was not reported")
	}
}
