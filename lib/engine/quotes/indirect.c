/*  indirect.c: pass 4, reported speech without quotation marks: X said
    (that) CLAUSE, X told Y that CLAUSE, CLAUSE, X said. / said X., according
    to X, CLAUSE, and a parenthetical "CLAUSE, X argues, CLAUSE". A clause
    ends at its sentence end, a direct quote, or the writer's next clause;
    clauses holding quoted words are left to those quotes. At most 250 tokens
    per clause, so a run-on megabyte sentence stays linear.
*/
#include "quotes_int.h"

#include <string.h>

static q_quote_t *s_add_indirect(wt_quotes_ctx_t *ctx, uint32_t c0, uint32_t c1, const q_spk_t *sp)
{
    /* trim leading marks/punctuation and trailing stops/marks/commas */
    while (c0 < c1 && (TK(c0)->kind == WT_TOK_PUNCT || TK(c0)->kind == WT_TOK_DASH))
        c0++;
    while (c1 > c0 &&
           (TK(c1 - 1)->kind == WT_TOK_PUNCT || TK(c1 - 1)->kind == WT_TOK_DASH ||
            (TK(c1 - 1)->kind == WT_TOK_QUOTE && wt_q_side(ctx, TK(c1 - 1)) != SIDE_OPEN)))
        c1--;
    if (c1 <= c0 || wt_q_words(ctx, c0, c1) < 3) return NULL;
    /* reported speech is speech without quotation marks: a clause holding quoted
   words is reported by those quotes (titles in marks do not count) */
    for (uint32_t i = c0; i < c1; i++) {
        uint32_t id = ctx->qid[i];
        if (id && !wt_q_titlecase(ctx, &ctx->q[id - 1])) return NULL;
        if (id) i = ctx->q[id - 1].c != Q_NONE ? ctx->q[id - 1].c : i;
    }

    q_quote_t *q = wt_q_add_quote(ctx, Q_NONE, Q_NONE, c0, c1, TK(c0)->para, QF_INDIRECT | QF_OWN);
    if (!q) return NULL;
    q->kind = WT_QUOTE_INDIRECT;
    q->spk = *sp;
    q->b0 = TK(c0)->start;
    q->b1 = TK(c1 - 1)->end;
    q->keep = 1;
    return q;
}

static bool s_aux_soon(const wt_quotes_ctx_t *ctx, uint32_t k, uint32_t end);

/* End of a reported clause starting at c0 in sentence s: the sentence end,
   or the opening mark of a direct quote. */
static uint32_t s_clause_end(const wt_quotes_ctx_t *ctx, uint32_t c0, const wt_sentence_t *s)
{
    uint32_t e = s->tok_end;
    if (e > c0 + 250) e = c0 + 250;
    const wt_doc_t *d = ctx->doc;
    for (uint32_t k = c0; k < e; k++) {
        uint32_t id = ctx->qid[k];
        if (id && ctx->q[id - 1].kind == WT_QUOTE_DIRECT) return k;
        /* a new clause of the writer's: "; ...", ", but he ...", ", while ..." */
        if (k > c0 + 2 && q_punct(ctx, k, ';')) return k;
        /* "said X and called on Y", "said X but warned Y": the speaker's next
           act; "said X, noting Y": a second reported clause */
        if (k > c0 + 2 && (wt_tok_is(d, TK(k), "and") || wt_tok_is(d, TK(k), "but")) && k + 1 < e) {
            const ql_entry_t *v = q_verb(ctx, k + 1);
            if (v && (v->vform == QV_PAST || v->vform == QV_S)) return k;
            static const char *const acts[] = {"criticised", "criticized", "praised",   "blamed",
                                               "rejected",   "welcomed",   "dismissed", "demanded",
                                               "condemned",  "defended",   NULL};
            for (int a = 0; acts[a]; a++)
                if (wt_tok_is(d, TK(k + 1), acts[a])) return k;
        }
        if (k > c0 + 2 && q_punct(ctx, k, ',') && k + 1 < e) {
            const ql_entry_t *v = q_verb(ctx, k + 1);
            if (v && v->vform == QV_ING && !(v->vflags & QVF_WEAK)) return k;
        }
        /* a dash that opens no parenthetical: the writer's aside follows
           ("... services – even though the borough ...") */
        if (k > c0 + 2 && TK(k)->kind == WT_TOK_DASH) {
            bool pair = false;
            for (uint32_t j = k + 1; j < e && !pair; j++)
                pair = TK(j)->kind == WT_TOK_DASH;
            if (!pair) return k;
        }
        if (k > c0 + 2 && q_punct(ctx, k, ',') && k + 2 < e) {
            const wt_token_t *n = TK(k + 1);
            /* ", which ..." after a complete clause (its finite verb seen) is the
               writer's comment; inside the subject ("his plan, which ..., could
               work") it belongs to the clause */
            bool which = false;
            if (wt_tok_is(d, n, "which"))
                for (uint32_t j = c0; j + 1 < k && !which; j++)
                    which = s_aux_soon(ctx, j, j + 2);
            if (wt_tok_ieq(d, n, "but") || wt_tok_ieq(d, n, "while") || which ||
                wt_tok_ieq(d, n, "although") || wt_tok_ieq(d, n, "whereas") ||
                (wt_tok_ieq(d, n, "and") && (q_cls(ctx, k + 2) & QL_PRON)))
                return k;
        }
    }
    return e;
}

