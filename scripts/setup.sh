#!/usr/bin/env bash
# Installs what coldstart's tests and examples need. Idempotent: run it as
# often as you like; it only installs what is missing.
#
# Today that is only the Go toolchain (checked, not installed) and Go
# modules; later issues add Debian and npm packages here.
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
