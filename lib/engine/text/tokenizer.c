/*  tokenizer.c: the text layer's one pass over the bytes: words (with
    their hash, computed while scanning), numbers, abbreviations with their
    full stop, quote marks, dashes and other punctuation. Tokens are
    appended to arrays owned by the wt_doc_t that grow geometrically and
    are reused from item to item, so steady state allocates nothing;
    sentence and paragraph boundaries are decided as tokens are appended
    (sentences.c).
*/
#include "text_int.h"

#include <stdlib.h>
#include <string.h>

void wt_doc_init(wt_doc_t *doc)
{
    memset(doc, 0, sizeof *doc);
}

void wt_doc_free(wt_doc_t *doc)
{
    free(doc->toks);
    free(doc->sents);
    free(doc->paras);
    memset(doc, 0, sizeof *doc);
}

/* ---- character classes ---- */

/* ASCII classes by table: the tokenizer asks these questions for every byte,
   and most news text is ASCII, so a lookup beats a chain of comparisons.
   Bytes >= 0x80 have class 0 (the rest of the table is zero), so a byte can
   index it without a range check; multi-byte code points are decoded. */
enum { C_SPACE = 1, C_UPPER = 2, C_LOWER = 4, C_DIGIT = 8, C_JOIN = 16 };
/* C_JOIN: ASCII punctuation that may continue a word or number
   (' - . , :); any other ASCII byte after a letter or digit ends it. */
#define J_ C_JOIN
#define U_ C_UPPER
#define L_ C_LOWER
#define D_ C_DIGIT
#define W_ C_SPACE
static const uint8_t s_ascii[256] = {
    0,  0,  0,  0,  0,  0,  0,  0,  0,  W_, W_, W_, W_, W_, 0,  0,  /* \t \n \v \f \r */
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* control */
    W_, 0,  0,  0,  0,  0,  0,  J_, 0,  0,  0,  0,  J_, J_, J_, 0,  /* space ! " ... / */
    D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, J_, 0,  0,  0,  0,  0,  /* 0-9 : ; < = > ? */
    0,  U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, /* @ A-O */
    U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, 0,  0,  0,  0,  0,  /* P-Z [ \ ] ^ _ */
    0,  L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, /* ` a-o */
    L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, 0,  0,  0,  0,  0,  /* p-z { | } ~ DEL */
};
#undef J_
#undef U_
#undef L_
#undef D_
#undef W_

static inline bool s_is_space(uint32_t cp)
{
    if (cp < 0x80) return s_ascii[cp] & C_SPACE;
    return cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000 || cp == 0xFEFF || cp == 0x2028 || cp == 0x2029;
}

static inline bool s_is_upper(uint32_t cp)
{
    if (cp < 0x80) return s_ascii[cp] & C_UPPER;
    if (cp >= 0xC0 && cp <= 0xDE) return cp != 0xD7;
    if (cp >= 0x100 && cp <= 0x17F)
        return (cp & 1) == 0; /* Latin Extended-A: mostly upper/lower pairs */
    if (cp >= 0x391 && cp <= 0x3A9) return true;
    if (cp >= 0x400 && cp <= 0x42F) return true;
    return false;
}

static inline bool s_is_letter(uint32_t cp)
{
    if (cp < 0x80) return s_ascii[cp] & (C_UPPER | C_LOWER);
    if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
    if (cp == 0xD7 || cp == 0xF7) return false;
    if (cp >= 0x2000 && cp <= 0x2BFF) /* punctuation, symbols, arrows, ... */
        return false;
    if (cp >= 0x3000 && cp <= 0x303F) return false;
    if (cp >= 0xFE30 && cp <= 0xFE4F) return false;
    if (cp >= 0xFF00 && cp <= 0xFF20) return false;
    if (cp == 0xFFFD || cp >= 0x1F000) /* replacement char, emoji */
        return false;
    return true;
}

static inline bool s_is_digit(uint32_t cp)
{
    return cp >= '0' && cp <= '9';
}

static inline bool s_is_alnum(uint32_t cp)
{
    return s_is_letter(cp) || s_is_digit(cp);
}

