/* test/progs/smpexit.c — exit_group while the process's other threads run (on other CPUs, with --cpus): three
 * threads spin, then the main thread (argument "main") or one of the spinners ("thread") ends the process with
 * status 7. The kernel must take the others off their CPUs before it frees them: status 7, no panic. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static atomic_int started;
static int by_thread;

static void *spin(void *arg)
{
    atomic_fetch_add(&started, 1);
    if (by_thread && arg == (void *)2L) {
        struct timespec ts = { 0, 100000000 };
        nanosleep(&ts, NULL);
        _exit(7); /* exit_group from a thread */
    }
    for (volatile unsigned long i = 0;; i++)
        ;
    return NULL;
}

int main(int argc, char **argv)
{
    by_thread = argc > 1 && !strcmp(argv[1], "thread");
    pthread_t t;
    for (long i = 0; i < 3; i++)
        if (pthread_create(&t, NULL, spin, (void *)i) != 0)
            return 2;
    while (atomic_load(&started) < 3)
        ;
    if (by_thread)
        for (;;)
            pause();
    struct timespec ts = { 0, 100000000 };
    nanosleep(&ts, NULL);
    exit(7);
}
