# test/fuzz/fuzz.mk — host-built fuzzers of the kernel's parsers (issue 15), included from the top Makefile.
#   make fuzz-bin       the plain-C fuzzers (test/fuzz/driver.c: a seeded mutator) with ASan and UBSan
#   make fuzz           each target for FUZZ_TIME seconds (default 600) per seed in FUZZ_SEEDS, after replaying
#                       test/fuzz/corpus/TARGET/; with Debian's clang installed, also libFuzzer for FUZZ_TIME
#   make fuzz-guest     the in-guest syscall fuzzer under skiff (test/fuzz/guest.sh)
# `make test` runs a short round of each (test/fuzz/run.sh --iters, a few seconds).
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_TARGETS := cpio elf p9 net namei
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-builtin-printf
FUZZ_TIME    ?= 600
FUZZ_SEEDS   ?= 1 2 3
# what the unit tests link (test/unit/unit.mk, included before this file): the kernel's pure files and the shim
FUZZ_SRC_cpio := $(filter-out loader/elf.c,$(UNIT_SRCS))
FUZZ_SRC_elf  := $(UNIT_SRCS)
FUZZ_SRC_p9   := fs/p9_proto.c fs/p9_decode.c
FUZZ_SRC_net  := $(NET_UNIT_SRCS) net/dhcp.c
FUZZ_SRC_namei := $(filter-out loader/elf.c,$(UNIT_SRCS))
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)

.PHONY: fuzz fuzz-bin fuzz-lf fuzz-guest
fuzz-bin: $(FUZZ_BINS)

# One rule of each kind per target (an explicit rule: each target has its own sources).
define FUZZ_RULES
$(FUZZ_DIR)/fuzz_$(1): test/fuzz/fuzz_$(1).c test/fuzz/driver.c test/fuzz/fuzz.h $(FUZZ_SRC_$(1)) | deps-build
	@mkdir -p $(FUZZ_DIR)
	$(CC) $(FUZZ_CFLAGS) -o $$@ $$< test/fuzz/driver.c $(FUZZ_SRC_$(1))

# libFuzzer (clang only): the same target without the driver.
$(FUZZ_DIR)/lf_$(1): test/fuzz/fuzz_$(1).c test/fuzz/lf_seeds.c test/fuzz/fuzz.h $(FUZZ_SRC_$(1))
	@mkdir -p $(FUZZ_DIR)
	clang -std=gnu11 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o $$@ $$< test/fuzz/lf_seeds.c $(FUZZ_SRC_$(1))
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_RULES,$(t))))

fuzz-lf: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/lf_%)

fuzz: fuzz-bin
	sh test/fuzz/run.sh --time $(FUZZ_TIME) --seeds "$(FUZZ_SEEDS)" $(if $(shell command -v clang),--libfuzzer)

fuzz-guest: kernel progs pack deps-run
	sh test/fuzz/guest.sh --time $(FUZZ_TIME) --seeds "$(FUZZ_SEEDS)"
