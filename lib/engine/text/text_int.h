/*  text_int.h: what the text layer's files share (tokenizer.c: the one
    pass over the bytes, words, numbers, punctuation and quote marks;
    sentences.c: sentence and paragraph boundaries, decided as tokens are
    appended; utf8.c: decoding and repair of UTF-8).
*/
#ifndef WT_TEXT_INT_H
#define WT_TEXT_INT_H

#include "wiretag/text.h"
#include "wiretag/utf8.h"

/* The analyser's state over one text. */
typedef struct {
    wt_doc_t *doc;
    const char *t;
    size_t len;
    /* pending boundaries */
    bool para_break;   /* the next token starts a paragraph */
    int stop;          /* 0 none, 1 hard stop (. ! ?), 2 weak (abbreviation tail) */
    uint32_t stop_tok; /* index of the token that set stop */
    uint32_t sent_first, para_first, para_sent_first;
    uint16_t next_flags; /* SPACE_BEFORE / NL_BEFORE for the next token */
    int open_single;     /* unmatched single quotes in the paragraph */
} wt_text_state_t;

/* Sentences and paragraphs (sentences.c). Decide the boundaries a pending
   stop or paragraph break makes before token tk (not yet in the array) is
   appended. */
void wt_text_boundaries(wt_text_state_t *st, wt_token_t *tk);
/* Close the sentence and the paragraph open before token tok_end. */
void wt_text_close_paragraph(wt_text_state_t *st, uint32_t tok_end);

/* The code point at str (n >= 1 bytes available) in *cp; returns its
   length (1 for an invalid byte, with *cp = 0xFFFD). wt_utf8_decode is this
   for callers outside the text layer; the tokenizer inlines it. */
static inline int wt_text_decode(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = wt_utf8_seq(s, n, cp);
    if (len) return (int)len;
    *cp = 0xFFFD;
    return 1;
}

#endif
