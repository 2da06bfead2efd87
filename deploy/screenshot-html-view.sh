#!/bin/sh
# screenshot-html-view.sh: look at `simrun view --html` the way a person
# does, in a real browser. It finds a failing run of bug-check-then-set on
# racing-terminators (rule D7), writes its HTML view and takes a screenshot
# of it with headless Chromium, then prints the PNG's path.
#
#   deploy/screenshot-html-view.sh [-o DIR] [TRACE]
#
#   -o DIR  where the trace, view.html and view.png go (default: a new
#           temporary directory)
#   TRACE   render this trace file instead of exploring for one
#
# Fragments of the page's address choose the chart's size: SHOT_FRAGMENT=fit
# scales the chart to the window, SHOT_FRAGMENT=full shows it full size (by
# default the page decides). SHOT_SIZE=W,H sets the window (default
# 1400,1000).
#
# It installs nothing: without chromium (or chromium-browser) it prints the
# command that installs it and exits 2; deploy/install-tools.sh installs it
# and the other hand-only tools. CI does not need it. Run it from anywhere
# inside the repository.
set -eu

usage() {
	echo "usage: deploy/screenshot-html-view.sh [-o DIR] [TRACE]" >&2
	exit 2
}

out=
trace=
while [ $# -gt 0 ]; do
	case $1 in
	-o) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
	-h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) usage ;;
	*) [ -z "$trace" ] || usage; trace=$1; shift ;;
	esac
done

browser=
for b in chromium chromium-browser; do
	if command -v "$b" >/dev/null 2>&1; then
		browser=$b
		break
	fi
done
if [ -z "$browser" ]; then
	echo "screenshot-html-view: chromium is not installed; install it with:" >&2
	echo "  apt-get update && apt-get install -y chromium" >&2
	echo "(or run deploy/install-tools.sh as root)" >&2
	exit 2
fi
command -v go >/dev/null 2>&1 || { echo "screenshot-html-view: go is not on PATH" >&2; exit 2; }

# Absolute paths: go run works from the module's root, the browser wants a
# file:// address.
abspath() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd -P)" "$(basename "$1")"); }
if [ -n "$trace" ]; then
	[ -f "$trace" ] || { echo "screenshot-html-view: no trace file $trace" >&2; exit 2; }
	trace=$(abspath "$trace")
fi
if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/clussim-view.XXXXXX")
fi
mkdir -p "$out"
out=$(cd "$out" && pwd -P)
cd "$(dirname "$0")/.."

if [ -z "$trace" ]; then
	# explore exits 1 when it finds a failing run, which is what we want.
	status=0
	go run ./cmd/simrun explore --impl bug-check-then-set --scenario racing-terminators --out "$out" >"$out/explore.txt" 2>&1 || status=$?
	if [ "$status" -ne 1 ]; then
		cat "$out/explore.txt" >&2
		echo "screenshot-html-view: explore found no failing run (exit $status)" >&2
		exit 1
	fi
	trace=$(ls "$out"/bug-check-then-set-racing-terminators-*.json 2>/dev/null | grep -v '\.shrunk\.json$' | head -n 1 || true)
	if [ -z "$trace" ]; then
		cat "$out/explore.txt" >&2
		echo "screenshot-html-view: explore saved no trace in $out" >&2
		exit 1
	fi
fi

go run ./cmd/simrun view --html "$out/view.html" "$trace" >&2

url="file://$out/view.html"
[ -z "${SHOT_FRAGMENT:-}" ] || url="$url#$SHOT_FRAGMENT"
rm -f "$out/view.png"
# Chromium logs D-Bus and GPU complaints on stderr even when it works: keep
# them in a file and show them only when no screenshot came out.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
	--window-size="${SHOT_SIZE:-1400,1000}" --screenshot="$out/view.png" "$url" >"$out/chromium.log" 2>&1 || true
if [ ! -s "$out/view.png" ]; then
	cat "$out/chromium.log" >&2
	echo "screenshot-html-view: $browser wrote no screenshot" >&2
	exit 1
fi
echo "$out/view.png"
