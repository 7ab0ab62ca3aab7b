/* test/conformance/rseq.c — restartable sequences and membarrier. rseq is tried in a thread made with a raw
 * clone (libc registers an rseq area for its own threads, and a CLONE_VM thread starts without one): the
 * registration checks (EINVAL, EPERM, EBUSY, EFAULT), cpu_id at registration and after unregistering, a
 * critical section abandoned for its abort handler when a signal comes (or a switch: either one must restart
 * it), and SIGSEGV for an abort handler without the registered signature. membarrier: QUERY, the registration
 * rules of the private expedited commands (EPERM before registering), GET_REGISTRATIONS, a fork's copy of
 * them. Orderings come from flags the two threads share and from wait calls, never from timing. */
/* covers: rseq membarrier */
#include "tap.h"
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#define FUTEX_WAIT 0

#ifndef SYS_rseq
#define SYS_rseq 334
#endif
#ifndef SYS_membarrier
#define SYS_membarrier 324
#endif
#define RSEQ_SIG 0x53053053u

struct rseq_area {
    uint32_t cpu_id_start, cpu_id;
    uint64_t rseq_cs;
    uint32_t flags, node_id, mm_cid;
} __attribute__((aligned(32)));

static struct rseq_area rs, rs_other;
static char misaligned_buf[96] __attribute__((aligned(32)));

/* A raw syscall that touches neither errno nor anything else thread-local: the raw thread shares the main
 * thread's TLS. */
static long rsys(long n, long a, long b, long c, long d)
{
    long ret;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "=a"(ret) : "0"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return ret;
}

/* The raw thread's results, printed by the main thread once it has ended. */
#define NRES 24
static long res[NRES];
static uint32_t ids[4];
static volatile int entered, aborted, handled;
static volatile int ctid;
static uint32_t thread_sig = RSEQ_SIG;

static void on_usr1(int sig) { (void)sig; handled++; }

/* Enters a critical section that spins until something makes it restart at its abort handler. */
static void critical_section(void)
{
    __asm__ volatile(
        ".pushsection .data.rseq_cs, \"aw\"\n"
        ".balign 32\n"
        "7: .long 0, 0\n"
        ".quad 1f, 2f - 1f, 4f\n"
        ".popsection\n"
        "lea 7b(%%rip), %%rax\n"
        "mov %%rax, %[cs]\n"
        "1: movl $1, %[entered]\n"
        "6: jmp 6b\n"
        "2: jmp 5f\n"
        ".long 0x53053053\n"
        "4: movl $1, %[aborted]\n"
        "5:\n"
        : [cs] "=m"(rs.rseq_cs), [entered] "=m"(entered), [aborted] "=m"(aborted)
        :
        : "rax", "memory");
}

static void thread_main(void)
{
    int i = 0;
    res[i++] = rsys(SYS_rseq, (long)&rs, 16, 0, RSEQ_SIG);
    res[i++] = rsys(SYS_rseq, (long)(misaligned_buf + 4), 32, 0, RSEQ_SIG);
    res[i++] = rsys(SYS_rseq, (long)KADDR, 32, 0, RSEQ_SIG);
    res[i++] = rsys(SYS_rseq, (long)&rs, 32, 2, RSEQ_SIG);
    res[i++] = rsys(SYS_rseq, (long)&rs, 32, 1, RSEQ_SIG);          /* unregister: none */
    rs.cpu_id = 0xdeadbeef;
    res[i++] = rsys(SYS_rseq, (long)&rs, 32, 0, thread_sig);
    ids[0] = rs.cpu_id_start;
    ids[1] = rs.cpu_id;
    res[i++] = rsys(SYS_rseq, (long)&rs, 32, 0, thread_sig);        /* again */
    res[i++] = rsys(SYS_rseq, (long)&rs, 32, 0, 0x1234);            /* another signature */
    res[i++] = rsys(SYS_rseq, (long)&rs_other, 32, 0, thread_sig);  /* another area */
    res[i++] = rsys(SYS_rseq, (long)&rs, 64, 0, thread_sig);        /* another length */
    res[i++] = rsys(SYS_rseq, (long)&rs, 32, 1, 0x1234);            /* unregister: wrong signature */
    res[i++] = rsys(SYS_rseq, (long)&rs, 64, 1, thread_sig);        /* unregister: wrong length */
    res[i++] = rsys(SYS_rseq, (long)&rs, 32, 3, thread_sig);        /* unregister with another flag */
    critical_section();
    while (!handled)
        rsys(SYS_sched_yield, 0, 0, 0, 0);
    ids[2] = (uint32_t)rs.rseq_cs;
    res[i++] = rsys(SYS_rseq, (long)&rs, 32, 1, thread_sig);
    ids[3] = rs.cpu_id;
}

