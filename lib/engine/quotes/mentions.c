/*  mentions.c: pass 2, the people and organisations a pronoun or a
    definite description may refer to: every actor mention of the actors
    stage (ctx->am, sorted), person mentions from those and from our own name
    runs and nominal subjects (ctx->men, with gender, title and salience),
    and the surname map (last word -> gender, actor, fullest mention).
*/
#include "quotes_int.h"

#include <stdlib.h>
#include <string.h>

static void s_gmap_reset(wt_quotes_ctx_t *ctx, size_t want)
{
    size_t cap = q_table_cap(256, want);
    if (cap > ctx->gcap) {
        free(ctx->gkey);
        free(ctx->gval);
        free(ctx->gactor);
        free(ctx->gbest);
        ctx->gkey = wt_malloc(cap * sizeof *ctx->gkey);
        ctx->gval = wt_malloc(cap);
        ctx->gactor = wt_malloc(cap * sizeof *ctx->gactor);
        ctx->gbest = wt_malloc(cap * sizeof *ctx->gbest);
        ctx->gcap = cap;
    }
    /* this item's table: only its slots are cleared (the allocation keeps
       the largest item's size) */
    ctx->gmask = cap - 1;
    memset(ctx->gval, 0xff, cap);
}

size_t wt_q_gslot(const wt_quotes_ctx_t *ctx, uint32_t key)
{
    size_t j = (key * 2654435761u) & ctx->gmask;
    while (ctx->gval[j] != 0xff && ctx->gkey[j] != key)
        j = (j + 1) & ctx->gmask;
    return j;
}

void wt_q_gmap_put(wt_quotes_ctx_t *ctx, uint32_t key, uint8_t gender, int actor)
{
    size_t j = wt_q_gslot(ctx, key);
    if (ctx->gval[j] == 0xff) {
        ctx->gkey[j] = key;
        ctx->gval[j] = gender;
        ctx->gactor[j] = actor;
        ctx->gbest[j] = -1;
        return;
    }
    if (!ctx->gval[j]) ctx->gval[j] = gender;
    if (ctx->gactor[j] < 0) ctx->gactor[j] = actor;
}

uint8_t wt_q_gmap_gender(const wt_quotes_ctx_t *ctx, uint32_t key, int *actor)
{
    size_t j = wt_q_gslot(ctx, key);
    if (ctx->gval[j] == 0xff) {
        if (actor) *actor = -1;
        return QG_NONE;
    }
    if (actor) *actor = ctx->gactor[j];
    return ctx->gval[j];
}

/* Sorts a[0, n) by start, stable (the order glibc's merge-sorting qsort
   gave): nearly sorted input (each actor's mentions come in text order)
   costs one pass; else insertion sort of runs of 16, then merging rounds
   through the context's buffer. No call per comparison, no allocation once
   the buffer has grown. */
static void s_sort_men(wt_quotes_ctx_t *ctx, q_men_t *a, size_t n)
{
    size_t i = 1;
    while (i < n && a[i - 1].start <= a[i].start)
        i++;
    if (i >= n) return;
    enum { RUN = 16 };
    for (size_t lo = 0; lo < n; lo += RUN) {
        size_t hi = lo + RUN < n ? lo + RUN : n;
        for (size_t k = lo + 1; k < hi; k++) {
            if (a[k - 1].start <= a[k].start) continue;
            q_men_t x = a[k];
            size_t j = k;
            for (; j > lo && a[j - 1].start > x.start; j--)
                a[j] = a[j - 1];
            a[j] = x;
        }
    }
    if (n <= RUN) return;
    wt_grow(&ctx->mtmp, &ctx->mtmp_cap, n, sizeof *ctx->mtmp);
    q_men_t *src = a, *dst = ctx->mtmp;
    for (size_t w = RUN; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t p = lo, q = mid, o = lo;
            while (p < mid && q < hi)
                dst[o++] = src[q].start < src[p].start ? src[q++] : src[p++];
            while (p < mid)
                dst[o++] = src[p++];
            while (q < hi)
                dst[o++] = src[q++];
        }
        q_men_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, n * sizeof *a);
}

/* First token with start >= b (binary search). */
uint32_t wt_q_tok_at(const wt_quotes_ctx_t *ctx, uint32_t b)
{
    size_t lo = 0, hi = ctx->doc->ntoks;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ctx->doc->toks[mid].start < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (uint32_t)lo;
}

static bool s_salient(const wt_quotes_ctx_t *ctx, uint32_t t0, uint32_t t1);
static uint32_t s_title_before(const wt_quotes_ctx_t *ctx, uint32_t t0);
static uint32_t s_title_after(const wt_quotes_ctx_t *ctx, uint32_t t1);

static void s_add_men(wt_quotes_ctx_t *ctx, uint32_t t0, uint32_t t1, int actor, uint8_t gender,
                      uint8_t type)
{
    wt_grow(&ctx->men, &ctx->men_cap, ctx->nmen + 1, sizeof *ctx->men);
    q_men_t *m = &ctx->men[ctx->nmen++];
    m->start = TK(t0)->start;
    m->end = TK(t1 - 1)->end;
    m->tok = t0;
    m->key = TK(t1 - 1)->hash;
    m->actor = actor;
    m->gender = gender;
    m->type = type;
    m->title = s_title_before(ctx, t0);
    m->apptitle = s_title_after(ctx, t1);
    m->salient = s_salient(ctx, t0, t1);
    m->nominal = 0;
}

uint32_t wt_q_tok_past(const wt_quotes_ctx_t *ctx, uint32_t t, uint32_t end)
{
    while (t < ctx->doc->ntoks && TK(t)->end <= end)
        t++;
    return t;
}

size_t wt_q_men_at(const q_men_t *m, size_t n, uint32_t pos)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Index of the actor whose mention overlaps bytes [b0, b1) best, or -1. */
int wt_q_actor_at(const wt_quotes_ctx_t *ctx, uint32_t b0, uint32_t b1, bool want_person)
{
    size_t lo = wt_q_men_at(ctx->am, ctx->nam, b1);
    int best = -1;
    uint32_t best_ov = 0;
    for (size_t k = lo, n = 0; k-- > 0 && n < 16; n++) {
        const q_men_t *m = &ctx->am[k];
        if (m->end <= b0) continue;
        uint32_t s = m->start > b0 ? m->start : b0, e = m->end < b1 ? m->end : b1;
        uint32_t ov = e > s ? e - s : 0;
        if (want_person && m->type == WT_ACTOR_PERSON) ov += 1u << 20;
        if (ov > best_ov) {
            best_ov = ov;
            best = m->actor;
        }
    }
    return best;
}

/* Gender evidence around a person mention [t0, t1). */
static uint8_t s_gender_at(const wt_quotes_ctx_t *ctx, uint32_t t0, uint32_t t1)
{
    uint32_t from = t0 > 0 ? t0 - 1 : t0;
    for (uint32_t k = from; k < t1; k++) {
        const ql_entry_t *e = q_lx(ctx, k);
        if (e && (e->cls & (QL_HONOR | QL_TITLE | QL_FIRST)) &&
            (e->gender == QG_M || e->gender == QG_F))
            return e->gender;
    }
    return QG_NONE;
}

