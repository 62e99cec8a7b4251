/*  actors.c: the actors stage. Not written yet: it tags nothing (see the issue
    that builds it). */
#include "stages.h"

#include <stdlib.h>

struct wt_actordb {
    int unused;
};
struct wt_actors_ctx {
    const wt_actordb_t *db;
};

wt_actordb_t *wt_actordb_new(const wt_config_t *cfg, char *err, size_t errlen)
{
    (void)cfg, (void)err, (void)errlen;
    return wt_calloc(1, sizeof(wt_actordb_t));
}

void wt_actordb_destroy(wt_actordb_t **self_p)
{
    if (self_p && *self_p) {
        free(*self_p);
        *self_p = NULL;
    }
}

wt_actors_ctx_t *wt_actors_ctx_new(const wt_actordb_t *db)
{
    wt_actors_ctx_t *ctx = wt_calloc(1, sizeof *ctx);
    ctx->db = db;
    return ctx;
}

void wt_actors_ctx_destroy(wt_actors_ctx_t **self_p)
{
    if (self_p && *self_p) {
        free(*self_p);
        *self_p = NULL;
    }
}

void wt_actors_tag(wt_actors_ctx_t *ctx, const wt_input_t *in, wt_result_t *res)
{
    (void)ctx, (void)in, (void)res;
}

uint64_t wt_actordb_hash(const wt_actordb_t *db)
{
    (void)db;
    return 0;
}

size_t wt_actordb_warnings(const wt_actordb_t *db)
{
    (void)db;
    return 0;
}