/* Peek the code point at byte i (0 at the end). ASCII is answered inline;
   only multi-byte sequences pay for the decoder. */
static inline uint32_t s_peek(const char *t, size_t len, size_t i, int *clen)
{
    if (i >= len) {
        if (clen) *clen = 0;
        return 0;
    }
    unsigned char b = (unsigned char)t[i];
    if (b < 0x80) {
        if (clen) *clen = 1;
        return b;
    }
    uint32_t cp;
    int l = wt_text_decode(t + i, len - i, &cp);
    if (clen) *clen = l;
    return cp;
}

/* Code point ending just before byte i (0 at the start). */
static uint32_t s_prev(const char *t, size_t i)
{
    if (i == 0) return 0;
    unsigned char b = (unsigned char)t[i - 1];
    if (b < 0x80) return b;
    size_t j = i - 1;
    while (j > 0 && ((unsigned char)t[j] & 0xC0) == 0x80 && i - j < 4)
        j--;
    uint32_t cp;
    wt_text_decode(t + j, i - j, &cp);
    return cp;
}

/* ---- hashing ---- */

/* FNV-1a over the lower-cased bytes, continued from h. The tokenizer feeds
   a word to it piece by piece while scanning (code point boundaries only),
   so no token is read twice. */
#define S_FNV_BASIS 2166136261u
#define S_FNV_PRIME 16777619u

static inline uint32_t s_hash_byte(uint32_t h, unsigned char c)
{
    return (h ^ c) * S_FNV_PRIME;
}

static uint32_t s_hash_more(uint32_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        /* fold ’ (E2 80 99) to ' so O’Brien == O'Brien */
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x99) {
            c = '\'';
            i += 2;
        } else if (c >= 'A' && c <= 'Z') {
            c = (unsigned char)(c + 32);
        }
        h = s_hash_byte(h, c);
    }
    return h;
}

uint32_t wt_text_hash(const char *s, size_t n)
{
    return s_hash_more(S_FNV_BASIS, s, n);
}

/* Compares like wt_tok_is (text.h), one walk, ignoring ASCII case. */
bool wt_tok_ieq(const wt_doc_t *doc, const wt_token_t *t, const char *s)
{
    const char *p = doc->text + t->start;
    uint32_t n = wt_tok_len(t);
    for (uint32_t i = 0; i < n; i++) {
        char a = p[i], b = s[i];
        if (!b) return false;
        if (a >= 'A' && a <= 'Z') a = (char)(a + 32);
        if (b >= 'A' && b <= 'Z') b = (char)(b + 32);
        if (a != b) return false;
    }
    return s[n] == 0;
}

/* ---- abbreviations ---- */

/* Words that take a full stop without ending a sentence. TITLE: never ends
   one (Mr. Smith, Jan. 5). TAIL: may end one (Inc., Ltd., etc.). */
enum { ABBR_NONE = 0, ABBR_TITLE = 1, ABBR_TAIL = 2 };

