/*  quotes.c: the quotes stage. Finds quoted statements, tells direct quotes
    from partial ones, finds reported speech without marks (indirect), and
    attributes each to its speaker.

    Passes over one document, each linear in its size, each in its own file:
      1. pairing (pairing.c): per paragraph, a small state machine over the
         quote-mark tokens pairs double marks (“ ” " « » „ `` '') by their
         spacing and class, single marks (‘ ’ ') outside double quotes, and
         survives stray, unbalanced and reversed marks. A paragraph that ends
         inside a quote is continued by the next one when that one opens
         with a mark, or closes a mark it never opened.
      2. mentions (mentions.c): person mentions for pronoun resolution, from
         the actors stage (res->actors) and from our own name detection.
      3. attribution (cues.c, speaker words from speakers.c), in order: cue
         right after the quote ("Q," X said / said X / X, a spokesman, said /
         according to X / — Name), cue right before it (X said: "Q"), a
         colon-ended previous paragraph, a cue elsewhere in the sentence
         (partial quotes), then carry-over from the previous quote of the
         same or previous paragraph (here).
      4. indirect speech (indirect.c): X said (that) ..., X told Y that ...,
         ..., X said., according to X, ... (clauses without quotation marks).
      5. in text order (here, antecedents in resolve.c): pronouns and definite
         titles resolve to their antecedent (speaker history + mentions),
         carry-over, keep or drop.
      6. output (output.c); a named person speaker the actors stage missed
         becomes a person actor "q_<name>" appended to res->actors (one per
         surname).
    Every window is bounded (a few dozen tokens, 250 at most), and the maps
    are hashed, so 100,000 marks, 100,000 speakers or a 1 MB paragraph cost
    time proportional to their size.
    See docs/QUOTES.md for the rules and their limits.
*/
#include "quotes_int.h"
#include "engine/words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct wt_quotedb {
    ql_lex_t lex;
    bool indirect;
};

/* ---------------------------------------------------------------- db */

wt_quotedb_t *wt_quotedb_new(const wt_config_t *cfg, char *err, size_t errlen)
{
    wt_quotedb_t *self = wt_calloc(1, sizeof *self);
    self->indirect = cfg ? cfg->quotes_indirect : true;
    char path[4096];
    snprintf(path, sizeof path, "%s/names/first-names.txt", wt_config_data_dir());
    if (ql_lex_init(&self->lex, path, err, errlen) != 0) {
        wt_quotedb_destroy(&self);
        return NULL;
    }
    return self;
}

void wt_quotedb_destroy(wt_quotedb_t **self_p)
{
    if (self_p && *self_p) {
        ql_lex_free(&(*self_p)->lex);
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
        wt_quotes_ctx_t *c = *self_p;
        free(c->q);
        free(c->qid);
        free(c->men);
        free(c->am);
        free(c->mtmp);
        free(c->hist);
        free(c->gkey);
        free(c->gval);
        free(c->gactor);
        free(c->gbest);
        free(c->idh);
        free(c->lxc);
        free(c);
        *self_p = NULL;
    }
}

/* The lexicon's words for the word table (words.c). */
void wt_quotes_words(const wt_quotedb_t *db, wt_word_fn fn, void *ud)
{
    for (size_t j = 0; j < db->lex.cap; j++)
        if (db->lex.vals[j].cls) fn(ud, db->lex.keys[j]);
}

uint32_t wt_quotes_word(const wt_quotedb_t *db, uint32_t h)
{
    const ql_entry_t *e = ql_lex_get(&db->lex, h);
    return e ? (uint32_t)(e - db->lex.vals) + 1 : 0;
}

/* ---------------------------------------------------------------- stage */

/* "each of the “targets” in the field": one lower-case word quoted inside a
   noun phrase (a determiner before it, a preposition after it) names a term;
   nobody is quoted. */
