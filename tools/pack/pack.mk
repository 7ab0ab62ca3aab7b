# tools/pack/pack.mk — build/skiff-pack, the packing half of tools/skiff in C (tools/pack/pack.h says what it
# does), included from the top Makefile and built by `make`. A host program: the host's libc alone. It builds
# the kernel's ELF checks (loader/elf.c) and cpio reader (fs/cpio_parse.c, with kernel/printf.c for its
# messages) into itself: one parser each, built twice.
PACK_BIN    := $(BUILD)/skiff-pack
PACK_SRCS   := $(wildcard tools/pack/*.c) loader/elf.c fs/cpio_parse.c kernel/printf.c
PACK_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -fno-builtin-printf
PACK_HDRS   := tools/pack/pack.h loader/elf.h fs/cpio.h kernel/kernel.h kernel/errno.h

.PHONY: pack
pack: $(PACK_BIN)

$(PACK_BIN): $(PACK_SRCS) $(PACK_HDRS) | deps-build
	@mkdir -p $(BUILD)/pack
	$(CC) $(PACK_CFLAGS) -o $@ $(PACK_SRCS)

# The packer's tests (test/pack/run.sh): the kernel's initrd unpacker built for the host (test/unit's sources)
# lists what it makes of an image skiff-pack wrote.
PACK_TEST_BIN := $(BUILD)/pack/ramfs_list
.PHONY: pack-test-bin
pack-test-bin: $(PACK_BIN) $(PACK_TEST_BIN)
$(PACK_TEST_BIN): test/pack/ramfs_list.c tools/pack/sha256.c $(PACK_HDRS) fs/vfs.h $(UNIT_SRCS) | deps-build
	@mkdir -p $(BUILD)/pack
	$(CC) $(UNIT_CFLAGS) -o $@ $< tools/pack/sha256.c $(UNIT_SRCS)
