/* tools/cli/vm.c — running QEMU and turning its end into skiff's exit status (tools/skiff.sh's run_qemu and
 * finish, in one process):
 * - QEMU must not open our stdout or stderr by name (a new open file description with its own offset: output
 *   after skiff's, `{ skiff run ...; echo x; } >f`, would overwrite the program's), nor share them (it sets
 *   O_NONBLOCK on what it writes to, and that flag belongs to the open file). So it writes into FIFOs in the work
 *   directory and a relay thread here copies them to our stdout and stderr as they come. skiff holds each FIFO
 *   open for writing too until QEMU is gone, so that the relay sees its end even if QEMU never opened it.
 * - Signals to skiff (SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2) go to the program as "signal N" lines
 *   on the skiff.signal port (a FIFO QEMU and skiff both hold open read-write); after SIGTERM, SIGINT or SIGQUIT
 *   the program has --stop-timeout seconds, then gets SIGKILL; 10 s later QEMU is killed.
 * - --timeout: the kernel ends the program at its deadline itself; QEMU is stopped only if the guest has not
 *   ended 10 s after it (SIGTERM, then SIGKILL 5 s later), as `timeout --foreground -k 5` did.
 * - Without a terminal on stdin QEMU runs in a session of its own (^C, or `timeout` signalling our group, reach
 *   only skiff, which passes them on). With one it stays in the terminal's foreground group to read it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"

extern char **environ;

#define NRELAY 3
struct relay {
    int in, out, hold;      /* the FIFO's read end, our descriptor, our write end (closed when QEMU is gone) */
    bool gone;              /* out lost its reader: what comes is read and dropped */
};
static struct relay relays[NRELAY];
static int nrelays;

/* Touched from the signal handler (one thread, the main one, takes these signals: the relay blocks them). */
static volatile sig_atomic_t sig_fd = -1, stop_sig;


static const int fwd_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static void on_forward(int sig)
{
    char line[16] = "signal ";
    int n = 7;
    if (sig >= 10)
        line[n++] = '0' + sig / 10;
    line[n++] = '0' + sig % 10;
    line[n++] = '\n';
    if (sig_fd >= 0 && write(sig_fd, line, n) < 0) {
        /* the port is gone with QEMU: nothing to pass it to */
    }
    if ((sig == SIGINT || sig == SIGQUIT || sig == SIGTERM) && !stop_sig)
        stop_sig = sig;
}

static void on_child(int sig)
{
    (void)sig; /* only to end ppoll */
}

static void relay_open(struct run *r, const char *name, int out)
{
    char *p = xasprintf("%s/%s", r->work, name);
    if (mkfifo(p, 0644) != 0)
        cli_fail(EX_FAIL, "cannot create a FIFO in %s", r->work);
    struct relay *rl = &relays[nrelays++];
    rl->in = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    rl->hold = open(p, O_WRONLY | O_CLOEXEC);
    rl->out = out;
    if (rl->in < 0 || rl->hold < 0)
        cli_fail(EX_FAIL, "cannot create a FIFO in %s", r->work);
    free(p);
}

static bool write_all(int fd, const char *b, ssize_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        b += w;
        n -= w;
    }
    return true;
}

/* Our stdout or stderr lost its reader (`skiff run yes | head -1`; SIGPIPE is blocked here, so write says
 * EPIPE): the guest hears it on the skiff.signal port ("epipe 1" or "epipe 2"), and the program's next write
 * there gets SIGPIPE/EPIPE as it would writing to that pipe itself (drivers/console.c); any other write error
 * (ENOSPC: `skiff run yes >/dev/full`) goes as "error 1 28" and the program's writes fail with it. Meanwhile the relay
 * reads on and drops, so that neither QEMU nor the guest waits on bytes nobody reads. */
static void relay_gone(struct relay *rl)
{
    int err = errno, fd = sig_fd;
    rl->gone = true;
    if (fd < 0 || (rl->out != 1 && rl->out != 2))
        return;
    char msg[32];
    int n = err == EPIPE ? snprintf(msg, sizeof msg, "epipe %d\n", rl->out)
                         : snprintf(msg, sizeof msg, "error %d %d\n", rl->out, err); /* ENOSPC of /dev/full... */
    if (write(fd, msg, (size_t)n) < 0) {
        /* the port is gone with QEMU: nobody left to tell */
    }
}

