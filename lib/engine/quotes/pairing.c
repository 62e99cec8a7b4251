/*  pairing.c: pass 1, quote marks into quotes. Per paragraph, a small state
    machine over the quote-mark tokens pairs double marks (“ ” " « » „ `` '')
    by their spacing and class, single marks (‘ ’ ') outside double quotes,
    and survives stray, unbalanced and reversed marks. A paragraph that ends
    inside a quote is continued by the next one when that one opens with a
    mark, or closes a mark it never opened. Then each quote's bytes are
    trimmed and its kind decided: direct when it stands as a clause, partial
    otherwise.
*/
#include "quotes_int.h"

#include <string.h>

static bool s_spacech(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* Side of a mark. Straight marks: the text layer's spacing guess. Curly and
   angle marks: clear spacing (space on one side only) wins over the class,
   which catches reversed marks; otherwise the class (`,“Look` opens). */
int wt_q_side(const wt_quotes_ctx_t *ctx, const wt_token_t *t)
{
    int cls;
    switch (t->quote) {
    case WT_Q_DOUBLE_OPEN:
    case WT_Q_GUILLEMET_OPEN:
    case WT_Q_SINGLE_OPEN:
        cls = SIDE_OPEN;
        break;
    case WT_Q_DOUBLE_CLOSE:
    case WT_Q_GUILLEMET_CLOSE:
    case WT_Q_SINGLE_CLOSE:
        cls = SIDE_CLOSE;
        break;
    default:
        cls = SIDE_AMBIG;
        break;
    }
    if (cls == SIDE_AMBIG)
        return t->qside == WT_QS_OPEN    ? SIDE_OPEN
               : t->qside == WT_QS_CLOSE ? SIDE_CLOSE
                                         : SIDE_AMBIG;
    const char *x = ctx->doc->text;
    size_t len = ctx->doc->len;
    uint32_t b = t->start;
    bool sb = b == 0 || s_spacech(x[b - 1]) || x[b - 1] == '(' || x[b - 1] == '[' ||
              (b >= 3 && (unsigned char)x[b - 3] == 0xE2 && (unsigned char)x[b - 2] == 0x80 &&
               ((unsigned char)x[b - 1] == 0x94 || (unsigned char)x[b - 1] == 0x93));
    bool sa = t->end >= len || s_spacech(x[t->end]);
    if (sb && !sa) return SIDE_OPEN;
    if (!sb && sa) return SIDE_CLOSE;
    return cls;
}

static bool s_double(const wt_token_t *t)
{
    return t->quote == WT_Q_DOUBLE_STRAIGHT || t->quote == WT_Q_DOUBLE_OPEN ||
           t->quote == WT_Q_DOUBLE_CLOSE || t->quote == WT_Q_GUILLEMET_OPEN ||
           t->quote == WT_Q_GUILLEMET_CLOSE;
}

q_quote_t *wt_q_add_quote(wt_quotes_ctx_t *ctx, uint32_t o, uint32_t c, uint32_t c0, uint32_t c1,
                          uint32_t para, uint32_t flags)
{
    if (c1 <= c0) return NULL;
    wt_grow(&ctx->q, &ctx->qcap, ctx->nq + 1, sizeof *ctx->q);
    q_quote_t *q = &ctx->q[ctx->nq++];
    *q = (q_quote_t){.o = o, .c = c, .c0 = c0, .c1 = c1, .para = para, .flags = flags};
    q->spk.actor = q->spk.men = -1;
    q->spk.cue = Q_NONE;
    return q;
}

/* A word of two letters or more in tokens [a, b): 'n' in "rock 'n' roll" is no quote. */
static bool s_has_word2(const wt_quotes_ctx_t *ctx, uint32_t a, uint32_t b)
{
    for (uint32_t i = a; i < b; i++)
        if ((TK(i)->kind == WT_TOK_WORD || TK(i)->kind == WT_TOK_NUMBER) &&
            TK(i)->end - TK(i)->start >= 2)
            return true;
    return false;
}

/* Pair the marks of paragraph p. *open_end says whether the previous
   paragraph ended inside a quote; it is updated for this one. */
static void s_pair_para(wt_quotes_ctx_t *ctx, uint32_t p, bool *open_end)
{
    const wt_paragraph_t *pa = &ctx->doc->paras[p];
    uint32_t open = Q_NONE, sopen = Q_NONE;
    uint32_t nest = Q_NONE, nest_o = Q_NONE, nest_c = Q_NONE; /* one nested level */
    bool first_double = true;
    bool prev_open = *open_end;
    *open_end = false;
    uint32_t last_close = pa->tok_first; /* first token after the last quote */
    for (uint32_t i = pa->tok_first; i < pa->tok_end; i++) {
        const wt_token_t *t = TK(i);
        if (t->kind != WT_TOK_QUOTE) continue;
        int side = wt_q_side(ctx, t);
        if (s_double(t)) {
            bool was_first = first_double;
            first_double = false;
            if (open == Q_NONE) {
                if (side != SIDE_CLOSE) {
                    open = i;
                    sopen = Q_NONE;
                    continue;
                }
                /* a closing mark with nothing open */
                if (was_first && prev_open) {
                    wt_q_add_quote(ctx, Q_NONE, i, pa->tok_first, i, p, QF_CONT);
                    last_close = i + 1;
                } else if (i <= last_close) {
                    last_close = i + 1; /* a stray mark right after a quote */
                } else {

                    uint32_t s0 = ctx->doc->sents[t->sent].tok_first;
                    if (s0 < last_close) s0 = last_close;
                    /* a closing mark right after a sentence stop may belong to the
                       previous sentence: start after the last stop before i-1 */
                    if (i - s0 < 200) wt_q_add_quote(ctx, Q_NONE, i, s0, i, p, QF_ORPHAN);
                    last_close = i + 1;
                }
                continue;
            }
            if (side == SIDE_OPEN && i > open + 1) {
                /* two opening marks: the first was never closed. Keep it when it
                   holds a sentence, up to the new mark. */
                bool stop = false;
                for (uint32_t k = open + 1; k < i && k < open + 400; k++)
                    if (q_stop(ctx, k)) stop = true;
                if (!stop && nest == Q_NONE && t->quote != WT_Q_DOUBLE_STRAIGHT) {
                    nest = i; /* “A “B” C”: a quote inside the quote */
                    continue;
                }
                if (stop) wt_q_add_quote(ctx, open, Q_NONE, open + 1, i, p, 0);
                open = i;
                nest = nest_c = Q_NONE;
                continue;
            }
            if (nest != Q_NONE) {
                nest_o = nest;
                nest_c = i;
                nest = Q_NONE;
                continue;
            }
            if (i == open + 1) { /* empty "" */
                open = Q_NONE;
                continue;
            }
            wt_q_add_quote(ctx, open, i, open + 1, i, p, 0);
            open = Q_NONE;
            nest_c = Q_NONE;
            last_close = i + 1;
            continue;
        }
        /* single marks: only outside double quotes */
        if (open != Q_NONE) continue;
        if (t->quote == WT_Q_SINGLE_OPEN ||
            (t->quote == WT_Q_SINGLE_STRAIGHT && side == SIDE_OPEN)) {
            if (t->qside != WT_QS_CLOSE) sopen = i;
            continue;
        }
        if (sopen != Q_NONE && side != SIDE_OPEN && i > sopen + 1 &&
            s_has_word2(ctx, sopen + 1, i)) {

            wt_q_add_quote(ctx, sopen, i, sopen + 1, i, p, QF_SINGLE);
            sopen = Q_NONE;
            last_close = i + 1;
        }
    }
    if (open != Q_NONE && nest_c != Q_NONE) {
        /* the outer mark was stray: the inner pair is the quote */
        wt_q_add_quote(ctx, nest_o, nest_c, nest_o + 1, nest_c, p, 0);
    } else if (open != Q_NONE && open + 1 < pa->tok_end) {
        wt_q_add_quote(ctx, open, Q_NONE, open + 1, pa->tok_end, p, QF_OPEN_END);
        *open_end = true;
    }
}

/* Mark continuation quotes: a paragraph that opens with a mark after a
   paragraph that ended inside a quote. */
static void s_mark_continuations(wt_quotes_ctx_t *ctx)
{
    for (size_t k = 1; k < ctx->nq; k++) {
        q_quote_t *q = &ctx->q[k], *pq = &ctx->q[k - 1];
        if (q->o == Q_NONE || !(pq->flags & QF_OPEN_END) || q->para != pq->para + 1) continue;
        if (q->o == ctx->doc->paras[q->para].tok_first) q->flags |= QF_CONT;
    }
}

/* Byte span of the content, trimmed of spaces and a trailing comma. */
static void s_bytes(wt_quotes_ctx_t *ctx, q_quote_t *q)
{
    const wt_doc_t *d = ctx->doc;
    uint32_t b0 = q->o != Q_NONE ? TK(q->o)->end : TK(q->c0)->start;
    uint32_t b1 = q->c != Q_NONE ? TK(q->c)->start : TK(q->c1 - 1)->end;
    if (q->flags & QF_ORPHAN) b0 = TK(q->c0)->start;
    while (b0 < b1 && (d->text[b0] == ' ' || d->text[b0] == '\n' || d->text[b0] == '\t' ||
                       d->text[b0] == '\r'))
        b0++;
    while (b1 > b0 &&
           (d->text[b1 - 1] == ' ' || d->text[b1 - 1] == '\n' || d->text[b1 - 1] == '\t' ||
            d->text[b1 - 1] == '\r' || d->text[b1 - 1] == ','))
        b1--;
    q->b0 = b0;
    q->b1 = b1;
}

/* ---------------------------------------------------------------- kinds */

uint32_t wt_q_words(const wt_quotes_ctx_t *ctx, uint32_t a, uint32_t b)
{
    uint32_t n = 0;
    for (uint32_t i = a; i < b; i++)
        if (TK(i)->kind == WT_TOK_WORD || TK(i)->kind == WT_TOK_NUMBER) n++;
    return n;
}

/* direct when the quote stands as a clause: it starts its sentence or
   follows a colon / a cue and a comma, and ends at punctuation or a cue. */
static void s_classify(wt_quotes_ctx_t *ctx, q_quote_t *q)
{
    bool left = false, right = false;
    if (q->o == Q_NONE) {
        left = true;
    } else {
        const wt_paragraph_t *pa = &ctx->doc->paras[q->para];
        uint32_t o = q->o;
        if (o == pa->tok_first || (TK(o)->flags & WT_TF_SENT_START))
            left = true;
        else {
            uint32_t k = o - 1;
            if (q_stop(ctx, k) || q_punct(ctx, k, ':') || q_dashlike(ctx, k) ||
                TK(k)->kind == WT_TOK_QUOTE || q_punct(ctx, k, '('))
                left = true;
            else if (q_punct(ctx, k, ',') || q_verb(ctx, k)) {
                /* after a cue: `X said, "Q"` */
                for (uint32_t j = k + 1; j-- > pa->tok_first && k - j < 12;) {
                    if (q_stop(ctx, j) || TK(j)->kind == WT_TOK_QUOTE) break;
                    const ql_entry_t *e = q_verb(ctx, j);
                    if (e && !(e->vflags & (QVF_DESCRIBE | QVF_THINK))) {
                        left = true;
                        break;
                    }
                }
                if (!left && q_punct(ctx, k, ',') && k > pa->tok_first &&
                    TK(k - 1)->kind == WT_TOK_QUOTE)
                    left = true;
            }
            if (left && q_lower(TK(q->c0)) && !q_punct(ctx, k, ':') && !q_stop(ctx, k) &&
                !(TK(o)->flags & WT_TF_SENT_START) && o != pa->tok_first)
                left = false;
            /* "But “Q.”": a conjunction opening the sentence */
            if (!left && (TK(k)->flags & WT_TF_SENT_START) &&
                (wt_tok_ieq(ctx->doc, TK(k), "but") || wt_tok_ieq(ctx->doc, TK(k), "and") ||
                 wt_tok_ieq(ctx->doc, TK(k), "so") || wt_tok_ieq(ctx->doc, TK(k), "yet")))
                left = true;
            /* "Now, “Q”", "In fact, “Q”": a short opening adverbial */
            uint32_t s0 = ctx->doc->sents[TK(o)->sent].tok_first;
            if (!left && q_punct(ctx, k, ',') && s0 < k && k - s0 <= 3) {
                bool plain = true;
                for (uint32_t j = s0; j < k; j++)
                    if (!q_capword(TK(j)) && !q_lower(TK(j)))
                        plain = false;
                    else if (q_verb(ctx, j) || (j > s0 && q_nametok(ctx, j)))
                        plain = false;
                left = plain;
            }
        }

        /* a quote of two sentences or more is a statement of its own */
        for (uint32_t i = q->c0; !left && i + 1 < q->c1 && i < q->c0 + 300; i++)
            if (q_stop(ctx, i) && (TK(i + 1)->flags & WT_TF_CAP)) left = true;
    }

    if (q->c == Q_NONE) {
        right = true;
    } else {
        uint32_t last = q->c1 - 1, c = q->c;
        if (TK(last)->kind == WT_TOK_QUOTE && last > q->c0) /* ‘Ebony and Ivory,’” */
            last--;
        const wt_paragraph_t *pa = &ctx->doc->paras[q->para];
        if (q_stop(ctx, last) || q_punct(ctx, last, ',') || q_punct(ctx, last, ':') ||
            q_punct(ctx, last, ';') || TK(last)->kind == WT_TOK_DASH)
            right = true;
        else if (c + 1 >= pa->tok_end)
            right = true;
        else {
            const wt_token_t *n = TK(c + 1);
            if (n->kind == WT_TOK_PUNCT || n->kind == WT_TOK_DASH || n->kind == WT_TOK_QUOTE)
                right = true;
            else if (q_verb(ctx, c + 1))
                right = true;
        }
        /* "... as “transitory”." a short fragment ending the sentence is partial */
    }
    q->kind = (left && right) ? WT_QUOTE_DIRECT : WT_QUOTE_PARTIAL;
    q->left = left;
}

bool wt_q_titlecase(const wt_quotes_ctx_t *ctx, const q_quote_t *q)
{
    uint32_t words = 0, caps = 0;

    for (uint32_t i = q->c0; i < q->c1; i++) {
        const wt_token_t *t = TK(i);
        if (t->kind != WT_TOK_WORD) continue;
        words++;
        /* "We're like 'Ebony and Ivory'" is speech, not a title */
        if ((t->flags & WT_TF_APOS) || (q_cls(ctx, i) & QL_PRON) || wt_tok_is(ctx->doc, t, "I"))
            return false;
        if (t->flags & (WT_TF_CAP | WT_TF_ALLCAP))
            caps++;

        else if (!(q_cls(ctx, i) & (QL_CONNECT | QL_DET | QL_PREP)))
            return false;
    }
    return words > 0 && caps > 0;
}

/* Pair the marks of every paragraph, mark the tokens inside quotes (ctx->qid),
   trim the byte spans and tell direct quotes from partial ones. */
void wt_q_pair(wt_quotes_ctx_t *ctx)
{
    const wt_doc_t *d = ctx->doc;
    bool open_end = false;
    for (uint32_t p = 0; p < d->nparas; p++)
        s_pair_para(ctx, p, &open_end);
    s_mark_continuations(ctx);
    for (size_t k = 0; k < ctx->nq; k++) {
        q_quote_t *q = &ctx->q[k];
        uint32_t a = q->o != Q_NONE ? q->o : q->c0;
        uint32_t b = q->c != Q_NONE ? q->c + 1 : q->c1;
        for (uint32_t i = a; i < b; i++)
            if (!ctx->qid[i]) ctx->qid[i] = (uint32_t)k + 1;
        s_bytes(ctx, q);
    }
    for (size_t k = 0; k < ctx->nq; k++) {
        q_quote_t *q = &ctx->q[k];
        if (q->b1 > q->b0 && wt_q_words(ctx, q->c0, q->c1) > 0) {
            s_classify(ctx, q);
            q->keep = 1;
        }
    }
}
