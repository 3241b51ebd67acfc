#!/usr/bin/env bash
# Installs the local AWS services coldstart starts for templates with DynamoDB
# tables or SQS queues (internal/services, docs/services.md): the npm packages
# pinned in tools/services/package-lock.json — dynalite (DynamoDB), fauxqs
# (SQS) and node (a Node.js 22 binary, which fauxqs needs) — into
# tools/services/node_modules. Idempotent: `npm ci` runs only when
# node_modules is missing or package-lock.json changed since the last install.
#
#   npm      Debian package npm, installed when missing (needs root)
set -euo pipefail
cd "$(dirname "$0")/../tools/services"

stamp=node_modules/.coldstart-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x node_modules/node/bin/node ]; then
	exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		echo "setup-services: please install npm (needs root and apt-get)" >&2
		exit 1
	fi
	echo "setup-services: installing npm…"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends npm >/dev/null
fi

echo "setup-services: npm ci in tools/services (dynalite, fauxqs, Node.js 22)…"
# The machine's node may be older than fauxqs' engines field asks; fauxqs
# runs on the node package's binary, not on that one.
npm ci --no-audit --no-fund --loglevel=error

# The node package fetches its binary in a preinstall script: check it ran.
if ! version=$(node_modules/node/bin/node --version 2>/dev/null); then
	echo "setup-services: node_modules/node/bin/node is missing: did npm skip the node package's install script?" >&2
	exit 1
fi
case "$version" in
v22.*) ;;
*)
	echo "setup-services: node_modules/node/bin/node is $version, want v22.x" >&2
	exit 1
	;;
esac
echo "$want" >"$stamp"
echo "setup-services: dynalite $(node_modules/node/bin/node -p 'require("./node_modules/dynalite/package.json").version'), fauxqs $(node_modules/node/bin/node -p 'require("./node_modules/fauxqs/package.json").version'), node $version"
