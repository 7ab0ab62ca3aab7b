# test/progs/progs.mk — the demo and the test programs: ordinary Linux binaries built on the host, in the
# three shapes skiff loads: static (ET_EXEC), static-PIE with glibc, static-PIE with musl (linked by hand:
# Debian's musl-gcc -static-pie produces a dynamically linked binary).
PROGS_DIR := $(BUILD)/progs
MUSL_LIB  := /usr/lib/x86_64-linux-musl
PCFLAGS   := -O2 -Wall -Wextra

PROGS := $(PROGS_DIR)/hello $(PROGS_DIR)/segv $(PROGS_DIR)/abort $(PROGS_DIR)/spin $(PROGS_DIR)/streams \
         $(PROGS_DIR)/sighandler $(PROGS_DIR)/fuzz $(PROGS_DIR)/cow $(PROGS_DIR)/vdso $(PROGS_DIR)/pgrp $(PROGS_DIR)/killall $(PROGS_DIR)/procpid $(PROGS_DIR)/netprobe $(PROGS_DIR)/oomfill $(PROGS_DIR)/fragment $(PROGS_DIR)/bomb $(PROGS_DIR)/tostop $(PROGS_DIR)/sysfuzz $(PROGS_DIR)/mapwrite $(PROGS_DIR)/twmem $(PROGS_DIR)/p9sig $(PROGS_DIR)/majflt $(PROGS_DIR)/stopme $(PROGS_DIR)/inplace $(PROGS_DIR)/notsc $(PROGS_DIR)/pollcost $(PROGS_DIR)/smpsum $(PROGS_DIR)/smptlb $(PROGS_DIR)/smpexit $(PROGS_DIR)/smpstress $(PROGS_DIR)/smpaffinity $(PROGS_DIR)/smpshoot $(PROGS_DIR)/futexintr $(PROGS_DIR)/ifaddrs \
         $(PROGS_DIR)/argv_env-glibc $(PROGS_DIR)/argv_env-musl

progs: $(PROGS)

$(PROGS_DIR)/%: test/progs/%.c | deps-build
	@mkdir -p $(PROGS_DIR)
	$(CC) -static $(PCFLAGS) -o $@ $<

$(PROGS_DIR)/argv_env-glibc: test/progs/argv_env.c | deps-build
	@mkdir -p $(PROGS_DIR)
	$(CC) -static-pie -fPIE $(PCFLAGS) -o $@ $<

$(PROGS_DIR)/argv_env-musl: test/progs/argv_env.c | deps-build deps-test
	@mkdir -p $(PROGS_DIR)
	musl-gcc -fPIE $(PCFLAGS) -c -o $@.o $<
	$(LD) -static -pie --no-dynamic-linker -z text -o $@ $(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o $@.o \
	    -L$(MUSL_LIB) -lc $(MUSL_LIB)/crtn.o
