package traces_test

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"

	"github.com/clussim/clussim/traces"
)

// cloneSubjects returns traces that use every slice and pointer of the
// format: a failure, calls with worker arrays, scenarios with terminators.
func cloneSubjects(t *testing.T) map[string]*traces.Trace {
	t.Helper()
	failing := failingTrace(t)
	failing.Verdict.Failure = &traces.Failure{Kind: "deadlock", Step: 3, Thread: -1, Message: "stuck"}
	subjects := map[string]*traces.Trace{
		"failing with failure": failing,
		"multi-null":           record(t, "reference", "multi-null", 2),
		"faults":               record(t, "reference", "create-fails", 8),
		"empty":                {},
	}
	withWorkers := false
	for _, c := range subjects["multi-null"].Calls {
		withWorkers = withWorkers || len(c.Workers) > 0
	}
	if !withWorkers || len(subjects["multi-null"].Scenario.Terminators) == 0 {
		t.Fatal("the multi-null run has no call with a worker array or no terminator; pick another scenario")
	}
	return subjects
}

// shared returns the paths at which a and b, two values of the same type,
// share memory: the same non-empty backing array of a slice, or the same
// pointer.
func shared(a, b reflect.Value, path string) []string {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return nil
		}
		if a.Pointer() == b.Pointer() {
			return []string{path}
		}
		return shared(a.Elem(), b.Elem(), path)
	case reflect.Slice:
		if a.Len() == 0 || b.Len() == 0 {
			return nil
		}
		if a.Pointer() == b.Pointer() {
			return []string{path}
		}
		var out []string
		for i := range min(a.Len(), b.Len()) {
			out = append(out, shared(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	case reflect.Array:
		var out []string
		for i := range a.Len() {
			out = append(out, shared(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	case reflect.Struct:
		var out []string
		for i := range a.NumField() {
			out = append(out, shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name)...)
		}
		return out
	case reflect.Map, reflect.Chan, reflect.Func, reflect.Interface:
		panic("shared: the trace holds a " + a.Kind().String() + " at " + path + "; teach the test and Clone about it")
	}
	return nil
}

// scribble changes every value reachable from v in place.
func scribble(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			scribble(v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			scribble(v.Field(i))
		}
	case reflect.String:
		v.SetString(v.String() + "!")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(v.Uint() + 1)
	}
}

func TestCloneIsDeep(t *testing.T) {
	for name, tr := range cloneSubjects(t) {
		t.Run(name, func(t *testing.T) {
			before := marshal(t, tr)
			c := tr.Clone()
			if c == tr {
				t.Fatal("Clone returned its receiver")
			}
			if !bytes.Equal(marshal(t, c), before) {
				t.Fatal("the clone marshals differently")
			}
			if paths := shared(reflect.ValueOf(tr), reflect.ValueOf(c), "trace"); len(paths) > 0 {
				t.Fatalf("the clone shares memory with the original at %v", paths)
			}
			scribble(reflect.ValueOf(c))
			if !bytes.Equal(marshal(t, tr), before) {
				t.Fatal("changing the clone changed the original")
			}
			if bytes.Equal(marshal(t, c), before) {
				t.Fatal("scribble did not change the clone; the test checks nothing")
			}
		})
	}
	if (*traces.Trace)(nil).Clone() != nil {
		t.Fatal("Clone of nil is not nil")
	}
}

func TestCloneOfDecodedTraceMarshalsTheSame(t *testing.T) {
	for name, tr := range cloneSubjects(t) {
		if name == "empty" {
			continue // not a valid trace
		}
		t.Run(name, func(t *testing.T) {
			b := marshal(t, tr)
			back, err := traces.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if got := marshal(t, back.Clone()); !bytes.Equal(got, b) {
				t.Fatalf("Clone of the decoded trace marshals differently:\n%s\nwant\n%s", got, b)
			}
		})
	}
	// nil slices stay nil (null) and empty ones empty ([]).
	tr := failingTrace(t)
	tr.Cells, tr.Calls = nil, []traces.Call{}
	tr.Scenario.Terminators = nil
	if a, b := marshal(t, tr), marshal(t, tr.Clone()); !bytes.Equal(a, b) {
		t.Fatalf("Clone does not keep nil and empty slices apart:\n%s\nwant\n%s", b, a)
	}
}