/* Does a finite auxiliary follow within a short subject ("confirmed Jane Roe
   had resigned", "added the plant would close")? Then a clause follows the
   verb, not a plain object. */
static bool s_aux_soon(const wt_quotes_ctx_t *ctx, uint32_t k, uint32_t end)
{
    static const char *const aux[] = {"had",   "has",   "have",   "was",   "were", "is",
                                      "are",   "would", "will",   "could", "can",  "may",
                                      "might", "must",  "should", "did",   "does", NULL};
    for (uint32_t j = k + 1; j < end && j < k + 6; j++) {
        if (TK(j)->kind != WT_TOK_WORD && TK(j)->kind != WT_TOK_POSS) return false;
        if (q_verb(ctx, j)) return false;
        for (int a = 0; aux[a]; a++)
            if (wt_tok_is(ctx->doc, TK(j), aux[a])) return true;
    }
    return false;
}

/* Start of a reported clause that ends at token e: its sentence start, at
   most 250 tokens back (a run-on "sentence" of a megabyte stays linear). */
static uint32_t s_cstart(const wt_sentence_t *s, uint32_t e)
{
    return e > s->tok_first + 250 ? e - 250 : s->tok_first;
}

/* "According to X, CLAUSE" / "CLAUSE, according to X.". True when token v
   opens "according to X": the cue is then used up, a clause found or not. */
static bool s_cue_according(wt_quotes_ctx_t *ctx, const wt_sentence_t *s, uint32_t v, q_spk_t *sp,
                            uint32_t *done)
{
    uint32_t end;
    if (!q_ieq(ctx, v, "according") ||
        !wt_q_according(ctx, v, s->tok_end < v + 30 ? s->tok_end : v + 30, sp, &end))
        return false;
    if (end < s->tok_end && q_punct(ctx, end, ',') && v <= s->tok_first + 1) {
        uint32_t ce = s_clause_end(ctx, end + 1, s);
        /* "According to the Daily Ledger, Jane Roe said: ..." is the
           way to a quote, not a reported clause */
        uint32_t last = ce;
        while (last > end + 1 && TK(last - 1)->kind != WT_TOK_WORD)
            last--;
        if (last > end + 1 && q_verb(ctx, last - 1)) return true;
        if (ce < s->tok_end && (q_inq(ctx, ce) || q_punct(ctx, ce - 1, ':'))) return true;
        if (s_add_indirect(ctx, end + 1, ce, sp)) *done = ce;
    } else if (v > s->tok_first && q_punct(ctx, v - 1, ',') &&
               (end >= s->tok_end || q_stop(ctx, end))) {
        bool marks = false;
        for (uint32_t k = s_cstart(s, v); k < v; k++)
            if (q_inq(ctx, k)) marks = true;
        if (!marks && s_add_indirect(ctx, s_cstart(s, v - 1), v - 1, sp)) *done = end;
    }
    return true;
}