static const struct s_abbrev {
    const char *w;
    int kind;
} s_abbrevs[] = {
    /* keep sorted by w (strcmp order): s_abbrev_kind() bsearches it */
    {"adm", ABBR_TITLE},  {"approx", ABBR_TITLE}, {"apr", ABBR_TITLE},  {"aug", ABBR_TITLE},
    {"ave", ABBR_TAIL},   {"blvd", ABBR_TAIL},    {"bros", ABBR_TAIL},  {"capt", ABBR_TITLE},
    {"cmdr", ABBR_TITLE}, {"co", ABBR_TAIL},      {"col", ABBR_TITLE},  {"corp", ABBR_TAIL},
    {"dec", ABBR_TITLE},  {"dept", ABBR_TITLE},   {"dr", ABBR_TITLE},   {"est", ABBR_TAIL},
    {"etc", ABBR_TAIL},   {"feb", ABBR_TITLE},    {"fig", ABBR_TITLE},  {"fr", ABBR_TITLE},
    {"ft", ABBR_TITLE},   {"gen", ABBR_TITLE},    {"gov", ABBR_TITLE},  {"govt", ABBR_TAIL},
    {"hon", ABBR_TITLE},  {"inc", ABBR_TAIL},     {"insp", ABBR_TITLE}, {"jan", ABBR_TITLE},
    {"jr", ABBR_TAIL},    {"jul", ABBR_TITLE},    {"jun", ABBR_TITLE},  {"lt", ABBR_TITLE},
    {"ltd", ABBR_TAIL},   {"maj", ABBR_TITLE},    {"mar", ABBR_TITLE},  {"messrs", ABBR_TITLE},
    {"mlle", ABBR_TITLE}, {"mme", ABBR_TITLE},    {"mr", ABBR_TITLE},   {"mrs", ABBR_TITLE},
    {"ms", ABBR_TITLE},   {"mt", ABBR_TITLE},     {"no", ABBR_TITLE},   {"nos", ABBR_TITLE},
    {"nov", ABBR_TITLE},  {"oct", ABBR_TITLE},    {"plc", ABBR_TAIL},   {"pres", ABBR_TITLE},
    {"prof", ABBR_TITLE}, {"rep", ABBR_TITLE},    {"rev", ABBR_TITLE},  {"sen", ABBR_TITLE},
    {"sep", ABBR_TITLE},  {"sept", ABBR_TITLE},   {"sgt", ABBR_TITLE},  {"sr", ABBR_TAIL},
    {"st", ABBR_TITLE},   {"supt", ABBR_TITLE},   {"univ", ABBR_TITLE}, {"v", ABBR_TITLE},
    {"vs", ABBR_TITLE},
};

static int s_abbrev_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct s_abbrev *)elem)->w);
}

