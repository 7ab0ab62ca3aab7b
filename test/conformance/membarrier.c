/* test/conformance/membarrier.c — membarrier(2)'s barrier commands while another thread of the process runs
 * in user mode (on another CPU with run.sh --cpus 2, where skiff interrupts that CPU and waits for its answer):
 * each returns 0, over and over, and the spinning thread goes on (no CPU is left waiting). rseq.c has the
 * commands' registration rules and errors. */
/* covers: membarrier */
#include "tap.h"
#include <pthread.h>
#include <sched.h>

#define MB_GLOBAL 1
#define MB_GLOBAL_EXPEDITED 2
#define MB_REGISTER_GLOBAL_EXPEDITED 4
#define MB_PRIVATE_EXPEDITED 8
#define MB_REGISTER_PRIVATE_EXPEDITED 16
#define MB_PRIVATE_EXPEDITED_SYNC_CORE 32
#define MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE 64
#define ROUNDS 2000

static volatile int quit;
static volatile unsigned long spins;

static void *spinner(void *arg)
{
    (void)arg;
    while (!quit)
        spins++;
    return NULL;
}

/* n calls of cmd: how many did not return 0. */
static int barrage(int cmd, int n)
{
    int bad = 0;
    for (int i = 0; i < n; i++)
        bad += syscall(SYS_membarrier, cmd, 0, 0) != 0;
    return bad;
}

int main(void)
{
    pthread_t th;
    T_OK("membarrier REGISTER_PRIVATE_EXPEDITED", syscall(SYS_membarrier, MB_REGISTER_PRIVATE_EXPEDITED, 0, 0), 0);
    T_OK("membarrier REGISTER_PRIVATE_EXPEDITED_SYNC_CORE",
         syscall(SYS_membarrier, MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0), 0);
    T_OK("membarrier REGISTER_GLOBAL_EXPEDITED", syscall(SYS_membarrier, MB_REGISTER_GLOBAL_EXPEDITED, 0, 0), 0);
    pthread_create(&th, NULL, spinner, NULL);
    while (!spins)
        sched_yield();
    T_EQ("membarrier PRIVATE_EXPEDITED beside a spinning thread, 2000 times", barrage(MB_PRIVATE_EXPEDITED, ROUNDS), 0);
    T_EQ("membarrier PRIVATE_EXPEDITED_SYNC_CORE beside a spinning thread", barrage(MB_PRIVATE_EXPEDITED_SYNC_CORE, ROUNDS), 0);
    T_EQ("membarrier GLOBAL_EXPEDITED beside a spinning thread", barrage(MB_GLOBAL_EXPEDITED, ROUNDS), 0);
    T_EQ("membarrier GLOBAL beside a spinning thread (20 times)", barrage(MB_GLOBAL, 20), 0);
    unsigned long before = spins;
    while (spins == before)
        sched_yield();
    T_TRUE("membarrier: the spinning thread still runs", spins != before);
    quit = 1;
    pthread_join(th, NULL);
    return tap_done();
}
