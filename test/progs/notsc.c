/* test/progs/notsc.c — prctl(PR_SET_TSC, PR_TSC_SIGSEGV) under skiff: a child that sets it gets SIGSEGV (si_code
 * SI_KERNEL) from every rdtsc, while its parent, which did not, reads the TSC freely; the two take turns with
 * sched_yield, so each switch must set or clear CR4.TSD for the task it runs. Prints "notsc ok" and exits 0.
 * test/guest/run.sh t_notsc runs it. (The conformance suite cannot check the fault: its host, a VM, ignores
 * CR4.TSD.) */
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 100
static sigjmp_buf jb;
static volatile int bad_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    if (si->si_code != 0x80)
        bad_code = si->si_code;
    siglongjmp(jb, 1);
}

static unsigned long rdtsc(void)
{
    unsigned lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (unsigned long)hi << 32 | lo;
}

static int child(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0))
        return 2;
    volatile int faults = 0;
    for (volatile int i = 0; i < ROUNDS; i++) {
        sched_yield();
        if (sigsetjmp(jb, 1) == 0)
            rdtsc();
        else
            faults++;
    }
    return faults == ROUNDS && !bad_code ? 0 : 1;
}

int main(void)
{
    pid_t c = fork();
    if (c == 0)
        _exit(child());
    unsigned long sum = 0;
    for (int i = 0; i < ROUNDS; i++) {
        sched_yield();
        sum += rdtsc() & 1; /* would kill this process if CR4.TSD were left set */
    }
    int st = 0;
    waitpid(c, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st)) {
        printf("notsc: the child's rdtsc did not fault every time (status %#x)\n", st);
        return 1;
    }
    printf("notsc ok %lu\n", sum * 0);
    return 0;
}
