/* drivers/virtio_console.c — virtio-console with MULTIPORT (virtio spec 1.1, section 5.3): named ports carry
 * the program's stdin, stdout and stderr. The host names them skiff.stdin, skiff.stdout and skiff.stderr, or
 * skiff.tty for a terminal that carries stdin and stdout both; skiff.signal carries the host's signals for the
 * first process (drivers/vcon_signal.c).
 * QEMU flags: -device virtio-serial-pci,max_ports=5 (or virtio-serial-device on microvm) -chardev ...,id=o
 * -device virtserialport,chardev=o,name=skiff.stdout (and the same for skiff.stderr and skiff.stdin).
 * Receive is interrupt-driven (MSI-X, or INTx when the device has no MSI-X, or the MMIO device's line);
 * transmit waits for the device to take each buffer, so output is never lost at power-off. */
#include "virtio.h"
#include "vcon.h"
#include "tty.h"
#include "console.h"
#include "../kernel/mm.h"
#include "../arch/x86_64/arch.h"

#define F_SIZE (1ull << 0)
#define F_MULTIPORT (1ull << 1)
#define MAX_PORTS 5 /* port 0 (unused: the console port) and four named ones */
#define CTRL_DEVICE_READY 0
#define CTRL_DEVICE_ADD 1
#define CTRL_PORT_READY 3
#define CTRL_PORT_OPEN 6
#define CTRL_PORT_NAME 7
#define RX_BUF 512
#define RX_BUFS 8

struct ctrl_msg { u32 id; u16 event, value; };

struct port {
    bool present;
    enum vcon_role role;          /* VCON_NONE until named */
    struct virtq rx, tx;
    u8 *rx_page;                  /* RX_BUFS buffers of RX_BUF bytes */
    u8 *tx_page;
    bool opened;                  /* we sent PORT_OPEN */
};

static struct virtio_dev vdev;
static bool ready;
static struct virtq ctrl_rx, ctrl_tx;
static u8 *ctrl_rx_page, *ctrl_tx_page;
static struct port ports[MAX_PORTS];
static struct port *by_role[VCON_ROLES];
static int ports_added, ports_named;

static u16 rx_queue(u32 id) { return id == 0 ? 0 : (u16)(2 * id + 2); }

static void post_rx(struct virtq *q, u8 *page, u32 size, int count)
{
    for (int i = 0; i < count; i++)
        virtq_add(q, page + i * size, size, true, page + i * size);
    virtq_kick(q);
}

/* Sends a control message and waits for the device to take it. */
static void ctrl_send(u32 id, u16 event, u16 value)
{
    struct ctrl_msg *m = (struct ctrl_msg *)ctrl_tx_page;
    *m = (struct ctrl_msg){ id, event, value };
    if (virtq_add(&ctrl_tx, m, sizeof(*m), false, m))
        return;
    virtq_kick(&ctrl_tx);
    u32 len;
    for (int spin = 0; spin < 10000000 && !virtq_used(&ctrl_tx, &len); spin++)
        cpu_relax();
}

static void name_port(struct port *p, const char *name, u32 len)
{
    while (len && name[len - 1] == 0)
        len--; /* QEMU sends the name with its NUL */
    if (len == 9 && memcmp(name, "skiff.tty", 9) == 0) {
        /* A terminal: one port carries both directions (QEMU's stdio chardev cannot be split in two). */
        by_role[VCON_STDIN] = by_role[VCON_STDOUT] = p;
        p->role = VCON_STDOUT;
        return;
    }
    static const char *const names[VCON_ROLES] = { "skiff.stdin", "skiff.stdout", "skiff.stderr", "skiff.signal" };
    for (int r = 0; r < VCON_ROLES; r++) {
        if (strlen(names[r]) == len && memcmp(names[r], name, len) == 0) {
            p->role = (enum vcon_role)r;
            by_role[r] = p;
        }
    }
}

static void handle_ctrl(const u8 *buf, u32 len)
{
    if (len < sizeof(struct ctrl_msg))
        return;
    const struct ctrl_msg *m = (const struct ctrl_msg *)buf;
    if (m->id >= MAX_PORTS)
        return;
    struct port *p = &ports[m->id];
    switch (m->event) {
    case CTRL_DEVICE_ADD:
        ports_added++;
        p->present = true;
        p->role = VCON_NONE;
        ctrl_send(m->id, CTRL_PORT_READY, 1);
        break;
    case CTRL_PORT_NAME:
        ports_named++;
        name_port(p, (const char *)(m + 1), len - sizeof(*m));
        break;
    case CTRL_PORT_OPEN:
        if (!m->value && p == by_role[VCON_STDIN])
            tty_host_eof(&tty_console); /* the host's stdin ended */
        break;
    }
}

static void poll_ctrl(void)
{
    u32 len;
    u8 *buf;
    while ((buf = virtq_used(&ctrl_rx, &len))) {
        handle_ctrl(buf, len);
        virtq_add(&ctrl_rx, buf, RX_BUF, true, buf);
        virtq_kick(&ctrl_rx);
    }
}

/* Takes received buffers only while the tty has room for a whole one; the rest wait in the used ring and
 * the host waits for buffers, so a fast writer is slowed down rather than losing data. */
