# The README's two commands. Each installs what is missing (scripts/setup.sh), configures, builds, runs.
#   make demo   the classroom demo: leak and free mode side by side (leakdemo compare), then the article's
#               two C programs watched from outside (leakdemo watch)
#   make live   leakdemo live: the full-screen demo you drive with keys (hold, release, free, trim, mark)
#   make test   the whole test suite through ctest: the release build, then the same tests under ASan + UBSan
#               (test-sanitize), then each libFuzzer target for a bounded time (test-fuzz)
#   make package  the Debian package build/$(PRESET)/leakdemo_<version>-<revision>_<arch>.deb (CPack)
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Warnings are errors in CI (CI=true) and for `make test`; a user's `make demo` never fails on a warning.
WERROR_TEST := ON
WERROR_DEMO := $(if $(CI),ON,OFF)

.PHONY: demo live test test-sanitize test-fuzz build package setup-build setup-test setup-package clean

demo: setup-build
	cmake --preset $(PRESET) -DLEAKDEMO_WERROR=$(WERROR_DEMO) -DLEAKDEMO_BUILD_TESTS=OFF >/dev/null
	cmake --build $(BUILD_DIR) --parallel $(JOBS) --target leakdemo article_memory_leaks article_memory_frees
	scripts/demo.sh $(BUILD_DIR)/bin/leakdemo

live: setup-build
	cmake --preset $(PRESET) -DLEAKDEMO_WERROR=$(WERROR_DEMO) -DLEAKDEMO_BUILD_TESTS=OFF >/dev/null
	cmake --build $(BUILD_DIR) --parallel $(JOBS) --target leakdemo
	$(BUILD_DIR)/bin/leakdemo live --mode hold -b 1MiB

test: setup-test
	cmake --preset $(PRESET) -DLEAKDEMO_WERROR=$(WERROR_TEST) -DLEAKDEMO_BUILD_TESTS=ON -DLEAKDEMO_BUILD_BENCH=ON >/dev/null
	cmake --build $(BUILD_DIR) --parallel $(JOBS)
	ctest --test-dir $(BUILD_DIR) --output-on-failure --parallel $(JOBS)
	$(MAKE) --no-print-directory test-sanitize test-fuzz

# Unit and end-to-end tests again on the asan build; the e2e tests see LEAKDEMO_SANITIZED=1 and turn
# LeakSanitizer off only for runs that leak by design (tests/e2e/helpers.py).
test-sanitize: setup-test
	cmake --preset asan -DLEAKDEMO_WERROR=$(WERROR_TEST) -DLEAKDEMO_BUILD_TESTS=ON >/dev/null
	cmake --build build/asan --parallel $(JOBS)
	ctest --test-dir build/asan --output-on-failure --parallel $(JOBS)

# Each libFuzzer target for FUZZ_SECONDS (clang 14, ASan + UBSan), from the seed corpus in fuzz/corpus/.
FUZZ_SECONDS ?= 30
test-fuzz: setup-test
	cmake --preset fuzz -DLEAKDEMO_WERROR=$(WERROR_TEST) -DLEAKDEMO_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	cmake --build build/fuzz --parallel $(JOBS) --target fuzz_size fuzz_duration fuzz_command_line fuzz_watch_values fuzz_leak_reports
	ctest --test-dir build/fuzz --output-on-failure --parallel $(JOBS)

# The .deb holds what `cmake --install` installs (cmake/Packaging.cmake); tests are not built for it.
# Reproducible: the same commit gives the same bytes. SOURCE_DATE_EPOCH (the man page's and changelog's date,
# every mtime in the .deb) is the last commit's date unless the caller exports one; cpack copies the umask
# into the modes of the .deb's ar members, so it runs under 022.
package: export SOURCE_DATE_EPOCH := $(or $(SOURCE_DATE_EPOCH),$(shell git log -1 --format=%ct 2>/dev/null))
package: setup-package
	cmake --preset $(PRESET) -DLEAKDEMO_WERROR=$(WERROR_DEMO) -DLEAKDEMO_BUILD_TESTS=OFF >/dev/null
	cmake --build $(BUILD_DIR) --parallel $(JOBS)
	cd $(BUILD_DIR) && umask 022 && cpack -G DEB

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
