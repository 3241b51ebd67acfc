# coldstart — build, test, benchmark.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/coldstartlab/coldstart/internal/version.Version=$(VERSION)

.PHONY: build test test-short fuzz soak bench vet fmt setup clean

build: ## build bin/coldstart
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/coldstart ./cmd/coldstart

setup: ## install what tests and examples need (idempotent)
	./scripts/setup.sh

test: setup ## vet, then every test with the race detector (what CI runs)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 15m ./...
	@$(MAKE) --no-print-directory fuzz

# Every native fuzzer, one at a time (Go fuzzes one target per run) for
# FUZZTIME each; their seed corpora (testdata/fuzz) also run in plain `go test`.
# Longer: make fuzz FUZZTIME=10m, or one target: see docs/reliability.md.
FUZZTIME     ?= 3s
FUZZMINIMIZE ?= 100x
FUZZERS := \
	./internal/reportlog:FuzzParseReport \
	./internal/reportlog:FuzzParseInitReport \
	./internal/reportlog:FuzzScanLogs \
	./internal/reportlog:FuzzParseInsightsCSV \
	./internal/bench:FuzzParse \
	./internal/template:FuzzParse \
	./internal/template:FuzzEnvOverrides \
	./internal/runtimeapi:FuzzServer \
	./internal/lambdaapi:FuzzHandler \
	./internal/codezip:FuzzExtract \
	./internal/apigw:FuzzFrontDoor \
	./internal/compare:FuzzParseCondition \
	./internal/stats:FuzzSummarize \
	./internal/stats:FuzzMannWhitney

fuzz: ## run each fuzzer for FUZZTIME (default 3s)
	@set -e; log=$$(mktemp); trap 'rm -f $$log' EXIT; for t in $(FUZZERS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -run='^$$' -fuzz="^$$name$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=$(FUZZMINIMIZE) -timeout 5m $$pkg > $$log 2>&1 \
			|| { cat $$log; exit 1; }; \
	done

soak: setup ## 100000 invokes from 100 clients with 5% faults against serve (bounded; loopback only)
	SOAK_INVOKES=100000 SOAK_CONCURRENCY=100 $(GO) test -count=1 -run '^TestSoak$$' -timeout 30m -v ./internal/e2e

test-short: ## quick tests without the race detector
	$(GO) test -count=1 ./...

SELFBENCH_FLAGS ?=

bench: build ## platform self-benchmark (numbers, not assertions; see docs/performance.md)
	./bin/coldstart selfbench $(SELFBENCH_FLAGS)

vet:
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin
