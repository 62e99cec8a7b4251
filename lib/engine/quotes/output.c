/*  output.c: pass 6, the kept quotes into res->quotes. A named person
    speaker the actors stage missed becomes a person actor "q_<name>"
    appended to res->actors (one per surname, id unique within the item),
    with every mention of its surname and a salience from their count.
*/
#include "quotes_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_idset_reset(wt_quotes_ctx_t *ctx, size_t want)
{
    size_t cap = q_table_cap(64, want);
    if (cap > ctx->idcap) {
        free(ctx->idh);
        ctx->idh = wt_malloc(cap * sizeof *ctx->idh);
        ctx->idcap = cap;
    }
    memset(ctx->idh, 0, ctx->idcap * sizeof *ctx->idh);
    ctx->idn = 0;
}

static uint64_t s_idhash(const char *id)
{
    uint64_t h = wt_hash64(id, strlen(id));
    return h ? h : 1;
}

static bool s_idset_has(const wt_quotes_ctx_t *ctx, const char *id)
{
    uint64_t h = s_idhash(id);
    for (size_t j = h & (ctx->idcap - 1); ctx->idh[j]; j = (j + 1) & (ctx->idcap - 1))
        if (ctx->idh[j] == h) return true;
    return false;
}

static void s_idset_add(wt_quotes_ctx_t *ctx, const char *id)
{
    if ((ctx->idn + 1) * 2 > ctx->idcap)
        return; /* full: never happens with the size chosen per item */
    uint64_t h = s_idhash(id);
    size_t j = h & (ctx->idcap - 1);
    while (ctx->idh[j] && ctx->idh[j] != h)
        j = (j + 1) & (ctx->idcap - 1);
    if (!ctx->idh[j]) {
        ctx->idh[j] = h;
        ctx->idn++;
    }
}

/* ---------------------------------------------------------------- output */

static void s_slug(const char *s, size_t n, char *out, size_t outlen)
{
    size_t o = 0;
    bool us = false;
    for (size_t i = 0; i < n && o + 2 < outlen; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out[o++] = (char)c;
            us = false;
        } else if (c >= 'A' && c <= 'Z') {
            out[o++] = (char)(c + 32);
            us = false;
        } else if (c >= 0x80) {
            out[o++] = (char)c; /* keep UTF-8 letters as they are */
            us = false;
        } else if (!us && o > 0) {
            out[o++] = '_';
            us = true;
        }
    }
    while (o > 0 && out[o - 1] == '_')
        o--;
    out[o] = 0;
}

/* Add a person actor for a speaker that the actors stage did not find: id
   "q_<name>" from the fullest form of the name in the document, one actor
   per surname. Its other mentions are added by s_finish_actors() in one pass. */
static int s_new_actor(wt_quotes_ctx_t *ctx, uint32_t t0, uint32_t t1)
{
    wt_result_t *res = ctx->res;
    const char *text = ctx->doc->text;
    uint32_t key = TK(t1 - 1)->hash;
    int known;
    wt_q_gmap_gender(ctx, key, &known);
    if (known >= 0) return known;
    uint32_t s0 = t0;
    while (t0 + 1 < t1 && (q_cls(ctx, t0) & (QL_HONOR | QL_RANK | QL_TITLE)))
        t0++;
    /* A lone title, rank, unnamed-speaker head or plural ("Minister",
       "General", "Officials", "MPs") names nobody: the quote keeps it as
       speaker text, but it is not a person actor. */
    if (t1 - t0 == 1) {
        const wt_token_t *k = TK(t0);
        uint32_t len = k->end - k->start;
        if ((q_cls(ctx, t0) &
             (QL_HONOR | QL_RANK | QL_TITLE | QL_NOMHEAD | QL_ORGHEAD | QL_NOTSPK | QL_STOP)) ||
            (len > 2 && text[k->end - 1] == 's' && !(q_cls(ctx, t0) & QL_FIRST)))
            return -1;
    }
    /* "New York and Michigan", "Sirius and XM": a list, not one person */
    for (uint32_t t = t0; t < t1; t++)
        if (wt_tok_is(ctx->doc, TK(t), "and")) return -1;
    uint32_t b0 = TK(t0)->start, b1 = TK(t1 - 1)->end;
    size_t j = wt_q_gslot(ctx, key);
    if (ctx->gval[j] != 0xff && ctx->gbest[j] >= 0) {
        const q_men_t *m = &ctx->men[ctx->gbest[j]];
        uint32_t a = m->tok;
        while (a < ctx->doc->ntoks && TK(a)->end < m->end &&
               (q_cls(ctx, a) & (QL_HONOR | QL_RANK | QL_TITLE)))
            a++;
        if (a < ctx->doc->ntoks && TK(a)->start < m->end && m->end - TK(a)->start > b1 - b0) {
            b0 = TK(a)->start;
            b1 = m->end;
        }
    }
    char slug[96], id[128];
    s_slug(text + b0, b1 - b0, slug, sizeof slug);
    if (!slug[0]) return -1;
    snprintf(id, sizeof id, "q_%s", slug);
    /* unique within the item: a suffix when another name gave the same id */
    for (int n = 2; s_idset_has(ctx, id) && n < 1000; n++)
        snprintf(id, sizeof id, "q_%s_%d", slug, n);
    s_idset_add(ctx, id);
    wt_actor_t *ac = wt_result_add_actor(res);
    int idx = (int)(res->actor_count - 1);
    ac->id = wt_strdup(id);
    ac->name = wt_strndup(text + b0, b1 - b0);
    ac->type = WT_ACTOR_PERSON;
    ac->known = false;
    wt_actor_add_mention(ac, TK(s0)->start, TK(t1 - 1)->end);
    wt_q_gmap_put(ctx, key, 0, idx);
    return idx;
}

