/* tools/cli/main.c — the skiff command: `run` here (the other files of tools/cli), `rootfs` and what tools/cli
 * leaves to it in the shell implementation (cli_fallback), `version`, `--help`. Messages are tools/skiff.sh's,
 * word for word: "skiff: ..." on stderr; a usage error adds "Try 'skiff --help' ..." and exits 125. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

const char *cli_me = "skiff";
char *cli_self_dir;
static char **orig_argv;
static struct run the_run;

static const char usage_text[] =
    "usage: skiff run [options] PROGRAM [ARGS...]\n"
    "       skiff rootfs [--add HOST[:GUEST]]... [--no-runtime-libs] DIR PROGRAM...\n"
    "       skiff version\n"
    "\n"
    "Runs PROGRAM, an x86_64 Linux binary, in the skiff unikernel under QEMU.\n"
    "PROGRAM is a host path, packed into the initrd at the same guest path;\n"
    "with --rootfs or --initrd it is a path inside that root instead. Without\n"
    "a slash it is looked up in PATH, as a shell does. A #! script comes with\n"
    "its interpreter. A dynamic\n"
    "PROGRAM (or added file) comes with its ELF interpreter and the shared\n"
    "libraries it needs, found as ld.so finds them (symlinks kept as symlinks).\n"
    "`skiff rootfs` writes that root into DIR instead of running it.\n"
    "\n"
    "options:\n"
    "  --rootfs DIR[:rw]     DIR as the guest's root: shared live over virtio-9p\n"
    "                        when the kernel supports it (writes stay in memory;\n"
    "                        with :rw they reach DIR), else packed\n"
    "  --initrd FILE         use the newc cpio FILE as the guest's root\n"
    "  --add HOST[:GUEST]    copy a host file or directory (recursively) into the\n"
    "                        guest at GUEST (default: the same path); repeatable\n"
    "  --env K=V             add K=V to the guest environment; repeatable (the\n"
    "                        defaults: PATH, HOME=/root, TERM, LANG=C.UTF-8)\n"
    "  --workdir DIR         the program's working directory (default /)\n"
    "  --user USER[:GROUP]   run the program as USER (a uid or a name from the\n"
    "                        guest's /etc/passwd) and GROUP, with no capabilities\n"
    "  --no-cache            pack the initrd afresh (also SKIFF_NO_CACHE=1);\n"
    "                        images are cached in ~/.cache/skiff by content\n"
    "  --no-runtime-libs     do not pack the library directories of python3, perl,\n"
    "                        ruby, lua, tclsh or node (only what ld.so loads)\n"
    "  --mem SIZE            guest memory, QEMU syntax (default: enough for the\n"
    "                        root plus 64M, at least 128M); a SIZE too small for\n"
    "                        the root is refused before booting\n"
    "  --accel tcg|kvm|auto  CPU emulation (default auto, which means tcg for now)\n"
    "  --cpus N              the guest's CPUs, 1 to 16 (default 1, or SKIFF_CPUS);\n"
    "                        programs run on all of them (under TCG, one host\n"
    "                        thread each)\n"
    "  --timeout S           end the program after S seconds and exit 124\n"
    "  --stop-timeout S      how long the program has to end after skiff itself\n"
    "                        gets SIGTERM, SIGINT or SIGQUIT (default 10), then\n"
    "                        it is killed with SIGKILL (status 137)\n"
    "  --strace              log every syscall to stderr\n"
    "  --verbose             show the kernel log on stderr\n"
    "  --iso                 boot through GRUB from an ISO image (grub-mkrescue)\n"
    "  --machine M           QEMU's machine: microvm (default: no PCI, no\n"
    "                        firmware tables, virtio-mmio devices), pc or q35\n"
    "  --kernel FILE         kernel image (default: build/skiff.elf)\n"
    "  --firmware F          auto (qboot when installed, else SeaBIOS; SeaBIOS\n"
    "                        for --iso), seabios or qboot\n"
    "  --kernel-arg WORD     add WORD to the kernel command line; repeatable\n"
    "                        (e.g. hostname=NAME; docs/host-interface.md)\n"
    "  --net                 give the guest a network card on QEMU's user-mode\n"
    "                        network (no root needed): DHCP gives it 10.0.2.15,\n"
    "                        DNS 10.0.2.3; the outside world is reachable, the\n"
    "                        host's own services are not (docs/net.md)\n"
    "  --allow-host          let the guest reach the host's services at 10.0.2.2\n"
    "                        (the host's 127.0.0.1) and link-local addresses\n"
    "                        such as 169.254.169.254; implies --net\n"
    "  --port [ADDR:]HOST:GUEST\n"
    "                        forward TCP port HOST on the host (address ADDR,\n"
    "                        default 127.0.0.1) to port GUEST in the guest;\n"
    "                        repeatable; implies --net\n"
    "  -v, --volume HOST:GUEST[:ro]\n"
    "                        share the host directory HOST (live, over virtio-9p)\n"
    "                        at the absolute guest path GUEST; :ro read-only;\n"
    "                        repeatable\n"
    "  -h, --help            show this help\n"
    "\n"
    "signals: SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 sent to skiff\n"
    "while the program runs go to the program (the guest's pid 1) as that\n"
    "signal, as `docker stop` and `docker kill` do: it ends as it chooses (its\n"
    "handler's exit status, or 128+SIG). After SIGTERM, SIGINT or SIGQUIT skiff\n"
    "waits --stop-timeout seconds, then kills it with SIGKILL; SIGHUP, SIGUSR1 and\n"
    "SIGUSR2 are only passed on (a server may reload on them). When stdin is not a\n"
    "terminal, QEMU runs in its own session, so ^C or `timeout` reach only skiff.\n"
    "\n"
    "exit status: PROGRAM's own status; 128+SIG if a signal killed it; 126 if\n"
    "PROGRAM cannot be executed; 127 if it does not exist; 124 on --timeout;\n"
    "125 on a kernel panic or any failure of skiff or QEMU.\n"
    ;

void cli_usage(int fd)
{
    fflush(stdout);
    size_t off = 0, n = sizeof usage_text - 1;
    while (off < n) {
        ssize_t w = write(fd, usage_text + off, n - off);
        if (w <= 0 && errno != EINTR)
            return;
        off += w > 0 ? (size_t)w : 0;
    }
}

static void vmsg(const char *fmt, va_list ap)
{
    char line[8192];
    vsnprintf(line, sizeof line, fmt, ap);
    fprintf(stderr, "%s: %s\n", cli_me, line);
}

void cli_msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
}

_Noreturn void cli_exit(int status)
{
    term_restore();
    if (the_run.work) {
        if (getenv("SKIFF_KEEP") && *getenv("SKIFF_KEEP"))
            cli_msg("kept %s", the_run.work); /* SKIFF_KEEP=1 keeps the plan, initrd and logs for debugging */
        else
            rm_tree(the_run.work);
    }
    fflush(stdout);
    exit(status);
}

