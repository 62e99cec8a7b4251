/*  cues.c: pass 3, the cue that attributes a quote, in order: right after
    the quote ("Q," X said / said X / X, a spokesman, said / according to X /
    — Name), right before it (X said: "Q"), a colon-ended previous paragraph,
    a cue elsewhere in the sentence (partial quotes); and, for a direct quote
    with none, the speaking subject of the sentence before it. The speaker
    words come from speakers.c.
*/
#include "quotes_int.h"

#include <string.h>

void wt_q_set_cue(q_spk_t *sp, uint32_t cue, uint32_t cue_end)
{
    sp->cue = cue;
    sp->cue_end = cue_end;
}

/* "according to X" at token k. */
bool wt_q_according(const wt_quotes_ctx_t *ctx, uint32_t k, uint32_t hi, q_spk_t *sp, uint32_t *end)
{
    if (k + 2 >= hi || !wt_tok_ieq(ctx->doc, TK(k), "according") ||
        !wt_tok_ieq(ctx->doc, TK(k + 1), "to"))
        return false;
    if (!wt_q_np_fwd(ctx, k + 2, hi, sp, end)) return false;
    wt_q_set_cue(sp, k, k + 2);
    return true;
}

/* "a homeless man who goes by the name “Shorty”", "a woman who identified
   herself only as Maria": the name given right after a nominal speaker. */
static void s_known_as(const wt_quotes_ctx_t *ctx, uint32_t end, uint32_t hi, q_spk_t *sp)
{
    const wt_doc_t *d = ctx->doc;
    if (end >= hi || !(q_cls(ctx, end) & QL_SUBORD) || !wt_tok_ieq(d, TK(end), "who")) return;
    for (uint32_t j = end + 1; j + 1 < hi && j < end + 10; j++) {
        const wt_token_t *t = TK(j);
        if (q_stop(ctx, j)) return;
        if (!(wt_tok_ieq(d, t, "name") || wt_tok_ieq(d, t, "as") || wt_tok_ieq(d, t, "named") ||
              wt_tok_ieq(d, t, "nicknamed") || wt_tok_ieq(d, t, "called")))
            continue;
        uint32_t s = j + 1, e = s;
        if (TK(s)->kind == WT_TOK_QUOTE) s++;
        e = s;
        while (e < hi && e < s + 4 && q_capword(TK(e)))
            e++;
        if (e > s) {
            sp->kind = SK_NAME;
            sp->t0 = s;
            sp->t1 = e;
            sp->org = 0;
            sp->person = 1;
            sp->actor = sp->men = -1;
            return;
        }
    }
}

/* "the firm's head of legal affairs, Jane Roe": a nominal speaker ending at
   token end, followed (after the rest of its phrase and a comma) by a
   person's name that closes the phrase. The name is the speaker. */
static void s_appos_name(const wt_quotes_ctx_t *ctx, uint32_t end, uint32_t hi, q_spk_t *sp)
{
    if (sp->kind != SK_NOM) return;
    for (uint32_t j = end; j < hi && j < end + 12; j++) {
        const wt_token_t *t = TK(j);
        if (q_inq(ctx, j) || q_stop(ctx, j)) return;
        if (q_punct(ctx, j, ',')) {
            q_spk_t nm;
            memset(&nm, 0, sizeof nm);
            uint32_t e2;
            if (j + 1 >= hi || !q_nametok(ctx, j + 1) || !wt_q_name_fwd(ctx, j + 1, hi, &nm, &e2))
                return;
            if (nm.org || nm.kind != SK_NAME) return;
            bool personal = nm.person || nm.gender || e2 - nm.t0 >= 2;
            bool closes = e2 >= hi || q_stop(ctx, e2) || q_punct(ctx, e2, ',') ||
                          q_punct(ctx, e2, '(') || q_verb(ctx, e2) || TK(e2)->para != TK(j)->para;
            if (!personal || !closes) return;
            nm.actor = nm.men = -1;
            *sp = nm;
            return;
        }
        if (t->kind == WT_TOK_POSS) continue;
        if (t->kind != WT_TOK_WORD) return;
        if (q_lower(t) && q_verb(ctx, j)) return;
        if (q_cls(ctx, j) & (QL_SUBORD | QL_PRON | QL_OBJPRON)) return;
    }
}

