#!/bin/sh
# install-tools.sh: install the tools clussim uses by hand only, with
# apt-get (Debian or Ubuntu, as root). Nothing in CI needs them.
#
#   chromium               deploy/screenshot-html-view.sh: look at the HTML view
#   wine64                 fidelity goldens: run real Windows binaries
#   gcc-mingw-w64-x86-64   fidelity goldens: build them
#
# Idempotent: packages already installed are left alone, and apt-get runs
# only when something is missing.
set -eu

packages="chromium wine64 gcc-mingw-w64-x86-64"

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-tools: no apt-get here; install by hand: $packages" >&2
	exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-tools: run as root (sudo $0)" >&2
	exit 2
fi

missing=
for p in $packages; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		echo "install-tools: $p is installed"
	else
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "install-tools: nothing to do"
	exit 0
fi

echo "install-tools: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086 # the list is meant to split
apt-get install -y $missing