_Noreturn void cli_fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
    cli_exit(status);
}

_Noreturn void cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try '%s --help' for more information.\n", cli_me);
    cli_exit(EX_FAIL);
}

/* A data file: next to the program (build/NAME), in tools/ beside build/ (the shell implementation), or
 * installed (PREFIX/lib/skiff/NAME next to PREFIX/bin/skiff). The first that exists; else the first. */
char *cli_data_file(const char *name)
{
    const char *where[] = { "%s/%s", "%s/../tools/%s", "%s/../lib/skiff/%s" };
    for (size_t i = 0; i < sizeof where / sizeof *where; i++) {
        char *p = xasprintf(where[i], cli_self_dir, name);
        if (access(p, F_OK) == 0)
            return p;
        free(p);
    }
    return xasprintf("%s/%s", cli_self_dir, name);
}

/* What tools/cli does not do itself: the shell implementation, with the same argv, does it. Nothing has been
 * said or written yet when this is called. */
_Noreturn void cli_fallback(const char *why)
{
    char *sh = cli_data_file("skiff.sh");
    /* SKIFF_NO_FALLBACK=1 (test/cli): a run the C path does not do fails instead, saying why. */
    const char *no = getenv("SKIFF_NO_FALLBACK");
    if (no && *no)
        cli_fail(EX_FAIL, "the shell implementation would run this (%s), and SKIFF_NO_FALLBACK is set", why);
    if (the_run.work)
        rm_tree(the_run.work);
    if (!getenv("SKIFF_PACK"))
        setenv("SKIFF_PACK", cli_data_file("skiff-pack"), 1);
    if (!getenv("SKIFF_DEFAULT_KERNEL"))
        setenv("SKIFF_DEFAULT_KERNEL", cli_data_file("skiff.elf"), 1);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    orig_argv[0] = sh;
    execv("/bin/sh", orig_argv - 1); /* orig_argv[-1] is the argv[0] slot: "sh" */
    cli_fail(EX_FAIL, "cannot run %s: %s", sh, strerror(errno));
}