/* "the statement released by the city police", "the ruling": a document as
   the subject of a cue. Its speaker is the body after "by"/"from", else the
   subject of the sentence that brought the document in (within the three
   sentences before); else no speaker (a document is not a speaker: wt_q_settle
   drops it). */
static bool s_document(const wt_quotes_ctx_t *ctx, uint32_t s, uint32_t hi, q_spk_t *sp,
                       uint32_t *end)
{
    static const char *const docs[] = {"statement", "report", "ruling",   "study", "letter",
                                       "release",   "filing", "judgment", "memo",  "notice",
                                       "post",      "tweet",  "document", NULL};
    const wt_doc_t *d = ctx->doc;
    if (s >= hi || !(q_cls(ctx, s) & QL_DET) || TK(s)->kind != WT_TOK_WORD) return false;
    uint32_t h = Q_NONE;
    for (uint32_t j = s + 1; j < hi && j < s + 4 && h == Q_NONE; j++) {
        if (!q_lower(TK(j)) || ctx->qid[j]) return false;
        for (int k = 0; docs[k]; k++)
            if (wt_tok_is(d, TK(j), docs[k])) h = j;
    }
    if (h == Q_NONE) return false;
    *end = h + 1;
    for (uint32_t j = h + 1; j + 1 < hi && j < h + 4; j++) {
        if (!q_lower(TK(j))) break;
        if (wt_tok_is(d, TK(j), "by") || wt_tok_is(d, TK(j), "from")) {
            uint32_t e2;
            if (wt_q_np_fwd(ctx, j + 1, hi, sp, &e2)) {
                *end = e2;
                return true;
            }
            break;
        }
    }
    /* the subject of the sentence that brought the document in ("The ministry
       issued a statement ...", "X said in a statement"), within the three
       sentences before */
    uint32_t si = TK(s)->sent;
    uint32_t stop = si > 3 ? si - 3 : 0;
    uint32_t floor_tok = d->sents[stop].tok_first;
    if (s > floor_tok + 300) floor_tok = s - 300; /* bounded in run-on text */
    for (uint32_t k = s; k-- > floor_tok;) {
        if (TK(k)->hash != TK(h)->hash || ctx->qid[k]) continue;
        uint32_t slo = d->sents[TK(k)->sent].tok_first;
        q_spk_t sub;
        memset(&sub, 0, sizeof sub);
        if (wt_q_subject(ctx, k, slo, &sub) && sub.kind != SK_NONE && sub.kind != SK_PRON) {
            *sp = sub;
            sp->actor = sp->men = -1;
            return true;
        }
        break;
    }
    q_spk_init(sp, SK_NOM, s, h + 1);
    sp->org = 1;
    return true;
}

