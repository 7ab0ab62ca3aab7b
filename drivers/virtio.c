/* drivers/virtio.c — the transport-independent half of virtio 1.x (spec 1.1, sections 2 and 3): device
 * initialization and feature negotiation through the transport's ops, the driver registry, interrupts, and
 * split virtqueues, each in one page (descriptors, then the available ring, then the used ring). */
#include "virtio.h"
#include "../kernel/mm.h"
#include "../arch/x86_64/arch.h"

#define ST_ACKNOWLEDGE 1
#define ST_DRIVER 2
#define ST_DRIVER_OK 4
#define ST_FEATURES_OK 8
#define ST_FAILED 128

#define barrier() __asm__ volatile("" ::: "memory")

extern const struct virtio_driver virtio_console_driver, virtio_net_driver, virtio_9p_driver;
static const struct virtio_driver *const drivers[] = { &virtio_console_driver, &virtio_net_driver,
                                                       &virtio_9p_driver };

static const struct virtio_driver *find_driver(u32 device_id)
{
    for (size_t i = 0; i < ARRAY_SIZE(drivers); i++)
        if (drivers[i]->device_id == device_id)
            return drivers[i];
    return NULL;
}

bool virtio_has_driver(u32 device_id)
{
    return find_driver(device_id) != NULL;
}

int virtio_probe(struct virtio_dev *found)
{
    const struct virtio_driver *drv = find_driver(found->device_id);
    if (!drv)
        return -1;
    int err = drv->probe(found);
    if (err)
        klog("skiff: %s (virtio %s): probe failed\n", drv->name, found->ops->name);
    return err;
}

int virtio_init(struct virtio_dev *v, u64 wanted)
{
    v->ops->set_status(v, 0); /* reset */
    for (int spin = 0; v->ops->get_status(v); spin++) {
        if (spin > 1000000)
            return -1; /* a device that never finishes its reset */
        cpu_relax();
    }
    v->ops->set_status(v, ST_ACKNOWLEDGE | ST_DRIVER);
    u64 offered = v->ops->get_features(v, 0) | (u64)v->ops->get_features(v, 1) << 32;
    v->features = offered & (wanted | VIRTIO_F_VERSION_1);
    if (!(v->features & VIRTIO_F_VERSION_1))
        return -1; /* a legacy-only device: not supported */
    v->ops->set_features(v, 0, (u32)v->features);
    v->ops->set_features(v, 1, (u32)(v->features >> 32));
    v->ops->set_status(v, ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK);
    if (!(v->ops->get_status(v) & ST_FEATURES_OK)) {
        v->ops->set_status(v, ST_FAILED);
        return -1;
    }
    return 0;
}

int virtio_irq_setup(struct virtio_dev *v, void (*fn)(void *), void *ctx)
{
    v->irq_fn = fn;
    v->irq_ctx = ctx;
    return v->ops->irq_setup(v);
}

/* Interrupt context. Before DRIVER_OK a driver's queues may not exist yet: a shared line's interrupt that
 * arrives then is not ours to handle. */
void virtio_irq(struct virtio_dev *v)
{
    if (v->ready && v->irq_fn)
        v->irq_fn(v->irq_ctx);
}

const char *virtio_irq_kind(const struct virtio_dev *v)
{
    if (v->mmio)
        return "mmio IRQ";
    return v->msix ? "MSI-X" : "INTx";
}

int virtio_queue_setup(struct virtio_dev *v, struct virtq *q, u16 index)
{
    u16 max = v->ops->queue_select(v, index);
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
    return v->ops->queue_enable(v, q);
}

void virtio_driver_ok(struct virtio_dev *v)
{
    v->ops->set_status(v, v->ops->get_status(v) | ST_DRIVER_OK);
    v->ready = true;
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
    if (q->notify32)
        *(volatile u32 *)q->notify = q->index; /* MMIO registers take 32-bit writes only */
    else
        *(volatile u16 *)q->notify = q->index;
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
