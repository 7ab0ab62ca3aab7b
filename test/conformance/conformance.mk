# test/conformance/conformance.mk — the syscall conformance suite (issue 3), included from the top Makefile.
#   make conformance-bin   builds every test program five ways under $(BUILD)/conformance/:
#                          static/ (gcc -static), pie/ (gcc -static-pie, glibc), musl/ (static-PIE, musl),
#                          dyn/ (plain gcc: PIE against libc.so.6, run by /lib64/ld-linux-x86-64.so.2),
#                          dynmusl/ (plain musl-gcc: PIE against musl's libc.so, run by /lib/ld-musl-x86_64.so.1)
#   make conformance       builds them and the kernel, runs each natively and under skiff, compares the TAP,
#                          writes docs/syscalls.md, and ends with `N passed, N failed, N skipped`.
CONF_DIR    := test/conformance
CONF_OUT    := $(BUILD)/conformance
CONF_MUSL   := /usr/lib/x86_64-linux-musl
CONF_CFLAGS := -O2 -Wall -Wextra -Werror -fno-builtin
CONF_NAMES  := $(basename $(notdir $(wildcard $(CONF_DIR)/*.c)))
CONF_BUILDS := static pie musl dyn dynmusl
CONF_BINS   := $(foreach n,$(CONF_NAMES),$(foreach b,$(CONF_BUILDS),$(CONF_OUT)/$(b)/$(n)))

.PHONY: conformance conformance-bin conformance-docs

conformance-bin: $(CONF_BINS)

$(CONF_OUT)/static/%: $(CONF_DIR)/%.c $(CONF_DIR)/tap.h $(CONF_DIR)/tap_inet.h $(CONF_DIR)/tap_abi.h | deps-build
	@mkdir -p $(dir $@)
	$(CC) -static $(CONF_CFLAGS) -o $@ $<

$(CONF_OUT)/pie/%: $(CONF_DIR)/%.c $(CONF_DIR)/tap.h $(CONF_DIR)/tap_inet.h $(CONF_DIR)/tap_abi.h | deps-build
	@mkdir -p $(dir $@)
	$(CC) -static-pie -fPIE $(CONF_CFLAGS) -o $@ $<

$(CONF_OUT)/musl/%: $(CONF_DIR)/%.c $(CONF_DIR)/tap.h $(CONF_DIR)/tap_inet.h $(CONF_DIR)/tap_abi.h | deps-build deps-test
	@mkdir -p $(dir $@)
	musl-gcc -fPIE $(CONF_CFLAGS) -c -o $@.o $<
	$(LD) -static -pie --no-dynamic-linker -z text -o $@ $(CONF_MUSL)/rcrt1.o $(CONF_MUSL)/crti.o $@.o \
	    -L$(CONF_MUSL) -lc $(CONF_MUSL)/crtn.o

$(CONF_OUT)/dyn/%: $(CONF_DIR)/%.c $(CONF_DIR)/tap.h $(CONF_DIR)/tap_inet.h $(CONF_DIR)/tap_abi.h | deps-build
	@mkdir -p $(dir $@)
	$(CC) -pie -fPIE $(CONF_CFLAGS) -o $@ $<

$(CONF_OUT)/dynmusl/%: $(CONF_DIR)/%.c $(CONF_DIR)/tap.h $(CONF_DIR)/tap_inet.h $(CONF_DIR)/tap_abi.h | deps-build deps-test
	@mkdir -p $(dir $@)
	musl-gcc -pie -fPIE $(CONF_CFLAGS) -o $@ $<

conformance: kernel conformance-bin deps-run
	sh $(CONF_DIR)/run.sh --build $(CONF_OUT) --kernel $(BUILD)/skiff.elf

# docs/syscalls.md alone (the runner also writes it): the table and the test sources are enough.
conformance-docs:
	sh $(CONF_DIR)/gendoc.sh syscalls/syscall_64.tbl $(CONF_DIR) docs/syscalls.md
