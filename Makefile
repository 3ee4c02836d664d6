# The verbs people type. The build itself is Meson + Ninja in build/.
PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build

.PHONY: all check check-guest demo install deps bench soak clean

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

clean:
	rm -rf build build-asan build-fuzz
