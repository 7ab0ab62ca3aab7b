/* drivers/virtio_mmio.c — the virtio MMIO transport, version 2 (virtio spec 1.1, section 4.2): each device
 * is a 512-byte register window plus an interrupt line; its configuration space starts at 0x100.
 *
 * Finding the devices. QEMU's microvm machine has no bus to enumerate: it describes its virtio-mmio
 * devices either in ACPI tables (acpi=on) or, with acpi=off, on the kernel command line as Linux's
 * `virtio_mmio.device=<size>@<base>:<irq>` words (its auto-kernel-cmdline). We take the command-line words:
 * they are the documented Linux interface (Firecracker writes the same ones), they name only the slots that
 * hold a device, and they give each one's interrupt, which the registers do not. Probing the transport
 * slots at fixed addresses instead would hard-code QEMU's internal layout (base, count and IRQ numbering
 * change with ioapic2) and, on pc, would read whatever PCI BAR the firmware placed there. A PVH boot gets
 * the words in its command line. QEMU writes them only into fw_cfg's Linux command line, never into a
 * multiboot information block, so a multiboot boot without such words reads that fw_cfg item for them.
 * QEMU flags: -M microvm,acpi=off -device virtio-serial-device / virtio-net-device / virtio-9p-device
 * (tools/skiff run --machine microvm; -global virtio-mmio.force-legacy=false for version 2). */
#include "virtio.h"
#include "virtio_mmio.h"
#include "fw_cfg.h"
#include "../kernel/boot.h"
#include "../kernel/mm.h"
#include "../arch/x86_64/arch.h"

#define MMIO_MAGIC 0x000
#define MMIO_VERSION 0x004
#define MMIO_DEVICE_ID 0x008
#define MMIO_DEVICE_FEATURES 0x010
#define MMIO_DEVICE_FEATURES_SEL 0x014
#define MMIO_DRIVER_FEATURES 0x020
#define MMIO_DRIVER_FEATURES_SEL 0x024
#define MMIO_QUEUE_SEL 0x030
#define MMIO_QUEUE_NUM_MAX 0x034
#define MMIO_QUEUE_NUM 0x038
#define MMIO_QUEUE_READY 0x044
#define MMIO_QUEUE_NOTIFY 0x050
#define MMIO_INTERRUPT_STATUS 0x060
#define MMIO_INTERRUPT_ACK 0x064
#define MMIO_STATUS 0x070
#define MMIO_QUEUE_DESC 0x080      /* low, high */
#define MMIO_QUEUE_DRIVER 0x090
#define MMIO_QUEUE_DEVICE 0x0a0
#define MMIO_CONFIG 0x100
#define MMIO_MAGIC_VALUE 0x74726976 /* "virt" */
#define MMIO_MIN_SIZE 0x200

#define MAX_MMIO_DEVS 32            /* words looked at: microvm has at most 24 transports */

/* Every register of the transport itself is 32 bits wide and takes only 32-bit accesses (4.2.2). */
static u32 rd(struct virtio_dev *v, u32 off) { return *(volatile u32 *)(v->mmio + off); }
static void wr(struct virtio_dev *v, u32 off, u32 val) { *(volatile u32 *)(v->mmio + off) = val; }
static void wr64(struct virtio_dev *v, u32 off, u64 val)
{
    wr(v, off, (u32)val);
    wr(v, off + 4, (u32)(val >> 32));
}

static u8 vm_get_status(struct virtio_dev *v) { return (u8)rd(v, MMIO_STATUS); }
static void vm_set_status(struct virtio_dev *v, u8 s) { wr(v, MMIO_STATUS, s); }

static u32 vm_get_features(struct virtio_dev *v, u32 word)
{
    wr(v, MMIO_DEVICE_FEATURES_SEL, word);
    return rd(v, MMIO_DEVICE_FEATURES);
}

static void vm_set_features(struct virtio_dev *v, u32 word, u32 bits)
{
    wr(v, MMIO_DRIVER_FEATURES_SEL, word);
    wr(v, MMIO_DRIVER_FEATURES, bits);
}

