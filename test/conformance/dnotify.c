/* test/conformance/dnotify.c — directory notification, fcntl F_NOTIFY: each DN_ event sends a signal when an
 * entry of the directory is read, written, created, removed, renamed or changes attributes (and the
 * directory's own attributes), not for what happens in a subdirectory; without DN_MULTISHOT one signal ends
 * it; requests add up; 0 removes it, and so does the directory's close. SIGIO comes as SI_KERNEL; F_SETSIG's
 * signal carries POLL_MSG, si_band and the directory's descriptor. ENOTDIR on a file. */
/* covers: fcntl */
#include "tap.h"
#include <signal.h>
#include <poll.h>

#define POLLIN_BAND (POLLIN | POLLRDNORM | POLLMSG) /* si_band for POLL_MSG, as Linux's */

#ifndef DN_ACCESS
#define DN_ACCESS 0x1
#define DN_MODIFY 0x2
#define DN_CREATE 0x4
#define DN_DELETE 0x8
#define DN_RENAME 0x10
#define DN_ATTRIB 0x20
#define DN_MULTISHOT 0x80000000
#endif
#ifndef F_NOTIFY
#define F_NOTIFY 1026
#endif

static volatile int got, got_sig, got_code, got_fd;
static volatile long got_band;
static int dfd, ffd;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got++;
    got_sig = sig;
    got_code = si->si_code;
    got_fd = si->si_fd;
    got_band = si->si_band;
}

/* Arms mask on the directory, runs op, and returns how many signals came. */
static int signals(unsigned long mask, void (*op)(void))
{
    got = 0;
    if (fcntl(dfd, F_NOTIFY, mask))
        return -1;
    op();
    getpid(); /* one more return to user space: a pending signal is delivered by now */
    fcntl(dfd, F_NOTIFY, 0);
    return got;
}

static void op_create(void) { close(open("d/new", O_CREAT | O_RDWR, 0644)); }
static void op_mkdir(void) { mkdir("d/newdir", 0755); }
static void op_write(void) { pwrite(ffd, "w", 1, 0); }
static void op_read(void) { char c; pread(ffd, &c, 1, 0); }
static void op_truncate(void) { ftruncate(ffd, 0); }
static void op_chmod(void) { chmod("d/f", 0600); }
static void op_chmod_dir(void) { chmod("d", 0750); }
static void op_unlink(void) { unlink("d/new"); }
static void op_rename_in_dir(void) { rename("d/f", "d/g"); }
static void op_rename_back(void) { rename("d/g", "d/f"); }
static void op_move_out(void) { rename("d/f", "other/f"); }
static void op_move_in(void) { rename("other/f", "d/f"); }
static void op_sub_create(void) { close(open("d/sub/x", O_CREAT | O_RDWR, 0644)); }
static void op_two_writes(void) { op_write(); getpid(); op_write(); }

static void events(void)
{
    T_EQ("fcntl F_NOTIFY DN_CREATE: a new file signals", signals(DN_CREATE, op_create), 1);
    T_EQ("fcntl F_NOTIFY DN_CREATE: a new directory signals", signals(DN_CREATE, op_mkdir), 1);
    T_EQ("fcntl F_NOTIFY DN_MODIFY: a new file does not signal", signals(DN_MODIFY, op_create), 0);
    T_EQ("fcntl F_NOTIFY DN_MODIFY: a write signals", signals(DN_MODIFY, op_write), 1);
    T_EQ("fcntl F_NOTIFY DN_MODIFY: ftruncate signals", signals(DN_MODIFY, op_truncate), 1);
    T_EQ("fcntl F_NOTIFY DN_ACCESS: a write does not signal", signals(DN_ACCESS, op_write), 0);
    T_EQ("fcntl F_NOTIFY DN_ACCESS: a read signals", signals(DN_ACCESS, op_read), 1);
    T_EQ("fcntl F_NOTIFY DN_ATTRIB: chmod of an entry signals", signals(DN_ATTRIB, op_chmod), 1);
    T_EQ("fcntl F_NOTIFY DN_ATTRIB: chmod of the directory itself signals", signals(DN_ATTRIB, op_chmod_dir), 1);
    T_EQ("fcntl F_NOTIFY DN_DELETE: unlink signals", signals(DN_DELETE, op_unlink), 1);
    T_EQ("fcntl F_NOTIFY DN_CREATE: unlink does not signal", signals(DN_CREATE, op_create) +
         signals(DN_CREATE, op_unlink), 1);
    T_EQ("fcntl F_NOTIFY DN_RENAME: a rename inside the directory signals", signals(DN_RENAME, op_rename_in_dir), 1);
    T_EQ("fcntl F_NOTIFY DN_DELETE: a rename inside the directory signals", signals(DN_DELETE, op_rename_back), 1);
    T_EQ("fcntl F_NOTIFY DN_RENAME: a move out does not signal", signals(DN_RENAME, op_move_out), 0);
    T_EQ("fcntl F_NOTIFY DN_CREATE: a move in signals", signals(DN_CREATE, op_move_in), 1);
    T_EQ("fcntl F_NOTIFY DN_DELETE: a move out signals", signals(DN_DELETE, op_move_out), 1);
    op_move_in();
    T_EQ("fcntl F_NOTIFY DN_CREATE: a file made in a subdirectory does not signal",
         signals(DN_CREATE, op_sub_create), 0);
}

