#!/usr/bin/env bash
# Installs the Debian packages leakdemo needs, and only those that are missing.
#   scripts/setup.sh build   what `make demo` needs: compiler, CMake, CLI11, fmt
#   scripts/setup.sh test    build + what `make test` needs (GoogleTest, python3, valgrind, ...)
# Checks each package with `dpkg -s`; runs `apt-get update` once, and only when something is missing.
set -euo pipefail

want=${1:-build}

build_packages=(cmake make g++ libcli11-dev libfmt-dev)
test_packages=(libgtest-dev python3 libbenchmark-dev hyperfine)

case "$want" in
    build) packages=("${build_packages[@]}") ;;
    test) packages=("${build_packages[@]}" "${test_packages[@]}") ;;
    *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

if ! command -v dpkg >/dev/null 2>&1; then
    echo "setup: not a Debian system (no dpkg); make sure these are installed: ${packages[*]}" >&2
    exit 0
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed'; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "setup: these Debian packages are missing: ${missing[*]}" >&2
    echo "setup: installing them needs root, and sudo is not available; run as root: apt-get install ${missing[*]}" >&2
    exit 1
fi

echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
"${as_root[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2
