#!/usr/bin/env bash
# Installs what coldstart's tests and examples need. Idempotent: run it as
# often as you like; it only installs what is missing.
#
#   Go 1.26+         checked, not installed (https://go.dev/dl/)
#   Go modules       go mod download
#   chromium         Debian package: the HTML report test opens pages in headless Chromium
#   node ≥ 20        Debian package nodejs: the nodejs20.x managed runtime (internal/runtimes)
#   python3.11       Debian package: the python3.11 managed runtime
#   JDK ≥ 17         Debian package openjdk-17-jdk-headless: the java17 managed runtime (javac
#                    compiles the embedded Java runtime client once)
#   mono             Debian packages mono-runtime mono-mcs (and binutils first: Mono's install
#                    AOT-compiles mscorlib with as/ld, and mono --aot needs them): the C# variants
#                    in examples/runtimes/mono
#   awscli           Debian package (/usr/bin/aws): the compatibility test runs seed 000's loop
#                    (update-function-configuration, wait, invoke --log-type Tail) against serve
#   dynalite, fauxqs npm packages (and Node.js 22 for fauxqs) in tools/services: the local
#                    DynamoDB and SQS of the example workloads (scripts/setup-services.sh)
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
command -v node >/dev/null 2>&1 || apt_packages+=(nodejs)
[ -x /usr/bin/python3.11 ] || command -v python3.11 >/dev/null 2>&1 || apt_packages+=(python3.11)
command -v javac >/dev/null 2>&1 || ls /usr/lib/jvm/*/bin/javac >/dev/null 2>&1 || apt_packages+=(openjdk-17-jdk-headless)
command -v make >/dev/null 2>&1 || apt_packages+=(make)
if ! command -v as >/dev/null 2>&1 || ! command -v ld >/dev/null 2>&1; then
	# Before Mono: its mscorlib package AOT-compiles itself at install time
	# only when the assembler and linker are already there.
	apt_packages+=(binutils)
fi
command -v mcs >/dev/null 2>&1 || apt_packages+=(mono-runtime mono-mcs)
# The Debian package's path, not whatever `aws` is first on PATH (a pyenv shim here).
[ -x /usr/bin/aws ] || apt_packages+=(awscli)
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

# The managed-runtime tests run nodejs20.x: Debian's own nodejs may be older.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
	echo "setup: Node.js 20 or newer is required for the nodejs20.x runtime tests, found $(node --version 2>/dev/null || echo none)" >&2
	echo "setup: install it from https://nodejs.org or NodeSource (Debian bookworm ships 18)" >&2
	exit 1
fi

# Local DynamoDB and SQS for the workloads (npm ci, only when the lock changed).
./scripts/setup-services.sh
