/* tools/cli/cli.h — build/skiff, the `skiff` command in C (issue 13): `skiff run` from the options to QEMU's
 * exit, with no shell and no helper process on the way (only a runtime such as python3 is asked where its
 * libraries are); the image cache hit of a static program spends a few ms of its own before QEMU starts. It
 * packs with tools/pack's code (the dependency walk, the image writer, the cache key), linked in: no second ELF
 * parser, no second cpio writer.
 *
 * What it leaves to the shell implementation (tools/skiff.sh, exec'd with the same argv, cli_fallback): the
 * `rootfs` command, --iso, --initrd and a packed --rootfs (SKIFF_LIVE_ROOTFS=0). docs/cli.md lists the split.
 *
 * Files: main.c (commands, messages, the fallback), options.c (run's options, --port, -v), plan.c (the root's
 * plan: PROGRAM, --add, /bin/sh, terminfo), interp.c (#! interpreters), runtime.c (the runtimes' libraries),
 * etc.c (/etc), image.c (the cache, /.skiff, the initrd, --mem), qemu.c (QEMU's command line), vm.c (running
 * QEMU: relays, signals, timeouts), finish.c (the exit status), term.c (the terminal), rm.c (the work
 * directory's removal). */
#ifndef SKIFF_CLI_H
#define SKIFF_CLI_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "../pack/pack.h"

#define SKIFF_VERSION "0.1.0"
#define DEFAULT_ENV_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Exit statuses of the CLI itself (the rest come from the guest). */
#define EX_TIMEOUT 124
#define EX_FAIL 125
#define EX_NOEXEC 126
#define EX_NOENT 127

/* A growable list of strings (argv for QEMU, the user's --env ...). */
struct strv {
    char **v;
    size_t n, cap;
};
void strv_add(struct strv *s, const char *str);
void strv_addf(struct strv *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct volume {
    char *tag, *host, *guest, *mode; /* skiffv<i> or skiffroot; absolute host dir; normalised guest path */
};

struct run {
    /* options */
    int cpus;                   /* --cpus: QEMU's -smp (1: the default) */
    const char *accel, *machine, *mem, *firmware, *timeout, *stop_timeout, *kernel, *workdir, *rootfs;
    long mem_kib;
    bool rootfs_rw, net, allow_host, strace, verbose, no_cache, no_runtime_libs;
    char *kernel_args;              /* " word word", as the script builds it */
    char *hostfwds;                 /* ",hostfwd=tcp:ADDR:HOST-:GUEST"... */
    struct port6 { int host_port; bool any; } port6[64]; /* port6.c: the same ports on [::1] or [::] */
    int nport6;
    struct strv adds, env_user, env_keys;
    struct volume vols[64];
    int nvols;                      /* -v volumes (skiffv<i>) and a live root (skiffroot, first) */
    int argc;                       /* PROGRAM [ARGS...] */
    char **argv;
    /* the run */
    char *work;                     /* the temporary directory */
    char *prog, *argv0;             /* PROGRAM as found; its guest path */
    struct walk_state walk;         /* the plan being written, and what the walk found */
    char *plan_path, *root_cpio, *initrd;
    char *cmdline;
    long long initrd_size;
};

/* main.c */
extern const char *cli_me;          /* "skiff" */
extern char *cli_self_dir;          /* where build/skiff (or PREFIX/bin/skiff) is */
void cli_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void port6_start(struct run *r);   /* port6.c: --port's IPv6 side, relayed to the IPv4 forward */
_Noreturn void cli_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void cli_exit(int status); /* cleans up (tty, work dir) and exits */
_Noreturn void cli_fallback(const char *why);
void cli_usage(int fd);
char *cli_data_file(const char *name); /* build/NAME or PREFIX/lib/skiff/NAME */

/* options.c */
void opt_parse_run(struct run *r, int argc, char **argv);
bool env_user_has(const struct run *r, const char *key);
const char *guest_env_path(const struct run *r);

/* plan.c */
void plan_root(struct run *r);      /* the plan file of the root, from the options and PROGRAM */
bool has_dotdot(const char *p);
char *abs_path(const char *p);      /* NULL when its directory cannot be entered */
void path_ok(const char *p);        /* exits 125 on a tab: it would break the plan's fields */
char *path_search(const char *name, const char *dirs, const char *root); /* as a shell's PATH lookup, or NULL */

/* interp.c */
void plan_interp(struct run *r, const char *file);  /* a #! script's interpreters, planned */

/* runtime.c */
void plan_runtime(struct run *r, const char *file); /* a runtime's library directories (file: symlink-free) */

/* image.c */
void image_root(struct run *r);     /* root_cpio from the cache or packed */
void image_initrd(struct run *r);   /* /.skiff files and the initrd */
void image_size_memory(struct run *r);

/* qemu.c */
void qemu_argv(struct run *r, struct strv *a, bool tty_port);
void qemu_check(struct run *r);     /* the kernel, QEMU and KVM there, before anything is packed */
char *quote_args(char *const *v, size_t n);

/* vm.c */
_Noreturn void vm_run(struct run *r);

/* finish.c: how the VM ended, into skiff's exit status */
struct vm_ending {
    int qstatus;            /* QEMU's: its exit status, 128+SIG, or timeout(1)'s 124 and 137 */
    bool stop_killed;       /* the program got SIGKILL after --stop-timeout */
    bool qemu_killed;       /* and QEMU itself had to be killed */
    int stop_sig;           /* the signal that started the grace period */
};
_Noreturn void vm_finish(struct run *r, const struct vm_ending *e);

/* etc.c */
void plan_base(struct run *r);      /* /etc's base files, /tmp, /root, what ld.so reads */

/* term.c */
void term_save(void);
void term_restore(void);            /* async-signal-safe */
char *term_cmdline(void);           /* " tty=012 winsize=RxC" or "" */
const char *term_name(void);        /* TERM for the guest */

/* rm.c: the work directory's removal, async-signal-safe (a signal before QEMU starts ends skiff in its handler) */
void rm_tree(const char *path);

#endif
