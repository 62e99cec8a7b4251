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
      meta      "next_seq", "next_rseq" -> u64
    Why LMDB: one file, B+tree ordered by key (cursors give the queue and
    replay ranges for free), crash-safe copy-on-write commits, readers never
    block the writer, and the page cache does the caching. We run it with
    MDB_NOSYNC and call mdb_env_sync() per the fsync policy.
*/
#include "wiretag/journal.h"

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { DB_ITEMS, DB_PAYLOADS, DB_QUEUE, DB_RESULTS, DB_DEDUP, DB_DEDUPSEQ, DB_DEAD, DB_META, DB_N };
static const char *const s_db_names[DB_N] = {"items", "payloads", "queue", "results",
                                             "dedup", "dedupseq", "dead",  "meta"};

#define S_REC_FIXED 37 /* state 1, attempts 4, accepted 8, finished 8, rseq 8, producer 8 */

struct wt_journal_t {
    MDB_env *env;
    MDB_dbi dbi[DB_N];
    MDB_txn *wtxn; /* open write transaction or NULL */
    MDB_txn *rtxn; /* reset read transaction, renewed for reads */
    wt_journal_opts_t opts;
    char *dir;
    uint64_t next_seq, next_rseq;
    bool dirty;     /* committed but not yet fsynced */
    bool want_sync; /* a durable commit is waiting for fsync (interval policy) */
    int64_t last_sync_ms;
    uint64_t syncs, retained, recovered;
    uint8_t *rec; /* scratch for item records */
    size_t rec_cap;
    /* the last record decoded by wt_journal_item (its strings point here) */
    char *item_copy;
    size_t item_copy_cap;
};

static void s_be64(uint64_t v, uint8_t out[8])
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t s_get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static int s_err(int mdb_rc)
{
    if (mdb_rc == 0) return 0;
    if (mdb_rc == MDB_MAP_FULL) return -ENOSPC;
    if (mdb_rc == MDB_NOTFOUND) return WT_ESEQ;
    if (mdb_rc > 0) /* an errno */
        return -mdb_rc;
    return WT_EJOURNAL;
}

const char *wt_jitem_state_name(wt_jitem_state_t s)
{
    switch (s) {
    case WT_JITEM_QUEUED:
        return "queued";
    case WT_JITEM_INFLIGHT:
        return "inflight";
    case WT_JITEM_DONE:
        return "done";
    case WT_JITEM_DEAD:
        return "dead";
    }
    return "?";
}

/* ------------------------------------------------------------ records */

/* Decode an item record (borrowed strings point into val). */
static int s_rec_decode(const MDB_val *val, uint64_t seq, wt_jitem_t *it)
{
    const uint8_t *p = val->mv_data;
    size_t n = val->mv_size;
    if (n < S_REC_FIXED) return WT_EJOURNAL;
    memset(it, 0, sizeof *it);
    it->seq = seq;
    it->state = (wt_jitem_state_t)p[0];
    it->attempts = (uint32_t)(s_get64(p + 1) >> 32);
    it->accepted_ms = (int64_t)s_get64(p + 5);
    it->finished_ms = (int64_t)s_get64(p + 13);
    it->rseq = s_get64(p + 21);
    it->producer = s_get64(p + 29);
    const char **strs[3] = {&it->id, &it->code, &it->reason};
    size_t off = S_REC_FIXED;
    for (int i = 0; i < 3; i++) {
        if (off + 2 > n) return WT_EJOURNAL;
        size_t len = (size_t)p[off] << 8 | p[off + 1];
        off += 2;
        if (len == 0 || off + len > n || p[off + len - 1] != 0) return WT_EJOURNAL;
        *strs[i] = (const char *)p + off;
        off += len;
    }
    return 0;
}