/* "Stating that CLAUSE, X directed ...": a participle opening the sentence
   reports the clause of the subject that follows it. True when token v is
   such a participle. */
static bool s_cue_participle(wt_quotes_ctx_t *ctx, const wt_sentence_t *s, uint32_t v, q_spk_t *sp,
                             uint32_t *done)
{
    const ql_entry_t *e = ctx->lxc[v];
    if (v != s->tok_first || v + 2 >= s->tok_end || !e || !(e->cls & QL_VERB) ||
        e->vform != QV_ING || (e->vflags & (QVF_WEAK | QVF_DESCRIBE)) ||
        !wt_tok_ieq(ctx->doc, TK(v + 1), "that"))
        return false;
    for (uint32_t k = v + 3; k + 1 < s->tok_end && k < v + 60; k++) {
        if (q_inq(ctx, k)) break;
        if (!q_punct(ctx, k, ',')) continue;
        uint32_t end;
        if (wt_q_np_fwd(ctx, k + 1, s->tok_end, sp, &end) && end < s->tok_end && q_lower(TK(end)) &&
            !(q_cls(ctx, end) & (QL_PREP | QL_SUBORD))) {
            wt_q_set_cue(sp, v, v + 1);
            if (s_add_indirect(ctx, v + 2, k, sp)) *done = k;
            break;
        }
    }
    return true;
}

/* "expressed confidence they would", "pointed out that": a verb with a fixed
   complement reports like "said". True when token v opens one. */
static bool s_cue_fixed(wt_quotes_ctx_t *ctx, const wt_sentence_t *s, uint32_t v, q_spk_t *sp,
                        uint32_t *done)
{
    const wt_doc_t *d = ctx->doc;
    uint32_t vskip = 0;
    if (v + 2 < s->tok_end && q_lower(TK(v)) &&
        ((q_is(ctx, v, "expressed") || q_is(ctx, v, "expresses")) &&
         (q_is(ctx, v + 1, "confidence") || q_is(ctx, v + 1, "hope") ||
          q_is(ctx, v + 1, "concern") || q_is(ctx, v + 1, "doubt"))))
        vskip = 1;
    if (v + 2 < s->tok_end && q_lower(TK(v)) &&
        (q_is(ctx, v, "pointed") || q_is(ctx, v, "points")) && q_is(ctx, v + 1, "out"))
        vskip = 1;
    if (!vskip) return false;
    if (!wt_q_np_back(ctx, v, s->tok_first, sp)) return true;
    uint32_t c0 = v + 1 + vskip;
    if (wt_tok_is(d, TK(c0), "that")) c0++;
    if (c0 >= s->tok_end || q_inq(ctx, c0) || TK(c0)->kind != WT_TOK_WORD ||
        (q_cls(ctx, c0) & QL_PREP))
        return true;
    wt_q_set_cue(sp, v, v + 1 + vskip);
    uint32_t ce = s_clause_end(ctx, c0, s);
    if (s_add_indirect(ctx, c0, ce, sp)) *done = ce;
    return true;
}

/* A cue verb e at token v that reports nobody's words: a passive ("were told
   that ...": no teller) or an infinitive of intention ("to argue", "to
   claim"; "posted a note to say he was staying" is the subject's). */
static bool s_no_teller(const wt_quotes_ctx_t *ctx, const wt_sentence_t *s, uint32_t v,
                        const ql_entry_t *e)
{
    const wt_doc_t *d = ctx->doc;
    if (v > s->tok_first &&
        (wt_tok_is(d, TK(v - 1), "was") || wt_tok_is(d, TK(v - 1), "were") ||
         wt_tok_is(d, TK(v - 1), "been") || wt_tok_is(d, TK(v - 1), "being")) &&
        e->vform == QV_PAST)
        return true;
    return v > s->tok_first && wt_tok_ieq(d, TK(v - 1), "to") && !wt_tok_is(d, TK(v), "say") &&
           !wt_tok_is(d, TK(v), "announce");
}

/* "And, Jane Roe argues, the city is divided": a parenthetical cue verb e at
   token v, its speaker right after the sentence's opening comma. True when
   the clause after it was taken. */
