/*  issues.c: the issues stage. Not written yet: it tags nothing (see the issue
    that builds it). */
#include "stages.h"

#include <stdlib.h>

struct wt_issuedb {
    int unused;
};
struct wt_issues_ctx {
    const wt_issuedb_t *db;
};

wt_issuedb_t *wt_issuedb_new(const wt_config_t *cfg, char *err, size_t errlen)
{
    (void)cfg, (void)err, (void)errlen;
    return wt_calloc(1, sizeof(wt_issuedb_t));
}

void wt_issuedb_destroy(wt_issuedb_t **self_p)
{
    if (self_p && *self_p) {
        free(*self_p);
        *self_p = NULL;
    }
}

wt_issues_ctx_t *wt_issues_ctx_new(const wt_issuedb_t *db)
{
    wt_issues_ctx_t *ctx = wt_calloc(1, sizeof *ctx);
    ctx->db = db;
    return ctx;
}

void wt_issues_ctx_destroy(wt_issues_ctx_t **self_p)
{
    if (self_p && *self_p) {
        free(*self_p);
        *self_p = NULL;
    }
}

void wt_issues_tag(wt_issues_ctx_t *ctx, const wt_input_t *in, wt_result_t *res)
{
    (void)ctx, (void)in, (void)res;
}

uint64_t wt_issuedb_hash(const wt_issuedb_t *db)
{
    (void)db;
    return 0;
}
