/*
 * sighandler: a SIGUSR1 handler (kill, blocked then unblocked), a SIGSEGV handler on an alternate stack that
 * recovers with siglongjmp, an ignored SIGTERM; exits 7.
 *
 * Build: gcc -static -O2 -Wall -Wextra -o build/progs/sighandler test/progs/sighandler.c
 */
#include <signal.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static volatile int got; static sigjmp_buf jb; static volatile double d = 1.5;
static void h(int s, siginfo_t *si, void *uc) { (void)uc; got = s; d *= 3; printf("handler %d code %d pid %d\n", s, si->si_code, si->si_pid); }
static void segv(int s, siginfo_t *si, void *uc) { (void)uc; printf("segv %d addr %p\n", s, si->si_addr); siglongjmp(jb, 1); }
int main(void) {
  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_sigaction = h; sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  double x = 2.25;
  kill(getpid(), SIGUSR1);
  printf("after kill got=%d x=%g d=%g\n", got, x, d);
  sigset_t m; sigemptyset(&m); sigaddset(&m, SIGUSR1); sigprocmask(SIG_BLOCK, &m, NULL);
  got = 0; raise(SIGUSR1); printf("blocked got=%d\n", got);
  sigprocmask(SIG_UNBLOCK, &m, NULL); printf("unblocked got=%d\n", got);
  stack_t ss; ss.ss_sp = malloc(65536); ss.ss_size = 65536; ss.ss_flags = 0; sigaltstack(&ss, NULL);
  sa.sa_sigaction = segv; sa.sa_flags = SA_SIGINFO | SA_ONSTACK; sigaction(SIGSEGV, &sa, NULL);
  if (!sigsetjmp(jb, 1)) { *(volatile int *)0x1234 = 1; }
  printf("recovered\n");
  signal(SIGTERM, SIG_IGN); kill(getpid(), SIGTERM); printf("ignored term\n");
  return 7;
}
