/* drivers/virtio_net.c — virtio-net (virtio spec 1.1, section 5.1) on either transport: the one
 * network interface of net/net.h. Features: VERSION_1 and MAC only (no checksum or segmentation offloads, no
 * merged receive buffers), so every frame travels in one buffer after a 12-byte virtio_net_hdr of zeros.
 * The receive queue is kept full of 2 KiB buffers; the interrupt (MSI-X, else INTx) hands each received frame
 * to eth_input and gives its buffer straight back. Transmit copies a frame into a free buffer of a fixed pool
 * and returns: the device takes it asynchronously; buffers come back when it is done.
 * QEMU flags: -netdev user,id=n0 -device virtio-net-pci,netdev=n0 (virtio-net-device on microvm;
 * tools/skiff run --net). */
#include "virtio.h"
#include "../net/net.h"
#include "../kernel/mm.h"
#include "../arch/x86_64/arch.h"

#define F_MAC (1ull << 5)
#define NET_HDR 12                 /* struct virtio_net_hdr with VERSION_1: flags, gso_type, hdr_len, gso_size,
                                    * csum_start, csum_offset, num_buffers */
#define BUF_SIZE 2048              /* header + the largest frame, two to a page */
#define RX_BUFS 64
#define TX_BUFS 64

static struct virtio_dev vdev;
static struct virtq rxq, txq;
static u8 *rx_pool, *tx_pool;      /* RX_BUFS / TX_BUFS buffers of BUF_SIZE */
static u8 *tx_free[TX_BUFS];       /* transmit buffers not at the device */
static int tx_nfree;

static struct {
    u64 rx_frames, rx_bytes, rx_runt, tx_frames, tx_bytes, tx_ring_full;
} vnet_stats;

static void rx_post(u8 *buf)
{
    virtq_add(&rxq, buf, BUF_SIZE, true, buf);
}

static void tx_reclaim(void)
{
    u32 len;
    u8 *buf;
    while ((buf = virtq_used(&txq, &len)))
        tx_free[tx_nfree++] = buf;
}

static int vnet_xmit(const void *frame, size_t len)
{
    if (len > BUF_SIZE - NET_HDR)
        return -EMSGSIZE;
    tx_reclaim();
    if (!tx_nfree) { /* the device has not taken the last TX_BUFS frames: drop this one, as a full NIC does */
        vnet_stats.tx_ring_full++;
        return -ENOBUFS;
    }
    u8 *buf = tx_free[--tx_nfree];
    memset(buf, 0, NET_HDR);
    memcpy(buf + NET_HDR, frame, len);
    if (virtq_add(&txq, buf, (u32)(NET_HDR + len), false, buf)) {
        tx_free[tx_nfree++] = buf;
        vnet_stats.tx_ring_full++;
        return -ENOBUFS;
    }
    virtq_kick(&txq);
    vnet_stats.tx_frames++;
    vnet_stats.tx_bytes += len;
    return 0;
}

/* Every received frame goes up the stack; its buffer goes back to the device at once. */
static void vnet_rx(void)
{
    u32 len;
    u8 *buf;
    bool posted = false;
    while ((buf = virtq_used(&rxq, &len))) {
        if (len <= NET_HDR || len > BUF_SIZE) {
            vnet_stats.rx_runt++;
        } else {
            vnet_stats.rx_frames++;
            vnet_stats.rx_bytes += len - NET_HDR;
            eth_input(buf + NET_HDR, len - NET_HDR);
        }
        rx_post(buf);
        posted = true;
    }
    if (posted) {
        virtq_kick(&rxq);
        net_timer_poke(); /* input may have armed a timer (a delayed ACK, a retransmission) */
    }
    tx_reclaim();
}

/* Interrupt context (virtio.c calls it once the transport knows the interrupt is ours). */
static void vnet_irq(void *ctx)
{
    (void)ctx;
    vnet_rx();
}

static int vnet_probe(struct virtio_dev *found)
{
    if (net_if.present)
        return -1; /* skiff has one interface: the first device found */
    vdev = *found;
    if (virtio_init(&vdev, F_MAC) || !(vdev.features & F_MAC) || !vdev.device)
        return -1;
    if (virtio_irq_setup(&vdev, vnet_irq, NULL))
        return -1;
    if (virtio_queue_setup(&vdev, &rxq, 0) || virtio_queue_setup(&vdev, &txq, 1))
        return -1;
    int rx_bufs = MIN(RX_BUFS, (int)rxq.size), tx_bufs = MIN(TX_BUFS, (int)txq.size);
    rx_pool = page_alloc_n(RX_BUFS * BUF_SIZE / PAGE_SIZE);
    tx_pool = page_alloc_n(TX_BUFS * BUF_SIZE / PAGE_SIZE);
    if (!rx_pool || !tx_pool)
        return -1;
    for (int i = 0; i < 6; i++)
        net_if.mac[i] = *(volatile u8 *)(vdev.device + i);
    for (int i = 0; i < tx_bufs; i++)
        tx_free[tx_nfree++] = tx_pool + i * BUF_SIZE;
    virtio_driver_ok(&vdev);
    for (int i = 0; i < rx_bufs; i++)
        rx_post(rx_pool + i * BUF_SIZE);
    virtq_kick(&rxq);
    net_if.mtu = 1500;
    net_if.xmit = vnet_xmit;
    net_if.present = true;
    klog("skiff: virtio-net: %d receive buffers, %s\n", rx_bufs, virtio_irq_kind(&vdev));
    return 0;
}

/* For /proc/net/skiff: the driver's own counters. */
int virtio_net_stats(char *buf, size_t size)
{
    return ksnprintf(buf, size,
                     "nic_rx_frames %lu\nnic_rx_bytes %lu\nnic_rx_runt %lu\nnic_tx_frames %lu\nnic_tx_bytes %lu\n"
                     "nic_tx_ring_full %lu\n",
                     vnet_stats.rx_frames, vnet_stats.rx_bytes, vnet_stats.rx_runt, vnet_stats.tx_frames,
                     vnet_stats.tx_bytes, vnet_stats.tx_ring_full);
}

void virtio_net_counts(u64 *rx_bytes, u64 *rx_frames, u64 *tx_bytes, u64 *tx_frames)
{
    *rx_bytes = vnet_stats.rx_bytes;
    *rx_frames = vnet_stats.rx_frames;
    *tx_bytes = vnet_stats.tx_bytes;
    *tx_frames = vnet_stats.tx_frames;
}

const struct virtio_driver virtio_net_driver = {
    .name = "virtio-net", .device_id = VIRTIO_ID_NET, .probe = vnet_probe,
};
