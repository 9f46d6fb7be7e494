# Keystone: `make serve` builds and serves the app; `make test` runs every test.
# Both install what is missing first, from the package registries only (crates.io, Debian, npm).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
PORT ?= 8080
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# wasm-bindgen-test-runner drives Debian's chromium through chromedriver; 2 cores need patience.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER := wasm-bindgen-test-runner
export CHROMEDRIVER := /usr/bin/chromedriver
export WASM_BINDGEN_TEST_DRIVER_TIMEOUT := 30

.PHONY: serve build test tools test-tools lint native-test wasm-test e2e-test bench bench-sampling fuzz clean

serve: build
	@echo "Keystone: http://127.0.0.1:$(PORT)/"
	python3 -m http.server $(PORT) --bind 127.0.0.1 --directory dist

build: tools node_modules/.package-lock.json
	cargo fetch
	trunk build --release

tools:
	scripts/install-tools.sh build

test-tools:
	scripts/install-tools.sh test

# wasm-opt (binaryen) for Trunk's release build, pinned by package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

test: test-tools node_modules/.package-lock.json
	cargo fetch
	$(MAKE) lint native-test wasm-test e2e-test

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings

native-test:
	cargo test --lib --bins --test native --test fuzz

# The mutation fuzzer for FUZZ_SECONDS (600 by default) over all its targets; a failing input
# is kept in tests/data/fuzz/<target>/, which `make test` replays.
FUZZ_SECONDS ?= 600
fuzz: test-tools
	FUZZ_SECONDS=$(FUZZ_SECONDS) cargo test --release --test fuzz -- --ignored --nocapture

wasm-test:
	cargo test --target wasm32-unknown-unknown --test web

e2e-test:
	trunk build --release
	KEYSTONE_E2E_DIST=$(CURDIR)/dist cargo test --test e2e -- --nocapture --test-threads=1

bench: test-tools node_modules/.package-lock.json
	scripts/bench.sh

# What training the next-best models on a sample costs in validation AUC, on L (1M customers).
bench-sampling: test-tools
	KEYSTONE_BENCH_SAMPLING_ONLY=1 scripts/bench.sh

clean:
	cargo clean
	rm -rf dist node_modules