/* Encode it into the scratch buffer; returns the size. */
static size_t s_rec_encode(wt_journal_t *self, const wt_jitem_t *it)
{
    const char *strs[3] = {it->id ? it->id : "", it->code ? it->code : "",
                           it->reason ? it->reason : ""};
    size_t lens[3], need = S_REC_FIXED;
    for (int i = 0; i < 3; i++) {
        lens[i] = strlen(strs[i]) + 1;
        if (lens[i] > 0xffff) /* reasons are bounded by the caller; be safe */
            lens[i] = 0xffff;
        need += 2 + lens[i];
    }
    wt_grow(&self->rec, &self->rec_cap, need, 1);
    uint8_t *p = self->rec;
    p[0] = (uint8_t)it->state;
    p[1] = (uint8_t)(it->attempts >> 24);
    p[2] = (uint8_t)(it->attempts >> 16);
    p[3] = (uint8_t)(it->attempts >> 8);
    p[4] = (uint8_t)it->attempts;
    s_be64((uint64_t)it->accepted_ms, p + 5);
    s_be64((uint64_t)it->finished_ms, p + 13);
    s_be64(it->rseq, p + 21);
    s_be64(it->producer, p + 29);
    size_t off = S_REC_FIXED;
    for (int i = 0; i < 3; i++) {
        p[off] = (uint8_t)(lens[i] >> 8);
        p[off + 1] = (uint8_t)lens[i];
        off += 2;
        memcpy(p + off, strs[i], lens[i] - 1);
        p[off + lens[i] - 1] = 0;
        off += lens[i];
    }
    return off;
}

/* ------------------------------------------------------------ transactions */

static int s_wtxn(wt_journal_t *self, MDB_txn **txn)
{
    if (!self->wtxn) {
        int rc = mdb_txn_begin(self->env, NULL, 0, &self->wtxn);
        if (rc) {
            self->wtxn = NULL;
            return s_err(rc);
        }
    }
    *txn = self->wtxn;
    return 0;
}

/* A transaction to read from: the open write txn, else the read txn. */
static int s_rtxn(wt_journal_t *self, MDB_txn **txn)
{
    if (self->wtxn) {
        *txn = self->wtxn;
        return 0;
    }
    int rc = self->rtxn ? mdb_txn_renew(self->rtxn)
                        : mdb_txn_begin(self->env, NULL, MDB_RDONLY, &self->rtxn);
    if (rc) return s_err(rc);
    *txn = self->rtxn;
    return 0;
}

static void s_rtxn_end(wt_journal_t *self, MDB_txn *txn)
{
    if (txn == self->rtxn) mdb_txn_reset(self->rtxn);
}

void wt_journal_abort(wt_journal_t *self)
{
    if (self->wtxn) {
        mdb_txn_abort(self->wtxn);
        self->wtxn = NULL;
        /* sequence counters may have advanced inside the aborted txn */
        MDB_txn *txn;
        if (s_rtxn(self, &txn) == 0) {
            MDB_val k = {8, "next_seq"}, v;
            if (mdb_get(txn, self->dbi[DB_META], &k, &v) == 0 && v.mv_size == 8)
                self->next_seq = s_get64(v.mv_data);
            k = (MDB_val){9, "next_rseq"};
            if (mdb_get(txn, self->dbi[DB_META], &k, &v) == 0 && v.mv_size == 8)
                self->next_rseq = s_get64(v.mv_data);
            s_rtxn_end(self, txn);
        }
    }
}

/* A failed write: drop the transaction and return the error. */
static int s_fail(wt_journal_t *self, int mdb_rc)
{
    wt_journal_abort(self);
    return s_err(mdb_rc);
}

int wt_journal_sync(wt_journal_t *self)
{
    int rc = mdb_env_sync(self->env, 1);
    if (rc) return s_err(rc);
    self->syncs++;
    self->dirty = false;
    self->want_sync = false;
    self->last_sync_ms = wt_clock_ms();
    return 0;
}

int wt_journal_commit(wt_journal_t *self, bool durable)
{
    if (self->wtxn) {
        int rc = mdb_txn_commit(self->wtxn);
        self->wtxn = NULL;
        if (rc) {
            wt_journal_abort(self); /* reload counters */
            return s_err(rc);
        }
        self->dirty = true;
    }
    if (durable && self->dirty) {
        if (self->opts.fsync == WT_FSYNC_ALWAYS) return wt_journal_sync(self);
        if (self->opts.fsync == WT_FSYNC_INTERVAL) self->want_sync = true;
    }
    return 0;
}

int wt_journal_tick(wt_journal_t *self, int64_t now_ms)
{
    if (!self->dirty || self->opts.fsync == WT_FSYNC_NEVER) return 0;
    int64_t every = self->opts.fsync == WT_FSYNC_INTERVAL ? self->opts.fsync_interval_ms : 1000;
    if (now_ms - self->last_sync_ms < every) return 0;
    return wt_journal_sync(self);
}

/* ------------------------------------------------------------ open/close */

