/* test/conformance/perm.c — permission checks (path_resolution(7), open(2), access(2), chmod(2), chown(2),
 * utimensat(2), kill(2), execve(2), mount(2)): root sets up files in the scratch directory, then children drop
 * to nobody (uid and gid 65534, no groups: setgroups, setresgid, setresuid) and check what is refused (EACCES,
 * EPERM) and what is allowed: search permission on every directory walked, writing a root-owned 0644 file,
 * creating and removing names, sticky directories, exec without an x bit (even for root), access with the real
 * ids and AT_EACCESS, chmod's setgid clearing, chown's rules, "now" times with write permission, new files'
 * owners and setgid directories. Root's own overrides are checked too. */
/* covers: open openat creat access faccessat faccessat2 chmod fchmod fchmodat chown fchown lchown fchownat utimensat truncate unlink rename mkdir rmdir symlink execve kill chdir mount umount2 write connect inotify_add_watch setrlimit syslog */
#include "tap.h"
#include <grp.h>
#include <signal.h>
#include <sys/fsuid.h>
#include <sys/auxv.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#define NOBODY 65534
#define GROUP 4321

static char *self_exe;

static void put(const char *path, int mode, unsigned uid, unsigned gid)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, "data\n", 5) != 5 || close(fd) || chown(path, uid, gid) || chmod(path, mode)) {
        printf("Bail out! cannot make %s\n", path);
        exit(2);
    }
}

static void dir(const char *path, int mode, unsigned uid, unsigned gid)
{
    if (mkdir(path, 0700) || chown(path, uid, gid) || chmod(path, mode)) {
        printf("Bail out! cannot make %s\n", path);
        exit(2);
    }
}

static int mode_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) ? -1 : (int)(st.st_mode & 07777);
}

static void copy_self(const char *path, int mode)
{
    int in = open(self_exe, O_RDONLY), out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0700);
    char buf[65536];
    long n;
    while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, n) != n)
            break;
    close(in);
    close(out);
    chmod(path, mode);
}

static void setup(void)
{
    put("rootfile", 0644, 0, 0);
    put("worldw", 0666, 0, 0);
    put("grpfile", 0640, 0, NOBODY);
    put("nopriv", 0000, 0, 0);
    put("mine", 0644, NOBODY, 0);
    put("suid", 04755, NOBODY, NOBODY);
    put("sgidx", 02755, NOBODY, NOBODY);
    dir("rootdir", 0755, 0, 0);
    put("rootdir/f", 0666, 0, 0);
    dir("rootdir/sub", 0777, 0, 0);
    dir("closed", 0700, 0, 0);
    put("closed/f", 0666, 0, 0);
    dir("open", 0777, 0, 0);
    dir("open2", 0777, 0, 0);
    dir("sticky", 01777, 0, 0);
    put("sticky/rf", 0666, 0, 0);
    dir("sgid", 02777, 0, GROUP);
    copy_self("prog644", 0644);
    copy_self("prog744", 0744);
    copy_self("prog755", 0755);
    copy_self("suidprog", 0755);
    if (chown("suidprog", 1000, 1000) || chmod("suidprog", 06755)) {
        printf("Bail out! cannot make a set-ID program\n");
        exit(2);
    }
    put("suidw", 06777, 0, 0);
    put("suidr", 06777, 0, 0);
}

static int listener = -1;
static struct sockaddr_un sock_addr = { AF_UNIX, "sock" };

static void make_socket(void)
{
    listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0 || bind(listener, (struct sockaddr *)&sock_addr, sizeof sock_addr) || listen(listener, 8) ||
        chmod("sock", 0755)) {
        printf("Bail out! cannot make a listening unix socket\n");
        exit(2);
    }
}

static long try_connect(void)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    long rc = connect(s, (struct sockaddr *)&sock_addr, sizeof sock_addr);
    int e = errno;
    close(s);
    errno = e;
    return rc;
}

static void drop(void)
{
    if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY)) {
        printf("Bail out! cannot become nobody\n");
        exit(2);
    }
}

