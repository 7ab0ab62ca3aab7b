/* test/conformance/procvm.c — process_vm_readv(2) and process_vm_writev(2): scatter and gather across local and
 * remote iovecs (of the caller itself and of a forked child), the byte count of a partial transfer (a remote
 * page that is not mapped, a local buffer that ends at an unmapped page), and the errors in Linux's order:
 * flags (EINVAL), the local iovecs (count past IOV_MAX, a negative length: EINVAL; unreadable array or a
 * kernel address: EFAULT), nothing to move (0, before the pid is looked at), the remote iovecs, the process
 * (ESRCH), the permission (EPERM: another user's process, as nobody), then the memory (EFAULT). */
/* covers: process_vm_readv process_vm_writev */
#include "tap.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <grp.h>
#include <sys/prctl.h>

#ifndef SYS_process_vm_readv
#define SYS_process_vm_readv 310
#define SYS_process_vm_writev 311
#endif
#define NOPID 0x3ffffff0
#define NOBODY 65534

static long rv(pid_t pid, const struct iovec *l, unsigned long ln, const struct iovec *r, unsigned long rn,
               unsigned long fl)
{
    return SYS(SYS_process_vm_readv, pid, l, ln, r, rn, fl);
}
static long wv(pid_t pid, const struct iovec *l, unsigned long ln, const struct iovec *r, unsigned long rn,
               unsigned long fl)
{
    return SYS(SYS_process_vm_writev, pid, l, ln, r, rn, fl);
}

static char remote_buf[64] = "0123456789abcdefghijklmnopqrstuvwxyz";
static char *two_pages; /* the second page unmapped */

/* A child that keeps a copy of our memory and waits: remote_buf and two_pages sit at the same addresses. */
static pid_t spawn(void)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        for (;;)
            pause();
    }
    return c;
}

static void test_basic(pid_t child)
{
    char a[8] = { 0 }, b[8] = { 0 };
    struct iovec l[2] = { { a, 5 }, { b, 7 } }, r[2] = { { remote_buf, 3 }, { remote_buf + 10, 9 } };
    T_OK("process_vm_readv two local and two remote iovecs", rv(child, l, 2, r, 2, 0), 12);
    T_TRUE("process_vm_readv the bytes land in order", !memcmp(a, "012ab", 5) && !memcmp(b, "cdefghi", 7));
    T_OK("process_vm_readv of itself", rv(getpid(), l, 1, r, 1, 0), 3);
    T_OK("process_vm_readv the local side is shorter", rv(child, l, 1, r, 2, 0), 5);
    T_OK("process_vm_readv the remote side is shorter", rv(child, l, 2, r, 1, 0), 3);
    struct iovec z[3] = { { a, 0 }, { b, 2 }, { NULL, 0 } }, rz[2] = { { remote_buf, 0 }, { remote_buf + 20, 4 } };
    T_OK("process_vm_readv zero-length iovecs are skipped", rv(child, z, 3, rz, 2, 0), 2);
    T_TRUE("process_vm_readv after zero-length iovecs", !memcmp(b, "kl", 2));

    char msg[] = "HELLO";
    struct iovec wl = { msg, 5 }, wr[2] = { { remote_buf + 1, 2 }, { remote_buf + 30, 3 } };
    T_OK("process_vm_writev into a child", wv(child, &wl, 1, wr, 2, 0), 5);
    struct iovec back = { a, 8 }, rb = { remote_buf, 8 };
    T_OK("process_vm_readv the written bytes back", rv(child, &back, 1, &rb, 1, 0), 8);
    T_TRUE("process_vm_writev changed the child, not us", !memcmp(a, "0HE34567", 8) && remote_buf[1] == '1');
    rb.iov_base = remote_buf + 30;
    rb.iov_len = 3;
    T_OK("process_vm_readv the second remote iovec", rv(child, &back, 1, &rb, 1, 0), 3);
    T_TRUE("process_vm_writev the second remote iovec got the rest", !memcmp(a, "LLO", 3));
    T_OK("process_vm_writev into itself", wv(getpid(), &wl, 1, wr, 1, 0), 2);
    T_TRUE("process_vm_writev into itself changed our memory", remote_buf[1] == 'H' && remote_buf[2] == 'E');
}

static void test_partial(pid_t child)
{
    static char big[2 * 4096];
    struct iovec l = { big, sizeof big }, r = { two_pages, 8192 };
    T_OK("process_vm_readv stops at an unmapped remote page", rv(child, &l, 1, &r, 1, 0), 4096);
    r.iov_base = two_pages + 100;
    T_OK("process_vm_readv from an offset stops at the page's end", rv(child, &l, 1, &r, 1, 0), 3996);
    struct iovec r2[2] = { { remote_buf, 10 }, { two_pages + 4096, 10 } };
    T_OK("process_vm_readv a second remote iovec unmapped: the first's bytes", rv(child, &l, 1, r2, 2, 0), 10);
    r.iov_base = two_pages + 4096;
    r.iov_len = 10;
    T_ERR("process_vm_readv nothing readable", rv(child, &l, 1, &r, 1, 0), EFAULT);
    T_ERR("process_vm_writev nothing writable", wv(child, &l, 1, &r, 1, 0), EFAULT);
    r.iov_base = two_pages + 4000;
    r.iov_len = 200;
    T_OK("process_vm_writev stops at an unmapped remote page", wv(child, &l, 1, &r, 1, 0), 96);
    r.iov_base = (void *)0xffff800000000000ul;
    T_ERR("process_vm_readv a kernel address remotely", rv(child, &l, 1, &r, 1, 0), EFAULT);
    /* a local buffer whose second page is not mapped */
    struct iovec lp = { two_pages + 4000, 200 }, rr = { big, 200 };
    T_OK("process_vm_readv a local buffer that ends at an unmapped page", rv(child, &lp, 1, &rr, 1, 0), 96);
    T_OK("process_vm_writev a local buffer that ends at an unmapped page", wv(child, &lp, 1, &rr, 1, 0), 96);
    lp.iov_base = two_pages + 4096;
    T_ERR("process_vm_readv a local buffer not mapped at all", rv(child, &lp, 1, &rr, 1, 0), EFAULT);
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct iovec rro = { ro, 10 }, lk = { big, 10 };
    T_ERR("process_vm_writev into a read-only page of itself", wv(getpid(), &lk, 1, &rro, 1, 0), EFAULT);
    T_OK("process_vm_readv from a read-only page", rv(getpid(), &lk, 1, &rro, 1, 0), 10);
    munmap(ro, 4096);
}

