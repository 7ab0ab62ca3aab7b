/* ipc/mqueue.c — POSIX message queues (mq_overview(7)): named queues of prioritised messages, opened as
 * descriptors (mq_open, always close-on-exec), sent to and received from (highest priority first, in order
 * within one priority), watched by poll and by one process's mq_notify (a signal, or SIGEV_THREAD's cookie to a
 * netlink socket). A queue lives while it has a name or
 * an open descriptor. The limits are Linux's defaults (/proc/sys/fs/mqueue: 10 messages of 8 KiB for a queue
 * made without attributes or by an unprivileged caller, 256 queues); RLIMIT_MSGQUEUE is not charged and there is
 * no mqueue filesystem to list them (test/conformance/partial). Syscall context only: nothing here is touched
 * from an interrupt. */
#include "ipc.h"
#include "../syscalls/syscalls.h"
#include "../kernel/boot.h"
#include "../net/socket.h" /* netlink_sock_get/send: SIGEV_THREAD */

#define MQ_PRIO_MAX 32768
#define MQ_MSG_DEFAULT 10       /* /proc/sys/fs/mqueue/msg_default and msg_max */
#define MQ_MSGSIZE_DEFAULT 8192 /* msgsize_default and msgsize_max */
#define MQ_QUEUES_MAX 256       /* queues_max */
#define MQ_HARD_MSGMAX 65536    /* what CAP_SYS_RESOURCE may ask for */
#define MQ_HARD_MSGSIZEMAX (16 << 20)
#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SI_MESGQ (-3)
#define NOTIFY_COOKIE_LEN 32    /* SIGEV_THREAD: the cookie sent to the netlink socket, its last byte saying why */
#define NOTIFY_WOKENUP 1
#define NOTIFY_REMOVED 2

struct mq_attr_k { i64 flags, maxmsg, msgsize, curmsgs, pad[4]; };
struct sigevent_mq { u64 value; i32 signo, notify; u8 pad[48]; };
_Static_assert(sizeof(struct mq_attr_k) == 64 && sizeof(struct sigevent_mq) == 64, "struct mq_attr, sigevent");

struct mq_msg {
    struct mq_msg *next;
    u32 prio;
    size_t len;
    u8 data[];
};

struct mqueue {
    struct mqueue *next;      /* the named ones */
    char name[NAME_MAX + 1];
    bool named;
    int opens;
    struct inode perm;        /* owner, group and mode, for perm_inode */
    i64 maxmsg, msgsize, curmsgs;
    u64 qsize;                /* bytes of the messages queued */
    struct mq_msg *head;      /* highest priority first, oldest first within one */
    int notify_pid;           /* 0: no registration */
    struct sigevent_mq notify;
    struct file *notify_sock; /* SIGEV_THREAD: the netlink socket (a reference) the cookie goes to */
    u8 cookie[NOTIFY_COOKIE_LEN];
    int receivers;            /* tasks blocked in mq_timedreceive (a notification waits for none) */
};

static struct mqueue *queues;
static int nqueues;

static struct mqueue *mq_find(const char *name)
{
    for (struct mqueue *q = queues; q; q = q->next)
        if (!strcmp(q->name, name))
            return q;
    return NULL;
}

/* The registration ends: SIGEV_THREAD's socket hears why (NOTIFY_WOKENUP, NOTIFY_REMOVED; 0: nothing is sent,
 * the queue itself is going) and is let go. glibc's and musl's helper thread reads the cookie from it. */
static void mq_notify_end(struct mqueue *q, u8 why)
{
    if (q->notify_sock) {
        q->cookie[NOTIFY_COOKIE_LEN - 1] = why;
        if (why)
            netlink_sock_send(q->notify_sock, q->cookie, NOTIFY_COOKIE_LEN);
        file_put(q->notify_sock);
        q->notify_sock = NULL;
    }
    q->notify_pid = 0;
}

static void mq_put(struct mqueue *q)
{
    if (q->named || q->opens)
        return;
    mq_notify_end(q, 0);
    while (q->head) {
        struct mq_msg *m = q->head;
        q->head = m->next;
        kfree(m);
    }
    kfree(q);
}

static void mq_unname(struct mqueue *q)
{
    for (struct mqueue **pp = &queues; *pp; pp = &(*pp)->next)
        if (*pp == q) {
            *pp = q->next;
            break;
        }
    q->named = false;
    nqueues--;
    mq_put(q);
}

