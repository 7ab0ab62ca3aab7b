/*
 * segv: dereferences a NULL pointer; the expected exit status is 139
 * (128 + SIGSEGV) with a one-line diagnostic from the kernel on stderr.
 *
 * Build:
 *   gcc -static -O2 -Wall -Wextra -o build/progs/segv test/progs/segv.c
 */
#include <stdio.h>

int main(void)
{
	/* volatile, so that at any -O the compiler can neither drop the store
	 * nor turn it into a trap instruction (ud2: SIGILL, not SIGSEGV). */
	volatile int *volatile p = NULL;

	printf("about to fault\n");
	fflush(stdout);
	*p = 1;
	return 0;
}