static int s_meta_get(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t *v)
{
    MDB_val k = {strlen(key), (void *)key}, val;
    int rc = mdb_get(txn, dbi, &k, &val);
    if (rc == MDB_NOTFOUND) return 0;
    if (rc) return rc;
    if (val.mv_size == 8) *v = s_get64(val.mv_data);
    return 0;
}

static int s_meta_put(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t v)
{
    uint8_t b[8];
    s_be64(v, b);
    MDB_val k = {strlen(key), (void *)key}, val = {8, b};
    return mdb_put(txn, dbi, &k, &val, 0);
}

/* Highest key + 1 of a seq-keyed database (or 1 when empty). */
static int s_last_plus_one(MDB_txn *txn, MDB_dbi dbi, uint64_t *out)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, dbi, &cur);
    if (rc) return rc;
    MDB_val k, v;
    rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
    *out = 1;
    if (rc == 0 && k.mv_size == 8) *out = s_get64(k.mv_data) + 1;
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Open: recover counters, turn in-flight items back into queued ones. */
static int s_recover(wt_journal_t *self)
{
    MDB_txn *txn;
    int rc = s_wtxn(self, &txn);
    if (rc) return rc;
    for (int i = 0; i < DB_N; i++)
        if ((rc = mdb_dbi_open(txn, s_db_names[i], MDB_CREATE, &self->dbi[i])))
            return s_fail(self, rc);
    uint64_t ns = 1, nr = 1, a = 1, b = 1;
    if ((rc = s_meta_get(txn, self->dbi[DB_META], "next_seq", &ns)) ||
        (rc = s_meta_get(txn, self->dbi[DB_META], "next_rseq", &nr)) ||
        (rc = s_last_plus_one(txn, self->dbi[DB_ITEMS], &a)) ||
        (rc = s_last_plus_one(txn, self->dbi[DB_RESULTS], &b)))
        return s_fail(self, rc);
    self->next_seq = ns > a ? ns : a;
    self->next_rseq = nr > b ? nr : b;
    if (self->next_seq < 1) self->next_seq = 1;
    if (self->next_rseq < 1) self->next_rseq = 1;

    MDB_cursor *cur;
    if ((rc = mdb_cursor_open(txn, self->dbi[DB_QUEUE], &cur))) return s_fail(self, rc);
    MDB_val k, v;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        MDB_val rv;
        if (mdb_get(txn, self->dbi[DB_ITEMS], &k, &rv) != 0) continue;
        wt_jitem_t it;
        if (s_rec_decode(&rv, s_get64(k.mv_data), &it) || it.state != WT_JITEM_INFLIGHT) continue;
        it.state = WT_JITEM_QUEUED;
        size_t n = s_rec_encode(self, &it); /* it's strings point into rv: encode copies */
        MDB_val nv = {n, self->rec};
        int prc = mdb_put(txn, self->dbi[DB_ITEMS], &k, &nv, 0);
        if (prc) {
            mdb_cursor_close(cur);
            return s_fail(self, prc);
        }
        self->recovered++;
    }
    mdb_cursor_close(cur);
    if (rc != MDB_NOTFOUND) return s_fail(self, rc);
    if ((rc = s_meta_put(txn, self->dbi[DB_META], "next_seq", self->next_seq)) ||
        (rc = s_meta_put(txn, self->dbi[DB_META], "next_rseq", self->next_rseq)))
        return s_fail(self, rc);
    if ((rc = wt_journal_commit(self, false))) return rc;
    return wt_journal_sync(self);
}

/* mkdir -p */
static int s_mkdirs(const char *dir)
{
    char *p = wt_strdup(dir);
    int rc = 0;
    for (char *q = p + 1; *q && !rc; q++)
        if (*q == '/') {
            *q = 0;
            if (mkdir(p, 0750) != 0 && errno != EEXIST) rc = -1;
            *q = '/';
        }
    if (!rc && mkdir(p, 0750) != 0 && errno != EEXIST) rc = -1;
    free(p);
    return rc;
}