/* read(2) of a queue's descriptor: the line Linux's mqueue files hold. */
static ssize_t mq_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    struct mqueue *q = f->priv;
    char line[100];
    int len = ksnprintf(line, sizeof(line), "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n", q->qsize,
                        q->notify_pid ? q->notify.notify : 0,
                        q->notify_pid && q->notify.notify == SIGEV_SIGNAL ? q->notify.signo : 0, q->notify_pid);
    if (*off >= (u64)len)
        return 0;
    size_t c = MIN(n, (size_t)len - *off);
    if (copy_to_user(ubuf, line + *off, c))
        return -EFAULT;
    *off += c;
    return (ssize_t)c;
}

static unsigned mq_poll(struct file *f)
{
    struct mqueue *q = f->priv;
    return (q->curmsgs ? POLLIN | 0x40 /* POLLRDNORM */ : 0) | (q->curmsgs < q->maxmsg ? POLLOUT | 0x100 : 0);
}

/* Any close of a descriptor for the queue by the process that registered with mq_notify ends the
 * registration, as Linux's flush does (mq_notify(3) says only "closes the descriptor"). */
static void mq_flush(struct file *f)
{
    struct mqueue *q = f->priv;
    if (q->notify_pid && current && q->notify_pid == current_proc()->pid)
        mq_notify_end(q, NOTIFY_REMOVED);
}

static void mq_release(struct file *f)
{
    struct mqueue *q = f->priv;
    mq_flush(f);
    q->opens--;
    mq_put(q);
}

static const void *mq_chan(struct file *f) { return f->priv; }

static const struct file_ops mq_ops = { .read = mq_read, .poll = mq_poll, .release = mq_release,
                                        .poll_chan = mq_chan, .flush = mq_flush };

/* The queue behind a descriptor, which must be open for reading (want O_RDONLY) or writing (O_WRONLY). */
static struct mqueue *mq_fd(int fd, int want, struct file **fp)
{
    struct file *f = fd_file_io(fd);
    if (!f || f->ops != &mq_ops)
        return NULL;
    int acc = f->flags & O_ACCMODE;
    if (want == O_RDONLY ? acc == O_WRONLY : acc == O_RDONLY)
        return NULL;
    if (fp)
        *fp = f;
    return f->priv;
}

/* A user name (glibc has taken the '/' off): ENOENT empty, ENAMETOOLONG, EACCES with a '/' in it. */
static long mq_name(const char *uname, char *out)
{
    long n = strncpy_from_user(out, uname, NAME_MAX + 1);
    if (n < 0)
        return n;
    if (n == 0)
        return -ENOENT;
    return strchr(out, '/') ? -EACCES : 0;
}

/* a: the attributes asked for (NULL: the defaults) */
static long mq_create(const char *name, u32 mode, const struct mq_attr_k *ua, struct mqueue **out)
{
    struct mq_attr_k a = { .maxmsg = MQ_MSG_DEFAULT, .msgsize = MQ_MSGSIZE_DEFAULT };
    if (ua)
        a = *ua;
    bool priv = capable(CAP_SYS_RESOURCE);
    if (ua && (a.maxmsg <= 0 || a.msgsize <= 0 || a.maxmsg > (priv ? MQ_HARD_MSGMAX : MQ_MSG_DEFAULT) ||
                  a.msgsize > (priv ? MQ_HARD_MSGSIZEMAX : MQ_MSGSIZE_DEFAULT)))
        return -EINVAL;
    if (nqueues >= MQ_QUEUES_MAX && !priv)
        return -ENOSPC;
    struct mqueue *q = kzalloc(sizeof(*q));
    if (!q)
        return -ENOMEM;
    const struct cred *c = cred_current();
    ksnprintf(q->name, sizeof(q->name), "%s", name);
    q->perm.mode = S_IFREG | (mode & 0777 & ~current_proc()->umask);
    q->perm.uid = c->fsuid;
    q->perm.gid = c->fsgid;
    q->maxmsg = a.maxmsg;
    q->msgsize = a.msgsize;
    q->named = true;
    q->next = queues;
    queues = q;
    nqueues++;
    *out = q;
    return 0;
}

