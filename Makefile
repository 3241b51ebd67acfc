# coldstart — build, test, benchmark.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/coldstartlab/coldstart/internal/version.Version=$(VERSION)

.PHONY: build test test-short bench vet fmt setup clean

build: ## build bin/coldstart
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/coldstart ./cmd/coldstart

setup: ## install what tests and examples need (idempotent)
	./scripts/setup.sh

test: setup ## vet, then every test with the race detector (what CI runs)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 15m ./...

test-short: ## quick tests without the race detector
	$(GO) test -count=1 ./...

bench: build ## platform self-benchmark (numbers, not assertions)
	./bin/coldstart selfbench

vet:
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin
