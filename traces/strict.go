package traces

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file holds the strict half of Decode: the checks encoding/json does
// not make. encoding/json keeps the last of two equal keys, matches keys
// case-insensitively, replaces invalid UTF-8 and lone surrogate escapes
// with U+FFFD, fills a Go array from a JSON array of any length and leaves
// a missing member at its zero value. Each of those would let a damaged or
// forged file decode into a trace that says something its bytes do not, so
// Decode first checks the raw text (checkText) and then walks the JSON
// against the shape of Trace (walkStrict), and only then unmarshals it.

// Limits of the strict walk.
const (
	// maxSkipDepth bounds the nesting of a value the walk skips without
	// knowing its shape (a member whose type decodes itself).
	maxSkipDepth = 10_000
	// maxQuotedNumber is how many characters of a bad number an error
	// quotes.
	maxQuotedNumber = 40
)

// checkText reports invalid UTF-8 and lone UTF-16 surrogate escapes in b,
// which must be syntactically valid JSON.
func checkText(b []byte) error {
	if !utf8.Valid(b) {
		for i := 0; i < len(b); {
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n <= 1 {
				return fmt.Errorf("%w: invalid UTF-8 at byte offset %d", ErrFormat, i)
			}
			i += n
		}
	}
	// Outside strings a valid JSON text has no quote and no backslash, so
	// every quote that is not escaped opens or closes a string.
	in := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			in = !in
		case c == '\\' && in && i+1 < len(b):
			i++
			if b[i] != 'u' {
				continue
			}
			r, ok := hex4(b, i+1)
			if !ok {
				continue // not valid JSON; the decoder reports it
			}
			start := i - 1
			i += 4
			switch {
			case r >= 0xd800 && r < 0xdc00:
				if i+6 < len(b) && b[i+1] == '\\' && b[i+2] == 'u' {
					if lo, ok := hex4(b, i+3); ok && lo >= 0xdc00 && lo < 0xe000 {
						i += 6
						continue
					}
				}
				return fmt.Errorf("%w: lone UTF-16 surrogate escape %s at byte offset %d", ErrFormat, b[start:i+1], start)
			case r >= 0xdc00 && r < 0xe000:
				return fmt.Errorf("%w: lone UTF-16 surrogate escape %s at byte offset %d", ErrFormat, b[start:i+1], start)
			}
		}
	}
	return nil
}

// hex4 parses the four hex digits at b[i:i+4].
func hex4(b []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[i:i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}

// shapeKind is the kind of JSON value a Go type decodes from.
type shapeKind uint8

const (
	// shapeAny is a value of a type that decodes itself; the walk skips it.
	shapeAny shapeKind = iota
	// shapeObject is a struct: an object with exactly its members.
	shapeObject
	// shapeList is a slice: an array of any length, or null.
	shapeList
	// shapeArray is a Go array: an array of exactly its length.
	shapeArray
	// shapeOptional is a pointer: null or the pointed-to shape.
	shapeOptional
	shapeString
	shapeBool
	shapeInt
	shapeUint
	shapeFloat
)

// shape is the JSON shape of a Go type.
type shape struct {
	kind shapeKind
	// fields are an object's members, in declaration order; index maps
	// their exact names to positions.
	fields []field
	index  map[string]int
	// elem is the shape of a list's or an array's elements, or of an
	// optional's value.
	elem *shape
	// length is an array's length.
	length int
	// bits is the size of an integer.
	bits int
}

// field is one member of an object.
type field struct {
	name  string
	shape *shape
	// required members must be present. Every member of the types of this
	// package is, unless its tag says omitempty; the members of the
	// scenario, which package scenario defines, are not.
	required bool
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// shapes builds the shapes of Go types, once per type.
type shapes struct {
	own  string // the import path of this package
	done map[reflect.Type]*shape
}

func newShapes() *shapes {
	return &shapes{own: reflect.TypeFor[Trace]().PkgPath(), done: map[reflect.Type]*shape{}}
}

func (s *shapes) of(t reflect.Type) *shape {
	if sh, ok := s.done[t]; ok {
		return sh
	}
	sh := &shape{}
	s.done[t] = sh // before the recursion, for recursive types
	if t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) {
		return sh // shapeAny
	}
	switch t.Kind() {
	case reflect.Struct:
		sh.kind = shapeObject
		sh.index = map[string]int{}
		s.addFields(sh, t)
	case reflect.Slice:
		sh.kind, sh.elem = shapeList, s.of(t.Elem())
	case reflect.Array:
		sh.kind, sh.elem, sh.length = shapeArray, s.of(t.Elem()), t.Len()
	case reflect.Pointer:
		sh.kind, sh.elem = shapeOptional, s.of(t.Elem())
	case reflect.String:
		sh.kind = shapeString
	case reflect.Bool:
		sh.kind = shapeBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		sh.kind, sh.bits = shapeInt, t.Bits()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		sh.kind, sh.bits = shapeUint, t.Bits()
	case reflect.Float32, reflect.Float64:
		sh.kind, sh.bits = shapeFloat, t.Bits()
	}
	return sh
}

// addFields adds the members of struct type t to sh, following
// encoding/json: a tag names a member, "-" hides it, and the fields of an
// embedded struct without a tag are members of the outer object.
func (s *shapes) addFields(sh *shape, t reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			s.addFields(sh, f.Type)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omitempty := false
		for o := range strings.SplitSeq(opts, ",") {
			omitempty = omitempty || o == "omitempty" || o == "omitzero"
		}
		if _, dup := sh.index[name]; dup {
			continue
		}
		sh.index[name] = len(sh.fields)
		sh.fields = append(sh.fields, field{name: name, shape: s.of(f.Type), required: !omitempty && t.PkgPath() == s.own})
	}
}

