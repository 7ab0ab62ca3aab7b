/* drivers/virtio.h — the virtio 1.x PCI transport ("modern"), written once for every virtio device: feature
 * negotiation, split virtqueues (descriptor table, available and used rings), notification, ISR. */
#ifndef SKIFF_VIRTIO_H
#define SKIFF_VIRTIO_H
#include "pci.h"

#define VIRTIO_F_VERSION_1 (1ull << 32)
#define VQ_MAX 128               /* descriptors per queue: the whole queue fits in one page */

struct vq_desc { u64 addr; u32 len; u16 flags, next; };
struct vq_used_elem { u32 id, len; };
#define VQ_DESC_F_NEXT 1
#define VQ_DESC_F_WRITE 2

struct virtq {
    u16 index, size;
    u16 free_head, num_free, last_used;
    struct vq_desc *desc;
    volatile u16 *avail;         /* flags, idx, ring[size] */
    volatile u8 *used;           /* flags, idx, ring[size] of vq_used_elem */
    volatile u16 *notify;        /* where a kick is written */
    void *cookie[VQ_MAX];
};

struct virtio_dev {
    struct pci_dev pci;
    volatile u8 *common, *isr, *device, *notify_base;
    u32 notify_mult;
    u64 features;
    bool msix;                   /* queues signal MSI-X entry 0 instead of INTx */
};

int virtio_pci_init(struct virtio_dev *v, const struct pci_dev *d, u64 wanted);   /* reset..FEATURES_OK */
int virtio_queue_setup(struct virtio_dev *v, struct virtq *q, u16 index);
void virtio_driver_ok(struct virtio_dev *v);
u8 virtio_isr(struct virtio_dev *v);                   /* reading acknowledges the interrupt */
struct vq_buf { void *buf; u32 len; bool device_writes; };
/* Queues a request of n buffers (the device-readable ones first); the cookie comes back from virtq_used. */
int virtq_add_chain(struct virtq *q, const struct vq_buf *bufs, int n, void *cookie);
/* Queues one buffer (device_writes: the device fills it); the cookie comes back from virtq_used. */
int virtq_add(struct virtq *q, void *buf, u32 len, bool device_writes, void *cookie);
void virtq_kick(struct virtq *q);
void *virtq_used(struct virtq *q, u32 *len);           /* the next completed buffer's cookie, or NULL */

#endif