wt_journal_t *wt_journal_new(const wt_journal_opts_t *opts, int *err, char *errmsg, size_t errlen)
{
    int rc;
    if (errmsg && errlen) errmsg[0] = 0;
    if (!opts || !opts->dir || !*opts->dir) {
        *err = -EINVAL;
        return NULL;
    }
    if (s_mkdirs(opts->dir) != 0) {
        *err = -errno;
        if (errmsg)
            snprintf(errmsg, errlen, "cannot create journal directory %s: %s", opts->dir,
                     wt_strerror(*err));
        return NULL;
    }
    wt_journal_t *self = wt_calloc(1, sizeof *self);
    self->opts = *opts;
    self->dir = wt_strdup(opts->dir);
    self->opts.dir = self->dir;
    if (self->opts.fsync_interval_ms <= 0) self->opts.fsync_interval_ms = 100;
    int64_t map = opts->map_bytes > 0 ? opts->map_bytes : (int64_t)1 << 30;
    if ((rc = mdb_env_create(&self->env)) || (rc = mdb_env_set_maxdbs(self->env, DB_N)) ||
        (rc = mdb_env_set_mapsize(self->env, (size_t)map)) ||
        (rc = mdb_env_open(self->env, self->dir, MDB_NOSYNC | MDB_NOTLS, 0640))) {
        *err = s_err(rc);
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
    *err = 0;
    return self;
}

void wt_journal_destroy(wt_journal_t **self_p)
{
    wt_journal_t *self = *self_p;
    if (!self) return;
    if (self->env) {
        if (self->wtxn) wt_journal_commit(self, true);
        if (self->rtxn) mdb_txn_abort(self->rtxn);
        mdb_env_sync(self->env, 1);
        mdb_env_close(self->env);
    }
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
    s_be64(seq, kb);
    MDB_val k = {8, kb}, v;
    int rc = mdb_get(txn, self->dbi[DB_ITEMS], &k, &v);
    if (rc) return s_err(rc);
    return s_rec_decode(&v, seq, it);
}

static int s_put_rec(wt_journal_t *self, MDB_txn *txn, const wt_jitem_t *it)
{
    uint8_t kb[8];
    s_be64(it->seq, kb);
    size_t n = s_rec_encode(self, it);
    MDB_val k = {8, kb}, v = {n, self->rec};
    return mdb_put(txn, self->dbi[DB_ITEMS], &k, &v, 0);
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
    MDB_txn *txn;
    int rc = s_wtxn(self, &txn);
    if (rc) return rc;
    *dup = false;
    uint8_t hb[8];
    s_be64(s_id_hash(id), hb);
    MDB_val hk = {8, hb}, hv;
    if (self->opts.dedup_window > 0 && mdb_get(txn, self->dbi[DB_DEDUP], &hk, &hv) == 0 &&
        hv.mv_size == 8) {
        uint64_t old = s_get64(hv.mv_data);
        wt_jitem_t it;
        int grc = s_get_rec(self, txn, old, &it);
        /* a hash collision with another id is not a duplicate; a record gone
           to retention cannot be checked and counts as one */
        if (grc != 0 || strcmp(it.id, id) == 0) {
            *dup = true;
            *seq = old;
            return 0;
        }
    }
    uint64_t s = self->next_seq;
    uint8_t kb[8];
    s_be64(s, kb);
    MDB_val k = {8, kb}, empty = {0, ""};
    wt_jitem_t it = {
        .seq = s, .state = WT_JITEM_QUEUED, .accepted_ms = now_ms, .producer = producer, .id = id};
    MDB_val pv = {n, (void *)payload};
    if ((rc = s_put_rec(self, txn, &it)) ||
        (rc = mdb_put(txn, self->dbi[DB_PAYLOADS], &k, &pv, 0)) ||
        (rc = mdb_put(txn, self->dbi[DB_QUEUE], &k, &empty, 0)) ||
        (rc = s_meta_put(txn, self->dbi[DB_META], "next_seq", s + 1)))
        return s_fail(self, rc);
    if (self->opts.dedup_window > 0) {
        MDB_val sv = {8, kb}, hv2 = {8, hb};
        if ((rc = mdb_put(txn, self->dbi[DB_DEDUP], &hk, &sv, 0)) ||
            (rc = mdb_put(txn, self->dbi[DB_DEDUPSEQ], &k, &hv2, 0)) ||
            (rc = s_dedup_evict(self, txn)))
            return s_fail(self, rc);
    }
    self->next_seq = s + 1;
    *seq = s;
    return 0;
}

/* The record of an unfinished seq, for an update. */
static int s_unfinished(wt_journal_t *self, MDB_txn *txn, uint64_t seq, wt_jitem_t *it)
{
    int rc = s_get_rec(self, txn, seq, it);
    if (rc) return rc == WT_EJOURNAL ? rc : WT_ESEQ;
    if (it->state != WT_JITEM_QUEUED && it->state != WT_JITEM_INFLIGHT) return WT_ESEQ;
    /* it's strings point into LMDB's page: copy before writing */
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
    return 0;
}

int wt_journal_dispatch(wt_journal_t *self, uint64_t seq, uint32_t *attempt)
{
    MDB_txn *txn;
    int rc = s_wtxn(self, &txn);
    if (rc) return rc;
    wt_jitem_t it;
    if ((rc = s_unfinished(self, txn, seq, &it))) return rc;
    it.state = WT_JITEM_INFLIGHT;
    it.attempts++;
    if ((rc = s_put_rec(self, txn, &it))) return s_fail(self, rc);
    *attempt = it.attempts;
    return 0;
}

int wt_journal_requeue(wt_journal_t *self, uint64_t seq, bool refund)
{
    MDB_txn *txn;
    int rc = s_wtxn(self, &txn);
    if (rc) return rc;
    wt_jitem_t it;
    if ((rc = s_unfinished(self, txn, seq, &it))) return rc;
    it.state = WT_JITEM_QUEUED;
    if (refund && it.attempts > 0) it.attempts--;
    if ((rc = s_put_rec(self, txn, &it))) return s_fail(self, rc);
    return 0;
}

int wt_journal_done(wt_journal_t *self, uint64_t seq, const uint8_t *result, size_t n,
                    int64_t now_ms, uint64_t *rseq)
{
    MDB_txn *txn;
    int rc = s_wtxn(self, &txn);
    if (rc) return rc;
    wt_jitem_t it;
    if ((rc = s_unfinished(self, txn, seq, &it))) return rc;
    uint64_t r = self->next_rseq;
    it.state = WT_JITEM_DONE;
    it.finished_ms = now_ms;
    it.rseq = r;
    uint8_t kb[8], rb[8];
    s_be64(seq, kb);
    s_be64(r, rb);
    MDB_val k = {8, kb}, rk = {8, rb}, rv = {16 + n, NULL};
    if ((rc = s_put_rec(self, txn, &it))) return s_fail(self, rc);
    rc = mdb_del(txn, self->dbi[DB_PAYLOADS], &k, NULL);
    if (rc && rc != MDB_NOTFOUND) return s_fail(self, rc);
    rc = mdb_del(txn, self->dbi[DB_QUEUE], &k, NULL);
    if (rc && rc != MDB_NOTFOUND) return s_fail(self, rc);
    if ((rc = mdb_put(txn, self->dbi[DB_RESULTS], &rk, &rv, MDB_RESERVE))) return s_fail(self, rc);
    s_be64(seq, rv.mv_data);
    s_be64((uint64_t)now_ms, (uint8_t *)rv.mv_data + 8);
    if (n) memcpy((uint8_t *)rv.mv_data + 16, result, n);
    if ((rc = s_meta_put(txn, self->dbi[DB_META], "next_rseq", r + 1))) return s_fail(self, rc);
    self->next_rseq = r + 1;
    *rseq = r;
    return 0;
}

int wt_journal_dead(wt_journal_t *self, uint64_t seq, const char *code, const char *reason,
                    int64_t now_ms)
{
    MDB_txn *txn;
    int rc = s_wtxn(self, &txn);
    if (rc) return rc;
    wt_jitem_t it;
    if ((rc = s_unfinished(self, txn, seq, &it))) return rc;
    it.state = WT_JITEM_DEAD;
    it.finished_ms = now_ms;
    it.code = code ? code : "";
    char shortr[1024];
    snprintf(shortr, sizeof shortr, "%s", reason ? reason : "");
    it.reason = shortr;
    uint8_t kb[8];
    s_be64(seq, kb);
    MDB_val k = {8, kb}, empty = {0, ""};
    if ((rc = s_put_rec(self, txn, &it))) return s_fail(self, rc);
    rc = mdb_del(txn, self->dbi[DB_QUEUE], &k, NULL);
    if (rc && rc != MDB_NOTFOUND) return s_fail(self, rc);
    if ((rc = mdb_put(txn, self->dbi[DB_DEAD], &k, &empty, 0))) return s_fail(self, rc);
    return 0;
}

/* ------------------------------------------------------------ reads */

int wt_journal_payload(wt_journal_t *self, uint64_t seq, wt_buf_t *out)
{
    MDB_txn *txn;
    int rc = s_rtxn(self, &txn);
    if (rc) return rc;
    uint8_t kb[8];
    s_be64(seq, kb);
    MDB_val k = {8, kb}, v;
    rc = mdb_get(txn, self->dbi[DB_PAYLOADS], &k, &v);
    if (rc == 0) wt_buf_append(out, v.mv_data, v.mv_size);
    s_rtxn_end(self, txn);
    return s_err(rc);
}

int wt_journal_item(wt_journal_t *self, uint64_t seq, wt_jitem_t *it)
{
    MDB_txn *txn;
    int rc = s_rtxn(self, &txn);
    if (rc) return rc;
    rc = s_get_rec(self, txn, seq, it);
    if (rc == 0) { /* copy the strings out of the (soon reset) transaction */
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
    s_rtxn_end(self, txn);
    return rc;
}

/* Read scans: a read transaction and a cursor at the first key >= seq in
   table db (keys are big-endian sequence numbers; kb holds the key bytes).
   s_scan_close() ends both and maps the loop's last LMDB code. */
static int s_scan_open(wt_journal_t *self, int db, uint64_t seq, MDB_txn **txn, MDB_cursor **cur,
                       uint8_t kb[8], MDB_val *k)
{
    int rc = s_rtxn(self, txn);
    if (rc) return rc;
    if ((rc = mdb_cursor_open(*txn, self->dbi[db], cur))) {
        s_rtxn_end(self, *txn);
        return s_err(rc);
    }
    s_be64(seq, kb);
    *k = (MDB_val){8, kb};
    return 0;
}

static int s_scan_close(wt_journal_t *self, MDB_txn *txn, MDB_cursor *cur, int rc)
{
    mdb_cursor_close(cur);
    s_rtxn_end(self, txn);
    return rc == 0 || rc == MDB_NOTFOUND ? 0 : s_err(rc);
}

int wt_journal_queue_scan(wt_journal_t *self, uint64_t after, uint64_t *seqs, size_t max, size_t *n)
{
    *n = 0;
    MDB_txn *txn;
    MDB_cursor *cur;
    uint8_t kb[8];
    MDB_val k, v;
    int rc = s_scan_open(self, DB_QUEUE, after + 1, &txn, &cur, kb, &k);
    if (rc) return rc;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && *n < max;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
        seqs[(*n)++] = s_get64(k.mv_data);
    return s_scan_close(self, txn, cur, rc);
}

int wt_journal_results(wt_journal_t *self, uint64_t from, size_t max, wt_journal_result_fn fn,
                       void *arg, uint64_t *next)
{
    *next = from;
    MDB_txn *txn;
    MDB_cursor *cur;
    uint8_t kb[8];
    MDB_val k, v;
    int rc = s_scan_open(self, DB_RESULTS, from, &txn, &cur, kb, &k);
    if (rc) return rc;
    size_t seen = 0;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && seen < max;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (v.mv_size < 16) continue;
        uint64_t r = s_get64(k.mv_data);
        seen++;
        *next = r + 1;
        if (fn(r, s_get64(v.mv_data), (const uint8_t *)v.mv_data + 16, v.mv_size - 16, arg)) break;
    }
    return s_scan_close(self, txn, cur, rc);
}

int wt_journal_dead_list(wt_journal_t *self, uint64_t from, size_t max, wt_journal_dead_fn fn,
                         void *arg, uint64_t *next)
{
    *next = from;
    MDB_txn *txn;
    MDB_cursor *cur;
    uint8_t kb[8];
    MDB_val k, v;
    int rc = s_scan_open(self, DB_DEAD, from, &txn, &cur, kb, &k);
    if (rc) return rc;
    size_t seen = 0;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && seen < max;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        uint64_t s = s_get64(k.mv_data);
        MDB_val rv, pv = {0, NULL};
        wt_jitem_t it;
        if (mdb_get(txn, self->dbi[DB_ITEMS], &k, &rv) != 0 || s_rec_decode(&rv, s, &it) != 0)
            continue;
        mdb_get(txn, self->dbi[DB_PAYLOADS], &k, &pv);
        seen++;
        *next = s + 1;
        if (fn(&it, pv.mv_data, pv.mv_size, arg)) break;
    }
    return s_scan_close(self, txn, cur, rc);
}

