# OpenBITS. `make run` installs what is missing, builds and serves ./uploads on :8080;
# `make test` builds and runs every test.
BUILD ?= build
PORT ?= 8080
UPLOADS ?= $(CURDIR)/uploads
CMAKE_FLAGS ?=
ifeq ($(CI),true)
CMAKE_FLAGS += -DBITS_WERROR=ON
endif

.PHONY: all deps configure build run test format format-check clean

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

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD)
