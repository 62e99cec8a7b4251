/*  sentences.c: sentence and paragraph boundaries. A sentence break is
    decided one token late: after a stop (. ! ?) closing quotes and brackets
    stay in the sentence, and the next token tells whether the stop really
    ended it (a lower-case word after "U.S." or after `?"` does not). The
    tokenizer calls in only when a stop or a paragraph break is pending.
*/
#include "text_int.h"

#include <string.h>

/* Capitalised words that usually start a sentence: after "U.S." they mean
   the abbreviation ended the sentence. */
static const char *const s_starters[] = {
    "the",   "he",    "she",   "it",    "they",      "we",        "i",     "in",
    "but",   "a",     "an",    "this",  "that",      "there",     "his",   "her",
    "their", "its",   "our",   "on",    "at",        "for",       "after", "before",
    "when",  "while", "as",    "if",    "however",   "meanwhile", "some",  "many",
    "most",  "both",  "these", "those", "officials", "according", "last",  "earlier",
    "later", "then",  "yet",   "and",   "so",        "also",      "since", "what",
    "who",   "why",   "how",   "one",   "two",       "no",        "not",
};

static bool s_is_starter(const char *w, size_t n)
{
    if (n > 12) return false;
    for (size_t i = 0; i < sizeof s_starters / sizeof s_starters[0]; i++) {
        const char *s = s_starters[i];
        size_t m = strlen(s);
        if (m != n) continue;
        size_t k = 0;
        for (; k < n; k++) {
            char c = w[k];
            if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
            if (c != s[k]) break;
        }
        if (k == n) return true;
    }
    return false;
}

static void s_close_sentence(wt_text_state_t *st, uint32_t tok_end)
{
    wt_doc_t *doc = st->doc;
    if (tok_end <= st->sent_first) return;
    wt_grow(&doc->sents, &doc->sent_cap, doc->nsents + 1, sizeof *doc->sents);
    wt_sentence_t *s = &doc->sents[doc->nsents++];
    s->tok_first = st->sent_first;
    s->tok_end = tok_end;
    s->start = doc->toks[st->sent_first].start;
    s->end = doc->toks[tok_end - 1].end;
    s->para = (uint32_t)doc->nparas;
    doc->toks[st->sent_first].flags |= WT_TF_SENT_START;
    doc->toks[tok_end - 1].flags |= WT_TF_SENT_END;
    st->sent_first = tok_end;
}

void wt_text_close_paragraph(wt_text_state_t *st, uint32_t tok_end)
{
    wt_doc_t *doc = st->doc;
    s_close_sentence(st, tok_end);
    if (tok_end <= st->para_first) return;
    wt_grow(&doc->paras, &doc->para_cap, doc->nparas + 1, sizeof *doc->paras);
    wt_paragraph_t *p = &doc->paras[doc->nparas++];
    p->tok_first = st->para_first;
    p->tok_end = tok_end;
    p->start = doc->toks[st->para_first].start;
    p->end = doc->toks[tok_end - 1].end;
    p->sent_first = st->para_sent_first;
    p->sent_end = (uint32_t)doc->nsents;
    doc->toks[st->para_first].flags |= WT_TF_PARA_START;
    st->para_first = tok_end;
    st->para_sent_first = (uint32_t)doc->nsents;
}

static bool s_closer(const wt_token_t *tk, const char *t)
{
    if (tk->kind == WT_TOK_QUOTE)
        return !(tk->flags & WT_TF_SPACE_BEFORE) || tk->qside == WT_QS_CLOSE;
    if (tk->kind == WT_TOK_PUNCT && tk->end - tk->start == 1) {
        char c = t[tk->start];
        return c == ')' || c == ']';
    }
    return false;
}

void wt_text_boundaries(wt_text_state_t *st, wt_token_t *tk)
{
    wt_doc_t *doc = st->doc;
    uint32_t idx = (uint32_t)doc->ntoks;
    if (st->para_break) {
        wt_text_close_paragraph(st, idx);
        st->para_break = false;
        st->stop = 0;
        return;
    }
    if (!st->stop) return;
    if (s_closer(tk, st->t)) return; /* ." .” ?) stay in the sentence; decision waits */
    bool brk;
    if (!(tk->flags & (WT_TF_SPACE_BEFORE | WT_TF_NL_BEFORE))) {
        brk = false; /* "thin.Maybe", "U.S.-China" */
    } else if (tk->flags & WT_TF_LOWER) {
        brk = false; /* `?" he asked`, "U.S. officials" */
    } else if (st->stop == 2) {
        brk = (tk->flags & WT_TF_CAP) && s_is_starter(st->t + tk->start, tk->end - tk->start);
    } else {
        brk = true;
    }
    if (brk && st->stop == 2) doc->toks[st->stop_tok].flags |= WT_TF_STOP;
    st->stop = 0;
    if (brk) s_close_sentence(st, idx);
}
