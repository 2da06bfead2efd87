// Package names helps report a name that is not one of a known list: it
// finds the closest valid name, for "did you mean" hints.
package names

import (
	"fmt"
	"strings"
)

// Tuning of Closest.
const (
	// maxDistance is the largest edit distance a suggestion may have.
	maxDistance = 3
	// distanceShare: a suggestion may also be at most this fraction
	// (1/distanceShare) of the longer name away, so "a" never suggests
	// "reference".
	distanceShare = 3
)

// Closest returns the valid name closest to name (by edit distance, ignoring
// case), and false when none is close enough to be a likely typo. Ties go to
// the earlier name in valid.
func Closest(name string, valid []string) (string, bool) {
	best, bestD := "", maxDistance+1
	low := strings.ToLower(name)
	for _, v := range valid {
		d := distance(low, strings.ToLower(v))
		if limit := max(1, max(len(name), len(v))/distanceShare); d > limit {
			continue
		}
		if d < bestD {
			best, bestD = v, d
		}
	}
	return best, bestD <= maxDistance && best != ""
}

// Unknown renders the message for an unknown name: what kind of name it is,
// the name, a "did you mean" hint when one is close, and the valid names.
func Unknown(what, name string, valid []string) string {
	hint := ""
	if s, ok := Closest(name, valid); ok && s != name {
		hint = fmt.Sprintf("; did you mean %q?", s)
	}
	return fmt.Sprintf("unknown %s %q%s (valid: %s)", what, name, hint, strings.Join(valid, ", "))
}

// distance is the Levenshtein distance between a and b, in bytes. Names are
// short, so the quadratic cost does not matter; one row is kept.
func distance(a, b string) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		prev := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cur := row[j]
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			row[j] = min(row[j]+1, row[j-1]+1, prev+cost)
			prev = cur
		}
	}
	return row[len(b)]
}
