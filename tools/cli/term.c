/* tools/cli/term.c — the terminal: which of stdin, stdout, stderr are terminals (only those answer isatty() in
 * the guest: bzip2 -c refuses to write to one), the window size, TERM, and stdin's modes kept while QEMU runs
 * (it puts a terminal in raw mode and normally restores it; if QEMU is killed, skiff does). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "cli.h"

/* Set before QEMU starts, read by term_restore, which a signal handler may call. */
static struct termios saved;
static volatile int have_saved;

void term_save(void)
{
    if (isatty(0) && tcgetattr(0, &saved) == 0)
        have_saved = 1;
}

void term_restore(void)
{
    if (have_saved) {
        tcsetattr(0, TCSADRAIN, &saved);
        have_saved = 0;
    }
}

char *term_cmdline(void)
{
    char ttys[4] = "";
    for (int fd = 0, n = 0; fd < 3; fd++)
        if (isatty(fd))
            ttys[n++] = '0' + fd;
    if (!ttys[0])
        return xstrdup("");
    struct winsize ws = { 0 };
    int t = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC);
    bool have = t >= 0 && ioctl(t, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0;
    if (t >= 0)
        close(t);
    if (have)
        return xasprintf(" tty=%s winsize=%ux%u", ttys, ws.ws_row, ws.ws_col);
    return xasprintf(" tty=%s", ttys);
}

const char *term_name(void)
{
    const char *t = getenv("TERM");
    return isatty(1) && t && *t ? t : "linux";
}
