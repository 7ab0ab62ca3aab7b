# Makefile — skiff: `make` builds build/skiff.elf; `make run` boots the demo; `make test` runs every test;
# `make iso` writes build/skiff.iso. Missing Debian packages are installed (as root) or named (otherwise).

CC     := gcc
NASM   := nasm
LD     := ld
BUILD  := build
GEN    := $(BUILD)/gen
NEED   := sh tools/need.sh

KERNEL_DIRS := arch/x86_64 kernel syscalls loader drivers fs net ipc
KERNEL_C    := $(foreach d,$(KERNEL_DIRS),$(wildcard $(d)/*.c))
KERNEL_ASM  := boot/boot.asm $(wildcard arch/x86_64/*.asm)
KERNEL_OBJS := $(KERNEL_C:%.c=$(BUILD)/%.o) $(KERNEL_ASM:%.asm=$(BUILD)/%.asm.o) $(GEN)/syscall_table.o

# Freestanding kernel: no red zone (interrupts would clobber it), no SSE/x87 (user FPU state stays untouched
# across syscalls), the kernel code model for the top 2 GiB, frame pointers for panic backtraces.
KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie -mno-red-zone -mcmodel=kernel \
           -mno-sse -mno-sse2 -mno-mmx -mno-80387 -mno-avx -fno-stack-protector -fno-omit-frame-pointer \
           -fno-asynchronous-unwind-tables -fno-strict-aliasing -fno-builtin -fcf-protection=none \
           -Wall -Wextra -Werror -MMD -MP
LDFLAGS := -T linker.ld -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -nostdlib --fatal-warnings

# deps-* check for tools (and install them as root): see tools/need.sh
.PHONY: all kernel run iso test deps-iso unit-test guest-test progs clean deps-build deps-run deps-test
all: kernel progs pack cli

kernel: $(BUILD)/skiff.elf $(BUILD)/skiff-pvh.elf

deps-build:
	@$(NEED) gcc:gcc binutils:ld nasm:nasm
deps-run:
	@$(NEED) qemu-system-x86:qemu-system-x86_64 cpio:cpio
deps-iso:
	@$(NEED) grub-pc-bin:/usr/lib/grub/i386-pc/multiboot.mod grub-common:grub-mkrescue xorriso:xorriso mtools:mformat
deps-test: deps-run deps-iso
	@$(NEED) busybox-static:/bin/busybox musl-tools:musl-gcc file:file sqlite3:sqlite3 lua5.4:lua5.4 bc:bc \
	    xz-utils:xz bzip2:bzip2 python3:/usr/bin/python3 perl:perl tmux:tmux \
	    redis-server:/usr/bin/redis-server redis-tools:/usr/bin/redis-cli nginx-light:/usr/sbin/nginx curl:/usr/bin/curl \
	    htop:/usr/bin/htop ruby:/usr/bin/ruby tcl:/usr/bin/tclsh \
	    procps:/usr/bin/ps time:/usr/bin/time manpages-dev:/usr/share/man/man2/open.2.gz \
	    postgresql:/usr/lib/postgresql/15/bin/initdb postgresql-client:/usr/bin/pgbench \
	    default-jdk-headless:/usr/bin/javac apache2-utils:/usr/bin/ab \
	    iputils-ping:/usr/bin/ping man-db:/usr/bin/man stress-ng:/usr/bin/stress-ng \
	    openssh-server:/usr/sbin/sshd openssh-client:/usr/bin/ssh attr:/usr/bin/setfattr acl:/bin/setfacl

$(BUILD)/skiff.elf: $(KERNEL_OBJS) linker.ld | deps-build
	$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS)
	sh tools/check-image.sh $@

# The same image booted through its PVH entry by QEMU's -kernel (tools/mkpvh.sh says why a copy).
$(BUILD)/skiff-pvh.elf: $(BUILD)/skiff.elf tools/mkpvh.sh
	sh tools/mkpvh.sh $< $@

$(GEN)/syscall_table.c $(GEN)/syscall_nr.h: syscalls/syscall_64.tbl tools/gensyscalls.sh
	sh tools/gensyscalls.sh syscalls/syscall_64.tbl $(GEN)

$(GEN)/syscall_table.o: $(GEN)/syscall_table.c | deps-build
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/%.o: %.c | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/%.asm.o: %.asm | deps-build
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -g -F dwarf -w+all -DVDSO_SO='"$(VDSO_SO)"' -o $@ $<

# The vDSO: a small shared object of user-mode code, linked by its own script, then included in the kernel as
# bytes (arch/x86_64/vdso_image.asm). It must have no relocations: nothing ever relocates it.
VDSO_SO := $(BUILD)/vdso/vdso.so
VDSO_CFLAGS := -std=gnu11 -O2 -fPIC -ffreestanding -fno-stack-protector -fcf-protection=none \
               -fno-asynchronous-unwind-tables -Wall -Wextra -Werror -MMD -MP
$(VDSO_SO): arch/x86_64/vdso/vdso.c arch/x86_64/vdso/vdso.lds | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(VDSO_CFLAGS) -nostdlib -shared -Wl,-T,arch/x86_64/vdso/vdso.lds -Wl,--hash-style=both \
	    -Wl,-soname,linux-vdso.so.1 -Wl,--no-undefined -Wl,-z,noexecstack -Wl,--build-id=none \
	    -o $@ arch/x86_64/vdso/vdso.c
	@if readelf -rW $@ | grep -q 'Relocation section'; then echo "$@: the vDSO has relocations" >&2; rm -f $@; exit 1; fi
	@test "$$(stat -c %s $@)" -le 8192 || { echo "$@: larger than its two pages" >&2; rm -f $@; exit 1; }
$(BUILD)/arch/x86_64/vdso_image.asm.o: $(VDSO_SO)

# ---- test and demo programs (host-built Linux binaries) ----
include test/progs/progs.mk
include test/apps/apps.mk
include test/conformance/conformance.mk
include test/elf/elf.mk
include bench/bench.mk

# ---- running ----
APP  ?=
ARGS ?=
run: kernel progs pack deps-run
ifeq ($(APP),)
	tools/skiff run $(BUILD)/progs/hello demo-arg
else
	tools/skiff run $(APP) $(ARGS)
endif

# The ISO boots the demo: its initrd holds build/progs/hello as /init.
iso: $(BUILD)/skiff.iso
$(BUILD)/skiff.iso: $(BUILD)/skiff.elf $(BUILD)/demo-initrd.cpio tools/mkiso.sh | deps-iso
	sh tools/mkiso.sh $(BUILD)/skiff.elf $(BUILD)/demo-initrd.cpio $@ "init=/init"
$(BUILD)/demo-initrd.cpio: $(PROGS_DIR)/hello | deps-run
	rm -rf $(BUILD)/demo-root && mkdir -p $(BUILD)/demo-root
	cp $(PROGS_DIR)/hello $(BUILD)/demo-root/init
	cd $(BUILD)/demo-root && find . | cpio -o -H newc --quiet > ../demo-initrd.cpio

# ---- tests ----
include test/unit/unit.mk
include test/fuzz/fuzz.mk
include tools/pack/pack.mk
include tools/cli/cli.mk

test: kernel progs pack cli pack-test-bin unit-bin fuzz-bin apps-bin conformance-bin elf-bin deps-test
	sh test/run-all.sh

unit-test: unit-bin
	sh test/unit/run.sh

guest-test: kernel progs pack cli deps-test
	sh test/guest/run.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
