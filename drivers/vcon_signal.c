/* drivers/vcon_signal.c — signals from the host for the first process, as `docker stop` and `docker kill` send
 * them to a container's: tools/skiff writes them on the virtio-console port skiff.signal when it gets one
 * itself (docs/host-interface.md). A message is one text line, "signal N\n" with N in 1..64, so that a
 * POSIX sh script can write it with printf. The signal reaches pid 1 as one from outside its pid namespace
 * does on Linux: SI_USER, si_pid 0, si_uid 0. "epipe 1" (or 2) says that the host's stdout (stderr) lost its
 * reader: the program's next write there gets SIGPIPE/EPIPE (drivers/console.c), as it would writing to the pipe. Nothing runs until the host writes (the port's receive
 * interrupt), so this costs nothing at boot beyond the port's queues. */
#include "vcon.h"
#include "../kernel/proc.h"
#include "console.h"

#define LINE_MAX 16

/* Touched from the port's interrupt and from vsig_start, which runs with interrupts off as all kernel code. */
static char line[LINE_MAX];
static u32 line_len;
static bool line_bad;        /* too long: dropped up to its newline */
static u64 pending;          /* signals that came before the first process existed */
static bool started;

static void send_to_init(int sig)
{
    struct proc *p = started ? proc_by_pid(1) : NULL;
    struct task *t = p ? proc_first_task(p) : NULL;
    if (!t) {
        pending |= SIGBIT(sig);
        return;
    }
    struct k_siginfo info = { .signo = sig, .code = SI_USER }; /* from outside: no sender pid in here */
    klog("skiff: the host sends %s to the first process\n", signal_name(sig));
    signal_send_info(t, &info, false);
}

/* "signal N": N or 0 when the line is anything else. */
static int parse(const char *s, u32 n)
{
    static const char word[] = "signal ";
    u32 w = sizeof(word) - 1;
    if (n <= w || memcmp(s, word, w) != 0)
        return 0;
    int sig = 0;
    for (u32 i = w; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || sig > NSIG)
            return 0;
        sig = sig * 10 + (s[i] - '0');
    }
    return sig >= 1 && sig <= NSIG ? sig : 0;
}

/* An errno in decimal, 1..4095; 0 when it is not one. */
static int parse_errno(const char *s, u32 n)
{
    int e = 0;
    for (u32 i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || e > 4095)
            return 0;
        e = e * 10 + (s[i] - '0');
    }
    return e >= 1 && e <= 4095 ? e : 0;
}

static void end_line(void)
{
    int sig = line_bad ? 0 : parse(line, line_len);
    bool epipe = !line_bad && line_len == 7 && !memcmp(line, "epipe ", 6) && (line[6] == '1' || line[6] == '2');
    bool error = !line_bad && line_len > 8 && !memcmp(line, "error ", 6) && (line[6] == '1' || line[6] == '2') &&
                 line[7] == ' ';
    int err = error ? parse_errno(line + 8, line_len - 8) : 0;
    if (epipe) /* "epipe 1" or "epipe 2": the host's stdout or stderr has no reader any more */
        console_host_gone(line[6] == '1' ? CONSOLE_STDOUT : CONSOLE_STDERR);
    else if (error && err) /* "error 1 28": writing the host's stdout failed with ENOSPC */
        console_host_error(line[6] == '1' ? CONSOLE_STDOUT : CONSOLE_STDERR, err);
    else if (sig)
        send_to_init(sig);
    else
        klog("skiff: skiff.signal: a message that is not \"signal N\" (N = 1..%d), \"epipe 1|2\" or "
             "\"error 1|2 ERRNO\", ignored\n", NSIG);
    line_len = 0;
    line_bad = false;
}

void vsig_input(const u8 *buf, u32 len)
{
    for (u32 i = 0; i < len; i++) {
        if (buf[i] == '\n')
            end_line();
        else if (line_len < LINE_MAX)
            line[line_len++] = (char)buf[i];
        else
            line_bad = true;
    }
}

void vsig_start(void)
{
    started = true;
    u64 sigs = pending;
    pending = 0;
    for (int sig = 1; sig <= NSIG; sig++)
        if (sigs & SIGBIT(sig))
            send_to_init(sig);
}
