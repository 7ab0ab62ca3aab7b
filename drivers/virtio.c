/* drivers/virtio.c — virtio 1.x over PCI (virtio spec 1.1, section 4.1): the vendor capabilities locate the
 * common, notify, ISR and device configuration structures in the BARs; each split virtqueue lives in one
 * page (descriptors, then the available ring, then the used ring). */
#include "virtio.h"
#include "../kernel/mm.h"
#include "../arch/x86_64/arch.h"

#define CAP_VENDOR 0x09
#define CFG_COMMON 1
#define CFG_NOTIFY 2
#define CFG_ISR 3
#define CFG_DEVICE 4

#define ST_ACKNOWLEDGE 1
#define ST_DRIVER 2
#define ST_DRIVER_OK 4
#define ST_FEATURES_OK 8
#define ST_FAILED 128

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

#define barrier() __asm__ volatile("" ::: "memory")

static void w8(volatile u8 *b, u32 off, u8 v) { *(volatile u8 *)(b + off) = v; }
static void w16(volatile u8 *b, u32 off, u16 v) { *(volatile u16 *)(b + off) = v; }
static void w32(volatile u8 *b, u32 off, u32 v) { *(volatile u32 *)(b + off) = v; }
static void w64(volatile u8 *b, u32 off, u64 v) { w32(b, off, (u32)v); w32(b, off + 4, (u32)(v >> 32)); }
static u8 r8(volatile u8 *b, u32 off) { return *(volatile u8 *)(b + off); }
static u16 r16(volatile u8 *b, u32 off) { return *(volatile u16 *)(b + off); }
static u32 r32(volatile u8 *b, u32 off) { return *(volatile u32 *)(b + off); }

static volatile u8 *cap_ptr(struct virtio_dev *v, u8 cap)
{
    u8 bar = pci_read8(&v->pci, cap + 4);
    u32 off = pci_read32(&v->pci, cap + 8);
    if (bar > 5 || !v->pci.bar[bar])
        return NULL;
    if (paging_map_mmio(v->pci.bar[bar], v->pci.bar_len[bar]))
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

int virtio_pci_init(struct virtio_dev *v, const struct pci_dev *d, u64 wanted)
{
    v->pci = *d;
    if (find_caps(v))
        return -1; /* a legacy-only device: not supported */
    w8(v->common, C_STATUS, 0); /* reset */
    while (r8(v->common, C_STATUS))
        cpu_relax();
    w8(v->common, C_STATUS, ST_ACKNOWLEDGE | ST_DRIVER);
    w32(v->common, C_DFSELECT, 0);
    u64 offered = r32(v->common, C_DF);
    w32(v->common, C_DFSELECT, 1);
    offered |= (u64)r32(v->common, C_DF) << 32;
    v->features = offered & (wanted | VIRTIO_F_VERSION_1);
    if (!(v->features & VIRTIO_F_VERSION_1))
        return -1;
    w32(v->common, C_GFSELECT, 0);
    w32(v->common, C_GF, (u32)v->features);
    w32(v->common, C_GFSELECT, 1);
    w32(v->common, C_GF, (u32)(v->features >> 32));
    w8(v->common, C_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK);
    if (!(r8(v->common, C_STATUS) & ST_FEATURES_OK)) {
        w8(v->common, C_STATUS, ST_FAILED);
        return -1;
    }
    return 0;
}

int virtio_queue_setup(struct virtio_dev *v, struct virtq *q, u16 index)
{
    if (index >= r16(v->common, C_NUMQ))
        return -1;
    w16(v->common, C_QSELECT, index);
    u16 max = r16(v->common, C_QSIZE);
    if (!max)
        return -1;
    u16 size = MIN(max, VQ_MAX);
    u8 *page = page_alloc();
    if (!page)
        return -1;
    *q = (struct virtq){ .index = index, .size = size, .num_free = size };
    q->desc = (struct vq_desc *)page;
    q->avail = (volatile u16 *)(page + size * sizeof(struct vq_desc));
    q->used = page + ALIGN_UP(size * sizeof(struct vq_desc) + 6 + 2 * size, 4);
    for (u16 i = 0; i < size; i++)
        q->desc[i].next = i + 1;
    w16(v->common, C_QSIZE, size);
    w16(v->common, C_QMSIX, v->msix ? 0 : 0xffff); /* MSI-X entry 0, or none: INTx */
    if (v->msix && r16(v->common, C_QMSIX) != 0)
        return -1; /* the device refused the vector */
    w64(v->common, C_QDESC, virt_to_phys(q->desc));
    w64(v->common, C_QDRIVER, virt_to_phys((void *)q->avail));
    w64(v->common, C_QDEVICE, virt_to_phys((void *)q->used));
    q->notify = (volatile u16 *)(v->notify_base + (u32)r16(v->common, C_QNOFF) * v->notify_mult);
    w16(v->common, C_QENABLE, 1);
    return 0;
}

void virtio_driver_ok(struct virtio_dev *v)
{
    w8(v->common, C_STATUS, r8(v->common, C_STATUS) | ST_DRIVER_OK);
}

u8 virtio_isr(struct virtio_dev *v)
{
    return *v->isr;
}

/* Chains n buffers through their descriptors' next fields and publishes the head: the device sees one
 * request made of them, readable ones first (virtio requires it), then the ones it writes. */
int virtq_add_chain(struct virtq *q, const struct vq_buf *bufs, int n, void *cookie)
{
    if (n < 1 || n > q->num_free)
        return -1;
    u16 head = q->free_head, id = head;
    for (int i = 0; i < n; i++) {
        u16 next = q->desc[id].next;
        u16 flags = (u16)((bufs[i].device_writes ? VQ_DESC_F_WRITE : 0) | (i + 1 < n ? VQ_DESC_F_NEXT : 0));
        q->desc[id] = (struct vq_desc){ virt_to_phys(bufs[i].buf), bufs[i].len, flags, i + 1 < n ? next : 0 };
        q->free_head = next;
        id = next;
    }
    q->num_free = (u16)(q->num_free - n);
    q->cookie[head] = cookie;
    u16 idx = q->avail[1];
    q->avail[2 + idx % q->size] = head;
    barrier(); /* the ring entry before the index that publishes it (x86 keeps stores in order) */
    q->avail[1] = idx + 1;
    return 0;
}

int virtq_add(struct virtq *q, void *buf, u32 len, bool device_writes, void *cookie)
{
    struct vq_buf one = { buf, len, device_writes };
    return virtq_add_chain(q, &one, 1, cookie);
}

void virtq_kick(struct virtq *q)
{
    barrier();
    *q->notify = q->index;
}

void *virtq_used(struct virtq *q, u32 *len)
{
    u16 used_idx = *(volatile u16 *)(q->used + 2);
    if (q->last_used == used_idx)
        return NULL;
    barrier();
    volatile struct vq_used_elem *e = (volatile struct vq_used_elem *)(q->used + 4) + q->last_used % q->size;
    u16 id = (u16)e->id;
    *len = e->len;
    q->last_used++;
    if (id >= q->size)
        return NULL; /* a broken device: nothing of ours to give back */
    void *cookie = q->cookie[id];
    u16 last = id, n = 1;
    while ((q->desc[last].flags & VQ_DESC_F_NEXT) && n < q->size) { /* the whole chain goes back */
        last = q->desc[last].next;
        n++;
    }
    q->desc[last].next = q->free_head;
    q->free_head = id;
    q->num_free = (u16)(q->num_free + n);
    return cookie;
}
