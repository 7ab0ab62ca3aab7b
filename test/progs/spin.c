/*
 * spin: loops forever without making a syscall, so only the host's
 * --timeout can end it (expected CLI status 124).
 *
 * Build:
 *   gcc -static -O2 -Wall -Wextra -o build/progs/spin test/progs/spin.c
 */
int main(void)
{
	/* volatile keeps the loop: an empty infinite loop without side
	 * effects is something the compiler may assume terminates. */
	volatile unsigned long n = 0;

	for (;;)
		n++;
}
