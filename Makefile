# Thin wrapper over CMake (the real build is CMakeLists.txt).
#   make          build into build/ (gcc, optimised)
#   make check    install what is missing, build build/check (clang, ASan+UBSan,
#                 libFuzzer) and run the whole test suite through ctest
#   make demo     install what is missing, build, run the demo lab scenario
BUILD ?= build
CHECK_BUILD ?= build/check
GENERATOR ?= Ninja
CTEST_ARGS ?=
DEMO ?= ping-oe-null

.PHONY: all deps build check demo clean

all: build

deps:
	@scripts/install-deps

build:
	@[ -f $(BUILD)/CMakeCache.txt ] || cmake -S . -B $(BUILD) -G $(GENERATOR)
	cmake --build $(BUILD)

# The lab's guest cannot run ASan binaries: it uses the plain build in $(BUILD).
check: deps build
	@[ -f $(CHECK_BUILD)/CMakeCache.txt ] || cmake -S . -B $(CHECK_BUILD) -G $(GENERATOR) \
		-DCMAKE_C_COMPILER=clang -DSWANMESH_SANITIZE=ON -DSWANMESH_FUZZ=ON \
		-DSWANMESH_LAB_BUILD=$(abspath $(BUILD))
	cmake --build $(CHECK_BUILD)
	cd $(CHECK_BUILD) && ctest --output-on-failure $(CTEST_ARGS)

demo: deps build
	tests/lab/run --build $(BUILD) --verbose $(DEMO)

clean:
	rm -rf $(BUILD)
