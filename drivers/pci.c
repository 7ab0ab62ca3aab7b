/* drivers/pci.c — PCI enumeration through configuration mechanism #1 (ports 0xcf8/0xcfc): every function on
 * every bus reached from bus 0 through PCI-to-PCI bridges (a walk of about 50 configuration reads on QEMU's
 * pc and q35: some 20 µs); for the devices a driver takes, memory BARs the firmware left unassigned are sized
 * and placed, bus mastering and memory decoding enabled. */
#include "pci.h"
#include "../arch/x86_64/arch.h"
#include "../kernel/mm.h"

extern const struct pci_driver virtio_pci_driver;
static const struct pci_driver *const drivers[] = { &virtio_pci_driver };

static u32 cfg_addr(const struct pci_dev *d, u8 off)
{
    return 0x80000000u | ((u32)d->bus << 16) | ((u32)d->dev << 11) | ((u32)d->fn << 8) | (off & 0xfc);
}

u32 pci_read32(const struct pci_dev *d, u8 off)
{
    outl(0xcf8, cfg_addr(d, off));
    return inl(0xcfc);
}

u16 pci_read16(const struct pci_dev *d, u8 off) { return (u16)(pci_read32(d, off) >> ((off & 2) * 8)); }
u8 pci_read8(const struct pci_dev *d, u8 off) { return (u8)(pci_read32(d, off) >> ((off & 3) * 8)); }

static void pci_write32(const struct pci_dev *d, u8 off, u32 v)
{
    outl(0xcf8, cfg_addr(d, off));
    outl(0xcfc, v);
}

void pci_write16(const struct pci_dev *d, u8 off, u16 v)
{
    u32 old = pci_read32(d, off & 0xfc);
    int sh = (off & 2) * 8;
    pci_write32(d, off & 0xfc, (old & ~(0xffffu << sh)) | ((u32)v << sh));
}

u8 pci_find_cap(const struct pci_dev *d, u8 id, u8 start)
{
    if (!(pci_read16(d, 0x06) & (1u << 4))) /* status: capability list present */
        return 0;
    u8 off = start ? pci_read8(d, start + 1) : pci_read8(d, 0x34);
    for (int guard = 0; off && guard < 48; guard++) {
        if (pci_read8(d, off) == id)
            return off;
        off = pci_read8(d, off + 1);
    }
    return 0;
}

/* Memory BARs the firmware left unassigned (qboot assigns none) get addresses of ours from the 32-bit PCI
 * hole that QEMU's pc machine decodes below the I/O APIC. */
#define PCI_WINDOW_START 0xe0000000ull
#define PCI_WINDOW_END 0xfec00000ull
static u64 window_next = PCI_WINDOW_START;

static u64 assign_bar(u64 size)
{
    u64 at = ALIGN_UP(window_next, MAX(size, 16ull));
    if (at + size > PCI_WINDOW_END)
        return 0;
    window_next = at + size;
    return at;
}

/* Sizes a memory BAR by writing all ones, as the PCI spec describes (decoding must be off meanwhile), and
 * gives it an address in our window. Returns its base, 0 when none could be given. */
static u64 assign_unassigned(struct pci_dev *d, int i, u32 lo, bool is64)
{
    u8 off = 0x10 + 4 * i;
    pci_write32(d, off, ~0u);
    u32 szlo = pci_read32(d, off);
    pci_write32(d, off, lo);
    u64 size = (u32)(~(szlo & ~0xfu) + 1);
    if (is64) {
        u32 hi = pci_read32(d, off + 4);
        pci_write32(d, off + 4, ~0u);
        u32 szhi = pci_read32(d, off + 4);
        pci_write32(d, off + 4, hi);
        size = ~(((u64)szhi << 32) | (szlo & ~0xfu)) + 1;
    }
    u64 base = size ? assign_bar(size) : 0;
    if (base) {
        pci_write32(d, off, (u32)base | (lo & 0xf));
        if (is64)
            pci_write32(d, off + 4, (u32)(base >> 32));
    }
    return base;
}

/* The memory BARs' addresses. A BAR the firmware assigned (SeaBIOS) is taken as it is, unsized: sizing means
 * turning decoding off and on again, and each change makes QEMU rebuild its memory map (about half a
 * millisecond under TCG); drivers map what they use from the offsets and lengths the device gives. BARs left
 * unassigned (qboot assigns none) are sized and placed, with decoding off as it already is then. */
