#!/usr/bin/env bash
# Installs what coldstart's tests and examples need. Idempotent: run it as
# often as you like; it only installs what is missing.
#
#   Go 1.26+         checked, not installed (https://go.dev/dl/)
#   Go modules       go mod download
#   chromium         Debian package: the HTML report test opens pages in headless Chromium
set -euo pipefail
cd "$(dirname "$0")/.."

need_go="1.26"
if ! command -v go >/dev/null 2>&1; then
	echo "setup: Go $need_go or newer is required (https://go.dev/dl/)" >&2
	exit 1
fi
have=$(go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n%s\n' "$need_go" "$have" | sort -V | head -1)" != "$need_go" ]; then
	echo "setup: Go $need_go or newer is required, found $have" >&2
	exit 1
fi

# Modules are fetched once; later builds (and the functions' builds) are offline.
go mod download

# Debian packages, installed only when missing.
apt_packages=()
command -v chromium >/dev/null 2>&1 || apt_packages+=(chromium)
if [ ${#apt_packages[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		echo "setup: please install: ${apt_packages[*]} (needs root and apt-get)" >&2
		exit 1
	fi
	echo "setup: installing ${apt_packages[*]}…"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi
