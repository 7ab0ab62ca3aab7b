/* drivers/virtio_pci.c — the virtio 1.x PCI transport ("modern", virtio spec 1.1, section 4.1): the vendor
 * capabilities locate the common, notify, ISR and device configuration structures in the BARs. The PCI
 * driver takes every function with vendor 0x1af4 whose virtio device ID has a driver (virtio.c), so the
 * transport never needs to know the device types.
 * QEMU flags: -device virtio-serial-pci / virtio-net-pci / virtio-9p-pci (tools/skiff, --machine pc|q35). */
#include "virtio.h"
#include "../kernel/mm.h"
#include "../arch/x86_64/arch.h"

#define CAP_VENDOR 0x09
#define CFG_COMMON 1
#define CFG_NOTIFY 2
#define CFG_ISR 3
#define CFG_DEVICE 4

/* Offsets in struct virtio_pci_common_cfg. */
#define C_DFSELECT 0
#define C_DF 4
#define C_GFSELECT 8
#define C_GF 12
#define C_NUMQ 18
#define C_STATUS 20
#define C_QSELECT 22
#define C_QSIZE 24
#define C_QMSIX 26
#define C_QENABLE 28
#define C_QNOFF 30
#define C_QDESC 32
#define C_QDRIVER 40
#define C_QDEVICE 48

#define PCI_VENDOR_VIRTIO 0x1af4
#define PCI_SUBSYSTEM_ID 0x2e

static void w8(volatile u8 *b, u32 off, u8 v) { *(volatile u8 *)(b + off) = v; }
static void w16(volatile u8 *b, u32 off, u16 v) { *(volatile u16 *)(b + off) = v; }
static void w32(volatile u8 *b, u32 off, u32 v) { *(volatile u32 *)(b + off) = v; }
static void w64(volatile u8 *b, u32 off, u64 v) { w32(b, off, (u32)v); w32(b, off + 4, (u32)(v >> 32)); }
static u8 r8(volatile u8 *b, u32 off) { return *(volatile u8 *)(b + off); }
static u16 r16(volatile u8 *b, u32 off) { return *(volatile u16 *)(b + off); }
static u32 r32(volatile u8 *b, u32 off) { return *(volatile u32 *)(b + off); }

static u8 vp_get_status(struct virtio_dev *v) { return r8(v->common, C_STATUS); }
static void vp_set_status(struct virtio_dev *v, u8 s) { w8(v->common, C_STATUS, s); }

static u32 vp_get_features(struct virtio_dev *v, u32 word)
{
    w32(v->common, C_DFSELECT, word);
    return r32(v->common, C_DF);
}

static void vp_set_features(struct virtio_dev *v, u32 word, u32 bits)
{
    w32(v->common, C_GFSELECT, word);
    w32(v->common, C_GF, bits);
}

static u16 vp_queue_select(struct virtio_dev *v, u16 index)
{
    if (index >= r16(v->common, C_NUMQ))
        return 0;
    w16(v->common, C_QSELECT, index);
    return r16(v->common, C_QSIZE);
}

static int vp_queue_enable(struct virtio_dev *v, struct virtq *q)
{
    w16(v->common, C_QSIZE, q->size);
    w16(v->common, C_QMSIX, v->msix ? 0 : 0xffff); /* MSI-X entry 0, or none: INTx */
    if (v->msix && r16(v->common, C_QMSIX) != 0)
        return -1; /* the device refused the vector */
    w64(v->common, C_QDESC, virt_to_phys(q->desc));
    w64(v->common, C_QDRIVER, virt_to_phys((void *)q->avail));
    w64(v->common, C_QDEVICE, virt_to_phys((void *)q->used));
    q->notify = v->notify_base + (u32)r16(v->common, C_QNOFF) * v->notify_mult;
    q->notify32 = false;
    w16(v->common, C_QENABLE, 1);
    return 0;
}

/* MSI-X is never shared and needs no ISR read. */
static void vp_msi(void *ctx)
{
    virtio_irq(ctx);
}

/* INTx may be shared: reading the ISR says whether it was this device, and acknowledges it. */
static void vp_intx(void *ctx)
{
    struct virtio_dev *v = ctx;
    if (*v->isr)
        virtio_irq(v);
}

static int vp_irq_setup(struct virtio_dev *v)
{
    static void (*const fns[1])(void *) = { vp_msi };
    v->msix = pci_msix_enable(&v->pci, 1, fns, v) == 1;
    if (!v->msix)
        irq_register(v->pci.irq_line & 15, vp_intx, v);
    return 0;
}

static const struct virtio_ops virtio_pci_ops = {
    .name = "pci", .get_status = vp_get_status, .set_status = vp_set_status,
    .get_features = vp_get_features, .set_features = vp_set_features,
    .queue_select = vp_queue_select, .queue_enable = vp_queue_enable, .irq_setup = vp_irq_setup,
};

static volatile u8 *cap_ptr(struct virtio_dev *v, u8 cap)
{
    u8 bar = pci_read8(&v->pci, cap + 4);
    u32 off = pci_read32(&v->pci, cap + 8), len = pci_read32(&v->pci, cap + 12);
    if (bar > 5 || !v->pci.bar[bar])
        return NULL;
    if (paging_map_mmio(v->pci.bar[bar] + off, len))
        return NULL;
    return (volatile u8 *)phys_to_virt(v->pci.bar[bar]) + off;
}

static int find_caps(struct virtio_dev *v)
{
    for (u8 cap = pci_find_cap(&v->pci, CAP_VENDOR, 0); cap; cap = pci_find_cap(&v->pci, CAP_VENDOR, cap)) {
        u8 type = pci_read8(&v->pci, cap + 3);
        volatile u8 *p = (type >= CFG_COMMON && type <= CFG_DEVICE) ? cap_ptr(v, cap) : NULL;
        if (type == CFG_COMMON && !v->common)
            v->common = p;
        else if (type == CFG_NOTIFY && !v->notify_base) {
            v->notify_base = p;
            v->notify_mult = pci_read32(&v->pci, cap + 16);
        } else if (type == CFG_ISR && !v->isr)
            v->isr = p;
        else if (type == CFG_DEVICE && !v->device)
            v->device = p;
    }
    return v->common && v->notify_base && v->isr ? 0 : -1;
}

/* The virtio device ID: a modern device's PCI ID is 0x1040 + it; a transitional one (0x1000-0x103f) has
 * it as its subsystem ID (spec 4.1.2.1). */
static u32 device_id(const struct pci_dev *d)
{
    if (d->device >= 0x1040 && d->device <= 0x107f)
        return d->device - 0x1040u;
    if (d->device >= 0x1000 && d->device <= 0x103f)
        return pci_read16(d, PCI_SUBSYSTEM_ID);
    return 0;
}

static bool vp_match(const struct pci_dev *d)
{
    return d->vendor == PCI_VENDOR_VIRTIO && virtio_has_driver(device_id(d));
}

static int vp_probe(struct pci_dev *d)
{
    struct virtio_dev found = { .ops = &virtio_pci_ops, .device_id = device_id(d), .pci = *d };
    if (find_caps(&found))
        return -1; /* a legacy-only device: not supported */
    return virtio_probe(&found);
}

const struct pci_driver virtio_pci_driver = { .name = "virtio", .match = vp_match, .probe = vp_probe };
