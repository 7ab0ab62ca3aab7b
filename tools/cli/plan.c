/* tools/cli/plan.c — the root's plan (tools/pack/pack.h: one step a line), written as tools/skiff.sh writes it:
 * a live --rootfs, then the --add steps, then PROGRAM (found in PATH as a shell finds it) and what it loads, the
 * host's /bin/sh for a glibc program, the terminfo database for an ncurses one, and the base files of /etc. The
 * dependency walk and the symlink-keeping staging are tools/pack's (walk.c, stage.c), called in this process. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"

bool has_dotdot(const char *p)
{
    char *s = xasprintf("/%s/", p);
    bool r = strstr(s, "/../") != NULL;
    free(s);
    return r;
}

/* The absolute, symlink-free directory of p plus p's last name (dirname and basename as POSIX has them). */
char *abs_path(const char *p)
{
    char *d = xstrdup(p), *b = xstrdup(p);
    char *dir = realpath(dirname(d), NULL), *base = basename(b), *r = NULL;
    if (dir)
        r = !strcmp(dir, "/") ? xasprintf("/%s", base) : xasprintf("%s/%s", dir, base);
    free(dir);
    free(d);
    free(b);
    return r;
}

static const char *strip_slashes(const char *p)
{
    while (*p == '/')
        p++;
    return p;
}

/* Where a host path lands in the guest by default: the same path; made absolute if it climbs with `..`. */
static char *guest_path(const char *p)
{
    return has_dotdot(p) ? abs_path(p) : xstrdup(p);
}

void path_ok(const char *p)
{
    if (strchr(p, '\t'))
        cli_fail(EX_FAIL, "paths with tabs are not supported: %s", p);
}

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The host path an --add SPEC names (a path that exists as given wins, so host names holding ':' work). */
static char *add_host(const char *spec, char **guest)
{
    const char *colon = strrchr(spec, ':');
    if (exists(spec) || !colon) {
        *guest = xstrdup("");
        return xstrdup(spec);
    }
    *guest = xstrdup(colon + 1);
    return strndup(spec, colon - spec);
}

/* ---------------------------------------------------------------- PATH */

/* The first DIR/NAME of the colon-separated dirs (inside root if given) that a shell would run: an executable
 * regular file (or, inside root, a symlink: its absolute target is root's file, not the host's). */