SYSCALL(mq_open) /* (name, oflag, mode, attr) */
{
    int oflag = (int)a1;
    char name[NAME_MAX + 2];
    struct mq_attr_k attr;
    if (a3 && copy_from_user(&attr, (const void *)a3, sizeof(attr)))
        return -EFAULT; /* read whether or not the queue is made, as Linux reads it */
    long rc = mq_name((const char *)a0, name);
    if (rc)
        return rc;
    struct mqueue *q = mq_find(name);
    if (q && (oflag & O_CREAT) && (oflag & O_EXCL))
        return -EEXIST;
    if (!q && !(oflag & O_CREAT))
        return -ENOENT;
    if (q && (oflag & O_ACCMODE) == O_ACCMODE)
        return -EINVAL;
    if (q) {
        int acc = oflag & O_ACCMODE;
        rc = perm_inode(&q->perm, acc == O_RDONLY ? MAY_READ : acc == O_WRONLY ? MAY_WRITE : MAY_READ | MAY_WRITE);
    } else {
        rc = mq_create(name, (u32)a2, a3 ? &attr : NULL, &q);
    }
    if (rc)
        return rc;
    struct file *f = file_new(&mq_ops, (u32)(oflag & (O_ACCMODE | O_NONBLOCK)), q);
    if (f)
        q->opens++;
    else
        mq_put(q);
    return fd_install_new(f, true);
}

SYSCALL(mq_unlink)
{
    char name[NAME_MAX + 2];
    long rc = mq_name((const char *)a0, name);
    if (rc)
        return rc;
    struct mqueue *q = mq_find(name);
    if (!q)
        return -ENOENT;
    /* the queues sit in a sticky, world-writable directory: only the owner (or CAP_FOWNER) removes one */
    if (q->perm.uid != cred_current()->fsuid && !capable(CAP_FOWNER))
        return -EACCES;
    mq_unname(q);
    return 0;
}

/* An absolute CLOCK_REALTIME timeout (NULL: none) as a monotonic deadline; EFAULT or EINVAL first of all. */
static long mq_deadline(const void *uts, u64 *deadline)
{
    struct { i64 sec, nsec; } ts;
    *deadline = ~0ull;
    if (!uts)
        return 0;
    if (copy_from_user(&ts, uts, sizeof(ts)))
        return -EFAULT;
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
        return -EINVAL;
    u64 at = (u64)ts.sec * 1000000000 + (u64)ts.nsec, now = clock_realtime_ns(), mono = clock_monotonic_ns();
    *deadline = at > now ? mono + (at - now) : mono;
    return 0;
}

/* Waits for a change of q; 0 to look again, ETIMEDOUT, or a signal (restarted with SA_RESTART, signal(7)). */
static long mq_wait(struct file *f, struct mqueue *q, u64 deadline)
{
    if (f->flags & O_NONBLOCK)
        return -EAGAIN;
    long rc = ipc_wait(q, deadline);
    return rc == -EAGAIN ? -ETIMEDOUT : rc == -EINTR ? -ERESTARTSYS : rc;
}

/* A message arrived on an empty queue nobody waits on: the registered process hears of it, once. */
static void mq_notify_now(struct mqueue *q)
{
    if (!q->notify_pid || q->receivers)
        return;
    struct proc *p = proc_by_pid(q->notify_pid);
    struct task *t = p ? proc_first_task(p) : NULL;
    if (t && q->notify.notify == SIGEV_SIGNAL) {
        struct k_siginfo info = { .signo = q->notify.signo, .code = SI_MESGQ, .pid = current_proc()->pid,
                                  .uid = cred_current()->uid, .value = q->notify.value };
        signal_send_info(t, &info, false);
    }
    mq_notify_end(q, NOTIFY_WOKENUP); /* SIGEV_THREAD: its socket hears it (whatever became of the process) */
}

SYSCALL(mq_timedsend) /* (mqdes, msg, len, prio, abs_timeout) */
{
    u64 deadline;
    long rc = mq_deadline((const void *)a4, &deadline);
    if (rc)
        return rc;
    if (a3 >= MQ_PRIO_MAX)
        return -EINVAL;
    struct file *f;
    struct mqueue *q = mq_fd((int)a0, O_WRONLY, &f);
    if (!q)
        return -EBADF;
    if (a2 > (u64)q->msgsize)
        return -EMSGSIZE;
    struct mq_msg *m = kmalloc(sizeof(*m) + a2);
    if (!m)
        return -ENOMEM;
    *m = (struct mq_msg){ .prio = (u32)a3, .len = a2 };
    if (copy_from_user(m->data, (const void *)a1, a2)) {
        kfree(m);
        return -EFAULT;
    }
    while (q->curmsgs >= q->maxmsg)
        if ((rc = mq_wait(f, q, deadline))) {
            kfree(m);
            return rc;
        }
    struct mq_msg **pp = &q->head;
    while (*pp && (*pp)->prio >= m->prio)
        pp = &(*pp)->next;
    m->next = *pp;
    *pp = m;
    if (q->curmsgs++ == 0)
        mq_notify_now(q);
    q->qsize += m->len;
    ipc_wake(q);
    sched_kick_chan(q);
    return 0;
}

