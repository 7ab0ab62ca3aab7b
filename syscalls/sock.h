/* syscalls/sock.h — what socket.c and sockmsg.c share: the fd-to-socket lookup and Linux's address copies. */
#pragma once
#include "../net/socket.h"

struct socket *sock_fd(int fd, long *err);                        /* NULL with -EBADF or -ENOTSOCK */
long sock_addr_in(const void *uaddr, int ulen, void *kaddr);      /* move_addr_to_kernel */
long sock_addr_out(const void *kaddr, u32 klen, void *uaddr, int *ulenp); /* move_addr_to_user */
long sock_connect(struct socket *s, const void *addr, u32 alen, bool nonblock); /* connect(2) after the copy-in */
