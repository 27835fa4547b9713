# Thin wrapper over Meson. `make test` is what CI runs (.ci/run calls exactly it).
BUILD ?= build
ASAN_BUILD ?= build-asan

.PHONY: all deps test-deps test unit demo bench clean

all: deps
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) -Dwerror=true
	ninja -C $(BUILD)

deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test

# Everything CI runs: the normal build and an AddressSanitizer + UBSan build, every suite.
test: test-deps
	@tests/run.sh

# Build and run layerscope on an example image the test fixtures make.
demo: all
	@scripts/install-deps.sh demo
	@scripts/demo.sh

bench: all
	@bench/run.sh
	@bench/analysis.sh
	@bench/lint.sh
	@bench/scan.sh
	@bench/sources.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