SYSCALL(mq_timedreceive) /* (mqdes, msg, len, prio *, abs_timeout) */
{
    u64 deadline;
    long rc = mq_deadline((const void *)a4, &deadline);
    if (rc)
        return rc;
    struct file *f;
    struct mqueue *q = mq_fd((int)a0, O_RDONLY, &f);
    if (!q)
        return -EBADF;
    if (a2 < (u64)q->msgsize)
        return -EMSGSIZE;
    while (!q->curmsgs) {
        q->receivers++;
        rc = mq_wait(f, q, deadline);
        q->receivers--;
        if (rc)
            return rc;
    }
    struct mq_msg *m = q->head;
    if (copy_to_user((void *)a1, m->data, m->len) || (a3 && copy_to_user((void *)a3, &m->prio, sizeof(u32))))
        return -EFAULT; /* the message stays queued */
    q->head = m->next;
    q->curmsgs--;
    q->qsize -= m->len;
    rc = (long)m->len;
    kfree(m);
    ipc_wake(q);
    sched_kick_chan(q);
    return rc;
}

/* SIGEV_THREAD, as glibc and musl use it: sigev_value points at a 32-byte cookie and sigev_signo is a netlink
 * socket; Linux takes both before it looks at the queue (EFAULT, EBADF, ENOTSOCK, EINVAL). */
static long mq_thread_sock(const struct sigevent_mq *ev, u8 *cookie, struct file **sock)
{
    if (copy_from_user(cookie, (const void *)ev->value, NOTIFY_COOKIE_LEN))
        return -EFAULT;
    return netlink_sock_get(ev->signo, sock);
}

SYSCALL(mq_notify) /* (mqdes, const struct sigevent *) */
{
    struct sigevent_mq ev;
    if (a1 && copy_from_user(&ev, (const void *)a1, sizeof(ev)))
        return -EFAULT;
    if (a1 && ev.notify != SIGEV_SIGNAL && ev.notify != SIGEV_NONE && ev.notify != SIGEV_THREAD)
        return -EINVAL;
    if (a1 && ev.notify == SIGEV_SIGNAL && (ev.signo < 1 || ev.signo > NSIG))
        return -EINVAL;
    u8 cookie[NOTIFY_COOKIE_LEN];
    struct file *sock = NULL;
    long rc = a1 && ev.notify == SIGEV_THREAD ? mq_thread_sock(&ev, cookie, &sock) : 0;
    if (rc)
        return rc;
    struct file *f = fd_file_io((int)a0);
    struct mqueue *q = f && f->ops == &mq_ops ? f->priv : NULL;
    int me = current_proc()->pid;
    if (!q)
        rc = -EBADF;
    else if (!a1 && q->notify_pid == me)
        mq_notify_end(q, NOTIFY_REMOVED);
    else if (a1 && q->notify_pid)
        rc = -EBUSY; /* one registration at a time, even the same process's */
    if (rc || !a1) {
        if (sock)
            file_put(sock);
        return rc;
    }
    q->notify = ev;
    q->notify_pid = me;
    q->notify_sock = sock;
    memcpy(q->cookie, cookie, sizeof(cookie));
    return 0;
}

SYSCALL(mq_getsetattr) /* (mqdes, const struct mq_attr *new, struct mq_attr *old) */
{
    struct mq_attr_k n, o;
    if (a1 && copy_from_user(&n, (const void *)a1, sizeof(n)))
        return -EFAULT;
    if (a1 && (n.flags & ~(i64)O_NONBLOCK))
        return -EINVAL;
    struct file *f = fd_file_io((int)a0);
    struct mqueue *q = f && f->ops == &mq_ops ? f->priv : NULL;
    if (!q)
        return -EBADF;
    o = (struct mq_attr_k){ .flags = f->flags & O_NONBLOCK, .maxmsg = q->maxmsg, .msgsize = q->msgsize,
                            .curmsgs = q->curmsgs };
    if (a1)
        f->flags = (f->flags & ~(u32)O_NONBLOCK) | (u32)(n.flags & O_NONBLOCK);
    if (a2 && copy_to_user((void *)a2, &o, sizeof(o)))
        return -EFAULT;
    return 0;
}

/* /proc/sys/fs/mqueue: the limits above */
int mq_sysctl_msg(char *buf, size_t size) { return ksnprintf(buf, size, "%d\n", MQ_MSG_DEFAULT); }
int mq_sysctl_msgsize(char *buf, size_t size) { return ksnprintf(buf, size, "%d\n", MQ_MSGSIZE_DEFAULT); }
int mq_sysctl_queues(char *buf, size_t size) { return ksnprintf(buf, size, "%d\n", MQ_QUEUES_MAX); }
