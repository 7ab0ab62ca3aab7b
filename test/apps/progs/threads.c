/* test/apps/progs/threads.c — a process of three threads that wait forever, the two it creates named
 * worker-a and worker-b (pthread_setname_np): what `ps -L` and `top -H` list (test/apps/run.sh a_ps). */
#define _GNU_SOURCE
#include <pthread.h>
#include <unistd.h>

static void *wait_forever(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    if (pthread_create(&a, NULL, wait_forever, NULL) || pthread_create(&b, NULL, wait_forever, NULL))
        return 1;
    pthread_setname_np(a, "worker-a");
    pthread_setname_np(b, "worker-b");
    wait_forever(NULL);
    return 0;
}