/* ------------------------------------------------------------ retention */

static int64_t s_live_bytes(wt_journal_t *self, MDB_txn *txn)
{
    int64_t total = 0;
    for (int i = 0; i < DB_N; i++) {
        MDB_stat st;
        if (mdb_stat(txn, self->dbi[i], &st) == 0)
            total += (int64_t)(st.ms_branch_pages + st.ms_leaf_pages + st.ms_overflow_pages) *
                     st.ms_psize;
    }
    return total;
}

int wt_journal_retain(wt_journal_t *self, int64_t now_ms, size_t max_delete, size_t *deleted)
{
    *deleted = 0;
    int64_t limit = self->opts.retention_bytes;
    int64_t cutoff =
        self->opts.retention_age_s > 0 ? now_ms - self->opts.retention_age_s * 1000 : INT64_MIN;
    if (limit <= 0 && cutoff == INT64_MIN) return 0;
    int rc = wt_journal_commit(self, false);
    if (rc) return rc;
    MDB_txn *txn;
    if ((rc = s_wtxn(self, &txn))) return rc;
    MDB_cursor *cur;
    if ((rc = mdb_cursor_open(txn, self->dbi[DB_RESULTS], &cur))) return s_fail(self, rc);
    int64_t live = s_live_bytes(self, txn);
    MDB_val k, v;
    while (*deleted < max_delete && (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST)) == 0) {
        int64_t ts = v.mv_size >= 16 ? (int64_t)s_get64((uint8_t *)v.mv_data + 8) : INT64_MIN;
        bool too_big = limit > 0 && live > limit;
        if (!too_big && ts >= cutoff) break;
        uint8_t sb[8];
        if (v.mv_size >= 16) { /* its item record goes with it */
            memcpy(sb, v.mv_data, 8);
            MDB_val ik = {8, sb};
            mdb_del(txn, self->dbi[DB_ITEMS], &ik, NULL);
        }
        if ((rc = mdb_cursor_del(cur, 0))) break;
        ++*deleted;
        if (*deleted % 32 == 0) live = s_live_bytes(self, txn);
    }
    mdb_cursor_close(cur);
    if (rc && rc != MDB_NOTFOUND) return s_fail(self, rc);
    /* dead letters by age */
    if (cutoff != INT64_MIN) {
        if ((rc = mdb_cursor_open(txn, self->dbi[DB_DEAD], &cur))) return s_fail(self, rc);
        while (*deleted < max_delete && (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST)) == 0) {
            MDB_val rv;
            wt_jitem_t it;
            if (mdb_get(txn, self->dbi[DB_ITEMS], &k, &rv) == 0 &&
                s_rec_decode(&rv, s_get64(k.mv_data), &it) == 0 && it.finished_ms >= cutoff)
                break;
            uint8_t sb[8];
            memcpy(sb, k.mv_data, 8);
            MDB_val ik = {8, sb};
            mdb_del(txn, self->dbi[DB_ITEMS], &ik, NULL);
            mdb_del(txn, self->dbi[DB_PAYLOADS], &ik, NULL);
            if ((rc = mdb_cursor_del(cur, 0))) break;
            ++*deleted;
        }
        mdb_cursor_close(cur);
        if (rc && rc != MDB_NOTFOUND) return s_fail(self, rc);
    }
    if (*deleted == 0) { /* nothing to drop: no empty commit (and no fsync for it) */
        wt_journal_abort(self);
        return 0;
    }
    self->retained += *deleted;
    return wt_journal_commit(self, false);
}