/* Cue right after the closing mark. */
static bool s_cue_after(wt_quotes_ctx_t *ctx, q_quote_t *q, q_spk_t *sp)
{
    if (q->c == Q_NONE) return false;
    const wt_paragraph_t *pa = &ctx->doc->paras[q->para];
    uint32_t k = q->c + 1, pe = pa->tok_end;
    uint32_t first = k;
    int skipped = 0;
    while (k < pe && skipped < 3 &&
           (q_punct(ctx, k, ',') || TK(k)->kind == WT_TOK_DASH ||
            (TK(k)->kind == WT_TOK_QUOTE && wt_q_side(ctx, TK(k)) != SIDE_OPEN))) {
        k++;
        skipped++;
    }
    if (k >= pe) return false;
    uint32_t hi = k + 40 < pe ? k + 40 : pe;
    const ql_entry_t *v = q_verb(ctx, k);
    uint32_t end;
    if (v && v->vform != QV_ING && !(v->vflags & (QVF_THINK | QVF_DESCRIBE))) {
        if (wt_q_np_fwd(ctx, k + 1, hi, sp, &end)) {
            if (sp->kind == SK_NOM) s_known_as(ctx, end, hi, sp);
            s_appos_name(ctx, end, hi, sp);
            wt_q_set_cue(sp, k, k + 1);
            return true;
        }
        /* "“Q,” read the statement released by the police" */
        if (s_document(ctx, k + 1, hi, sp, &end)) {
            wt_q_set_cue(sp, k, k + 1);
            return true;
        }
        return false;
    }

    if (wt_q_according(ctx, k, hi, sp, &end)) return true;
    /* "“Q,” the statement said" */
    if (s_document(ctx, k, hi, sp, &end) && end < hi && q_verb(ctx, end) &&
        !(q_verb(ctx, end)->vflags & QVF_THINK)) {
        wt_q_set_cue(sp, end, end + 1);
        return true;
    }
    if (wt_q_np_fwd(ctx, k, hi, sp, &end)) {
        uint32_t j = end;
        s_appos_name(ctx, end, hi, sp);
        /* appositive or relative clause: ", a spokesman for Y," */
        if (j < hi && q_punct(ctx, j, ',')) {
            /* the comma after which a cue verb follows (the appositive may hold
               commas of its own: "assistant secretary for population, refugees
               and migration, said") */
            uint32_t m = j + 1, found = Q_NONE;
            while (m < hi && m - j < 40 && !q_stop(ctx, m) && !q_inq(ctx, m)) {
                if (q_punct(ctx, m, ',')) {
                    uint32_t x = m + 1;
                    while (x < hi && x < m + 3 && (q_cls(ctx, x) & QL_ADV) && q_lower(TK(x)))
                        x++;
                    if (x < hi && q_verb(ctx, x)) {
                        found = m;
                        break;
                    }
                    if (found == Q_NONE) found = m;
                }
                m++;
            }
            if (found != Q_NONE) j = found + 1;
        } else if (j < hi && q_punct(ctx, j, '(')) {
            uint32_t m = j + 1;
            while (m < hi && m - j < 14 && !q_punct(ctx, m, ')'))
                m++;
            if (m < hi) j = m + 1;
        }
        int n = 0;
        while (j < hi && n < 3 && (q_cls(ctx, j) & QL_ADV) && q_lower(TK(j)) && !q_verb(ctx, j)) {
            j++;
            n++;
        }
        const ql_entry_t *v2 = j < hi ? q_verb(ctx, j) : NULL;
        if (v2 && !(v2->vflags & QVF_THINK) && !ctx->qid[j]) {
            wt_q_set_cue(sp, j, j + 1);
            return true;
        }
    }
    /* trailing "— Name" (rest of the paragraph) */
    if (first < pe && q_dashlike(ctx, first)) {
        uint32_t s = first + 1;
        if (s < pe && pe - s <= 8 && wt_q_name_fwd(ctx, s, pe, sp, &end)) {
            while (end < pe && (q_punct(ctx, end, ',') || q_nametok(ctx, end) || q_lower(TK(end)) ||
                                q_stop(ctx, end)))
                end++;
            if (end == pe) {
                sp->actor = sp->men = -1;
                wt_q_set_cue(sp, Q_NONE, Q_NONE);
                return true;
            }
        }
    }
    return false;
}

/* Cue right before the opening mark: `X said: "Q"`, `what X calls "Q"`. */
static bool s_cue_before(wt_quotes_ctx_t *ctx, q_quote_t *q, q_spk_t *sp)
{
    if (q->o == Q_NONE) return false;
    const wt_paragraph_t *pa = &ctx->doc->paras[q->para];
    if (q->o == pa->tok_first) return false;
    uint32_t k = q->o - 1;
    bool colon = q_punct(ctx, k, ':');
    if (colon || q_punct(ctx, k, ',') || q_dashlike(ctx, k) ||
        wt_tok_ieq(ctx->doc, TK(k), "that")) {
        if (k == pa->tok_first) return false;
        k--;
    }
    /* a fragment takes a cue close before it ("called the verdict “Q”"); a
   clause can have its cue further back ("told reporters on Monday: “Q”") */
    bool clause = colon || k + 1 < q->o || q->left;
    uint32_t span = clause ? 12 : 6;
    uint32_t lo = k > pa->tok_first + span ? k - span : pa->tok_first;
    for (uint32_t v = k + 1; v-- > lo;) {
        if (q_inq(ctx, v) || q_stop(ctx, v) || q_punct(ctx, v, ';')) break;
        const ql_entry_t *e = v + 1 >= k ? q_verb(ctx, v) : q_verb_far(ctx, v);
        if (!e || (e->vflags & QVF_THINK && !colon)) continue;

        uint32_t slo = ctx->doc->sents[TK(v)->sent].tok_first;
        if (slo < pa->tok_first) slo = pa->tok_first;
        if (v > slo && wt_q_np_back(ctx, v, slo, sp)) {
            wt_q_set_cue(sp, v, v + 1);
            return true;
        }
        uint32_t end;
        if (wt_q_np_fwd(ctx, v + 1, k + 1, sp, &end) && end >= k) {
            wt_q_set_cue(sp, v, v + 1);
            return true;
        }
        break;
    }
    /* headline or transcript "Name: Q" */
    if (colon && q->o - 1 > pa->tok_first) {
        uint32_t s0 = ctx->doc->sents[TK(q->o - 1)->sent].tok_first;
        if (s0 < pa->tok_first) s0 = pa->tok_first;
        uint32_t end;
        if (q->o - 1 - s0 <= 6 && wt_q_name_fwd(ctx, s0, q->o - 1, sp, &end) && end == q->o - 1) {
            sp->actor = sp->men = -1;
            wt_q_set_cue(sp, Q_NONE, Q_NONE);
            return true;
        }
    }
    return false;
}

