# OpenBITS. `make run` installs what is missing, builds and serves ./uploads on :8080;
# `make test` builds and runs every test.
BUILD ?= build
PORT ?= 8080
UPLOADS ?= $(CURDIR)/uploads
CMAKE_FLAGS ?=
ifeq ($(CI),true)
CMAKE_FLAGS += -DBITS_WERROR=ON
endif
# Rebuilds across clones and build folders reuse objects when ccache is installed.
ifneq ($(shell command -v ccache 2>/dev/null),)
CMAKE_FLAGS += -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
endif

.PHONY: all deps configure build run test test-sanitize fuzz bench deb test-package format format-check clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD)

run: build
	@mkdir -p $(UPLOADS)
	@scripts/print-try.sh $(PORT)
	exec $(BUILD)/openbitsd --listen 0.0.0.0:$(PORT) --root $(UPLOADS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure --timeout 300 -j2

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/).
test-sanitize: deps
	SANITIZE_CMAKE_FLAGS="$(CMAKE_FLAGS)" scripts/test-sanitize.sh

# Every libFuzzer target for FUZZ_SECONDS (default 20) on its committed corpus (clang).
fuzz: deps
	FUZZ_CMAKE_FLAGS="$(CMAKE_FLAGS)" scripts/fuzz.sh

# The benchmark suite against a Release build (build-bench/): one table with ratios to
# this machine's baseline, JSON in bench/results.json.
bench: deps
	cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DBITS_BUILD_TESTS=OFF -DBITS_FAULT_INJECTION=OFF
	cmake --build build-bench --target openbitsd openbits_loadgen openbits_sink openbits_s3put
	BUILD=$(CURDIR)/build-bench python3 bench/run.py

# The Debian package build-deb/openbits_<version>_amd64.deb: a Release build without
# tests or crash points, with the configuration, the systemd unit and man pages.
deb: deps
	scripts/build-deb.sh

# Builds the package, installs it, serves an upload as the service would, purges it
# (as root, on a machine without the package; see scripts/test-package.sh).
test-package: deps
	scripts/test-package.sh

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD)
