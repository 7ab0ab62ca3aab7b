# bench/bench.mk — `make bench`: skiff against a Debian Linux guest under the same QEMU (issue 6); writes
# bench/results/latest.md and latest.json. `make bench-smoke`: every bench step once with tiny counts (TAP).
# Included from the top Makefile. `make test` runs bench-smoke (about a minute), never the full bench. See
# docs/performance.md.

BENCH_OUT := $(BUILD)/bench
BENCH_BIN := $(BENCH_OUT)/bin
BENCH_CFLAGS := -O2 -Wall -Wextra

BENCH_FILES := $(BENCH_BIN)/hello $(BENCH_BIN)/bootinfo $(BENCH_BIN)/linit $(BENCH_BIN)/sysbench \
               $(BENCH_BIN)/hello-dyn $(BENCH_BIN)/tstamp $(BENCH_BIN)/floor.bin $(BENCH_BIN)/filebench \
               $(BENCH_BIN)/qemustub \
               $(BENCH_OUT)/vmlinux
# issue 14's SMP rows (bench/smp.sh): the 2-thread CPU-bound program, the in-guest stopwatch, the input maker
BENCH_SMP_FILES := $(BENCH_BIN)/spin2 $(BENCH_BIN)/timeit $(BENCH_BIN)/gendata

.PHONY: bench bench-smoke bench-smp bench-smp-smoke bench-deps bench-build soak soak-deps

bench-deps: deps-build deps-run deps-iso
	@$(NEED) busybox-static:/bin/busybox sqlite3:/usr/bin/sqlite3 lua5.4:/usr/bin/lua5.4 \
	    python3-minimal:/usr/bin/python3 gzip:/usr/bin/gzip xz-utils:xz linux-image-amd64:/vmlinuz \
	    nginx-light:/usr/sbin/nginx apache2-utils:ab curl:curl

bench-build: bench-deps kernel pack cli iso $(BENCH_FILES)

bench: bench-build
	sh bench/run.sh

bench-smoke: bench-build
	sh bench/run.sh --smoke

# skiff and the Linux guest at 1 and 2 vCPUs (issue 14): bench/results/smp.md; rows can be picked:
# `make bench-smp SMP_ROWS="spin2 boot"`
bench-smp: bench-build $(BENCH_SMP_FILES)
	sh bench/smp.sh $(SMP_ROWS)

bench-smp-smoke: bench-build $(BENCH_SMP_FILES)
	sh bench/smp.sh --smoke $(SMP_ROWS)

$(BENCH_BIN)/%: bench/src/%.c | bench-deps
	@mkdir -p $(BENCH_BIN)
	$(CC) -static $(BENCH_CFLAGS) -o $@ $<

# the same hello, linked dynamically (both guests)
$(BENCH_BIN)/hello-dyn: bench/src/hello.c | bench-deps
	@mkdir -p $(BENCH_BIN)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

# host-side stopwatch (not a guest program)
$(BENCH_BIN)/tstamp: bench/src/tstamp.c | bench-deps
	@mkdir -p $(BENCH_BIN)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

# a stand-in QEMU for the CLI's own time (not a guest program)
$(BENCH_BIN)/qemustub: bench/src/qemustub.c | bench-deps
	@mkdir -p $(BENCH_BIN)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

$(BENCH_BIN)/floor.bin: bench/src/floor.asm | bench-deps
	@mkdir -p $(BENCH_BIN)
	$(NASM) -f bin -o $@ $<

# Debian's kernel, uncompressed for QEMU's PVH entry
$(BENCH_OUT)/vmlinux: $(wildcard /vmlinuz) bench/extract-vmlinux.sh | bench-deps
	@mkdir -p $(BENCH_OUT)
	sh bench/extract-vmlinux.sh /vmlinuz $@

# `make soak` (issue 15, not in make test): SOAK_N nginx requests and SOAK_N redis operations against one skiff
# guest, 0 errors, its free memory flat (bench/soak.sh; SOAK_N=20000 for a quick try)
soak-deps: deps-build deps-run
	@$(NEED) busybox-static:/bin/busybox nginx-light:/usr/sbin/nginx apache2-utils:ab curl:curl \
	    redis-server:/usr/bin/redis-server redis-tools:/usr/bin/redis-benchmark python3-minimal:/usr/bin/python3

soak: soak-deps kernel pack
	sh bench/soak.sh
