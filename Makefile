# qsnn: the README's two commands.
#   make demo   train a small Q-SNN on Fashion-MNIST and take it through qsnn
#   make test   build everything and run every test suite (CTest)
# Both install the Debian packages they need first (scripts/bootstrap).
#
# Variables: BUILD_DIR (build), BUILD_TYPE (Release), CMAKE_FLAGS (extra
# -D options for a first configure), JOBS (parallel build jobs: nproc).
# make demo also takes EPOCHS (1), BITS (2), T (4), ARCH (small), THREADS
# (nproc) and DEMO_OUT (demo-out), e.g. `make demo EPOCHS=5 BITS=4`.

BUILD_DIR ?= build
BUILD_TYPE ?= Release
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)
EPOCHS ?= 1
BITS ?= 2
T ?= 4
ARCH ?= small
THREADS ?= $(shell nproc)
DEMO_OUT ?= demo-out

.PHONY: all bootstrap configure build test demo docs format clean help

all: build

help:
	@sed -n '1,/^$$/p' Makefile

bootstrap:
	@scripts/bootstrap

# Configure once; afterwards Ninja re-runs CMake by itself when a
# CMakeLists.txt changes.
configure: bootstrap
	@if [ ! -f "$(BUILD_DIR)/build.ninja" ]; then \
	  cmake -G Ninja -S . -B "$(BUILD_DIR)" \
	    -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS); \
	fi

build: configure
	@cmake --build "$(BUILD_DIR)" -j $(JOBS)

test: build
	@scripts/run-tests "$(BUILD_DIR)"

demo: build
	@EPOCHS=$(EPOCHS) BITS=$(BITS) T=$(T) ARCH=$(ARCH) THREADS=$(THREADS) \
	  DEMO_OUT=$(DEMO_OUT) scripts/demo "$(BUILD_DIR)"

# Regenerates docs/dialect/QSNNOps.md from the ODS definitions.
docs: configure
	@cmake --build "$(BUILD_DIR)" --target qsnn-dialect-doc

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf "$(BUILD_DIR)"
