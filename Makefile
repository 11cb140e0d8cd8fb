# qsnn: the README's two commands.
#   make demo   train a small Q-SNN on Fashion-MNIST and take it through qsnn
#   make test   build everything and run every test suite (CTest)
# Both install the Debian packages they need first (scripts/bootstrap).
#
# Variables: BUILD_DIR (build), SANITIZED_DIR (BUILD_DIR-sanitize),
# BUILD_TYPE (Release), CMAKE_FLAGS (extra -D options for a first
# configure), JOBS (parallel build jobs: nproc).
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

SANITIZED_DIR ?= $(BUILD_DIR)-sanitize

.PHONY: all bootstrap configure build sanitized test demo docs format clean help

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

# The sanitized build (ASan + UBSan, clang, with the fuzz targets; no
# trainer): make test runs its suites as the sanitized:* tests.
sanitized: bootstrap
	@if [ ! -f "$(SANITIZED_DIR)/build.ninja" ]; then \
	  cmake -G Ninja -S . -B "$(SANITIZED_DIR)" -DCMAKE_BUILD_TYPE=Release \
	    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
	    "-DCMAKE_C_FLAGS_RELEASE=-O1 -DNDEBUG" \
	    "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG" \
	    -DQSNN_SANITIZE=address,undefined -DQSNN_ENABLE_FUZZERS=ON \
	    -DQSNN_ENABLE_TRAIN=OFF -DQSNN_ENABLE_PYTHON=OFF $(CMAKE_FLAGS); \
	fi
	@cmake --build "$(SANITIZED_DIR)" -j $(JOBS)

test: build sanitized
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
	rm -rf "$(BUILD_DIR)" "$(SANITIZED_DIR)"
