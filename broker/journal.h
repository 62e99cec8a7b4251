/*  journal.h: the broker's durable log on LMDB.

    What it keeps (one LMDB environment in a directory):
      - accepted items, numbered by a strictly increasing item seq, with
        their state (queued, in flight, done, dead), attempts and reason;
      - the payload of every unfinished or dead item (dropped once done);
      - the queue: the seqs of unfinished items, in order (the backlog lives
        here, not in the broker's memory);
      - the result log, numbered by a strictly increasing result seq, for
        replay;
      - a dedup index item id -> item seq bounded by a window of ids;
      - the dead-letter list.
    Writes go into one open write transaction that wt_journal_commit()
    ends; `durable` commits are fsynced at once under WT_FSYNC_ALWAYS, on
    wt_journal_tick() under WT_FSYNC_INTERVAL, never under WT_FSYNC_NEVER
    (the environment runs with MDB_NOSYNC and we call mdb_env_sync).
    Generations (group commit): every successful commit is one generation
    (wt_journal_generation). Under WT_FSYNC_ALWAYS a thread of the journal
    (journal_sync.c) does the fsyncs: wt_journal_commit_async() commits
    and asks for an fsync without waiting for it, wt_journal_durable() says
    which generation the last fsync covered, and the descriptor of
    wt_journal_wake_fd() becomes readable after every fsync. A caller
    acknowledges what it wrote only once its generation is durable. No
    commit runs while an fsync does: a commit waits for it (durable, async)
    or, not durable, leaves the transaction open for the next commit.
    Under the other policies there is no thread and a generation counts as
    durable once committed (the policy's own promise).
    Reopening recovers the next sequence numbers and turns every in-flight
    item back into a queued one. One owner thread (plus the fsync thread).
    A failed write (a full map or disk: -ENOSPC) drops the whole open
    transaction, and so does a failed commit: the caller must treat
    everything since the last commit as not done (the broker holds the
    results of the turn in memory and journals them again later).
*/
#ifndef WT_JOURNAL_H
#define WT_JOURNAL_H

#include "wiretag/codec.h"
#include "wiretag/config.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wt_journal_t wt_journal_t;

typedef enum {
    WT_JITEM_QUEUED = 0,
    WT_JITEM_INFLIGHT = 1,
    WT_JITEM_DONE = 2,
    WT_JITEM_DEAD = 3
} wt_jitem_state_t;

typedef struct {
    const char *dir;           /* created if missing */
    wt_fsync_t fsync;          /* WT_FSYNC_ALWAYS by default */
    int64_t fsync_interval_ms; /* for WT_FSYNC_INTERVAL */
    int64_t map_bytes;         /* LMDB map size (upper bound of the journal) */
    int64_t dedup_window;      /* ids remembered for dedup (0 = no dedup) */
    int64_t retention_bytes;   /* keep live data under this (0 = no limit) */
    int64_t retention_age_s;   /* drop results older than this (0 = keep) */
} wt_journal_opts_t;

/* One item's record; strings are borrowed (valid during the callback or
   until the next journal call). */
typedef struct {
    uint64_t seq;
    wt_jitem_state_t state;
    uint32_t attempts;
    int64_t accepted_ms, finished_ms; /* journal clock (wt_journal_now) */
    uint64_t rseq;                    /* result seq once done */
    uint64_t producer;                /* caller's tag of the producer (for back-pressure) */
    const char *id, *code, *reason;   /* never NULL ("" when unset) */
} wt_jitem_t;

typedef struct {
    uint64_t next_seq, next_rseq;   /* next numbers to be assigned */
    uint64_t first_rseq, last_rseq; /* retained result range (0 when none) */
    uint64_t unfinished;            /* queued + in flight */
    uint64_t dead, results, items, dedup_ids;
    int64_t live_bytes; /* pages in use x page size */
    int64_t map_bytes, file_bytes;
    uint64_t syncs, retained; /* fsyncs done, records dropped by retention */
    uint64_t recovered;       /* in-flight items re-queued at open */
    /* space: the journal is full when the room left cannot take the
       results of what is unfinished (see the broker's PUT admission) */
    int64_t payload_bytes;      /* pages of the payloads kept (unfinished and dead items) */
    int64_t map_room_bytes;     /* map_bytes - live_bytes */
    int64_t disk_free_bytes;    /* free on the journal's filesystem (statvfs), -1 unknown */
    int64_t disk_room_bytes;    /* disk_free_bytes + free pages inside the file */
    bool open_full;             /* opened on a full disk or map (nothing written at open) */
    uint64_t damaged;           /* records whose checksum failed on read: skipped, never served */
    uint64_t durable_next_rseq; /* results below this rseq are durable (replay serves only those) */
} wt_journal_stats_t;

