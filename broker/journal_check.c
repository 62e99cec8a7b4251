/*  journal_check.c: the offline tools on a journal directory: --check
    (read every record and verify its seal) and --recover (copy every sound
    record into a new journal and say what was lost).
*/
#include "journal_int.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
        if (mdb_dbi_open(*txn, wt_jdb_names[i], 0, &dbi[i])) dbi[i] = (MDB_dbi)-1;
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
                bool sealed = v.mv_size >= WT_JSEAL && p[0] == WT_JSEALED;
                bad = wt_junseal(k.mv_data, &v, &body, &n) != 0;
                if (!bad) {
                    w->sealed += sealed;
                    w->legacy += !sealed;
                }
                wt_jitem_t it;
                if (!bad && db == DB_ITEMS && wt_jrec_decode(&v, wt_jget64(k.mv_data), &it) != 0)
                    bad = true;
                if (!bad && db == DB_RESULTS && n < 16) bad = true;
            }
        }
        if (bad) {
            w->damaged++;
            if (w->nbad < 8 && k.mv_size == 8) w->first_bad[w->nbad++] = wt_jget64(k.mv_data);
            continue;
        }
        if (!dst_env) continue;
        if (!wt && (rc = mdb_txn_begin(dst_env, NULL, 0, &wt))) break;
        MDB_val nv = v;
        if (checked) { /* re-sealed: format 2 */
            wt_grow(&buf, &cap, n + WT_JSEAL, 1);
            memcpy(buf + WT_JSEAL, body, n);
            wt_jseal(k.mv_data, buf, n + WT_JSEAL);
            nv = (MDB_val){n + WT_JSEAL, buf};
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
                    cr.status = mdb_dbi_open(t, wt_jdb_names[db], MDB_CREATE, &ddbi);
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
    fprintf(out, "  %-9s %8llu records", wt_jdb_names[db], (unsigned long long)r->w.records);
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
    int rc = wt_jprecheck(dir, &fresh, why, sizeof why);
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
        uint64_t ps = wt_jle32(meta + WT_JMDB_PSIZE_OFF);
        need = (wt_jle64(meta + WT_JMDB_LAST_OFF) + 1) * ps;
        if (pread(in, meta, sizeof meta, (off_t)ps) == (ssize_t)sizeof meta &&
            wt_jle32(meta + WT_JMDB_META_OFF) == WT_JMDB_MAGIC)
            if ((wt_jle64(meta + WT_JMDB_LAST_OFF) + 1) * ps > need)
                need = (wt_jle64(meta + WT_JMDB_LAST_OFF) + 1) * ps;
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
    if (wt_jexists(probe)) {
        fprintf(out, "%s already holds a journal: give an empty or new directory\n", newdir);
        return -EEXIST;
    }
    if (wt_jmkdirs(newdir) != 0) {
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
                mdb_dbi_open(txn, wt_jdb_names[i], MDB_CREATE, &d[i]);
            MDB_cursor *cur;
            MDB_val k, v, x;
            if (mdb_cursor_open(txn, d[DB_QUEUE], &cur) == 0) {
                for (int grc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); grc == 0;
                     grc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
                    if (mdb_get(txn, d[DB_ITEMS], &k, &x) != 0) {
                        if (dropped < 8)
                            fprintf(out, "  lost: unfinished item seq %llu (record damaged)\n",
                                    (unsigned long long)wt_jget64(k.mv_data));
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
