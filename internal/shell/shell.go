// Package shell renders command lines that a user can paste into a POSIX
// shell.
package shell

import "strings"

// Quote returns s quoted for a POSIX shell when it needs quoting, and s
// itself when it is made only of characters every shell takes literally.
func Quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=+,@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
