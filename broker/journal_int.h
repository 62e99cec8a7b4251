/*  journal_int.h: what the journal's files share (internal to the library
    wiretag-journal; its users include journal.h).

    journal.c          the journal: transactions, open and recovery, writes, reads
    journal_space.c    retention and the figures (sizes, room left)
    journal_check.c    the offline check and salvage (--check, --recover)
    journal_format.c   the format on disk: keys, seals (CRC-32), item
                       records, and the check of data.mdb before LMDB maps it
    journal_sync.c     the fsync thread under fsync=always (group commit)
    Each uses only those below it.
*/
#ifndef WT_JOURNAL_INT_H
#define WT_JOURNAL_INT_H

#include "journal.h"

#include <lmdb.h>

enum { DB_ITEMS, DB_PAYLOADS, DB_QUEUE, DB_RESULTS, DB_DEDUP, DB_DEDUPSEQ, DB_DEAD, DB_META, DB_N };
extern const char *const wt_jdb_names[DB_N];

#define WT_JREC_FIXED 37   /* state 1, attempts 4, accepted 8, finished 8, rseq 8, producer 8 */
#define WT_JSEALED    0xC5 /* tag byte of a sealed value (format 2) */
#define WT_JSEAL      5    /* tag byte + CRC-32 */

/* LMDB's meta page, read before LMDB maps the file */
#define WT_JMDB_MAGIC     0xBEEFC0DEu
#define WT_JMDB_META_OFF  16  /* page header */
#define WT_JMDB_PSIZE_OFF 40  /* mm_dbs[FREE_DBI].md_pad: the page size */
#define WT_JMDB_LAST_OFF  136 /* mm_last_pg */
#define WT_JMDB_TXN_OFF   144 /* mm_txnid */

struct wt_journal_t {
    MDB_env *env;
    int lock_fd; /* DIR/broker.lock, flock()ed for the journal's life */
    MDB_dbi dbi[DB_N];
    MDB_txn *wtxn; /* open write transaction or NULL */
    MDB_txn *rtxn; /* reset read transaction, renewed for reads */
    wt_journal_opts_t opts;
    char *dir;
    uint64_t next_seq, next_rseq;
    int64_t clock_base, mono_base; /* journal clock at open, wt_clock_ms() then */
    bool dirty;                    /* committed but not yet fsynced */
    bool want_sync;                /* a durable commit is waiting for fsync (interval policy) */
    int64_t last_sync_ms;
    uint64_t syncs, retained, recovered;
    bool open_full;   /* opened on a full disk or map: recovery not written */
    uint64_t damaged; /* records found damaged (checksum) on read and skipped */
    uint8_t *rec;     /* scratch for item records */
    size_t rec_cap;
    /* the last record decoded by wt_journal_item (its strings point here) */
    char *item_copy;
    size_t item_copy_cap;
    uint64_t commits;         /* successful commits: the generation (journal.h) */
    wt_journal_txn_fn on_txn; /* told of every commit and dropped transaction */
    void *on_txn_arg;
    struct wt_jsync *syncer; /* the fsync thread (fsync=always), or NULL */
};

/* journal_format.c */
void wt_jbe64(uint64_t v, uint8_t out[8]);
uint64_t wt_jget64(const uint8_t *p);
uint64_t wt_jle64(const uint8_t *p);
uint32_t wt_jle32(const uint8_t *p);
/* An LMDB code as one of ours (MDB_MAP_FULL -ENOSPC, MDB_NOTFOUND WT_ESEQ). */
int wt_jerr(int mdb_rc);
int wt_jmeta_get(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t *v);
int wt_jmeta_put(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t v);
/* Fill the WT_JSEAL header of buf (n bytes in all, body after the header). */
void wt_jseal(const uint8_t key[8], uint8_t *buf, size_t n);
/* The body of a stored value: checked when sealed, as is when format 1.
   -EBADMSG when the checksum does not match. */
int wt_junseal(const void *key, const MDB_val *v, const uint8_t **body, size_t *n);
/* Decode an item record (borrowed strings point into val). */
int wt_jrec_decode(const MDB_val *val, uint64_t seq, wt_jitem_t *it);
bool wt_jexists(const char *path);
/* mkdir -p */
int wt_jmkdirs(const char *dir);
/* Before LMDB maps data.mdb: see journal_format.c. 0, or -EUCLEAN with a
   sentence in errmsg; *fresh: no journal here yet. */
int wt_jprecheck(const char *dir, bool *fresh, char *errmsg, size_t errlen);
/* The marker file: from now on, a missing data.mdb is an error. */
void wt_jwrite_marker(const char *dir);

/* journal.c */
/* The open write transaction (begun when none). */
int wt_jtxn_write(wt_journal_t *self, MDB_txn **txn);
/* A transaction to read from: the open write txn, else the read txn;
   end it with wt_jtxn_read_end(). */
int wt_jtxn_read(wt_journal_t *self, MDB_txn **txn);
void wt_jtxn_read_end(wt_journal_t *self, MDB_txn *txn);
/* Commit the open transaction now (waiting for an fsync under way), not
   durable; 0 when none is open. */
int wt_jcommit(wt_journal_t *self);
/* A failed write: drop the transaction and return the error. */
int wt_jfail(wt_journal_t *self, int mdb_rc);

/* journal_sync.c: the fsync thread (see there). */
int wt_jsync_start(wt_journal_t *self);
/* Finish the fsyncs asked for, then end the thread. */
void wt_jsync_stop(wt_journal_t *self);
/* Take the lock that no fsync runs under. wait: until the fsync under way
   ends; else false (not locked) when one is under way. */
bool wt_jsync_lock(wt_journal_t *self, bool wait);
/* Release it; committed: a commit was made under it (self->commits). */
void wt_jsync_unlock(wt_journal_t *self, bool committed);
/* Ask for an fsync covering generation gen (returns at once). */
void wt_jsync_request(wt_journal_t *self, uint64_t gen);
/* Ask and wait until gen is durable; 0 or the fsync error. */
int wt_jsync_wait(wt_journal_t *self, uint64_t gen);
/* The durable generation, next_rseq as of it and the fsyncs done; returns
   the fsync error (sticky) or 0. Pointers may be NULL. */
int wt_jsync_state(wt_journal_t *self, uint64_t *synced, uint64_t *synced_rseq, uint64_t *syncs);
/* The eventfd written after every fsync, -1 without the thread. */
int wt_jsync_fd(wt_journal_t *self);

/* journal_space.c */
/* Pages in use in every table x page size. */
int64_t wt_jlive_bytes(wt_journal_t *self, MDB_txn *txn);

#endif
