# The verbs people type. The build itself is Meson + Ninja in build/.
PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build

.PHONY: all check check-guest demo install deps bench soak fuzz-long clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	@scripts/deps --check >/dev/null 2>&1 || scripts/deps
	meson setup $(BUILD) --prefix=$(PREFIX)

deps:
	scripts/deps

check:
	BW_TALLY=$(BW_TALLY) scripts/check

# Debian 12's own kernel (6.1) in a QEMU guest running containers from the
# built binary (scripts/guest/run; the kernel is cached outside the tree).
check-guest:
	BUILD=$(BUILD) scripts/guest/run

demo:
	@scripts/deps --check >/dev/null 2>&1 || scripts/deps
	$(MAKE) all
	@# the bulwark user and its subordinate ids (idempotent; needs root)
	$(BUILD)/bulwark setup
	scripts/demo

install:
	@scripts/deps --check >/dev/null 2>&1 || scripts/deps
	$(MAKE) all
	meson configure $(BUILD) --prefix=$(PREFIX) >/dev/null
	ninja -C $(BUILD) >/dev/null
	DESTDIR=$(DESTDIR) meson install -C $(BUILD) --no-rebuild
	@# a staged install (DESTDIR, packaging) leaves the host alone
	@if [ -z "$(DESTDIR)" ]; then $(PREFIX)/bin/bulwark setup; fi

# The lifecycle benchmark against crun and runc (root; prints, never fails on
# a number; not part of check). bench/bench.sh documents its knobs.
bench: all
	BUILD_DIR=$(abspath $(BUILD)) bench/bench.sh

# The long reliability run (root; not part of check): the kill-point sweep,
# 1,000 sequential and 100 parallel containers, one line of figures.
soak: all
	BULWARK=$(abspath $(BUILD))/bulwark scripts/soak

# Each libFuzzer target for FUZZ_LONG_SECONDS (600) over its corpus in
# tests/fuzz/corpus/NAME; what it finds that covers more is merged into that
# corpus (-merge=1: only inputs that add coverage), to be committed. A crash
# stops the run with its reproducer. FUZZ_ONLY="load policy" picks targets.
# CI keeps the short runs (scripts/check, FUZZ_SECONDS).
FUZZ_LONG_SECONDS ?= 600
FUZZ_ONLY ?=
fuzz-long:
	@test -f build-fuzz/build.ninja || CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C build-fuzz
	@set -e; for f in build-fuzz/tests/fuzz/fuzz_*; do \
	  [ -x "$$f" ] && [ -f "$$f" ] || continue; \
	  name=$${f##*/fuzz_}; \
	  if [ -n "$(FUZZ_ONLY)" ] && ! echo " $(FUZZ_ONLY) " | grep -q " $$name "; then continue; fi; \
	  corpus=tests/fuzz/corpus/$$name; mkdir -p "$$corpus"; \
	  work=$$(mktemp -d /tmp/bulwark-fuzz-$$name.XXXXXX); mkdir "$$work/new"; \
	  echo "fuzz_$$name: $(FUZZ_LONG_SECONDS) s (log $$work/log)"; \
	  "$$f" -max_total_time=$(FUZZ_LONG_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix="$$work/" "$$work/new" "$$corpus" >"$$work/log" 2>&1 || \
	    { tail -40 "$$work/log"; echo "fuzz_$$name crashed: reproducer in $$work"; exit 1; }; \
	  before=$$(ls "$$corpus" | wc -l); \
	  "$$f" -merge=1 "$$corpus" "$$work/new" >>"$$work/log" 2>&1; \
	  echo "fuzz_$$name: $$(grep -o 'Done [0-9]* runs' "$$work/log" | tail -1), corpus $$before -> $$(ls "$$corpus" | wc -l) inputs"; \
	  rm -rf "$$work"; \
	done

clean:
	rm -rf build build-asan build-fuzz
