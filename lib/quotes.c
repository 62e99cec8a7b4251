/*  quotes.c: the quotes stage. Not written yet: it tags nothing (see the issue
    that builds it). */
#include "stages.h"

#include <stdlib.h>

struct wt_quotedb {
    int unused;
};
struct wt_quotes_ctx {
    const wt_quotedb_t *db;
};

wt_quotedb_t *wt_quotedb_new(const wt_config_t *cfg, char *err, size_t errlen)
{
    (void)cfg, (void)err, (void)errlen;
    return wt_calloc(1, sizeof(wt_quotedb_t));
}

void wt_quotedb_destroy(wt_quotedb_t **self_p)
{
    if (self_p && *self_p) {
        free(*self_p);
        *self_p = NULL;
    }
}

wt_quotes_ctx_t *wt_quotes_ctx_new(const wt_quotedb_t *db)
{
    wt_quotes_ctx_t *ctx = wt_calloc(1, sizeof *ctx);
    ctx->db = db;
    return ctx;
}

void wt_quotes_ctx_destroy(wt_quotes_ctx_t **self_p)
{
    if (self_p && *self_p) {
        free(*self_p);
        *self_p = NULL;
    }
}

void wt_quotes_tag(wt_quotes_ctx_t *ctx, const wt_input_t *in, wt_result_t *res)
{
    (void)ctx, (void)in, (void)res;
}
