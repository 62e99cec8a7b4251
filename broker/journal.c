/*  journal.c: the broker's durable log on LMDB (see journal.h).

    Databases in the one environment (keys of sequence numbers are
    big-endian u64 so that LMDB's byte order is numeric order):
      items     seq  -> item record (state, attempts, times, rseq, producer, id, code,
                        reason)
      payloads  seq  -> the input item bytes (unfinished and dead items only)
      queue     seq  -> ""   (unfinished items: the backlog, in order)
      results   rseq -> u64 seq | i64 time | annotated item bytes
      dedup     hash64(id) -> u64 seq   (collisions checked against items)
      dedupseq  seq  -> hash64(id)      (eviction order of the dedup window)
      dead      seq  -> ""   (dead-letter index)
      meta      "next_seq", "next_rseq", "clock_ms" (the journal clock) -> u64
    Item records, payloads and results are sealed (format 2): a tag byte
    and a CRC-32 of key and value first (see "checksums" below). The
    directory also holds broker.lock (flock: one owner) and wiretag.journal
    (the marker: a journal was created here).
    Why LMDB: one file, B+tree ordered by key (cursors give the queue and
    replay ranges for free), crash-safe copy-on-write commits, readers never
    block the writer, and the page cache does the caching. We run it with
    MDB_NOSYNC and call mdb_env_sync() per the fsync policy.
*/
#include "journal_int.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* ------------------------------------------------------------ records */

/* Encode it into the scratch buffer; returns the size. */
static size_t s_rec_encode(wt_journal_t *self, const wt_jitem_t *it)
{
    const char *strs[3] = {it->id ? it->id : "", it->code ? it->code : "",
                           it->reason ? it->reason : ""};
    size_t lens[3], need = WT_JREC_FIXED;
    for (int i = 0; i < 3; i++) {
        lens[i] = strlen(strs[i]) + 1;
        if (lens[i] > 0xffff) /* reasons are bounded by the caller; be safe */
            lens[i] = 0xffff;
        need += 2 + lens[i];
    }
    wt_grow(&self->rec, &self->rec_cap, need + WT_JSEAL, 1);
    uint8_t *p = self->rec + WT_JSEAL; /* sealed by the caller (s_rec_seal) */
    p[0] = (uint8_t)it->state;
    p[1] = (uint8_t)(it->attempts >> 24);
    p[2] = (uint8_t)(it->attempts >> 16);
    p[3] = (uint8_t)(it->attempts >> 8);
    p[4] = (uint8_t)it->attempts;
    wt_jbe64((uint64_t)it->accepted_ms, p + 5);
    wt_jbe64((uint64_t)it->finished_ms, p + 13);
    wt_jbe64(it->rseq, p + 21);
    wt_jbe64(it->producer, p + 29);
    size_t off = WT_JREC_FIXED;
    for (int i = 0; i < 3; i++) {
        p[off] = (uint8_t)(lens[i] >> 8);
        p[off + 1] = (uint8_t)lens[i];
        off += 2;
        memcpy(p + off, strs[i], lens[i] - 1);
        p[off + lens[i] - 1] = 0;
        off += lens[i];
    }
    uint8_t kb[8];
    wt_jbe64(it->seq, kb);
    wt_jseal(kb, self->rec, off + WT_JSEAL);
    return off + WT_JSEAL;
}

/* ------------------------------------------------------------ transactions */

int wt_jtxn_write(wt_journal_t *self, MDB_txn **txn)
{
    if (!self->wtxn) {
        int rc = mdb_txn_begin(self->env, NULL, 0, &self->wtxn);
        if (rc) {
            self->wtxn = NULL;
            return wt_jerr(rc);
        }
    }
    *txn = self->wtxn;
    return 0;
}

/* A transaction to read from: the open write txn, else the read txn. */
int wt_jtxn_read(wt_journal_t *self, MDB_txn **txn)
{
    if (self->wtxn) {
        *txn = self->wtxn;
        return 0;
    }
    int rc = self->rtxn ? mdb_txn_renew(self->rtxn)
                        : mdb_txn_begin(self->env, NULL, MDB_RDONLY, &self->rtxn);
    if (rc) return wt_jerr(rc);
    *txn = self->rtxn;
    return 0;
}

void wt_jtxn_read_end(wt_journal_t *self, MDB_txn *txn)
{
    if (txn == self->rtxn) mdb_txn_reset(self->rtxn);
}

/* The sequence counters as committed (they may have advanced inside a
   transaction that was dropped). */
static void s_reload_counters(wt_journal_t *self)
{
    MDB_txn *txn = NULL;
    if (wt_jtxn_read(self, &txn) == 0) {
        MDB_val k = {8, "next_seq"}, v;
        if (mdb_get(txn, self->dbi[DB_META], &k, &v) == 0 && v.mv_size == 8)
            self->next_seq = wt_jget64(v.mv_data);
        k = (MDB_val){9, "next_rseq"};
        if (mdb_get(txn, self->dbi[DB_META], &k, &v) == 0 && v.mv_size == 8)
            self->next_rseq = wt_jget64(v.mv_data);
        wt_jtxn_read_end(self, txn);
    }
}

