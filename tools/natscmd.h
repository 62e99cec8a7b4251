/*  natscmd.h: the `wiretag` commands on NATS JetStream (tools/nats.c,
    docs/NATS.md). feed.c, sub.c and stats.c hand over to these when
    --nats is given; nats-init is a command of its own. */
#ifndef WT_TOOLS_NATSCMD_H
#define WT_TOOLS_NATSCMD_H

#include "wiretag/config.h"

/* true when argv holds --nats (the command then runs on NATS). */
bool wt_nats_wanted(int argc, char **argv);

int cmd_nats_init(int argc, char **argv);  /* `wiretag nats-init` */
int cmd_feed_nats(int argc, char **argv);  /* `wiretag feed --nats` */
int cmd_stats_nats(int argc, char **argv); /* `wiretag stats --nats` */

/* `wiretag sub --nats`: results from the results stream through an ordered
   consumer, from sequence from (0: only new ones). fn gets each result with
   its stream sequence, and (data NULL) a tick every 100 ms; it returns
   false to stop. idle_s > 0: stop after that long without a result.
   Returns 0, or 2 when NATS could not be reached (said on stderr). */
typedef bool (*wt_nats_sub_fn)(void *arg, uint64_t seq, const uint8_t *data, size_t n);
int wt_sub_nats(const wt_config_t *cfg, const char *urls, uint64_t from, double idle_s,
                bool verbose, wt_nats_sub_fn fn, void *arg);

#endif