/* Open (or create) the journal in opts->dir. Returns NULL and sets *err
   (negative code) on failure; errmsg (may be NULL) gets a sentence. */
wt_journal_t *wt_journal_new(const wt_journal_opts_t *opts, int *err, char *errmsg, size_t errlen);
/* Commit what is open, fsync (whatever the policy) and close. */
void wt_journal_destroy(wt_journal_t **self_p);

/* Accept an item: new seq, state queued, payload kept, id remembered. When
   id is already in the dedup window, nothing is written, *dup is true and
   *seq is the original seq. producer is an opaque tag kept in the record. */
int wt_journal_put(wt_journal_t *self, const char *id, uint64_t producer, const uint8_t *payload,
                   size_t n, int64_t now_ms, uint64_t *seq, bool *dup);
/* Mark seq in flight and count one more attempt (*attempt = the new
   count). WT_ESEQ when seq is not unfinished. */
int wt_journal_dispatch(wt_journal_t *self, uint64_t seq, uint32_t *attempt);
/* Put an in-flight item back in the queue. refund: the attempt did not
   really happen (handed back unstarted), so it is not counted. */
int wt_journal_requeue(wt_journal_t *self, uint64_t seq, bool refund);
/* Record the result of seq: assigns *rseq, stores the result, marks the
   item done and drops its payload. WT_ESEQ when seq is not unfinished
   (already done or dead, or unknown): nothing is written. */
int wt_journal_done(wt_journal_t *self, uint64_t seq, const uint8_t *result, size_t n,
                    int64_t now_ms, uint64_t *rseq);
/* Dead-letter seq with an error name and a reason. WT_ESEQ as above. */
int wt_journal_dead(wt_journal_t *self, uint64_t seq, const char *code, const char *reason,
                    int64_t now_ms);

/* The journal clock (ms): the wall clock when the journal was created,
   advanced since only by the monotonic clock while a broker runs (and
   saved with every commit). Record times and retention ages use it, so a
   jump of the wall clock counts as no time passing, and neither does the
   time the journal is closed. Pass it as now_ms to the calls below. */
int64_t wt_journal_now(wt_journal_t *self);

/* End the open write transaction (no-op when none). durable: the data
   must reach the disk per the fsync policy before the caller acknowledges. */
int wt_journal_commit(wt_journal_t *self, bool durable);
/* Commit what is open (waiting for an fsync under way) and ask the fsync
   thread for an fsync; *gen: the generation to wait for (wt_journal_durable).
   Without the thread (interval, never): wt_journal_commit(durable). */
int wt_journal_commit_async(wt_journal_t *self, uint64_t *gen);
/* The same without waiting: when an fsync is under way, nothing is
   committed (the transaction stays open) and *gen is 0. */
int wt_journal_commit_lazy(wt_journal_t *self, uint64_t *gen);
/* The highest durable generation; returns a failed fsync's error (-EIO,
   sticky: nothing is durable after it) or 0. */
int wt_journal_durable(wt_journal_t *self, uint64_t *gen);
/* The generation of the last commit. */
uint64_t wt_journal_generation(wt_journal_t *self);
/* Is a write transaction open (written to, not yet committed)? */
bool wt_journal_open_txn(wt_journal_t *self);
/* fn(arg, true, gen) after every commit (gen: its generation), fn(arg,
   false, 0) after an open transaction was dropped (a failed write or
   commit, wt_journal_abort): what was written since the last commit is
   gone. Called at the end of the journal call that did it. */
