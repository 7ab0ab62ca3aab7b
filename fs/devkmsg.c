/* fs/devkmsg.c — /dev/kmsg (the kernel's Documentation/ABI/testing/dev-kmsg): the kernel log ring
 * (kernel/logring.c) one record per read, "PREFIX,SEQ,MICROSECONDS,-;TEXT\n", where PREFIX is facility * 8 +
 * level and TEXT has its control bytes, bytes past 126 and backslashes as \xNN. Each opener has its own place:
 * the oldest record at open, lseek(0, SEEK_SET) or SEEK_DATA back there, SEEK_END after the newest (other
 * offsets ESPIPE, SEEK_CUR and SEEK_HOLE EINVAL); a record overwritten before it was read is EPIPE once, the place then
 * the oldest one; a buffer smaller than the record EINVAL; nothing new: a wait, or EAGAIN with O_NONBLOCK.
 * A write is one record: an optional "<N>" prefix sets the level and, when non-zero, the facility (else
 * LOG_USER and level 4, Linux's default_message_loglevel). Reading needs CAP_SYSLOG (dmesg_restrict = 1, as
 * Debian sets it); writing does not. */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"
#include "../kernel/cred.h"

#define KMSG_WRITE_MAX 1024 /* a longer write is EINVAL */
#define KMSG_LINE_MAX 2048  /* a record as it is read, escapes included */
#define SEEK_SET 0
#define SEEK_END 2
#define SEEK_DATA 3
#define CAP_SYSLOG 34

struct kmsg_reader {
    u64 pos, seq;           /* the next record's start in the ring, and its number */
};

static int kmsg_open(struct file *f)
{
    if ((f->flags & O_ACCMODE) != O_WRONLY && !capable(CAP_SYSLOG) && !capable(CAP_SYS_ADMIN))
        return -EPERM;
    struct kmsg_reader *r = kzalloc(sizeof(*r));
    if (!r)
        return -ENOMEM;
    r->pos = klog_ring_tail();
    r->seq = klog_ring_tail_seq();
    f->priv = r;
    return 0;
}

static void kmsg_release(struct file *f)
{
    kfree(f->priv);
}

/* The record at r->pos, formatted into out (KMSG_LINE_MAX); its length, 0 when not whole yet. */
static size_t kmsg_format(struct kmsg_reader *r, char *out, u64 *next)
{
    u64 seq, end = klog_ring_end(&seq), p = r->pos;
    if (p >= end)
        return 0;
    u64 prefix = 0, sec = 0, usec = 0;
    p++; /* '<' */
    while (klog_ring_byte(p) >= '0' && klog_ring_byte(p) <= '9')
        prefix = prefix * 10 + (u64)(klog_ring_byte(p++) - '0');
    p += 2; /* ">[" */
    while (klog_ring_byte(p) == ' ')
        p++;
    while (klog_ring_byte(p) >= '0' && klog_ring_byte(p) <= '9')
        sec = sec * 10 + (u64)(klog_ring_byte(p++) - '0');
    p++; /* '.' */
    while (klog_ring_byte(p) >= '0' && klog_ring_byte(p) <= '9')
        usec = usec * 10 + (u64)(klog_ring_byte(p++) - '0');
    p += 2; /* "] " */
    size_t n = (size_t)ksnprintf(out, KMSG_LINE_MAX, "%lu,%lu,%lu,-;", prefix, r->seq, sec * 1000000 + usec);
    for (char c; p < end && (c = klog_ring_byte(p)) != '\n'; p++) {
        if (n + 5 >= KMSG_LINE_MAX)
            continue; /* the rest of an overlong line is left out */
        if ((u8)c < ' ' || (u8)c >= 127 || c == '\\')
            n += (size_t)ksnprintf(out + n, KMSG_LINE_MAX - n, "\\x%02x", (u8)c);
        else
            out[n++] = c;
    }
    out[n++] = '\n';
    *next = p + 1;
    return n;
}