/* The previous paragraph ends with a colon: "And from Chairwoman X:". */
static bool s_cue_prevcolon(wt_quotes_ctx_t *ctx, q_quote_t *q, q_spk_t *sp)
{
    if (q->para == 0) return false;
    const wt_paragraph_t *pa = &ctx->doc->paras[q->para];
    if (q->o != pa->tok_first && q->c0 != pa->tok_first) return false;
    const wt_paragraph_t *pp = &ctx->doc->paras[q->para - 1];
    if (pp->tok_end == pp->tok_first) return false;
    uint32_t L = pp->tok_end - 1;
    if (!q_punct(ctx, L, ':')) return false;
    uint32_t s0 = ctx->doc->sents[TK(L)->sent].tok_first;
    if (s0 < pp->tok_first) s0 = pp->tok_first;
    if (L - s0 > 60) s0 = L - 60;
    for (uint32_t v = L; v-- > s0;) {
        const ql_entry_t *e = q_verb(ctx, v);
        if (e && !(e->vflags & QVF_THINK) && !q_inq(ctx, v)) {
            if (v > s0 && wt_q_np_back(ctx, v, s0, sp)) {
                wt_q_set_cue(sp, v, v + 1);
                return true;
            }
            uint32_t end;
            if (wt_q_np_fwd(ctx, v + 1, L, sp, &end)) {
                wt_q_set_cue(sp, v, v + 1);
                return true;
            }
        }
    }
    for (uint32_t e = L; e > s0; e--) {
        if (q_nametok(ctx, e - 1)) {
            if (wt_q_name_back(ctx, e, s0, sp)) {
                sp->actor = sp->men = -1;
                wt_q_set_cue(sp, Q_NONE, Q_NONE);
                return true;
            }
            break;
        }
    }
    return false;
}

/* A cue elsewhere in the sentence: the leftmost strong cue verb with a
   subject before the quote (the verb that governs the reported speech),
   "according to X", else a cue verb after the quote. */
static bool s_cue_sentence(wt_quotes_ctx_t *ctx, q_quote_t *q, q_spk_t *sp)
{
    uint32_t a = q->o != Q_NONE ? q->o : q->c0;
    uint32_t b = q->c != Q_NONE ? q->c : q->c1 - 1;
    const wt_sentence_t *s = &ctx->doc->sents[TK(a)->sent];
    const wt_sentence_t *s2 = &ctx->doc->sents[TK(b)->sent];
    uint32_t first = s->tok_first;
    /* a paragraph that opens in lower case continues the sentence broken off
       at the end of the previous one ("asked the judge\n\nnot to be “Q”") */
    if (TK(a)->sent > 0 && first == ctx->doc->paras[TK(a)->para].tok_first && q_lower(TK(first)) &&
        !q_stop(ctx, first - 1))
        first = ctx->doc->sents[TK(a)->sent - 1].tok_first;
    uint32_t lo = a > first + 40 ? a - 40 : first;
    uint32_t hi = b + 40 < s2->tok_end ? b + 40 : s2->tok_end;
    for (uint32_t v = lo; v < a; v++) {
        if (q_inq(ctx, v)) continue;
        uint32_t end;
        if (wt_tok_ieq(ctx->doc, TK(v), "according") && wt_q_according(ctx, v, a, sp, &end))
            return true;
        const ql_entry_t *e = q_verb_far(ctx, v);
        if (!e) continue;
        if (v > lo && wt_q_np_back(ctx, v, lo, sp)) {
            wt_q_set_cue(sp, v, v + 1);
            return true;
        }
    }
    for (uint32_t v = b + 1; v < hi; v++) {
        if (q_inq(ctx, v)) continue;
        uint32_t end;
        if (wt_q_according(ctx, v, hi, sp, &end)) return true;
        const ql_entry_t *e = q_verb_far(ctx, v);
        if (!e || (e->vflags & QVF_THINK)) continue;
        if (v > b + 1 && wt_q_np_back(ctx, v, b + 1, sp)) {
            wt_q_set_cue(sp, v, v + 1);
            return true;
        }
        /* "“Q” about the decision, said X" */
        if (q_punct(ctx, v - 1, ',') && e->vform != QV_ING &&
            wt_q_np_fwd(ctx, v + 1, hi, sp, &end)) {
            wt_q_set_cue(sp, v, v + 1);
            return true;
        }
    }
    return false;
}

