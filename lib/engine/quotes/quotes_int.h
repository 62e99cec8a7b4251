/*  quotes_int.h: private declarations shared by the quotes stage files.

    quotes_lex.c holds the closed word classes the quotes stage reasons with
    (speech verbs with every inflection, pronouns, titles, honorifics, nominal
    speaker heads, function words) as a compiled table, plus the first-name
    gender list loaded from config/names/first-names.txt. Every class is keyed
    by the text layer's token hash (lower-cased, ’ folded to '), so a lookup is
    one probe per token.

    The stage itself is one pass per file, each using only the files listed
    before it (no file calls back into a later one):
      speakers.c  the words that name a speaker: name runs, pronouns, nominals
                  ("a senior official"), the subject of a sentence
      pairing.c   quote marks paired into quotes; direct or partial
      cues.c      the cue that attributes a quote: "Q," X said / X said: "Q" / ...
      indirect.c  reported speech without marks: X said (that) CLAUSE, ...
      mentions.c  person and organisation mentions; surname -> gender and actor
      resolve.c   pronouns and definite descriptions to their antecedents
      output.c    quotes and the speaker actors the actors stage missed
      quotes.c    the stage: runs the passes, carry-over, keep or drop
    The token predicates below are static inline (q_ prefix): the passes call
    them on every token, and they are not symbols of the library.
*/
#ifndef WT_QUOTES_INT_H
#define WT_QUOTES_INT_H

#include "engine/stages.h"
#include "wiretag/text.h"

#include <stdbool.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Word classes (bits, a word may be in several). */
enum {
    QL_VERB = 1u << 0,      /* a speech cue verb form (see vform, vflags) */
    QL_PRON = 1u << 1,      /* subject pronoun that can be a speaker (he she they it) */
    QL_TITLE = 1u << 2,     /* role title dropped from a name (president, minister) */
    QL_RANK = 1u << 3,      /* rank kept with the name (officer, sergeant) */
    QL_HONOR = 1u << 4,     /* honorific kept with the name (mr, ms, dr) */
    QL_NOMHEAD = 1u << 5,   /* head of an unnamed speaker (official, spokesman) */
    QL_ORGHEAD = 1u << 6,   /* head of an institution (ministry, police) */
    QL_STOP = 1u << 7,      /* function words, weekdays, months: never part of a name */
    QL_TIME = 1u << 8,      /* today, monday: may follow a cue verb */
    QL_DET = 1u << 9,       /* a the his: opens a nominal speaker */
    QL_ADV = 1u << 10,      /* adverbs and auxiliaries between speaker and verb */
    QL_PARTICLE = 1u << 11, /* de van bin: inside names */
    QL_CONNECT = 1u << 12,  /* of for and &: inside organisation names */
    QL_PREP = 1u << 13,     /* prepositions: cannot open a reported clause */
    QL_FIRST = 1u << 14,    /* a first name (gender in .gender) */
    QL_OBJPRON = 1u << 15,  /* him her them us me: objects of tell/urge */
    QL_SUBORD = 1u << 16,   /* who which whose: open an appositive clause */
    QL_NOTSPK = 1u << 17    /* words that look like speakers and are not (people, report) */
};

/* Genders (of pronouns, honorifics, titles, first names). */
enum { QG_NONE = 0, QG_M = 1, QG_F = 2, QG_PL = 3, QG_N = 4 };

/* Verb forms and verb flags. */
enum { QV_BASE = 0, QV_S, QV_PAST, QV_ING };
enum {
    QVF_OBJ = 1u << 0,      /* takes a person object before the content: tell X that */
    QVF_DESCRIBE = 1u << 1, /* call, describe, dub: "what X calls 'Q'" */
    QVF_THINK = 1u << 2,    /* cognitive: indirect only with "that" */
    QVF_NOTHAT = 1u << 3,   /* a reported clause may follow without "that" */
    QVF_WEAK = 1u << 4,     /* a weak cue (continue, agree): only right next to a quote */
    QVF_NOUN = 1u << 5,     /* base and -s forms are also nouns (note, state): weak forms */
    QVF_NPOBJ = 1u << 6     /* also takes a plain object (add X to Y, announce a plan): a
                               clause without "that" must open with a subject pronoun */
};