static void modes(void)
{
    T_EQ("fcntl F_NOTIFY without DN_MULTISHOT: one signal for two writes", signals(DN_MODIFY, op_two_writes), 1);
    T_EQ("fcntl F_NOTIFY DN_MULTISHOT: a signal for each write",
         signals(DN_MODIFY | DN_MULTISHOT, op_two_writes), 2);
    T_EQ("fcntl F_NOTIFY SIGIO si_code SI_KERNEL", got_code, SI_KERNEL);
    got = 0;
    fcntl(dfd, F_NOTIFY, DN_MODIFY);
    T_OK("fcntl F_NOTIFY 0 removes the request", fcntl(dfd, F_NOTIFY, 0), 0);
    op_write();
    T_EQ("fcntl F_NOTIFY: no signal once removed", got, 0);
    fcntl(dfd, F_NOTIFY, DN_CREATE);
    T_OK("fcntl F_NOTIFY requests add up", fcntl(dfd, F_NOTIFY, DN_MODIFY), 0);
    op_write();
    getpid();
    T_EQ("fcntl F_NOTIFY: the added DN_MODIFY signals", got, 1);
    fcntl(dfd, F_NOTIFY, 0);
    T_OK("fcntl F_SETSIG for F_NOTIFY", fcntl(dfd, F_SETSIG, SIGRTMIN + 1), 0);
    T_EQ("fcntl F_NOTIFY with F_SETSIG: one signal", signals(DN_MODIFY, op_write), 1);
    T_EQ("fcntl F_NOTIFY with F_SETSIG: that signal", got_sig, SIGRTMIN + 1);
    T_EQ("fcntl F_NOTIFY with F_SETSIG: si_code POLL_MSG", got_code, POLL_MSG);
    T_EQ("fcntl F_NOTIFY with F_SETSIG: si_fd is the directory's", got_fd, dfd);
    T_EQ("fcntl F_NOTIFY with F_SETSIG: si_band", got_band, POLLIN_BAND);
    int d2 = open("d", O_RDONLY | O_DIRECTORY);
    got = 0;
    fcntl(d2, F_NOTIFY, DN_MODIFY | DN_MULTISHOT);
    close(d2);
    op_write();
    getpid();
    T_EQ("fcntl F_NOTIFY ends with the directory's close", got, 0);
}

int main(void)
{
    tap_scratch("dnotify");
    mkdir("d", 0755);
    mkdir("d/sub", 0755);
    mkdir("other", 0755);
    put_file("d/f", "data", 4);
    struct sigaction sa = { .sa_sigaction = on_sig, .sa_flags = SA_SIGINFO };
    sigaction(SIGIO, &sa, NULL);
    sigaction(SIGRTMIN + 1, &sa, NULL);
    dfd = open("d", O_RDONLY | O_DIRECTORY);
    ffd = open("d/f", O_RDWR);
    T_ERR("fcntl F_NOTIFY on a regular file", fcntl(ffd, F_NOTIFY, DN_MODIFY), ENOTDIR);
    int p = open("d", O_PATH);
    T_ERR("fcntl F_NOTIFY on an O_PATH descriptor", fcntl(p, F_NOTIFY, DN_MODIFY), EBADF);
    close(p);
    events();
    modes();
    close(ffd);
    close(dfd);
    signal(SIGIO, SIG_IGN);
    tap_finish_dir();
    return tap_done();
}