/* A direct quote with no cue of its own, right after a sentence (same or
   previous paragraph, no quote in it) whose subject speaks: "Blinken
   described the verdict as an affront. “Q.”" */
bool wt_q_cue_prevsent(wt_quotes_ctx_t *ctx, q_quote_t *q, q_spk_t *sp)
{
    uint32_t a = q->o != Q_NONE ? q->o : q->c0;
    uint32_t si = TK(a)->sent;
    if (si == 0) return false;
    const wt_sentence_t *s = &ctx->doc->sents[si - 1];
    if (s->para + 1 < TK(a)->para || s->tok_end == s->tok_first) return false;
    uint32_t lo = s->tok_first, hi = s->tok_end;
    if (hi - lo > 80) lo = hi - 80;
    for (uint32_t v = lo; v < hi; v++)
        if (q_inq(ctx, v)) return false;
    for (uint32_t v = lo + 1; v < hi; v++) {
        const ql_entry_t *e = q_verb(ctx, v);
        if (!e || (e->vflags & QVF_THINK)) continue;
        if (wt_q_np_back(ctx, v, lo, sp)) {
            wt_q_set_cue(sp, Q_NONE, Q_NONE);
            return true;
        }
    }
    /* a one-line introduction in the paragraph before: "From the desk of John
       Doe, VP Analyst, WSJ." / "Statement by Senator Jane Roe" */
    const wt_paragraph_t *pp = &ctx->doc->paras[s->para];
    if (s->para + 1 == TK(a)->para && pp->sent_end - pp->sent_first == 1 && hi - lo <= 20 &&
        (wt_tok_ieq(ctx->doc, TK(lo), "from") || wt_tok_ieq(ctx->doc, TK(lo), "statement"))) {
        for (uint32_t i = lo + 1; i < hi; i++) {
            uint32_t end;
            if (q_nametok(ctx, i) && wt_q_name_fwd(ctx, i, hi, sp, &end) && sp->person &&
                !sp->org) {
                sp->actor = sp->men = -1;
                wt_q_set_cue(sp, Q_NONE, Q_NONE);
                return true;
            }
        }
    }
    return false;
}

/* The speaker's own cue, by pattern priority. */

bool wt_q_own_cue(wt_quotes_ctx_t *ctx, q_quote_t *q, q_spk_t *sp)
{
    q_spk_init(sp, SK_NONE, 0, 0);
    sp->cue = Q_NONE;
    bool own = s_cue_after(ctx, q, sp);
    if (!own && !(q->flags & QF_ORPHAN))
        own = s_cue_before(ctx, q, sp) || s_cue_prevcolon(ctx, q, sp);
    if (!own && !(q->flags & QF_ORPHAN) && (q->kind == WT_QUOTE_PARTIAL || !(q->flags & QF_CONT)))
        own = s_cue_sentence(ctx, q, sp);
    if (own && sp->kind == SK_PRON &&
        (wt_tok_ieq(ctx->doc, TK(sp->t0), "we") || wt_tok_ieq(ctx->doc, TK(sp->t0), "i")))
        sp->kind = SK_NONE; /* the writer or a group: not a speaker we report */
    return own;
}