void wt_q_collect_mentions(wt_quotes_ctx_t *ctx)
{
    wt_result_t *res = ctx->res;
    ctx->nmen = ctx->nam = 0;
    size_t total = 0;
    for (size_t a = 0; a < res->actor_count; a++)
        total += res->actors[a].mention_count;
    s_gmap_reset(ctx, total + ctx->doc->ntoks / 4 + 16);
    for (size_t a = 0; a < res->actor_count; a++) {
        const wt_actor_t *ac = &res->actors[a];
        for (size_t m = 0; m < ac->mention_count; m++) {
            wt_grow(&ctx->am, &ctx->am_cap, ctx->nam + 1, sizeof *ctx->am);
            q_men_t *x = &ctx->am[ctx->nam++];
            x->start = ac->mentions[m].start;
            x->end = ac->mentions[m].end;
            x->actor = (int)a;
            x->type = (uint8_t)ac->type;
            x->gender = 0;
            x->tok = 0;
            x->key = 0;
        }
    }
    s_sort_men(ctx, ctx->am, ctx->nam);
    /* person actors: mentions with gender, keyed by their last word */
    for (size_t k = 0; k < ctx->nam; k++) {
        q_men_t *x = &ctx->am[k];
        if (x->type != WT_ACTOR_PERSON || x->end <= x->start) continue;
        uint32_t t0 = wt_q_tok_at(ctx, x->start), t1 = wt_q_tok_past(ctx, t0, x->end);
        if (t1 <= t0) continue;
        uint32_t last = t1;
        while (last > t0 && TK(last - 1)->kind != WT_TOK_WORD)
            last--;
        if (last <= t0) continue;
        uint8_t g = s_gender_at(ctx, t0, last);
        s_add_men(ctx, t0, last, x->actor, g, WT_ACTOR_PERSON);
        wt_q_gmap_put(ctx, TK(last - 1)->hash, g, x->actor);
    }
    /* our own: name runs with evidence of a person, and speakers of cue verbs */
    const wt_doc_t *d = ctx->doc;
    for (uint32_t i = 0; i < d->ntoks;) {
        /* q_nametok() needs a capital or a hyphen: test the flags inline
           first, most tokens have neither */
        if (!(TK(i)->flags & (WT_TF_CAP | WT_TF_ALLCAP | WT_TF_INITIAL | WT_TF_HYPHEN)) ||
            !q_nametok(ctx, i)) {
            i++;
            continue;
        }
        q_spk_t sp;
        uint32_t end;
        uint32_t hi = i + 12 < d->ntoks ? i + 12 : (uint32_t)d->ntoks;
        if (!wt_q_name_fwd(ctx, i, hi, &sp, &end)) {
            i++;
            continue;
        }
        bool verb_after = end < d->ntoks && q_verb(ctx, end);
        bool verb_before = i > 0 && q_verb(ctx, i - 1);
        uint8_t g0 = QG_NONE;
        bool known = false;
        if (!sp.org) {
            int act;
            g0 = wt_q_gmap_gender(ctx, TK(sp.t1 - 1)->hash, &act);
            known = ctx->gval[wt_q_gslot(ctx, TK(sp.t1 - 1)->hash)] != 0xff;
        }
        bool sent_start_only =
            (TK(i)->flags & WT_TF_SENT_START) && end == i + 1 && !verb_after && !known;
        if (!sp.org && !sent_start_only &&
            (sp.person || sp.gender || known || verb_after || verb_before)) {
            int act = wt_q_actor_at(ctx, TK(sp.t0)->start, TK(sp.t1 - 1)->end, true);
            if (act >= 0 && res->actors[act].type != WT_ACTOR_PERSON) act = -1;
            if (act < 0 || res->actors[act].type == WT_ACTOR_PERSON) {
                uint8_t g = sp.gender ? sp.gender : g0;
                s_add_men(ctx, sp.t0, sp.t1, act, g, WT_ACTOR_PERSON);
                wt_q_gmap_put(ctx, TK(sp.t1 - 1)->hash, g, act);
            }
        }
        i = end;
    }
    /* nominal subjects: "The stranger was eating", for he/she of unknown antecedent */
    for (size_t si = 0; si < d->nsents; si++) {
        uint32_t t = d->sents[si].tok_first;
        if (t + 2 >= d->sents[si].tok_end || ctx->qid[t]) continue;
        if (!wt_tok_is(d, TK(t), "The") && !wt_tok_is(d, TK(t), "A") && !wt_tok_is(d, TK(t), "An"))
            continue;
        uint32_t h = t + 1;
        if (!q_lower(TK(h)) || !q_lower(TK(h + 1))) continue;
        uint32_t c = q_cls(ctx, h);
        if (c & (QL_ORGHEAD | QL_NOTSPK | QL_STOP | QL_TIME | QL_VERB | QL_PREP)) continue;
        if (!(q_cls(ctx, h + 1) & (QL_ADV | QL_VERB)) &&
            !(TK(h + 1)->end - TK(h + 1)->start > 2 && d->text[TK(h + 1)->end - 1] == 's'))
            continue;
        const ql_entry_t *e = q_lx(ctx, h);
        s_add_men(ctx, t, h + 1, -1, e ? e->gender : QG_NONE, WT_ACTOR_PERSON);
        ctx->men[ctx->nmen - 1].nominal = 1;
        ctx->men[ctx->nmen - 1].key = 0;
    }
    s_sort_men(ctx, ctx->men, ctx->nmen);
    /* entity-level gender: every mention of a surname takes what is known */
    for (size_t k = 0; k < ctx->nmen; k++) {
        int act;
        if (ctx->men[k].nominal) continue;
        size_t j = wt_q_gslot(ctx, ctx->men[k].key);
        if (ctx->gval[j] != 0xff) {
            int b = ctx->gbest[j];
            if (b < 0 || ctx->men[k].end - ctx->men[k].start > ctx->men[b].end - ctx->men[b].start)
                ctx->gbest[j] = (int)k;
        }
        uint8_t g = wt_q_gmap_gender(ctx, ctx->men[k].key, &act);
        if (g) ctx->men[k].gender = g;
        if (ctx->men[k].actor < 0) ctx->men[k].actor = act;
    }
}

