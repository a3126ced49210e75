# Reeldesk: two commands. `make run` serves the portal; `make test` runs every test.
SHELL := /bin/bash
SWIFT ?= swift

.PHONY: run test bench build build-release deps deps-test deps-bench unit stack clean

run: deps build-release
	scripts/run.sh .build/release/reeldesk

test: deps-test build unit stack

# Not part of `make test`: several minutes of load (see README, Performance).
bench: deps-bench build-release
	python3 scripts/bench.py .build/release/reeldesk

deps:
	scripts/install-deps.sh run

deps-bench:
	scripts/install-deps.sh bench

deps-test:
	scripts/install-deps.sh test

build:
	$(SWIFT) build

build-release:
	$(SWIFT) build -c release

unit:
	$(SWIFT) test

stack:
	python3 scripts/stack_test.py .build/debug/reeldesk

clean:
	rm -rf .build