/* The relay: each FIFO to its descriptor until every one has ended. */
static void *relay_main(void *arg)
{
    (void)arg;
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, NULL);
    static char buf[65536];
    for (;;) {
        struct pollfd p[NRELAY];
        int n = 0;
        for (int i = 0; i < nrelays; i++)
            if (relays[i].in >= 0)
                p[n++] = (struct pollfd){ .fd = relays[i].in, .events = POLLIN };
        if (!n)
            return NULL;
        if (poll(p, n, -1) < 0)
            continue;
        for (int i = 0; i < nrelays; i++) {
            struct relay *rl = &relays[i];
            if (rl->in < 0)
                continue;
            ssize_t got = read(rl->in, buf, sizeof buf);
            if (got < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (got <= 0) {
                close(rl->in);
                rl->in = -1;
            } else if (!rl->gone && !write_all(rl->out, buf, got)) {
                relay_gone(rl);
            }
        }
    }
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static bool file_has(const char *path, const char *s)
{
    FILE *fp = fopen(path, "re");
    char line[4096];
    bool found = false;
    while (fp && !found && fgets(line, sizeof line, fp))
        found = strstr(line, s) != NULL;
    if (fp)
        fclose(fp);
    return found;
}


static pid_t spawn(struct run *r, struct strv *a, bool stdin_tty, bool tty_port, const sigset_t *none)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    char *err = xasprintf("%s/qemu.err", r->work);
    if (!tty_port) /* QEMU's stdout is ours only when it writes there itself, for the terminal port */
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    sigset_t def;
    sigemptyset(&def);
    for (size_t i = 0; i < sizeof fwd_sigs / sizeof *fwd_sigs; i++)
        sigaddset(&def, fwd_sigs[i]);
    sigaddset(&def, SIGCHLD);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setsigmask(&at, none);
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (stdin_tty ? 0 : POSIX_SPAWN_SETSID);
    posix_spawnattr_setflags(&at, flags);
    pid_t pid;
    int e = posix_spawnp(&pid, a->v[0], &fa, &at, a->v, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (e) {
        FILE *fp = fopen(err, "ae");
        if (fp) {
            fprintf(fp, "%s: %s\n", a->v[0], strerror(e));
            fclose(fp);
        }
        pid = -1;
    }
    free(err);
    return pid;
}

/* Waits for QEMU, passing signals on and keeping the time limits. */
static void wait_qemu(struct run *r, pid_t pid, const sigset_t *none, struct vm_ending *e)
{
    double t0 = now(), inf = 1e18;
    double term_at = r->timeout ? t0 + strtod(r->timeout, NULL) + 10 : inf, kill_at = inf;
    double stop_at = inf, qterm_at = inf, qkill_at = inf, kvm_at = !strcmp(r->accel, "kvm") ? t0 + 1 : inf;
    bool timed_out = false, killed = false, stop_armed = false;
    for (;;) {
        int st;
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid) {
            e->qstatus = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            break;
        }
        double t = now();
        if (stop_sig && !stop_armed) { /* the first SIGTERM, SIGINT or SIGQUIT starts the grace period, once */
            stop_armed = true;
            stop_at = t + strtod(r->stop_timeout, NULL);
        }
        if (t >= stop_at) { /* the grace period is over: SIGKILL in the guest (it writes back volumes) */
            e->stop_killed = true;
            if (write(sig_fd, "signal 9\n", 9) < 0) {
                /* QEMU is on its way out */
            }
            stop_at = inf;
            qterm_at = t + 10; /* and if even that does not end the VM, QEMU goes */
        }
        if (t >= qterm_at) {
            e->qemu_killed = true;
            kill(pid, SIGTERM);
            qterm_at = inf;
            qkill_at = t + 2;
        }
        if (t >= qkill_at) {
            kill(pid, SIGKILL);
            qkill_at = inf;
        }
        if (t >= term_at) {
            timed_out = true;
            kill(pid, SIGTERM);
            term_at = inf;
            kill_at = t + 5;
        }
        if (t >= kill_at) {
            killed = true;
            kill(pid, SIGKILL);
            kill_at = inf;
        }
        if (t >= kvm_at) { /* "KVM internal error": QEMU pauses and waits for a monitor we do not have */
            char *err = xasprintf("%s/qemu.err", r->work);
            if (file_has(err, "KVM internal error")) {
                kill(pid, SIGTERM);
                kvm_at = inf;
            } else {
                kvm_at = t + 1;
            }
            free(err);
        }
        double next = term_at;
        const double ds[] = { kill_at, stop_at, qterm_at, qkill_at, kvm_at };
        for (size_t i = 0; i < sizeof ds / sizeof *ds; i++)
            next = ds[i] < next ? ds[i] : next;
        double d = stop_sig && !stop_armed ? 0 : next - now();
        struct timespec ts = { 0, 0 };
        if (d > 0) {
            ts.tv_sec = d > 3600 ? 3600 : (time_t)d;
            ts.tv_nsec = d > 3600 ? 0 : (long)((d - (double)(time_t)d) * 1e9);
        }
        ppoll(NULL, 0, &ts, none); /* signals are taken here only: the SIGCHLD of QEMU's end too */
    }
    if (timed_out)
        e->qstatus = killed ? 137 : 124;
}