static u16 vm_queue_select(struct virtio_dev *v, u16 index)
{
    wr(v, MMIO_QUEUE_SEL, index);
    if (rd(v, MMIO_QUEUE_READY))
        return 0; /* in use already: never ours to set up again */
    return (u16)MIN(rd(v, MMIO_QUEUE_NUM_MAX), 0xffffu);
}

static int vm_queue_enable(struct virtio_dev *v, struct virtq *q)
{
    wr(v, MMIO_QUEUE_NUM, q->size);
    wr64(v, MMIO_QUEUE_DESC, virt_to_phys(q->desc));
    wr64(v, MMIO_QUEUE_DRIVER, virt_to_phys((void *)q->avail));
    wr64(v, MMIO_QUEUE_DEVICE, virt_to_phys((void *)q->used));
    q->notify = v->mmio + MMIO_QUEUE_NOTIFY;
    q->notify32 = true;
    wr(v, MMIO_QUEUE_READY, 1);
    return 0;
}

/* Interrupt context. The line is level-triggered and may be shared: the status register says whether it
 * was this device; acknowledging before the driver looks at its queues means a completion that comes
 * meanwhile raises the line again rather than being missed. */
static void vm_irq(void *ctx)
{
    struct virtio_dev *v = ctx;
    u32 status = rd(v, MMIO_INTERRUPT_STATUS);
    if (!status)
        return;
    wr(v, MMIO_INTERRUPT_ACK, status);
    virtio_irq(v);
}

static int vm_irq_setup(struct virtio_dev *v)
{
    if (v->irq < 0 || v->irq > 15) {
        klog("skiff: virtio-mmio: IRQ %d is beyond the PICs (run QEMU's microvm with ioapic2=off)\n", v->irq);
        return -1;
    }
    irq_register(v->irq, vm_irq, v);
    return 0;
}

static const struct virtio_ops virtio_mmio_ops = {
    .name = "mmio", .get_status = vm_get_status, .set_status = vm_set_status,
    .get_features = vm_get_features, .set_features = vm_set_features,
    .queue_select = vm_queue_select, .queue_enable = vm_queue_enable, .irq_setup = vm_irq_setup,
};

/* Takes the device in the window at base, if there is one of a kind we drive. */
static void probe_window(u64 base, u64 size, int irq)
{
    if (size < MMIO_MIN_SIZE || (base & 3) || paging_map_mmio(base, size)) {
        klog("skiff: virtio-mmio: unusable window %lx+%lx\n", base, size);
        return;
    }
    struct virtio_dev found = { .ops = &virtio_mmio_ops, .mmio = phys_to_virt(base), .irq = irq };
    if (rd(&found, MMIO_MAGIC) != MMIO_MAGIC_VALUE)
        return;
    u32 version = rd(&found, MMIO_VERSION);
    found.device_id = rd(&found, MMIO_DEVICE_ID);
    if (!found.device_id)
        return; /* an empty slot */
    if (version != 2) {
        kerr("skiff: virtio-mmio at %lx: version %u (legacy) is not supported: run QEMU with "
             "-global virtio-mmio.force-legacy=false\n", base, version);
        return;
    }
    found.device = found.mmio + MMIO_CONFIG;
    klog("skiff: virtio-mmio %lx irq %d: device %u\n", base, irq, found.device_id);
    virtio_probe(&found);
}

/* Probes the window of each virtio_mmio.device= word of cmdline; returns how many such words there were. */
static int probe_cmdline(const char *cmdline)
{
    static struct vmmio_window w[MAX_MMIO_DEVS];
    int n = vmmio_parse_cmdline(cmdline, w, MAX_MMIO_DEVS);
    for (int i = 0; i < n; i++) {
        if (w[i].ok)
            probe_window(w[i].base, w[i].size, w[i].irq);
        else
            klog("skiff: virtio-mmio: cannot use %.*s\n", w[i].len, w[i].word);
    }
    return n;
}

void virtio_mmio_init(void)
{
    /* fw_cfg is asked only where the words can be missing: a multiboot boot on a machine without PCI */
    if (probe_cmdline(boot.cmdline) || !boot.multiboot || pci_present())
        return;
    static char cmdline[2048];
    if (fw_cfg_cmdline(cmdline, sizeof(cmdline)) > 0)
        probe_cmdline(cmdline);
}
