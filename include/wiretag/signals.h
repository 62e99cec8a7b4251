/*  signals.h: how every executable takes SIGINT, SIGTERM and SIGHUP.

    The handlers are installed with sigaction and without SA_RESTART, so a
    blocking poll or read returns EINTR and the loop looks at its flags.
    The default handler only sets flags: the first SIGINT/SIGTERM asks for
    a clean stop, and a second one changes nothing (the program finishes
    what it does; SIGKILL is there for the impatient).
*/
#ifndef WT_SIGNALS_H
#define WT_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WT_SIG_HUP    1u /* take SIGHUP too (a reload) */
#define WT_SIG_NOPIPE 2u /* ignore SIGPIPE: a closed pipe or socket is an error return */

/* Catch SIGINT and SIGTERM (and SIGHUP with WT_SIG_HUP) with fn, or with
   the default handler that sets the flags below when fn is NULL. */
void wt_signals_catch(void (*fn)(int), unsigned flags);

/* True once SIGINT or SIGTERM came (default handler). */
bool wt_signals_stopping(void);
/* The same flag, for a loop that takes a pointer to it (the broker). */
volatile sig_atomic_t *wt_signals_stop_flag(void);
/* True when SIGHUP came since the last call (default handler). */
bool wt_signals_reload(void);

#ifdef __cplusplus
}
#endif
#endif