static bool s_term_in_np(const wt_quotes_ctx_t *ctx, const q_quote_t *q)
{
    if (q->o == Q_NONE || q->c == Q_NONE || wt_q_words(ctx, q->c0, q->c1) != 1) return false;
    if (q->o == 0 || q->c + 1 >= ctx->doc->ntoks) return false;
    uint32_t w = q->c0;
    while (w < q->c1 && TK(w)->kind != WT_TOK_WORD)
        w++;
    if (w >= q->c1 || !q_lower(TK(w))) return false;
    uint32_t before = q_cls(ctx, q->o - 1), after = q_cls(ctx, q->c + 1);
    return (before & QL_DET) && q_lower(TK(q->o - 1)) && (after & QL_PREP) &&
           q_lower(TK(q->c + 1)) && !(after & QL_VERB);
}

/* A fragment of numbers only (a tweet id) is no statement. */
static bool s_has_letters(const wt_quotes_ctx_t *ctx, const q_quote_t *q)
{
    for (uint32_t i = q->c0; i < q->c1 && i < q->c0 + 64; i++)
        if (TK(i)->kind == WT_TOK_WORD && !(TK(i)->flags & WT_TF_DIGIT)) return true;
    return false;
}

/* Carry-over: a direct quote with no cue of its own keeps the speaker of the
   previous statement in the same or the previous paragraph, unless a new
   person is named in between (after the sentence of that statement's cue). */
static bool s_carry(wt_quotes_ctx_t *ctx, q_quote_t *q, const q_quote_t *pq)
{
    bool near = q->para == pq->para || q->para == pq->para + 1 || (q->flags & QF_CONT);
    uint32_t pend = pq->c != Q_NONE ? pq->c : pq->c1 - 1;
    bool same_sent = TK(pend)->sent == TK(q->c0)->sent;
    /* a fragment takes the speaker of the quote just before it in its sentence
       ("“A,” said X, adding that “b”"); a sentence-initial one, like a direct quote */
    if (!near || (q->kind != WT_QUOTE_DIRECT && !q->left && !same_sent) ||
        q->kind == WT_QUOTE_INDIRECT)
        return false;
    uint32_t from = pq->c != Q_NONE ? pq->c + 1 : pq->c1;
    if (pq->spk.cue != Q_NONE && pq->spk.cue_end > from) from = pq->spk.cue_end;
    uint32_t to = q->o != Q_NONE ? q->o : q->c0;
    if (from < to) from = ctx->doc->sents[TK(from)->sent].tok_end;
    if (to > from + 200) return false;
    int pact = pq->spk.actor;
    uint32_t pkey = pq->spk.kind == SK_NAME ? TK(pq->spk.t1 - 1)->hash : 0;
    for (uint32_t i = from; i < to; i++) {
        if (ctx->qid[i] || !q_nametok(ctx, i) || TK(i)->hash == pkey ||
            (q_cls(ctx, i) & (QL_TITLE | QL_HONOR | QL_RANK)))
            continue;
        int a = wt_q_actor_at(ctx, TK(i)->start, TK(i)->end, true);
        if (a >= 0 && a == pact) continue;
        int act = -1;
        uint8_t g = wt_q_gmap_gender(ctx, TK(i)->hash, &act);
        if (g || (act >= 0 && act != pact) ||
            (a >= 0 && ctx->res->actors[a].type == WT_ACTOR_PERSON))
            return false;
    }
    q->spk = pq->spk;
    q->spk.cue = Q_NONE;
    return true;
}

static int s_qcmp(const void *a, const void *b)
{
    const q_quote_t *x = a, *y = b;
    if (x->b0 != y->b0) return x->b0 < y->b0 ? -1 : 1;
    return x->b1 < y->b1 ? -1 : x->b1 > y->b1 ? 1 : 0;
}

