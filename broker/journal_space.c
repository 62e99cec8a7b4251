/*  journal_space.c: how big the journal is and what it may keep.
    Retention drops the oldest results (with their done items) while live
    data is over retention_bytes or older than retention_age_s, and dead
    letters older than that; the figures say what is kept and how much
    room is left (the broker admits PUTs by it).
*/
#include "journal_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

/* ------------------------------------------------------------ retention */

int64_t wt_jlive_bytes(wt_journal_t *self, MDB_txn *txn)
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
    /* what is open is committed first, waiting for an fsync under way (a
       deferred commit would leave it in the transaction that the check
       below may drop when there is nothing to delete) */
    int rc = wt_jcommit(self);
    if (rc) return rc;
    MDB_txn *txn = NULL;
    if ((rc = wt_jtxn_write(self, &txn))) return rc;
    MDB_cursor *cur;
    if ((rc = mdb_cursor_open(txn, self->dbi[DB_RESULTS], &cur))) return wt_jfail(self, rc);
    int64_t live = wt_jlive_bytes(self, txn);
    MDB_val k, v;
    while (*deleted < max_delete && (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST)) == 0) {
        const uint8_t *body;
        size_t bn;
        bool ok = wt_junseal(k.mv_data, &v, &body, &bn) == 0 && bn >= 16;
        int64_t ts = ok ? (int64_t)wt_jget64(body + 8) : INT64_MIN; /* damaged: goes first */
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
        if (*deleted % 32 == 0) live = wt_jlive_bytes(self, txn);
    }
    mdb_cursor_close(cur);
    if (rc && rc != MDB_NOTFOUND) return wt_jfail(self, rc);
    /* dead letters by age */
    if (cutoff != INT64_MIN) {
        if ((rc = mdb_cursor_open(txn, self->dbi[DB_DEAD], &cur))) return wt_jfail(self, rc);
        while (*deleted < max_delete && (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST)) == 0) {
            MDB_val rv;
            wt_jitem_t it;
            if (mdb_get(txn, self->dbi[DB_ITEMS], &k, &rv) == 0 &&
                wt_jrec_decode(&rv, wt_jget64(k.mv_data), &it) == 0 && it.finished_ms >= cutoff)
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
        if (rc && rc != MDB_NOTFOUND) return wt_jfail(self, rc);
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
    st->durable_next_rseq = self->next_rseq;
    if (self->syncer) { /* fsynced by the thread: what its last fsync covered */
        uint64_t syncs = 0;
        wt_jsync_state(self, NULL, &st->durable_next_rseq, &syncs);
        st->syncs += syncs;
    }
    st->retained = self->retained;
    st->recovered = self->recovered;
    st->damaged = self->damaged;
    st->map_bytes = self->opts.map_bytes;
    MDB_txn *txn = NULL;
    if (wt_jtxn_read(self, &txn) == 0) {
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
        st->live_bytes = wt_jlive_bytes(self, txn);
        MDB_cursor *cur;
        if (mdb_cursor_open(txn, self->dbi[DB_RESULTS], &cur) == 0) {
            MDB_val k, v;
            if (mdb_cursor_get(cur, &k, &v, MDB_FIRST) == 0) st->first_rseq = wt_jget64(k.mv_data);
            if (mdb_cursor_get(cur, &k, &v, MDB_LAST) == 0) st->last_rseq = wt_jget64(k.mv_data);
            mdb_cursor_close(cur);
        }
        wt_jtxn_read_end(self, txn);
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