static long run_arg(const char *path, const char *arg);
static long run(const char *path) /* exec path "exit0": its exit status, or -errno of execve */
{
    return run_arg(path, "exit0");
}

static long run_arg(const char *path, const char *arg)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC))
        return -999;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        execl(path, path, arg, (char *)NULL);
        int e = errno;
        if (write(p[1], &e, sizeof e) != sizeof e)
            _exit(126);
        _exit(127);
    }
    close(p[1]);
    int e = 0, st = 0;
    long n = read(p[0], &e, sizeof e);
    close(p[0]);
    waitpid(c, &st, 0);
    if (n == sizeof e) {
        errno = e;
        return -1;
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -2;
}

static void as_nobody_files(void)
{
    drop();
    T_ERR("open a root-owned 0644 file for writing", open("rootfile", O_WRONLY), EACCES);
    T_ERR("open a root-owned 0644 file read-write", open("rootfile", O_RDWR), EACCES);
    T_ERR("open a root-owned 0644 file O_RDONLY|O_TRUNC", open("rootfile", O_RDONLY | O_TRUNC), EACCES);
    T_ERR("open O_WRONLY|O_CREAT of an existing root file", open("rootfile", O_WRONLY | O_CREAT, 0644), EACCES);
    int fd = open("rootfile", O_RDONLY);
    T_TRUE("open a root-owned 0644 file for reading", fd >= 0);
    close(fd);
    fd = open("worldw", O_RDWR);
    T_TRUE("open a 0666 file read-write", fd >= 0);
    close(fd);
    T_ERR("open a 0000 file", open("nopriv", O_RDONLY), EACCES);
    T_ERR("open O_NOATIME a file we do not own", open("rootfile", O_RDONLY | O_NOATIME), EPERM);
    fd = open("mine", O_RDONLY | O_NOATIME);
    T_TRUE("open O_NOATIME our own file", fd >= 0);
    close(fd);
    fd = open("grpfile", O_RDONLY);
    T_TRUE("open a 0640 file of our group for reading", fd >= 0);
    close(fd);
    T_ERR("open a 0640 file of our group for writing", open("grpfile", O_WRONLY), EACCES);
    T_ERR("openat under a 0700 directory", openat(AT_FDCWD, "closed/f", O_RDONLY), EACCES);
    struct stat st;
    T_ERR("open stat under a 0700 directory (no search permission)", stat("closed/f", &st), EACCES);
    T_OK("open stat of the 0700 directory itself", stat("closed", &st), 0);
    T_ERR("open a 0700 directory to list it", open("closed", O_RDONLY | O_DIRECTORY), EACCES);
    T_ERR("chdir into a 0700 directory", chdir("closed"), EACCES);
    T_ERR("creat in a root 0755 directory", creat("rootdir/new", 0644), EACCES);
    T_ERR("mkdir in a root 0755 directory", mkdir("rootdir/d", 0755), EACCES);
    T_ERR("unlink in a root 0755 directory", unlink("rootdir/f"), EACCES);
    T_ERR("rmdir in a root 0755 directory", rmdir("rootdir/sub"), EACCES);
    T_ERR("symlink in a root 0755 directory", symlink("x", "rootdir/s"), EACCES);
    T_ERR("rename out of a root 0755 directory", rename("rootdir/f", "open/f"), EACCES);
    T_ERR("rename into a root 0755 directory", rename("worldw", "rootdir/w"), EACCES);
    T_ERR("truncate a root-owned 0644 file", truncate("rootfile", 0), EACCES);
    T_OK("truncate a 0666 file", truncate("worldw", 3), 0);
    T_OK("creat in a 0777 directory", close(creat("open/new", 0644)), 0);
    T_OK("stat the new file", stat("open/new", &st), 0);
    T_TRUE("a new file belongs to our fsuid and fsgid", st.st_uid == NOBODY && st.st_gid == NOBODY);
    T_OK("mkdir in a 0777 directory", mkdir("open/ud", 0755), 0);
    T_OK("chmod our directory to 0555", chmod("open/ud", 0555), 0);
    T_ERR("rename our 0555 directory to another parent (its .. changes)", rename("open/ud", "open2/ud"), EACCES);
    T_OK("rename our 0555 directory within its parent", rename("open/ud", "open/ud2"), 0);
    T_OK("creat in a setgid directory", close(creat("sgid/f", 0644)), 0);
    T_OK("stat it", stat("sgid/f", &st), 0);
    T_TRUE("a new file in a setgid directory takes the directory's group", st.st_gid == GROUP && st.st_uid == NOBODY);
    T_OK("mkdir in a setgid directory", mkdir("sgid/d", 0755), 0);
    T_TRUE("a new directory there is setgid too", (mode_of("sgid/d") & 02000) && stat("sgid/d", &st) == 0 &&
           st.st_gid == GROUP);
    T_OK("creat in a sticky directory", close(creat("sticky/mine", 0644)), 0);
    T_ERR("unlink another user's file in a sticky directory", unlink("sticky/rf"), EPERM);
    T_ERR("rename another user's file in a sticky directory", rename("sticky/rf", "sticky/z"), EPERM);
    T_OK("unlink our own file in a sticky directory", unlink("sticky/mine"), 0);
    T_ERR("mount as a non-root", mount("none", "open", "tmpfs", 0, NULL), EPERM);
    T_ERR("umount2 as a non-root", umount2("open", 0), EPERM);
    fd = open("suidw", O_WRONLY);
    T_OK("write to a 06777 root file", write(fd, "x", 1), 1);
    close(fd);
    T_EQ("write without CAP_FSETID cleared set-user-ID and set-group-ID", mode_of("suidw"), 0777);
    T_ERR("connect to a unix socket without write permission on its name", try_connect(), EACCES);
    int in = inotify_init1(0);
    T_ERR("inotify_add_watch on a 0000 file", inotify_add_watch(in, "nopriv", IN_MODIFY), EACCES);
    T_TRUE("inotify_add_watch on a readable file", inotify_add_watch(in, "rootfile", IN_MODIFY) > 0);
    close(in);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_max -= 1;
    rl.rlim_cur = rl.rlim_cur > rl.rlim_max ? rl.rlim_max : rl.rlim_cur;
    T_OK("setrlimit lowering the hard limit", setrlimit(RLIMIT_NOFILE, &rl), 0);
    rl.rlim_max += 1;
    T_ERR("setrlimit raising the hard limit again without CAP_SYS_RESOURCE", setrlimit(RLIMIT_NOFILE, &rl), EPERM);
    DIR *d = opendir("/proc/self/fd");
    T_TRUE("open /proc/self/fd (0500, ours)", d != NULL);
    if (d)
        closedir(d);
}

