/*
 * abort: calls abort(); the expected exit status is 134 (128 + SIGABRT).
 * abort() raises SIGABRT through rt_sigprocmask/tgkill (glibc), so this
 * exercises the kernel's signal delivery for a default (fatal) action.
 *
 * Build:
 *   gcc -static -O2 -Wall -Wextra -o build/progs/abort test/progs/abort.c
 */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("about to abort\n");
	fflush(stdout);
	abort();
}