/* ------------------------------------------------------------ stats */

void wt_journal_stats(wt_journal_t *self, wt_journal_stats_t *st)
{
    memset(st, 0, sizeof *st);
    st->next_seq = self->next_seq;
    st->next_rseq = self->next_rseq;
    st->syncs = self->syncs;
    st->retained = self->retained;
    st->recovered = self->recovered;
    st->map_bytes = self->opts.map_bytes;
    MDB_txn *txn;
    if (s_rtxn(self, &txn) == 0) {
        MDB_stat ms;
        if (mdb_stat(txn, self->dbi[DB_QUEUE], &ms) == 0) st->unfinished = ms.ms_entries;
        if (mdb_stat(txn, self->dbi[DB_DEAD], &ms) == 0) st->dead = ms.ms_entries;
        if (mdb_stat(txn, self->dbi[DB_RESULTS], &ms) == 0) st->results = ms.ms_entries;
        if (mdb_stat(txn, self->dbi[DB_ITEMS], &ms) == 0) st->items = ms.ms_entries;
        if (mdb_stat(txn, self->dbi[DB_DEDUP], &ms) == 0) st->dedup_ids = ms.ms_entries;
        st->live_bytes = s_live_bytes(self, txn);
        MDB_cursor *cur;
        if (mdb_cursor_open(txn, self->dbi[DB_RESULTS], &cur) == 0) {
            MDB_val k, v;
            if (mdb_cursor_get(cur, &k, &v, MDB_FIRST) == 0) st->first_rseq = s_get64(k.mv_data);
            if (mdb_cursor_get(cur, &k, &v, MDB_LAST) == 0) st->last_rseq = s_get64(k.mv_data);
            mdb_cursor_close(cur);
        }
        s_rtxn_end(self, txn);
    }
    MDB_envinfo info;
    if (mdb_env_info(self->env, &info) == 0) st->map_bytes = (int64_t)info.me_mapsize;
    char path[4096];
    snprintf(path, sizeof path, "%s/data.mdb", self->dir);
    struct stat sb;
    if (stat(path, &sb) == 0) st->file_bytes = (int64_t)sb.st_blocks * 512;
}