static bool s_cue_parenthetical(wt_quotes_ctx_t *ctx, const wt_sentence_t *s, uint32_t v,
                                const ql_entry_t *e, q_spk_t *sp, uint32_t *done)
{
    if (!(v + 2 < s->tok_end && q_punct(ctx, v + 1, ',') && e->vform != QV_ING &&
          !(e->vflags & QVF_THINK) && wt_q_np_back(ctx, v, s->tok_first, sp) &&
          sp->kind != SK_NONE && sp->t0 > s->tok_first))
        return false;
    uint32_t cs = sp->t0;
    while (cs > s->tok_first + 1 && !q_punct(ctx, cs - 1, ',') && sp->t0 - cs < 6 &&
           (q_nametok(ctx, cs - 1) || (q_cls(ctx, cs - 1) & QL_DET)))
        cs--;
    if (!(q_punct(ctx, cs - 1, ',') && cs - 1 <= s->tok_first + 1)) return false;
    wt_q_set_cue(sp, v, v + 1);
    uint32_t ce = s_clause_end(ctx, v + 2, s);
    if (s_add_indirect(ctx, v + 2, ce, sp)) *done = ce;
    return true;
}

/* Does the sentence end after cue verb v, but for a time or a short
   prepositional phrase ("..., the minister said on Wednesday.", "confirmed
   to NBC News.") or a participle ("..., Jane Roe said, calling for ...")? */
static bool s_cue_ends_sentence(const wt_quotes_ctx_t *ctx, const wt_sentence_t *s, uint32_t v)
{
    uint32_t after = v + 1;
    while (after < s->tok_end && (q_cls(ctx, after) & QL_TIME))
        after++;
    if (after < s->tok_end && (q_cls(ctx, after) & QL_PREP) && q_lower(TK(after))) {
        uint32_t x = after + 1;
        while (x < s->tok_end && x < after + 6 && TK(x)->kind == WT_TOK_WORD && !q_verb(ctx, x))
            x++;
        if (x >= s->tok_end || q_stop(ctx, x)) after = x;
    }
    if (after >= s->tok_end || q_stop(ctx, after)) return true;
    return after + 1 < s->tok_end && q_punct(ctx, after, ',') && q_verb(ctx, after + 1) &&
           q_verb(ctx, after + 1)->vform == QV_ING;
}

/* "..., a source with direct knowledge of the case confirmed.": a nominal
   after the last comma before cue verb v (a determiner, its head within
   three words) becomes the speaker in *sp. */
static void s_comma_nominal(const wt_quotes_ctx_t *ctx, const wt_sentence_t *s, uint32_t v,
                            q_spk_t *sp)
{
    for (uint32_t p = v - 1; p > s->tok_first && v - p < 12; p--) {
        if (!q_punct(ctx, p, ',')) continue;
        if (!(q_cls(ctx, p + 1) & QL_DET)) break;
        for (uint32_t h = p + 2; h < p + 5 && h < v; h++)
            if (wt_q_nomhead(ctx, h) && q_lower(TK(h))) {
                q_spk_init(sp, SK_NOM, p + 1, h + 1);
                break;
            }
        break;
    }
}

/* The reported clause before a tail cue, ending at token e (the comma before
   the speaker or the cue): from the sentence start, or after a headline's
   colon ("Solar deals: Tariff must fall, says X"); none when it holds quoted
   words. */
static void s_add_before(wt_quotes_ctx_t *ctx, const wt_sentence_t *s, uint32_t e, q_spk_t *sp)
{
    bool marks = false;
    uint32_t c0 = s_cstart(s, e);
    for (uint32_t k = c0; k < e; k++)
        if (q_inq(ctx, k)) marks = true;
    for (uint32_t k = e; k-- > c0;)
        if (q_punct(ctx, k, ':')) {
            c0 = k + 1;
            break;
        }
    if (!marks) s_add_indirect(ctx, c0, e, sp);
}

/* "CLAUSE, X said." / "CLAUSE, said X.": cue verb e at token v ends the
   sentence. True when the sentence was taken (the rest of it is then done). */
