# Reeldesk: two commands. `make run` serves the portal; `make test` runs every test.
SHELL := /bin/bash
SWIFT ?= swift

.PHONY: run test bench library-bench drills fuzz fuzz-quick build build-release deps deps-test deps-bench layers unit stack clean

run: deps build-release
	scripts/run.sh .build/release/reeldesk

test: deps-test build layers unit fuzz-quick stack

# Crash and fault drills alone (they also run inside `make test`, as part of the stack test).
drills: deps-test build
	python3 scripts/stack_test.py .build/debug/reeldesk --drills

# libFuzzer + AddressSanitizer on every parser that takes outside bytes: 60 s per target
# (`make test` gives each 10 s). A crash names the input to add to the corpus as a regression.
fuzz:
	python3 scripts/fuzz.py --seconds 60

fuzz-quick:
	python3 scripts/fuzz.py --seconds 10

# Not part of `make test`: several minutes of load (see README, Performance).
bench: deps-bench build-release
	python3 scripts/bench.py .build/release/reeldesk

# History search at 100,000 generated tasks (see README, Finding tasks).
library-bench: deps build-release
	python3 scripts/library_bench.py .build/release/reeldesk --tasks 100000

deps:
	scripts/install-deps.sh run

deps-bench:
	scripts/install-deps.sh bench

deps-test:
	scripts/install-deps.sh test

build:
	$(SWIFT) build

# The whole package (the fuzz entry points included: nothing needs a debug-only import).
build-release:
	$(SWIFT) build -c release

# Package.swift's layers, checked from the sources (imports, direction, the inner targets' words).
layers:
	python3 scripts/check_layers.py

unit:
	$(SWIFT) test

stack:
	python3 scripts/stack_test.py .build/debug/reeldesk

clean:
	rm -rf .build
