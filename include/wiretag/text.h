/*  text.h: the text layer under the annotation engine.

    wt_doc_analyze() makes one pass over a UTF-8 text and fills arrays of
    tokens, sentences and paragraphs with byte offsets into that text. The
    arrays belong to the wt_doc_t and are reused from item to item: no
    allocation per token once the arrays have grown to the largest item.

    Tokens: words (with internal hyphens and apostrophes: China-US, O'Brien,
    Biden's is split into "Biden" + "'s"), abbreviations with their full stop
    (Mr., U.S., Jan.), initials ("J."), numbers (1,200.50 3.5% 2021), quote
    marks (each mark one token, classified open/close/ambiguous), dashes,
    other punctuation. Sentences end at . ! ? (unless an abbreviation or
    initial), take closing quotes and brackets after the stop, and end at a
    paragraph break (a headline without a full stop is its own sentence).
*/
#ifndef WT_TEXT_H
#define WT_TEXT_H

#include "wiretag/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    WT_TOK_WORD = 0, /* letters, may contain - ' ’ . inside (U.S.) */
    WT_TOK_NUMBER,   /* digits, may contain , . : % inside */
    WT_TOK_QUOTE,    /* a quotation mark; see quote field */
    WT_TOK_DASH,     /* - between spaces, –, —, -- */
    WT_TOK_PUNCT,    /* , ; : . ! ? ( ) [ ] … and other symbols */
    WT_TOK_POSS      /* possessive 's / ’s / ' split off a word */
} wt_tok_kind_t;

/* Token flags. */
enum {
    WT_TF_CAP = 1u << 0,        /* first letter upper case */
    WT_TF_ALLCAP = 1u << 1,     /* every letter upper case (and >= 2 letters) */
    WT_TF_SENT_START = 1u << 2, /* first token of a sentence */
    WT_TF_PARA_START = 1u << 3, /* first token of a paragraph */
    WT_TF_ABBREV = 1u << 4,     /* known abbreviation ending in '.' (Mr., U.S.) */
    WT_TF_INITIAL = 1u << 5,    /* single capital letter + '.' */
    WT_TF_SPACE_BEFORE = 1u << 6,
    WT_TF_NL_BEFORE = 1u << 7, /* a newline between this and the previous token */
    WT_TF_SENT_END = 1u << 8,  /* last token of a sentence */
    WT_TF_HYPHEN = 1u << 9,    /* word contains an internal hyphen */
    WT_TF_APOS = 1u << 10,     /* word contains an internal apostrophe (O'Brien) */
    WT_TF_STOP =
        1u << 11, /* a sentence-final . ! ? (also set on an abbreviation that ends the sentence) */
    WT_TF_NONASCII = 1u << 12, /* word contains non-ASCII letters */
    WT_TF_DIGIT = 1u << 13,    /* word contains a digit */
    WT_TF_LOWER = 1u << 14     /* first letter lower case */
};

/* Quote mark classes (wt_token_t.quote). */
typedef enum {
    WT_Q_NONE = 0,
    WT_Q_DOUBLE_STRAIGHT, /* "   (ambiguous; side decided by context) */
    WT_Q_SINGLE_STRAIGHT, /* '   used as a quote, not an apostrophe */
    WT_Q_DOUBLE_OPEN,     /* “  „  `` */
    WT_Q_DOUBLE_CLOSE,    /* ”  '' */
    WT_Q_SINGLE_OPEN,     /* ‘  ‚  ` */
    WT_Q_SINGLE_CLOSE,    /* ’ used as a closing quote */
    WT_Q_GUILLEMET_OPEN,  /* «  ‹ */
    WT_Q_GUILLEMET_CLOSE  /* »  › */
} wt_quote_class_t;

/* Side a straight or ambiguous quote most likely takes, from spacing. */
enum { WT_QS_UNKNOWN = 0, WT_QS_OPEN = 1, WT_QS_CLOSE = 2 };

typedef struct {
    uint32_t start, end; /* byte offsets, end exclusive */
    uint32_t sent;       /* index of its sentence */
    uint32_t para;       /* index of its paragraph */
    uint16_t flags;      /* WT_TF_* */
    uint8_t kind;        /* wt_tok_kind_t */
    uint8_t quote;       /* wt_quote_class_t for WT_TOK_QUOTE */
    uint8_t qside;       /* WT_QS_* guess for quote marks */
    uint8_t pad[3];
    uint32_t hash; /* hash of the lower-cased token text (ASCII fold) */
} wt_token_t;

typedef struct {
    uint32_t start, end;         /* bytes */
    uint32_t tok_first, tok_end; /* tokens [first, end) */
    uint32_t para;
} wt_sentence_t;

typedef struct {
    uint32_t start, end;
    uint32_t tok_first, tok_end;
    uint32_t sent_first, sent_end;
} wt_paragraph_t;

typedef struct {
    const char *text; /* borrowed: the analysed text */
    size_t len;
    wt_token_t *toks;
    size_t ntoks, tok_cap;
    wt_sentence_t *sents;
    size_t nsents, sent_cap;
    wt_paragraph_t *paras;
    size_t nparas, para_cap;
} wt_doc_t;

void wt_doc_init(wt_doc_t *doc);
void wt_doc_free(wt_doc_t *doc);
/* Tokenize text[0, len) (valid UTF-8 expected: run wt_utf8_repair first on
   untrusted bytes). The text must outlive the doc's use. Returns 0. */
int wt_doc_analyze(wt_doc_t *doc, const char *text, size_t len);

/* Length of the token text. */
static inline uint32_t wt_tok_len(const wt_token_t *t)
{
    return t->end - t->start;
}
/* True when token t's text equals s (exact bytes) / equals s ignoring ASCII case.
   wt_tok_is compares in one walk that stops at the first differing byte (most
   calls test a word against a list and fail there) instead of a strlen of s
   first; s[i] == 0 ends s, the token is never read past its end. Inline: the
   quotes stage calls it a few times per token. */
static inline bool wt_tok_is(const wt_doc_t *doc, const wt_token_t *t, const char *s)
{
    const char *p = doc->text + t->start;
    uint32_t n = wt_tok_len(t);
    for (uint32_t i = 0; i < n; i++)
        if (!s[i] || p[i] != s[i]) return false;
    return s[n] == 0;
}
bool wt_tok_ieq(const wt_doc_t *doc, const wt_token_t *t, const char *s);
/* Hash of a lower-cased ASCII-folded string, as in wt_token_t.hash. */
uint32_t wt_text_hash(const char *s, size_t n);

/* UTF-8 repair: copy src to a new NUL-terminated buffer, replacing each
   invalid byte with U+FFFD and NUL bytes with a space. *out_len gets the new
   length, *invalid the number of bytes replaced. Caller frees. */
char *wt_utf8_repair(const char *src, size_t n, size_t *out_len, size_t *invalid);

/* Decode one UTF-8 code point at s (n bytes available); returns its length
   (1 for an invalid byte, with *cp = 0xFFFD). */
int wt_utf8_decode(const char *s, size_t n, uint32_t *cp);

#ifdef __cplusplus
}
#endif
#endif
