/* drivers/console.h — the program's stdio as devices: stdout and stderr write to their serial ports, stdin
 * reads from COM1; each is a terminal to the program when the host says so (`tty=` on the command line). */
#ifndef SKIFF_CONSOLE_H
#define SKIFF_CONSOLE_H
#include "../fs/vfs.h"

enum console_stream { CONSOLE_STDIN, CONSOLE_STDOUT, CONSOLE_STDERR };

void console_init(void);
struct file *console_open(enum console_stream s);
struct inode *console_pts_node(void); /* the console as /dev/pts/0 when it is a terminal, else NULL */
void console_write_kernel(enum console_stream s, const char *buf, size_t n);
void console_host_gone(enum console_stream s); /* the host's reader of stdout/stderr is gone (EPIPE) */
void console_host_error(enum console_stream s, int err); /* the host's stdout/stderr failed with errno err */
void console_flush(void);
void console_set_source_poll(void (*poll)(void)); /* virtio-console: input it held back */
extern const struct file_ops console_ops;

#endif