void wt_journal_abort(wt_journal_t *self)
{
    if (self->wtxn) {
        mdb_txn_abort(self->wtxn);
        self->wtxn = NULL;
        s_reload_counters(self);
        if (self->on_txn) self->on_txn(self->on_txn_arg, false, 0);
    }
}

/* A failed write: drop the transaction and return the error. */
int wt_jfail(wt_journal_t *self, int mdb_rc)
{
    wt_journal_abort(self);
    return wt_jerr(mdb_rc);
}

int wt_journal_sync(wt_journal_t *self)
{
    if (self->syncer) { /* the thread fsyncs: wait for one covering every commit */
        int rc = wt_jsync_wait(self, self->commits);
        if (rc == 0) self->last_sync_ms = wt_clock_ms();
        return rc;
    }
    int rc = mdb_env_sync(self->env, 1);
    /* a failed fsync is an I/O error whatever errno says: what it covered
       is committed but maybe not on disk (never a "full, retry later") */
    if (rc) return rc == ENOSPC ? -EIO : wt_jerr(rc);
    self->syncs++;
    self->dirty = false;
    self->want_sync = false;
    self->last_sync_ms = wt_clock_ms();
    return 0;
}

int64_t wt_journal_now(wt_journal_t *self)
{
    return self->clock_base + (wt_clock_ms() - self->mono_base);
}

