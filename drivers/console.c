/* drivers/console.c — the console device behind fds 0-2, /dev/console and /dev/tty. Output goes straight to
 * the UART (synchronous, so nothing is lost at power-off). Terminal ioctls answer only when the stream is a
 * terminal on the host (command line `tty=012` lists which; all three by default), so isatty() matches
 * what the same program would see natively. Size from `winsize=ROWSxCOLS`. */
#include "console.h"
#include "serial.h"
#include "../kernel/boot.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../arch/x86_64/arch.h"

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414

struct termios_k {               /* the kernel's struct termios (TCGETS), not glibc's */
    u32 iflag, oflag, cflag, lflag;
    u8 line;
    u8 cc[19];
};
_Static_assert(sizeof(struct termios_k) == 36, "TCGETS struct termios");
struct winsize_k { u16 rows, cols, xpixel, ypixel; };

static bool is_tty[3] = { true, true, true };
static struct termios_k termios = {
    .iflag = 0x500,   /* ICRNL | IXON */
    .oflag = 0x5,     /* OPOST | ONLCR */
    .cflag = 0xbf,    /* B38400 | CS8 | CREAD | HUPCL */
    .lflag = 0x8a3b,  /* ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN */
    .cc = { 3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0 },
};
static struct winsize_k winsize = { 24, 80, 0, 0 };

static unsigned parse_uint(const char **p)
{
    unsigned v = 0;
    while (**p >= '0' && **p <= '9')
        v = v * 10 + (*(*p)++ - '0');
    return v;
}

/* One inode per stream, so stdio can be stat'ed and reopened through /proc/self/fd like any file:
 * stdout's is /dev/console and /dev/tty; stdin's and stderr's have no name. */
static struct inode *stream_inode[3];

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

void console_init(void)
{
    stream_inode[CONSOLE_STDIN] = stream_new(CONSOLE_STDIN);
    stream_inode[CONSOLE_STDERR] = stream_new(CONSOLE_STDERR);
    stream_inode[CONSOLE_STDOUT] = devfs_add("console", 0620, (5 << 8) | 1, &console_ops, (void *)CONSOLE_STDOUT);
    devfs_add("tty", 0666, (5 << 8) | 0, &console_ops, (void *)CONSOLE_STDOUT);
    const char *t = boot_arg("tty");
    if (t) {
        for (int i = 0; i < 3; i++)
            is_tty[i] = strchr(t, '0' + i) != NULL;
    }
    const char *w = boot_arg("winsize");
    if (w) {
        unsigned rows = parse_uint(&w);
        if (*w == 'x') {
            w++;
            unsigned cols = parse_uint(&w);
            if (rows && cols)
                winsize = (struct winsize_k){ rows, cols, 0, 0 };
        }
    }
}

static enum serial_role role_of(enum console_stream s)
{
    return s == CONSOLE_STDERR ? SERIAL_STDERR : SERIAL_STDOUT;
}

void console_write_kernel(enum console_stream s, const char *buf, size_t n)
{
    serial_write(role_of(s), buf, n);
}

void console_flush(void)
{
    /* Output is synchronous today; a buffered console (virtio) drains here. */
}

static ssize_t con_write(struct file *f, const void *ubuf, size_t n, u64 *off)
{
    (void)off;
    char chunk[512];
    size_t done = 0;
    while (done < n) {
        size_t c = MIN(n - done, sizeof(chunk));
        if (copy_from_user(chunk, (const u8 *)ubuf + done, c))
            return done ? (ssize_t)done : -EFAULT;
        serial_write(role_of((enum console_stream)(u64)f->priv), chunk, c);
        done += c;
    }
    return done;
}

/* Blocks (polling: no interrupts yet) until at least one byte arrives, then returns what is waiting. */
static ssize_t con_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)f, (void)off;
    if (!n)
        return 0;
    char chunk[256];
    size_t got = 0;
    int c;
    while ((c = serial_getc(SERIAL_STDOUT)) < 0)
        cpu_relax();
    do {
        chunk[got++] = (char)c;
        if (c == '\n' || got == MIN(n, sizeof(chunk)))
            break;
    } while ((c = serial_getc(SERIAL_STDOUT)) >= 0);
    return copy_to_user(ubuf, chunk, got) ? -EFAULT : (ssize_t)got;
}

static long con_ioctl(struct file *f, unsigned cmd, u64 arg)
{
    enum console_stream s = (enum console_stream)(u64)f->priv;
    if (!is_tty[s])
        return -ENOTTY;
    int pgrp = 1;
    switch (cmd) {
    case TCGETS:
        return copy_to_user((void *)arg, &termios, sizeof(termios));
    case TCSETS: case TCSETSW: case TCSETSF:
        return copy_from_user(&termios, (void *)arg, sizeof(termios));
    case TIOCGWINSZ:
        return copy_to_user((void *)arg, &winsize, sizeof(winsize));
    case TIOCSWINSZ:
        return copy_from_user(&winsize, (void *)arg, sizeof(winsize));
    case TIOCGPGRP:
        return copy_to_user((void *)arg, &pgrp, sizeof(pgrp));
    case TIOCSPGRP:
        return 0;
    default:
        return -ENOTTY;
    }
}

static unsigned con_poll(struct file *f)
{
    enum console_stream s = (enum console_stream)(u64)f->priv;
    if (s != CONSOLE_STDIN)
        return POLLOUT;
    return (serial_ready(SERIAL_STDOUT) ? POLLIN : 0) | POLLOUT;
}

const struct file_ops console_ops = { .read = con_read, .write = con_write, .ioctl = con_ioctl, .poll = con_poll };

struct file *console_open(enum console_stream s)
{
    return file_open_inode(stream_inode[s], O_RDWR | 0100000 /* O_LARGEFILE */);
}