// walker walks a JSON text against a shape. It scans the bytes itself,
// several times faster than json.Decoder.Token, and relies on them being
// valid JSON (Decode has checked that), but never reads out of bounds
// whatever they hold.
type walker struct {
	b    []byte
	i    int // the position of the next byte to scan
	path []step
}

// step is one element of a path: a member name (index -1), or an index.
type step struct {
	key   string
	index int
}

// walkStrict checks that b, one syntactically valid JSON value, has the
// shape of a Trace: every object has each of its required members, no
// other member and no member twice, every key is spelled exactly, every
// array of a Go array type has exactly its length, and every value has its
// member's type.
func walkStrict(b []byte) error {
	w := &walker{b: b}
	if err := w.value(newShapes().of(reflect.TypeFor[Trace]())); err != nil {
		return err
	}
	if w.space(); w.i < len(w.b) {
		return fmt.Errorf("%w: data after the trace object", ErrFormat)
	}
	return nil
}

// where renders the current path, JSON-path style: "events[7].args".
func (w *walker) where() string {
	if len(w.path) == 0 {
		return "trace"
	}
	var b strings.Builder
	for i, s := range w.path {
		switch {
		case s.key == "" && s.index >= 0:
			fmt.Fprintf(&b, "[%d]", s.index)
		case !plainKey(s.key):
			fmt.Fprintf(&b, "[%q]", s.key)
		case i > 0:
			b.WriteString("." + s.key)
		default:
			b.WriteString(s.key)
		}
	}
	return b.String()
}

// plainKey reports whether key can be written bare in a path.
func plainKey(key string) bool {
	for _, c := range []byte(key) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return key != ""
}

// fail returns an error about the value at the current path. The message
// is sanitized: it may quote the file.
func (w *walker) fail(format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrFormat, Sanitize(w.where()), Sanitize(fmt.Sprintf(format, args...)))
}

// broken reports text that is not valid JSON, which Decode has ruled out.
func (w *walker) broken() error {
	return w.fail("invalid JSON at byte offset %d", w.i)
}

// space skips white space.
func (w *walker) space() {
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, 0 at the end.
func (w *walker) peek() byte {
	w.space()
	if w.i < len(w.b) {
		return w.b[w.i]
	}
	return 0
}

// literal consumes word when it comes next.
func (w *walker) literal(word string) bool {
	if end := w.i + len(word); w.peek() == word[0] && end <= len(w.b) && string(w.b[w.i:end]) == word {
		w.i += len(word)
		return true
	}
	return false
}

// describe names the value that starts next, for an error message.
func (w *walker) describe() string {
	switch c := w.peek(); c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't':
		return "true"
	case 'f':
		return "false"
	case 'n':
		return "null"
	case 0:
		return "nothing"
	}
	n := w.number()
	if len(n) > maxQuotedNumber {
		n = n[:maxQuotedNumber] + "..."
	}
	return "the number " + n
}

// number returns the number that starts next, without consuming it.
func (w *walker) number() string {
	w.space()
	j := w.i
	for j < len(w.b) && strings.IndexByte("+-.0123456789eE", w.b[j]) >= 0 {
		j++
	}
	return string(w.b[w.i:j])
}

// str consumes the string that starts next and returns its raw text,
// quotes included.
func (w *walker) str() ([]byte, bool) {
	if w.peek() != '"' {
		return nil, false
	}
	start := w.i
	for j := w.i + 1; j < len(w.b); j++ {
		switch w.b[j] {
		case '\\':
			j++
		case '"':
			w.i = j + 1
			return w.b[start:w.i], true
		}
	}
	return nil, false
}