static void as_nobody_attrs(void)
{
    drop();
    T_ERR("chmod a root-owned file", chmod("rootfile", 0666), EPERM);
    T_ERR("fchmodat a root-owned file", fchmodat(AT_FDCWD, "rootfile", 0666, 0), EPERM);
    int fd = open("rootfile", O_RDONLY);
    T_ERR("fchmod a root-owned file", fchmod(fd, 0666), EPERM);
    T_ERR("fchown a root-owned file to ourselves", fchown(fd, NOBODY, -1), EPERM);
    close(fd);
    T_OK("chmod our own file", chmod("mine", 0600), 0);
    T_OK("chmod our own file setgid while its group (root) is not ours", chmod("mine", 02755), 0);
    T_EQ("chmod: the setgid bit was cleared", mode_of("mine"), 0755);
    T_ERR("chown a root-owned file to ourselves", chown("rootfile", NOBODY, -1), EPERM);
    T_ERR("chown our own file to root", chown("mine", 0, -1), EPERM);
    T_ERR("lchown our own file to root", lchown("mine", 0, -1), EPERM);
    T_ERR("fchownat our own file to a group not ours", fchownat(AT_FDCWD, "mine", -1, 5, 0), EPERM);
    T_OK("chown our own file to our own group", chown("mine", -1, NOBODY), 0);
    T_OK("chown our own file to ourselves", chown("mine", NOBODY, NOBODY), 0);
    T_OK("chown -1 -1", chown("mine", -1, -1), 0);
    T_ERR("utimensat now on a root 0644 file", utimensat(AT_FDCWD, "rootfile", NULL, 0), EACCES);
    struct timespec ts[2] = { { 100, 0 }, { 200, 0 } };
    T_ERR("utimensat explicit times on a root 0644 file", utimensat(AT_FDCWD, "rootfile", ts, 0), EPERM);
    T_OK("utimensat now on a root 0666 file (write permission)", utimensat(AT_FDCWD, "worldw", NULL, 0), 0);
    struct timespec now2[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
    T_OK("utimensat UTIME_NOW twice on a root 0666 file", utimensat(AT_FDCWD, "worldw", now2, 0), 0);
    T_ERR("utimensat explicit times on a root 0666 file", utimensat(AT_FDCWD, "worldw", ts, 0), EPERM);
    T_OK("utimensat explicit times on our own file", utimensat(AT_FDCWD, "mine", ts, 0), 0);
    T_OK("chown of our set-user-ID file", chown("suid", -1, NOBODY), 0);
    T_EQ("chown clears set-user-ID", mode_of("suid"), 0755);
    T_OK("chown of our group-executable set-group-ID file", chown("sgidx", -1, NOBODY), 0);
    T_EQ("chown clears a group-executable set-group-ID", mode_of("sgidx"), 0755);
}

static void as_nobody_access(void)
{
    drop();
    T_ERR("access W_OK on a root 0644 file", access("rootfile", W_OK), EACCES);
    T_OK("access R_OK on a root 0644 file", access("rootfile", R_OK), 0);
    T_ERR("access X_OK on a root 0744 program", access("prog744", X_OK), EACCES);
    T_OK("access X_OK on a 0755 program", access("prog755", X_OK), 0);
    T_ERR("access F_OK under a 0700 directory", access("closed/f", F_OK), EACCES);
    T_ERR("faccessat R_OK on a 0000 file", faccessat(AT_FDCWD, "nopriv", R_OK, 0), EACCES);
    T_ERR("execve a 0644 program", run("prog644"), EACCES);
    T_ERR("execve a root 0744 program (owner x only)", run("prog744"), EACCES);
    T_EQ("execve a 0755 program", run("prog755"), 0);
    T_ERR("execve under a 0700 directory", run("closed/f"), EACCES);
    T_ERR("kill a root process", kill(getppid(), 0), EPERM);
    T_ERR("kill a root process with SIGKILL", kill(getppid(), SIGKILL), EPERM);
    T_EQ("execve a set-user-ID, set-group-ID program of uid 1000: euid, egid 1000, AT_SECURE", run_arg("suidprog", "ids"), 0);
    T_OK("prctl PR_SET_NO_NEW_PRIVS", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
    T_EQ("execve the set-ID program under NO_NEW_PRIVS: the bits are ignored", run_arg("suidprog", "ids"), 2);
    T_ERR("syslog SYSLOG_ACTION_CLEAR without CAP_SYSLOG", syscall(SYS_syslog, 5, NULL, 0), EPERM);
    char kb[64];
    T_ERR("syslog SYSLOG_ACTION_READ_CLEAR without CAP_SYSLOG", syscall(SYS_syslog, 4, kb, sizeof kb), EPERM);
    T_ERR("syslog SYSLOG_ACTION_CONSOLE_OFF without CAP_SYSLOG", syscall(SYS_syslog, 6, NULL, 0), EPERM);
    T_ERR("syslog SYSLOG_ACTION_CONSOLE_ON without CAP_SYSLOG", syscall(SYS_syslog, 7, NULL, 0), EPERM);
}

/* Real uid nobody, effective root: access uses the real ids, AT_EACCESS the effective ones. */
static void real_vs_effective(void)
{
    if (setresuid(NOBODY, 0, 0)) {
        printf("Bail out! setresuid\n");
        exit(2);
    }
    T_ERR("access W_OK with real uid nobody, euid 0", access("rootfile", W_OK), EACCES);
    T_OK("faccessat2 AT_EACCESS W_OK with euid 0", syscall(SYS_faccessat2, AT_FDCWD, "rootfile", W_OK, AT_EACCESS), 0);
    int fd = open("rootfile", O_WRONLY);
    T_TRUE("open for writing uses the effective ids", fd >= 0);
    close(fd);
    T_OK("setfsuid nobody", setfsuid(NOBODY), 0);
    T_ERR("open for writing with fsuid nobody (its capabilities gone too)", open("rootfile", O_WRONLY), EACCES);
    T_OK("setfsuid back to 0", setfsuid(0), NOBODY);
    fd = open("rootfile", O_WRONLY);
    T_TRUE("open for writing with fsuid 0 again", fd >= 0);
    close(fd);
}

static void as_root(void)
{
    int fd = open("nopriv", O_RDWR);
    T_TRUE("open a 0000 file read-write as root (CAP_DAC_OVERRIDE)", fd >= 0);
    close(fd);
    struct stat st;
    T_OK("stat under a 0700 directory as root", stat("closed/f", &st), 0);
    fd = open("suidr", O_WRONLY);
    T_OK("write to a 06777 file as root", write(fd, "x", 1), 1);
    close(fd);
    T_EQ("a write with CAP_FSETID keeps the set-ID bits", mode_of("suidr"), 06777);
    T_OK("chmod the socket's name 0777", chmod("sock", 0777), 0);
    T_ERR("execve a 0644 program as root (no x bit at all)", run("prog644"), EACCES);
    T_EQ("execve a 0744 program as root", run("prog744"), 0);
    T_ERR("access X_OK on a 0644 file as root", access("prog644", X_OK), EACCES);
    T_OK("access X_OK on a 0700 directory as root", access("closed", X_OK), 0);
    T_OK("access W_OK on a 0000 file as root", access("nopriv", W_OK), 0);
    put("s2", 04755, 0, 0);
    T_OK("chown of a set-user-ID file by root", chown("s2", 1, -1), 0);
    T_EQ("chown clears set-user-ID even for root", mode_of("s2"), 0755);
    put("s3", 02745, 0, GROUP);
    T_OK("chmod setgid on a file of a group root is not in (CAP_FSETID)", chmod("s3", 02755), 0);
    T_EQ("chmod as root keeps the setgid bit", mode_of("s3"), 02755);
    T_OK("chown a file to any user as root", chown("s3", 1234, 5678), 0);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        drop();
        pause();
        _exit(0);
    }
    usleep(10000);
    T_OK("kill of a nobody process as root (CAP_KILL)", kill(c, SIGTERM), 0);
    int ws = 0;
    waitpid(c, &ws, 0);
    T_TRUE("it ended by SIGTERM", WIFSIGNALED(ws) && WTERMSIG(ws) == SIGTERM);
}

static void connect_nobody(void)
{
    drop();
    T_OK("connect to a unix socket whose name is 0777", try_connect(), 0);
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "exit0"))
        return 0;
    if (argc == 2 && !strcmp(argv[1], "ids")) /* 0: set-ID took effect; 2: it did not */
        return geteuid() == 1000 && getegid() == 1000 && getuid() == NOBODY && getauxval(AT_SECURE) ? 0
             : geteuid() == NOBODY && getegid() == NOBODY && !getauxval(AT_SECURE) ? 2 : 1;
    static char exe[4096];
    long n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    self_exe = exe;
    umask(022);
    tap_scratch("perm");
    chmod(".", 0755);
    setup();
    make_socket();
    tap_in_child(as_nobody_files);
    tap_in_child(as_nobody_attrs);
    tap_in_child(as_nobody_access);
    tap_in_child(real_vs_effective);
    as_root();
    tap_in_child(connect_nobody);
    close(listener);
    tap_finish_dir();
    return tap_done();
}