static void test_errors(pid_t child)
{
    char a[16];
    struct iovec l = { a, 8 }, r = { remote_buf, 8 };
    T_ERR("process_vm_readv flags 1", rv(child, &l, 1, &r, 1, 1), EINVAL);
    T_ERR("process_vm_writev flags 1", wv(child, &l, 1, &r, 1, 1), EINVAL);
    T_ERR("process_vm_readv flags before a bad pid", rv(NOPID, &l, 1, &r, 1, 1), EINVAL);
    T_ERR("process_vm_readv no such process", rv(NOPID, &l, 1, &r, 1, 0), ESRCH);
    T_ERR("process_vm_writev no such process", wv(NOPID, &l, 1, &r, 1, 0), ESRCH);
    T_ERR("process_vm_readv pid -1", rv(-1, &l, 1, &r, 1, 0), ESRCH);
    T_OK("process_vm_readv no local iovecs: 0 before the pid", rv(NOPID, &l, 0, &r, 1, 0), 0);
    struct iovec l0 = { a, 0 };
    T_OK("process_vm_readv zero-length local iovecs: 0", rv(NOPID, &l0, 1, BADUPTR, 1, 0), 0);
    T_OK("process_vm_readv no remote iovecs: 0", rv(NOPID, &l, 1, &r, 0, 0), 0);
    struct iovec r0 = { BADUPTR, 0 };
    T_OK("process_vm_readv zero-length remote iovecs: 0 before the pid", rv(NOPID, &l, 1, &r0, 1, 0), 0);
    T_ERR("process_vm_readv 1025 local iovecs", rv(child, &l, 1025, &r, 1, 0), EINVAL);
    T_ERR("process_vm_readv 1025 remote iovecs", rv(child, &l, 1, &r, 1025, 0), EINVAL);
    T_ERR("process_vm_readv the local iovecs at a bad address", rv(child, BADUPTR, 1, &r, 1, 0), EFAULT);
    T_ERR("process_vm_readv the remote iovecs at a bad address", rv(child, &l, 1, BADUPTR, 1, 0), EFAULT);
    T_ERR("process_vm_readv the remote iovecs at a bad address, no process", rv(NOPID, &l, 1, BADUPTR, 1, 0),
          EFAULT);
    struct iovec neg = { a, (size_t)-1 };
    T_ERR("process_vm_readv a negative local length", rv(child, &neg, 1, &r, 1, 0), EINVAL);
    neg.iov_base = remote_buf;
    T_ERR("process_vm_readv a negative remote length", rv(child, &l, 1, &neg, 1, 0), EINVAL);
    struct iovec lk = { KADDR, 8 };
    T_ERR("process_vm_readv a local kernel address", rv(NOPID, &lk, 1, &r, 1, 0), EFAULT);
    T_ERR("process_vm_writev a local kernel address", wv(child, &lk, 1, &r, 1, 0), EFAULT);
}

static pid_t root_child;
static void as_nobody(void)
{
    if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)) {
        T_TRUE("process_vm_readv could drop privileges", 0);
        return;
    }
    char a[8];
    struct iovec l = { a, 8 }, r = { remote_buf, 8 };
    T_ERR("process_vm_readv as nobody: root's process", rv(root_child, &l, 1, &r, 1, 0), EPERM);
    T_ERR("process_vm_writev as nobody: root's process", wv(root_child, &l, 1, &r, 1, 0), EPERM);
    T_OK("process_vm_readv as nobody: itself", rv(getpid(), &l, 1, &r, 1, 0), 8);
    pid_t mine = spawn(); /* undumpable, as we are since setuid */
    T_ERR("process_vm_readv as nobody: its own undumpable child", rv(mine, &l, 1, &r, 1, 0), EPERM);
    kill(mine, SIGKILL);
    waitpid(mine, NULL, 0);
    prctl(PR_SET_DUMPABLE, 1);
    mine = spawn();
    T_OK("process_vm_readv as nobody: its own dumpable child", rv(mine, &l, 1, &r, 1, 0), 8);
    kill(mine, SIGKILL);
    waitpid(mine, NULL, 0);
    T_OK("process_vm_readv as nobody: nothing to move is 0 even for root's process", rv(root_child, &l, 0, &r, 1,
         0), 0);
}


int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    two_pages = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (two_pages == MAP_FAILED || munmap(two_pages + 4096, 4096))
        return 2;
    memset(two_pages, 'p', 4096);
    pid_t child = spawn();
    test_basic(child);
    test_partial(child);
    test_errors(child);
    root_child = child;
    tap_in_child(as_nobody);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    T_ERR("process_vm_readv a reaped child", rv(child, &(struct iovec){ remote_buf, 1 }, 1,
          &(struct iovec){ remote_buf, 1 }, 1, 0), ESRCH);
    return tap_done();
}