/* mdb_txn_commit of the open transaction, with the journal clock. */
static int s_commit_txn(wt_journal_t *self)
{
    /* the journal clock goes with every commit, so that it resumes
       where it stopped (time while the broker is down does not count) */
    int rc =
        wt_jmeta_put(self->wtxn, self->dbi[DB_META], "clock_ms", (uint64_t)wt_journal_now(self));
    if (rc) {
        wt_journal_abort(self);
        return wt_jerr(rc);
    }
    rc = mdb_txn_commit(self->wtxn); /* frees the txn, also on failure */
    self->wtxn = NULL;
    if (rc) {
        s_reload_counters(self);
        if (self->on_txn) self->on_txn(self->on_txn_arg, false, 0);
        /* LMDB reports a short write as EIO: on a full filesystem that
           is the disk being full (nothing of the txn was committed) */
        struct statvfs vfs;
        if (rc == EIO && statvfs(self->dir, &vfs) == 0 &&
            (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize < ((int64_t)4 << 20))
            return -ENOSPC;
        return wt_jerr(rc);
    }
    self->commits++;
    self->dirty = true;
    if (self->on_txn) self->on_txn(self->on_txn_arg, true, self->commits);
    return 0;
}

/* Commit under the fsync thread's lock (no fsync runs meanwhile). wait:
   for the fsync under way; else, when one is under way, the transaction
   stays open and goes with a later commit (*deferred). */
static int s_commit_locked(wt_journal_t *self, bool wait, bool *deferred)
{
    *deferred = false;
    if (!self->wtxn) return 0;
    if (!wt_jsync_lock(self, wait)) {
        *deferred = true;
        return 0;
    }
    int rc = s_commit_txn(self);
    wt_jsync_unlock(self, rc == 0);
    return rc;
}

int wt_jcommit(wt_journal_t *self)
{
    if (!self->syncer) return wt_journal_commit(self, false);
    bool deferred;
    return s_commit_locked(self, true, &deferred);
}

int wt_journal_commit(wt_journal_t *self, bool durable)
{
    if (self->syncer) {
        bool deferred;
        int rc = s_commit_locked(self, durable, &deferred);
        if (rc || !durable) return rc;
        return wt_journal_sync(self);
    }
    if (self->wtxn) {
        int rc = s_commit_txn(self);
        if (rc) return rc;
    }
    if (durable && self->dirty) {
        if (self->opts.fsync == WT_FSYNC_ALWAYS) return wt_journal_sync(self);
        if (self->opts.fsync == WT_FSYNC_INTERVAL) self->want_sync = true;
    }
    return 0;
}

static int s_commit_async(wt_journal_t *self, bool wait, uint64_t *gen)
{
    *gen = 0;
    if (!self->syncer) {
        int rc = wt_journal_commit(self, true);
        *gen = self->commits;
        return rc;
    }
    bool deferred;
    int rc = s_commit_locked(self, wait, &deferred);
    if (rc || deferred) return rc;
    rc = wt_jsync_state(self, NULL, NULL, NULL);
    if (rc) return rc; /* an fsync failed: nothing more is durable */
    *gen = self->commits;
    wt_jsync_request(self, self->commits);
    return 0;
}

int wt_journal_commit_async(wt_journal_t *self, uint64_t *gen)
{
    return s_commit_async(self, true, gen);
}

int wt_journal_commit_lazy(wt_journal_t *self, uint64_t *gen)
{
    return s_commit_async(self, false, gen);
}

bool wt_journal_open_txn(wt_journal_t *self)
{
    return self->wtxn != NULL;
}

void wt_journal_on_txn(wt_journal_t *self, wt_journal_txn_fn fn, void *arg)
{
    self->on_txn = fn;
    self->on_txn_arg = arg;
}

int wt_journal_durable(wt_journal_t *self, uint64_t *gen)
{
    if (!self->syncer) {
        *gen = self->commits;
        return 0;
    }
    return wt_jsync_state(self, gen, NULL, NULL);
}

uint64_t wt_journal_generation(wt_journal_t *self)
{
    return self->commits;
}

int wt_journal_wake_fd(wt_journal_t *self)
{
    return wt_jsync_fd(self);
}

void wt_journal_wake_clear(wt_journal_t *self)
{
    uint64_t n;
    int fd = wt_jsync_fd(self);
    if (fd >= 0 && read(fd, &n, sizeof n) != sizeof n) {
        /* nothing was written: EAGAIN */
    }
}

int wt_journal_tick(wt_journal_t *self, int64_t now_ms)
{
    if (self->syncer) {
        /* a commit deferred while an fsync ran, then nothing more came:
           commit it now if no fsync runs, and have it fsynced */
        bool deferred;
        int rc = s_commit_locked(self, false, &deferred);
        if (rc) return rc;
        wt_jsync_request(self, self->commits);
        return wt_jsync_state(self, NULL, NULL, NULL);
    }
    if (!self->dirty || self->opts.fsync == WT_FSYNC_NEVER) return 0;
    int64_t every = self->opts.fsync == WT_FSYNC_INTERVAL ? self->opts.fsync_interval_ms : 1000;
    if (now_ms - self->last_sync_ms < every) return 0;
    return wt_journal_sync(self);
}

/* ------------------------------------------------------------ open/close */

/* Highest key + 1 of a seq-keyed database (or 1 when empty). */
static int s_last_plus_one(MDB_txn *txn, MDB_dbi dbi, uint64_t *out)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, dbi, &cur);
    if (rc) return rc;
    MDB_val k, v;
    rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
    *out = 1;
    if (rc == 0 && k.mv_size == 8) *out = wt_jget64(k.mv_data) + 1;
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Open: recover counters, turn in-flight items back into queued ones. */
static int s_recover(wt_journal_t *self)
{
    MDB_txn *txn = NULL;
    int rc = wt_jtxn_write(self, &txn);
    if (rc) return rc;
    for (int i = 0; i < DB_N; i++)
        if ((rc = mdb_dbi_open(txn, wt_jdb_names[i], MDB_CREATE, &self->dbi[i])))
            return wt_jfail(self, rc);
    uint64_t ns = 1, nr = 1, a = 1, b = 1, clock = 0;
    if ((rc = wt_jmeta_get(txn, self->dbi[DB_META], "clock_ms", &clock)) ||
        (rc = wt_jmeta_get(txn, self->dbi[DB_META], "next_seq", &ns)) ||
        (rc = wt_jmeta_get(txn, self->dbi[DB_META], "next_rseq", &nr)) ||
        (rc = s_last_plus_one(txn, self->dbi[DB_ITEMS], &a)) ||
        (rc = s_last_plus_one(txn, self->dbi[DB_RESULTS], &b)))
        return wt_jfail(self, rc);
    /* the journal clock: starts at the wall clock when the journal is new
       (or older than the clock), then only advances by the monotonic clock */
    self->mono_base = wt_clock_ms();
    self->clock_base = clock ? (int64_t)clock : wt_time_ms();
    self->next_seq = ns > a ? ns : a;
    self->next_rseq = nr > b ? nr : b;
    if (self->next_seq < 1) self->next_seq = 1;
    if (self->next_rseq < 1) self->next_rseq = 1;

    MDB_cursor *cur;
    if ((rc = mdb_cursor_open(txn, self->dbi[DB_QUEUE], &cur))) return wt_jfail(self, rc);
    MDB_val k, v;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        MDB_val rv;
        if (mdb_get(txn, self->dbi[DB_ITEMS], &k, &rv) != 0) continue;
        wt_jitem_t it;
        if (wt_jrec_decode(&rv, wt_jget64(k.mv_data), &it) || it.state != WT_JITEM_INFLIGHT)
            continue;
        it.state = WT_JITEM_QUEUED;
        size_t n = s_rec_encode(self, &it); /* it's strings point into rv: encode copies */
        MDB_val nv = {n, self->rec};
        int prc = mdb_put(txn, self->dbi[DB_ITEMS], &k, &nv, 0);
        if (prc) {
            mdb_cursor_close(cur);
            if (prc == MDB_MAP_FULL) { /* no room to write: open as it is (see below) */
                wt_journal_abort(self);
                self->recovered = 0;
                self->open_full = true;
                return 0;
            }
            return wt_jfail(self, prc);
        }
        self->recovered++;
    }
    mdb_cursor_close(cur);
    if (rc != MDB_NOTFOUND) return wt_jfail(self, rc);
    if ((rc = wt_jmeta_put(txn, self->dbi[DB_META], "next_seq", self->next_seq)) ||
        (rc = wt_jmeta_put(txn, self->dbi[DB_META], "next_rseq", self->next_rseq)))
        rc = wt_jfail(self, rc);
    else
        rc = wt_journal_commit(self, false);
    if (rc == -ENOSPC) {
        /* a full disk or map: open without writing. In-flight items stay
           marked so (dispatch takes them as queued), the counters were read
           above; the broker refuses PUTs until there is room again. */
        self->recovered = 0;
        self->open_full = true;
        return 0;
    }
    if (rc) return rc;
    return wt_journal_sync(self);
}

