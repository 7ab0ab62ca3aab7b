/* test/conformance/robust.c — robust futex lists: set_robust_list/get_robust_list, and what the kernel does
 * with the list when its thread ends (a thread's exit, a process's exit): every lock word on it that still
 * names the dead thread gets FUTEX_OWNER_DIED (FUTEX_WAITERS kept) and one waiter is woken; words owned by
 * others are left alone. Both through the raw ABI (a list built by hand in shared memory) and through robust
 * pthread mutexes (EOWNERDEAD). Orderings come from pipes and /proc/PID/stat, never from timing. */
/* covers: set_robust_list get_robust_list */
#include "tap.h"
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

/* <linux/futex.h>'s values (musl's headers do not have it) */
#define FUTEX_WAIT 0
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u

struct rnode { struct rnode *next; uint32_t word; uint32_t pad; };
struct rhead { struct rnode *list; long offset; struct rnode *pending; };
struct shared {
    struct rhead head;
    struct rnode a, b, c, p;
    pthread_mutex_t m;
};

static int status_of(pid_t c)
{
    int s = 0;
    waitpid(c, &s, 0);
    return WIFEXITED(s) ? WEXITSTATUS(s) : 128 + WTERMSIG(s);
}

static void wait_asleep(pid_t c)
{
    while (state_of(c) != 'S')
        usleep(1000);
}

/* In a child: a list of a (its tid, a waiter), b (another owner), c (its tid, no waiter), and p pending (0). */
static void child_list(struct shared *s)
{
    uint32_t tid = (uint32_t)syscall(SYS_gettid);
    s->head.list = &s->a;
    s->a.next = &s->b;
    s->b.next = &s->c;
    s->c.next = (struct rnode *)&s->head;
    s->head.offset = offsetof(struct rnode, word);
    s->head.pending = &s->p;
    s->a.word = tid | FUTEX_WAITERS;
    s->b.word = 12345;
    s->c.word = tid;
    s->p.word = 0;
    if (SYS(SYS_set_robust_list, &s->head, sizeof s->head))
        _exit(1);
}

static void *thread_dies_holding(void *arg)
{
    pthread_mutex_lock(arg);
    return NULL; /* ends without unlocking */
}

int main(void)
{
    struct shared *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    void *glibc_head = NULL;
    size_t len = 0;
    T_OK("get_robust_list of the caller", SYS(SYS_get_robust_list, 0, &glibc_head, &len), 0);
    T_EQ("get_robust_list gives the size", len, sizeof(struct rhead));
    struct rhead mine = { (struct rnode *)&mine, 0, NULL };
    void *h = NULL;
    T_OK("set_robust_list", SYS(SYS_set_robust_list, &mine, sizeof mine), 0);
    T_OK("get_robust_list after it", SYS(SYS_get_robust_list, 0, &h, &len), 0);
    T_TRUE("get_robust_list gives what set_robust_list set", h == &mine);
    T_OK("get_robust_list by the caller's tid", SYS(SYS_get_robust_list, syscall(SYS_gettid), &h, &len), 0);
    T_TRUE("get_robust_list by tid: the same", h == &mine);
    T_ERR("get_robust_list of a thread that does not exist", SYS(SYS_get_robust_list, 0x3ffffff0, &h, &len), ESRCH);
    T_ERR("get_robust_list to a bad head pointer", SYS(SYS_get_robust_list, 0, BADUPTR, &len), EFAULT);
    T_ERR("get_robust_list to a bad length pointer", SYS(SYS_get_robust_list, 0, &h, BADUPTR), EFAULT);
    T_ERR("set_robust_list a wrong size", SYS(SYS_set_robust_list, &mine, 16), EINVAL);
    SYS(SYS_set_robust_list, glibc_head, sizeof mine); /* the C library's own list again */

    pid_t c = fork();
    if (c == 0) {
        child_list(s);
        _exit(0);
    }
    T_EQ("set_robust_list a child with a list exits", status_of(c), 0);
    T_EQ("set_robust_list at exit: a held word with a waiter gets OWNER_DIED|WAITERS", s->a.word,
         FUTEX_OWNER_DIED | FUTEX_WAITERS);
    T_EQ("set_robust_list at exit: a word of another owner is left alone", s->b.word, 12345);
    T_EQ("set_robust_list at exit: a held word without waiters gets OWNER_DIED", s->c.word, FUTEX_OWNER_DIED);
    T_EQ("set_robust_list at exit: a free pending word stays 0", s->p.word, 0);

    int go[2], up[2];
    char ch;
    if (pipe(go) || pipe(up))
        return 2;
    c = fork();
    if (c == 0) {
        child_list(s);
        write(up[1], "x", 1);
        read(go[0], &ch, 1);
        _exit(0);
    }
    read(up[0], &ch, 1);
    uint32_t held = s->a.word;
    pid_t w = fork();
    if (w == 0) {
        long r = SYS(SYS_futex, &s->a.word, FUTEX_WAIT, held, NULL, NULL, 0);
        _exit(r == 0 && s->a.word == (FUTEX_OWNER_DIED | FUTEX_WAITERS) ? 0 : 1);
    }
    wait_asleep(w);
    write(go[1], "x", 1);
    status_of(c);
    T_EQ("set_robust_list the owner's exit woke a waiter, which saw OWNER_DIED", status_of(w), 0);

    pthread_mutexattr_t at;
    pthread_mutexattr_init(&at);
    pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
    pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&s->m, &at);
    pthread_t t;
    pthread_create(&t, NULL, thread_dies_holding, &s->m);
    pthread_join(t, NULL);
    T_EQ("set_robust_list a robust mutex whose thread ended holding it: EOWNERDEAD", pthread_mutex_trylock(&s->m),
         EOWNERDEAD);
    T_EQ("set_robust_list pthread_mutex_consistent", pthread_mutex_consistent(&s->m), 0);
    T_EQ("set_robust_list unlock after it", pthread_mutex_unlock(&s->m), 0);
    c = fork();
    if (c == 0)
        _exit(pthread_mutex_lock(&s->m));
    status_of(c);
    T_EQ("set_robust_list a robust mutex whose process exited holding it: EOWNERDEAD", pthread_mutex_trylock(&s->m),
         EOWNERDEAD);
    return tap_done();
}