/* ------------------------------------------------------------ dead letters, identity */

int wt_journal_revive(wt_journal_t *self, uint64_t seq)
{
    MDB_txn *txn;
    int rc = s_wtxn(self, &txn);
    if (rc) return rc;
    wt_jitem_t it;
    rc = s_get_rec(self, txn, seq, &it);
    if (rc == MDB_NOTFOUND || (rc == 0 && it.state != WT_JITEM_DEAD)) return WT_ESEQ;
    if (rc) return s_fail(self, rc);
    uint8_t kb[8];
    s_be64(seq, kb);
    MDB_val k = {8, kb}, pv, empty = {0, ""};
    if ((rc = mdb_get(txn, self->dbi[DB_PAYLOADS], &k, &pv))) /* retention took it */
        return rc == MDB_NOTFOUND ? WT_ESEQ : s_fail(self, rc);
    char id[4097]; /* ids are at most 4 KiB; the record is rewritten below */
    snprintf(id, sizeof id, "%s", it.id);
    it.id = id;
    it.state = WT_JITEM_QUEUED;
    it.attempts = 0;
    it.finished_ms = 0;
    it.code = "";
    it.reason = "";
    if ((rc = s_put_rec(self, txn, &it))) return s_fail(self, rc);
    rc = mdb_del(txn, self->dbi[DB_DEAD], &k, NULL);
    if (rc && rc != MDB_NOTFOUND) return s_fail(self, rc);
    if ((rc = mdb_put(txn, self->dbi[DB_QUEUE], &k, &empty, 0))) return s_fail(self, rc);
    return 0;
}

