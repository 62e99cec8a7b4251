/*  signals.c: SIGINT/SIGTERM/SIGHUP handling shared by every executable
    (see include/wiretag/signals.h). */
#include "wiretag/signals.h"

#include <string.h>

static volatile sig_atomic_t s_stop = 0;
static volatile sig_atomic_t s_reload = 0;

static void s_on_signal(int sig)
{
    if (sig == SIGHUP)
        s_reload = 1;
    else
        s_stop = 1;
}

void wt_signals_catch(void (*fn)(int), unsigned flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn ? fn : s_on_signal; /* no SA_RESTART: a waiting poll returns EINTR */
    sigemptyset(&sa.sa_mask);
    if (flags & WT_SIG_HUP) sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (flags & WT_SIG_NOPIPE) signal(SIGPIPE, SIG_IGN);
}

bool wt_signals_stopping(void)
{
    return s_stop != 0;
}

volatile sig_atomic_t *wt_signals_stop_flag(void)
{
    return &s_stop;
}

bool wt_signals_reload(void)
{
    if (!s_reload) return false;
    s_reload = 0;
    return true;
}