/* Is the mention [t0, t1) a subject or a speaker: first in its sentence
   (after titles and determiners), or next to a cue verb? */
static bool s_salient(const wt_quotes_ctx_t *ctx, uint32_t t0, uint32_t t1)
{
    uint32_t s = t0;
    while (s > 0 && t0 - s < 8 && !(TK(s)->flags & WT_TF_SENT_START) &&
           (q_nametok(ctx, s - 1) || (q_cls(ctx, s - 1) & (QL_DET | QL_TITLE)) ||
            TK(s - 1)->kind == WT_TOK_POSS))
        s--;
    if (TK(s)->flags & WT_TF_SENT_START) return true;
    if (t1 < ctx->doc->ntoks && q_verb(ctx, t1)) return true;
    if (t1 + 1 < ctx->doc->ntoks && (q_cls(ctx, t1) & QL_ADV) && q_verb(ctx, t1 + 1)) return true;
    /* "Jane Roe on Saturday stressed" */
    if (t1 + 2 < ctx->doc->ntoks && wt_tok_is(ctx->doc, TK(t1), "on") &&
        (q_cls(ctx, t1 + 1) & QL_TIME) && q_verb(ctx, t1 + 2))
        return true;
    /* "said X" names a speaker; "told X" names the one spoken to */
    const ql_entry_t *v = t0 > 0 ? q_verb(ctx, t0 - 1) : NULL;
    return v && !(v->vflags & QVF_OBJ);
}

/* The role title in front of a mention ("U.S. Ambassador to Mexico Ken
   Salazar", "The president of Mexico, X"): hash of the nearest title word. */
static uint32_t s_title_before(const wt_quotes_ctx_t *ctx, uint32_t t0)
{
    for (uint32_t k = t0, n = 0; k-- > 0 && n < 6; n++) {
        if (q_inq(ctx, k) || q_stop(ctx, k) || TK(k)->para != TK(t0)->para) break;
        uint32_t c = q_cls(ctx, k);
        if ((c & QL_TITLE) && !(c & QL_FIRST)) return TK(k)->hash;
    }
    return 0;
}

/* The role in an appositive right after a mention ending at t1: "Jane Roe,
   leader of the opposition", "Jane Roe, the party's leader": hash of the
   first title word, or 0. */
static uint32_t s_title_after(const wt_quotes_ctx_t *ctx, uint32_t t1)
{
    const wt_doc_t *d = ctx->doc;
    if (t1 + 1 >= d->ntoks || !q_punct(ctx, t1, ',')) return 0;
    for (uint32_t k = t1 + 1; k < d->ntoks && k < t1 + 6; k++) {
        if (q_inq(ctx, k) || (TK(k)->kind != WT_TOK_WORD && TK(k)->kind != WT_TOK_POSS)) return 0;
        if (TK(k)->kind == WT_TOK_POSS) continue;
        uint32_t c = q_cls(ctx, k);
        if ((c & QL_TITLE) && !(c & QL_FIRST) && q_lower(TK(k))) return TK(k)->hash;
        if (!q_lower(TK(k)) && !(c & QL_DET)) return 0;
    }
    return 0;
}