void wt_quotes_tag(wt_quotes_ctx_t *ctx, const wt_input_t *in, wt_result_t *res)
{
    const wt_doc_t *d = in->doc;
    ctx->doc = d;
    ctx->in = in;
    ctx->res = res;
    ctx->nq = 0;
    ctx->nhist = 0;
    if (!d->ntoks) return;
    wt_grow(&ctx->qid, &ctx->qid_cap, d->ntoks, sizeof *ctx->qid);
    memset(ctx->qid, 0, d->ntoks * sizeof *ctx->qid);
    wt_grow(&ctx->lxc, &ctx->lxc_cap, d->ntoks, sizeof *ctx->lxc);
    for (size_t i = 0; i < d->ntoks; i++) {
        if (d->toks[i].kind != WT_TOK_WORD)
            ctx->lxc[i] = NULL;
        else if (in->words)
            ctx->lxc[i] = in->words[i]->qlex ? &ctx->db->lex.vals[in->words[i]->qlex - 1] : NULL;
        else
            ctx->lxc[i] = ql_lex_get(&ctx->db->lex, d->toks[i].hash);
    }

    /* 1. pairing and kinds */
    wt_q_pair(ctx);

    /* 2. mentions */
    wt_q_collect_mentions(ctx);

    /* 3. own cues of quotes, then indirect speech */
    for (size_t k = 0; k < ctx->nq; k++) {
        q_quote_t *q = &ctx->q[k];
        if (q->keep && wt_q_own_cue(ctx, q, &q->spk)) q->flags |= QF_OWN;
    }
    if (ctx->db->indirect) wt_q_indirect(ctx);

    /* 4. in text order: resolve, carry over, keep or drop */
    if (ctx->nq > 1) qsort(ctx->q, ctx->nq, sizeof *ctx->q, s_qcmp);
    int prev_k = -1;
    for (size_t k = 0; k < ctx->nq; k++) {
        q_quote_t *q = &ctx->q[k];
        if (!q->keep) continue;
        if (q->flags & QF_OWN) {
            wt_q_settle(ctx, &q->spk);
        } else if (q->flags & QF_ORPHAN) {
            q->keep = 0;
            continue;
        } else if (!(prev_k >= 0 && s_carry(ctx, q, &ctx->q[prev_k])) &&
                   q->kind == WT_QUOTE_DIRECT && wt_q_cue_prevsent(ctx, q, &q->spk)) {
            wt_q_settle(ctx, &q->spk);
        }
        bool has = q->spk.kind != SK_NONE;
        if (q->kind == WT_QUOTE_PARTIAL) {
            /* titles of shows and works ("on “New Day”") are not statements */
            q->keep = has && !wt_q_titlecase(ctx, q) && s_has_letters(ctx, q) &&
                      ((q->flags & QF_OWN) || wt_q_words(ctx, q->c0, q->c1) >= 4) &&
                      !s_term_in_np(ctx, q);
            /* a long quoted fragment is somebody's words even when no cue names
               them (titles and scare quotes are short): kept, speaker null */
            if (!has && !wt_q_titlecase(ctx, q) && wt_q_words(ctx, q->c0, q->c1) >= 6) q->keep = 1;

        } else if (q->kind == WT_QUOTE_DIRECT) {
            uint32_t w = wt_q_words(ctx, q->c0, q->c1);
            bool sentence = q_stop(ctx, q->c1 - 1) || w >= 4;
            q->keep = has || (sentence && !wt_q_titlecase(ctx, q));
        } else {
            q->keep = has;
        }
        if (q->keep && has) {
            wt_q_hist_push(ctx, q);
            prev_k = (int)k;
        }
    }
    /* continuation chains: a paragraph quote without a cue takes the speaker
       of the quote that continues it (the cue often comes in the next one) */
    q_quote_t *next = NULL;
    for (size_t k = ctx->nq; k-- > 0;) {
        q_quote_t *q = &ctx->q[k];
        if (!q->keep || (q->flags & QF_INDIRECT)) continue;
        if (next && q->spk.kind == SK_NONE && next->spk.kind != SK_NONE &&
            (q->flags & QF_OPEN_END) && (next->flags & QF_CONT)) {
            q->spk = next->spk;
            q->spk.cue = Q_NONE;
        }
        next = q;
    }

    /* 6. output */
    wt_q_output(ctx);
}