/* A signal before QEMU runs stops skiff (vm.c passes them to the program once it does): only
 * async-signal-safe calls here, the work directory and a half-written image removed. */
static void early_signal(int sig)
{
    static const char m[] = "skiff: interrupted\n";
    if (write(2, m, sizeof m - 1) < 0) {
        /* nothing to do about it */
    }
    const char *tmp = pack_out_tmp();
    if (tmp[0])
        unlink(tmp);
    const char *keep = getenv("SKIFF_KEEP");
    if (the_run.work && !(keep && *keep))
        rm_tree(the_run.work);
    term_restore();
    _exit(128 + sig);
}

static void early_signals(void)
{
    /* The guest's numbers are Linux x86_64's, which are this host's: SIGINT 2, SIGTERM 15, SIGHUP 1, SIGQUIT 3,
     * SIGUSR1 10, SIGUSR2 12. */
    _Static_assert(SIGINT == 2 && SIGTERM == 15 && SIGHUP == 1 && SIGQUIT == 3 && SIGUSR1 == 10 && SIGUSR2 == 12,
                   "Linux x86_64 signal numbers");
    struct sigaction sa = { .sa_handler = early_signal };
    sigfillset(&sa.sa_mask);
    const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        sigaction(sigs[i], &sa, NULL);
}

static void find_self(const char *argv0)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = 0;
    } else if (!realpath(argv0, buf)) {
        snprintf(buf, sizeof buf, "%s", argv0);
    }
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = 0;
    cli_self_dir = xstrdup(slash ? (buf[0] ? buf : "/") : ".");
}

int main(int argc, char **argv)
{
    /* argv with a slot before it for the fallback's "sh SCRIPT ARGS..." */
    char **av = xmalloc((argc + 2) * sizeof(*av));
    av[0] = "sh";
    memcpy(av + 1, argv, (argc + 1) * sizeof(*av));
    orig_argv = av + 1;
    find_self(argv[0]);
    early_signals();
    if (argc < 2) {
        cli_usage(2);
        return EX_FAIL;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "run")) {
        opt_parse_run(&the_run, argc - 2, argv + 2);
        qemu_check(&the_run);
        plan_root(&the_run);
        image_root(&the_run);
        image_initrd(&the_run);
        image_size_memory(&the_run);
        vm_run(&the_run);
    }
    if (!strcmp(cmd, "rootfs"))
        cli_fallback("skiff rootfs");
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("skiff %s\n", SKIFF_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        cli_usage(1);
        return 0;
    }
    cli_usage_error("unknown command: %s", cmd);
}
