/*  test_journal.c: the LMDB journal: accept, dispatch, done, dead letters,
    dedup window, restart recovery (in flight becomes queued, counters
    continue), retention by size and age, fsync policies, a full map, and
    abort of a failed transaction. Each case uses its own temp directory. */
#include "journal.h"
#include "testutil.h"

#include <lmdb.h>

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char s_dir[512];

static void s_rmdir(void)
{
    char p[700];
    snprintf(p, sizeof p, "%s/data.mdb", s_dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/lock.mdb", s_dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/broker.lock", s_dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/wiretag.journal", s_dir);
    unlink(p);
    rmdir(s_dir);
}

static wt_journal_opts_t s_opts(void)
{
    wt_journal_opts_t o = {.dir = s_dir,
                           .fsync = WT_FSYNC_ALWAYS,
                           .fsync_interval_ms = 50,
                           .map_bytes = 64 << 20,
                           .dedup_window = 1000};
    return o;
}

static wt_journal_t *s_open(const wt_journal_opts_t *o)
{
    int err = 0;
    char msg[256];
    wt_journal_t *j = wt_journal_new(o, &err, msg, sizeof msg);
    CHECK_MSG(j != NULL, "open: %s", msg);
    return j;
}

static void s_fresh(void)
{
    snprintf(s_dir, sizeof s_dir, "/tmp/wt-journal-XXXXXX");
    if (!mkdtemp(s_dir)) {
        perror("mkdtemp");
        exit(1);
    }
}

static uint64_t s_put(wt_journal_t *j, const char *id, const char *payload, bool *dup)
{
    uint64_t seq = 0;
    bool d = false;
    int rc = wt_journal_put(j, id, 7, (const uint8_t *)payload, strlen(payload), 1000, &seq, &d);
    CHECK_MSG(rc == 0, "put %s: %s", id, wt_errname(rc));
    CHECK_EQ_INT(wt_journal_commit(j, true), 0);
    if (dup) *dup = d;
    return seq;
}

typedef struct {
    uint64_t rseq[64], seq[64];
    char payload[64][32];
    int n;
} seen_t;

static int s_collect(uint64_t rseq, uint64_t seq, const uint8_t *p, size_t n, void *arg)
{
    seen_t *s = arg;
    if (s->n < 64) {
        s->rseq[s->n] = rseq;
        s->seq[s->n] = seq;
        snprintf(s->payload[s->n], 32, "%.*s", (int)n, (const char *)p);
        s->n++;
    }
    return 0;
}

static void test_basic(void)
{
    s_fresh();
    wt_journal_opts_t o = s_opts();
    wt_journal_t *j = s_open(&o);
    bool dup;
    uint64_t a = s_put(j, "a", "item-a", &dup);
    CHECK(!dup);
    uint64_t b = s_put(j, "b", "item-b", &dup);
    uint64_t a2 = s_put(j, "a", "item-a again", &dup);
    CHECK_EQ_INT(a, 1);
    CHECK_EQ_INT(b, 2);
    CHECK_EQ_INT(a2, 1);
    CHECK(dup);

    uint64_t q[8];
    size_t n;
    CHECK_EQ_INT(wt_journal_queue_scan(j, 0, q, 8, &n), 0);
    CHECK(n == 2 && q[0] == 1 && q[1] == 2);
    CHECK_EQ_INT(wt_journal_queue_scan(j, 1, q, 8, &n), 0);
    CHECK(n == 1 && q[0] == 2);

    uint32_t att = 0;
    CHECK_EQ_INT(wt_journal_dispatch(j, a, &att), 0);
    CHECK_EQ_INT(att, 1);
    CHECK_EQ_INT(wt_journal_dispatch(j, 99, &att), WT_ESEQ);
    wt_buf_t buf;
    wt_buf_init(&buf);
    CHECK_EQ_INT(wt_journal_payload(j, a, &buf), 0);
    CHECK(buf.size == 6 && memcmp(buf.data, "item-a", 6) == 0);

    uint64_t r = 0;
    CHECK_EQ_INT(wt_journal_done(j, a, (const uint8_t *)"res-a", 5, 2000, &r), 0);
    CHECK_EQ_INT(r, 1);
    CHECK_EQ_INT(wt_journal_commit(j, true), 0);
    /* done twice: refused, nothing written */
    CHECK_EQ_INT(wt_journal_done(j, a, (const uint8_t *)"res-a", 5, 2000, &r), WT_ESEQ);
    wt_buf_reset(&buf);
    CHECK_EQ_INT(wt_journal_payload(j, a, &buf), WT_ESEQ); /* dropped once done */
    wt_jitem_t it;
    CHECK_EQ_INT(wt_journal_item(j, a, &it), 0);
    CHECK_EQ_INT(it.state, WT_JITEM_DONE);
    CHECK_EQ_INT(it.rseq, 1);
    CHECK_EQ_STR(it.id, "a");
    CHECK_EQ_INT(it.finished_ms, 2000);
    CHECK_EQ_INT(it.producer, 7);

    CHECK_EQ_INT(wt_journal_dispatch(j, b, &att), 0);
    CHECK_EQ_INT(wt_journal_done(j, b, (const uint8_t *)"res-b", 5, 2001, &r), 0);
    CHECK_EQ_INT(r, 2);
    CHECK_EQ_INT(wt_journal_commit(j, true), 0);

    seen_t s = {0};
    uint64_t next = 0;
    CHECK_EQ_INT(wt_journal_results(j, 1, 100, s_collect, &s, &next), 0);
    CHECK_EQ_INT(s.n, 2);
    CHECK(s.rseq[0] == 1 && s.seq[0] == a && strcmp(s.payload[0], "res-a") == 0);
    CHECK(s.rseq[1] == 2 && s.seq[1] == b && strcmp(s.payload[1], "res-b") == 0);
    CHECK_EQ_INT(next, 3);
    memset(&s, 0, sizeof s);
    CHECK_EQ_INT(wt_journal_results(j, 2, 1, s_collect, &s, &next), 0);
    CHECK(s.n == 1 && s.rseq[0] == 2 && next == 3);
    memset(&s, 0, sizeof s);
    CHECK_EQ_INT(wt_journal_results(j, 10, 5, s_collect, &s, &next), 0);
    CHECK(s.n == 0 && next == 10);

    wt_journal_stats_t st;
    wt_journal_stats(j, &st);
    CHECK_EQ_INT(st.unfinished, 0);
    CHECK_EQ_INT(st.results, 2);
    CHECK_EQ_INT(st.first_rseq, 1);
    CHECK_EQ_INT(st.last_rseq, 2);
    CHECK_EQ_INT(st.next_seq, 3);
    CHECK(st.live_bytes > 0 && st.file_bytes > 0);
    CHECK(st.syncs >= 4);
    wt_buf_free(&buf);
    wt_journal_destroy(&j);
    CHECK(j == NULL);
    wt_journal_destroy(&j); /* idempotent */
    s_rmdir();
}

static void test_nested_dir(void)
{
    s_fresh();
    size_t len = strlen(s_dir); /* "/tmp/wt-journal-XXXXXX" */
    memcpy(s_dir + len, "/a/b", 5);
    wt_journal_opts_t o = s_opts();
    wt_journal_t *j = s_open(&o);
    CHECK(j != NULL);
    wt_journal_destroy(&j);
    s_rmdir(); /* .../a/b */
    s_dir[len + 2] = 0;
    CHECK_EQ_INT(rmdir(s_dir), 0); /* .../a */
    s_dir[len] = 0;
    CHECK_EQ_INT(rmdir(s_dir), 0);
    /* a file where the directory should be */
    int err = 0;
    wt_journal_opts_t bad = s_opts();
    bad.dir = "/dev/null/journal";
    CHECK(wt_journal_new(&bad, &err, NULL, 0) == NULL);
    CHECK(err < 0);
}

static void test_restart(void)
{
    s_fresh();
    wt_journal_opts_t o = s_opts();
    wt_journal_t *j = s_open(&o);
    for (int i = 0; i < 5; i++) {
        char id[8];
        snprintf(id, sizeof id, "i%d", i);
        s_put(j, id, "payload", NULL);
    }
    uint32_t att;
    uint64_t r;
    CHECK_EQ_INT(wt_journal_dispatch(j, 1, &att), 0);
    CHECK_EQ_INT(wt_journal_dispatch(j, 2, &att), 0);
    CHECK_EQ_INT(wt_journal_dispatch(j, 3, &att), 0);
    CHECK_EQ_INT(wt_journal_requeue(j, 3, false), 0);
    CHECK_EQ_INT(wt_journal_dispatch(j, 3, &att), 0);
    CHECK_EQ_INT(att, 2);
    CHECK_EQ_INT(wt_journal_requeue(j, 3, true), 0); /* handed back: not counted */
    CHECK_EQ_INT(wt_journal_dispatch(j, 3, &att), 0);
    CHECK_EQ_INT(att, 2);
    CHECK_EQ_INT(wt_journal_done(j, 2, (const uint8_t *)"r", 1, 5, &r), 0);
    CHECK_EQ_INT(wt_journal_commit(j, true), 0);
    /* something uncommitted is lost at close? no: destroy commits it */
    wt_journal_destroy(&j);

    j = s_open(&o);
    wt_journal_stats_t st;
    wt_journal_stats(j, &st);
    CHECK_EQ_INT(st.recovered, 2); /* 1 and 3 were in flight */
    CHECK_EQ_INT(st.unfinished, 4);
    CHECK_EQ_INT(st.next_seq, 6);
    CHECK_EQ_INT(st.next_rseq, 2);
    uint64_t q[8];
    size_t n;
    CHECK_EQ_INT(wt_journal_queue_scan(j, 0, q, 8, &n), 0);
    CHECK(n == 4 && q[0] == 1 && q[1] == 3 && q[2] == 4 && q[3] == 5);
    wt_jitem_t it;
    CHECK_EQ_INT(wt_journal_item(j, 3, &it), 0);
    CHECK_EQ_INT(it.state, WT_JITEM_QUEUED);
    CHECK_EQ_INT(it.attempts, 2);
    /* dedup survives the restart */
    bool dup;
    CHECK_EQ_INT(s_put(j, "i4", "payload", &dup), 5);
    CHECK(dup);
    CHECK_EQ_INT(s_put(j, "new", "payload", &dup), 6);
    CHECK_EQ_INT(wt_journal_dispatch(j, 1, &att), 0);
    CHECK_EQ_INT(wt_journal_done(j, 1, (const uint8_t *)"r", 1, 5, &r), 0);
    CHECK_EQ_INT(r, 2);
    wt_journal_commit(j, true);
    wt_journal_destroy(&j);
    s_rmdir();
}

static int s_dead_cb(const wt_jitem_t *it, const uint8_t *p, size_t n, void *arg)
{
    int *count = arg;
    CHECK_EQ_INT(it->seq, 2);
    CHECK_EQ_STR(it->code, "EWORKER");
    CHECK_EQ_STR(it->reason, "worker lost 3 times");
    CHECK_EQ_INT(it->attempts, 1);
    CHECK(n == 6 && memcmp(p, "poison", 6) == 0);
    ++*count;
    return 0;
}

static void test_dead(void)
{
    s_fresh();
    wt_journal_opts_t o = s_opts();
    wt_journal_t *j = s_open(&o);
    s_put(j, "ok", "fine", NULL);
    s_put(j, "bad", "poison", NULL);
    uint32_t att;
    CHECK_EQ_INT(wt_journal_dispatch(j, 2, &att), 0);
    CHECK_EQ_INT(wt_journal_dead(j, 2, "EWORKER", "worker lost 3 times", 77), 0);
    CHECK_EQ_INT(wt_journal_commit(j, true), 0);
    CHECK_EQ_INT(wt_journal_dead(j, 2, "EWORKER", "again", 77), WT_ESEQ);
    uint64_t r;
    CHECK_EQ_INT(wt_journal_done(j, 2, (const uint8_t *)"x", 1, 5, &r), WT_ESEQ);
    wt_journal_abort(j);
    int count = 0;
    uint64_t next;
    CHECK_EQ_INT(wt_journal_dead_list(j, 0, 10, s_dead_cb, &count, &next), 0);
    CHECK_EQ_INT(count, 1);
    CHECK_EQ_INT(next, 3);
    uint64_t q[4];
    size_t n;
    wt_journal_queue_scan(j, 0, q, 4, &n);
    CHECK(n == 1 && q[0] == 1);
    wt_journal_stats_t st;
    wt_journal_stats(j, &st);
    CHECK_EQ_INT(st.dead, 1);
    wt_journal_destroy(&j);
    /* survives restart */
    j = s_open(&o);
    count = 0;
    CHECK_EQ_INT(wt_journal_dead_list(j, 0, 10, s_dead_cb, &count, &next), 0);
    CHECK_EQ_INT(count, 1);
    wt_journal_destroy(&j);
    s_rmdir();
}

static void test_dedup_window(void)
{
    s_fresh();
    wt_journal_opts_t o = s_opts();
    o.dedup_window = 3;
    wt_journal_t *j = s_open(&o);
    bool dup;
    s_put(j, "a", "1", &dup);
    s_put(j, "b", "1", &dup);
    s_put(j, "c", "1", &dup);
    CHECK_EQ_INT(s_put(j, "a", "1", &dup), 1); /* still inside the window */
    CHECK(dup);
    s_put(j, "d", "1", &dup); /* a falls out */
    CHECK_EQ_INT(s_put(j, "a", "1", &dup), 5);
    CHECK(!dup);
    CHECK_EQ_INT(s_put(j, "d", "1", &dup), 4);
    CHECK(dup);
    wt_journal_stats_t st;
    wt_journal_stats(j, &st);
    CHECK_EQ_INT(st.dedup_ids, 3);
    wt_journal_destroy(&j);
    s_rmdir();
    /* window 0: no dedup */
    s_fresh();
    o = s_opts();
    o.dedup_window = 0;
    j = s_open(&o);
    s_put(j, "a", "1", &dup);
    CHECK_EQ_INT(s_put(j, "a", "1", &dup), 2);
    CHECK(!dup);
    wt_journal_destroy(&j);
    s_rmdir();
}

static void test_retention(void)
{
    s_fresh();
    wt_journal_opts_t o = s_opts();
    o.retention_bytes = 256 * 1024;
    wt_journal_t *j = s_open(&o);
    static char big[4000];
    memset(big, 'r', sizeof big);
    for (int i = 0; i < 300; i++) {
        char id[16];
        snprintf(id, sizeof id, "r%d", i);
        uint64_t seq = s_put(j, id, "p", NULL), r;
        uint32_t att;
        CHECK_EQ_INT(wt_journal_dispatch(j, seq, &att), 0);
        CHECK_EQ_INT(wt_journal_done(j, seq, (const uint8_t *)big, sizeof big, 1000 + i, &r), 0);
        CHECK_EQ_INT(wt_journal_commit(j, true), 0);
    }
    s_put(j, "pending", "still queued", NULL);
    wt_journal_stats_t st;
    wt_journal_stats(j, &st);
    CHECK(st.live_bytes > o.retention_bytes);
    size_t del = 0;
    CHECK_EQ_INT(wt_journal_retain(j, 5000, 100000, &del), 0);
    wt_journal_stats(j, &st);
    CHECK_MSG(st.live_bytes <= o.retention_bytes, "%lld", (long long)st.live_bytes);
    CHECK(del > 100 && st.first_rseq > 100 && st.last_rseq == 300);
    CHECK_EQ_INT(st.unfinished, 1); /* never drops unfinished items */
    CHECK_EQ_INT(st.retained, del);
    /* the item record of a dropped result goes with it */
    wt_jitem_t it;
    CHECK_EQ_INT(wt_journal_item(j, 1, &it), WT_ESEQ);
    CHECK_EQ_INT(wt_journal_item(j, 300, &it), 0);
    wt_journal_destroy(&j);

    /* by age: results finished before now - 10 s go */
    o.retention_bytes = 0;
    o.retention_age_s = 10;
    j = s_open(&o);
    CHECK_EQ_INT(wt_journal_retain(j, 1000 + 280 + 10000, 100000, &del), 0);
    wt_journal_stats(j, &st);
    CHECK_EQ_INT(st.first_rseq, 281); /* rseq 281 finished at 1280 = the cutoff */
    wt_journal_destroy(&j);
    s_rmdir();
}

static void test_fsync_policy(void)
{
    s_fresh();
    wt_journal_opts_t o = s_opts();
    o.fsync = WT_FSYNC_INTERVAL;
    o.fsync_interval_ms = 30;
    wt_journal_t *j = s_open(&o);
    wt_journal_stats_t st0, st;
    wt_journal_stats(j, &st0);
    s_put(j, "x", "1", NULL);
    wt_journal_stats(j, &st);
    CHECK_EQ_INT(st.syncs, st0.syncs); /* not yet */
    usleep(40 * 1000);
    CHECK_EQ_INT(wt_journal_tick(j, wt_clock_ms()), 0);
    wt_journal_stats(j, &st);
    CHECK_EQ_INT(st.syncs, st0.syncs + 1);
    CHECK_EQ_INT(wt_journal_tick(j, wt_clock_ms() + 1000), 0); /* nothing dirty */
    wt_journal_stats(j, &st);
    CHECK_EQ_INT(st.syncs, st0.syncs + 1);
    wt_journal_destroy(&j);

    o.fsync = WT_FSYNC_NEVER;
    j = s_open(&o);
    wt_journal_stats(j, &st0);
    s_put(j, "y", "1", NULL);
    wt_journal_tick(j, wt_clock_ms() + 100000);
    wt_journal_stats(j, &st);
    CHECK_EQ_INT(st.syncs, st0.syncs);
    wt_journal_destroy(&j);

    o.fsync = WT_FSYNC_ALWAYS;
    o.retention_age_s = 3600; /* nothing is that old */
    j = s_open(&o);
    wt_journal_stats(j, &st0);
    s_put(j, "z", "1", NULL);
    wt_journal_stats(j, &st);
    CHECK_EQ_INT(st.syncs, st0.syncs + 1);
    /* a retention pass with nothing to drop writes nothing */
    size_t del = 1;
    CHECK_EQ_INT(wt_journal_retain(j, wt_time_ms(), 10, &del), 0);
    CHECK_EQ_INT(del, 0);
    CHECK_EQ_INT(wt_journal_tick(j, wt_clock_ms() + 5000), 0);
    wt_journal_stats(j, &st0);
    CHECK_EQ_INT(st0.syncs, st.syncs);
    /* non-durable commits (state changes) do not force a sync */
    uint32_t att;
    CHECK_EQ_INT(wt_journal_dispatch(j, 1, &att), 0);
    CHECK_EQ_INT(wt_journal_commit(j, false), 0);
    wt_journal_stats(j, &st0);
    CHECK_EQ_INT(st0.syncs, st.syncs);
    wt_journal_destroy(&j);
    s_rmdir();
}

static void test_full_and_abort(void)
{
    s_fresh();
    wt_journal_opts_t o = s_opts();
    o.map_bytes = 1 << 20;
    wt_journal_t *j = s_open(&o);
    static uint8_t big[64 * 1024];
    memset(big, 'x', sizeof big);
    int rc = 0, i;
    uint64_t seq;
    bool dup;
    for (i = 0; i < 100 && rc == 0; i++) {
        char id[16];
        snprintf(id, sizeof id, "f%d", i);
        rc = wt_journal_put(j, id, 0, big, sizeof big, 1, &seq, &dup);
        if (rc == 0) rc = wt_journal_commit(j, true);
    }
    CHECK_EQ_INT(rc, -ENOSPC);
    /* the failed put left nothing open; the journal still works for reads */
    wt_journal_stats_t st;
    wt_journal_stats(j, &st);
    CHECK_EQ_INT(st.next_seq, (uint64_t)i);
    CHECK_EQ_INT(st.unfinished, (uint64_t)(i - 1));
    wt_journal_destroy(&j);

    /* abort rolls back the counters */
    o.map_bytes = 64 << 20;
    j = s_open(&o);
    wt_journal_stats(j, &st);
    uint64_t before = st.next_seq;
    CHECK_EQ_INT(wt_journal_put(j, "gone", 0, (const uint8_t *)"p", 1, 1, &seq, &dup), 0);
    wt_journal_abort(j);
    wt_journal_stats(j, &st);
    CHECK_EQ_INT(st.next_seq, before);
    CHECK_EQ_INT(wt_journal_put(j, "gone", 0, (const uint8_t *)"p", 1, 1, &seq, &dup), 0);
    CHECK(!dup);
    CHECK_EQ_INT(seq, before);
    wt_journal_commit(j, true);
    wt_journal_destroy(&j);
    s_rmdir();
}

/* One owner per directory: a second open refuses (even in the same
   process: the flock is per open file) and names the holder's pid. */
static void test_lock(void)
{
    s_fresh();
    wt_journal_opts_t o = s_opts();
    wt_journal_t *j = s_open(&o);
    CHECK(j != NULL);
    int err = 0;
    char msg[512];
    CHECK(wt_journal_new(&o, &err, msg, sizeof msg) == NULL);
    CHECK_EQ_INT(err, -EBUSY);
    char want[64];
    snprintf(want, sizeof want, "pid %ld", (long)getpid());
    CHECK(strstr(msg, "in use by another broker") != NULL);
    CHECK(strstr(msg, want) != NULL);
    wt_journal_destroy(&j);
    j = s_open(&o); /* released with the first */
    CHECK(j != NULL);
    wt_journal_destroy(&j);
    s_rmdir();
}

/* The journal clock: record times follow it, and it resumes where it
   stopped on reopen (no wall-clock time counted while closed). */
static void test_clock(void)
{
    s_fresh();
    wt_journal_opts_t o = s_opts();
    wt_journal_t *j = s_open(&o);
    CHECK(j != NULL);
    int64_t t0 = wt_journal_now(j);
    int64_t wall = wt_time_ms();
    CHECK(t0 <= wall + 5 && t0 > wall - 60000); /* starts at the wall clock */
    uint64_t seq;
    bool dup;
    CHECK_EQ_INT(wt_journal_put(j, "c1", 1, (const uint8_t *)"x", 1, wt_journal_now(j), &seq, &dup),
                 0);
    CHECK_EQ_INT(wt_journal_commit(j, true), 0);
    int64_t t1 = wt_journal_now(j);
    wt_journal_destroy(&j);
    usleep(300 * 1000);
    j = s_open(&o);
    CHECK(j != NULL);
    int64_t t2 = wt_journal_now(j);
    CHECK(t2 >= t1 - 100); /* resumes from its last commit */
    CHECK(t2 < t1 + 250);  /* the 300 ms closed did not count */
    wt_journal_destroy(&j);
    s_rmdir();
}

/* A damaged or missing data.mdb is refused before LMDB maps it. */
static void test_damage(void)
{
    s_fresh();
    wt_journal_opts_t o = s_opts();
    wt_journal_t *j = s_open(&o);
    CHECK(j != NULL);
    uint64_t seq;
    bool dup;
    char big[3000];
    memset(big, 'x', sizeof big);
    for (int i = 0; i < 200; i++) {
        char id[16];
        snprintf(id, sizeof id, "d%d", i);
        CHECK_EQ_INT(wt_journal_put(j, id, 1, (const uint8_t *)big, sizeof big, 1, &seq, &dup), 0);
    }
    CHECK_EQ_INT(wt_journal_commit(j, true), 0);
    wt_journal_destroy(&j);
    char data[700], copy[700], msg[1024];
    snprintf(data, sizeof data, "%s/data.mdb", s_dir);
    snprintf(copy, sizeof copy, "%s/data.copy", s_dir);
    struct stat sb;
    CHECK_EQ_INT(stat(data, &sb), 0);
    CHECK_EQ_INT(link(data, copy), 0);
    int err = 0;
    /* truncated: refused (before: SIGBUS on the first read) */
    CHECK_EQ_INT(truncate(data, sb.st_size / 2), 0);
    CHECK(wt_journal_new(&o, &err, msg, sizeof msg) == NULL);
    CHECK_EQ_INT(err, -EUCLEAN);
    CHECK(strstr(msg, "truncated") != NULL && strstr(msg, "--recover") != NULL);
    /* empty, then missing, next to the marker: refused (before: a fresh start) */
    CHECK_EQ_INT(truncate(data, 0), 0);
    CHECK(wt_journal_new(&o, &err, msg, sizeof msg) == NULL);
    CHECK(err == -EUCLEAN && strstr(msg, "empty") != NULL);
    CHECK_EQ_INT(unlink(data), 0);
    CHECK(wt_journal_new(&o, &err, msg, sizeof msg) == NULL);
    CHECK(err == -EUCLEAN && strstr(msg, "missing") != NULL);
    /* both meta pages overwritten */
    CHECK_EQ_INT(rename(copy, data), 0);
    FILE *f = fopen(data, "r+b");
    CHECK(f != NULL);
    if (f) {
        char junk[8192];
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (char)(i * 131 + 7);
        fwrite(junk, 1, sizeof junk, f);
        fclose(f);
    }
    CHECK(wt_journal_new(&o, &err, msg, sizeof msg) == NULL);
    CHECK(err == -EUCLEAN && strstr(msg, "not an LMDB file") != NULL);
    /* told to start afresh: the marker removed */
    CHECK_EQ_INT(unlink(data), 0);
    char marker[700];
    snprintf(marker, sizeof marker, "%s/wiretag.journal", s_dir);
    CHECK_EQ_INT(unlink(marker), 0);
    j = s_open(&o);
    CHECK(j != NULL);
    wt_journal_stats_t st;
    if (j) {
        wt_journal_stats(j, &st);
        CHECK_EQ_INT(st.next_seq, 1);
        wt_journal_destroy(&j);
    }
    s_rmdir();
}

static int s_append(uint64_t rseq, uint64_t seq, const uint8_t *payload, size_t n, void *arg)
{
    (void)rseq;
    (void)seq;
    wt_buf_append(arg, payload, n);
    return 0;
}

/* Format 1 journals (records without a checksum) are still read. */
static void test_format1(void)
{
    s_fresh();
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi items, payloads, queue, results, meta;
    CHECK_EQ_INT(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 8);
    CHECK_EQ_INT(mdb_env_open(env, s_dir, MDB_NOSYNC, 0640), 0);
    CHECK_EQ_INT(mdb_txn_begin(env, NULL, 0, &txn), 0);
    mdb_dbi_open(txn, "items", MDB_CREATE, &items);
    mdb_dbi_open(txn, "payloads", MDB_CREATE, &payloads);
    mdb_dbi_open(txn, "queue", MDB_CREATE, &queue);
    mdb_dbi_open(txn, "results", MDB_CREATE, &results);
    mdb_dbi_open(txn, "meta", MDB_CREATE, &meta);
    uint8_t k1[8] = {0, 0, 0, 0, 0, 0, 0, 1}, k2[8] = {0, 0, 0, 0, 0, 0, 0, 2};
    /* item 1 queued: state 0, attempts 0, times, rseq 0, producer 0, id "old", "", "" */
    uint8_t rec[64] = {0};
    size_t off = 37;
    const char *strs[3] = {"old", "", ""};
    for (int i = 0; i < 3; i++) {
        size_t l = strlen(strs[i]) + 1;
        rec[off] = 0;
        rec[off + 1] = (uint8_t)l;
        memcpy(rec + off + 2, strs[i], l);
        off += 2 + l;
    }
    MDB_val k = {8, k1}, v = {off, rec};
    CHECK_EQ_INT(mdb_put(txn, items, &k, &v, 0), 0);
    uint8_t pay[] = {0x81, 0xa2, 'i', 'd', 0xa3, 'o', 'l', 'd'}; /* a MessagePack map */
    v = (MDB_val){sizeof pay, pay};
    CHECK_EQ_INT(mdb_put(txn, payloads, &k, &v, 0), 0);
    v = (MDB_val){0, ""};
    CHECK_EQ_INT(mdb_put(txn, queue, &k, &v, 0), 0);
    /* result 1 of item 2: seq | time | bytes */
    uint8_t res[19] = {0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 9, 'a', 'b', 'c'};
    k = (MDB_val){8, k1};
    v = (MDB_val){sizeof res, res};
    CHECK_EQ_INT(mdb_put(txn, results, &k, &v, 0), 0);
    (void)k2;
    CHECK_EQ_INT(mdb_txn_commit(txn), 0);
    mdb_env_close(env);

    wt_journal_opts_t o = s_opts();
    wt_journal_t *j = s_open(&o);
    CHECK(j != NULL);
    if (!j) return;
    wt_jitem_t it;
    CHECK_EQ_INT(wt_journal_item(j, 1, &it), 0);
    CHECK_EQ_STR(it.id, "old");
    wt_buf_t buf;
    wt_buf_init(&buf);
    CHECK_EQ_INT(wt_journal_payload(j, 1, &buf), 0);
    CHECK(buf.size == sizeof pay && memcmp(buf.data, pay, sizeof pay) == 0);
    wt_buf_reset(&buf);
    uint64_t next;
    CHECK_EQ_INT(wt_journal_results(j, 1, 10, s_append, &buf, &next), 0);
    CHECK(buf.size == 3 && memcmp(buf.data, "abc", 3) == 0);
    /* new writes are sealed and read back */
    uint64_t r;
    CHECK_EQ_INT(wt_journal_done(j, 1, (const uint8_t *)"xyz", 3, 10, &r), 0);
    CHECK_EQ_INT(wt_journal_commit(j, true), 0);
    wt_buf_reset(&buf);
    CHECK_EQ_INT(wt_journal_results(j, 1, 10, s_append, &buf, &next), 0);
    CHECK(buf.size == 6 && memcmp(buf.data, "abcxyz", 6) == 0);
    wt_journal_stats_t st;
    wt_journal_stats(j, &st);
    CHECK_EQ_INT(st.damaged, 0);
    wt_buf_free(&buf);
    wt_journal_destroy(&j);
    s_rmdir();
}

int main(void)
{
    test_format1();
    test_damage();
    test_lock();
    test_clock();
    test_basic();
    test_nested_dir();
    test_restart();
    test_dead();
    test_dedup_window();
    test_retention();
    test_fsync_policy();
    test_full_and_abort();
    TEST_END();
}
