/*  worker.h: the wiretag worker process (internal to wiretag-worker).

    One main thread runs one zmq_poll loop over a DEALER per broker and an
    inproc PAIR per annotation thread. Annotation threads are actors: they
    receive one task at a time (a pointer over inproc), annotate it with
    their own wt_annotator_t over the shared read-only engine, and send the
    task back. The engine is reference-counted so that SIGHUP can swap in a
    new one between items: tasks dispatched before the swap finish on the
    old engine, the next ones use the new one, and the old engine is freed
    by whoever drops the last reference.

    With --threads 1 the main thread annotates small items itself between
    two polls (no hand-over, no extra wake-up per item) while the thread is
    idle; an item that could hold the loop for long (over 64 KB, or
    WT_TEST_SLOW_MS over 50) goes to the thread, and one turn of inline
    work ends after 50 ms (a quarter of the heartbeat at most) or on a
    signal, so heartbeats, SIGTERM and SIGHUP are handled as before.

    Test hook: when the environment variable WT_TEST_POISON is set to a
    non-empty string, an annotation thread calls abort() on any item whose
    text contains it (to test dead-lettering of items that kill workers).
    WT_TEST_SLOW_MS=N makes each annotation take N ms longer (to keep items
    in flight while a test kills a process). Neither is for production.
*/
#ifndef WT_WORKER_H
#define WT_WORKER_H

#include "wiretag/config.h"

typedef struct {
    const char *config_path; /* -c FILE, re-read on SIGHUP (NULL: defaults) */
    const char *name;        /* READY name; NULL: host:pid */
    int log_level;           /* 0 error, 1 warn, 2 info, 3 debug */
    int64_t drain_ms;        /* SIGTERM: how long to wait for running items */
} wt_worker_opts_t;

typedef struct wt_worker wt_worker_t;

/* Build a worker from cfg (copied where needed): loads the engine and
   starts worker_threads annotation threads. NULL with a reason in err. */
wt_worker_t *wt_worker_new(const wt_config_t *cfg, const wt_worker_opts_t *opts, char *err,
                           size_t errlen);
void wt_worker_destroy(wt_worker_t **self_p);

/* Run until SIGTERM/SIGINT (wt_worker_signal). Returns the exit status. */
int wt_worker_run(wt_worker_t *self);

/* Called from signal handlers: SIGHUP reloads, SIGTERM/SIGINT stop. */
void wt_worker_signal(int sig);

#endif
