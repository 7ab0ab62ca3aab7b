/* drivers/pty_int.h — what drivers/pty.c (pairs, the master, devpts) and drivers/pty_slave.c (the slave) share. */
#ifndef SKIFF_PTY_INT_H
#define SKIFF_PTY_INT_H
#include "pty.h"
#include "tty.h"

#define PTY_OSIZE 8192              /* what the slave wrote and the master has not read */

struct pty {
    struct tty tty;                 /* the slave's terminal; first, so the pty is also its poll channel */
    int index;                      /* N of /dev/pts/N */
    bool locked;                    /* TIOCSPTLCK: the slave cannot be opened (EIO) */
    bool master_open;
    bool other_closed;              /* every slave file was closed: the master's read says EIO */
    bool excl, master_excl;         /* TIOCEXCL on the slave (its opens: EBUSY without CAP_SYS_ADMIN), the master */
    int slaves;                     /* open slave files */
    struct inode *node;             /* /dev/pts/N (held until the pty is freed) */
    size_t o_head, o_len;
    u8 out[PTY_OSIZE];
};


static inline size_t pty_out_room(const struct pty *p)
{
    return PTY_OSIZE - p->o_len;
}

void pty_out_push(struct pty *p, const char *s, size_t n);
void pty_flush_out(struct pty *p);              /* the master's unread input goes */
void pty_free(struct pty *p);                   /* master closed and the last slave file gone */
long pty_put_int(u64 arg, int v);
const void *pty_chan(struct file *f);           /* both sides' poll channel: the pty */
extern const struct file_ops pty_slave_ops;

#endif