typedef struct {
    uint32_t cls;
    uint8_t gender;
    uint8_t vform;
    uint8_t vflags;
    uint8_t pad;
} ql_entry_t;

typedef struct {
    uint32_t *keys;
    ql_entry_t *vals;
    size_t cap; /* power of two */
    size_t count;
    size_t first_names;
} ql_lex_t;

/* Build the compiled word classes, then add the first names of path (lines
   "m name" / "f name"; # comments). Returns 0, or -errno / WT_EDICT with a
   reason in err. */
int ql_lex_init(ql_lex_t *lx, const char *first_names_path, char *err, size_t errlen);
void ql_lex_free(ql_lex_t *lx);
static inline uint32_t ql_lex_slot(uint32_t h, size_t cap)
{
    return (uint32_t)((h * 2654435761u) & (cap - 1));
}
/* Entry of the word with token hash h, or NULL (inline: one per token). */
static inline const ql_entry_t *ql_lex_get(const ql_lex_t *lx, uint32_t h)
{
    if (!lx->cap) return NULL;
    uint32_t j = ql_lex_slot(h, lx->cap);
    while (lx->vals[j].cls) {
        if (lx->keys[j] == h) return &lx->vals[j];
        j = (uint32_t)((j + 1) & (lx->cap - 1));
    }
    return NULL;
}

/* ================================================================ the stage's state */

#define Q_NONE UINT32_MAX

enum { SK_NONE = 0, SK_NAME, SK_PRON, SK_NOM };
enum {
    QF_OPEN_END = 1u << 0, /* no closing mark: runs to the paragraph end */
    QF_CONT = 1u << 1,     /* continues the previous paragraph's quote */
    QF_ORPHAN = 1u << 2,   /* closing mark only: starts at its sentence start */
    QF_SINGLE = 1u << 3,   /* single marks */
    QF_OWN = 1u << 4,      /* speaker from its own cue */
    QF_INDIRECT = 1u << 5  /* reported speech without marks */
};

typedef struct {
    uint8_t kind;          /* SK_* */
    uint8_t gender;        /* QG_* */
    uint8_t org;           /* an institution, not a person */
    uint8_t person;        /* evidence that it is a person (first name, honorific, title) */
    uint32_t t0, t1;       /* the speaker's words: tokens [t0, t1) */
    uint32_t cue, cue_end; /* cue tokens [cue, cue_end) or Q_NONE */
    int actor;             /* index into res->actors or -1 */
    int men;               /* index of the resolved mention (pronouns) or -1 */
} q_spk_t;

typedef struct {
    uint32_t o, c;   /* open / close mark tokens, Q_NONE when absent */
    uint32_t c0, c1; /* content tokens [c0, c1) */
    uint32_t b0, b1; /* content bytes, trimmed */
    uint32_t para;
    uint32_t flags;
    uint8_t kind; /* wt_quote_kind_t */
    uint8_t keep;
    uint8_t left; /* starts as a clause (sentence start, after a colon or a cue) */
    q_spk_t spk;
} q_quote_t;

typedef struct {
    uint32_t start, end; /* bytes */
    uint32_t tok;        /* first token */
    uint32_t key;        /* hash of the last word (surname) */
    uint32_t title;      /* hash of the role title in front of it, or 0 */
    uint32_t apptitle;   /* hash of the role in an appositive after it ("X, leader of Y") */
    int actor;           /* res->actors index or -1 */
    uint8_t gender;
    uint8_t type;    /* wt_actor_type_t */
    uint8_t salient; /* a subject or a speaker */
    uint8_t nominal; /* "The stranger": a nominal subject */
} q_men_t;

/* A statement's speaker, for pronouns that refer back to it. */
typedef struct {
    uint32_t pos, para; /* where the statement is */
    uint32_t t0, t1;    /* the speaker's words */
    int actor;
    uint8_t kind, gender, org;
} q_hist_t;

