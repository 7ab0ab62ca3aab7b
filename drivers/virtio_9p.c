/* drivers/virtio_9p.c — the 9P transport (virtio spec 1.1, section 5.11): one virtqueue ("requests"); each
 * request is a chain of two buffers, the T-message (device-readable) then room for the R-message
 * (device-writable); the used ring's length says how much of the second the device wrote. The device's
 * configuration holds the mount tag (tag_len[2] tag[tag_len], feature MOUNT_TAG). Several devices may be
 * present, one per volume; each is known by its tag (fs/p9.h: p9_trans_find).
 *
 * One request per device at a time (the client serializes). The caller sleeps while it waits, so other
 * tasks run; the device's interrupt (MSI-X) wakes it, and it also looks every few milliseconds, so a lost
 * or missing interrupt slows a request down but never stalls it. A device that does not answer within
 * V9P_TIMEOUT_NS is declared dead: that request and every later one fail with EIO (its buffers may still be
 * written by the device, so they are never reused). QEMU flags: -fsdev local,id=F,path=DIR,
 * security_model=none -device virtio-9p-pci,fsdev=F,mount_tag=TAG (virtio-9p-device on microvm;
 * tools/skiff run -v). */
#include "virtio.h"
#include "../fs/p9.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"
#include "../kernel/boot.h"
#include "../kernel/errno.h"
#include "../arch/x86_64/arch.h"

#define F_MOUNT_TAG (1ull << 0)
#define V9P_MAX_DEVS 16
#define V9P_TAG_MAX 64
#define V9P_TIMEOUT_NS (120ull * 1000000000ull) /* generous: the host may be a loaded machine running TCG */
#define V9P_POLL_NS (5ull * 1000000ull)

struct v9p {
    struct virtio_dev vdev;
    struct virtq q;
    struct p9_trans trans;
    char tag[V9P_TAG_MAX];
    bool dead;                   /* a request timed out: the device is not trusted again */
};

static struct v9p *devs[V9P_MAX_DEVS];
static int ndevs;

/* Interrupt context: the waiting task looks at the used ring again. */
static void v9p_irq(void *ctx)
{
    (void)ctx;
    sched_wake_io_waiters();
}

/* Sleeps (other tasks run) until the answer is in the used ring, up to V9P_TIMEOUT_NS. Before the first
 * task exists, or with a signal pending (which ends a sleep at once), it halts until the next interrupt. */
static int v9p_wait(struct v9p *d, u32 *len)
{
    u64 deadline = clock_monotonic_ns() + V9P_TIMEOUT_NS;
    for (;;) {
        if (virtq_used(&d->q, len))
            return 0;
        u64 now = clock_monotonic_ns();
        if (now >= deadline)
            return -EIO;
        u64 ns = MIN(deadline - now, V9P_POLL_NS);
        if (current && !signal_pending())
            sched_wait(ns);
        else
            irq_wait(ns);
    }
}

static int v9p_rpc(struct p9_trans *t, const void *req, u32 tlen, void *resp, u32 rcap, u32 *rlen)
{
    struct v9p *d = t->priv;
    if (d->dead)
        return -EIO;
    struct vq_buf bufs[2] = { { (void *)req, tlen, false }, { resp, rcap, true } };
    if (virtq_add_chain(&d->q, bufs, 2, d))
        return -EIO; /* cannot happen with one request at a time */
    virtq_kick(&d->q);
    if (v9p_wait(d, rlen)) {
        d->dead = true;
        kerr("skiff: virtio-9p %s: no answer from the device in %llu s: its files fail with EIO from now on\n",
             d->tag, V9P_TIMEOUT_NS / 1000000000ull);
        return -EIO;
    }
    if (*rlen > rcap)
        return -EIO;
    return 0;
}

static bool read_tag(struct v9p *d)
{
    if (!(d->vdev.features & F_MOUNT_TAG) || !d->vdev.device)
        return false;
    volatile u8 *cfg = d->vdev.device;
    u16 len = (u16)(cfg[0] | cfg[1] << 8);
    if (!len || len >= V9P_TAG_MAX)
        return false;
    for (u16 i = 0; i < len; i++)
        d->tag[i] = (char)cfg[2 + i];
    d->tag[len] = 0;
    return strlen(d->tag) == len;
}

static int v9p_probe(struct virtio_dev *found)
{
    if (ndevs == V9P_MAX_DEVS)
        return -1;
    struct v9p *d = kzalloc(sizeof *d);
    if (!d)
        return -1;
    d->vdev = *found;
    if (virtio_init(&d->vdev, F_MOUNT_TAG) || !read_tag(d) || p9_trans_find(d->tag)) {
        klog("skiff: virtio-9p: a device without a usable, unique mount tag: ignored\n");
        kfree(d);
        return -1;
    }
    /* d is never freed once its interrupt is routed: the handler may still be called with it */
    if (virtio_irq_setup(&d->vdev, v9p_irq, d) || virtio_queue_setup(&d->vdev, &d->q, 0))
        return -1;
    virtio_driver_ok(&d->vdev);
    d->trans = (struct p9_trans){ .tag = d->tag, .rpc = v9p_rpc, .priv = d };
    devs[ndevs++] = d;
    klog("skiff: virtio-9p: mount tag %s, %s\n", d->tag, virtio_irq_kind(&d->vdev));
    return 0;
}

struct p9_trans *p9_trans_find(const char *tag)
{
    for (int i = 0; i < ndevs; i++)
        if (!strcmp(devs[i]->tag, tag))
            return &devs[i]->trans;
    return NULL;
}

void p9_trans_list(char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = 0;
    for (int i = 0; i < ndevs && n < size; i++)
        n += (size_t)ksnprintf(buf + n, size - n, "%s%s", i ? " " : "", devs[i]->tag);
    if (!ndevs)
        ksnprintf(buf, size, "(none)");
}

const struct virtio_driver virtio_9p_driver = {
    .name = "virtio-9p", .device_id = VIRTIO_ID_9P, .probe = v9p_probe,
};
