/*  core.c: what every side of the broker uses, at the bottom of it: the
    one log line, the error counters of stats, the fatal stop (a journal
    failure that leaves RAM and disk out of step), the count of
    unfinished items per producer (back-pressure) and the dispatch window's
    intake (a new item, once committed). It calls nothing else
    of the broker: the producer, worker, replay and result sides call it.
*/
#include "broker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wiretag/log.h"

/* ------------------------------------------------------------ logging */

void wt_broker_log(wt_broker_t *self, int level, const char *sock, const char *peer,
                   const char *cmd, int code, const char *fmt, ...)
{
    if (level > self->log_level) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* the shared format (wiretag/log.h): "TS broker LEVEL SOCK peer= cmd= CODE msg" */
    const wt_log_kv_t kv[] = {{"_sock", sock},
                              {"peer", peer ? peer : "-"},
                              {"cmd", cmd ? cmd : "-"},
                              {"_code", code ? wt_errname(code) : "OK"}};
    wt_log_write("broker", level, kv, 4, msg);
}

void wt_broker_count(wt_broker_t *self, const char *name)
{
    for (size_t i = 0; i < self->counter_count; i++)
        if (strcmp(self->counters[i].name, name) == 0) {
            self->counters[i].count++;
            return;
        }
    if (self->counter_count < sizeof self->counters / sizeof self->counters[0]) {
        /* names come from wt_errname() or literals: static storage */
        self->counters[self->counter_count].name = name;
        self->counters[self->counter_count++].count = 1;
    }
}

void wt_broker_fatal(wt_broker_t *self, const char *what, int code)
{
    wt_broker_log(self, 0, "journal", "-", what, code,
                  "journal write or fsync failed: stopping so that nothing unsure is "
                  "acknowledged; check the disk (dmesg), then restart: it resumes from the "
                  "journal");
    wt_journal_abort(self->journal);
    *self->stop_flag = 2;
}

/* ------------------------------------------------------------ producers table */

static struct wt_prod *s_prod_slot(wt_broker_t *self, uint64_t tag, bool create)
{
    if (create && (self->prod_used + 1) * 2 > self->prod_cap) { /* rehash */
        size_t ncap = self->prod_cap ? self->prod_cap * 2 : 64;
        struct wt_prod *n = wt_calloc(ncap, sizeof *n);
        for (size_t i = 0; i < self->prod_cap; i++)
            if (self->prods[i].count) {
                size_t h = self->prods[i].tag & (ncap - 1);
                while (n[h].count)
                    h = (h + 1) & (ncap - 1);
                n[h] = self->prods[i];
            }
        free(self->prods);
        self->prods = n;
        self->prod_cap = ncap;
    }
    if (!self->prod_cap) return NULL;
    size_t h = tag & (self->prod_cap - 1);
    while (self->prods[h].count) {
        if (self->prods[h].tag == tag) return &self->prods[h];
        h = (h + 1) & (self->prod_cap - 1);
    }
    return create ? &self->prods[h] : NULL;
}

uint64_t wt_broker_producer_count(wt_broker_t *self, uint64_t tag)
{
    struct wt_prod *p = s_prod_slot(self, tag, false);
    return p ? p->count : 0;
}

void wt_broker_producer_add(wt_broker_t *self, uint64_t tag, int64_t delta)
{
    if (tag == 0) return;
    struct wt_prod *p = s_prod_slot(self, tag, delta > 0);
    if (!p) return; /* not counted (accepted before a restart) */
    if (delta > 0) {
        if (!p->count) {
            p->tag = tag;
            self->prod_used++;
        }
        p->count += (uint64_t)delta;
        return;
    }
    if (p->count > (uint64_t)-delta) {
        p->count -= (uint64_t)-delta;
        return;
    }
    /* count reaches zero: remove with backward-shift deletion */
    size_t i = (size_t)(p - self->prods), mask = self->prod_cap - 1;
    self->prods[i].count = 0;
    self->prod_used--;
    for (size_t j = (i + 1) & mask; self->prods[j].count; j = (j + 1) & mask) {
        size_t home = self->prods[j].tag & mask;
        /* move j back into the hole at i when its home is not in (i, j] */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            self->prods[i] = self->prods[j];
            self->prods[j].count = 0;
            i = j;
        }
    }
}

/* ------------------------------------------------------------ dispatch window */

void wt_broker_window_push(wt_broker_t *self, uint64_t seq)
{
    self->window[(self->win_head + self->win_count) % WT_BROKER_WINDOW] = seq;
    self->win_count++;
    if (seq > self->loaded_upto) self->loaded_upto = seq;
}

void wt_broker_window_add(wt_broker_t *self, uint64_t seq)
{
    if (seq <= self->loaded_upto) return;
    if (self->window_complete && self->win_count < WT_BROKER_WINDOW)
        wt_broker_window_push(self, seq);
    else
        self->window_complete = false; /* read it from the journal later */
}

/* ------------------------------------------------------------ sockets */

void wt_broker_drain(wt_broker_t *self, void *socket, bool stop_aware,
                     void (*handle)(wt_broker_t *self, wt_proto_in_t *in, int rc))
{
    for (int i = 0; i < WT_BROKER_BATCH && !(stop_aware && *self->stop_flag); i++) {
        wt_proto_in_t in = {0};
        int rc = wt_proto_recv(socket, true, ZMQ_DONTWAIT, &in);
        if (rc == -EAGAIN || rc == -EINTR) {
            wt_proto_in_close(&in);
            break;
        }
        handle(self, &in, rc);
        wt_proto_in_close(&in);
    }
}
