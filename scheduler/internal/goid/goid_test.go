package goid

import "testing"

func TestDistinct(t *testing.T) {
	mine := G()
	if mine == 0 || G() != mine {
		t.Fatalf("G is not stable on one goroutine: %x then %x", mine, G())
	}
	other := make(chan uintptr)
	go func() { other <- G() }()
	if o := <-other; o == mine {
		t.Fatalf("two live goroutines share identity %x", o)
	}
}
