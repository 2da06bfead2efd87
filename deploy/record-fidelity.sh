#!/bin/sh
# record-fidelity.sh: build every fidelity probe with mingw-w64, run it
# under Wine, and record what it printed as the probe's golden file.
#
#   deploy/record-fidelity.sh            record every probe
#   deploy/record-fidelity.sh NAME...    record these probes only
#
# Probes live in sim/fidelity/testdata/probes/NAME.c; goldens go to
# sim/fidelity/testdata/wine/NAME.out. Each probe runs RUNS times and must
# print the same thing every time (a probe whose output depends on real
# timing is a broken probe, and the script says so). CI never runs this: it
# compares sim with the committed goldens. deploy/install-tools.sh installs
# wine64 and gcc-mingw-w64-x86-64.
set -eu

RUNS=${RUNS:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
probes="$root/sim/fidelity/testdata/probes"
golden="$root/sim/fidelity/testdata/wine"
cc=x86_64-w64-mingw32-gcc

for tool in "$cc" wine; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "record-fidelity: $tool is missing; run deploy/install-tools.sh" >&2
		exit 2
	fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WINEPREFIX="${WINEPREFIX:-$work/prefix}" WINEDEBUG=-all
mkdir -p "$golden"

if [ $# -eq 0 ]; then
	set -- $(cd "$probes" && ls -- *.c | sed 's/\.c$//')
fi
failed=0
for name in "$@"; do
	src="$probes/$name.c"
	if [ ! -f "$src" ]; then
		echo "record-fidelity: no probe $name ($src)" >&2
		exit 2
	fi
	"$cc" -O1 -Wall -Werror -o "$work/$name.exe" "$src"
	first=
	for i in $(seq "$RUNS"); do
		if ! wine "$work/$name.exe" > "$work/$name.raw" 2>/dev/null; then
			echo "record-fidelity: $name exited with an error under wine" >&2
			failed=1
			continue 2
		fi
		# The C runtime writes text-mode CRLF line ends; goldens keep LF.
		tr -d '\r' < "$work/$name.raw" > "$work/$name.$i"
		if [ -z "$first" ]; then
			first="$work/$name.$i"
		elif ! cmp -s "$first" "$work/$name.$i"; then
			echo "record-fidelity: $name printed different things in two runs; fix the probe" >&2
			failed=1
			continue 2
		fi
	done
	# Atomic: a half-written golden never replaces a good one.
	cp "$first" "$golden/.$name.out.tmp"
	mv "$golden/.$name.out.tmp" "$golden/$name.out"
	echo "record-fidelity: $name: $(tr '\n' ' ' < "$golden/$name.out")"
done
exit $failed
