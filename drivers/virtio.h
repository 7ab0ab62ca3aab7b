/* drivers/virtio.h — virtio 1.x, written once for every virtio device and both transports: feature
 * negotiation, split virtqueues (descriptor table, available and used rings), notification, interrupts.
 * A transport (virtio_pci.c: "modern" PCI, spec 4.1; virtio_mmio.c: MMIO version 2, spec 4.2) finds a device,
 * fills in a struct virtio_dev with its ops and calls virtio_probe, which hands it to the driver registered
 * for its device ID (virtio_console.c, virtio_net.c, virtio_9p.c). A driver never looks at the transport. */
#ifndef SKIFF_VIRTIO_H
#define SKIFF_VIRTIO_H
#include "pci.h"

#define VIRTIO_F_VERSION_1 (1ull << 32)
#define VQ_MAX 128               /* descriptors per queue: the whole queue fits in one page */

#define VIRTIO_ID_NET 1
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_9P 9

struct vq_desc { u64 addr; u32 len; u16 flags, next; };
struct vq_used_elem { u32 id, len; };
_Static_assert(sizeof(struct vq_desc) == 16, "virtq_desc layout (spec 2.7.5)");
_Static_assert(sizeof(struct vq_used_elem) == 8, "virtq_used_elem layout (spec 2.7.8)");
#define VQ_DESC_F_NEXT 1
#define VQ_DESC_F_WRITE 2

struct virtq {
    u16 index, size;
    u16 free_head, num_free, last_used;
    struct vq_desc *desc;
    volatile u16 *avail;         /* flags, idx, ring[size] */
    volatile u8 *used;           /* flags, idx, ring[size] of vq_used_elem */
    volatile void *notify;       /* where a kick is written: the queue's index, 16 bits (PCI) or 32 (MMIO) */
    bool notify32;
    void *cookie[VQ_MAX];
};

struct virtio_dev;

/* What a transport does for the common code (the register layouts differ; the steps do not). */
struct virtio_ops {
    const char *name;
    u8 (*get_status)(struct virtio_dev *v);
    void (*set_status)(struct virtio_dev *v, u8 status);
    u32 (*get_features)(struct virtio_dev *v, u32 word);             /* feature bits 32*word.. */
    void (*set_features)(struct virtio_dev *v, u32 word, u32 bits);
    u16 (*queue_select)(struct virtio_dev *v, u16 index);            /* its maximum size; 0: no such queue */
    int (*queue_enable)(struct virtio_dev *v, struct virtq *q);       /* the selected queue: size, rings, go */
    int (*irq_setup)(struct virtio_dev *v);                          /* route the interrupt to virtio_irq */
};

struct virtio_dev {
    const struct virtio_ops *ops;
    u32 device_id;               /* VIRTIO_ID_* */
    volatile u8 *device;         /* the device-specific configuration, or NULL */
    u64 features;                /* negotiated */
    void (*irq_fn)(void *);      /* the driver's handler: look at the queues */
    void *irq_ctx;
    bool ready;                  /* DRIVER_OK sent: irq_fn may run */
    /* PCI transport */
    struct pci_dev pci;
    volatile u8 *common, *isr, *notify_base;
    u32 notify_mult;
    bool msix;                   /* queues signal MSI-X entry 0 instead of INTx */
    /* MMIO transport */
    volatile u8 *mmio;
    int irq;                     /* the ISA IRQ its interrupt line arrives on */
};

struct virtio_driver {
    const char *name;
    u32 device_id;
    int (*probe)(struct virtio_dev *found);  /* copies *found, then virtio_init etc.; 0 when it took it */
};

/* Transports call this for each device they find; returns the driver's probe result, -1 without a driver. */
int virtio_probe(struct virtio_dev *found);
bool virtio_has_driver(u32 device_id);
/* Called by the transport's interrupt handler once it knows the interrupt is this device's. */
void virtio_irq(struct virtio_dev *v);

/* The driver's steps, in order: virtio_init (reset .. FEATURES_OK), virtio_irq_setup (before the queues:
 * PCI binds each queue to its MSI-X vector), virtio_queue_setup for each queue, virtio_driver_ok. */
int virtio_init(struct virtio_dev *v, u64 wanted);
int virtio_irq_setup(struct virtio_dev *v, void (*fn)(void *), void *ctx);
int virtio_queue_setup(struct virtio_dev *v, struct virtq *q, u16 index);
void virtio_driver_ok(struct virtio_dev *v);
const char *virtio_irq_kind(const struct virtio_dev *v); /* "MSI-X", "INTx" or "IRQ n", for the log */

struct vq_buf { void *buf; u32 len; bool device_writes; };
/* Queues a request of n buffers (the device-readable ones first); the cookie comes back from virtq_used. */
int virtq_add_chain(struct virtq *q, const struct vq_buf *bufs, int n, void *cookie);
/* Queues one buffer (device_writes: the device fills it); the cookie comes back from virtq_used. */
int virtq_add(struct virtq *q, void *buf, u32 len, bool device_writes, void *cookie);
void virtq_kick(struct virtq *q);
void *virtq_used(struct virtq *q, u32 *len);           /* the next completed buffer's cookie, or NULL */

/* virtio_mmio.c */
void virtio_mmio_init(void);  /* the devices named by virtio_mmio.device= (microvm); none elsewhere */

#endif
