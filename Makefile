# The README's two commands. Each installs what is missing (scripts/setup.sh), configures, builds, runs.
#   make demo   the classroom demo: leak and free mode side by side (leakdemo compare)
#   make test   the whole test suite through ctest
#   make package  the Debian package build/$(PRESET)/leakdemo_<version>_<arch>.deb (CPack)
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Warnings are errors in CI (CI=true) and for `make test`; a user's `make demo` never fails on a warning.
WERROR_TEST := ON
WERROR_DEMO := $(if $(CI),ON,OFF)

.PHONY: demo test build package setup-build setup-test setup-package clean

demo: setup-build
	cmake --preset $(PRESET) -DLEAKDEMO_WERROR=$(WERROR_DEMO) -DLEAKDEMO_BUILD_TESTS=OFF >/dev/null
	cmake --build $(BUILD_DIR) --parallel $(JOBS) --target leakdemo
	scripts/demo.sh $(BUILD_DIR)/bin/leakdemo

test: setup-test
	cmake --preset $(PRESET) -DLEAKDEMO_WERROR=$(WERROR_TEST) -DLEAKDEMO_BUILD_TESTS=ON >/dev/null
	cmake --build $(BUILD_DIR) --parallel $(JOBS)
	ctest --test-dir $(BUILD_DIR) --output-on-failure --parallel $(JOBS)

# The .deb holds what `cmake --install` installs (cmake/Packaging.cmake); tests are not built for it.
package: setup-package
	cmake --preset $(PRESET) -DLEAKDEMO_WERROR=$(WERROR_DEMO) -DLEAKDEMO_BUILD_TESTS=OFF >/dev/null
	cmake --build $(BUILD_DIR) --parallel $(JOBS)
	cd $(BUILD_DIR) && cpack -G DEB

build: setup-build
	cmake --preset $(PRESET) >/dev/null
	cmake --build $(BUILD_DIR) --parallel $(JOBS)

setup-build:
	scripts/setup.sh build

setup-test:
	scripts/setup.sh test

setup-package:
	scripts/setup.sh package

clean:
	rm -rf build
