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
#include "journal.h"

#include <fcntl.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

enum { DB_ITEMS, DB_PAYLOADS, DB_QUEUE, DB_RESULTS, DB_DEDUP, DB_DEDUPSEQ, DB_DEAD, DB_META, DB_N };
static const char *const s_db_names[DB_N] = {"items", "payloads", "queue", "results",
                                             "dedup", "dedupseq", "dead",  "meta"};

#define S_REC_FIXED 37 /* state 1, attempts 4, accepted 8, finished 8, rseq 8, producer 8 */

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

/* ------------------------------------------------------------ checksums

   Format 2: every item record, payload and result starts with a tag byte
   (S_SEALED) and a big-endian CRC-32 (zlib) of the key and the rest of the
   value. Format 1 values (no tag) are still read, unchecked: an item
   record starts with its state (0-3), a payload with a MessagePack map,
   a result with a seq's high byte (0); none of them is S_SEALED. */
#define S_SEALED 0xC5
#define S_SEAL   5

static uint32_t s_crc(const uint8_t key[8], const uint8_t *p, size_t n)
{
    uLong c = crc32(0L, Z_NULL, 0);
    c = crc32(c, key, 8);
    while (n) { /* crc32() takes a uInt length */
        uInt chunk = n > 0x40000000u ? 0x40000000u : (uInt)n;
        c = crc32(c, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return (uint32_t)c;
}

/* Fill the S_SEAL header of buf (n bytes in all, body after the header). */
static void s_seal(const uint8_t key[8], uint8_t *buf, size_t n)
{
    uint32_t c = s_crc(key, buf + S_SEAL, n - S_SEAL);
    buf[0] = S_SEALED;
    buf[1] = (uint8_t)(c >> 24);
    buf[2] = (uint8_t)(c >> 16);
    buf[3] = (uint8_t)(c >> 8);
    buf[4] = (uint8_t)c;
}

/* The body of a stored value: checked when sealed, as is when format 1.
   -EBADMSG when the checksum does not match. */
static int s_unseal(const void *key, const MDB_val *v, const uint8_t **body, size_t *n)
{
    const uint8_t *p = v->mv_data;
    if (v->mv_size >= S_SEAL && p[0] == S_SEALED) {
        uint32_t want = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
        if (s_crc(key, p + S_SEAL, v->mv_size - S_SEAL) != want) return -EBADMSG;
        *body = p + S_SEAL;
        *n = v->mv_size - S_SEAL;
        return 0;
    }
    *body = p;
    *n = v->mv_size;
    return 0;
}

/* ------------------------------------------------------------ records */

/* Decode an item record (borrowed strings point into val). */
static int s_rec_decode(const MDB_val *val, uint64_t seq, wt_jitem_t *it)
{
    const uint8_t *p;
    size_t n;
    uint8_t kb[8];
    s_be64(seq, kb);
    if (s_unseal(kb, val, &p, &n)) return -EBADMSG;
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
    wt_grow(&self->rec, &self->rec_cap, need + S_SEAL, 1);
    uint8_t *p = self->rec + S_SEAL; /* sealed by the caller (s_rec_seal) */
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
    uint8_t kb[8];
    s_be64(it->seq, kb);
    s_seal(kb, self->rec, off + S_SEAL);
    return off + S_SEAL;
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

/* The sequence counters as committed (they may have advanced inside a
   transaction that was dropped). */
static void s_reload_counters(wt_journal_t *self)
{
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

void wt_journal_abort(wt_journal_t *self)
{
    if (self->wtxn) {
        mdb_txn_abort(self->wtxn);
        self->wtxn = NULL;
        s_reload_counters(self);
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
    /* a failed fsync is an I/O error whatever errno says: what it covered
       is committed but maybe not on disk (never a "full, retry later") */
    if (rc) return rc == ENOSPC ? -EIO : s_err(rc);
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

int wt_journal_commit(wt_journal_t *self, bool durable)
{
    if (self->wtxn) {
        /* the journal clock goes with every commit, so that it resumes
           where it stopped (time while the broker is down does not count) */
        int rc =
            s_meta_put(self->wtxn, self->dbi[DB_META], "clock_ms", (uint64_t)wt_journal_now(self));
        if (rc) {
            wt_journal_abort(self);
            return s_err(rc);
        }
        rc = mdb_txn_commit(self->wtxn); /* frees the txn, also on failure */
        self->wtxn = NULL;
        if (rc) {
            s_reload_counters(self);
            /* LMDB reports a short write as EIO: on a full filesystem that
               is the disk being full (nothing of the txn was committed) */
            struct statvfs vfs;
            if (rc == EIO && statvfs(self->dir, &vfs) == 0 &&
                (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize < ((int64_t)4 << 20))
                return -ENOSPC;
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
    uint64_t ns = 1, nr = 1, a = 1, b = 1, clock = 0;
    if ((rc = s_meta_get(txn, self->dbi[DB_META], "clock_ms", &clock)) ||
        (rc = s_meta_get(txn, self->dbi[DB_META], "next_seq", &ns)) ||
        (rc = s_meta_get(txn, self->dbi[DB_META], "next_rseq", &nr)) ||
        (rc = s_last_plus_one(txn, self->dbi[DB_ITEMS], &a)) ||
        (rc = s_last_plus_one(txn, self->dbi[DB_RESULTS], &b)))
        return s_fail(self, rc);
    /* the journal clock: starts at the wall clock when the journal is new
       (or older than the clock), then only advances by the monotonic clock */
    self->mono_base = wt_clock_ms();
    self->clock_base = clock ? (int64_t)clock : wt_time_ms();
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
            if (prc == MDB_MAP_FULL) { /* no room to write: open as it is (see below) */
                wt_journal_abort(self);
                self->recovered = 0;
                self->open_full = true;
                return 0;
            }
            return s_fail(self, prc);
        }
        self->recovered++;
    }
    mdb_cursor_close(cur);
    if (rc != MDB_NOTFOUND) return s_fail(self, rc);
    if ((rc = s_meta_put(txn, self->dbi[DB_META], "next_seq", self->next_seq)) ||
        (rc = s_meta_put(txn, self->dbi[DB_META], "next_rseq", self->next_rseq)))
        rc = s_fail(self, rc);
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

/* ------------------------------------------------------------ damage checks */

#define S_MARKER        "wiretag.journal"
#define S_MARKER_TEXT   "wiretag journal, format 2 (records carry a CRC-32)\n"
#define S_MDB_MAGIC     0xBEEFC0DEu
#define S_MDB_META_OFF  16  /* page header */
#define S_MDB_PSIZE_OFF 40  /* mm_dbs[FREE_DBI].md_pad: the page size */
#define S_MDB_LAST_OFF  136 /* mm_last_pg */
#define S_MDB_TXN_OFF   144 /* mm_txnid */

static bool s_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static uint64_t s_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint32_t s_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Before LMDB maps data.mdb: a directory that held a journal (the marker)
   must still have one, and the file must be as long as its newest valid
   meta page says (a shorter file is a SIGBUS on the first read past its
   end). Returns 0, or -EUCLEAN with a sentence in errmsg. *fresh: no
   journal here yet. */
static int s_precheck(const char *dir, bool *fresh, char *errmsg, size_t errlen)
{
    char data[4096], marker[4096];
    snprintf(data, sizeof data, "%s/data.mdb", dir);
    snprintf(marker, sizeof marker, "%s/" S_MARKER, dir);
    struct stat sb;
    bool have = stat(data, &sb) == 0 && sb.st_size > 0;
    *fresh = !have;
    if (!have) {
        if (!s_exists(marker)) return 0;
        snprintf(errmsg, errlen,
                 "journal %.1000s: data.mdb is %.1000s, but this directory held a journal "
                 "(%.1000s): restore "
                 "data.mdb from a backup; to start an empty journal here on purpose (every item "
                 "and result of the old one is lost), remove %s",
                 dir, s_exists(data) ? "empty" : "missing", marker, marker);
        return -EUCLEAN;
    }
    int fd = open(data, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0; /* LMDB will say why */
    uint8_t meta[2][160];
    uint64_t psize = 0, best_txn = 0, last = 0;
    int valid = 0;
    ssize_t got = pread(fd, meta[0], sizeof meta[0], 0);
    if (got == (ssize_t)sizeof meta[0]) psize = s_le32(meta[0] + S_MDB_PSIZE_OFF);
    bool psize_ok = psize >= 512 && psize <= 65536 && (psize & (psize - 1)) == 0;
    for (int i = 0; i < 2 && psize_ok; i++) {
        if (i == 1 && pread(fd, meta[1], sizeof meta[1], (off_t)psize) != (ssize_t)sizeof meta[1])
            break;
        const uint8_t *m = meta[i];
        if (s_le32(m + S_MDB_META_OFF) != S_MDB_MAGIC) continue;
        uint64_t txn = s_le64(m + S_MDB_TXN_OFF);
        if (!valid || txn > best_txn) {
            best_txn = txn;
            last = s_le64(m + S_MDB_LAST_OFF);
        }
        valid++;
    }
    close(fd);
    if (!valid) {
        snprintf(
            errmsg, errlen,
            "journal %.1000s: data.mdb is not an LMDB file or both its meta pages are damaged: "
            "restore it from a backup (wiretag-broker --check %.1000s tells more)",
            dir, dir);
        return -EUCLEAN;
    }
    uint64_t need = (last + 1) * psize;
    if ((uint64_t)sb.st_size < need) {
        snprintf(errmsg, errlen,
                 "journal %.1000s: data.mdb is truncated (%lld bytes, its last page ends at %llu): "
                 "restore it from a backup, or salvage what is readable with "
                 "wiretag-broker --recover %.1000s NEWDIR",
                 dir, (long long)sb.st_size, (unsigned long long)need, dir);
        return -EUCLEAN;
    }
    return 0;
}

static void s_write_marker(const char *dir)
{
    char marker[4096];
    snprintf(marker, sizeof marker, "%s/" S_MARKER, dir);
    if (s_exists(marker)) return;
    int fd = open(marker, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) return; /* best effort (a full disk): the next start writes it */
    size_t n = strlen(S_MARKER_TEXT);
    if (write(fd, S_MARKER_TEXT, n) == (ssize_t)n) fsync(fd);
    close(fd);
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
    if ((rc = s_precheck(self->dir, &fresh, why, sizeof why))) {
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
    s_write_marker(self->dir); /* from now on, a missing data.mdb is an error */
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
    MDB_val pv = {S_SEAL + n, NULL};
    if ((rc = s_put_rec(self, txn, &it)) ||
        (rc = mdb_put(txn, self->dbi[DB_PAYLOADS], &k, &pv, MDB_RESERVE)))
        return s_fail(self, rc);
    if (n) memcpy((uint8_t *)pv.mv_data + S_SEAL, payload, n);
    s_seal(kb, pv.mv_data, S_SEAL + n);
    if ((rc = mdb_put(txn, self->dbi[DB_QUEUE], &k, &empty, 0)) ||
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
    if (rc) return rc == WT_EJOURNAL || rc == -EBADMSG ? rc : WT_ESEQ;
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
    MDB_val k = {8, kb}, rk = {8, rb}, rv = {S_SEAL + 16 + n, NULL};
    if ((rc = s_put_rec(self, txn, &it))) return s_fail(self, rc);
    rc = mdb_del(txn, self->dbi[DB_PAYLOADS], &k, NULL);
    if (rc && rc != MDB_NOTFOUND) return s_fail(self, rc);
    rc = mdb_del(txn, self->dbi[DB_QUEUE], &k, NULL);
    if (rc && rc != MDB_NOTFOUND) return s_fail(self, rc);
    if ((rc = mdb_put(txn, self->dbi[DB_RESULTS], &rk, &rv, MDB_RESERVE))) return s_fail(self, rc);
    uint8_t *body = (uint8_t *)rv.mv_data + S_SEAL;
    s_be64(seq, body);
    s_be64((uint64_t)now_ms, body + 8);
    if (n) memcpy(body + 16, result, n);
    s_seal(rb, rv.mv_data, rv.mv_size);
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
    if (rc == 0) {
        const uint8_t *body;
        size_t n;
        if (s_unseal(kb, &v, &body, &n)) {
            self->damaged++;
            s_rtxn_end(self, txn);
            return -EBADMSG;
        }
        wt_buf_append(out, body, n);
    }
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
        uint64_t r = s_get64(k.mv_data);
        const uint8_t *body;
        size_t n;
        if (s_unseal(k.mv_data, &v, &body, &n) || n < 16) { /* never served */
            self->damaged++;
            *next = r + 1;
            continue;
        }
        seen++;
        *next = r + 1;
        if (fn(r, s_get64(body), body + 16, n - 16, arg)) break;
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
        if (mdb_get(txn, self->dbi[DB_ITEMS], &k, &rv) != 0) continue;
        if (s_rec_decode(&rv, s, &it) != 0) {
            self->damaged++;
            continue;
        }
        const uint8_t *pb = NULL;
        size_t pn = 0;
        if (mdb_get(txn, self->dbi[DB_PAYLOADS], &k, &pv) == 0 &&
            s_unseal(k.mv_data, &pv, &pb, &pn))
            pb = NULL, pn = 0, self->damaged++; /* the record without its damaged payload */
        pv.mv_data = (void *)pb;
        pv.mv_size = pn;
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
        const uint8_t *body;
        size_t bn;
        bool ok = s_unseal(k.mv_data, &v, &body, &bn) == 0 && bn >= 16;
        int64_t ts = ok ? (int64_t)s_get64(body + 8) : INT64_MIN; /* damaged: goes first */
        bool too_big = limit > 0 && live > limit;
        if (!too_big && ts >= cutoff) break;
        uint8_t sb[8];
        if (ok) { /* its item record goes with it */
            memcpy(sb, body, 8);
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
    st->damaged = self->damaged;
    st->map_bytes = self->opts.map_bytes;
    MDB_txn *txn;
    if (s_rtxn(self, &txn) == 0) {
        MDB_stat ms;
        if (mdb_stat(txn, self->dbi[DB_QUEUE], &ms) == 0) st->unfinished = ms.ms_entries;
        if (mdb_stat(txn, self->dbi[DB_DEAD], &ms) == 0) st->dead = ms.ms_entries;
        if (mdb_stat(txn, self->dbi[DB_RESULTS], &ms) == 0) st->results = ms.ms_entries;
        if (mdb_stat(txn, self->dbi[DB_ITEMS], &ms) == 0) st->items = ms.ms_entries;
        if (mdb_stat(txn, self->dbi[DB_DEDUP], &ms) == 0) st->dedup_ids = ms.ms_entries;
        if (mdb_stat(txn, self->dbi[DB_PAYLOADS], &ms) == 0)
            st->payload_bytes =
                (int64_t)(ms.ms_branch_pages + ms.ms_leaf_pages + ms.ms_overflow_pages) *
                ms.ms_psize;
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
    /* room: what the journal can still grow by. The map bounds it, and so
       does the filesystem: pages past the file's end need free disk space,
       free pages inside the file do not. */
    int64_t used_end = 0; /* bytes up to the last page LMDB has used */
    MDB_stat es;
    if (mdb_env_info(self->env, &info) == 0 && mdb_env_stat(self->env, &es) == 0)
        used_end = (int64_t)(info.me_last_pgno + 1) * es.ms_psize;
    int64_t inside = used_end > st->live_bytes ? used_end - st->live_bytes : 0;
    st->map_room_bytes = st->map_bytes > st->live_bytes ? st->map_bytes - st->live_bytes : 0;
    struct statvfs vfs;
    st->disk_free_bytes = -1;
    if (statvfs(self->dir, &vfs) == 0)
        st->disk_free_bytes = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
    st->disk_room_bytes =
        st->disk_free_bytes >= 0 ? st->disk_free_bytes + inside : st->map_room_bytes;
    st->open_full = self->open_full;
}

/* ------------------------------------------------------------ check and recover

   Both walk the journal in forked children: damage to LMDB's own pages can
   make it fail an assertion or fault, which must end a walk, not the tool.
   A child reports through a pipe (counts) and its exit status. */

typedef struct {
    uint64_t records, sealed, legacy, damaged;
    uint64_t first_bad[8];
    size_t nbad;
} s_walk_t;

static const int s_walked[] = {DB_ITEMS, DB_PAYLOADS, DB_RESULTS,  DB_QUEUE,
                               DB_DEAD,  DB_DEDUP,    DB_DEDUPSEQ, DB_META};
#define S_NWALK (sizeof s_walked / sizeof s_walked[0])

/* Open a journal's environment read-only (path: a directory, or a file
   with nosubdir). */
static int s_open_ro(const char *path, bool nosubdir, MDB_env **env, MDB_txn **txn,
                     MDB_dbi dbi[DB_N])
{
    int rc;
    if ((rc = mdb_env_create(env))) return rc;
    mdb_env_set_maxdbs(*env, DB_N);
    unsigned flags = MDB_RDONLY | MDB_NOLOCK | MDB_NOTLS | (nosubdir ? MDB_NOSUBDIR : 0);
    if ((rc = mdb_env_open(*env, path, flags, 0640)) ||
        (rc = mdb_txn_begin(*env, NULL, MDB_RDONLY, txn))) {
        mdb_env_close(*env);
        return rc;
    }
    for (int i = 0; i < DB_N; i++)
        if (mdb_dbi_open(*txn, s_db_names[i], 0, &dbi[i])) dbi[i] = (MDB_dbi)-1;
    return 0;
}

/* Walk table db; when dst is set, copy what is sound into it (sealed),
   committing every 512 records. Runs in a child. */
static int s_walk_db(MDB_txn *txn, MDB_dbi src, int db, MDB_env *dst_env, MDB_dbi dst, s_walk_t *w)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, src, &cur);
    if (rc) return rc;
    MDB_txn *wt = NULL;
    uint8_t *buf = NULL;
    size_t cap = 0;
    MDB_val k, v;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        w->records++;
        const uint8_t *body = v.mv_data;
        size_t n = v.mv_size;
        bool checked = db == DB_ITEMS || db == DB_PAYLOADS || db == DB_RESULTS;
        bool bad = false;
        if (checked) {
            if (k.mv_size != 8) {
                bad = true;
            } else {
                const uint8_t *p = v.mv_data;
                bool sealed = v.mv_size >= S_SEAL && p[0] == S_SEALED;
                bad = s_unseal(k.mv_data, &v, &body, &n) != 0;
                if (!bad) {
                    w->sealed += sealed;
                    w->legacy += !sealed;
                }
                wt_jitem_t it;
                if (!bad && db == DB_ITEMS && s_rec_decode(&v, s_get64(k.mv_data), &it) != 0)
                    bad = true;
                if (!bad && db == DB_RESULTS && n < 16) bad = true;
            }
        }
        if (bad) {
            w->damaged++;
            if (w->nbad < 8 && k.mv_size == 8) w->first_bad[w->nbad++] = s_get64(k.mv_data);
            continue;
        }
        if (!dst_env) continue;
        if (!wt && (rc = mdb_txn_begin(dst_env, NULL, 0, &wt))) break;
        MDB_val nv = v;
        if (checked) { /* re-sealed: format 2 */
            wt_grow(&buf, &cap, n + S_SEAL, 1);
            memcpy(buf + S_SEAL, body, n);
            s_seal(k.mv_data, buf, n + S_SEAL);
            nv = (MDB_val){n + S_SEAL, buf};
        }
        if ((rc = mdb_put(wt, dst, &k, &nv, 0))) break;
        if (w->records % 512 == 0) {
            rc = mdb_txn_commit(wt);
            wt = NULL;
            if (rc) break;
        }
    }
    mdb_cursor_close(cur);
    if (wt) {
        int crc = mdb_txn_commit(wt);
        if (rc == MDB_NOTFOUND || rc == 0) rc = crc;
    }
    free(buf);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

typedef struct {
    int status; /* 0 walked, >0 LMDB error, <0 -signal */
    s_walk_t w;
} s_walk_report_t;

/* Walk table db of the source in a child; copy into dst_dir when set. */
static void s_walk_child(const char *src, bool nosubdir, int db, const char *dst_dir,
                         s_walk_report_t *r)
{
    memset(r, 0, sizeof *r);
    int fds[2];
    if (pipe(fds) != 0) {
        r->status = errno;
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        r->status = errno;
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        s_walk_report_t cr = {0};
        MDB_env *env = NULL, *denv = NULL;
        MDB_txn *txn;
        MDB_dbi dbi[DB_N], ddbi = 0;
        cr.status = s_open_ro(src, nosubdir, &env, &txn, dbi);
        if (!cr.status && dbi[db] == (MDB_dbi)-1) cr.status = MDB_NOTFOUND;
        if (!cr.status && dst_dir) {
            MDB_txn *t;
            if ((cr.status = mdb_env_create(&denv)) == 0) {
                mdb_env_set_maxdbs(denv, DB_N);
                mdb_env_set_mapsize(denv, (size_t)1 << 40);
                if ((cr.status = mdb_env_open(denv, dst_dir, MDB_NOSYNC, 0640)) == 0 &&
                    (cr.status = mdb_txn_begin(denv, NULL, 0, &t)) == 0) {
                    cr.status = mdb_dbi_open(t, s_db_names[db], MDB_CREATE, &ddbi);
                    if (!cr.status)
                        cr.status = mdb_txn_commit(t);
                    else
                        mdb_txn_abort(t);
                }
            }
        }
        if (!cr.status) cr.status = s_walk_db(txn, dbi[db], db, denv, ddbi, &cr.w);
        if (denv) {
            mdb_env_sync(denv, 1);
            mdb_env_close(denv);
        }
        if (write(fds[1], &cr, sizeof cr) != (ssize_t)sizeof cr) _exit(3);
        _exit(0);
    }
    close(fds[1]);
    ssize_t got = 0;
    for (;;) {
        ssize_t n = read(fds[0], (char *)r + got, sizeof *r - (size_t)got);
        if (n > 0) got += n;
        if (n == 0 || got == (ssize_t)sizeof *r || (n < 0 && errno != EINTR)) break;
    }
    close(fds[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(st)) {
        memset(r, 0, sizeof *r);
        r->status = -WTERMSIG(st);
    } else if (got != (ssize_t)sizeof *r) {
        r->status = EIO;
    }
}

static void s_print_walk(FILE *out, int db, const s_walk_report_t *r)
{
    fprintf(out, "  %-9s %8llu records", s_db_names[db], (unsigned long long)r->w.records);
    if (db == DB_ITEMS || db == DB_PAYLOADS || db == DB_RESULTS)
        fprintf(out, " (%llu with checksum, %llu format 1)", (unsigned long long)r->w.sealed,
                (unsigned long long)r->w.legacy);
    if (r->w.damaged) {
        fprintf(out, ", %llu DAMAGED (keys", (unsigned long long)r->w.damaged);
        for (size_t i = 0; i < r->w.nbad; i++)
            fprintf(out, " %llu", (unsigned long long)r->w.first_bad[i]);
        fprintf(out, "%s)", r->w.damaged > r->w.nbad ? " ..." : "");
    }
    if (r->status < 0)
        fprintf(out, ", walk CRASHED (signal %d): LMDB's pages of this table are damaged",
                -r->status);
    else if (r->status == MDB_NOTFOUND)
        fprintf(out, ", table missing");
    else if (r->status)
        fprintf(out, ", walk stopped: %s", mdb_strerror(r->status));
    fputc('\n', out);
}

/* A source to read: the directory, or (truncated file) a copy extended to
   the length its meta page says, in tmp_file. */
static int s_source(const char *dir, char *path, size_t len, bool *nosubdir, const char *tmp_file,
                    FILE *out)
{
    bool fresh;
    char why[8192];
    int rc = s_precheck(dir, &fresh, why, sizeof why);
    *nosubdir = false;
    snprintf(path, len, "%s", dir);
    if (fresh) {
        fprintf(out, "%s: no journal here (no data.mdb)\n", dir);
        return -ENOENT;
    }
    if (!rc) return 0;
    fprintf(out, "%s\n", why);
    if (!strstr(why, "truncated") || !tmp_file) return rc;
    /* a truncated file: read what is there, the missing end reads as zeros */
    char data[4096];
    snprintf(data, sizeof data, "%s/data.mdb", dir);
    int in = open(data, O_RDONLY | O_CLOEXEC);
    int o = open(tmp_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (in < 0 || o < 0) {
        if (in >= 0) close(in);
        if (o >= 0) close(o);
        return -errno;
    }
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(o, buf, (size_t)n) != n) break;
    uint8_t meta[160];
    uint64_t need = 0;
    if (pread(in, meta, sizeof meta, 0) == (ssize_t)sizeof meta) {
        uint64_t ps = s_le32(meta + S_MDB_PSIZE_OFF);
        need = (s_le64(meta + S_MDB_LAST_OFF) + 1) * ps;
        if (pread(in, meta, sizeof meta, (off_t)ps) == (ssize_t)sizeof meta &&
            s_le32(meta + S_MDB_META_OFF) == S_MDB_MAGIC)
            if ((s_le64(meta + S_MDB_LAST_OFF) + 1) * ps > need)
                need = (s_le64(meta + S_MDB_LAST_OFF) + 1) * ps;
    }
    close(in);
    int frc = need ? ftruncate(o, (off_t)need) : 0;
    close(o);
    if (frc != 0) return -errno;
    snprintf(path, len, "%s", tmp_file);
    *nosubdir = true;
    return 0;
}

int wt_journal_check(const char *dir, FILE *out)
{
    char path[4096];
    bool nosubdir;
    char tmp[] = "/tmp/wt-check-XXXXXX";
    int tfd = mkstemp(tmp);
    if (tfd >= 0) close(tfd);
    int rc = s_source(dir, path, sizeof path, &nosubdir, tfd >= 0 ? tmp : NULL, out);
    bool damaged = rc != 0;
    if (rc && !nosubdir) {
        if (tfd >= 0) unlink(tmp);
        return rc == -ENOENT ? rc : 1;
    }
    fprintf(out, "journal %s%s:\n", dir, nosubdir ? " (read up to where it is cut)" : "");
    for (size_t i = 0; i < S_NWALK; i++) {
        s_walk_report_t r;
        s_walk_child(path, nosubdir, s_walked[i], NULL, &r);
        s_print_walk(out, s_walked[i], &r);
        if (r.status || r.w.damaged) damaged = true;
    }
    if (tfd >= 0) unlink(tmp);
    fprintf(out, "%s\n",
            damaged ? "DAMAGED: salvage what is sound with wiretag-broker --recover DIR NEWDIR"
                    : "OK: every record is sound");
    return damaged ? 1 : 0;
}

int wt_journal_recover(const char *dir, const char *newdir, FILE *out)
{
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/data.mdb", newdir);
    if (s_exists(probe)) {
        fprintf(out, "%s already holds a journal: give an empty or new directory\n", newdir);
        return -EEXIST;
    }
    if (s_mkdirs(newdir) != 0) {
        fprintf(out, "cannot create %s: %s\n", newdir, strerror(errno));
        return -errno;
    }
    /* the source must not be in use */
    snprintf(probe, sizeof probe, "%s/broker.lock", dir);
    int lfd = open(probe, O_RDWR | O_CLOEXEC);
    if (lfd >= 0 && flock(lfd, LOCK_EX | LOCK_NB) != 0) {
        fprintf(out, "%s is in use by a running broker: stop it first\n", dir);
        close(lfd);
        return -EBUSY;
    }
    char path[4096], tmp[4096];
    snprintf(tmp, sizeof tmp, "%s/salvage-source.mdb", newdir);
    bool nosubdir;
    int rc = s_source(dir, path, sizeof path, &nosubdir, tmp, out);
    bool lost = rc != 0;
    if (rc && !nosubdir) {
        if (lfd >= 0) close(lfd);
        return rc == -ENOENT ? rc : -EUCLEAN;
    }
    fprintf(out, "salvaging %s into %s:\n", dir, newdir);
    for (size_t i = 0; i < S_NWALK; i++) {
        s_walk_report_t r;
        s_walk_child(path, nosubdir, s_walked[i], newdir, &r);
        s_print_walk(out, s_walked[i], &r);
        if (r.status || r.w.damaged) lost = true;
    }
    if (nosubdir) unlink(tmp);
    if (lfd >= 0) close(lfd);
    /* queue entries whose item record or payload was lost cannot run:
       turn them into dead letters where the record survived, drop the rest */
    MDB_env *env;
    MDB_txn *txn;
    uint64_t dropped = 0;
    if (mdb_env_create(&env) == 0) {
        mdb_env_set_maxdbs(env, DB_N);
        mdb_env_set_mapsize(env, (size_t)1 << 40);
        MDB_dbi d[DB_N];
        if (mdb_env_open(env, newdir, MDB_NOSYNC, 0640) == 0 &&
            mdb_txn_begin(env, NULL, 0, &txn) == 0) {
            for (int i = 0; i < DB_N; i++)
                mdb_dbi_open(txn, s_db_names[i], MDB_CREATE, &d[i]);
            MDB_cursor *cur;
            MDB_val k, v, x;
            if (mdb_cursor_open(txn, d[DB_QUEUE], &cur) == 0) {
                for (int grc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); grc == 0;
                     grc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
                    if (mdb_get(txn, d[DB_ITEMS], &k, &x) != 0) {
                        if (dropped < 8)
                            fprintf(out, "  lost: unfinished item seq %llu (record damaged)\n",
                                    (unsigned long long)s_get64(k.mv_data));
                        mdb_cursor_del(cur, 0);
                        dropped++;
                    }
                mdb_cursor_close(cur);
            }
            mdb_txn_commit(txn);
            mdb_env_sync(env, 1);
        }
        mdb_env_close(env);
    }
    if (dropped) lost = true;
    /* open it as a journal: counters, in-flight items, marker */
    wt_journal_opts_t o = {.dir = newdir};
    int err = 0;
    char msg[1024];
    wt_journal_t *j = wt_journal_new(&o, &err, msg, sizeof msg);
    if (!j) {
        fprintf(out, "the salvaged journal does not open: %s\n", msg);
        return err ? err : WT_EJOURNAL;
    }
    wt_journal_stats_t st;
    wt_journal_stats(j, &st);
    fprintf(out,
            "%s: %llu items (%llu unfinished, %llu dead), %llu results (rseq %llu-%llu), next "
            "seq %llu, next rseq %llu\n",
            lost ? "SALVAGED WITH LOSSES (see DAMAGED above)" : "SALVAGED COMPLETELY",
            (unsigned long long)st.items, (unsigned long long)st.unfinished,
            (unsigned long long)st.dead, (unsigned long long)st.results,
            (unsigned long long)st.first_rseq, (unsigned long long)st.last_rseq,
            (unsigned long long)st.next_seq, (unsigned long long)st.next_rseq);
    wt_journal_destroy(&j);
    fprintf(out, "start the broker with --journal %s (keep %s until you are satisfied)\n", newdir,
            dir);
    return lost ? 1 : 0;
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
