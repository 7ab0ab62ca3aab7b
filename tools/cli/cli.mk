# tools/cli/cli.mk — build/skiff, the skiff command in C (tools/cli/cli.h says what it does), included from the
# top Makefile and built by `make`. It links tools/pack's code (not its main.c) and the kernel's ELF checks and
# cpio reader that skiff-pack builds in too. `make install PREFIX=DIR` puts it in DIR/bin, and what it needs
# (the kernel, the shell implementation for what it leaves to it, skiff-pack) in DIR/lib/skiff.
CLI_BIN    := $(BUILD)/skiff
CLI_SRCS   := $(wildcard tools/cli/*.c) $(filter-out tools/pack/main.c,$(wildcard tools/pack/*.c)) \
              loader/elf.c fs/cpio_parse.c kernel/printf.c
CLI_HDRS   := tools/cli/cli.h $(PACK_HDRS)
PREFIX     ?= /usr/local

.PHONY: cli install
cli: $(CLI_BIN)

$(CLI_BIN): $(CLI_SRCS) $(CLI_HDRS) | deps-build
	$(CC) $(PACK_CFLAGS) -pthread -o $@ $(CLI_SRCS)

install: $(CLI_BIN) $(PACK_BIN) kernel
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/skiff
	install -m 755 $(CLI_BIN) $(DESTDIR)$(PREFIX)/bin/skiff
	install -m 755 $(PACK_BIN) $(DESTDIR)$(PREFIX)/lib/skiff/skiff-pack
	install -m 644 tools/skiff.sh $(DESTDIR)$(PREFIX)/lib/skiff/skiff.sh
	install -m 644 $(BUILD)/skiff.elf $(DESTDIR)$(PREFIX)/lib/skiff/skiff.elf
