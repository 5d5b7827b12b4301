# The README's two commands. Each installs what is missing (scripts/setup.sh), configures, builds, runs.
#   make demo   the classroom demo: leak mode, then free mode
#   make test   the whole test suite through ctest
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Warnings are errors in CI (CI=true) and for `make test`; a user's `make demo` never fails on a warning.
WERROR_TEST := ON
WERROR_DEMO := $(if $(CI),ON,OFF)

.PHONY: demo test build setup-build setup-test clean

demo: setup-build
	cmake --preset $(PRESET) -DLEAKDEMO_WERROR=$(WERROR_DEMO) -DLEAKDEMO_BUILD_TESTS=OFF >/dev/null
	cmake --build $(BUILD_DIR) --parallel $(JOBS) --target leakdemo
	scripts/demo.sh $(BUILD_DIR)/bin/leakdemo

test: setup-test
	cmake --preset $(PRESET) -DLEAKDEMO_WERROR=$(WERROR_TEST) -DLEAKDEMO_BUILD_TESTS=ON -DLEAKDEMO_BUILD_BENCH=ON >/dev/null
	cmake --build $(BUILD_DIR) --parallel $(JOBS)
	ctest --test-dir $(BUILD_DIR) --output-on-failure --parallel $(JOBS)

build: setup-build
	cmake --preset $(PRESET) >/dev/null
	cmake --build $(BUILD_DIR) --parallel $(JOBS)

setup-build:
	scripts/setup.sh build

setup-test:
	scripts/setup.sh test

clean:
	rm -rf build