static ssize_t kmsg_read(struct file *f, void *ubuf, size_t len, u64 *off)
{
    (void)off;
    struct kmsg_reader *r = f->priv;
    if (!r)
        return -EBADF;
    char *line = kmalloc(KMSG_LINE_MAX);
    if (!line)
        return -ENOMEM;
    ssize_t rc;
    for (;;) {
        if (r->pos < klog_ring_tail()) { /* overwritten before it was read: said once */
            r->pos = klog_ring_tail();
            r->seq = klog_ring_tail_seq();
            rc = -EPIPE;
            break;
        }
        u64 next;
        size_t n = kmsg_format(r, line, &next);
        if (n) {
            rc = n > len ? -EINVAL : copy_to_user(ubuf, line, n) ? -EFAULT : (ssize_t)n;
            if (rc > 0)
                r->pos = next, r->seq++;
            break;
        }
        if (f->flags & O_NONBLOCK) {
            rc = -EAGAIN;
            break;
        }
        if (signal_pending()) {
            rc = -ERESTARTSYS;
            break;
        }
        sched_wait(100000000ull); /* klog kicks nobody (interrupts write it too): look again, as syslog READ */
    }
    kfree(line);
    return rc;
}

static ssize_t kmsg_write(struct file *f, const void *ubuf, size_t len, u64 *off)
{
    (void)f, (void)off;
    if (len > KMSG_WRITE_MAX)
        return -EINVAL;
    char buf[KMSG_WRITE_MAX + 1];
    if (copy_from_user(buf, ubuf, len))
        return -EFAULT;
    buf[len] = 0;
    size_t at = 0, n = len;
    int level = 4, facility = 1; /* default_message_loglevel, LOG_USER */
    if (buf[0] == '<') {
        size_t i = 1;
        u64 v = 0;
        while (i < len && buf[i] >= '0' && buf[i] <= '9' && i < 12)
            v = v * 10 + (u64)(buf[i++] - '0');
        if (i > 1 && i < len && buf[i] == '>') {
            level = (int)(v & 7);
            facility = v >> 3 ? (int)((v >> 3) & 0xff) : facility;
            at = i + 1;
        }
    }
    while (n > at && buf[n - 1] == '\n')
        n--; /* the record's own newline ends it */
    klog_ring_add(facility * 8 + level, buf + at, n - at);
    klog_ring_add(facility * 8 + level, "\n", 1);
    return (ssize_t)len;
}

/* lseek: SEEK_SET and SEEK_DATA to the oldest record (skiff keeps no syslog CLEAR point for readers), SEEK_END
 * past the newest; only offset 0 (ESPIPE otherwise), other whences EINVAL. */
long kmsg_seek(struct file *f, i64 off, int whence)
{
    struct kmsg_reader *r = f->priv;
    if (whence < 0 || whence > 4)
        return -EINVAL; /* past SEEK_HOLE: the VFS's own check */
    if (!r || off)
        return -ESPIPE;
    if (whence == SEEK_SET || whence == SEEK_DATA) {
        r->pos = klog_ring_tail();
        r->seq = klog_ring_tail_seq();
    } else if (whence == SEEK_END) {
        r->pos = klog_ring_end(&r->seq);
    } else {
        return -EINVAL;
    }
    return 0;
}

static unsigned kmsg_poll(struct file *f)
{
    struct kmsg_reader *r = f->priv;
    u64 seq;
    if (!r)
        return POLLOUT;
    if (r->pos < klog_ring_tail())
        return POLLIN | POLLERR | POLLPRI | POLLOUT;
    return (r->pos < klog_ring_end(&seq) ? POLLIN : 0) | POLLOUT;
}

const struct file_ops kmsg_ops = { .open = kmsg_open, .read = kmsg_read, .write = kmsg_write,
                                   .poll = kmsg_poll, .release = kmsg_release };