static char tstack[65536] __attribute__((aligned(16)));

/* clone(CLONE_VM|...|CLONE_THREAD) running fn on tstack; the thread ends with exit (not exit_group). */
static long thread_run(void (*fn)(void))
{
    long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                 CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    long ret;
    register long r10 __asm__("r10") = (long)&ctid;
    register long r8 __asm__("r8") = 0;
    register void (*rbx)(void) __asm__("rbx") = fn;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "xor %%ebp, %%ebp\n\t"
                     "call *%%rbx\n\t"
                     "mov $60, %%eax\n\t"
                     "xor %%edi, %%edi\n\t"
                     "syscall\n\t"
                     "1:"
                     : "=a"(ret)
                     : "0"((long)SYS_clone), "D"(flags), "S"(tstack + sizeof tstack), "d"(&ctid), "r"(r10),
                       "r"(r8), "r"(rbx)
                     : "rcx", "r11", "memory");
    if (ret < 0)
        return ret;
    while (!entered)
        sched_yield();
    SYS(SYS_tgkill, getpid(), ret, SIGUSR1);
    int v;
    while ((v = ctid) != 0)
        SYS(SYS_futex, &ctid, FUTEX_WAIT, v, NULL, NULL, 0);
    return ret;
}

static void test_rseq(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    long t = thread_run(thread_main);
    T_TRUE("rseq: a raw clone thread ran", t > 0);
    int i = 0;
    T_EQ("rseq length 16 -> EINVAL", res[i++], -EINVAL);
    T_EQ("rseq an area not aligned to 32 -> EINVAL", res[i++], -EINVAL);
    T_EQ("rseq a kernel address -> EFAULT", res[i++], -EFAULT);
    T_EQ("rseq unknown flags -> EINVAL", res[i++], -EINVAL);
    T_EQ("rseq unregister with nothing registered -> EINVAL", res[i++], -EINVAL);
    T_EQ("rseq register in a new CLONE_VM thread (none inherited)", res[i++], 0);
    T_TRUE("rseq registration writes cpu_id and cpu_id_start", ids[0] == ids[1] && ids[1] < 4096);
    T_EQ("rseq registered twice -> EBUSY", res[i++], -EBUSY);
    T_EQ("rseq again with another signature -> EPERM", res[i++], -EPERM);
    T_EQ("rseq again with another area -> EINVAL", res[i++], -EINVAL);
    T_EQ("rseq again with another length -> EINVAL", res[i++], -EINVAL);
    T_EQ("rseq unregister with the wrong signature -> EPERM", res[i++], -EPERM);
    T_EQ("rseq unregister with the wrong length -> EINVAL", res[i++], -EINVAL);
    T_EQ("rseq unregister with another flag -> EINVAL", res[i++], -EINVAL);
    T_EQ("rseq a critical section cut by a signal resumes at its abort handler", aborted, 1);
    T_EQ("rseq the signal's handler ran once", handled, 1);
    T_EQ("rseq the abort cleared rseq_cs", ids[2], 0);
    T_EQ("rseq unregister", res[i++], 0);
    T_EQ("rseq unregister sets cpu_id to RSEQ_CPU_ID_UNINITIALIZED", ids[3], 0xffffffffu);

    /* an abort handler without the registered signature: the process dies of SIGSEGV */
    pid_t c = fork();
    if (c == 0) {
        entered = aborted = handled = 0;
        thread_sig = 0x12345678;
        memset(&rs, 0, sizeof rs);
        thread_run(thread_main);
        _exit(0);
    }
    int st = 0;
    waitpid(c, &st, 0);
    T_TRUE("rseq an abort handler without the registered signature: SIGSEGV", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
}

#define MB_QUERY 0
#define MB_GLOBAL 1
#define MB_GLOBAL_EXPEDITED 2
#define MB_REGISTER_GLOBAL_EXPEDITED 4
#define MB_PRIVATE_EXPEDITED 8
#define MB_REGISTER_PRIVATE_EXPEDITED 16
#define MB_PRIVATE_EXPEDITED_SYNC_CORE 32
#define MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE 64
#define MB_PRIVATE_EXPEDITED_RSEQ 128
#define MB_REGISTER_PRIVATE_EXPEDITED_RSEQ 256
#define MB_GET_REGISTRATIONS 512

static long mb(int cmd, unsigned flags, int cpu) { return SYS(SYS_membarrier, cmd, flags, cpu); }

static void test_membarrier(void)
{
    T_COVERS("MEMBARRIER_CMD_QUERY");
    T_OK("membarrier QUERY lists every command", mb(MB_QUERY, 0, 0), 0x3ff);
    T_COVERS("MEMBARRIER_CMD_QUERY");
    T_ERR("membarrier QUERY with a flag", mb(MB_QUERY, 1, 0), EINVAL);
    T_ERR("membarrier an unknown command", mb(1024, 0, 0), EINVAL);
    T_ERR("membarrier command -1", mb(-1, 0, 0), EINVAL);
    T_OK("membarrier GET_REGISTRATIONS: none yet", mb(MB_GET_REGISTRATIONS, 0, 0), 0);
    T_COVERS("MEMBARRIER_CMD_PRIVATE_EXPEDITED");
    T_ERR("membarrier PRIVATE_EXPEDITED before registering", mb(MB_PRIVATE_EXPEDITED, 0, 0), EPERM);
    T_COVERS("MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE");
    T_ERR("membarrier PRIVATE_EXPEDITED_SYNC_CORE before registering", mb(MB_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0), EPERM);
    T_COVERS("MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ");
    T_ERR("membarrier PRIVATE_EXPEDITED_RSEQ before registering", mb(MB_PRIVATE_EXPEDITED_RSEQ, 0, 0), EPERM);
    T_COVERS("MEMBARRIER_CMD_GLOBAL MEMBARRIER_CMD_SHARED");
    T_OK("membarrier GLOBAL", mb(MB_GLOBAL, 0, 0), 0);
    T_COVERS("MEMBARRIER_CMD_GLOBAL_EXPEDITED");
    T_OK("membarrier GLOBAL_EXPEDITED (no registration needed)", mb(MB_GLOBAL_EXPEDITED, 0, 0), 0);
    T_COVERS("MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED");
    T_OK("membarrier REGISTER_PRIVATE_EXPEDITED", mb(MB_REGISTER_PRIVATE_EXPEDITED, 0, 0), 0);
    T_COVERS("MEMBARRIER_CMD_PRIVATE_EXPEDITED");
    T_OK("membarrier PRIVATE_EXPEDITED once registered", mb(MB_PRIVATE_EXPEDITED, 0, 0), 0);
    T_COVERS("MEMBARRIER_CMD_PRIVATE_EXPEDITED");
    T_ERR("membarrier PRIVATE_EXPEDITED with a flag", mb(MB_PRIVATE_EXPEDITED, 1, 0), EINVAL);
    T_ERR("membarrier SYNC_CORE still needs its own registration", mb(MB_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0), EPERM);
    T_OK("membarrier GET_REGISTRATIONS: REGISTER_PRIVATE_EXPEDITED", mb(MB_GET_REGISTRATIONS, 0, 0), 16);
    T_COVERS("MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE");
    T_OK("membarrier REGISTER_PRIVATE_EXPEDITED_SYNC_CORE", mb(MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0), 0);
    T_COVERS("MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE");
    T_OK("membarrier PRIVATE_EXPEDITED_SYNC_CORE once registered", mb(MB_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0), 0);
    T_COVERS("MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ");
    T_OK("membarrier REGISTER_PRIVATE_EXPEDITED_RSEQ", mb(MB_REGISTER_PRIVATE_EXPEDITED_RSEQ, 0, 0), 0);
    T_COVERS("MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ");
    T_OK("membarrier PRIVATE_EXPEDITED_RSEQ once registered", mb(MB_PRIVATE_EXPEDITED_RSEQ, 0, 0), 0);
    T_COVERS("MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ");
    T_OK("membarrier PRIVATE_EXPEDITED_RSEQ with FLAG_CPU", mb(MB_PRIVATE_EXPEDITED_RSEQ, 1, 0), 0);
    T_COVERS("MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ");
    T_ERR("membarrier PRIVATE_EXPEDITED_RSEQ with an unknown flag", mb(MB_PRIVATE_EXPEDITED_RSEQ, 2, 0), EINVAL);
    T_COVERS("MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED");
    T_OK("membarrier REGISTER_GLOBAL_EXPEDITED", mb(MB_REGISTER_GLOBAL_EXPEDITED, 0, 0), 0);
    T_OK("membarrier GET_REGISTRATIONS: all four", mb(MB_GET_REGISTRATIONS, 0, 0), 16 | 64 | 256 | 4);
    T_COVERS("MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED");
    T_OK("membarrier REGISTER_PRIVATE_EXPEDITED twice", mb(MB_REGISTER_PRIVATE_EXPEDITED, 0, 0), 0);
    pid_t c = fork();
    if (c == 0)
        _exit(mb(MB_GET_REGISTRATIONS, 0, 0) == (16 | 64 | 256 | 4) && mb(MB_PRIVATE_EXPEDITED, 0, 0) == 0 ? 0 : 1);
    int st = 0;
    waitpid(c, &st, 0);
    T_TRUE("membarrier a forked child keeps the registrations (a copy of the memory)", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
    test_membarrier();
    test_rseq();
    return tap_done();
}
