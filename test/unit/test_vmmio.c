/* test/unit/test_vmmio.c — the virtio_mmio.device= words of a command line (drivers/virtio_mmio_cmdline.c)
 * on the host: what QEMU's microvm writes, Linux's other spellings (K/M/G sizes, a trailing device id), the
 * words around them, and malformed values, each of which must come back as not usable rather than as a
 * window at a wrong address. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "unit.h"
#include "../../drivers/virtio_mmio.h"

static struct vmmio_window w[8];

static int parse(const char *cmdline)
{
    memset(w, 0, sizeof(w));
    return vmmio_parse_cmdline(cmdline, w, 8);
}

static void good(const char *cmdline, unsigned long long size, unsigned long long base, int irq)
{
    int n = parse(cmdline);
    CHECK(n == 1 && w[0].ok && w[0].size == size && w[0].base == base && w[0].irq == irq,
          "'%s' is %llu bytes at %#llx, irq %d", cmdline, size, base, irq);
}

static void bad(const char *cmdline)
{
    int n = parse(cmdline);
    CHECK(n == 1 && !w[0].ok && w[0].word && w[0].len == (int)strcspn(w[0].word, " "),
          "'%s' is a word that cannot be used", cmdline);
}

int main(void)
{
    /* what QEMU 7.2's microvm appends (acpi=off) */
    good("virtio_mmio.device=512@0xfeb00e00:12", 512, 0xfeb00e00, 12);
    good("virtio_mmio.device=4K@0xd0000000:5:3", 4096, 0xd0000000, 5);
    good("virtio_mmio.device=1M@4096:7", 1 << 20, 4096, 7);
    good("virtio_mmio.device=0x200@0x10000:255", 512, 0x10000, 255);

    int n = parse("/boot/skiff.elf verbose  virtio_mmio.device=512@0xfeb00e00:12 tty=01 "
                  "virtio_mmio.device=512@0xfeb00c00:11");
    CHECK(n == 2 && w[0].ok && w[0].base == 0xfeb00e00 && w[0].irq == 12 && w[1].ok && w[1].base == 0xfeb00c00 &&
              w[1].irq == 11,
          "two words among others, in order");
    CHECK(parse("") == 0 && parse("   ") == 0 && parse("verbose strace") == 0, "no words, no windows");
    CHECK(parse("xvirtio_mmio.device=512@0x1000:5 virtio_mmio.devices=512@0x1000:5 virtio_mmio.device") == 0,
          "words that only look alike are not ours");
    CHECK(parse("virtio_mmio.device=512@0x1000:5 virtio_mmio.device=512@0x2000:6 virtio_mmio.device=512@0x3000:7 "
                "virtio_mmio.device=512@0x4000:8 virtio_mmio.device=512@0x5000:9 virtio_mmio.device=512@0x6000:10 "
                "virtio_mmio.device=512@0x7000:11 virtio_mmio.device=512@0x8000:12 virtio_mmio.device=512@0x9000:13") ==
              8,
          "no more words than the caller has room for");

    bad("virtio_mmio.device=");
    bad("virtio_mmio.device=@0x1000:5");
    bad("virtio_mmio.device=512@:5");
    bad("virtio_mmio.device=512@0x1000");
    bad("virtio_mmio.device=512@0x1000:");
    bad("virtio_mmio.device=512@0x1000:256");
    bad("virtio_mmio.device=0@0x1000:5");
    bad("virtio_mmio.device=512x@0x1000:5");
    bad("virtio_mmio.device=512@0xzz:5");
    bad("virtio_mmio.device=512@0x1000:5x");
    bad("virtio_mmio.device=512@0x1000:5:");
    bad("virtio_mmio.device=99999999999999999999@0x1000:5");
    bad("virtio_mmio.device=512@0x10000000000000000:5");
    bad("virtio_mmio.device=17179869184G@0x1000:5");
    bad("virtio_mmio.device=-512@0x1000:5");
    return unit_done();
}