char *path_search(const char *name, const char *dirs, const char *root)
{
    char *list = xstrdup(dirs), *save = NULL;
    char *found = NULL;
    for (char *d = strtok_r(list, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        if (d[0] != '/')
            continue; /* empty and relative entries: the current directory */
        size_t n = strlen(d);
        while (n > 1 && d[n - 1] == '/')
            d[--n] = 0;
        char *f = !strcmp(d, "/") ? xasprintf("/%s", name) : xasprintf("%s/%s", d, name);
        char *at = xasprintf("%s%s", root ? root : "", f);
        struct stat st;
        if ((root && lstat(at, &st) == 0 && S_ISLNK(st.st_mode)) || (is_file(at) && access(at, X_OK) == 0))
            found = f;
        else
            free(f);
        free(at);
    }
    free(list);
    return found;
}

/* PROGRAM as a shell finds it: without a slash, in PATH (the host's for a packed root, the guest's in a live
 * --rootfs). NULL when not found. */
static char *find_program(struct run *r, const char *name)
{
    if (!*name || strchr(name, '/'))
        return xstrdup(name);
    if (r->rootfs)
        return path_search(name, guest_env_path(r), r->rootfs);
    const char *p = getenv("PATH");
    return path_search(name, p && *p ? p : DEFAULT_ENV_PATH, NULL);
}

/* ---------------------------------------------------------------- the steps */

/* Is path (absolute) at or under dir (absolute)? */
static bool under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    if (!strcmp(dir, "/"))
        return true;
    return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

/* Under a live root the program starts where the user stands, as after a chroot that keeps the working
 * directory (`cd ~/proj && skiff run --rootfs / /usr/bin/python3 script.py`): the host's working directory
 * seen from DIR, unless it is outside DIR or under what the kernel mounts over DIR (/dev, /proc, the fresh
 * /tmp, /sys, a -v volume): there the directory the user sees is not the host's, and / stays the default. */
static void live_workdir(struct run *r, const char *root)
{
    char *cwd = getcwd(NULL, 0), *real = cwd ? realpath(cwd, NULL) : NULL;
    free(cwd);
    if (!real || !under(real, root) || strpbrk(real, "\n\t")) {
        free(real);
        return;
    }
    const char *rel = real + (strcmp(root, "/") ? strlen(root) : 0);
    char *g = xasprintf("/%s", rel + (*rel == '/'));
    const char *covered[] = { "/dev", "/proc", "/tmp", "/sys" };
    bool hidden = false;
    for (size_t i = 0; i < sizeof(covered) / sizeof(*covered); i++)
        hidden |= under(g, covered[i]);
    for (int i = 0; i < r->nvols; i++)
        hidden |= strcmp(r->vols[i].guest, "/") && under(g, r->vols[i].guest);
    free(real);
    if (hidden) {
        free(g);
        return;
    }
    r->workdir = g;
    if (r->verbose)
        cli_msg("working directory %s (the current one; --workdir to choose)", g);
}

static void plan_live_root(struct run *r)
{
    if (!is_dir(r->rootfs))
        cli_fail(EX_FAIL, "--rootfs: %s is not a directory", r->rootfs);
    path_ok(r->rootfs);
    const char *live = getenv("SKIFF_LIVE_ROOTFS");
    if (live && *live && strcmp(live, "1"))
        cli_fallback("a packed --rootfs");
    if (r->adds.n)
        cli_usage_error("--add cannot be used with a live --rootfs (the root is DIR itself; -v shares more)");
    char *abs = realpath(r->rootfs, NULL);
    if (!abs)
        cli_fail(EX_FAIL, "--rootfs: cannot enter %s", r->rootfs);
    if (strpbrk(abs, "\n\t"))
        cli_usage_error("--rootfs: paths with newlines or tabs are not supported");
    /* The first device; the mounts file sorts by target, so / comes first there anyway. */
    memmove(r->vols + 1, r->vols, r->nvols * sizeof(*r->vols));
    r->vols[0] = (struct volume){ "skiffroot", abs, "/", r->rootfs_rw ? "rw" : "ro,overlay" };
    r->nvols++;
    if (!r->workdir)
        live_workdir(r, abs);
}

static void walk(struct run *r, const char *file, bool main_prog)
{
    if (walk_file(&r->walk, file, main_prog))
        cli_exit(EX_FAIL);
}

/* One --add HOST[:GUEST], and what an added ELF file or tree loads. */
static void plan_add_one(struct run *r, const char *spec)
{
    char *guest, *host = add_host(spec, &guest);
    if (!exists(host))
        cli_fail(EX_FAIL, "--add: %s: No such file or directory", host);
    if (!*guest) {
        free(guest);
        if (!(guest = guest_path(host)))
            cli_exit(EX_FAIL);
        /* An absolute path through host symlinks (merged /usr: /lib -> usr/lib) lands where the host keeps it,
         * with the same symlinks in the guest: a real /lib made here would hide /usr/lib. */
        if (guest[0] == '/' && strchr(guest + 1, '/')) {
            char *d = xstrdup(guest), *b = xstrdup(guest), *real;
            if (stage_path(r->walk.plan, dirname(d), true, &real))
                cli_exit(EX_FAIL);
            size_t n = strlen(real);
            while (n && real[n - 1] == '/')
                real[--n] = 0;
            char *g = xasprintf("%s/%s", real, basename(b));
            free(guest);
            guest = g;
        }
    }
    if (has_dotdot(guest))
        cli_fail(EX_FAIL, "--add: guest path must not contain '..': %s", guest);
    if (guest[0] && guest[strlen(guest) - 1] == '/' && !is_dir(host)) { /* GUEST/ names a directory */
        char *b = xstrdup(host), *g = xasprintf("%s%s", guest, basename(b));
        free(guest);
        guest = g;
    }
    path_ok(host);
    path_ok(guest);
    char *abs = abs_path(host);
    plan_add(r->walk.plan, 'A', abs ? abs : "", strip_slashes(guest));
    if (is_dir(host)) {
        if (walk_tree(&r->walk, host, NULL))
            cli_exit(EX_FAIL);
    } else {
        walk(r, host, false);
        plan_interp(r, host);
    }
}

/* PROGRAM on the host: checked as a shell would (127, 126), planned at its guest path, with what it loads. */
static void plan_program(struct run *r)
{
    const char *p = r->prog;
    struct stat st;
    if (stat(p, &st) != 0)
        cli_fail(EX_NOENT, "%s: No such file or directory", p);
    if (S_ISDIR(st.st_mode))
        cli_fail(EX_NOEXEC, "%s: Is a directory", p);
    if (access(p, R_OK) != 0)
        cli_fail(EX_NOEXEC, "%s: Permission denied", p);
    if (!(r->argv0 = guest_path(p)))
        cli_fail(EX_FAIL, "cannot resolve %s", p);
    path_ok(r->argv0);
    if (r->argv0[0] == '/') { /* staged as the host has it, symlinks included (/bin -> usr/bin) */
        if (stage_path(r->walk.plan, r->argv0, false, NULL))
            cli_exit(EX_FAIL);
    } else {
        plan_add(r->walk.plan, 'A', p, strip_slashes(r->argv0));
        if (r->workdir) { /* relative to the guest's /; with --workdir still found there */
            char *a = xasprintf("/%s", r->argv0);
            r->argv0 = a;
        }
    }
    walk(r, p, true);
    char *real = realpath(p, NULL);
    if (real)
        plan_runtime(r, real);
    free(real);
    plan_interp(r, p);
}

/* Arguments that name existing host files (`python3 script.py`, `sort data/f`, `ffmpeg -i in.mp4`) are packed as
 * if --add'ed, at the same path (a relative one under the guest's /, which is also the guest's working
 * directory, so it resolves there as on the host). Only regular files: a directory could be the whole home;
 * nothing above ARG_PACK_MAX, which belongs on a volume (-v) instead; nothing under /etc (guest_owned). */
#define ARG_PACK_MAX (256ll << 20)

/* A file under /etc (or the kernel's /dev, /proc, /sys) names the guest's own: the base files stand for the
 * host's there, whose accounts and secrets (/etc/shadow) stay on the host. */
static bool guest_owned(const char *a)
{
    char *abs = abs_path(a);
    const char *own[] = { "/etc", "/dev", "/proc", "/sys" };
    bool r = !abs;
    for (size_t i = 0; abs && i < sizeof(own) / sizeof(*own); i++)
        r |= under(abs, own[i]);
    free(abs);
    return r;
}

static void plan_args(struct run *r)
{
    for (int i = 1; i < r->argc; i++) {
        const char *a = r->argv[i];
        struct stat st;
        if (!*a || a[0] == '-' || strpbrk(a, "\t\n") || stat(a, &st) != 0 || !S_ISREG(st.st_mode) ||
            access(a, R_OK) != 0)
            continue;
        if (a[0] != '/' && has_dotdot(a))
            continue; /* ../x would land outside the guest's working directory's view of it */
        if (guest_owned(a))
            continue;
        if (st.st_size > ARG_PACK_MAX) {
            cli_msg("warning: %s is not packed (over %lld MiB): share its directory with -v", a, ARG_PACK_MAX >> 20);
            continue;
        }
        if (r->verbose)
            cli_msg("packing the argument %s", a);
        plan_add_one(r, a);
    }
}

/* The plan file's lines, for the checks below. */
static bool plan_has(struct run *r, bool (*match)(const char *line))
{
    plan_sync(r->walk.plan);
    FILE *fp = fopen(r->plan_path, "re");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    bool found = false;
    while (fp && !found && (n = getline(&line, &cap, fp)) > 0) {
        if (line[n - 1] == '\n')
            line[n - 1] = 0;
        found = match(line);
    }
    free(line);
    if (fp)
        fclose(fp);
    return found;
}

static bool ends_field(const char *line, const char *field)
{
    size_t n = strlen(line), m = strlen(field);
    return n > m && !strcmp(line + n - m, field) && line[n - m - 1] == '\t';
}

static bool has_bin_sh(const char *l) { return ends_field(l, "bin/sh"); }
static bool has_curses(const char *l) { return strstr(l, "libtinfo") || strstr(l, "libncurses"); }
static bool has_terminfo(const char *l) { return ends_field(l, "lib/terminfo") || ends_field(l, "usr/lib/terminfo"); }

/* The host's /bin/sh for a glibc program (system(), popen()): not for static or musl ones, not over a root of
 * the user's, not when an --add puts a /bin/sh there. */
static void plan_shell(struct run *r)
{
    if (!r->walk.need_glibc_locale || r->rootfs || !exists("/bin/sh") || plan_has(r, has_bin_sh))
        return;
    char *real;
    if (stage_path(r->walk.plan, "/bin/sh", false, &real))
        cli_fail(EX_FAIL, "cannot add /bin/sh");
    if (walk_file(&r->walk, real, false))
        cli_fail(EX_FAIL, "cannot add /bin/sh");
}

/* ncurses programs: Debian's small terminfo database whole, and the terminal's own entry. */
static void plan_terminfo(struct run *r)
{
    if (!plan_has(r, has_curses))
        return;
    if (is_dir("/lib/terminfo") && !plan_has(r, has_terminfo) && stage_path(r->walk.plan, "/lib/terminfo", false, NULL))
        cli_fail(EX_FAIL, "cannot add the terminfo database");
    const char *t = getenv("TERM");
    if (!t || !*t || strchr(t, '/') || t[0] == '.')
        return;
    const char *dirs[] = { "/lib/terminfo", "/usr/share/terminfo" };
    for (int i = 0; i < 2; i++) {
        char *f = xasprintf("%s/%c/%s", dirs[i], t[0], t);
        if (exists(f)) {
            if (stage_path(r->walk.plan, f, false, NULL))
                cli_fail(EX_FAIL, "cannot add the terminfo database");
            return;
        }
        free(f);
    }
}

/* QEMU reads its -chardev and -initrd paths as comma-separated lists (-initrd with no escape at all), so the
 * work directory must have no comma. */
static void make_work(struct run *r)
{
    const char *t = getenv("TMPDIR");
    if (!t || !*t || strchr(t, ','))
        t = "/tmp";
    char *w = xasprintf("%s/skiff.XXXXXX", t);
    if (!mkdtemp(w))
        cli_fail(EX_FAIL, "cannot create a temporary directory");
    r->work = w;
    r->plan_path = xasprintf("%s/plan", w);
    int fd = open(r->plan_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        cli_fail(EX_FAIL, "cannot create a temporary directory");
    close(fd);
}

void plan_root(struct run *r)
{
    if (r->rootfs)
        plan_live_root(r);
    char *prog = find_program(r, r->argv[0]);
    make_work(r);
    r->walk.plan = plan_open(r->plan_path);
    for (size_t i = 0; i < r->adds.n; i++)
        plan_add_one(r, r->adds.v[i]);
    if (!prog)
        cli_fail(EX_NOENT, "%s: command not found", r->argv[0]);
    r->prog = prog;
    if (r->verbose && strcmp(prog, r->argv[0]))
        cli_msg("%s is %s", r->argv[0], prog);
    if (r->rootfs)
        r->argv0 = prog; /* a guest path: whether it exists is the kernel's to say */
    else
        plan_program(r);
    plan_shell(r);
    plan_terminfo(r);
    if (!r->rootfs) { /* a live root has its own /etc; the kernel puts /dev, /proc and /tmp over it */
        plan_base(r);
        plan_args(r); /* after the base files: a file the user names is the one the program gets */
    }
    plan_close(r->walk.plan);
    walk_done();
}