func (w *walker) value(sh *shape) error {
	c := w.peek()
	switch sh.kind {
	case shapeAny:
		return w.skip()
	case shapeOptional:
		if w.literal("null") {
			return nil
		}
		return w.value(sh.elem)
	case shapeObject:
		if c != '{' {
			return w.fail("want an object, got %s", w.describe())
		}
		w.i++
		return w.object(sh)
	case shapeList, shapeArray:
		if sh.kind == shapeList && w.literal("null") {
			return nil
		}
		if c != '[' {
			return w.fail("want an array, got %s", w.describe())
		}
		w.i++
		return w.array(sh)
	case shapeString:
		if c != '"' {
			return w.fail("want a string, got %s", w.describe())
		}
		if _, ok := w.str(); !ok {
			return w.broken()
		}
	case shapeBool:
		if !w.literal("true") && !w.literal("false") {
			return w.fail("want true or false, got %s", w.describe())
		}
	case shapeInt, shapeUint, shapeFloat:
		if c != '-' && (c < '0' || c > '9') {
			return w.fail("want a number, got %s", w.describe())
		}
		n := w.number()
		var err error
		what := "an integer"
		switch sh.kind {
		case shapeInt:
			_, err = strconv.ParseInt(n, 10, sh.bits)
		case shapeUint:
			_, err = strconv.ParseUint(n, 10, sh.bits)
			what = "a non-negative integer"
		default:
			_, err = strconv.ParseFloat(n, sh.bits)
			what = "a number"
		}
		if err != nil {
			return w.fail("%s is not %s of %d bits", w.describe(), what, sh.bits)
		}
		w.i += len(n)
	}
	return nil
}

// key consumes the member name that comes next, and its colon.
func (w *walker) key() (string, error) {
	raw, ok := w.str()
	if !ok {
		return "", w.broken()
	}
	var key string
	if bytes.IndexByte(raw, '\\') < 0 {
		key = string(raw[1 : len(raw)-1])
	} else if err := json.Unmarshal(raw, &key); err != nil {
		return "", w.broken()
	}
	if w.peek() != ':' {
		return "", w.broken()
	}
	w.i++
	return key, nil
}

// object walks the members of an object whose '{' has been consumed.
func (w *walker) object(sh *shape) error {
	seen := make([]bool, len(sh.fields))
	if w.peek() == '}' {
		w.i++
	} else {
		for {
			key, err := w.key()
			if err != nil {
				return err
			}
			w.path = append(w.path, step{key: key, index: -1})
			i, ok := sh.index[key]
			if !ok {
				for _, f := range sh.fields {
					if strings.EqualFold(f.name, key) {
						return w.fail("key %q must be spelled %q", key, f.name)
					}
				}
				return w.fail("unknown field %q", key)
			}
			if seen[i] {
				return w.fail("duplicate key %q", key)
			}
			seen[i] = true
			if err := w.value(sh.fields[i].shape); err != nil {
				return err
			}
			w.path = w.path[:len(w.path)-1]
			if c := w.peek(); c == '}' {
				w.i++
				break
			} else if c != ',' {
				return w.broken()
			}
			w.i++
		}
	}
	for i, f := range sh.fields {
		if f.required && !seen[i] {
			w.path = append(w.path, step{key: f.name, index: -1})
			return w.fail("missing (every member of the format is required)")
		}
	}
	return nil
}

// array walks the elements of an array whose '[' has been consumed.
func (w *walker) array(sh *shape) error {
	n := 0
	if w.peek() == ']' {
		w.i++
	} else {
		for ; ; n++ {
			if sh.kind == shapeArray && n >= sh.length {
				return w.fail("has more than %d elements, want exactly %d", sh.length, sh.length)
			}
			w.path = append(w.path, step{index: n})
			if err := w.value(sh.elem); err != nil {
				return err
			}
			w.path = w.path[:len(w.path)-1]
			if c := w.peek(); c == ']' {
				w.i++
				n++
				break
			} else if c != ',' {
				return w.broken()
			}
			w.i++
		}
	}
	if sh.kind == shapeArray && n != sh.length {
		return w.fail("has %d elements, want exactly %d", n, sh.length)
	}
	return nil
}

// skip consumes the value that comes next, whatever it is.
func (w *walker) skip() error {
	depth := 0
	for {
		switch c := w.peek(); c {
		case 0:
			return w.broken()
		case '{', '[':
			if depth++; depth > maxSkipDepth {
				return w.fail("nested more than %d deep", maxSkipDepth)
			}
			w.i++
			continue
		case '}', ']':
			if depth--; depth < 0 {
				return w.broken()
			}
			w.i++
		case ',', ':':
			if depth == 0 {
				return w.broken()
			}
			w.i++
			continue
		case '"':
			if _, ok := w.str(); !ok {
				return w.broken()
			}
		default: // a number or a literal
			start := w.i
			for w.i < len(w.b) && strings.IndexByte(" \t\n\r,:{}[]\"", w.b[w.i]) < 0 {
				w.i++
			}
			if w.i == start {
				return w.broken()
			}
		}
		if depth == 0 {
			return nil
		}
	}
}