static bool s_cue_tail(wt_quotes_ctx_t *ctx, const wt_sentence_t *s, uint32_t v,
                       const ql_entry_t *e, q_spk_t *sp, uint32_t *done)
{
    if (v <= s->tok_first + 4 || (e->vflags & QVF_THINK)) return false;
    bool at_end = s_cue_ends_sentence(ctx, s, v);
    if (at_end && !(wt_q_np_back(ctx, v, s->tok_first, sp) && sp->t0 > s->tok_first &&
                    q_punct(ctx, sp->t0 - 1, ',')))
        s_comma_nominal(ctx, s, v, sp);
    if (at_end &&
        ((sp->kind == SK_NOM && sp->t0 > s->tok_first && q_punct(ctx, sp->t0 - 1, ',')) ||
         wt_q_np_back(ctx, v, s->tok_first, sp)) &&
        sp->t0 > s->tok_first && sp->kind != SK_NONE) {
        uint32_t cs = sp->t0;
        /* "..., Mayor Jane Roe said": the titles dropped from the
           span still belong to the subject */
        if (sp->kind == SK_NAME)
            while (cs > s->tok_first + 1 && !q_punct(ctx, cs - 1, ',') && cs + 8 > sp->t0 &&
                   (q_nametok(ctx, cs - 1) ||
                    (q_lower(TK(cs - 1)) && (q_cls(ctx, cs - 1) & QL_TITLE))))
                cs--;
        if (cs > s->tok_first && q_punct(ctx, cs - 1, ',')) {
            wt_q_set_cue(sp, v, v + 1);
            s_add_before(ctx, s, cs - 1, sp);
            *done = s->tok_end;
            return true;
        }
    }
    uint32_t end;
    if (q_punct(ctx, v - 1, ',') && wt_q_np_fwd(ctx, v + 1, s->tok_end, sp, &end) &&
        (end >= s->tok_end || q_stop(ctx, end) || q_punct(ctx, end, ','))) {
        wt_q_set_cue(sp, v, v + 1);
        s_add_before(ctx, s, v - 1, sp);
        *done = s->tok_end;
        return true;
    }
    return false;
}

/* Start of a clause reported without "that" after cue verb e at token v, or
   Q_NONE: "said he was not surprised", "said on Friday he would", but not an
   object ("added a dozen firms to a list") nor a directive ("warned
   protesters to clear the square"). */
static uint32_t s_clause_nothat(const wt_quotes_ctx_t *ctx, const wt_sentence_t *s, uint32_t v,
                                const ql_entry_t *e)
{
    const wt_doc_t *d = ctx->doc;
    uint32_t k = v + 1;
    if (!(e->vflags & QVF_NOTHAT) || (e->vflags & QVF_OBJ && e->vflags & QVF_THINK)) return Q_NONE;
    if (e->vflags & QVF_OBJ) {
        /* tell: only "told X that" */
        if (!wt_tok_ieq(d, TK(v), "warned") && !wt_tok_ieq(d, TK(v), "warns")) return Q_NONE;
    }
    while (k < s->tok_end && (q_cls(ctx, k) & QL_TIME) && !(q_cls(ctx, k) & QL_DET))
        k++;
    if (k >= s->tok_end) return Q_NONE;
    if ((q_cls(ctx, k) & QL_PREP) && q_lower(TK(k))) {
        /* "said on Friday he was not surprised": a time phrase, then a pronoun */
        for (uint32_t j = k + 1; j < s->tok_end && j < k + 6; j++) {
            if (TK(j)->kind != WT_TOK_WORD) break;
            if ((q_cls(ctx, j) & QL_PRON) && j > k + 1) {
                k = j;
                break;
            }
        }
    }
    uint32_t c = q_cls(ctx, k);
    const wt_token_t *t = TK(k);

    bool even_if = wt_tok_is(d, t, "even") && k + 1 < s->tok_end &&
                   (wt_tok_is(d, TK(k + 1), "if") || wt_tok_is(d, TK(k + 1), "though"));
    if (!even_if && (t->kind == WT_TOK_PUNCT || t->kind == WT_TOK_DASH || t->kind == WT_TOK_QUOTE ||
                     (c & (QL_PREP | QL_OBJPRON)) || q_verb(ctx, k) || (c & QL_ADV)))
        return Q_NONE;
    /* "added a dozen firms to a list", "announced a deficit": a verb that
       also takes a plain object reports a clause without "that" only
       when the clause visibly opens with its subject pronoun */
    if (!even_if && (e->vflags & QVF_NPOBJ) && !((c & QL_PRON) && !(c & QL_DET)) &&
        !wt_tok_ieq(d, t, "there") && !s_aux_soon(ctx, k, s->tok_end))
        return Q_NONE;
    /* "warned protesters to clear the square": object + infinitive is a
       directive, not reported speech */
    if (e->vflags & QVF_OBJ) {
        for (uint32_t j = k; j < s->tok_end && j < k + 5; j++) {
            if (wt_tok_is(d, TK(j), "to")) return Q_NONE;
            if (TK(j)->kind != WT_TOK_WORD || q_verb(ctx, j)) break;
        }
    }
    return k;
}

