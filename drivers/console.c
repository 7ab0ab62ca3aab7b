/* drivers/console.c — the console device behind fds 0-2, /dev/console and /dev/tty. Each stream goes to a
 * virtio-console port when the host provides one (skiff.stdin/stdout/stderr), else to the serial line
 * (COM1 stdout and stdin, COM2 stderr). Input passes through the tty line discipline (drivers/tty.c).
 * Terminal ioctls answer only when the stream is a terminal on the host (command line `tty=012` lists which;
 * none by default, as a container without -t), so isatty() matches what the same program sees natively; a stdin that is not a
 * terminal is read raw. The size comes from `winsize=ROWSxCOLS`. */
#include "console.h"
#include "serial.h"
#include "tty.h"
#include "pty.h"
#include "vcon.h"
#include "../kernel/boot.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"
#include "../arch/x86_64/arch.h"

#define COM1_IRQ 4

static bool is_tty[3];
static const struct file_ops devtty_ops; /* /dev/tty, below */
static struct inode *stream_inode[3];

static unsigned parse_uint(const char **p)
{
    unsigned v = 0;
    while (**p >= '0' && **p <= '9')
        v = v * 10 + (*(*p)++ - '0');
    return v;
}

static void parse_cmdline(void)
{
    const char *t = boot_arg("tty");
    if (t)
        for (int i = 0; i < 3; i++)
            is_tty[i] = strchr(t, '0' + i) != NULL;
    const char *w = boot_arg("winsize");
    if (w) {
        unsigned rows = parse_uint(&w);
        if (*w == 'x') {
            w++;
            unsigned cols = parse_uint(&w);
            if (rows && cols)
                tty_console.winsize = (struct winsize_k){ rows, cols, 0, 0 };
        }
    }
}

/* Raw bytes to a stream's device. */
static void stream_out(enum console_stream s, const char *buf, size_t n)
{
    /* stderr and stdout both at the host's terminal: one terminal, so one channel, in the order written (an
     * interactive shell echoes and prompts on stderr and a job writes on stdout: two ports took two paths
     * to the same screen and a line's end could land after the next line, as Linux's one tty never lets it) */
    bool one_terminal = is_tty[CONSOLE_STDERR] && is_tty[CONSOLE_STDOUT];
    enum vcon_role r = s == CONSOLE_STDERR && !one_terminal ? VCON_STDERR : VCON_STDOUT;
    if (vcon_has(r))
        vcon_write(r, buf, n);
    else
        serial_write(r == VCON_STDERR ? SERIAL_STDERR : SERIAL_STDOUT, buf, n);
}

/* Output as a terminal shows it: OPOST/ONLCR turn \n into \r\n when the stream is a terminal. */
static void stream_write(enum console_stream s, const char *buf, size_t n)
{
    if (!is_tty[s]) {
        stream_out(s, buf, n);
        return;
    }
    char out[1024];
    while (n) {
        size_t used, o = tty_output_map(&tty_console, buf, n, out, sizeof(out), &used);
        stream_out(s, out, o);
        buf += used;
        n -= used;
    }
}

static void echo_sink(struct tty *t, const char *s, size_t n)
{
    (void)t;
    stream_write(CONSOLE_STDOUT, s, n);
}

static void (*source_poll)(void);

/* virtio-console: pulls input it held back while the tty's queue was full */
void console_set_source_poll(void (*poll)(void))
{
    source_poll = poll;
}

static void console_source_poll(struct tty *t)
{
    (void)t;
    if (source_poll)
        source_poll();
}

static const struct tty_ops console_tty_ops = { .echo = echo_sink, .source_poll = console_source_poll };

static void serial_rx_irq(void *ctx)
{
    (void)ctx;
    int c;
    while ((c = serial_getc(SERIAL_STDOUT)) >= 0)
        tty_input(&tty_console, (u8)c);
}

/* One inode per stream, so stdio can be stat'ed and reopened through /proc/self/fd like any file:
 * stdout's is /dev/console and /dev/tty; stdin's and stderr's have no name. */
static struct inode *stream_new(enum console_stream s)
{
    struct inode *ino = ramfs_new_inode(S_IFCHR | 0620);
    if (!ino)
        panic("out of memory for the console");
    ino->rdev = (136 << 8) | 0; /* a pseudo-terminal's major, as a program in a terminal sees */
    ino->fops = &console_ops;
    ino->priv = (void *)(u64)s;
    ino->refs = 1;              /* held by the console: never freed */
    return ino;
}

/* The console in a terminal is /dev/pts/0, as a container's terminal is (docker run -t): ttyname(), tty(1) and ps
 * name it. The streams that are terminals share this one inode, so fstat of each matches stat of /dev/pts/0 as
 * glibc's ttyname checks (st_dev, st_ino, st_rdev); console_open gives each file its own stream. Opened by name,
 * the node reads the terminal and writes to the stream the terminal shows (stdout's, else stderr's). */
static struct inode *pts_node;

static void pts_node_init(void)
{
    if (!is_tty[CONSOLE_STDIN] && !is_tty[CONSOLE_STDOUT] && !is_tty[CONSOLE_STDERR])
        return;
    enum console_stream shown = is_tty[CONSOLE_STDOUT]   ? CONSOLE_STDOUT
                                : is_tty[CONSOLE_STDERR] ? CONSOLE_STDERR
                                                         : CONSOLE_STDIN;
    pts_node = stream_new(shown);
    pts_node->gid = 5; /* group tty, as devpts makes its nodes */
    for (int s = 0; s < 3; s++)
        if (is_tty[s])
            stream_inode[s] = pts_node;
    if (is_tty[CONSOLE_STDIN])
        tty_console.tty_nr = (136 << 8) | 0; /* the controlling terminal ps shows (pts/0) */
}