/* The kernel's command line: --kernel-arg words, then what the options and the terminals ask for, and the
 * host's clock now (`walltime`: the guest's RTC counts whole seconds from QEMU's start, so it lags the host by
 * up to a second, and `make` on a volume saw the files it had just written as from the future). */
static void make_cmdline(struct run *r)
{
    char *tty = term_cmdline();
    char cpus[32] = ""; /* microvm lists no CPUs (no ACPI, no MP table): the kernel is told how many */
    if (r->cpus > 1)
        snprintf(cpus, sizeof(cpus), " cpus=%d", r->cpus);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    char *c = xasprintf("%s%s%s%s%s%s%s%s walltime=%lld.%09ld", r->kernel_args, r->verbose ? " verbose" : "",
                        r->strace ? " strace" : "", r->timeout ? " deadline=" : "", r->timeout ? r->timeout : "",
                        r->allow_host ? " net_host=1" : "", tty, cpus, (long long)now.tv_sec, now.tv_nsec);
    r->cmdline = xstrdup(c[0] == ' ' ? c + 1 : c);
    free(c);
    free(tty);
}

_Noreturn void vm_run(struct run *r)
{
    bool stdin_tty = isatty(0), tty_port = stdin_tty && isatty(1);
    make_cmdline(r);
    relay_open(r, "com1", 1);
    relay_open(r, "com2", 2);
    if (r->verbose || r->strace)
        relay_open(r, "com3", 2);
    char *sp = xasprintf("%s/signal", r->work);
    if (mkfifo(sp, 0644) != 0)
        cli_fail(EX_FAIL, "cannot create a FIFO in %s", r->work);
    int sfd = open(sp, O_RDWR | O_CLOEXEC);
    if (sfd < 0)
        cli_fail(EX_FAIL, "cannot create a FIFO in %s", r->work);
    if (stdin_tty)
        term_save(); /* restored on every way out */
    struct strv a = { 0 };
    qemu_argv(r, &a, tty_port);
    if (r->verbose) {
        char *q = quote_args(a.v, a.n);
        cli_msg("running: %s", q);
        free(q);
    }
    /* From here the signals are the program's: taken only inside ppoll (wait_qemu), never half-way. */
    sigset_t block, none;
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof fwd_sigs / sizeof *fwd_sigs; i++)
        sigaddset(&block, fwd_sigs[i]);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &none);
    sigdelset(&none, SIGCHLD);
    for (size_t i = 0; i < sizeof fwd_sigs / sizeof *fwd_sigs; i++)
        sigdelset(&none, fwd_sigs[i]);
    sig_fd = sfd;
    struct sigaction fwd = { .sa_handler = on_forward }, chld = { .sa_handler = on_child };
    sigfillset(&fwd.sa_mask);
    for (size_t i = 0; i < sizeof fwd_sigs / sizeof *fwd_sigs; i++)
        sigaction(fwd_sigs[i], &fwd, NULL);
    sigaction(SIGCHLD, &chld, NULL);
    port6_start(r);
    pthread_t relay;
    bool relaying = pthread_create(&relay, NULL, relay_main, NULL) == 0;
    if (!relaying)
        cli_fail(EX_FAIL, "cannot start the output relay");
    struct vm_ending e = { 0 };
    pid_t pid = spawn(r, &a, stdin_tty, tty_port, &none);
    if (pid < 0)
        e.qstatus = 127; /* as a shell says of a command it cannot run */
    else
        wait_qemu(r, pid, &none, &e);
    sig_fd = -1;
    close(sfd);
    term_restore();
    for (int i = 0; i < nrelays; i++)
        close(relays[i].hold);
    pthread_join(relay, NULL);
    e.stop_sig = stop_sig;
    vm_finish(r, &e);
}
