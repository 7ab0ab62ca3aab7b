/* drivers/pty.h — pseudo-terminals: /dev/ptmx, the devpts filesystem at /dev/pts (drivers/pty.c). */
#ifndef SKIFF_PTY_H
#define SKIFF_PTY_H
#include "../fs/vfs.h"

void pty_init(void);                /* /dev/ptmx, devpts mounted at /dev/pts with its ptmx node */
int pty_open_ctty(struct file *f);  /* /dev/tty's open: the caller's pty, if its terminal is one (else 0) */

#endif