struct wt_quotes_ctx {
    const wt_quotedb_t *db;
    const wt_doc_t *doc;
    const wt_input_t *in;
    wt_result_t *res;
    q_quote_t *q;
    size_t nq, qcap;
    uint32_t *qid; /* per token: 1 + index of the quote holding it, 0 outside */
    size_t qid_cap;
    q_men_t *men; /* person mentions, sorted by start */
    size_t nmen, men_cap;
    q_men_t *am; /* every actor mention, sorted by start */
    size_t nam, am_cap;
    q_men_t *mtmp; /* merge buffer of the mention sort */
    size_t mtmp_cap;
    q_hist_t *hist; /* speakers of the statements so far, in text order */
    size_t nhist, hist_cap;
    uint32_t *gkey; /* surname hash -> gender / actor */
    uint8_t *gval;
    int *gactor;
    int *gbest;    /* surname -> index in men of its fullest form, or -1 */
    size_t gcap;   /* slots allocated */
    size_t gmask;  /* slots in use for this item, minus one (cleared per item) */
    uint64_t *idh; /* ids of the actors we added to this item */
    size_t idcap, idn;
    const ql_entry_t **lxc; /* per token: its word class entry or NULL */
    size_t lxc_cap;
};

enum { SIDE_OPEN = 1, SIDE_CLOSE = 2, SIDE_AMBIG = 3 }; /* a quote mark's side */

/* ---------------------------------------------------------------- tokens */

#define TK(i) (&ctx->doc->toks[(i)])

static inline const ql_entry_t *q_lx(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    return ctx->lxc[i];
}

static inline uint32_t q_cls(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    const ql_entry_t *e = q_lx(ctx, i);
    return e ? e->cls : 0;
}

static inline bool q_punct(const wt_quotes_ctx_t *ctx, uint32_t i, char c)
{
    const wt_token_t *t = TK(i);
    return t->kind == WT_TOK_PUNCT && t->end - t->start == 1 && ctx->doc->text[t->start] == c;
}

static inline bool q_stop(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = TK(i);
    return t->kind == WT_TOK_PUNCT && (t->flags & WT_TF_STOP);
}

static inline bool q_dashlike(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    return TK(i)->kind == WT_TOK_DASH || q_punct(ctx, i, '-');
}

static inline bool q_lower(const wt_token_t *t)
{
    return t->kind == WT_TOK_WORD && (t->flags & WT_TF_LOWER);
}

static inline bool q_capword(const wt_token_t *t)
{
    return t->kind == WT_TOK_WORD && (t->flags & (WT_TF_CAP | WT_TF_ALLCAP | WT_TF_INITIAL));
}

static inline bool q_inq(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    return ctx->qid[i] != 0 || TK(i)->kind == WT_TOK_QUOTE;
}

/* A speech verb usable as a cue at token i: lower case, except in a
   title-case headline ("Xi Says ..."). */
static inline const ql_entry_t *q_verb(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = TK(i);
    if (t->kind != WT_TOK_WORD) return NULL;
    if (!(t->flags & WT_TF_LOWER) && t->start >= ctx->in->title_end &&
        !((t->flags & WT_TF_SENT_START) && i + 1 < ctx->doc->ntoks &&
          q_capword(TK(i + 1)))) /* "Said Comey: ..." */
        return NULL;
    const ql_entry_t *e = ctx->lxc[i];
    if (!e || !(e->cls & QL_VERB)) return NULL;
    /* "the term", "a call", "Rubio's claim": nouns */
    if ((e->vflags & QVF_NOUN) && (e->vform == QV_BASE || e->vform == QV_S) && i > 0) {
        const wt_token_t *p = TK(i - 1);
        if (p->kind == WT_TOK_POSS) return NULL;
        const ql_entry_t *pe = ctx->lxc[i - 1];
        if (p->kind == WT_TOK_WORD && pe && (pe->cls & QL_DET)) return NULL;
    }
    return e;
}

/* A strong cue verb, usable away from the quote. */
static inline const ql_entry_t *q_verb_far(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    const ql_entry_t *e = q_verb(ctx, i);
    if (!e || (e->vflags & QVF_WEAK)) return NULL;
    if ((e->vflags & QVF_NOUN) && (e->vform == QV_BASE || e->vform == QV_S)) return NULL;
    return e;
}