static int s_span_cmp(const void *a, const void *b)
{
    const wt_span_t *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

/* Give the actors we added every mention of their surname we found, in text
   order, and a salience from their count. One pass over the mentions. */
static void s_finish_actors(wt_quotes_ctx_t *ctx, size_t first_new)
{
    wt_result_t *res = ctx->res;
    if (res->actor_count <= first_new) return;
    for (size_t k = 0; k < ctx->nmen; k++) {
        const q_men_t *m = &ctx->men[k];
        if (m->actor >= 0 || m->nominal) continue;
        int act;
        wt_q_gmap_gender(ctx, m->key, &act);
        if (act < (int)first_new || (size_t)act >= res->actor_count) continue;
        wt_actor_t *ac = &res->actors[act];
        bool dup = false;
        for (size_t i = 0; i < ac->mention_count && i < 1; i++) /* the speaker span */
            if (ac->mentions[i].start <= m->start && m->end <= ac->mentions[i].end) dup = true;
        if (!dup) wt_actor_add_mention(ac, m->start, m->end);
    }
    for (size_t a = first_new; a < res->actor_count; a++) {
        wt_actor_t *ac = &res->actors[a];
        if (ac->mention_count > 1)
            qsort(ac->mentions, ac->mention_count, sizeof *ac->mentions, s_span_cmp);
        size_t n = ac->mention_count;
        ac->salience = n >= 10 ? 1.0 : 0.1 * (double)n;
    }
}

static void s_emit(wt_quotes_ctx_t *ctx, q_quote_t *q)
{
    const char *text = ctx->doc->text;
    wt_quote_t *o = wt_result_add_quote(ctx->res);
    o->span.start = q->b0;
    o->span.end = q->b1;
    o->kind = (wt_quote_kind_t)q->kind;
    q_spk_t *sp = &q->spk;
    if (sp->cue != Q_NONE && sp->cue_end > sp->cue) {
        uint32_t c0 = TK(sp->cue)->start, c1 = TK(sp->cue_end - 1)->end;
        o->cue = wt_strndup(text + c0, c1 - c0);
    }
    if (sp->kind == SK_NONE) return;
    uint32_t t0 = sp->t0, t1 = sp->t1;
    if (sp->kind == SK_NAME && sp->actor < 0 && !sp->org &&
        (sp->person || sp->gender || t1 - t0 >= 2))
        sp->actor = s_new_actor(ctx, t0, t1);
    o->has_speaker = true;
    o->speaker.start = TK(t0)->start;
    o->speaker.end = TK(t1 - 1)->end;
    if (sp->actor >= 0 && (size_t)sp->actor < ctx->res->actor_count &&
        ctx->res->actors[sp->actor].id)
        o->speaker_actor = wt_strdup(ctx->res->actors[sp->actor].id);
}

/* Emit the kept quotes in text order, adding the speaker actors the actors
   stage missed. */
void wt_q_output(wt_quotes_ctx_t *ctx)
{
    size_t first_new = ctx->res->actor_count;
    s_idset_reset(ctx, ctx->nq + 16);
    for (size_t k = 0; k < ctx->nq; k++)
        if (ctx->q[k].keep && ctx->q[k].b1 > ctx->q[k].b0) s_emit(ctx, &ctx->q[k]);
    s_finish_actors(ctx, first_new);
}
