/*  nats.h: wiretag-worker on NATS JetStream (`--nats URL`, docs/NATS.md).

    N annotation threads, each with its own pull subscription bound to the
    durable consumer "workers" of PREFIX_ITEMS: fetch, annotate, publish the
    result on PREFIX.results with Nats-Msg-Id = item id and wait for its
    publish ack, and only then ack the item. A worker that dies leaves its
    items unacknowledged: JetStream delivers them again after nats.ack_wait,
    and a result published twice is dropped by the results stream's dedup
    window. The main thread consumes the MAX_DELIVERIES advisories captured
    in PREFIX_ADVISORIES: it fetches the item by stream sequence, publishes
    it to PREFIX.dead (headers say why) and deletes it from the queue.
    Items that do not decode are dead-lettered at once.

    The test hooks of worker.h (WT_TEST_POISON, WT_TEST_SLOW_MS) apply.
*/
#ifndef WT_WORKER_NATS_H
#define WT_WORKER_NATS_H

#include "worker.h"

/* Run until SIGTERM/SIGINT; SIGHUP reloads the dictionaries. noop: no
   engine, results hold the input item and empty arrays (benchmarks).
   Returns the exit status. */
int wt_worker_nats_run(const wt_config_t *cfg, const wt_worker_opts_t *opts, const char *urls,
                       bool noop);

#endif