/* Can token i be part of a name? */
static inline bool q_nametok(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = TK(i);
    if (ctx->qid[i]) return false;
    if (t->kind == WT_TOK_WORD && (t->flags & WT_TF_HYPHEN) && (t->flags & WT_TF_LOWER)) {
        /* al-Attiyah, bin-Salman, el-Sisi */
        const char *x = ctx->doc->text + t->start;
        uint32_t n = t->end - t->start, k = 0;
        while (k < n && k < 4 && x[k] != '-')
            k++;
        return k + 1 < n && x[k] == '-' && x[k + 1] >= 'A' && x[k + 1] <= 'Z';
    }
    if (!q_capword(t)) return false;
    /* "Allegedly, ...": a sentence-initial adverb is no name */
    if ((t->flags & WT_TF_SENT_START) && t->end - t->start > 4 &&
        ctx->doc->text[t->end - 1] == 'y' && ctx->doc->text[t->end - 2] == 'l')
        return false;
    const ql_entry_t *e = q_lx(ctx, i);
    if (!e) return true;

    if (e->cls & (QL_HONOR | QL_TITLE | QL_RANK | QL_FIRST)) return true;
    if (e->cls & (QL_STOP | QL_PRON)) return false;
    if ((e->cls & QL_VERB) && !(e->vflags & QVF_WEAK)) return false;
    /* "Later Ivo Marek said": a sentence-initial time word or adverb */
    if ((t->flags & WT_TF_SENT_START) && (e->cls & (QL_TIME | QL_ADV)) &&
        !(e->cls & (QL_HONOR | QL_TITLE | QL_RANK | QL_FIRST)))
        return false;
    return true;
}

/* wt_tok_is() and wt_tok_ieq() for token i and a literal word w, inline: a
   token of another length (most of them) is refused without a call. For the
   per-token tests of the passes. */
static inline bool q_is(const wt_quotes_ctx_t *ctx, uint32_t i, const char *w)
{
    return wt_tok_len(TK(i)) == strlen(w) && wt_tok_is(ctx->doc, TK(i), w);
}

static inline bool q_ieq(const wt_quotes_ctx_t *ctx, uint32_t i, const char *w)
{
    return wt_tok_len(TK(i)) == strlen(w) && wt_tok_ieq(ctx->doc, TK(i), w);
}

/* *sp: a speaker of kind SK_* with the words [t0, t1), nothing else known. */
static inline void q_spk_init(q_spk_t *sp, uint8_t kind, uint32_t t0, uint32_t t1)
{
    memset(sp, 0, sizeof *sp);
    sp->kind = kind;
    sp->t0 = t0;
    sp->t1 = t1;
    sp->actor = sp->men = -1;
}

/* Slots of an open-addressing table for want keys: a power of two from cap
   up, at most half full. */
static inline size_t q_table_cap(size_t cap, size_t want)
{
    while (cap < want * 2)
        cap *= 2;
    return cap;
}

/* ================================================================ speakers.c */

/* A name run ending at token e (exclusive), not before lo / starting at token
   s, not reaching hi (its end in *end): the speaker span without role titles. */
bool wt_q_name_back(const wt_quotes_ctx_t *ctx, uint32_t e, uint32_t lo, q_spk_t *sp);
bool wt_q_name_fwd(const wt_quotes_ctx_t *ctx, uint32_t s, uint32_t hi, q_spk_t *sp, uint32_t *end);
/* Is token i the head of an unnamed speaker ("official", "police")? */
bool wt_q_nomhead(const wt_quotes_ctx_t *ctx, uint32_t i);
/* The subject of the sentence holding token v, not before lo. */
bool wt_q_subject(const wt_quotes_ctx_t *ctx, uint32_t v, uint32_t lo, q_spk_t *sp);
/* The speaker of cue verb v: the noun phrase before it, not before lo. */
bool wt_q_np_back(const wt_quotes_ctx_t *ctx, uint32_t v, uint32_t lo, q_spk_t *sp);
/* The speaker after an inverted cue ("said X") starting at token s; its end in *end. */
bool wt_q_np_fwd(const wt_quotes_ctx_t *ctx, uint32_t s, uint32_t hi, q_spk_t *sp, uint32_t *end);