typedef void (*wt_journal_txn_fn)(void *arg, bool committed, uint64_t gen);
void wt_journal_on_txn(wt_journal_t *self, wt_journal_txn_fn fn, void *arg);
/* Readable after every fsync of the thread (poll it, then call
   wt_journal_wake_clear before wt_journal_durable); -1 without the thread. */
int wt_journal_wake_fd(wt_journal_t *self);
void wt_journal_wake_clear(wt_journal_t *self);
/* Drop the open write transaction (after a failed step). */
void wt_journal_abort(wt_journal_t *self);
/* Timer: fsync pending data under the interval policy. Returns 0 or error. */
int wt_journal_tick(wt_journal_t *self, int64_t now_ms);
/* fsync now, whatever the policy. */
int wt_journal_sync(wt_journal_t *self);

/* Copy the payload of seq into out (appended). WT_ESEQ when absent,
   -EBADMSG when its checksum fails (the record is damaged). */
int wt_journal_payload(wt_journal_t *self, uint64_t seq, wt_buf_t *out);
/* Look an item up; the record is valid until the next journal call. */
int wt_journal_item(wt_journal_t *self, uint64_t seq, wt_jitem_t *it);
/* Up to max unfinished seqs greater than after, ascending; *n = count. */
int wt_journal_queue_scan(wt_journal_t *self, uint64_t after, uint64_t *seqs, size_t max,
                          size_t *n);

/* Results with rseq >= from, at most max; fn returns nonzero to stop.
 *next = the rseq after the last one visited (or from). Only durable
   results are visited (below stats' durable_next_rseq). */
typedef int (*wt_journal_result_fn)(uint64_t rseq, uint64_t seq, const uint8_t *payload, size_t n,
                                    void *arg);
int wt_journal_results(wt_journal_t *self, uint64_t from, size_t max, wt_journal_result_fn fn,
                       void *arg, uint64_t *next);
/* Dead items with seq >= from, at most max, with their payload. */
typedef int (*wt_journal_dead_fn)(const wt_jitem_t *it, const uint8_t *payload, size_t n,
                                  void *arg);
int wt_journal_dead_list(wt_journal_t *self, uint64_t from, size_t max, wt_journal_dead_fn fn,
                         void *arg, uint64_t *next);

/* Apply retention: drop the oldest results (and their done items) while
   live data exceeds retention_bytes or they are older than
   retention_age_s, and dead items older than retention_age_s; at most
   max_delete records per call; commits. *deleted = records dropped. */
int wt_journal_retain(wt_journal_t *self, int64_t now_ms, size_t max_delete, size_t *deleted);

void wt_journal_stats(wt_journal_t *self, wt_journal_stats_t *st);

/* Offline tools (the journal must not be open elsewhere for recover).
   check: read every record of dir and verify it; a report goes to out.
   0 sound, 1 damaged, <0 no journal / error. recover: copy every sound
   record of dir into a new journal in newdir (which must hold none) and
   report what was lost. 0 nothing lost, 1 some records lost, <0 failure.
   Walks run in child processes: damage that makes LMDB fault ends a walk
   (reported), not the caller. */
int wt_journal_check(const char *dir, FILE *out);
int wt_journal_recover(const char *dir, const char *newdir, FILE *out);
/* ---- dead letters and identity (operations; kept apart for merging) ---- */
/* Give a dead-lettered item another chance: back in the queue with its
   payload, attempts reset, code and reason cleared. WT_ESEQ when seq is
   not a dead letter. Writes into the open transaction (commit after). */
int wt_journal_revive(wt_journal_t *self, uint64_t seq);
/* The seq of id while it is in the dedup window: 0 and *seq, or WT_ESEQ. */
int wt_journal_find(wt_journal_t *self, const char *id, uint64_t *seq);
/* This journal's identity: a random non-zero number chosen when it is
   first asked for and kept in the journal. A subscriber that sees it
   change knows the sequence numbers started again. Commits. */
int wt_journal_epoch(wt_journal_t *self, uint64_t *epoch);
/* Name of a state ("queued", "inflight", "done", "dead"). */
const char *wt_jitem_state_name(wt_jitem_state_t s);

#ifdef __cplusplus
}
#endif
#endif
