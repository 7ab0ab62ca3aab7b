/* drivers/tty.h — the terminal line discipline between an input device (the serial line or a virtio
 * console port) and the program: canonical lines with erase/kill, echo, CR/NL mapping, ^C/^\ as signals,
 * ^D as end of file, VMIN/VTIME in raw mode, and end of input when the host closes the stream. */
#ifndef SKIFF_TTY_H
#define SKIFF_TTY_H
#include "../kernel/kernel.h"

struct termios_k {               /* the kernel's struct termios (TCGETS), not glibc's */
    u32 iflag, oflag, cflag, lflag;
    u8 line;
    u8 cc[19];
};
_Static_assert(sizeof(struct termios_k) == 36, "TCGETS struct termios");

extern struct termios_k tty_termios;
extern int tty_pgrp, tty_sid;       /* the foreground process group, the session it belongs to */
long tty_check_bg(int sig);         /* SIGTTIN/SIGTTOU for a background process: 0, -EIO or -ERESTARTSYS */
void tty_input(u8 c);               /* a byte from the device (interrupt context) */
void tty_host_eof(void);            /* the host closed the input stream */
ssize_t tty_read(void *ubuf, size_t n, bool nonblock);
bool tty_readable(void);
void tty_set_echo_sink(void (*sink)(const char *s, size_t n));
void tty_set_source_poll(void (*poll)(void)); /* pulls input the device held back */
size_t tty_room(void);
size_t tty_output_map(const char *in, size_t n, char *out, size_t cap, size_t *consumed); /* OPOST/ONLCR */

#endif