/* ================================================================ pairing.c */

/* Side of a quote mark: SIDE_OPEN, SIDE_CLOSE or SIDE_AMBIG. */
int wt_q_side(const wt_quotes_ctx_t *ctx, const wt_token_t *t);
/* Append a quote with content tokens [c0, c1); NULL when empty. */
q_quote_t *wt_q_add_quote(wt_quotes_ctx_t *ctx, uint32_t o, uint32_t c, uint32_t c0, uint32_t c1,
                          uint32_t para, uint32_t flags);
/* Words and numbers in tokens [a, b). */
uint32_t wt_q_words(const wt_quotes_ctx_t *ctx, uint32_t a, uint32_t b);
/* Does the quote read like a title ("on “New Day”")? */
bool wt_q_titlecase(const wt_quotes_ctx_t *ctx, const q_quote_t *q);
/* Pass 1: pair the marks of every paragraph into ctx->q, fill ctx->qid, tell
   direct from partial quotes. */
void wt_q_pair(wt_quotes_ctx_t *ctx);

/* ================================================================ cues.c */

void wt_q_set_cue(q_spk_t *sp, uint32_t cue, uint32_t cue_end);
/* "according to X" at token k. */
bool wt_q_according(const wt_quotes_ctx_t *ctx, uint32_t k, uint32_t hi, q_spk_t *sp,
                    uint32_t *end);
/* The quote's own cue, by pattern priority: after it, before it, a colon-ended
   paragraph before it, elsewhere in its sentence. */
bool wt_q_own_cue(wt_quotes_ctx_t *ctx, q_quote_t *q, q_spk_t *sp);
/* A direct quote without a cue: the speaking subject of the sentence before. */
bool wt_q_cue_prevsent(wt_quotes_ctx_t *ctx, q_quote_t *q, q_spk_t *sp);

/* ================================================================ indirect.c */

/* Pass 4: reported speech without marks, appended to ctx->q as indirect quotes. */
void wt_q_indirect(wt_quotes_ctx_t *ctx);

/* ================================================================ mentions.c */

/* The surname map (key: token hash of the last word): its slot, add, gender
   and actor (-1 when unknown). */
size_t wt_q_gslot(const wt_quotes_ctx_t *ctx, uint32_t key);
void wt_q_gmap_put(wt_quotes_ctx_t *ctx, uint32_t key, uint8_t gender, int actor);
uint8_t wt_q_gmap_gender(const wt_quotes_ctx_t *ctx, uint32_t key, int *actor);
/* First token with start >= byte b. */
uint32_t wt_q_tok_at(const wt_quotes_ctx_t *ctx, uint32_t b);
/* First token from t that does not end by byte end (a mention's end). */
uint32_t wt_q_tok_past(const wt_quotes_ctx_t *ctx, uint32_t t, uint32_t end);
/* First of the n mentions m (sorted by start) with start >= byte pos. */
size_t wt_q_men_at(const q_men_t *m, size_t n, uint32_t pos);
/* Index of the actor whose mention overlaps bytes [b0, b1) best, or -1. */
int wt_q_actor_at(const wt_quotes_ctx_t *ctx, uint32_t b0, uint32_t b1, bool want_person);
/* Pass 2: ctx->am (every actor mention), ctx->men (person mentions), the surname map. */
void wt_q_collect_mentions(wt_quotes_ctx_t *ctx);

/* ================================================================ resolve.c */

/* Link a speaker to an actor; pronouns and definite titles to their antecedent. */
void wt_q_settle(wt_quotes_ctx_t *ctx, q_spk_t *sp);
/* Remember the speaker of a kept statement for later pronouns. */
void wt_q_hist_push(wt_quotes_ctx_t *ctx, const q_quote_t *q);

/* ================================================================ output.c */

/* Pass 6: append the kept quotes (sorted) to ctx->res, with new speaker actors. */
void wt_q_output(wt_quotes_ctx_t *ctx);

#endif