static void poll_stdin(void)
{
    struct port *p = by_role[VCON_STDIN];
    if (!p || !p->rx_page)
        return;
    u32 len;
    u8 *buf;
    while (tty_room(&tty_console) >= RX_BUF && (buf = virtq_used(&p->rx, &len))) {
        for (u32 i = 0; i < len && i < RX_BUF; i++)
            tty_input(&tty_console, buf[i]);
        virtq_add(&p->rx, buf, RX_BUF, true, buf);
        virtq_kick(&p->rx);
    }
}

/* The host's signal messages: few and small, each buffer handed on and given back at once. */
static void poll_signal(void)
{
    struct port *p = by_role[VCON_SIGNAL];
    if (!p || !p->rx_page)
        return;
    u32 len;
    u8 *buf;
    while ((buf = virtq_used(&p->rx, &len))) {
        vsig_input(buf, MIN(len, (u32)RX_BUF));
        virtq_add(&p->rx, buf, RX_BUF, true, buf);
        virtq_kick(&p->rx);
    }
}

/* Interrupt context (virtio.c calls it once the transport knows the interrupt is ours). */
static void vcon_irq(void *ctx)
{
    (void)ctx;
    poll_ctrl();
    poll_stdin();
    poll_signal();
}

static int setup_port_queues(u32 id)
{
    struct port *p = &ports[id];
    if (virtio_queue_setup(&vdev, &p->rx, rx_queue(id)) || virtio_queue_setup(&vdev, &p->tx, rx_queue(id) + 1))
        return -1;
    p->rx_page = page_alloc();
    p->tx_page = page_alloc();
    return p->rx_page && p->tx_page ? 0 : -1;
}

static int vcon_probe(struct virtio_dev *found)
{
    if (ready)
        return -1; /* one console: the first device found */
    vdev = *found;
    if (virtio_init(&vdev, F_MULTIPORT) || !(vdev.features & F_MULTIPORT) || !vdev.device)
        return -1;
    if (virtio_irq_setup(&vdev, vcon_irq, NULL))
        return -1;
    u32 max_ports = *(volatile u32 *)(vdev.device + 4);
    u32 nports = MIN(max_ports, (u32)MAX_PORTS);
    for (u32 id = 0; id < nports; id++)
        if (setup_port_queues(id))
            return -1;
    if (virtio_queue_setup(&vdev, &ctrl_rx, 2) || virtio_queue_setup(&vdev, &ctrl_tx, 3))
        return -1;
    ctrl_rx_page = page_alloc();
    ctrl_tx_page = page_alloc();
    if (!ctrl_rx_page || !ctrl_tx_page)
        return -1;
    virtio_driver_ok(&vdev);
    post_rx(&ctrl_rx, ctrl_rx_page, RX_BUF, RX_BUFS);
    ctrl_send(0, CTRL_DEVICE_READY, 1);
    /* QEMU answers DEVICE_READY with DEVICE_ADD for each port, and PORT_READY with its name, at once; a
     * device that takes longer gets a few more rounds. */
    for (int round = 0; round < 64 && (!ports_added || ports_named < ports_added); round++) {
        poll_ctrl();
        cpu_relax();
    }
    for (int r = 0; r < VCON_ROLES; r++) {
        struct port *p = by_role[r];
        if (!p)
            continue;
        u32 id = (u32)(p - ports);
        if (r == VCON_STDIN || r == VCON_SIGNAL)
            post_rx(&p->rx, p->rx_page, RX_BUF, RX_BUFS);
        if (!p->opened)
            ctrl_send(id, CTRL_PORT_OPEN, 1);
        p->opened = true;
    }
    console_set_source_poll(vcon_poll_input);
    ready = true;
    klog("skiff: virtio-console: stdin %s, stdout %s, stderr %s, signal %s, %s\n", by_role[VCON_STDIN] ? "yes" : "no",
         by_role[VCON_STDOUT] ? "yes" : "no", by_role[VCON_STDERR] ? "yes" : "no",
         by_role[VCON_SIGNAL] ? "yes" : "no", virtio_irq_kind(&vdev));
    return 0;
}

bool vcon_has(enum vcon_role r)
{
    return ready && by_role[r];
}

/* Writes a kernel buffer to a port, a page at a time, waiting for the device to take each one. */
void vcon_write(enum vcon_role r, const char *s, size_t n)
{
    struct port *p = by_role[r];
    u32 len;
    while (n) {
        size_t c = MIN(n, PAGE_SIZE);
        memcpy(p->tx_page, s, c);
        if (virtq_add(&p->tx, p->tx_page, (u32)c, false, p->tx_page))
            return;
        virtq_kick(&p->tx);
        while (!virtq_used(&p->tx, &len))
            irq_wait(1000000); /* the host's end is full: wait, halted, for it to drain */
        s += c;
        n -= c;
    }
}

void vcon_poll_input(void)
{
    if (ready) {
        poll_ctrl();
        poll_stdin();
    }
}

const struct virtio_driver virtio_console_driver = {
    .name = "virtio-console", .device_id = VIRTIO_ID_CONSOLE, .probe = vcon_probe,
};