static int s_abbrev_kind(const char *w, size_t n)
{
    if (n > 6) return ABBR_NONE;
    char low[8];
    for (size_t i = 0; i < n; i++) {
        char c = w[i];
        low[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    low[n] = 0;
    /* "No." only before a number; "v." "co" rarely matter otherwise */
    const void *hit = bsearch(low, s_abbrevs, sizeof s_abbrevs / sizeof s_abbrevs[0],
                              sizeof s_abbrevs[0], s_abbrev_cmp);
    return hit ? ((const struct s_abbrev *)hit)->kind : ABBR_NONE;
}

/* ---- the analyser ---- */

/* Append tk. Words and numbers arrive hashed by s_scan_word (and by the
   abbreviation code that extends them); other tokens are a few bytes long
   and are hashed here. Quote marks carry no hash. */
static inline void s_emit(wt_text_state_t *st, wt_token_t *tk)
{
    wt_doc_t *doc = st->doc;
    tk->flags |= st->next_flags;
    st->next_flags = 0;
    if (st->para_break || st->stop) wt_text_boundaries(st, tk); /* most tokens: nothing pending */
    tk->sent = (uint32_t)doc->nsents;
    tk->para = (uint32_t)doc->nparas;
    if (tk->kind != WT_TOK_QUOTE && tk->kind != WT_TOK_WORD && tk->kind != WT_TOK_NUMBER) {
        if (tk->end - tk->start == 1) { /* , . ( ): s_hash_more() of one byte, inline */
            unsigned char c = (unsigned char)st->t[tk->start];
            tk->hash = s_hash_byte(S_FNV_BASIS, c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c);
        } else {
            tk->hash = wt_text_hash(st->t + tk->start, tk->end - tk->start);
        }
    }
    if (doc->ntoks == doc->tok_cap)
        wt_grow(&doc->toks, &doc->tok_cap, doc->ntoks + 1, sizeof *doc->toks);
    doc->toks[doc->ntoks++] = *tk;
}

/* Side of a quote mark from the spacing around it. */
static uint8_t s_qside(const char *t, size_t len, size_t start, size_t end)
{
    uint32_t before = s_prev(t, start);
    uint32_t after = s_peek(t, len, end, NULL);
    bool sp_before = before == 0 || s_is_space(before) || before == '(' || before == '[' ||
                     before == 0x2014 || before == 0x2013;
    bool sp_after = after == 0 || s_is_space(after);
    bool punct_after = after == ',' || after == '.' || after == ';' || after == ':' ||
                       after == '?' || after == '!' || after == ')' || after == 0x2014;
    if (sp_before && !sp_after) return WT_QS_OPEN;
    if (!sp_before && (sp_after || punct_after)) return WT_QS_CLOSE;
    if (!sp_before && !sp_after) {
        /* glued: `said"Hello` vs `word"said`: a letter after an opening-looking
           position cannot be told; prefer close after stop punctuation */
        if (before == '.' || before == ',' || before == '?' || before == '!') return WT_QS_CLOSE;
        return WT_QS_UNKNOWN;
    }
    return WT_QS_UNKNOWN;
}

/* Scan a word/number starting at i; returns its end and sets flags and the
   hash of [i, end). ASCII letters and digits, nearly all of a news text, take
   the table path; everything else decodes a code point. */
static size_t s_scan_word(wt_text_state_t *st, size_t i, wt_token_t *tk)
{
    const char *t = st->t;
    size_t len = st->len;
    size_t start = i;
    bool any_letter = false, any_digit = false, all_upper = true, nonascii = false;
    int letters = 0;
    int clen;
    uint32_t h = S_FNV_BASIS;
    uint32_t first = s_peek(t, len, i, NULL);
    while (i < len) {
        /* the bulk of a word: a run of ASCII letters, hashed as it goes
           (b | 0x20 lower-cases an ASCII letter) and counted at its end */
        size_t run = i;
        uint8_t seen = 0;
        while (i < len && (s_ascii[(unsigned char)t[i]] & (C_UPPER | C_LOWER))) {
            seen |= s_ascii[(unsigned char)t[i]];
            h = s_hash_byte(h, (unsigned char)(t[i] | 0x20));
            i++;
        }
        if (i > run) {
            any_letter = true;
            letters += (int)(i - run);
            if (seen & C_LOWER) all_upper = false;
            if (i >= len) break;
        }
        unsigned char b = (unsigned char)t[i];
        if (s_ascii[b] & C_DIGIT) {
            any_digit = true;
            h = s_hash_byte(h, b);
            i++;
            continue;
        }
        if (b < 0x80 && !(s_ascii[b] & C_JOIN)) break; /* space, most punctuation */
        uint32_t cp = s_peek(t, len, i, &clen);
        if (s_is_letter(cp)) {
            any_letter = true;
            letters++;
            if (!s_is_upper(cp)) all_upper = false;
            nonascii = true; /* ASCII letters took the table path */
            h = s_hash_more(h, t + i, (size_t)clen);
            i += (size_t)clen;
            continue;
        }
        int nlen;
        uint32_t next = s_peek(t, len, i + (size_t)clen, &nlen);
        if (cp == '-' || cp == 0x2010 || cp == 0x2011) { /* hyphen inside a word */
            if (s_is_alnum(next) && i > start) {
                tk->flags |= WT_TF_HYPHEN;
                h = s_hash_more(h, t + i, (size_t)clen);
                i += (size_t)clen;
                continue;
            }
            break;
        }
        if (cp == '\'' || cp == 0x2019) {
            uint32_t prev = s_prev(t, i);
            if (!s_is_letter(prev) || !s_is_letter(next)) break;
            /* possessive 's / ’s split off: Biden's -> Biden + 's */
            if ((next == 's' || next == 'S')) {
                uint32_t after = s_peek(t, len, i + (size_t)clen + 1, NULL);
                if (!s_is_alnum(after)) break;
            }
            tk->flags |= WT_TF_APOS;
            h = s_hash_more(h, t + i, (size_t)clen);
            i += (size_t)clen;
            continue;
        }
        if ((cp == '.' || cp == ',' || cp == ':') && any_digit && !any_letter &&
            s_is_digit(next)) { /* 1,200.50  3.5  10:30 */
            h = s_hash_byte(h, (unsigned char)cp);
            i += (size_t)clen;
            continue;
        }
        break;
    }
    /* percent sign belongs to a number */
    if (any_digit && !any_letter && i < len && t[i] == '%') {
        h = s_hash_byte(h, '%');
        i++;
    }
    tk->start = (uint32_t)start;
    tk->end = (uint32_t)i;
    tk->hash = h;
    tk->kind = (any_digit && !any_letter) ? WT_TOK_NUMBER : WT_TOK_WORD;
    if (any_digit) tk->flags |= WT_TF_DIGIT;
    if (nonascii) tk->flags |= WT_TF_NONASCII;
    if (s_is_upper(first))
        tk->flags |= WT_TF_CAP;
    else if (s_is_letter(first))
        tk->flags |= WT_TF_LOWER;
    if (any_letter && all_upper && letters >= 2) tk->flags |= WT_TF_ALLCAP;
    return i;
}

/* A run of white space holding a line break, from i: a blank line always
   breaks the paragraph; a single newline breaks it unless the next line
   goes on in lower case (a soft wrap). Returns the end of the run. */
static size_t s_newlines(wt_text_state_t *st, size_t i)
{
    const char *text = st->t;
    size_t len = st->len;
    int nl = 0;
    size_t j = i;
    while (j < len) {
        int l2;
        uint32_t c2 = s_peek(text, len, j, &l2);
        if (!s_is_space(c2)) break;
        if (c2 == '\n' || c2 == 0x2029) nl++;
        j += (size_t)l2;
    }
    uint32_t next = s_peek(text, len, j, NULL);
    st->next_flags |= WT_TF_NL_BEFORE;
    if (st->doc->ntoks > 0 && (nl >= 2 || !(s_is_letter(next) && !s_is_upper(next)))) {
        st->para_break = true;
        st->open_single = 0;
    }
    return j;
}

/* The full stop at end after the word tk [start, end): when it belongs to
   the word (U.S., an initial, an abbreviation) the token takes it and is
   appended, and the end of it is returned; else 0. */
static size_t s_word_stop(wt_text_state_t *st, wt_token_t *tk, size_t start, size_t end)
{
    const char *text = st->t;
    size_t len = st->len;
    size_t wl = end - start;
    uint32_t after = s_peek(text, len, end + 1, NULL);
    if (wl == 1 && s_is_letter(after)) {
        /* U.S. / U.N. / e.g. / a.m.: letter . letter . ... */
        size_t j = end;
        while (j + 1 < len && text[j] == '.' && s_is_letter((unsigned char)text[j + 1]) &&
               (j + 2 >= len || text[j + 2] == '.' || !s_is_letter((unsigned char)text[j + 2]))) {
            j += 2;
        }
        if (j < len && text[j] == '.' && j > end) {
            tk->hash = s_hash_more(tk->hash, text + end, j + 1 - end);
            tk->end = (uint32_t)(j + 1);
            tk->flags |= WT_TF_ABBREV;
            /* tail abbreviation: may end the sentence */
            s_emit(st, tk);
            st->stop = 2;
            st->stop_tok = (uint32_t)st->doc->ntoks - 1;
            return j + 1;
        }
    }
    int ak = s_abbrev_kind(text + start, wl);
    if (wl == 1 && (tk->flags & WT_TF_CAP)) {
        tk->hash = s_hash_byte(tk->hash, '.');
        tk->end = (uint32_t)(end + 1);
        tk->flags |= WT_TF_INITIAL;
        s_emit(st, tk);
        return end + 1;
    }
    if (ak == ABBR_NONE || (ak == ABBR_TITLE && wl <= 3 && (tk->flags & WT_TF_ALLCAP) && wl > 2))
        return 0;
    /* "No." is an abbreviation only before a number */
    if (wl == 2 && (text[start] == 'N' || text[start] == 'n') &&
        (text[start + 1] == 'o' || text[start + 1] == 'O')) {
        size_t j = end + 1;
        while (j < len && text[j] == ' ')
            j++;
        if (!(j < len && text[j] >= '0' && text[j] <= '9')) return 0;
    }
    tk->hash = s_hash_byte(tk->hash, '.');
    tk->end = (uint32_t)(end + 1);
    tk->flags |= WT_TF_ABBREV;
    s_emit(st, tk);
    if (ak == ABBR_TAIL) {
        st->stop = 2;
        st->stop_tok = (uint32_t)st->doc->ntoks - 1;
    }
    return end + 1;
}

/* A word or number at i, with the full stop it may take; returns its end. */
static size_t s_word(wt_text_state_t *st, size_t i)
{
    wt_token_t tk;
    memset(&tk, 0, sizeof tk);
    size_t end = s_scan_word(st, i, &tk);
    if (end < st->len && st->t[end] == '.' && !(tk.flags & WT_TF_DIGIT)) {
        size_t e = s_word_stop(st, &tk, i, end);
        if (e) return e;
    }
    s_emit(st, &tk);
    return end;
}

/* An apostrophe or right single quote cp at i (clen bytes): a possessive,
   the mark of '90s, or a quote mark. */
static void s_apostrophe(wt_text_state_t *st, wt_token_t *tk, size_t i, uint32_t cp, int clen)
{
    const char *text = st->t;
    size_t len = st->len;
    if (cp == '\'' && i + 1 < len && text[i + 1] == '\'') {
        tk->kind = WT_TOK_QUOTE;
        tk->end++;
        tk->quote = WT_Q_DOUBLE_CLOSE;
        return;
    }
    uint32_t prev = s_prev(text, i);
    int nl2;
    uint32_t next = s_peek(text, len, i + (size_t)clen, &nl2);
    uint32_t after = s_peek(text, len, i + (size_t)clen + (size_t)(nl2 > 0 ? nl2 : 0), NULL);
    if (s_is_alnum(prev) && (next == 's' || next == 'S') && !s_is_alnum(after)) {
        /* possessive 's */
        tk->kind = WT_TOK_POSS;
        tk->end = (uint32_t)(i + (size_t)clen + 1);
        return;
    }
    if ((prev == 's' || prev == 'z') && !s_is_alnum(next) && st->open_single == 0) {
        /* plural possessive: workers' rights */
        tk->kind = WT_TOK_POSS;
        return;
    }
    if (!s_is_alnum(prev) && s_is_digit(next) && cp == 0x2019) {
        /* ’90s */
        tk->kind = WT_TOK_PUNCT;
        return;
    }
    tk->kind = WT_TOK_QUOTE;
    if (cp == '\'') {
        tk->quote = WT_Q_SINGLE_STRAIGHT;
        uint8_t side = s_qside(text, len, tk->start, tk->end);
        if (side == WT_QS_OPEN)
            st->open_single++;
        else if (st->open_single > 0)
            st->open_single--;
    } else {
        tk->quote = WT_Q_SINGLE_CLOSE;
        if (st->open_single > 0) st->open_single--;
    }
}

/* The class of a quote mark that is never an apostrophe: " « » ‘ ‚ ‛ “ ” „ ‟ ‹ ›. */
static uint8_t s_quote_class(uint32_t cp)
{
    static const uint8_t u2018[8] = {
        WT_Q_SINGLE_OPEN, WT_Q_SINGLE_CLOSE, WT_Q_SINGLE_OPEN, WT_Q_SINGLE_OPEN, /* ‘ ’ ‚ ‛ */
        WT_Q_DOUBLE_OPEN, WT_Q_DOUBLE_CLOSE, WT_Q_DOUBLE_OPEN, WT_Q_DOUBLE_OPEN, /* “ ” „ ‟ */
    };
    if (cp >= 0x2018 && cp <= 0x201F) return u2018[cp - 0x2018];
    if (cp == 0xAB || cp == 0x2039) return WT_Q_GUILLEMET_OPEN;
    if (cp == 0xBB || cp == 0x203A) return WT_Q_GUILLEMET_CLOSE;
    return WT_Q_DOUBLE_STRAIGHT;
}

/* Set tk's kind (and quote class, and end for marks of several bytes) for
   the punctuation cp at i; returns 1 when it is a stop (. ! ?). */
static int s_punct_kind(wt_text_state_t *st, wt_token_t *tk, size_t i, uint32_t cp, int clen)
{
    const char *text = st->t;
    size_t len = st->len;
    switch (cp) {
    case '"':
    case 0xAB:
    case 0xBB:
    case 0x2018:
    case 0x201A:
    case 0x201B:
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x2039:
    case 0x203A:
        tk->kind = WT_TOK_QUOTE;
        tk->quote = s_quote_class(cp);
        if (tk->quote == WT_Q_SINGLE_OPEN) st->open_single++;
        break;
    case '`':
        tk->kind = WT_TOK_QUOTE;
        if (i + 1 < len && text[i + 1] == '`') {
            tk->end++;
            tk->quote = WT_Q_DOUBLE_OPEN;
        } else {
            tk->quote = WT_Q_SINGLE_OPEN;
            st->open_single++;
        }
        break;
    case '\'':
    case 0x2019:
        s_apostrophe(st, tk, i, cp, clen);
        break;
    case '-':
        if (i + 1 < len && text[i + 1] == '-') {
            size_t j = i;
            while (j < len && text[j] == '-')
                j++;
            tk->end = (uint32_t)j;
            tk->kind = WT_TOK_DASH;
        } else {
            uint32_t prev = s_prev(text, i);
            int nl3;
            uint32_t next = s_peek(text, len, i + 1, &nl3);
            if ((prev == 0 || s_is_space(prev)) && (next == 0 || s_is_space(next)))
                tk->kind = WT_TOK_DASH;
        }
        break;
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2012:
        tk->kind = WT_TOK_DASH;
        break;
    case '.':
        if (i + 2 < len && text[i + 1] == '.' && text[i + 2] == '.') {
            size_t j = i;
            while (j < len && text[j] == '.')
                j++;
            tk->end = (uint32_t)j; /* ellipsis: not a stop */
            break;
        }
        return 1;
    case '!':
    case '?':
        while (tk->end < len && (text[tk->end] == '!' || text[tk->end] == '?'))
            tk->end++;
        return 1;
    default:
        break;
    }
    return 0;
}

/* A punctuation token (or quote mark, dash) cp at i of clen bytes; returns
   its end. */
static size_t s_punct(wt_text_state_t *st, size_t i, uint32_t cp, int clen)
{
    wt_token_t tk;
    memset(&tk, 0, sizeof tk);
    tk.start = (uint32_t)i;
    tk.end = (uint32_t)(i + (size_t)clen);
    tk.kind = WT_TOK_PUNCT;
    int stop = s_punct_kind(st, &tk, i, cp, clen);
    if (tk.kind == WT_TOK_QUOTE) tk.qside = s_qside(st->t, st->len, tk.start, tk.end);
    if (stop) tk.flags |= WT_TF_STOP;
    s_emit(st, &tk);
    if (stop) {
        st->stop = 1;
        st->stop_tok = (uint32_t)st->doc->ntoks - 1;
    }
    return tk.end;
}

int wt_doc_analyze(wt_doc_t *doc, const char *text, size_t len)
{
    doc->text = text;
    doc->len = len;
    doc->ntoks = doc->nsents = doc->nparas = 0;
    wt_text_state_t st = {.doc = doc, .t = text, .len = len};
    size_t i = 0;
    while (i < len) {
        if (text[i] == ' ') { /* the commonest byte: no decoding, no class tests */
            st.next_flags |= WT_TF_SPACE_BEFORE;
            i++;
            continue;
        }
        int clen;
        uint32_t cp = s_peek(text, len, i, &clen);
        if (s_is_space(cp)) {
            st.next_flags |= WT_TF_SPACE_BEFORE;
            if (cp == '\n' || cp == 0x2029)
                i = s_newlines(&st, i);
            else
                i += (size_t)clen;
        } else if (s_is_alnum(cp)) {
            i = s_word(&st, i);
        } else {
            i = s_punct(&st, i, cp, clen);
        }
    }
    wt_text_close_paragraph(&st, (uint32_t)doc->ntoks);
    return 0;
}
