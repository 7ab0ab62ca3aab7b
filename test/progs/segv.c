/*
 * segv: dereferences a NULL pointer; the expected exit status is 139
 * (128 + SIGSEGV) with a one-line diagnostic from the kernel on stderr.
 *
 * Build:
 *   gcc -static -O0 -Wall -Wextra -o build/progs/segv test/progs/segv.c
 */
#include <stdio.h>

int main(void)
{
	/* volatile so the compiler cannot prove the store away or turn it
	 * into a trap instruction (ud2 would give SIGILL, not SIGSEGV). */
	volatile int *volatile p = NULL;

	printf("about to fault\n");
	fflush(stdout);
	*p = 1;
	return 0;
}
