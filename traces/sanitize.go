package traces

import (
	"strings"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// Sanitize returns s made safe to print on a terminal as one field: every
// character that could move the cursor, change the display or reorder the
// text around it is replaced by a visible escape. These are the C0 control
// characters (newline, tab and carriage return included, as \n, \t and \r;
// the others, ESC first of all, as \x1b and the like), DEL (\x7f), the C1
// controls U+0080 to U+009F (\u009b), the bidirectional formatting
// characters U+202A to U+202E and U+2066 to U+2069, the marks U+200E,
// U+200F and U+061C, and the line and paragraph separators U+2028 and
// U+2029. Each byte of invalid UTF-8 becomes \xNN. A backslash is left as
// it is, so the result is meant to be read, not parsed back. A string with
// nothing to replace is returned as it is, without allocating.
func Sanitize(s string) string {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r, n) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case !unsafeRune(r, n):
			b.WriteString(s[i : i+n])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case n == 1: // a C0 control, DEL or a byte of invalid UTF-8
			c := s[i]
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		default:
			b.WriteString(`\u`)
			for shift := 12; shift >= 0; shift -= 4 {
				b.WriteByte(hexDigits[(r>>shift)&0xf])
			}
		}
		i += n
	}
	return b.String()
}

// unsafeRune reports whether Sanitize replaces the rune r encoded in n
// bytes.
func unsafeRune(r rune, n int) bool {
	switch {
	case r == utf8.RuneError && n <= 1: // invalid UTF-8
		return true
	case r < 0x20, r == 0x7f: // C0 controls and DEL
		return true
	case r >= 0x80 && r <= 0x9f: // C1 controls
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides and isolates
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c: // bidi marks
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}
