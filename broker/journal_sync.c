/*  journal_sync.c: the fsync thread of a journal under fsync=always (group
    commit; see journal.h, "generations").

    The broker's thread keeps committing LMDB transactions; this thread
    fsyncs data.mdb and says which commit the fsync covered. One mutex and
    one condition guard the few fields below; the fsync itself runs without
    the mutex but with `busy` set, and a commit (mdb_txn_commit) is only
    made under the mutex with `busy` clear. So no commit ever runs while an
    fsync does: an fsync covers exactly the commits made before it began,
    and a copy of data.mdb taken right after an fsync (the power-loss test
    shim) is exactly the state of the last commit before it, never a commit
    half written. (LMDB also reuses the pages freed two commits back: a
    commit running during an fsync could overwrite pages of the state that
    fsync is making durable.)

    One commit per fsync: a commit is also only made once the one before
    it is durable. With MDB_NOSYNC, LMDB writes a commit's pages and then
    its meta page without an fsync between them, and commit T reuses pages
    that were part of the state T-3 (freed by commit T-2). Were three
    commits made before the next fsync ends (the thread slow to wake on a
    loaded machine), a page of the last durable state could be rewritten in
    the page cache and reach the disk before a power loss, under a meta
    page that still points at it. With at most one commit not yet durable,
    the writes that can reach the disk early only touch pages of no state
    the disk's meta pages name, except that commit's own, and the state
    before it stays whole (tests/shim/powerloss.c counts commits per fsync:
    it_broker_onecommit).

    Wake-ups: every commit asks for an fsync (`want`), so that nothing
    committed waits for one that nobody asked for; the thread waits on the
    condition for `want` to pass `synced`; the broker waits for results on
    an eventfd that this thread writes after every fsync (the broker reads
    it, then reads `synced`, so no wake-up is lost). Stopping: `stop` is set
    under the mutex and the thread finishes what was asked before it
    leaves; wt_jsync_stop() joins it. A failed fsync is sticky: nothing
    committed after it is ever said to be durable.
*/
#include "journal_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct wt_jsync {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* want changed, stop set, or an fsync ended (busy cleared) */
    int efd;           /* eventfd written after every fsync (the broker polls it) */
    bool busy, stop;
    uint64_t want;           /* the highest generation asked to be made durable */
    uint64_t committed;      /* the generation of the last commit */
    uint64_t committed_rseq; /* next_rseq as of that commit */
    uint64_t synced;         /* the highest durable generation */
    uint64_t synced_rseq;    /* next_rseq as of that generation */
    int err;                 /* the first failed fsync (sticky), or 0 */
    uint64_t syncs;
};

static void *s_run(void *arg)
{
    wt_journal_t *j = arg;
    struct wt_jsync *s = j->syncer;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->stop && (s->err || s->want <= s->synced))
            pthread_cond_wait(&s->cv, &s->mu);
        if (s->err || s->want <= s->synced) break; /* stop, nothing more to do */
        uint64_t gen = s->committed, rseq = s->committed_rseq;
        s->busy = true; /* no commit until this fsync ends */
        pthread_mutex_unlock(&s->mu);
        int rc = mdb_env_sync(j->env, 1);
        pthread_mutex_lock(&s->mu);
        s->busy = false;
        if (rc) {
            /* a failed fsync is an I/O error whatever errno says */
            s->err = rc == ENOSPC ? -EIO : wt_jerr(rc);
        } else {
            s->synced = gen;
            s->synced_rseq = rseq;
            s->syncs++;
        }
        pthread_cond_broadcast(&s->cv);
        uint64_t one = 1;
        if (write(s->efd, &one, sizeof one) != sizeof one) {
            /* the counter is full (never read): the broker wakes anyway */
        }
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

int wt_jsync_start(wt_journal_t *self)
{
    struct wt_jsync *s = wt_calloc(1, sizeof *s);
    s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (s->efd < 0) {
        int rc = -errno;
        free(s);
        return rc;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->committed = s->synced = self->commits;
    s->committed_rseq = s->synced_rseq = self->next_rseq;
    self->syncer = s;
    int rc = pthread_create(&s->thread, NULL, s_run, self);
    if (rc) {
        self->syncer = NULL;
        close(s->efd);
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->cv);
        free(s);
        return -rc;
    }
    return 0;
}

void wt_jsync_stop(wt_journal_t *self)
{
    struct wt_jsync *s = self->syncer;
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    self->syncs += s->syncs;
    close(s->efd);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
    self->syncer = NULL;
}

/* Ask for generation gen to be made durable (under the mutex). */
static void s_want(struct wt_jsync *s, uint64_t gen)
{
    if (gen > s->want) {
        s->want = gen;
        pthread_cond_broadcast(&s->cv);
    }
}

/* May a commit be made now? Not while an fsync runs, and not while the
   last commit is not durable yet (see "one commit per fsync" above). */
static bool s_may_commit(const struct wt_jsync *s)
{
    return !s->busy && (s->err || s->committed <= s->synced);
}

bool wt_jsync_lock(wt_journal_t *self, bool wait)
{
    struct wt_jsync *s = self->syncer;
    pthread_mutex_lock(&s->mu);
    while (!s_may_commit(s)) {
        if (!wait) {
            pthread_mutex_unlock(&s->mu);
            return false;
        }
        pthread_cond_wait(&s->cv, &s->mu);
    }
    return true;
}

void wt_jsync_unlock(wt_journal_t *self, bool committed)
{
    struct wt_jsync *s = self->syncer;
    if (committed) { /* every commit is fsynced soon (fsync=always) */
        s->committed = self->commits;
        s->committed_rseq = self->next_rseq;
        s_want(s, s->committed);
    }
    pthread_mutex_unlock(&s->mu);
}

void wt_jsync_request(wt_journal_t *self, uint64_t gen)
{
    struct wt_jsync *s = self->syncer;
    pthread_mutex_lock(&s->mu);
    s_want(s, gen);
    pthread_mutex_unlock(&s->mu);
}

int wt_jsync_wait(wt_journal_t *self, uint64_t gen)
{
    struct wt_jsync *s = self->syncer;
    pthread_mutex_lock(&s->mu);
    s_want(s, gen);
    while (!s->err && s->synced < gen)
        pthread_cond_wait(&s->cv, &s->mu);
    int rc = s->err;
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int wt_jsync_state(wt_journal_t *self, uint64_t *synced, uint64_t *synced_rseq, uint64_t *syncs)
{
    struct wt_jsync *s = self->syncer;
    pthread_mutex_lock(&s->mu);
    if (synced) *synced = s->synced;
    if (synced_rseq) *synced_rseq = s->synced_rseq;
    if (syncs) *syncs = s->syncs;
    int rc = s->err;
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int wt_jsync_fd(wt_journal_t *self)
{
    return self->syncer ? self->syncer->efd : -1;
}
