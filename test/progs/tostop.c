/*
 * tostop: TOSTOP at a terminal. A child in a background process group of the terminal's session writes to the
 * terminal: with TOSTOP set it is stopped by SIGTTOU (wait4 WUNTRACED reports it, and once the terminal's
 * foreground is its group the write goes through); with SIGTTOU ignored, or without TOSTOP, the write goes
 * through at once. Prints one line per check and "tostop: N failed" at the end; exits 0 when all passed.
 * Needs a terminal on stdin and stdout (test/stdio/run.sh runs it in tmux, natively and under skiff).
 *
 * Build: gcc -static -O2 -Wall -Wextra -o build/progs/tostop test/progs/tostop.c
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int failed;

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "FAILED", what);
	fflush(stdout);
	failed += !ok;
}

/* A child in a group of its own (background: the terminal's foreground stays ours) that writes a line. With
 * ignore it ignores SIGTTOU first. go: a pipe it waits on so that the parent has set everything up. */
static pid_t bg_writer(int ignore, const char *line)
{
	int p[2];
	if (pipe(p))
		return -1;
	pid_t c = fork();
	if (c == 0) {
		char b;
		close(p[1]);
		setpgid(0, 0);
		signal(SIGTTOU, ignore ? SIG_IGN : SIG_DFL); /* the parent ignores it: a child inherits that */
		if (read(p[0], &b, 1) != 1)
			_exit(3);
		_exit(write(1, line, strlen(line)) == (ssize_t)strlen(line) ? 0 : 4);
	}
	setpgid(c, c);
	close(p[0]);
	write(p[1], "g", 1);
	close(p[1]);
	return c;
}

int main(void)
{
	struct termios old, t;
	if (!isatty(0) || !isatty(1) || tcgetattr(0, &old)) {
		printf("tostop: needs a terminal\n");
		return 2;
	}
	signal(SIGTTOU, SIG_IGN); /* we hand the terminal back and forth ourselves */
	t = old;
	t.c_lflag |= TOSTOP;
	tcsetattr(0, TCSANOW, &t);

	int st = 0;
	pid_t c = bg_writer(0, "tostop: written once in the foreground\n");
	check(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTOU,
	      "TOSTOP: a background writer is stopped by SIGTTOU");
	check(tcsetpgrp(0, c) == 0, "tcsetpgrp: the writer's group becomes the foreground");
	kill(c, SIGCONT);
	check(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "TOSTOP: continued in the foreground, its write goes through");
	tcsetpgrp(0, getpgrp());

	c = bg_writer(1, "tostop: written by a background writer that ignores SIGTTOU\n");
	check(waitpid(c, &st, WUNTRACED) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "TOSTOP: a background writer that ignores SIGTTOU writes");

	tcsetattr(0, TCSANOW, &old);
	t.c_lflag &= ~TOSTOP;
	tcsetattr(0, TCSANOW, &t);
	c = bg_writer(0, "tostop: written by a background writer without TOSTOP\n");
	check(waitpid(c, &st, WUNTRACED) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "no TOSTOP: a background writer writes");
	tcsetattr(0, TCSANOW, &old);
	printf("tostop: %d failed\n", failed);
	return failed ? 1 : 0;
}
