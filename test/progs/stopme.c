/*
 * stopme MODE DIR: a program for tools/skiff's signal forwarding (test/cli c_stop_*), as pid 1.
 *   handle   SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2 each append "got N code C pid P" to DIR/log;
 *            the first three then exit 3, the others carry on.
 *   ignore   SIGTERM, SIGINT and SIGQUIT are ignored; DIR/mapped is written through a shared mapping only
 *            (no msync), so it reaches the host only if the kernel ends the program itself.
 *   default  no handlers: a signal's default action ends it (128+N).
 * Each mode prints "ready" once its handlers are in place, then waits for signals.
 *
 * Build: gcc -static -O2 -Wall -Wextra -o build/progs/stopme test/progs/stopme.c
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int log_fd = -1;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    char line[80];
    int n = snprintf(line, sizeof line, "got %d code %d pid %d\n", sig, si->si_code, (int)si->si_pid);
    if (write(log_fd, line, (size_t)n) != n)
        _exit(99);
    if (sig == SIGTERM || sig == SIGINT || sig == SIGQUIT)
        _exit(3);
}

static void handle(const char *dir)
{
    char path[256];
    snprintf(path, sizeof path, "%s/log", dir);
    log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644);
    if (log_fd < 0) {
        perror(path);
        exit(98);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO;
    int sigs[] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2 };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

static void ignore(const char *dir)
{
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    char path[256];
    snprintf(path, sizeof path, "%s/mapped", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, 4096) != 0) {
        perror(path);
        exit(98);
    }
    char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) {
        perror("mmap");
        exit(98);
    }
    memcpy(m, "written through the mapping\n", 28);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: stopme handle|ignore|default DIR\n");
        return 2;
    }
    if (!strcmp(argv[1], "handle"))
        handle(argv[2]);
    else if (!strcmp(argv[1], "ignore"))
        ignore(argv[2]);
    else if (strcmp(argv[1], "default")) {
        fprintf(stderr, "stopme: unknown mode %s\n", argv[1]);
        return 2;
    }
    printf("ready\n");
    fflush(stdout);
    for (;;)
        pause();
}
