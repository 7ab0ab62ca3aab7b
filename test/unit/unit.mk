# test/unit/unit.mk — host-built unit tests of the kernel's pure parts (ELF validation, cpio parsing, ramfs and
# path lookup), linked against the very same source files the kernel uses.
UNIT_DIR  := $(BUILD)/unit
UNIT_SRCS := loader/elf.c fs/cpio_parse.c fs/cpio.c fs/ramfs.c fs/ramfs_dir.c fs/namei.c fs/vfs.c fs/mount.c fs/xattr.c fs/acl.c kernel/printf.c test/unit/host_shim.c
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-builtin-printf
UNIT_TESTS := $(UNIT_DIR)/test_elf $(UNIT_DIR)/test_cpio $(UNIT_DIR)/test_namei $(UNIT_DIR)/test_net \
              $(UNIT_DIR)/test_tcp $(UNIT_DIR)/test_p9 $(UNIT_DIR)/test_vmmio \
              $(UNIT_DIR)/test_vmtree $(UNIT_DIR)/test_pit $(UNIT_DIR)/test_tsccal
# The network's lower layers (test_net fakes the NIC and the few kernel calls they make).
NET_UNIT_SRCS := net/csum.c net/eth.c net/arp.c net/ip.c net/icmp.c net/udp.c net/tcp.c net/tcp_demux.c net/tcp_in.c net/tcp_out.c \
                 net/tcp_timer.c net/tcp_urg.c net/ip6.c net/ip6_map.c net/nd6.c net/slaac6.c net/icmp6.c kernel/printf.c \
                 test/unit/host_shim.c
# TCP against a fake IP layer and clock that the test itself provides.
TCP_UNIT_SRCS := net/tcp.c net/tcp_demux.c net/tcp_in.c net/tcp_out.c net/tcp_timer.c net/tcp_urg.c test/unit/host_shim.c

# The 9P2000.L encoder and decoder: pure code, nothing else needed.
P9_UNIT_SRCS := fs/p9_proto.c fs/p9_decode.c

# The virtio_mmio.device= parser (microvm's device list).
VMMIO_UNIT_SRCS := drivers/virtio_mmio_cmdline.c test/unit/host_shim.c

# An address space's area index (list + AVL tree with gaps): pure code.
VMTREE_UNIT_SRCS := kernel/vm_tree.c

# The PIT's port writes (arch/x86_64/pit.c): pure code.
PIT_UNIT_SRCS := arch/x86_64/pit.c

# The TSC's calibration against the PIT (kernel/tsc_cal.c): pure code.
TSCCAL_UNIT_SRCS := kernel/tsc_cal.c

unit-bin: $(UNIT_TESTS)

$(UNIT_DIR)/test_tsccal: test/unit/test_tsccal.c $(TSCCAL_UNIT_SRCS) kernel/tsc_cal.h test/unit/unit.h | deps-build
	@mkdir -p $(UNIT_DIR)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(TSCCAL_UNIT_SRCS)

$(UNIT_DIR)/test_pit: test/unit/test_pit.c $(PIT_UNIT_SRCS) arch/x86_64/pit.h test/unit/unit.h | deps-build
	@mkdir -p $(UNIT_DIR)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(PIT_UNIT_SRCS)

$(UNIT_DIR)/test_vmtree: test/unit/test_vmtree.c $(VMTREE_UNIT_SRCS) kernel/mm.h test/unit/unit.h | deps-build
	@mkdir -p $(UNIT_DIR)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(VMTREE_UNIT_SRCS)

$(UNIT_DIR)/test_vmmio: test/unit/test_vmmio.c $(VMMIO_UNIT_SRCS) drivers/virtio_mmio.h test/unit/unit.h | deps-build
	@mkdir -p $(UNIT_DIR)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(VMMIO_UNIT_SRCS)

$(UNIT_DIR)/test_p9: test/unit/test_p9.c $(P9_UNIT_SRCS) fs/p9.h test/unit/unit.h | deps-build
	@mkdir -p $(UNIT_DIR)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(P9_UNIT_SRCS)

$(UNIT_DIR)/test_tcp: test/unit/test_tcp.c $(TCP_UNIT_SRCS) net/tcp.h net/net.h test/unit/unit.h | deps-build
	@mkdir -p $(UNIT_DIR)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(TCP_UNIT_SRCS)

$(UNIT_DIR)/%: test/unit/%.c $(UNIT_SRCS) test/unit/unit.h | deps-build
	@mkdir -p $(UNIT_DIR)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(UNIT_SRCS)

$(UNIT_DIR)/test_net: test/unit/test_net.c $(NET_UNIT_SRCS) net/net.h net/tcp.h test/unit/unit.h | deps-build
	@mkdir -p $(UNIT_DIR)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(NET_UNIT_SRCS)