struct inode *console_pts_node(void)
{
    return pts_node;
}

void console_init(void)
{
    parse_cmdline();
    if (!is_tty[CONSOLE_STDIN]) {
        tty_console.termios.lflag = 0;  /* not a terminal: bytes pass unchanged, no echo, no signals */
        tty_console.termios.iflag = 0;
    }
    tty_console.ops = &console_tty_ops;
    if (!vcon_has(VCON_STDIN) && serial_enable_rx_irq(SERIAL_STDOUT))
        irq_register(COM1_IRQ, serial_rx_irq, NULL);
    stream_inode[CONSOLE_STDIN] = stream_new(CONSOLE_STDIN);
    stream_inode[CONSOLE_STDERR] = stream_new(CONSOLE_STDERR);
    stream_inode[CONSOLE_STDOUT] = devfs_add("console", 0620, (5 << 8) | 1, &console_ops, (void *)CONSOLE_STDOUT);
    devfs_add("tty", 0666, (5 << 8) | 0, &devtty_ops, (void *)CONSOLE_STDOUT);
    pts_node_init();
}

void console_write_kernel(enum console_stream s, const char *buf, size_t n)
{
    stream_write(s, buf, n);
}

void console_flush(void)
{
    /* Writes complete before they return (serial and virtio alike): nothing is buffered here. */
}

/* The host's reader of a stream went away (tools/skiff's stdout was a pipe whose reader exited: `skiff run yes |
 * head -1`): set from the skiff.signal port's interrupt (drivers/vcon_signal.c; with SMP, a lock or an atomic),
 * read by writers. From then on a write to the stream fails as one to a pipe without readers does on Linux:
 * SIGPIPE, and EPIPE if that is caught or ignored. */
static bool host_gone[3];
static int host_err[3]; /* another write error the host's stdout/stderr gave (ENOSPC of /dev/full...): -errno */

void console_host_gone(enum console_stream s)
{
    if (s == CONSOLE_STDOUT || s == CONSOLE_STDERR)
        host_gone[s] = true;
}

void console_host_error(enum console_stream s, int err)
{
    if ((s == CONSOLE_STDOUT || s == CONSOLE_STDERR) && err > 0 && err < 4096)
        host_err[s] = -err;
}

#define TOSTOP 0000400 /* c_lflag: background writers get SIGTTOU */

static ssize_t con_write(struct file *f, const void *ubuf, size_t n, u64 *off)
{
    (void)off;
    enum console_stream s = (enum console_stream)(u64)f->priv;
    if (host_gone[s] && !is_tty[s]) {
        signal_send(current, SIGPIPE);
        return -EPIPE;
    }
    if (host_err[s] && !is_tty[s])
        return host_err[s]; /* every later write fails as the host's did, as writes to /dev/full all do */
    if (is_tty[s] && (tty_console.termios.lflag & TOSTOP)) { /* as Linux's tty_write: stop a background writer */
        long bg = tty_check_bg(&tty_console, SIGTTOU);
        if (bg)
            return bg;
    }
    char chunk[512];
    size_t done = 0;
    while (done < n) {
        size_t c = MIN(n - done, sizeof(chunk));
        if (copy_from_user(chunk, (const u8 *)ubuf + done, c))
            return done ? (ssize_t)done : -EFAULT;
        stream_write((enum console_stream)(u64)f->priv, chunk, c);
        done += c;
    }
    return done;
}

static ssize_t con_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)off;
    return tty_read(&tty_console, ubuf, n, f->flags & O_NONBLOCK);
}

static long con_ioctl(struct file *f, unsigned cmd, u64 arg)
{
    enum console_stream s = (enum console_stream)(u64)f->priv;
    if (!is_tty[s])
        return -ENOTTY;
    return tty_ioctl(&tty_console, f, cmd, arg, false);
}

static unsigned con_poll(struct file *f)
{
    enum console_stream s = (enum console_stream)(u64)f->priv;
    if (s != CONSOLE_STDIN && !is_tty[s])
        return POLLOUT; /* a terminal's input shows on every file of it (/dev/tty, fd 1), as on Linux */
    return (tty_readable(&tty_console) ? POLLIN : 0) | POLLOUT;
}

const struct file_ops console_ops = { .read = con_read, .write = con_write, .ioctl = con_ioctl, .poll = con_poll };

/* /dev/tty: the caller's controlling terminal. A pseudo-terminal's slave when that is it (drivers/pty.c);
 * otherwise the console, as before there were others (Linux: ENXIO without one). */
static int devtty_open(struct file *f)
{
    return pty_open_ctty(f);
}

static const struct file_ops devtty_ops = { .open = devtty_open, .read = con_read, .write = con_write,
                                            .ioctl = con_ioctl, .poll = con_poll };

struct file *console_open(enum console_stream s)
{
    struct file *f = file_open_inode(stream_inode[s], O_RDWR | 0100000 /* O_LARGEFILE */);
    if (f)
        f->priv = (void *)(u64)s; /* its own stream, the inode perhaps shared (pts_node) */
    return f;
}
