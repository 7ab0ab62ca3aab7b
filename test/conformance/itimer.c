/* test/conformance/itimer.c — alarm, setitimer and getitimer (ITIMER_REAL): the value left, SIGALRM
 * arriving, an interval timer repeating, and the error paths. */
/* covers: alarm setitimer getitimer */
#include "tap.h"
#include <signal.h>
#include <sys/time.h>

static volatile sig_atomic_t fired;

static void on_alarm(int sig)
{
    (void)sig;
    fired++;
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    T_OK("alarm with none armed returns 0", alarm(100), 0);
    T_OK("alarm again returns the seconds left (100)", alarm(0), 100);
    struct itimerval v;
    T_OK("getitimer ITIMER_REAL, nothing armed", getitimer(ITIMER_REAL, &v), 0);
    T_EQ("getitimer: value 0", v.it_value.tv_sec + v.it_value.tv_usec, 0);
    struct itimerval it = { { 0, 50000 }, { 0, 50000 } }, old;
    T_OK("setitimer ITIMER_REAL every 50 ms", setitimer(ITIMER_REAL, &it, &old), 0);
    T_OK("getitimer while armed", getitimer(ITIMER_REAL, &v), 0);
    T_TRUE("getitimer: the interval is 50 ms", v.it_interval.tv_sec == 0 && v.it_interval.tv_usec == 50000);
    T_TRUE("getitimer: the value is at most 50 ms", v.it_value.tv_sec == 0 && v.it_value.tv_usec <= 50000);
    while (fired < 3)
        pause();
    T_TRUE("the interval timer fired three times", fired >= 3);
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    T_OK("setitimer disarms with a zero value", setitimer(ITIMER_REAL, &off, NULL), 0);
    struct itimerval bad = { { 0, 0 }, { 0, 1000000 } };
    T_ERR("setitimer with usec >= 1000000", setitimer(ITIMER_REAL, &bad, NULL), EINVAL);
    T_ERR("setitimer with an unknown timer", setitimer(7, &it, NULL), EINVAL);
    T_ERR("setitimer from a kernel address", SYS(SYS_setitimer, ITIMER_REAL, KADDR, NULL), EFAULT);
    T_ERR("getitimer with an unknown timer", getitimer(7, &v), EINVAL);
    T_ERR("getitimer to a kernel address", SYS(SYS_getitimer, ITIMER_REAL, KADDR), EFAULT);
    return tap_done();
}