/* One owner per journal directory: an exclusive flock() on DIR/broker.lock,
   held until wt_journal_destroy() (or the process's end, kill -9 included:
   the kernel drops the lock with the last descriptor). The file holds the
   owner's pid, for the refusal message only; the lock is the flock. LMDB's
   own lock.mdb lets several processes write one environment in turn, which
   is not what a broker numbering items from memory can allow. */
static int s_lock(wt_journal_t *self, char *errmsg, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/broker.lock", self->dir);
    self->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (self->lock_fd < 0) {
        int rc = -errno;
        if (errmsg)
            snprintf(errmsg, errlen, "cannot open the journal lock %s: %s", path, wt_strerror(rc));
        return rc;
    }
    if (flock(self->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        int rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
        char pid[32] = "";
        ssize_t got = pread(self->lock_fd, pid, sizeof pid - 1, 0);
        pid[got > 0 ? got : 0] = 0;
        pid[strcspn(pid, "\n")] = 0;
        if (errmsg && rc == -EBUSY)
            snprintf(errmsg, errlen,
                     "journal %s is in use by another broker (pid %s, lock %s): stop that one "
                     "first, or give this one another journal directory",
                     self->dir, pid[0] ? pid : "unknown", path);
        else if (errmsg)
            snprintf(errmsg, errlen, "cannot lock the journal %s: %s", path, wt_strerror(rc));
        return rc;
    }
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    /* the pid is for messages only: a full disk must not stop a start */
    if (ftruncate(self->lock_fd, 0) == 0 && pwrite(self->lock_fd, pid, (size_t)len, 0) != len) {
        /* nothing to do: the lock is held all the same */
    }
    return 0;
}

wt_journal_t *wt_journal_new(const wt_journal_opts_t *opts, int *err, char *errmsg, size_t errlen)
{
    int rc;
    if (errmsg && errlen) errmsg[0] = 0;
    if (!opts || !opts->dir || !*opts->dir) {
        *err = -EINVAL;
        return NULL;
    }
    if (wt_jmkdirs(opts->dir) != 0) {
        *err = -errno;
        if (errmsg)
            snprintf(errmsg, errlen, "cannot create journal directory %s: %s", opts->dir,
                     wt_strerror(*err));
        return NULL;
    }
    wt_journal_t *self = wt_calloc(1, sizeof *self);
    self->lock_fd = -1;
    self->opts = *opts;
    self->dir = wt_strdup(opts->dir);
    self->opts.dir = self->dir;
    if ((rc = s_lock(self, errmsg, errlen))) {
        *err = rc;
        wt_journal_destroy(&self);
        return NULL;
    }
    bool fresh = false;
    char why[8192] = "";
    if ((rc = wt_jprecheck(self->dir, &fresh, why, sizeof why))) {
        *err = rc;
        if (errmsg) snprintf(errmsg, errlen, "%.4000s", why);
        wt_journal_destroy(&self);
        return NULL;
    }
    if (self->opts.fsync_interval_ms <= 0) self->opts.fsync_interval_ms = 100;
    int64_t map = opts->map_bytes > 0 ? opts->map_bytes : (int64_t)1 << 30;
    if ((rc = mdb_env_create(&self->env)) || (rc = mdb_env_set_maxdbs(self->env, DB_N)) ||
        (rc = mdb_env_set_mapsize(self->env, (size_t)map)) ||
        (rc = mdb_env_open(self->env, self->dir, MDB_NOSYNC | MDB_NOTLS, 0640))) {
        *err = wt_jerr(rc);
        if (errmsg)
            snprintf(errmsg, errlen, "cannot open journal %s: %s", self->dir, mdb_strerror(rc));
        wt_journal_destroy(&self);
        return NULL;
    }
    self->last_sync_ms = wt_clock_ms();
    if ((rc = s_recover(self))) {
        *err = rc;
        if (errmsg)
            snprintf(errmsg, errlen, "cannot recover journal %s: %s", self->dir, wt_strerror(rc));
        wt_journal_destroy(&self);
        return NULL;
    }
    wt_jwrite_marker(self->dir); /* from now on, a missing data.mdb is an error */
    if (self->opts.fsync == WT_FSYNC_ALWAYS && (rc = wt_jsync_start(self))) {
        *err = rc;
        if (errmsg)
            snprintf(errmsg, errlen, "cannot start the journal's fsync thread: %s",
                     wt_strerror(rc));
        wt_journal_destroy(&self);
        return NULL;
    }
    *err = 0;
    return self;
}

void wt_journal_destroy(wt_journal_t **self_p)
{
    wt_journal_t *self = *self_p;
    if (!self) return;
    wt_jsync_stop(self); /* after the fsyncs asked for */
    if (self->env) {
        if (self->wtxn) wt_journal_commit(self, true);
        if (self->rtxn) mdb_txn_abort(self->rtxn);
        mdb_env_sync(self->env, 1);
        mdb_env_close(self->env);
    }
    if (self->lock_fd >= 0) close(self->lock_fd); /* releases the flock */
    free(self->rec);
    free(self->item_copy);
    free(self->dir);
    free(self);
    *self_p = NULL;
}

/* ------------------------------------------------------------ writes */

static uint64_t s_id_hash(const char *id)
{
    return wt_hash64(id, strlen(id));
}

/* Read and decode the record of seq inside txn (strings borrowed from LMDB). */
static int s_get_rec(wt_journal_t *self, MDB_txn *txn, uint64_t seq, wt_jitem_t *it)
{
    uint8_t kb[8];
    wt_jbe64(seq, kb);
    MDB_val k = {8, kb}, v;
    int rc = mdb_get(txn, self->dbi[DB_ITEMS], &k, &v);
    if (rc) return wt_jerr(rc);
    return wt_jrec_decode(&v, seq, it);
}

static int s_put_rec(wt_journal_t *self, MDB_txn *txn, const wt_jitem_t *it)
{
    uint8_t kb[8];
    wt_jbe64(it->seq, kb);
    size_t n = s_rec_encode(self, it);
    MDB_val k = {8, kb}, v = {n, self->rec};
    return mdb_put(txn, self->dbi[DB_ITEMS], &k, &v, 0);
}

/* What the dedup index says of id (hb: its hash key, filled): S_SAME_ID and *seq
   when it names a record of this id, S_GONE and *seq when that record
   cannot be read (retention took it), S_OTHER_ID when id is not there or
   the hash belongs to another id. */
enum { S_OTHER_ID, S_SAME_ID, S_GONE };

static int s_dedup_seq(wt_journal_t *self, MDB_txn *txn, const char *id, uint8_t hb[8],
                       uint64_t *seq)
{
    wt_jbe64(s_id_hash(id), hb);
    MDB_val hk = {8, hb}, hv;
    if (mdb_get(txn, self->dbi[DB_DEDUP], &hk, &hv) != 0 || hv.mv_size != 8) return S_OTHER_ID;
    *seq = wt_jget64(hv.mv_data);
    wt_jitem_t it;
    if (s_get_rec(self, txn, *seq, &it) != 0) return S_GONE;
    return strcmp(it.id, id) == 0 ? S_SAME_ID : S_OTHER_ID;
}

static int s_dedup_evict(wt_journal_t *self, MDB_txn *txn)
{
    MDB_stat st;
    int rc = mdb_stat(txn, self->dbi[DB_DEDUPSEQ], &st);
    if (rc) return rc;
    size_t over = st.ms_entries > (size_t)self->opts.dedup_window
                      ? st.ms_entries - (size_t)self->opts.dedup_window
                      : 0;
    if (!over) return 0;
    MDB_cursor *cur;
    if ((rc = mdb_cursor_open(txn, self->dbi[DB_DEDUPSEQ], &cur))) return rc;
    MDB_val k, v;
    while (over-- && (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST)) == 0) {
        MDB_val dk = v, dv;
        if (v.mv_size == 8 && mdb_get(txn, self->dbi[DB_DEDUP], &dk, &dv) == 0 && dv.mv_size == 8 &&
            memcmp(dv.mv_data, k.mv_data, 8) == 0)
            mdb_del(txn, self->dbi[DB_DEDUP], &dk, NULL);
        if ((rc = mdb_cursor_del(cur, 0))) break;
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int wt_journal_put(wt_journal_t *self, const char *id, uint64_t producer, const uint8_t *payload,
                   size_t n, int64_t now_ms, uint64_t *seq, bool *dup)
{
    MDB_txn *txn = NULL;
    int rc = wt_jtxn_write(self, &txn);
    if (rc) return rc;
    *dup = false;
    uint8_t hb[8];
    uint64_t old = 0;
    /* a hash collision with another id is not a duplicate; a record gone
       to retention cannot be checked and counts as one */
    if (self->opts.dedup_window > 0 && s_dedup_seq(self, txn, id, hb, &old) != S_OTHER_ID) {
        *dup = true;
        *seq = old;
        return 0;
    }
    uint64_t s = self->next_seq;
    uint8_t kb[8];
    wt_jbe64(s, kb);
    MDB_val k = {8, kb}, empty = {0, ""};
    wt_jitem_t it = {
        .seq = s, .state = WT_JITEM_QUEUED, .accepted_ms = now_ms, .producer = producer, .id = id};
    MDB_val pv = {WT_JSEAL + n, NULL};
    if ((rc = s_put_rec(self, txn, &it)) ||
        (rc = mdb_put(txn, self->dbi[DB_PAYLOADS], &k, &pv, MDB_RESERVE)))
        return wt_jfail(self, rc);
    if (n) memcpy((uint8_t *)pv.mv_data + WT_JSEAL, payload, n);
    wt_jseal(kb, pv.mv_data, WT_JSEAL + n);
    if ((rc = mdb_put(txn, self->dbi[DB_QUEUE], &k, &empty, 0)) ||
        (rc = wt_jmeta_put(txn, self->dbi[DB_META], "next_seq", s + 1)))
        return wt_jfail(self, rc);
    if (self->opts.dedup_window > 0) {
        MDB_val hk = {8, hb}, sv = {8, kb}, hv2 = {8, hb};
        if ((rc = mdb_put(txn, self->dbi[DB_DEDUP], &hk, &sv, 0)) ||
            (rc = mdb_put(txn, self->dbi[DB_DEDUPSEQ], &k, &hv2, 0)) ||
            (rc = s_dedup_evict(self, txn)))
            return wt_jfail(self, rc);
    }
    self->next_seq = s + 1;
    *seq = s;
    return 0;
}

/* Copy the strings of a record read from LMDB (they point into its pages)
   into the journal's own buffer: valid until the next journal call. */
static void s_copy_strings(wt_journal_t *self, wt_jitem_t *it)
{
    size_t need = strlen(it->id) + strlen(it->code) + strlen(it->reason) + 3;
    wt_grow(&self->item_copy, &self->item_copy_cap, need, 1);
    char *p = self->item_copy;
    const char **strs[3] = {&it->id, &it->code, &it->reason};
    for (int i = 0; i < 3; i++) {
        size_t l = strlen(*strs[i]) + 1;
        memcpy(p, *strs[i], l);
        *strs[i] = p;
        p += l;
    }
}

/* The record of an unfinished seq, for an update. */
static int s_unfinished(wt_journal_t *self, MDB_txn *txn, uint64_t seq, wt_jitem_t *it)
{
    int rc = s_get_rec(self, txn, seq, it);
    if (rc) return rc == WT_EJOURNAL || rc == -EBADMSG ? rc : WT_ESEQ;
    if (it->state != WT_JITEM_QUEUED && it->state != WT_JITEM_INFLIGHT) return WT_ESEQ;
    s_copy_strings(self, it); /* they point into LMDB's page: copied before writing */
    return 0;
}

int wt_journal_dispatch(wt_journal_t *self, uint64_t seq, uint32_t *attempt)
{
    MDB_txn *txn = NULL;
    int rc = wt_jtxn_write(self, &txn);
    if (rc) return rc;
    wt_jitem_t it;
    if ((rc = s_unfinished(self, txn, seq, &it))) return rc;
    it.state = WT_JITEM_INFLIGHT;
    it.attempts++;
    if ((rc = s_put_rec(self, txn, &it))) return wt_jfail(self, rc);
    *attempt = it.attempts;
    return 0;
}

int wt_journal_requeue(wt_journal_t *self, uint64_t seq, bool refund)
{
    MDB_txn *txn = NULL;
    int rc = wt_jtxn_write(self, &txn);
    if (rc) return rc;
    wt_jitem_t it;
    if ((rc = s_unfinished(self, txn, seq, &it))) return rc;
    it.state = WT_JITEM_QUEUED;
    if (refund && it.attempts > 0) it.attempts--;
    if ((rc = s_put_rec(self, txn, &it))) return wt_jfail(self, rc);
    return 0;
}

int wt_journal_done(wt_journal_t *self, uint64_t seq, const uint8_t *result, size_t n,
                    int64_t now_ms, uint64_t *rseq)
{
    MDB_txn *txn = NULL;
    int rc = wt_jtxn_write(self, &txn);
    if (rc) return rc;
    wt_jitem_t it;
    if ((rc = s_unfinished(self, txn, seq, &it))) return rc;
    uint64_t r = self->next_rseq;
    it.state = WT_JITEM_DONE;
    it.finished_ms = now_ms;
    it.rseq = r;
    uint8_t kb[8], rb[8];
    wt_jbe64(seq, kb);
    wt_jbe64(r, rb);
    MDB_val k = {8, kb}, rk = {8, rb}, rv = {WT_JSEAL + 16 + n, NULL};
    if ((rc = s_put_rec(self, txn, &it))) return wt_jfail(self, rc);
    rc = mdb_del(txn, self->dbi[DB_PAYLOADS], &k, NULL);
    if (rc && rc != MDB_NOTFOUND) return wt_jfail(self, rc);
    rc = mdb_del(txn, self->dbi[DB_QUEUE], &k, NULL);
    if (rc && rc != MDB_NOTFOUND) return wt_jfail(self, rc);
    if ((rc = mdb_put(txn, self->dbi[DB_RESULTS], &rk, &rv, MDB_RESERVE)))
        return wt_jfail(self, rc);
    uint8_t *body = (uint8_t *)rv.mv_data + WT_JSEAL;
    wt_jbe64(seq, body);
    wt_jbe64((uint64_t)now_ms, body + 8);
    if (n) memcpy(body + 16, result, n);
    wt_jseal(rb, rv.mv_data, rv.mv_size);
    if ((rc = wt_jmeta_put(txn, self->dbi[DB_META], "next_rseq", r + 1))) return wt_jfail(self, rc);
    self->next_rseq = r + 1;
    *rseq = r;
    return 0;
}

int wt_journal_dead(wt_journal_t *self, uint64_t seq, const char *code, const char *reason,
                    int64_t now_ms)
{
    MDB_txn *txn = NULL;
    int rc = wt_jtxn_write(self, &txn);
    if (rc) return rc;
    wt_jitem_t it;
    rc = s_unfinished(self, txn, seq, &it);
    if (rc == -EBADMSG) { /* a damaged record: replaced by a dead one */
        memset(&it, 0, sizeof it);
        it.seq = seq;
        it.id = "";
        rc = 0;
    }
    if (rc) return rc;
    it.state = WT_JITEM_DEAD;
    it.finished_ms = now_ms;
    it.code = code ? code : "";
    char shortr[1024];
    snprintf(shortr, sizeof shortr, "%s", reason ? reason : "");
    it.reason = shortr;
    uint8_t kb[8];
    wt_jbe64(seq, kb);
    MDB_val k = {8, kb}, empty = {0, ""};
    if ((rc = s_put_rec(self, txn, &it))) return wt_jfail(self, rc);
    rc = mdb_del(txn, self->dbi[DB_QUEUE], &k, NULL);
    if (rc && rc != MDB_NOTFOUND) return wt_jfail(self, rc);
    if ((rc = mdb_put(txn, self->dbi[DB_DEAD], &k, &empty, 0))) return wt_jfail(self, rc);
    return 0;
}

/* ------------------------------------------------------------ reads */

int wt_journal_payload(wt_journal_t *self, uint64_t seq, wt_buf_t *out)
{
    MDB_txn *txn = NULL;
    int rc = wt_jtxn_read(self, &txn);
    if (rc) return rc;
    uint8_t kb[8];
    wt_jbe64(seq, kb);
    MDB_val k = {8, kb}, v;
    rc = mdb_get(txn, self->dbi[DB_PAYLOADS], &k, &v);
    if (rc == 0) {
        const uint8_t *body;
        size_t n;
        if (wt_junseal(kb, &v, &body, &n)) {
            self->damaged++;
            wt_jtxn_read_end(self, txn);
            return -EBADMSG;
        }
        wt_buf_append(out, body, n);
    }
    wt_jtxn_read_end(self, txn);
    return wt_jerr(rc);
}

int wt_journal_item(wt_journal_t *self, uint64_t seq, wt_jitem_t *it)
{
    MDB_txn *txn = NULL;
    int rc = wt_jtxn_read(self, &txn);
    if (rc) return rc;
    rc = s_get_rec(self, txn, seq, it);
    if (rc == 0) s_copy_strings(self, it); /* out of the (soon reset) transaction */
    wt_jtxn_read_end(self, txn);
    return rc;
}

/* Read scans: the records of table db from the first key >= from, in key
   order (keys are big-endian sequence numbers), each shown to visit, which
   says whether it counted towards max (S_TAKE), ends the scan after
   counting (S_STOP) or was passed over (S_SKIP). */
enum { S_SKIP, S_TAKE, S_STOP, S_END };
typedef int (*s_visit_fn)(wt_journal_t *self, MDB_txn *txn, MDB_val *k, MDB_val *v, void *ctx);

static int s_scan(wt_journal_t *self, int db, uint64_t from, size_t max, s_visit_fn visit,
                  void *ctx)
{
    MDB_txn *txn = NULL;
    MDB_cursor *cur;
    int rc = wt_jtxn_read(self, &txn);
    if (rc) return rc;
    if ((rc = mdb_cursor_open(txn, self->dbi[db], &cur))) {
        wt_jtxn_read_end(self, txn);
        return wt_jerr(rc);
    }
    uint8_t kb[8];
    wt_jbe64(from, kb);
    MDB_val k = {8, kb}, v;
    size_t seen = 0;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && seen < max;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        int what = visit(self, txn, &k, &v, ctx);
        if (what == S_END) break; /* not counted */
        if (what == S_SKIP) continue;
        seen++;
        if (what == S_STOP) break;
    }
    mdb_cursor_close(cur);
    wt_jtxn_read_end(self, txn);
    return rc == 0 || rc == MDB_NOTFOUND ? 0 : wt_jerr(rc);
}

typedef struct {
    uint64_t *seqs;
    size_t *n;
} s_queue_ctx_t;

static int s_queue_visit(wt_journal_t *self, MDB_txn *txn, MDB_val *k, MDB_val *v, void *ctx)
{
    (void)self, (void)txn, (void)v;
    s_queue_ctx_t *c = ctx;
    c->seqs[(*c->n)++] = wt_jget64(k->mv_data);
    return S_TAKE;
}

int wt_journal_queue_scan(wt_journal_t *self, uint64_t after, uint64_t *seqs, size_t max, size_t *n)
{
    *n = 0;
    s_queue_ctx_t c = {seqs, n};
    return s_scan(self, DB_QUEUE, after + 1, max, s_queue_visit, &c);
}

typedef struct {
    wt_journal_result_fn result_fn;
    wt_journal_dead_fn dead_fn;
    void *arg;
    uint64_t *next;
    uint64_t end; /* results: the first rseq not durable */
} s_list_ctx_t;

static int s_result_visit(wt_journal_t *self, MDB_txn *txn, MDB_val *k, MDB_val *v, void *ctx)
{
    (void)txn;
    s_list_ctx_t *c = ctx;
    uint64_t r = wt_jget64(k->mv_data);
    const uint8_t *body;
    size_t n;
    if (r >= c->end) return S_END; /* committed, not yet fsynced: not served */
    *c->next = r + 1;
    if (wt_junseal(k->mv_data, v, &body, &n) || n < 16) { /* never served */
        self->damaged++;
        return S_SKIP;
    }
    return c->result_fn(r, wt_jget64(body), body + 16, n - 16, c->arg) ? S_STOP : S_TAKE;
}

int wt_journal_results(wt_journal_t *self, uint64_t from, size_t max, wt_journal_result_fn fn,
                       void *arg, uint64_t *next)
{
    *next = from;
    s_list_ctx_t c = {.result_fn = fn, .arg = arg, .next = next, .end = UINT64_MAX};
    if (self->syncer) wt_jsync_state(self, NULL, &c.end, NULL);
    return s_scan(self, DB_RESULTS, from, max, s_result_visit, &c);
}

static int s_dead_visit(wt_journal_t *self, MDB_txn *txn, MDB_val *k, MDB_val *v, void *ctx)
{
    (void)v;
    s_list_ctx_t *c = ctx;
    uint64_t s = wt_jget64(k->mv_data);
    MDB_val rv, pv = {0, NULL};
    wt_jitem_t it;
    if (mdb_get(txn, self->dbi[DB_ITEMS], k, &rv) != 0) return S_SKIP;
    if (wt_jrec_decode(&rv, s, &it) != 0) {
        self->damaged++;
        return S_SKIP;
    }
    const uint8_t *pb = NULL;
    size_t pn = 0;
    if (mdb_get(txn, self->dbi[DB_PAYLOADS], k, &pv) == 0 && wt_junseal(k->mv_data, &pv, &pb, &pn))
        pb = NULL, pn = 0, self->damaged++; /* the record without its damaged payload */
    *c->next = s + 1;
    return c->dead_fn(&it, pb, pn, c->arg) ? S_STOP : S_TAKE;
}

int wt_journal_dead_list(wt_journal_t *self, uint64_t from, size_t max, wt_journal_dead_fn fn,
                         void *arg, uint64_t *next)
{
    *next = from;
    s_list_ctx_t c = {.dead_fn = fn, .arg = arg, .next = next};
    return s_scan(self, DB_DEAD, from, max, s_dead_visit, &c);
}

/* ------------------------------------------------------------ dead letters, identity */

int wt_journal_revive(wt_journal_t *self, uint64_t seq)
{
    MDB_txn *txn = NULL;
    int rc = wt_jtxn_write(self, &txn);
    if (rc) return rc;
    wt_jitem_t it;
    rc = s_get_rec(self, txn, seq, &it);
    if (rc == MDB_NOTFOUND || (rc == 0 && it.state != WT_JITEM_DEAD)) return WT_ESEQ;
    if (rc) return wt_jfail(self, rc);
    uint8_t kb[8];
    wt_jbe64(seq, kb);
    MDB_val k = {8, kb}, pv, empty = {0, ""};
    if ((rc = mdb_get(txn, self->dbi[DB_PAYLOADS], &k, &pv))) /* retention took it */
        return rc == MDB_NOTFOUND ? WT_ESEQ : wt_jfail(self, rc);
    char id[4097]; /* ids are at most 4 KiB; the record is rewritten below */
    snprintf(id, sizeof id, "%s", it.id);
    it.id = id;
    it.state = WT_JITEM_QUEUED;
    it.attempts = 0;
    it.finished_ms = 0;
    it.code = "";
    it.reason = "";
    if ((rc = s_put_rec(self, txn, &it))) return wt_jfail(self, rc);
    rc = mdb_del(txn, self->dbi[DB_DEAD], &k, NULL);
    if (rc && rc != MDB_NOTFOUND) return wt_jfail(self, rc);
    if ((rc = mdb_put(txn, self->dbi[DB_QUEUE], &k, &empty, 0))) return wt_jfail(self, rc);
    return 0;
}

int wt_journal_find(wt_journal_t *self, const char *id, uint64_t *seq)
{
    MDB_txn *txn = NULL;
    int rc = wt_jtxn_read(self, &txn);
    if (rc) return rc;
    uint8_t hb[8];
    uint64_t s = 0;
    rc = s_dedup_seq(self, txn, id, hb, &s) == S_SAME_ID ? 0 : WT_ESEQ;
    if (rc == 0) *seq = s;
    wt_jtxn_read_end(self, txn);
    return rc;
}

int wt_journal_epoch(wt_journal_t *self, uint64_t *epoch)
{
    MDB_txn *txn = NULL;
    int rc = wt_jtxn_read(self, &txn);
    if (rc) return rc;
    uint64_t e = 0;
    rc = wt_jmeta_get(txn, self->dbi[DB_META], "epoch", &e);
    wt_jtxn_read_end(self, txn);
    if (rc) return wt_jerr(rc);
    if (e == 0) {
        /* a new identity: random where the kernel gives it, never 0 */
        FILE *f = fopen("/dev/urandom", "rb");
        if (!f || fread(&e, sizeof e, 1, f) != 1)
            e = (uint64_t)wt_time_ms() * 6364136223846793005ULL ^ (uint64_t)getpid();
        if (f) fclose(f);
        e &= 0x1fffffffffffffULL; /* exact in a double: JSON clients keep it whole */
        if (e == 0) e = 1;
        if ((rc = wt_jtxn_write(self, &txn))) return rc;
        if ((rc = wt_jmeta_put(txn, self->dbi[DB_META], "epoch", e))) return wt_jfail(self, rc);
        if ((rc = wt_journal_commit(self, true))) return rc;
    }
    *epoch = e;
    return 0;
}