static void read_bars(struct pci_dev *d)
{
    u16 cmd = pci_read16(d, 0x04);
    bool decoding_off = false;
    for (int i = 0; i < 6; i++) {
        u8 off = 0x10 + 4 * i;
        u32 lo = pci_read32(d, off);
        if (lo & 1)
            continue; /* I/O space */
        bool is64 = ((lo >> 1) & 3) == 2;
        u64 base = lo & ~0xfull;
        if (is64)
            base |= (u64)pci_read32(d, off + 4) << 32;
        if (!base) {
            if (!decoding_off && (cmd & 3))
                pci_write16(d, 0x04, cmd & ~3u);
            decoding_off = true;
            base = assign_unassigned(d, i, lo, is64);
        }
        d->bar[i] = base;
        if (is64)
            i++;
    }
    if (decoding_off && (cmd & 3))
        pci_write16(d, 0x04, cmd);
}

static void probe(struct pci_dev *d)
{
    for (size_t i = 0; i < ARRAY_SIZE(drivers); i++) {
        if (!drivers[i]->match(d))
            continue;
        read_bars(d);
        d->irq_line = pci_read8(d, 0x3c);
        u16 cmd = pci_read16(d, 0x04);
        if ((cmd & 0x6) != 0x6) /* a write that changes nothing still costs QEMU a look at its memory map */
            pci_write16(d, 0x04, cmd | 0x6); /* memory space + bus master */
        klog("skiff: pci %02x:%02x.%x %04x:%04x: %s\n", d->bus, d->dev, d->fn, d->vendor, d->device,
             drivers[i]->name);
        if (drivers[i]->probe(d))
            klog("skiff: %s: probe failed\n", drivers[i]->name);
    }
}

static void scan_bus(u8 bus, int depth)
{
    for (u8 dev = 0; dev < 32; dev++) {
        for (u8 fn = 0; fn < 8; fn++) {
            struct pci_dev d = { .bus = bus, .dev = dev, .fn = fn };
            u32 id = pci_read32(&d, 0);
            if ((id & 0xffff) == 0xffff) {
                if (fn == 0)
                    break;
                continue;
            }
            d.vendor = id & 0xffff;
            d.device = id >> 16;
            u8 htype = pci_read8(&d, 0x0e);
            if ((htype & 0x7f) == 1 && depth < 8)
                scan_bus(pci_read8(&d, 0x19), depth + 1); /* bridge: its secondary bus */
            else
                probe(&d);
            if (fn == 0 && !(htype & 0x80))
                break; /* single-function device */
        }
    }
}

/* A machine without PCI (QEMU's microvm) has nothing at ports 0xcf8/0xcfc: the host bridge's ID reads as
 * all ones. */
bool pci_present(void)
{
    struct pci_dev host = { 0 };
    return (pci_read32(&host, 0) & 0xffff) != 0xffff;
}

void pci_init(void)
{
    if (pci_present())
        scan_bus(0, 0);
}

#define CAP_MSIX 0x11

/* Enables MSI-X with one vector per entry in fns (entry i raises fns[i]); every other entry stays masked.
 * Returns the number of entries programmed, or -1 when the device has no MSI-X or no vector is free. */
int pci_msix_enable(struct pci_dev *d, int n, void (*const fns[])(void *), void *ctx)
{
    u8 cap = pci_find_cap(d, CAP_MSIX, 0);
    if (!cap)
        return -1;
    u16 ctl = pci_read16(d, cap + 2);
    int size = (ctl & 0x7ff) + 1;
    u32 table = pci_read32(d, cap + 4);
    u8 bir = table & 7;
    if (n > size || bir > 5 || !d->bar[bir] || paging_map_mmio(d->bar[bir] + (table & ~7u), (u64)size * 16))
        return -1;
    volatile u32 *t = (volatile u32 *)((u8 *)phys_to_virt(d->bar[bir]) + (table & ~7u));
    pci_write16(d, cap + 2, ctl | (1u << 14));            /* function mask while programming */
    for (int i = 0; i < size; i++)
        t[i * 4 + 3] = 1;                                  /* masked */
    for (int i = 0; i < n; i++) {
        u64 addr;
        u32 data;
        if (irq_alloc_msi(fns[i], ctx, &addr, &data) < 0)
            return -1;
        t[i * 4 + 0] = (u32)addr;
        t[i * 4 + 1] = (u32)(addr >> 32);
        t[i * 4 + 2] = data;
        t[i * 4 + 3] = 0;                                  /* unmasked */
    }
    pci_write16(d, cap + 2, (ctl | (1u << 15)) & ~(1u << 14)); /* enable, unmask the function */
    pci_write16(d, 0x04, pci_read16(d, 0x04) | (1u << 10)); /* INTx off */
    return n;
}