/* "X said (that) CLAUSE": cue verb e at token v with its speaker before it. */
static void s_cue_said(wt_quotes_ctx_t *ctx, const wt_sentence_t *s, uint32_t v,
                       const ql_entry_t *e, q_spk_t *sp, uint32_t *done)
{
    const wt_doc_t *d = ctx->doc;
    if (!wt_q_np_back(ctx, v, s->tok_first, sp)) return;
    if (sp->kind == SK_PRON && (sp->gender == QG_PL || sp->gender == QG_N) &&
        wt_tok_ieq(d, TK(sp->t0), "we"))
        return;
    wt_q_set_cue(sp, v, v + 1);
    uint32_t c0 = Q_NONE;
    /* "that" within a few tokens (an object or a time phrase between) */
    for (uint32_t j = v + 1; j < s->tok_end && j < v + 13; j++) {
        if (q_inq(ctx, j) || q_stop(ctx, j) || q_punct(ctx, j, ';')) break;
        if (wt_tok_ieq(d, TK(j), "that")) {
            c0 = j + 1;
            break;
        }
        if (q_verb(ctx, j) || (TK(j)->kind == WT_TOK_PUNCT && !q_punct(ctx, j, ','))) break;
    }
    if (c0 == Q_NONE) c0 = s_clause_nothat(ctx, s, v, e);
    if (c0 >= s->tok_end || q_inq(ctx, c0)) return;
    uint32_t ce = s_clause_end(ctx, c0, s);
    if (s_add_indirect(ctx, c0, ce, sp)) *done = ce;
}

/* Pass 4: every sentence, left to right; a cue found takes its clause, and
   the scan resumes after it. */
void wt_q_indirect(wt_quotes_ctx_t *ctx)
{
    const wt_doc_t *d = ctx->doc;
    for (size_t si = 0; si < d->nsents; si++) {
        const wt_sentence_t *s = &d->sents[si];
        uint32_t done = s->tok_first;
        for (uint32_t v = s->tok_first; v < s->tok_end; v++) {
            if (v < done || ctx->qid[v]) continue;
            /* both cues below ("according", a speech verb) are words: skip
               the rest cheaply, most tokens are neither */
            if (TK(v)->kind != WT_TOK_WORD) continue;
            /* every cue below is a verb of the lexicon, or one of "according"
               (9 bytes), "expressed"/"expresses" (9), "pointed" (7), "points"
               (6): any other word is no cue */
            const ql_entry_t *lx = ctx->lxc[v];
            uint32_t n = wt_tok_len(TK(v));
            if ((!lx || !(lx->cls & QL_VERB)) && n != 9 && n != 7 && n != 6) continue;
            q_spk_t sp;
            memset(&sp, 0, sizeof sp);
            if (s_cue_according(ctx, s, v, &sp, &done) || s_cue_participle(ctx, s, v, &sp, &done) ||
                s_cue_fixed(ctx, s, v, &sp, &done))
                continue;
            const ql_entry_t *e = q_verb(ctx, v);
            if (!e || (e->vflags & QVF_DESCRIBE) || !q_lower(TK(v))) continue;
            if (s_no_teller(ctx, s, v, e) || s_cue_parenthetical(ctx, s, v, e, &sp, &done) ||
                s_cue_tail(ctx, s, v, e, &sp, &done))
                continue;
            s_cue_said(ctx, s, v, e, &sp, &done);
        }
    }
}