int wt_journal_find(wt_journal_t *self, const char *id, uint64_t *seq)
{
    MDB_txn *txn;
    int rc = s_rtxn(self, &txn);
    if (rc) return rc;
    uint8_t hb[8];
    s_be64(s_id_hash(id), hb);
    MDB_val hk = {8, hb}, hv;
    rc = WT_ESEQ;
    if (mdb_get(txn, self->dbi[DB_DEDUP], &hk, &hv) == 0 && hv.mv_size == 8) {
        uint64_t s = s_get64(hv.mv_data);
        wt_jitem_t it;
        if (s_get_rec(self, txn, s, &it) == 0 && strcmp(it.id, id) == 0) {
            *seq = s;
            rc = 0;
        }
    }
    s_rtxn_end(self, txn);
    return rc;
}

int wt_journal_epoch(wt_journal_t *self, uint64_t *epoch)
{
    MDB_txn *txn;
    int rc = s_rtxn(self, &txn);
    if (rc) return rc;
    uint64_t e = 0;
    rc = s_meta_get(txn, self->dbi[DB_META], "epoch", &e);
    s_rtxn_end(self, txn);
    if (rc) return s_err(rc);
    if (e == 0) {
        /* a new identity: random where the kernel gives it, never 0 */
        FILE *f = fopen("/dev/urandom", "rb");
        if (!f || fread(&e, sizeof e, 1, f) != 1)
            e = (uint64_t)wt_time_ms() * 6364136223846793005ULL ^ (uint64_t)getpid();
        if (f) fclose(f);
        e &= 0x1fffffffffffffULL; /* exact in a double: JSON clients keep it whole */
        if (e == 0) e = 1;
        if ((rc = s_wtxn(self, &txn))) return rc;
        if ((rc = s_meta_put(txn, self->dbi[DB_META], "epoch", e))) return s_fail(self, rc);
        if ((rc = wt_journal_commit(self, true))) return rc;
    }
    *epoch = e;
    return 0;
}
