/*
 * streams: writes distinct lines to stdout and stderr, interleaved, then reports whether stdin is readable
 * within a timeout (poll) and echoes what it reads, so the stdio tests can check that the two output streams
 * stay apart and that poll on stdin tells the truth. Exit status 3.
 *
 * Build: gcc -static -O2 -Wall -Wextra -o build/progs/streams test/progs/streams.c
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int timeout_ms = argc > 1 ? atoi(argv[1]) : 2000;
	struct pollfd p = { .fd = 0, .events = POLLIN };
	char buf[256];
	ssize_t n;
	int r;

	for (int i = 0; i < 3; i++) {
		printf("out %d\n", i);
		fflush(stdout);
		fprintf(stderr, "err %d\n", i);
	}
	r = poll(&p, 1, timeout_ms);
	printf("poll %s\n", r == 1 && (p.revents & (POLLIN | POLLHUP)) ? "readable" : r == 0 ? "timeout" : "error");
	if (r == 1) {
		n = read(0, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		printf("read %zd: %s", n, n > 0 ? buf : "(eof)\n");
	}
	return 3;
}
