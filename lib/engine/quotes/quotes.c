/*  quotes.c: the quotes stage. Finds quoted statements, tells direct quotes
    from partial ones, finds reported speech without marks (indirect), and
    attributes each to its speaker.

    Passes over one document, each linear in its size:
      1. pairing: per paragraph, a small state machine over the quote-mark
         tokens pairs double marks (“ ” " « » „ `` '') by their spacing and
         class, single marks (‘ ’ ') outside double quotes, and survives
         stray, unbalanced and reversed marks. A paragraph that ends inside
         a quote is continued by the next one when that one opens with a
         mark, or closes a mark it never opened.
      2. mentions: person mentions for pronoun resolution, from the actors
         stage (res->actors) and from our own name detection.
      3. attribution, in order: cue right after the quote ("Q," X said /
         said X / X, a spokesman, said / according to X / — Name), cue right
         before it (X said: "Q"), a colon-ended previous paragraph, a cue
         elsewhere in the sentence (partial quotes), then carry-over from the
         previous quote of the same or previous paragraph.
      4. indirect speech: X said (that) ..., X told Y that ..., ..., X said.,
         according to X, ... (clauses without quotation marks only).
      5. in text order: pronouns and definite titles resolve to their
         antecedent (speaker history + mentions), carry-over, keep or drop.
      6. output; a named person speaker the actors stage missed becomes a
         person actor "q_<name>" appended to res->actors (one per surname).
    Every window is bounded (a few dozen tokens, 250 at most), and the maps
    are hashed, so 100,000 marks, 100,000 speakers or a 1 MB paragraph cost
    time proportional to their size.
    See docs/QUOTES.md for the rules and their limits.
*/
#include "quotes_int.h"
#include "engine/stages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NONE UINT32_MAX

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
    uint32_t cue, cue_end; /* cue tokens [cue, cue_end) or NONE */
    int actor;             /* index into res->actors or -1 */
    int men;               /* index of the resolved mention (pronouns) or -1 */
} s_spk_t;

typedef struct {
    uint32_t o, c;   /* open / close mark tokens, NONE when absent */
    uint32_t c0, c1; /* content tokens [c0, c1) */
    uint32_t b0, b1; /* content bytes, trimmed */
    uint32_t para;
    uint32_t flags;
    uint8_t kind; /* wt_quote_kind_t */
    uint8_t keep;
    uint8_t left; /* starts as a clause (sentence start, after a colon or a cue) */
    s_spk_t spk;
} s_quote_t;

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
} s_men_t;

/* A statement's speaker, for pronouns that refer back to it. */
typedef struct {
    uint32_t pos, para; /* where the statement is */
    uint32_t t0, t1;    /* the speaker's words */
    int actor;
    uint8_t kind, gender, org;
} s_hist_t;

struct wt_quotedb {
    ql_lex_t lex;
    bool indirect;
};

struct wt_quotes_ctx {
    const wt_quotedb_t *db;
    const wt_doc_t *doc;
    const wt_input_t *in;
    wt_result_t *res;
    s_quote_t *q;
    size_t nq, qcap;
    uint32_t *qid; /* per token: 1 + index of the quote holding it, 0 outside */
    size_t qid_cap;
    s_men_t *men; /* person mentions, sorted by start */
    size_t nmen, men_cap;
    s_men_t *am; /* every actor mention, sorted by start */
    size_t nam, am_cap;
    s_hist_t *hist; /* speakers of the statements so far, in text order */
    size_t nhist, hist_cap;
    uint32_t *gkey; /* surname hash -> gender / actor */
    uint8_t *gval;
    int *gactor;
    int *gbest; /* surname -> index in men of its fullest form, or -1 */
    size_t gcap;
    uint64_t *idh; /* ids of the actors we added to this item */
    size_t idcap, idn;
    const ql_entry_t **lxc; /* per token: its word class entry or NULL */
    size_t lxc_cap;
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

/* ---------------------------------------------------------------- tokens */

#define TK(i) (&ctx->doc->toks[(i)])

static const ql_entry_t *s_lx(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    return ctx->lxc[i];
}

static uint32_t s_cls(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    const ql_entry_t *e = s_lx(ctx, i);
    return e ? e->cls : 0;
}

static bool s_punct(const wt_quotes_ctx_t *ctx, uint32_t i, char c)
{
    const wt_token_t *t = TK(i);
    return t->kind == WT_TOK_PUNCT && t->end - t->start == 1 && ctx->doc->text[t->start] == c;
}

static bool s_is_stop(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = TK(i);
    return t->kind == WT_TOK_PUNCT && (t->flags & WT_TF_STOP);
}

static bool s_dashlike(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    return TK(i)->kind == WT_TOK_DASH || s_punct(ctx, i, '-');
}

static bool s_lower(const wt_token_t *t)
{
    return t->kind == WT_TOK_WORD && (t->flags & WT_TF_LOWER);
}

static bool s_capword(const wt_token_t *t)
{
    return t->kind == WT_TOK_WORD && (t->flags & (WT_TF_CAP | WT_TF_ALLCAP | WT_TF_INITIAL));
}

static bool s_inq(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    return ctx->qid[i] != 0 || TK(i)->kind == WT_TOK_QUOTE;
}

/* A speech verb usable as a cue at token i: lower case, except in a
   title-case headline ("Xi Says ..."). */
static const ql_entry_t *s_verb(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = TK(i);
    if (t->kind != WT_TOK_WORD) return NULL;
    if (!(t->flags & WT_TF_LOWER) && t->start >= ctx->in->title_end &&
        !((t->flags & WT_TF_SENT_START) && i + 1 < ctx->doc->ntoks &&
          s_capword(TK(i + 1)))) /* "Said Comey: ..." */
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
static const ql_entry_t *s_verb_far(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    const ql_entry_t *e = s_verb(ctx, i);
    if (!e || (e->vflags & QVF_WEAK)) return NULL;
    if ((e->vflags & QVF_NOUN) && (e->vform == QV_BASE || e->vform == QV_S)) return NULL;
    return e;
}

/* Can token i be part of a name? */
static bool s_nametok(const wt_quotes_ctx_t *ctx, uint32_t i)
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
    if (!s_capword(t)) return false;
    /* "Allegedly, ...": a sentence-initial adverb is no name */
    if ((t->flags & WT_TF_SENT_START) && t->end - t->start > 4 &&
        ctx->doc->text[t->end - 1] == 'y' && ctx->doc->text[t->end - 2] == 'l')
        return false;
    const ql_entry_t *e = s_lx(ctx, i);
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

/* ---------------------------------------------------------------- names */

/* Set the speaker span of a name run [s, e): drop role titles in front of
   the name, keep honorifics and ranks, pick the person of "X of Y". */
static void s_name_core(const wt_quotes_ctx_t *ctx, uint32_t s, uint32_t e, s_spk_t *sp)
{
    sp->kind = SK_NAME;
    sp->gender = QG_NONE;
    sp->org = 0;
    sp->person = 0;
    /* segments split at connectors */
    uint32_t seg_s = s, best_s = NONE, best_e = NONE, first_s = s, first_e = e;
    bool first_done = false;
    for (uint32_t i = s; i <= e; i++) {
        /* the connectors are lower-case words; most name tokens are not */
        bool split =
            i == e || ((TK(i)->flags & WT_TF_LOWER) &&
                       (wt_tok_is(ctx->doc, TK(i), "of") || wt_tok_is(ctx->doc, TK(i), "for") ||
                        wt_tok_is(ctx->doc, TK(i), "on")));
        if (!split) continue;
        if (!first_done) {
            first_e = i;
            first_done = true;
        }
        for (uint32_t k = seg_s; k < i; k++)
            if (s_cls(ctx, k) & QL_FIRST) {
                best_s = seg_s;
                best_e = i;
            }
        seg_s = i + 1;
    }
    uint32_t a = s, b = e;
    bool coord = false;
    for (uint32_t k = s; k < e; k++)
        if (wt_tok_is(ctx->doc, TK(k), "and") || s_punct(ctx, k, '&')) coord = true;
    if (coord) {
        best_s = NONE;
        first_e = e;
    }
    if (best_s != NONE) {
        a = best_s;
        b = best_e;
    } else if (first_e < e) {
        /* "Ross Rogers of Boston": the first segment when it looks personal */
        bool personal = false;
        for (uint32_t k = first_s; k < first_e; k++)
            if (s_cls(ctx, k) & (QL_HONOR | QL_RANK | QL_TITLE)) personal = true;
        bool orgish = false;
        for (uint32_t k = s; k < e; k++)
            if (s_cls(ctx, k) & QL_ORGHEAD) orgish = true;
        if (personal && !orgish) {
            a = first_s;
            b = first_e;
        }
    }
    /* gender and org evidence over the whole run */
    for (uint32_t k = s; k < e; k++) {
        const ql_entry_t *en = s_lx(ctx, k);
        if (!en) continue;
        if (en->cls & QL_ORGHEAD && TK(k)->flags & WT_TF_CAP) sp->org = 1;
        if (en->cls & (QL_HONOR | QL_TITLE | QL_RANK)) {
            sp->person = 1;
            if (en->gender == QG_M || en->gender == QG_F) sp->gender = en->gender;
        }
    }
    if (s > 0) { /* a lower-case title right before: "spokeswoman Haley Morris" */
        const ql_entry_t *en = s_lx(ctx, s - 1);
        if (en && (en->cls & (QL_TITLE | QL_HONOR)) && !ctx->qid[s - 1]) {
            sp->person = 1;
            if (!sp->gender && (en->gender == QG_M || en->gender == QG_F)) sp->gender = en->gender;
        }
    }
    /* first name inside the chosen segment starts the core */
    uint32_t core = a;
    for (uint32_t k = a; k < b && !coord; k++) {
        const ql_entry_t *en = s_lx(ctx, k);
        if (en && (en->cls & QL_FIRST) && !(en->cls & (QL_TITLE | QL_HONOR))) {
            core = k;
            if (!sp->gender && (en->gender == QG_M || en->gender == QG_F)) sp->gender = en->gender;
            sp->person = 1;
            break;
        }
    }
    if (core == a) {
        /* after the last role title, when a name follows it */
        for (uint32_t k = a; k + 1 < b; k++)
            if ((s_cls(ctx, k) & QL_TITLE) && !(s_cls(ctx, k) & QL_FIRST)) core = k + 1;
        /* an honorific inside the run starts the name: whatever stands before
           it is a role ("Agency Director-General Dr. Jane Roe" -> "Dr. Jane Roe") */
        for (uint32_t k = core + 1; k + 1 < b; k++)
            if ((s_cls(ctx, k) & QL_HONOR) && !(s_cls(ctx, k) & QL_FIRST)) {
                core = k;
                break;
            }
        /* an honorific or rank right before the core stays ("Mr Xi", "Officer Tusk") */
    }
    if (core > a && (s_cls(ctx, core - 1) & (QL_HONOR | QL_RANK))) core--;
    /* "Agency Director-General Dr. Jane Roe": the organisation words are in
       the role before the name, the name itself is a person's */
    if (core > a && sp->org && (s_cls(ctx, core) & (QL_HONOR | QL_FIRST))) {
        bool org_in_core = false;
        for (uint32_t k = core; k < b; k++)
            if ((s_cls(ctx, k) & QL_ORGHEAD) && (TK(k)->flags & WT_TF_CAP)) org_in_core = true;
        if (!org_in_core) {
            sp->org = 0;
            sp->person = 1;
        }
    }
    while (core < b && (s_cls(ctx, core) & QL_CONNECT))
        core++;
    if (core >= b) core = a;
    if (b - core == 1 && (TK(core)->flags & WT_TF_ALLCAP)) sp->org = sp->person ? 0 : 1;
    sp->t0 = core;
    sp->t1 = b;
    if (sp->org) sp->person = 0;
    /* "European Commissioner": a title with no name is a nominal speaker */
    if (b > a && (s_cls(ctx, b - 1) & QL_TITLE) && !(s_cls(ctx, b - 1) & QL_FIRST)) {
        bool name = false;
        for (uint32_t k = a; k < b; k++)
            if (!(s_cls(ctx, k) & (QL_TITLE | QL_HONOR | QL_RANK)) &&
                !(TK(k)->flags & WT_TF_ALLCAP))
                name = true;
        /* "Australian Governor General": a run that ends in a title and holds
           no first name describes a role; its last title is no name */
        bool first = false;
        for (uint32_t k = a; k < b; k++)
            if ((s_cls(ctx, k) & QL_FIRST) && !(s_cls(ctx, k) & QL_TITLE)) first = true;
        if (!name || b - a <= 2 || !first) {
            sp->kind = SK_NOM;
            sp->t0 = a;
            sp->person = 0;
        }
    }
}

/* The name run that ends at token e (exclusive), not before lo. */
static bool s_name_back(const wt_quotes_ctx_t *ctx, uint32_t e, uint32_t lo, s_spk_t *sp)
{
    uint32_t i = e;
    while (i > lo) {
        if (TK(i - 1)->para != TK(e - 1)->para) break; /* a name never spans paragraphs */
        if (s_nametok(ctx, i - 1)) {
            i--;
            continue;
        }
        if (i - 1 > lo && i < e && s_nametok(ctx, i - 2) && s_nametok(ctx, i)) {
            uint32_t c = s_cls(ctx, i - 1);
            if ((c & (QL_CONNECT | QL_PARTICLE)) && s_lower(TK(i - 1))) {
                i--;
                continue;
            }
            if (s_punct(ctx, i - 1, '&')) {
                i--;
                continue;
            }
        }
        break;
    }
    while (i < e && !s_nametok(ctx, i))
        i++;
    if (i >= e) return false;
    s_name_core(ctx, i, e, sp);
    return true;
}

/* The name run that starts at token s; its end in *end. */
static bool s_name_fwd(const wt_quotes_ctx_t *ctx, uint32_t s, uint32_t hi, s_spk_t *sp,
                       uint32_t *end)
{
    uint32_t j = s;
    while (j < hi) {
        if (TK(j)->para != TK(s)->para) break; /* a name never spans paragraphs */
        if (s_nametok(ctx, j)) {
            j++;
            continue;
        }
        if (j > s && j + 1 < hi && s_nametok(ctx, j + 1)) {
            uint32_t c = s_cls(ctx, j);
            if (((c & (QL_CONNECT | QL_PARTICLE)) && s_lower(TK(j))) || s_punct(ctx, j, '&')) {
                j++;
                continue;
            }
        }
        break;
    }
    if (j == s) return false;
    s_name_core(ctx, s, j, sp);
    *end = j;
    return true;
}

/* ---------------------------------------------------------------- speakers */

static bool s_pron(const wt_quotes_ctx_t *ctx, uint32_t i, s_spk_t *sp)
{
    const ql_entry_t *e = s_lx(ctx, i);
    if (!e || !(e->cls & QL_PRON) || ctx->qid[i]) return false;
    /* "I" and "we" are the writer or a group: not resolved, not reported */
    memset(sp, 0, sizeof *sp);
    sp->kind = SK_PRON;
    sp->gender = e->gender;
    sp->t0 = i;
    sp->t1 = i + 1;
    sp->actor = sp->men = -1;
    return true;
}

static bool s_nomhead(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    uint32_t c = s_cls(ctx, i);
    return (c & (QL_NOMHEAD | QL_ORGHEAD)) && !(c & QL_NOTSPK) && !ctx->qid[i];
}

/* A word that may sit inside a nominal speaker ("a senior administration"). */
static bool s_nomword(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = TK(i);
    if (ctx->qid[i]) return false;
    if (t->kind == WT_TOK_POSS) return true;
    if (t->kind != WT_TOK_WORD) return false;
    uint32_t c = s_cls(ctx, i);
    if (c & (QL_PREP | QL_SUBORD | QL_PRON | QL_OBJPRON)) return false;
    if ((c & QL_VERB) && s_lower(t) && !(c & (QL_NOMHEAD | QL_ORGHEAD))) return false;
    if ((c & QL_STOP) && !(c & QL_DET)) return false;
    return true;
}

/* Nominal speaker ending at token e (exclusive): "a senior official". */
static bool s_nom_back(const wt_quotes_ctx_t *ctx, uint32_t e, uint32_t lo, s_spk_t *sp)
{
    uint32_t h = e - 1;
    if (!s_lower(TK(h))) return false;
    bool head = s_nomhead(ctx, h);
    uint32_t i = h, det = NONE;
    while (i > lo && h - i < 6) {
        uint32_t k = i - 1;
        if (s_cls(ctx, k) & QL_DET && TK(k)->kind == WT_TOK_WORD) {
            det = k;
            i = k;
            break;
        }
        if (!s_nomword(ctx, k)) break;
        i = k;
    }
    uint32_t c = s_cls(ctx, h);
    if (c & (QL_NOTSPK | QL_STOP | QL_ADV | QL_TIME)) return false;
    if (!head && !(det != NONE && h - det <= 3 && det == i)) return false;
    if (!head) {
        /* any noun after a determiner: only "the"/"a"/"an" */
        const wt_token_t *d = TK(det);
        if (!wt_tok_ieq(ctx->doc, d, "the") && !wt_tok_ieq(ctx->doc, d, "a") &&
            !wt_tok_ieq(ctx->doc, d, "an"))
            return false;
    }
    memset(sp, 0, sizeof *sp);
    sp->kind = SK_NOM;
    sp->t0 = i;
    sp->t1 = e;
    sp->actor = sp->men = -1;
    const ql_entry_t *en = s_lx(ctx, h);
    sp->gender = en ? en->gender : 0;
    sp->org = (c & QL_ORGHEAD) && !(c & QL_NOMHEAD);
    return true;
}

/* Nominal speaker starting at token s (a determiner or a bare plural head). */
static bool s_nom_fwd(const wt_quotes_ctx_t *ctx, uint32_t s, uint32_t hi, s_spk_t *sp,
                      uint32_t *end)
{
    uint32_t j = s, last_head = NONE;
    bool det = (s_cls(ctx, s) & QL_DET) && TK(s)->kind == WT_TOK_WORD;
    if (det) j++;
    uint32_t first = j;
    while (j < hi && j - first < 6 && s_nomword(ctx, j)) {
        if (s_nomhead(ctx, j) && s_lower(TK(j))) last_head = j;
        if (s_cls(ctx, j) & QL_DET && j > first) break;
        j++;
    }
    uint32_t h = last_head;
    if (h == NONE && det && j > first && j - first <= 3 && j < hi &&
        (s_verb(ctx, j) || s_punct(ctx, j, ',')) && s_lower(TK(j - 1))) {
        const wt_token_t *d = TK(s);
        if (wt_tok_ieq(ctx->doc, d, "the") || wt_tok_ieq(ctx->doc, d, "a") ||
            wt_tok_ieq(ctx->doc, d, "an") || wt_tok_ieq(ctx->doc, d, "his") ||
            wt_tok_ieq(ctx->doc, d, "her") || wt_tok_ieq(ctx->doc, d, "their"))
            h = j - 1;
    }

    if (h == NONE) return false;
    uint32_t c = s_cls(ctx, h);
    if (c & (QL_NOTSPK | QL_STOP | QL_ADV | QL_TIME)) return false;
    if (!det && !(TK(h)->flags & WT_TF_LOWER)) return false;
    /* without a determiner only institutions and plural heads ("police said",
       "Chinese officials said"), not "man" */
    if (!det && !(c & QL_ORGHEAD) && (!s_lx(ctx, h) || s_lx(ctx, h)->gender != QG_PL)) return false;
    memset(sp, 0, sizeof *sp);
    sp->kind = SK_NOM;
    sp->t0 = s;
    sp->t1 = h + 1;
    sp->actor = sp->men = -1;
    const ql_entry_t *en = s_lx(ctx, h);
    sp->gender = en ? en->gender : 0;
    sp->org = (c & QL_ORGHEAD) && !(c & QL_NOMHEAD);
    *end = h + 1;
    /* "bosses at the plant said", "workers from the mine said": a short
       prepositional phrase completes a person nominal before its verb */
    if ((c & QL_NOMHEAD) && h + 3 < hi &&
        (wt_tok_is(ctx->doc, TK(h + 1), "at") || wt_tok_is(ctx->doc, TK(h + 1), "from") ||
         wt_tok_is(ctx->doc, TK(h + 1), "of") || wt_tok_is(ctx->doc, TK(h + 1), "for")) &&
        wt_tok_is(ctx->doc, TK(h + 2), "the")) {
        uint32_t pj = h + 3;
        while (pj < hi && pj < h + 5 && s_lower(TK(pj)) && !s_verb(ctx, pj) &&
               !(s_cls(ctx, pj) & (QL_STOP | QL_PREP | QL_ADV)) &&
               !(pj > h + 3 && TK(pj)->end - TK(pj)->start > 3 &&
                 memcmp(ctx->doc->text + TK(pj)->end - 2, "ed", 2) == 0))
            pj++;
        if (pj > h + 3 && pj < hi &&
            ((s_lower(TK(pj)) && (s_verb(ctx, pj) || (s_cls(ctx, pj) & QL_ADV) ||
                                  (TK(pj)->end - TK(pj)->start > 3 &&
                                   memcmp(ctx->doc->text + TK(pj)->end - 2, "ed", 2) == 0))) ||
             s_punct(ctx, pj, ','))) {
            sp->t1 = pj;
            *end = pj;
        }
    }
    return true;
}

/* Skip an appositive ", a spokesman for Y," or "(R-Texas)" ending at token e-1;
   returns the new end, or e when there is none. */
static uint32_t s_skip_appos_back(const wt_quotes_ctx_t *ctx, uint32_t e, uint32_t lo)
{
    if (e <= lo + 1) return e;
    uint32_t k = e - 1;
    if (s_punct(ctx, k, ')')) {
        for (uint32_t j = k; j > lo && k - j < 14; j--)
            if (s_punct(ctx, j - 1, '(')) return j - 1;
        return e;
    }
    if (s_dashlike(ctx, k)) {
        /* "Jason Sims — a teacher from Mount Pleasant — says" */
        for (uint32_t j = k; j > lo + 1 && k - j < 20; j--) {
            uint32_t p = j - 1;
            if (s_inq(ctx, p) || (TK(p)->flags & WT_TF_SENT_END)) return e;
            if (s_dashlike(ctx, p)) {
                uint32_t c = p + 1 < k ? s_cls(ctx, p + 1) : 0;
                return (c & QL_DET) || (p + 1 < k && s_lower(TK(p + 1))) ? p : e;
            }
        }
        return e;
    }
    if (!s_punct(ctx, k, ',')) return e;
    for (uint32_t j = k; j > lo && k - j < 40; j--) {
        uint32_t p = j - 1;
        if (s_inq(ctx, p) || (TK(p)->flags & WT_TF_SENT_END)) return e;
        if (s_punct(ctx, p, ',')) {
            if (p + 1 >= k) return e;
            const wt_token_t *f = TK(p + 1);
            uint32_t c = s_cls(ctx, p + 1);
            /* "Sen. Rand Paul, R-Ky., said" */
            if (k - p <= 3 && f->kind == WT_TOK_WORD && f->end - f->start >= 3 &&
                strchr("RDI", ctx->doc->text[f->start]) && ctx->doc->text[f->start + 1] == '-')
                return p;

            if ((c & (QL_DET | QL_SUBORD)) || s_lower(f) || f->kind == WT_TOK_NUMBER ||
                (c & (QL_TITLE | QL_NOMHEAD)))
                return p;
            /* ", Sanders' senior media adviser," ends with a role */
            if (s_cls(ctx, k - 1) & (QL_TITLE | QL_NOMHEAD)) return p;

            return e;
        }
    }
    return e;
}

/* The speaker of cue verb v: the noun phrase before it. */
static bool s_np_fwd(const wt_quotes_ctx_t *ctx, uint32_t s, uint32_t hi, s_spk_t *sp,
                     uint32_t *end);

/* The subject of the sentence holding token v (for "X did Y, saying Z"):
   the noun phrase that opens it, after a conjunction or an opening adverbial. */
static bool s_subject(const wt_quotes_ctx_t *ctx, uint32_t v, uint32_t lo, s_spk_t *sp)
{
    const wt_doc_t *d = ctx->doc;
    uint32_t s0 = d->sents[TK(v)->sent].tok_first;
    if (s0 < lo) s0 = lo;
    if (s0 < v && (wt_tok_ieq(d, TK(s0), "but") || wt_tok_ieq(d, TK(s0), "and") ||
                   wt_tok_ieq(d, TK(s0), "so") || wt_tok_ieq(d, TK(s0), "yet") ||
                   wt_tok_ieq(d, TK(s0), "or")))
        s0++;
    if (s0 < v && (s_cls(ctx, s0) & (QL_PREP | QL_TIME)) && !(s_cls(ctx, s0) & QL_PRON)) {
        uint32_t k = s0;
        while (k < v && k < s0 + 15 && !s_punct(ctx, k, ','))
            k++;
        if (k >= v || !s_punct(ctx, k, ',')) return false;
        s0 = k + 1;
    }
    uint32_t end;
    if (s0 < v && s_np_fwd(ctx, s0, v, sp, &end) && end < v)
        return s_lower(TK(end)) || s_punct(ctx, end, ',');
    /* "Asked whether he would run, Mrs. Clinton shook her head and said": the
       subject after an opening participial phrase */
    if (s0 < v && !s_lower(TK(s0)) && TK(s0)->kind == WT_TOK_WORD &&
        TK(s0)->end - TK(s0)->start > 3 && d->text[TK(s0)->end - 1] == 'd' &&
        d->text[TK(s0)->end - 2] == 'e') {
        uint32_t k = s0;
        while (k < v && k < s0 + 20 && !s_punct(ctx, k, ','))
            k++;
        if (k + 1 < v && s_punct(ctx, k, ',') && s_np_fwd(ctx, k + 1, v, sp, &end) && end < v &&
            s_lower(TK(end)))
            return true;
    }

    /* "The town released a statement saying": a determiner, up to three words and a verb */
    if (s0 + 2 < v && (wt_tok_is(d, TK(s0), "The") || wt_tok_is(d, TK(s0), "A"))) {
        for (uint32_t h = s0 + 1; h < s0 + 4 && h + 1 < v; h++) {
            if (!s_lower(TK(h)) || (s_cls(ctx, h) & (QL_STOP | QL_PREP | QL_NOTSPK | QL_VERB)))
                break;
            if (s_lower(TK(h + 1)) && !(s_cls(ctx, h + 1) & (QL_PREP | QL_DET))) {
                memset(sp, 0, sizeof *sp);
                sp->kind = SK_NOM;
                sp->t0 = s0;
                sp->t1 = h + 1;
                sp->actor = sp->men = -1;
                return true;
            }
        }
    }
    return false;
}

/* A preposition that takes a place or an organisation as its object. */
static bool s_prep_word(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    static const char *const w[] = {"at", "for", "of", "in", "from", "with", "by", "on", NULL};
    for (int k = 0; w[k]; k++)
        if (wt_tok_is(ctx->doc, TK(i), w[k])) return true;
    return false;
}

static bool s_np_back_core(const wt_quotes_ctx_t *ctx, uint32_t v, uint32_t lo, s_spk_t *sp)
{
    const ql_entry_t *ve = s_lx(ctx, v);
    /* "X went on to say", "X pointed to a case to say": the sentence's subject */
    if (ve && (ve->cls & QL_VERB) && v > lo + 1 && wt_tok_is(ctx->doc, TK(v - 1), "to"))
        return s_subject(ctx, v, lo, sp);
    if (ve && (ve->cls & QL_VERB) && ve->vform == QV_ING && v > lo + 1 &&
        (s_punct(ctx, v - 1, ',') || s_dashlike(ctx, v - 1) ||
         (v > lo + 2 && wt_tok_is(ctx->doc, TK(v - 1), "only") && s_dashlike(ctx, v - 2))))
        return s_subject(ctx, v, lo, sp);
    uint32_t i = v, n = 0;
    /* "Jane Roe on Monday assured": a time phrase between subject and verb */
    if (v > lo + 2 && (s_cls(ctx, v - 1) & QL_TIME) && (TK(v - 1)->flags & WT_TF_CAP) &&
        wt_tok_is(ctx->doc, TK(v - 2), "on"))
        i = v - 2;

    while (i > lo && n < 3) {
        const wt_token_t *t = TK(i - 1);
        if (t->kind != WT_TOK_WORD || !s_lower(t)) break;
        uint32_t c = s_cls(ctx, i - 1);
        size_t len = t->end - t->start;
        bool ly = len > 3 && memcmp(ctx->doc->text + t->end - 2, "ly", 2) == 0 &&
                  !(c & (QL_NOMHEAD | QL_ORGHEAD));
        if (!(c & QL_ADV) && !ly) break;
        i--;
        n++;
    }
    if (i <= lo) return false;
    /* "X pointed to a man and called him ...": the sentence's subject */
    if (i > lo + 1 &&
        (wt_tok_is(ctx->doc, TK(i - 1), "and") || wt_tok_is(ctx->doc, TK(i - 1), "but")))
        return s_subject(ctx, v, lo, sp);
    /* "X, who said" / "X, who has said" */

    if (i > lo + 2 && (s_cls(ctx, i - 1) & QL_SUBORD) && wt_tok_ieq(ctx->doc, TK(i - 1), "who") &&
        s_punct(ctx, i - 2, ','))
        i -= 2;
    uint32_t i0 = i;
    i = s_skip_appos_back(ctx, i, lo);
    if (i != i0 && i > lo + 1)
        i = s_skip_appos_back(ctx, i, lo); /* "X, 31, a photographer, said" */
    if (i <= lo) return false;
    if (i == i0 && s_punct(ctx, i - 1, ',')) {
        /* "The head of EU foreign policy, Josep Borrell, described": the name
           between the commas */
        uint32_t e = i - 1, p = e;
        while (p > lo && e - p < 8 && s_nametok(ctx, p - 1))
            p--;
        uint32_t end;
        if (p < e && p > lo && s_punct(ctx, p - 1, ',') && s_name_fwd(ctx, p, e, sp, &end) &&
            end == e) {
            sp->actor = sp->men = -1;
            return true;
        }
        return false;
    }
    uint32_t k = i - 1;
    if (ctx->qid[k] || TK(k)->kind == WT_TOK_QUOTE) return false;
    if (s_pron(ctx, k, sp)) return true;
    memset(sp, 0, sizeof *sp);
    sp->actor = sp->men = -1;
    if (s_nametok(ctx, k)) {
        if (s_name_back(ctx, i, lo, sp)) {
            sp->actor = sp->men = -1;
            /* "The U.S. ambassador to Mexico said": the name completes a nominal
               head; the speaker is the nominal ("The U.S. ambassador") */
            uint32_t t0 = sp->t0;
            while (t0 > lo && s_nametok(ctx, t0 - 1))
                t0--;
            if (t0 > lo + 1 &&
                (wt_tok_is(ctx->doc, TK(t0 - 1), "to") || wt_tok_is(ctx->doc, TK(t0 - 1), "of") ||
                 wt_tok_is(ctx->doc, TK(t0 - 1), "for"))) {
                s_spk_t nom;
                if (s_lower(TK(t0 - 2)) && (s_cls(ctx, t0 - 2) & (QL_TITLE | QL_NOMHEAD)) &&
                    s_nom_back(ctx, t0 - 1, lo, &nom)) {
                    *sp = nom;
                    return true;
                }
            }
            /* the object of a preposition is no subject: "Jane Roe, site manager
               for Acme at Riverton said" -> the name before the appositive */
            if (t0 > lo + 2 && s_lower(TK(t0 - 1)) && s_prep_word(ctx, t0 - 1)) {
                for (uint32_t p = t0 - 1; p > lo + 1 && t0 - p < 20; p--) {
                    if (s_inq(ctx, p) || s_is_stop(ctx, p) || (s_lower(TK(p)) && s_verb(ctx, p)))
                        break;
                    if (!s_punct(ctx, p, ',')) continue;
                    s_spk_t nm;
                    memset(&nm, 0, sizeof nm);
                    if (s_nametok(ctx, p - 1) && s_name_back(ctx, p, lo, &nm) && !nm.org &&
                        (nm.person || nm.gender || nm.t1 - nm.t0 >= 2)) {
                        nm.actor = nm.men = -1;
                        *sp = nm;
                    }
                    break;
                }
            }
            return true;
        }
        return false;
    }
    if (TK(k)->kind == WT_TOK_WORD && s_nom_back(ctx, i, lo, sp)) {
        /* "The leader of the opposition said": the head is the role before
           "of", the speaker the whole phrase, never "the opposition" */
        uint32_t t0 = sp->t0;
        s_spk_t head;
        const wt_token_t *pt = t0 > lo + 2 ? TK(t0 - 1) : NULL;
        bool of = pt && wt_tok_is(ctx->doc, pt, "of");
        bool pp = pt && (wt_tok_is(ctx->doc, pt, "at") || wt_tok_is(ctx->doc, pt, "from") ||
                         wt_tok_is(ctx->doc, pt, "for"));
        /* "workers from the mine said", "a spokesman for the ministry said" */
        if (pt && (of || pp) && s_lower(TK(t0 - 2)) &&
            (s_cls(ctx, t0 - 2) & (of ? (QL_TITLE | QL_NOMHEAD) : QL_NOMHEAD)) &&
            s_nom_back(ctx, t0 - 1, lo, &head)) {
            uint32_t t1 = sp->t1;
            *sp = head;
            sp->t1 = t1;
            sp->org = 0;
        }
        return true;
    }
    return false;
}

/* The speaker of cue verb v; a participle with no subject of its own
   ("issued a statement saying ...") takes the sentence's subject. */
static bool s_np_back(const wt_quotes_ctx_t *ctx, uint32_t v, uint32_t lo, s_spk_t *sp)
{
    if (s_np_back_core(ctx, v, lo, sp)) return true;
    const ql_entry_t *ve = s_lx(ctx, v);
    if (ve && (ve->cls & QL_VERB) && ve->vform == QV_ING) return s_subject(ctx, v, lo, sp);
    return false;
}

/* The speaker after an inverted cue ("said X") starting at token s. */
static bool s_np_fwd(const wt_quotes_ctx_t *ctx, uint32_t s, uint32_t hi, s_spk_t *sp,
                     uint32_t *end)
{
    if (s >= hi || ctx->qid[s]) return false;
    if (s_pron(ctx, s, sp)) {
        *end = s + 1;
        return true;
    }
    memset(sp, 0, sizeof *sp);
    sp->actor = sp->men = -1;
    uint32_t c = s_cls(ctx, s);
    if (c & QL_TIME && !(TK(s)->flags & WT_TF_CAP)) return false;
    /* "the Mexican president": a nominal; "the Kremlin": a name */
    if ((c & QL_DET) && s_nom_fwd(ctx, s, hi, sp, end)) return true;
    uint32_t s2 = s;

    if ((c & QL_DET) && s + 1 < hi && s_nametok(ctx, s + 1) && (wt_tok_ieq(ctx->doc, TK(s), "the")))
        s2 = s + 1;
    if (s_nametok(ctx, s2)) {
        const ql_entry_t *e = s_lx(ctx, s2);
        if (e && (e->cls & QL_STOP) && !(e->cls & (QL_HONOR | QL_TITLE | QL_RANK))) return false;
        uint32_t j;
        if (!s_name_fwd(ctx, s2, hi, sp, &j)) return false;
        /* "Biden's spokesman": the possessor is not the speaker */
        if (j < hi && TK(j)->kind == WT_TOK_POSS) {
            s_spk_t n2;
            uint32_t e2;
            if (s_nom_fwd(ctx, j + 1, hi, &n2, &e2)) {
                n2.t0 = s;
                *sp = n2;
                *end = e2;
                return true;
            }
            return false;
        }
        /* "Foreign ministry spokesman Mark Regev", "Local government officials":
           one capitalised word opening a lower-case role is not the speaker; the
           name after the role is, else the whole nominal */
        if (j == s2 + 1 && !sp->person && !(s_cls(ctx, s2) & QL_FIRST) && j < hi &&
            s_lower(TK(j))) {
            uint32_t k = j;
            while (k < hi && k < j + 4 && s_lower(TK(k)) && s_nomword(ctx, k) && !s_verb(ctx, k) &&
                   !(TK(k)->end - TK(k)->start > 3 &&
                     memcmp(ctx->doc->text + TK(k)->end - 2, "ed", 2) == 0)) /* a past verb */
                k++;
            uint32_t hc = k > j ? s_cls(ctx, k - 1) : 0;
            s_spk_t nm;
            memset(&nm, 0, sizeof nm);
            uint32_t e2;
            if ((hc & (QL_TITLE | QL_NOMHEAD)) && k < hi && s_nametok(ctx, k) &&
                s_name_fwd(ctx, k, hi, &nm, &e2) && !nm.org) {
                *sp = nm;
                sp->actor = sp->men = -1;
                sp->person = 1;
                *end = e2;
                return true;
            }
            if ((hc & QL_NOMHEAD) && s_lx(ctx, k - 1) && s_lx(ctx, k - 1)->gender == QG_PL &&
                (k >= hi || s_lower(TK(k)))) {
                memset(sp, 0, sizeof *sp);
                sp->kind = SK_NOM;
                sp->t0 = s2;
                sp->t1 = k;
                sp->actor = sp->men = -1;
                sp->gender = QG_PL;
                *end = k;
                return true;
            }
        }
        /* "says Punjab minister": a place and a lower-case role are a nominal */
        if (j < hi && s_lower(TK(j)) && (s_cls(ctx, j) & (QL_TITLE | QL_NOMHEAD)) &&
            !(s_cls(ctx, j) & QL_VERB) &&
            (j + 1 >= hi || s_is_stop(ctx, j + 1) || TK(j + 1)->kind != WT_TOK_WORD) &&
            !sp->person) {
            memset(sp, 0, sizeof *sp);
            sp->kind = SK_NOM;
            sp->t0 = s2;
            sp->t1 = j + 1;
            sp->actor = sp->men = -1;
            *end = j + 1;
            return true;
        }
        sp->actor = sp->men = -1;
        *end = j;
        return true;
    }
    /* "said council member John Williams", "says opposition leader Ann Roe": a
       lower-case role right before a name */
    if (s_lower(TK(s))) {
        uint32_t j = s;
        while (j < hi && j < s + 4 && s_lower(TK(j)) && s_nomword(ctx, j))
            j++;
        /* headline style "..., says opposition leader": a bare role ending the
           sentence */
        if (j > s && s > 0 && s_verb(ctx, s - 1) && (s_cls(ctx, j - 1) & (QL_TITLE | QL_NOMHEAD)) &&
            !(s_cls(ctx, j - 1) & QL_NOTSPK) &&
            (j >= hi || s_is_stop(ctx, j) || TK(j)->para != TK(s)->para)) {
            memset(sp, 0, sizeof *sp);
            sp->kind = SK_NOM;
            sp->t0 = s;
            sp->t1 = j;
            sp->actor = sp->men = -1;
            *end = j;
            return true;
        }
        if (j > s && j < hi && (s_cls(ctx, j - 1) & (QL_TITLE | QL_NOMHEAD)) && s_nametok(ctx, j)) {
            s_spk_t nm;
            memset(&nm, 0, sizeof nm);
            uint32_t e2;
            if (s_name_fwd(ctx, j, hi, &nm, &e2) && !nm.org) {
                *sp = nm;
                sp->actor = sp->men = -1;
                sp->person = 1;
                *end = e2;
                return true;
            }
        }
    }
    return s_nom_fwd(ctx, s, hi, sp, end);
}

/* ---------------------------------------------------------------- pairing */

enum { SIDE_OPEN = 1, SIDE_CLOSE = 2, SIDE_AMBIG = 3 };

static bool s_spacech(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* Side of a mark. Straight marks: the text layer's spacing guess. Curly and
   angle marks: clear spacing (space on one side only) wins over the class,
   which catches reversed marks; otherwise the class (`,“Look` opens). */
static int s_side(const wt_quotes_ctx_t *ctx, const wt_token_t *t)
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

static s_quote_t *s_add_quote(wt_quotes_ctx_t *ctx, uint32_t o, uint32_t c, uint32_t c0,
                              uint32_t c1, uint32_t para, uint32_t flags)
{
    if (c1 <= c0) return NULL;
    wt_grow(&ctx->q, &ctx->qcap, ctx->nq + 1, sizeof *ctx->q);
    s_quote_t *q = &ctx->q[ctx->nq++];
    memset(q, 0, sizeof *q);
    q->o = o;
    q->c = c;
    q->c0 = c0;
    q->c1 = c1;
    q->para = para;
    q->flags = flags;
    q->spk.actor = q->spk.men = -1;
    q->spk.cue = NONE;
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
    uint32_t open = NONE, sopen = NONE;
    uint32_t nest = NONE, nest_o = NONE, nest_c = NONE; /* one nested level */
    bool first_double = true;
    bool prev_open = *open_end;
    *open_end = false;
    uint32_t last_close = pa->tok_first; /* first token after the last quote */
    for (uint32_t i = pa->tok_first; i < pa->tok_end; i++) {
        const wt_token_t *t = TK(i);
        if (t->kind != WT_TOK_QUOTE) continue;
        int side = s_side(ctx, t);
        if (s_double(t)) {
            bool was_first = first_double;
            first_double = false;
            if (open == NONE) {
                if (side != SIDE_CLOSE) {
                    open = i;
                    sopen = NONE;
                    continue;
                }
                /* a closing mark with nothing open */
                if (was_first && prev_open) {
                    s_add_quote(ctx, NONE, i, pa->tok_first, i, p, QF_CONT);
                    last_close = i + 1;
                } else if (i <= last_close) {
                    last_close = i + 1; /* a stray mark right after a quote */
                } else {

                    uint32_t s0 = ctx->doc->sents[t->sent].tok_first;
                    if (s0 < last_close) s0 = last_close;
                    /* a closing mark right after a sentence stop may belong to the
                       previous sentence: start after the last stop before i-1 */
                    if (i - s0 < 200) s_add_quote(ctx, NONE, i, s0, i, p, QF_ORPHAN);
                    last_close = i + 1;
                }
                continue;
            }
            if (side == SIDE_OPEN && i > open + 1) {
                /* two opening marks: the first was never closed. Keep it when it
                   holds a sentence, up to the new mark. */
                bool stop = false;
                for (uint32_t k = open + 1; k < i && k < open + 400; k++)
                    if (s_is_stop(ctx, k)) stop = true;
                if (!stop && nest == NONE && t->quote != WT_Q_DOUBLE_STRAIGHT) {
                    nest = i; /* “A “B” C”: a quote inside the quote */
                    continue;
                }
                if (stop) s_add_quote(ctx, open, NONE, open + 1, i, p, 0);
                open = i;
                nest = nest_c = NONE;
                continue;
            }
            if (nest != NONE) {
                nest_o = nest;
                nest_c = i;
                nest = NONE;
                continue;
            }
            if (i == open + 1) { /* empty "" */
                open = NONE;
                continue;
            }
            s_add_quote(ctx, open, i, open + 1, i, p, 0);
            open = NONE;
            nest_c = NONE;
            last_close = i + 1;
            continue;
        }
        /* single marks: only outside double quotes */
        if (open != NONE) continue;
        if (t->quote == WT_Q_SINGLE_OPEN ||
            (t->quote == WT_Q_SINGLE_STRAIGHT && side == SIDE_OPEN)) {
            if (t->qside != WT_QS_CLOSE) sopen = i;
            continue;
        }
        if (sopen != NONE && side != SIDE_OPEN && i > sopen + 1 && s_has_word2(ctx, sopen + 1, i)) {

            s_add_quote(ctx, sopen, i, sopen + 1, i, p, QF_SINGLE);
            sopen = NONE;
            last_close = i + 1;
        }
    }
    if (open != NONE && nest_c != NONE) {
        /* the outer mark was stray: the inner pair is the quote */
        s_add_quote(ctx, nest_o, nest_c, nest_o + 1, nest_c, p, 0);
    } else if (open != NONE && open + 1 < pa->tok_end) {
        s_add_quote(ctx, open, NONE, open + 1, pa->tok_end, p, QF_OPEN_END);
        *open_end = true;
    }
}

/* Mark continuation quotes: a paragraph that opens with a mark after a
   paragraph that ended inside a quote. */
static void s_mark_continuations(wt_quotes_ctx_t *ctx)
{
    for (size_t k = 1; k < ctx->nq; k++) {
        s_quote_t *q = &ctx->q[k], *pq = &ctx->q[k - 1];
        if (q->o == NONE || !(pq->flags & QF_OPEN_END) || q->para != pq->para + 1) continue;
        if (q->o == ctx->doc->paras[q->para].tok_first) q->flags |= QF_CONT;
    }
}

/* Byte span of the content, trimmed of spaces and a trailing comma. */
static void s_bytes(wt_quotes_ctx_t *ctx, s_quote_t *q)
{
    const wt_doc_t *d = ctx->doc;
    uint32_t b0 = q->o != NONE ? TK(q->o)->end : TK(q->c0)->start;
    uint32_t b1 = q->c != NONE ? TK(q->c)->start : TK(q->c1 - 1)->end;
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

static uint32_t s_words(const wt_quotes_ctx_t *ctx, uint32_t a, uint32_t b)
{
    uint32_t n = 0;
    for (uint32_t i = a; i < b; i++)
        if (TK(i)->kind == WT_TOK_WORD || TK(i)->kind == WT_TOK_NUMBER) n++;
    return n;
}

/* direct when the quote stands as a clause: it starts its sentence or
   follows a colon / a cue and a comma, and ends at punctuation or a cue. */
static void s_classify(wt_quotes_ctx_t *ctx, s_quote_t *q)
{
    bool left = false, right = false;
    if (q->o == NONE) {
        left = true;
    } else {
        const wt_paragraph_t *pa = &ctx->doc->paras[q->para];
        uint32_t o = q->o;
        if (o == pa->tok_first || (TK(o)->flags & WT_TF_SENT_START))
            left = true;
        else {
            uint32_t k = o - 1;
            if (s_is_stop(ctx, k) || s_punct(ctx, k, ':') || s_dashlike(ctx, k) ||
                TK(k)->kind == WT_TOK_QUOTE || s_punct(ctx, k, '('))
                left = true;
            else if (s_punct(ctx, k, ',') || s_verb(ctx, k)) {
                /* after a cue: `X said, "Q"` */
                for (uint32_t j = k + 1; j-- > pa->tok_first && k - j < 12;) {
                    if (s_is_stop(ctx, j) || TK(j)->kind == WT_TOK_QUOTE) break;
                    const ql_entry_t *e = s_verb(ctx, j);
                    if (e && !(e->vflags & (QVF_DESCRIBE | QVF_THINK))) {
                        left = true;
                        break;
                    }
                }
                if (!left && s_punct(ctx, k, ',') && k > pa->tok_first &&
                    TK(k - 1)->kind == WT_TOK_QUOTE)
                    left = true;
            }
            if (left && s_lower(TK(q->c0)) && !s_punct(ctx, k, ':') && !s_is_stop(ctx, k) &&
                !(TK(o)->flags & WT_TF_SENT_START) && o != pa->tok_first)
                left = false;
            /* "But “Q.”": a conjunction opening the sentence */
            if (!left && (TK(k)->flags & WT_TF_SENT_START) &&
                (wt_tok_ieq(ctx->doc, TK(k), "but") || wt_tok_ieq(ctx->doc, TK(k), "and") ||
                 wt_tok_ieq(ctx->doc, TK(k), "so") || wt_tok_ieq(ctx->doc, TK(k), "yet")))
                left = true;
            /* "Now, “Q”", "In fact, “Q”": a short opening adverbial */
            uint32_t s0 = ctx->doc->sents[TK(o)->sent].tok_first;
            if (!left && s_punct(ctx, k, ',') && s0 < k && k - s0 <= 3) {
                bool plain = true;
                for (uint32_t j = s0; j < k; j++)
                    if (!s_capword(TK(j)) && !s_lower(TK(j)))
                        plain = false;
                    else if (s_verb(ctx, j) || (j > s0 && s_nametok(ctx, j)))
                        plain = false;
                left = plain;
            }
        }

        /* a quote of two sentences or more is a statement of its own */
        for (uint32_t i = q->c0; !left && i + 1 < q->c1 && i < q->c0 + 300; i++)
            if (s_is_stop(ctx, i) && (TK(i + 1)->flags & WT_TF_CAP)) left = true;
    }

    if (q->c == NONE) {
        right = true;
    } else {
        uint32_t last = q->c1 - 1, c = q->c;
        if (TK(last)->kind == WT_TOK_QUOTE && last > q->c0) /* ‘Ebony and Ivory,’” */
            last--;
        const wt_paragraph_t *pa = &ctx->doc->paras[q->para];
        if (s_is_stop(ctx, last) || s_punct(ctx, last, ',') || s_punct(ctx, last, ':') ||
            s_punct(ctx, last, ';') || TK(last)->kind == WT_TOK_DASH)
            right = true;
        else if (c + 1 >= pa->tok_end)
            right = true;
        else {
            const wt_token_t *n = TK(c + 1);
            if (n->kind == WT_TOK_PUNCT || n->kind == WT_TOK_DASH || n->kind == WT_TOK_QUOTE)
                right = true;
            else if (s_verb(ctx, c + 1))
                right = true;
        }
        /* "... as “transitory”." a short fragment ending the sentence is partial */
    }
    q->kind = (left && right) ? WT_QUOTE_DIRECT : WT_QUOTE_PARTIAL;
    q->left = left;
}

/* ---------------------------------------------------------------- attribution */

static void s_set_cue(s_spk_t *sp, uint32_t cue, uint32_t cue_end)
{
    sp->cue = cue;
    sp->cue_end = cue_end;
}

/* "according to X" at token k. */
static bool s_according(const wt_quotes_ctx_t *ctx, uint32_t k, uint32_t hi, s_spk_t *sp,
                        uint32_t *end)
{
    if (k + 2 >= hi || !wt_tok_ieq(ctx->doc, TK(k), "according") ||
        !wt_tok_ieq(ctx->doc, TK(k + 1), "to"))
        return false;
    if (!s_np_fwd(ctx, k + 2, hi, sp, end)) return false;
    s_set_cue(sp, k, k + 2);
    return true;
}

/* "a homeless man who goes by the name “Shorty”", "a woman who identified
   herself only as Maria": the name given right after a nominal speaker. */
static void s_known_as(const wt_quotes_ctx_t *ctx, uint32_t end, uint32_t hi, s_spk_t *sp)
{
    const wt_doc_t *d = ctx->doc;
    if (end >= hi || !(s_cls(ctx, end) & QL_SUBORD) || !wt_tok_ieq(d, TK(end), "who")) return;
    for (uint32_t j = end + 1; j + 1 < hi && j < end + 10; j++) {
        const wt_token_t *t = TK(j);
        if (s_is_stop(ctx, j)) return;
        if (!(wt_tok_ieq(d, t, "name") || wt_tok_ieq(d, t, "as") || wt_tok_ieq(d, t, "named") ||
              wt_tok_ieq(d, t, "nicknamed") || wt_tok_ieq(d, t, "called")))
            continue;
        uint32_t s = j + 1, e = s;
        if (TK(s)->kind == WT_TOK_QUOTE) s++;
        e = s;
        while (e < hi && e < s + 4 && s_capword(TK(e)))
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
static void s_appos_name(const wt_quotes_ctx_t *ctx, uint32_t end, uint32_t hi, s_spk_t *sp)
{
    if (sp->kind != SK_NOM) return;
    for (uint32_t j = end; j < hi && j < end + 12; j++) {
        const wt_token_t *t = TK(j);
        if (s_inq(ctx, j) || s_is_stop(ctx, j)) return;
        if (s_punct(ctx, j, ',')) {
            s_spk_t nm;
            memset(&nm, 0, sizeof nm);
            uint32_t e2;
            if (j + 1 >= hi || !s_nametok(ctx, j + 1) || !s_name_fwd(ctx, j + 1, hi, &nm, &e2))
                return;
            if (nm.org || nm.kind != SK_NAME) return;
            bool personal = nm.person || nm.gender || e2 - nm.t0 >= 2;
            bool closes = e2 >= hi || s_is_stop(ctx, e2) || s_punct(ctx, e2, ',') ||
                          s_punct(ctx, e2, '(') || s_verb(ctx, e2) || TK(e2)->para != TK(j)->para;
            if (!personal || !closes) return;
            nm.actor = nm.men = -1;
            *sp = nm;
            return;
        }
        if (t->kind == WT_TOK_POSS) continue;
        if (t->kind != WT_TOK_WORD) return;
        if (s_lower(t) && s_verb(ctx, j)) return;
        if (s_cls(ctx, j) & (QL_SUBORD | QL_PRON | QL_OBJPRON)) return;
    }
}

static bool s_subject(const wt_quotes_ctx_t *ctx, uint32_t v, uint32_t lo, s_spk_t *sp);

/* "the statement released by the city police", "the ruling": a document as
   the subject of a cue. Its speaker is the body after "by"/"from", else the
   subject of the sentence that brought the document in (within the three
   sentences before); else no speaker (a document is not a speaker: s_settle
   drops it). */
static bool s_document(const wt_quotes_ctx_t *ctx, uint32_t s, uint32_t hi, s_spk_t *sp,
                       uint32_t *end)
{
    static const char *const docs[] = {"statement", "report", "ruling",   "study", "letter",
                                       "release",   "filing", "judgment", "memo",  "notice",
                                       "post",      "tweet",  "document", NULL};
    const wt_doc_t *d = ctx->doc;
    if (s >= hi || !(s_cls(ctx, s) & QL_DET) || TK(s)->kind != WT_TOK_WORD) return false;
    uint32_t h = NONE;
    for (uint32_t j = s + 1; j < hi && j < s + 4 && h == NONE; j++) {
        if (!s_lower(TK(j)) || ctx->qid[j]) return false;
        for (int k = 0; docs[k]; k++)
            if (wt_tok_is(d, TK(j), docs[k])) h = j;
    }
    if (h == NONE) return false;
    *end = h + 1;
    for (uint32_t j = h + 1; j + 1 < hi && j < h + 4; j++) {
        if (!s_lower(TK(j))) break;
        if (wt_tok_is(d, TK(j), "by") || wt_tok_is(d, TK(j), "from")) {
            uint32_t e2;
            if (s_np_fwd(ctx, j + 1, hi, sp, &e2)) {
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
        s_spk_t sub;
        memset(&sub, 0, sizeof sub);
        if (s_subject(ctx, k, slo, &sub) && sub.kind != SK_NONE && sub.kind != SK_PRON) {
            *sp = sub;
            sp->actor = sp->men = -1;
            return true;
        }
        break;
    }
    memset(sp, 0, sizeof *sp);
    sp->kind = SK_NOM;
    sp->org = 1;
    sp->t0 = s;
    sp->t1 = h + 1;
    sp->actor = sp->men = -1;
    return true;
}

/* Cue right after the closing mark. */
static bool s_cue_after(wt_quotes_ctx_t *ctx, s_quote_t *q, s_spk_t *sp)
{
    if (q->c == NONE) return false;
    const wt_paragraph_t *pa = &ctx->doc->paras[q->para];
    uint32_t k = q->c + 1, pe = pa->tok_end;
    uint32_t first = k;
    int skipped = 0;
    while (k < pe && skipped < 3 &&
           (s_punct(ctx, k, ',') || TK(k)->kind == WT_TOK_DASH ||
            (TK(k)->kind == WT_TOK_QUOTE && s_side(ctx, TK(k)) != SIDE_OPEN))) {
        k++;
        skipped++;
    }
    if (k >= pe) return false;
    uint32_t hi = k + 40 < pe ? k + 40 : pe;
    const ql_entry_t *v = s_verb(ctx, k);
    uint32_t end;
    if (v && v->vform != QV_ING && !(v->vflags & (QVF_THINK | QVF_DESCRIBE))) {
        if (s_np_fwd(ctx, k + 1, hi, sp, &end)) {
            if (sp->kind == SK_NOM) s_known_as(ctx, end, hi, sp);
            s_appos_name(ctx, end, hi, sp);
            s_set_cue(sp, k, k + 1);
            return true;
        }
        /* "“Q,” read the statement released by the police" */
        if (s_document(ctx, k + 1, hi, sp, &end)) {
            s_set_cue(sp, k, k + 1);
            return true;
        }
        return false;
    }

    if (s_according(ctx, k, hi, sp, &end)) return true;
    /* "“Q,” the statement said" */
    if (s_document(ctx, k, hi, sp, &end) && end < hi && s_verb(ctx, end) &&
        !(s_verb(ctx, end)->vflags & QVF_THINK)) {
        s_set_cue(sp, end, end + 1);
        return true;
    }
    if (s_np_fwd(ctx, k, hi, sp, &end)) {
        uint32_t j = end;
        s_appos_name(ctx, end, hi, sp);
        /* appositive or relative clause: ", a spokesman for Y," */
        if (j < hi && s_punct(ctx, j, ',')) {
            /* the comma after which a cue verb follows (the appositive may hold
               commas of its own: "assistant secretary for population, refugees
               and migration, said") */
            uint32_t m = j + 1, found = NONE;
            while (m < hi && m - j < 40 && !s_is_stop(ctx, m) && !s_inq(ctx, m)) {
                if (s_punct(ctx, m, ',')) {
                    uint32_t x = m + 1;
                    while (x < hi && x < m + 3 && (s_cls(ctx, x) & QL_ADV) && s_lower(TK(x)))
                        x++;
                    if (x < hi && s_verb(ctx, x)) {
                        found = m;
                        break;
                    }
                    if (found == NONE) found = m;
                }
                m++;
            }
            if (found != NONE) j = found + 1;
        } else if (j < hi && s_punct(ctx, j, '(')) {
            uint32_t m = j + 1;
            while (m < hi && m - j < 14 && !s_punct(ctx, m, ')'))
                m++;
            if (m < hi) j = m + 1;
        }
        int n = 0;
        while (j < hi && n < 3 && (s_cls(ctx, j) & QL_ADV) && s_lower(TK(j)) && !s_verb(ctx, j)) {
            j++;
            n++;
        }
        const ql_entry_t *v2 = j < hi ? s_verb(ctx, j) : NULL;
        if (v2 && !(v2->vflags & QVF_THINK) && !ctx->qid[j]) {
            s_set_cue(sp, j, j + 1);
            return true;
        }
    }
    /* trailing "— Name" (rest of the paragraph) */
    if (first < pe && s_dashlike(ctx, first)) {
        uint32_t s = first + 1;
        if (s < pe && pe - s <= 8 && s_name_fwd(ctx, s, pe, sp, &end)) {
            while (end < pe && (s_punct(ctx, end, ',') || s_nametok(ctx, end) || s_lower(TK(end)) ||
                                s_is_stop(ctx, end)))
                end++;
            if (end == pe) {
                sp->actor = sp->men = -1;
                s_set_cue(sp, NONE, NONE);
                return true;
            }
        }
    }
    return false;
}

/* Cue right before the opening mark: `X said: "Q"`, `what X calls "Q"`. */
static bool s_cue_before(wt_quotes_ctx_t *ctx, s_quote_t *q, s_spk_t *sp)
{
    if (q->o == NONE) return false;
    const wt_paragraph_t *pa = &ctx->doc->paras[q->para];
    if (q->o == pa->tok_first) return false;
    uint32_t k = q->o - 1;
    bool colon = s_punct(ctx, k, ':');
    if (colon || s_punct(ctx, k, ',') || s_dashlike(ctx, k) ||
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
        if (s_inq(ctx, v) || s_is_stop(ctx, v) || s_punct(ctx, v, ';')) break;
        const ql_entry_t *e = v + 1 >= k ? s_verb(ctx, v) : s_verb_far(ctx, v);
        if (!e || (e->vflags & QVF_THINK && !colon)) continue;

        uint32_t slo = ctx->doc->sents[TK(v)->sent].tok_first;
        if (slo < pa->tok_first) slo = pa->tok_first;
        if (v > slo && s_np_back(ctx, v, slo, sp)) {
            s_set_cue(sp, v, v + 1);
            return true;
        }
        uint32_t end;
        if (s_np_fwd(ctx, v + 1, k + 1, sp, &end) && end >= k) {
            s_set_cue(sp, v, v + 1);
            return true;
        }
        break;
    }
    /* headline or transcript "Name: Q" */
    if (colon && q->o - 1 > pa->tok_first) {
        uint32_t s0 = ctx->doc->sents[TK(q->o - 1)->sent].tok_first;
        if (s0 < pa->tok_first) s0 = pa->tok_first;
        uint32_t end;
        if (q->o - 1 - s0 <= 6 && s_name_fwd(ctx, s0, q->o - 1, sp, &end) && end == q->o - 1) {
            sp->actor = sp->men = -1;
            s_set_cue(sp, NONE, NONE);
            return true;
        }
    }
    return false;
}

/* The previous paragraph ends with a colon: "And from Chairwoman X:". */
static bool s_cue_prevcolon(wt_quotes_ctx_t *ctx, s_quote_t *q, s_spk_t *sp)
{
    if (q->para == 0) return false;
    const wt_paragraph_t *pa = &ctx->doc->paras[q->para];
    if (q->o != pa->tok_first && q->c0 != pa->tok_first) return false;
    const wt_paragraph_t *pp = &ctx->doc->paras[q->para - 1];
    if (pp->tok_end == pp->tok_first) return false;
    uint32_t L = pp->tok_end - 1;
    if (!s_punct(ctx, L, ':')) return false;
    uint32_t s0 = ctx->doc->sents[TK(L)->sent].tok_first;
    if (s0 < pp->tok_first) s0 = pp->tok_first;
    if (L - s0 > 60) s0 = L - 60;
    for (uint32_t v = L; v-- > s0;) {
        const ql_entry_t *e = s_verb(ctx, v);
        if (e && !(e->vflags & QVF_THINK) && !s_inq(ctx, v)) {
            if (v > s0 && s_np_back(ctx, v, s0, sp)) {
                s_set_cue(sp, v, v + 1);
                return true;
            }
            uint32_t end;
            if (s_np_fwd(ctx, v + 1, L, sp, &end)) {
                s_set_cue(sp, v, v + 1);
                return true;
            }
        }
    }
    for (uint32_t e = L; e > s0; e--) {
        if (s_nametok(ctx, e - 1)) {
            if (s_name_back(ctx, e, s0, sp)) {
                sp->actor = sp->men = -1;
                s_set_cue(sp, NONE, NONE);
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
static bool s_cue_sentence(wt_quotes_ctx_t *ctx, s_quote_t *q, s_spk_t *sp)
{
    uint32_t a = q->o != NONE ? q->o : q->c0;
    uint32_t b = q->c != NONE ? q->c : q->c1 - 1;
    const wt_sentence_t *s = &ctx->doc->sents[TK(a)->sent];
    const wt_sentence_t *s2 = &ctx->doc->sents[TK(b)->sent];
    uint32_t first = s->tok_first;
    /* a paragraph that opens in lower case continues the sentence broken off
       at the end of the previous one ("asked the judge\n\nnot to be “Q”") */
    if (TK(a)->sent > 0 && first == ctx->doc->paras[TK(a)->para].tok_first && s_lower(TK(first)) &&
        !s_is_stop(ctx, first - 1))
        first = ctx->doc->sents[TK(a)->sent - 1].tok_first;
    uint32_t lo = a > first + 40 ? a - 40 : first;
    uint32_t hi = b + 40 < s2->tok_end ? b + 40 : s2->tok_end;
    for (uint32_t v = lo; v < a; v++) {
        if (s_inq(ctx, v)) continue;
        uint32_t end;
        if (wt_tok_ieq(ctx->doc, TK(v), "according") && s_according(ctx, v, a, sp, &end))
            return true;
        const ql_entry_t *e = s_verb_far(ctx, v);
        if (!e) continue;
        if (v > lo && s_np_back(ctx, v, lo, sp)) {
            s_set_cue(sp, v, v + 1);
            return true;
        }
    }
    for (uint32_t v = b + 1; v < hi; v++) {
        if (s_inq(ctx, v)) continue;
        uint32_t end;
        if (s_according(ctx, v, hi, sp, &end)) return true;
        const ql_entry_t *e = s_verb_far(ctx, v);
        if (!e || (e->vflags & QVF_THINK)) continue;
        if (v > b + 1 && s_np_back(ctx, v, b + 1, sp)) {
            s_set_cue(sp, v, v + 1);
            return true;
        }
        /* "“Q” about the decision, said X" */
        if (s_punct(ctx, v - 1, ',') && e->vform != QV_ING && s_np_fwd(ctx, v + 1, hi, sp, &end)) {
            s_set_cue(sp, v, v + 1);
            return true;
        }
    }
    return false;
}

/* A direct quote with no cue of its own, right after a sentence (same or
   previous paragraph, no quote in it) whose subject speaks: "Blinken
   described the verdict as an affront. “Q.”" */
static bool s_cue_prevsent(wt_quotes_ctx_t *ctx, s_quote_t *q, s_spk_t *sp)
{
    uint32_t a = q->o != NONE ? q->o : q->c0;
    uint32_t si = TK(a)->sent;
    if (si == 0) return false;
    const wt_sentence_t *s = &ctx->doc->sents[si - 1];
    if (s->para + 1 < TK(a)->para || s->tok_end == s->tok_first) return false;
    uint32_t lo = s->tok_first, hi = s->tok_end;
    if (hi - lo > 80) lo = hi - 80;
    for (uint32_t v = lo; v < hi; v++)
        if (s_inq(ctx, v)) return false;
    for (uint32_t v = lo + 1; v < hi; v++) {
        const ql_entry_t *e = s_verb(ctx, v);
        if (!e || (e->vflags & QVF_THINK)) continue;
        if (s_np_back(ctx, v, lo, sp)) {
            s_set_cue(sp, NONE, NONE);
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
            if (s_nametok(ctx, i) && s_name_fwd(ctx, i, hi, sp, &end) && sp->person && !sp->org) {
                sp->actor = sp->men = -1;
                s_set_cue(sp, NONE, NONE);
                return true;
            }
        }
    }
    return false;
}

/* ---------------------------------------------------------------- mentions */

static void s_gmap_reset(wt_quotes_ctx_t *ctx, size_t want)
{
    size_t cap = 256;
    while (cap < want * 2)
        cap *= 2;
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
    memset(ctx->gval, 0xff, ctx->gcap);
}

static size_t s_gslot(const wt_quotes_ctx_t *ctx, uint32_t key)
{
    size_t j = (key * 2654435761u) & (ctx->gcap - 1);
    while (ctx->gval[j] != 0xff && ctx->gkey[j] != key)
        j = (j + 1) & (ctx->gcap - 1);
    return j;
}

static void s_gmap_put(wt_quotes_ctx_t *ctx, uint32_t key, uint8_t gender, int actor)
{
    size_t j = s_gslot(ctx, key);
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

static uint8_t s_gmap_gender(const wt_quotes_ctx_t *ctx, uint32_t key, int *actor)
{
    size_t j = s_gslot(ctx, key);
    if (ctx->gval[j] == 0xff) {
        if (actor) *actor = -1;
        return QG_NONE;
    }
    if (actor) *actor = ctx->gactor[j];
    return ctx->gval[j];
}

static int s_men_cmp(const void *a, const void *b)
{
    const s_men_t *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

/* First token with start >= b (binary search). */
static uint32_t s_tok_at(const wt_quotes_ctx_t *ctx, uint32_t b)
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
    s_men_t *m = &ctx->men[ctx->nmen++];
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

/* Index of the actor whose mention overlaps bytes [b0, b1) best, or -1. */
static int s_actor_at(const wt_quotes_ctx_t *ctx, uint32_t b0, uint32_t b1, bool want_person)
{
    size_t lo = 0, hi = ctx->nam;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ctx->am[mid].start < b1)
            lo = mid + 1;
        else
            hi = mid;
    }
    int best = -1;
    uint32_t best_ov = 0;
    for (size_t k = lo, n = 0; k-- > 0 && n < 16; n++) {
        const s_men_t *m = &ctx->am[k];
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
        const ql_entry_t *e = s_lx(ctx, k);
        if (e && (e->cls & (QL_HONOR | QL_TITLE | QL_FIRST)) &&
            (e->gender == QG_M || e->gender == QG_F))
            return e->gender;
    }
    return QG_NONE;
}

static void s_collect_mentions(wt_quotes_ctx_t *ctx)
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
            s_men_t *x = &ctx->am[ctx->nam++];
            x->start = ac->mentions[m].start;
            x->end = ac->mentions[m].end;
            x->actor = (int)a;
            x->type = (uint8_t)ac->type;
            x->gender = 0;
            x->tok = 0;
            x->key = 0;
        }
    }
    if (ctx->nam > 1) qsort(ctx->am, ctx->nam, sizeof *ctx->am, s_men_cmp);
    /* person actors: mentions with gender, keyed by their last word */
    for (size_t k = 0; k < ctx->nam; k++) {
        s_men_t *x = &ctx->am[k];
        if (x->type != WT_ACTOR_PERSON || x->end <= x->start) continue;
        uint32_t t0 = s_tok_at(ctx, x->start), t1 = t0;
        while (t1 < ctx->doc->ntoks && TK(t1)->end <= x->end)
            t1++;
        if (t1 <= t0) continue;
        uint32_t last = t1;
        while (last > t0 && TK(last - 1)->kind != WT_TOK_WORD)
            last--;
        if (last <= t0) continue;
        uint8_t g = s_gender_at(ctx, t0, last);
        s_add_men(ctx, t0, last, x->actor, g, WT_ACTOR_PERSON);
        s_gmap_put(ctx, TK(last - 1)->hash, g, x->actor);
    }
    /* our own: name runs with evidence of a person, and speakers of cue verbs */
    const wt_doc_t *d = ctx->doc;
    for (uint32_t i = 0; i < d->ntoks;) {
        /* s_nametok() needs a capital or a hyphen: test the flags inline
           first, most tokens have neither */
        if (!(TK(i)->flags & (WT_TF_CAP | WT_TF_ALLCAP | WT_TF_INITIAL | WT_TF_HYPHEN)) ||
            !s_nametok(ctx, i)) {
            i++;
            continue;
        }
        s_spk_t sp;
        uint32_t end;
        uint32_t hi = i + 12 < d->ntoks ? i + 12 : (uint32_t)d->ntoks;
        if (!s_name_fwd(ctx, i, hi, &sp, &end)) {
            i++;
            continue;
        }
        bool verb_after = end < d->ntoks && s_verb(ctx, end);
        bool verb_before = i > 0 && s_verb(ctx, i - 1);
        uint8_t g0 = QG_NONE;
        bool known = false;
        if (!sp.org) {
            int act;
            g0 = s_gmap_gender(ctx, TK(sp.t1 - 1)->hash, &act);
            known = ctx->gval[s_gslot(ctx, TK(sp.t1 - 1)->hash)] != 0xff;
        }
        bool sent_start_only =
            (TK(i)->flags & WT_TF_SENT_START) && end == i + 1 && !verb_after && !known;
        if (!sp.org && !sent_start_only &&
            (sp.person || sp.gender || known || verb_after || verb_before)) {
            int act = s_actor_at(ctx, TK(sp.t0)->start, TK(sp.t1 - 1)->end, true);
            if (act >= 0 && res->actors[act].type != WT_ACTOR_PERSON) act = -1;
            if (act < 0 || res->actors[act].type == WT_ACTOR_PERSON) {
                uint8_t g = sp.gender ? sp.gender : g0;
                s_add_men(ctx, sp.t0, sp.t1, act, g, WT_ACTOR_PERSON);
                s_gmap_put(ctx, TK(sp.t1 - 1)->hash, g, act);
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
        if (!s_lower(TK(h)) || !s_lower(TK(h + 1))) continue;
        uint32_t c = s_cls(ctx, h);
        if (c & (QL_ORGHEAD | QL_NOTSPK | QL_STOP | QL_TIME | QL_VERB | QL_PREP)) continue;
        if (!(s_cls(ctx, h + 1) & (QL_ADV | QL_VERB)) &&
            !(TK(h + 1)->end - TK(h + 1)->start > 2 && d->text[TK(h + 1)->end - 1] == 's'))
            continue;
        const ql_entry_t *e = s_lx(ctx, h);
        s_add_men(ctx, t, h + 1, -1, e ? e->gender : QG_NONE, WT_ACTOR_PERSON);
        ctx->men[ctx->nmen - 1].nominal = 1;
        ctx->men[ctx->nmen - 1].key = 0;
    }
    if (ctx->nmen > 1) qsort(ctx->men, ctx->nmen, sizeof *ctx->men, s_men_cmp);
    /* entity-level gender: every mention of a surname takes what is known */
    for (size_t k = 0; k < ctx->nmen; k++) {
        int act;
        if (ctx->men[k].nominal) continue;
        size_t j = s_gslot(ctx, ctx->men[k].key);
        if (ctx->gval[j] != 0xff) {
            int b = ctx->gbest[j];
            if (b < 0 || ctx->men[k].end - ctx->men[k].start > ctx->men[b].end - ctx->men[b].start)
                ctx->gbest[j] = (int)k;
        }
        uint8_t g = s_gmap_gender(ctx, ctx->men[k].key, &act);
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
           (s_nametok(ctx, s - 1) || (s_cls(ctx, s - 1) & (QL_DET | QL_TITLE)) ||
            TK(s - 1)->kind == WT_TOK_POSS))
        s--;
    if (TK(s)->flags & WT_TF_SENT_START) return true;
    if (t1 < ctx->doc->ntoks && s_verb(ctx, t1)) return true;
    if (t1 + 1 < ctx->doc->ntoks && (s_cls(ctx, t1) & QL_ADV) && s_verb(ctx, t1 + 1)) return true;
    /* "Jane Roe on Saturday stressed" */
    if (t1 + 2 < ctx->doc->ntoks && wt_tok_is(ctx->doc, TK(t1), "on") &&
        (s_cls(ctx, t1 + 1) & QL_TIME) && s_verb(ctx, t1 + 2))
        return true;
    /* "said X" names a speaker; "told X" names the one spoken to */
    const ql_entry_t *v = t0 > 0 ? s_verb(ctx, t0 - 1) : NULL;
    return v && !(v->vflags & QVF_OBJ);
}

/* The role title in front of a mention ("U.S. Ambassador to Mexico Ken
   Salazar", "The president of Mexico, X"): hash of the nearest title word. */
static uint32_t s_title_before(const wt_quotes_ctx_t *ctx, uint32_t t0)
{
    for (uint32_t k = t0, n = 0; k-- > 0 && n < 6; n++) {
        if (s_inq(ctx, k) || s_is_stop(ctx, k) || TK(k)->para != TK(t0)->para) break;
        uint32_t c = s_cls(ctx, k);
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
    if (t1 + 1 >= d->ntoks || !s_punct(ctx, t1, ',')) return 0;
    for (uint32_t k = t1 + 1; k < d->ntoks && k < t1 + 6; k++) {
        if (s_inq(ctx, k) || (TK(k)->kind != WT_TOK_WORD && TK(k)->kind != WT_TOK_POSS)) return 0;
        if (TK(k)->kind == WT_TOK_POSS) continue;
        uint32_t c = s_cls(ctx, k);
        if ((c & QL_TITLE) && !(c & QL_FIRST) && s_lower(TK(k))) return TK(k)->hash;
        if (!s_lower(TK(k)) && !(c & QL_DET)) return 0;
    }
    return 0;
}

/* Antecedent of a he/she pronoun at token t: the statement history and the
   person mentions before it. Preference: a speaker or subject of matching
   gender, the nearest mention of matching gender, then mentions of unknown
   gender; the later of the best mention and the last matching speaker. */
static bool s_resolve_person(const wt_quotes_ctx_t *ctx, uint32_t t, uint8_t gender, s_hist_t *out)
{
    uint32_t pos = TK(t)->start, para = TK(t)->para;
    size_t lo = 0, hi = ctx->nmen;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ctx->men[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    int ex_sal = -1, ex_near = -1, un_sal = -1, un_near = -1;
    for (size_t k = lo, n = 0; k-- > 0 && n < 80; n++) {
        const s_men_t *m = &ctx->men[k];
        if (TK(m->tok)->para + 4 < para) break;
        if (ctx->qid[m->tok]) continue;
        if (m->gender == gender) {
            if (ex_near < 0) ex_near = (int)k;
            if (m->salient) {
                ex_sal = (int)k;
                break;
            }
        } else if (m->gender == QG_NONE) {
            if (un_near < 0) un_near = (int)k;
            if (m->salient && un_sal < 0) un_sal = (int)k;
        }
    }
    int best = ex_sal >= 0 ? ex_sal : ex_near >= 0 ? ex_near : un_sal >= 0 ? un_sal : un_near;
    /* a subject or speaker of unknown gender after the last one of matching
       gender beats an object of matching gender ("Xi met Joe Biden. ... he said") */
    if (un_sal >= 0 && un_sal > ex_sal) best = un_sal;
    const s_hist_t *h = NULL;
    for (size_t k = ctx->nhist, n = 0; k-- > 0 && n < 50; n++) {
        const s_hist_t *x = &ctx->hist[k];
        if (x->pos >= pos) continue;
        if (x->para + 3 < para) break;
        if (x->gender == gender || (x->gender == QG_NONE && !x->org && best < 0)) {
            h = x;
            break;
        }
    }
    if (h && (best < 0 || h->pos >= ctx->men[best].start ||
              (ctx->men[best].gender != gender && h->gender == gender))) {
        *out = *h;
        return true;
    }
    if (best < 0) return false;
    /* the fullest form of that person's name seen so far ("Terrance Mannery") */
    if (!ctx->men[best].nominal && ctx->men[best].key) {
        uint32_t key = ctx->men[best].key, len = ctx->men[best].end - ctx->men[best].start;
        for (size_t k = (size_t)best, n = 0; k-- > 0 && n < 200; n++) {
            const s_men_t *x = &ctx->men[k];
            if (x->key == key && !x->nominal && x->end - x->start > len && !ctx->qid[x->tok]) {
                best = (int)k;
                len = x->end - x->start;
            }
        }
    }
    const s_men_t *m = &ctx->men[best];

    memset(out, 0, sizeof *out);
    out->t0 = m->tok;
    out->t1 = m->tok;
    while (out->t1 < ctx->doc->ntoks && TK(out->t1)->end <= m->end)
        out->t1++;
    out->actor = m->actor;
    out->kind = m->nominal ? SK_NOM : SK_NAME;
    out->gender = m->gender;
    return out->t1 > out->t0;
}

/* Antecedent of they/it: the last institutional or plural speaker, else the
   nearest organisation or country mention, within two paragraphs. */
static bool s_resolve_group(const wt_quotes_ctx_t *ctx, uint32_t t, s_hist_t *out)
{
    uint32_t pos = TK(t)->start, para = TK(t)->para;
    const s_hist_t *h = NULL;
    for (size_t k = ctx->nhist; k-- > 0;) {
        const s_hist_t *x = &ctx->hist[k];
        if (x->pos >= pos) continue;
        if (x->para + 2 < para) break;
        if (x->org || x->gender == QG_PL) h = x;
        break;
    }
    size_t lo = 0, hi = ctx->nam;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ctx->am[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    const s_men_t *m = NULL;
    for (size_t k = lo, n = 0; k-- > 0 && n < 40; n++) {
        const s_men_t *x = &ctx->am[k];
        uint32_t xt = s_tok_at(ctx, x->start);
        if (xt >= ctx->doc->ntoks || TK(xt)->para + 2 < para) break;
        if (ctx->qid[xt] || x->type == WT_ACTOR_PERSON) continue;
        m = x;
        break;
    }
    if (h && (!m || h->pos >= m->start)) {
        *out = *h;
        return true;
    }
    if (!m) return false;
    memset(out, 0, sizeof *out);
    out->t0 = s_tok_at(ctx, m->start);
    out->t1 = out->t0;
    while (out->t1 < ctx->doc->ntoks && TK(out->t1)->end <= m->end)
        out->t1++;
    out->actor = m->actor;
    out->kind = SK_NAME;
    out->org = 1;
    return out->t1 > out->t0;
}

/* "the Mexican president said": the person last introduced with that title. */
static bool s_resolve_title(const wt_quotes_ctx_t *ctx, const s_spk_t *sp, s_hist_t *out)
{
    /* "the minister", or a bare lower-case role ("says opposition leader") */
    bool bare = s_lower(TK(sp->t0)) && !(s_cls(ctx, sp->t0) & QL_DET);
    if (!bare && (sp->t1 <= sp->t0 + 1 || !wt_tok_ieq(ctx->doc, TK(sp->t0), "the"))) return false;
    uint32_t h = sp->t1 - 1, mod_end = sp->t1;
    /* "the leader of the opposition": the role is the word before "of" */
    for (uint32_t k = sp->t0 + 1; k + 1 < sp->t1; k++)
        if (wt_tok_is(ctx->doc, TK(k), "of")) {
            h = k - 1;
            break;
        }
    if (!(s_cls(ctx, h) & QL_TITLE)) return false;
    uint32_t key = TK(h)->hash, pos = TK(sp->t0)->start, para = TK(sp->t0)->para;
    size_t lo = 0, hi = ctx->nmen;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ctx->men[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo, n = 0; k-- > 0 && n < 80; n++) {
        const s_men_t *m = &ctx->men[k];
        if (TK(m->tok)->para + 8 < para) break;
        if (ctx->qid[m->tok] || (m->title != key && m->apptitle != key)) continue;
        memset(out, 0, sizeof *out);
        out->t0 = m->tok;
        out->t1 = m->tok;
        while (out->t1 < ctx->doc->ntoks && TK(out->t1)->end <= m->end)
            out->t1++;
        out->actor = m->actor;
        out->kind = SK_NAME;
        out->gender = m->gender;
        return out->t1 > out->t0;
    }
    /* a role named before the person ("..., says opposition leader" in a
       headline, "Cllr Ann Roe, leader of the opposition" below): the first
       person after it with that title whose role also holds every modifier
       of the nominal ("opposition"); a nominal without a modifier is left */
    uint32_t mods[4], nmod = 0;
    for (uint32_t k = sp->t0; k < mod_end; k++) {
        if (k == h || TK(k)->kind != WT_TOK_WORD || (s_cls(ctx, k) & (QL_DET | QL_TITLE)) ||
            wt_tok_is(ctx->doc, TK(k), "of"))
            continue;
        if (nmod == 4) return false;
        mods[nmod++] = TK(k)->hash;
    }
    if (!nmod) return false;
    for (size_t k = lo, n = 0; k < ctx->nmen && n < 80; k++, n++) {
        const s_men_t *m = &ctx->men[k];
        if (TK(m->tok)->para > para + 8) break;
        if (ctx->qid[m->tok] || (m->title != key && m->apptitle != key)) continue;
        if (TK(m->tok)->sent <= TK(sp->t0)->sent) continue; /* not inside the nominal's sentence */
        uint32_t t1 = m->tok;
        while (t1 < ctx->doc->ntoks && TK(t1)->end <= m->end)
            t1++;
        uint32_t z0 = m->tok > 6 ? m->tok - 6 : 0;
        uint32_t z1 = t1 + 8 < ctx->doc->ntoks ? t1 + 8 : (uint32_t)ctx->doc->ntoks;
        uint32_t hit = 0;
        for (uint32_t j = 0; j < nmod; j++)
            for (uint32_t z = z0; z < z1; z++)
                if (TK(z)->hash == mods[j] && TK(z)->para == TK(m->tok)->para) {
                    hit++;
                    break;
                }
        if (hit < nmod) continue;
        memset(out, 0, sizeof *out);
        out->t0 = m->tok;
        out->t1 = t1;
        out->actor = m->actor;
        out->kind = SK_NAME;
        out->gender = m->gender;
        return out->t1 > out->t0;
    }
    return false;
}

/* Does the actor's name hold word w (ASCII case-insensitive, whole word)? */
static bool s_name_has(const char *name, const char *w, size_t n)
{
    for (const char *p = name; p && *p;) {
        while (*p == ' ')
            p++;
        const char *q = p;
        while (*q && *q != ' ')
            q++;
        if ((size_t)(q - p) == n && strncasecmp(p, w, n) == 0) return true;
        p = q;
    }
    return false;
}

/* "the union said", "the company says", "the university said": a definite
   description of an institution names the organisation actor mentioned last
   before it (within three paragraphs) whose name holds the head word ("the
   university" -> "University of Texas"); a union also matches an
   Association/Federation/Guild, and a company word (company, firm, retailer,
   carmaker, airline, lender, bank, group, ...) the last organisation that is
   not a public body. */
static bool s_resolve_orgdesc(const wt_quotes_ctx_t *ctx, const s_spk_t *sp, s_hist_t *out)
{
    static const char *const company[] = {
        "company", "firm",    "retailer",     "carmaker",     "automaker", "airline",
        "lender",  "insurer", "manufacturer", "maker",        "giant",     "chain",
        "group",   "bank",    "supermarket",  "conglomerate", "startup",   NULL};
    static const char *const union_like[] = {"union", "association", "federation", "guild", NULL};
    static const char *const public_words[] = {
        "ministry",   "council",     "police",     "court",      "government",
        "union",      "agency",      "commission", "department", "party",
        "parliament", "association", "federation", "committee",  "office",
        "authority",  "university",  "board",      NULL};
    const wt_doc_t *d = ctx->doc;
    if (sp->t1 <= sp->t0 + 1 || !wt_tok_ieq(d, TK(sp->t0), "the")) return false;
    uint32_t h = sp->t1 - 1;
    const wt_token_t *ht = TK(h);
    if (!s_lower(ht)) return false;
    const char *hw = d->text + ht->start;
    size_t hn = ht->end - ht->start;
    bool is_company = false, is_union = false;
    for (int k = 0; company[k]; k++)
        if (strlen(company[k]) == hn && memcmp(company[k], hw, hn) == 0) is_company = true;
    is_union = hn == 5 && memcmp(hw, "union", 5) == 0;
    if (!is_company && !(s_cls(ctx, h) & QL_ORGHEAD)) return false;
    uint32_t pos = ht->start, para = ht->para;
    size_t lo = 0, top = ctx->nam;
    while (lo < top) {
        size_t mid = (lo + top) / 2;
        if (ctx->am[mid].start < pos)
            lo = mid + 1;
        else
            top = mid;
    }
    const wt_result_t *res = ctx->res;
    int pick = -1, fallback = -1;
    for (size_t k = lo, n = 0; k-- > 0 && n < 60; n++) {
        const s_men_t *m = &ctx->am[k];
        uint32_t mt = s_tok_at(ctx, m->start);
        if (mt >= d->ntoks || TK(mt)->para + 3 < para) break;
        if (m->type != WT_ACTOR_ORGANIZATION || m->actor < 0 || ctx->qid[mt]) continue;
        const char *name = res->actors[m->actor].name;
        if (!name) continue;
        bool hit = s_name_has(name, hw, hn);
        for (int u = 0; is_union && !hit && union_like[u]; u++)
            hit = s_name_has(name, union_like[u], strlen(union_like[u]));
        if (hit) {
            pick = (int)k;
            break;
        }
        if (is_company && fallback < 0) {
            bool pub = false;
            for (int u = 0; public_words[u] && !pub; u++)
                pub = s_name_has(name, public_words[u], strlen(public_words[u]));
            if (!pub) fallback = (int)k;
        }
    }
    if (pick < 0) pick = fallback;
    if (pick < 0) return false;
    const s_men_t *m = &ctx->am[pick];
    memset(out, 0, sizeof *out);
    out->t0 = s_tok_at(ctx, m->start);
    out->t1 = out->t0;
    while (out->t1 < d->ntoks && TK(out->t1)->end <= m->end)
        out->t1++;
    out->actor = m->actor;
    out->kind = SK_NAME;
    out->org = 1;
    return out->t1 > out->t0;
}

/* "The Prime Minister said", "the chancellor": a title-only nominal names the
   person actor of the article whose dictionary role is that title, when
   exactly one person holds it. The speaker span becomes that person's last
   mention before the nominal (else the first one after it). */
static bool s_resolve_role(const wt_quotes_ctx_t *ctx, const s_spk_t *sp, s_hist_t *out)
{
    const wt_doc_t *d = ctx->doc;
    uint32_t a = sp->t0;
    if (a < sp->t1 && (s_cls(ctx, a) & QL_DET)) {
        if (!wt_tok_ieq(d, TK(a), "the")) return false;
        a++;
    }
    if (a >= sp->t1 || sp->t1 - a > 4) return false;
    char want[64];
    size_t n = 0;
    for (uint32_t k = a; k < sp->t1; k++) {
        if (!(s_cls(ctx, k) & QL_TITLE)) return false;
        const wt_token_t *t = TK(k);
        size_t l = t->end - t->start;
        if (n + l + 2 >= sizeof want) return false;
        if (n) want[n++] = ' ';
        memcpy(want + n, d->text + t->start, l);
        n += l;
    }
    want[n] = 0;
    const wt_result_t *res = ctx->res;
    int found = -1;
    for (size_t i = 0; i < res->actor_count; i++) {
        const wt_actor_t *ac = &res->actors[i];
        if (ac->type != WT_ACTOR_PERSON || !ac->role || !ac->mention_count) continue;
        /* "Prime Minister" matches the role "Prime Minister" and "Prime Minister of X" */
        if (strncasecmp(ac->role, want, n) != 0 ||
            (ac->role[n] && strncmp(ac->role + n, " of ", 4)))
            continue;
        if (found >= 0) return false; /* two holders: ambiguous */
        found = (int)i;
    }
    if (found < 0) return false;
    const wt_actor_t *ac = &res->actors[found];
    uint32_t pos = TK(sp->t0)->start;
    const wt_span_t *best = &ac->mentions[0];
    for (size_t m = 0; m < ac->mention_count; m++)
        if (ac->mentions[m].start < pos &&
            (best->start >= pos || ac->mentions[m].start > best->start))
            best = &ac->mentions[m];
    memset(out, 0, sizeof *out);
    out->t0 = s_tok_at(ctx, best->start);
    out->t1 = out->t0;
    while (out->t1 < d->ntoks && TK(out->t1)->end <= best->end)
        out->t1++;
    out->actor = found;
    out->kind = SK_NAME;
    return out->t1 > out->t0;
}

/* ---------------------------------------------------------------- speakers: final */

/* Link a found speaker to an actor; resolve pronouns and definite titles to
   their antecedent (the speaker's span then points at the antecedent's
   words, and the actor is the antecedent's). */
static void s_settle(wt_quotes_ctx_t *ctx, s_spk_t *sp)
{
    if (sp->kind == SK_NONE) return;
    /* a nominal cut short ("an EU investigation into") is no speaker */
    if (sp->kind == SK_NOM && (s_cls(ctx, sp->t1 - 1) & (QL_PREP | QL_DET | QL_NOTSPK))) {
        sp->kind = SK_NONE;
        return;
    }

    s_hist_t ante;
    bool found = false;
    if (sp->kind == SK_PRON) {
        if (sp->gender == QG_M || sp->gender == QG_F)
            found = s_resolve_person(ctx, sp->t0, sp->gender, &ante);
        else
            found = s_resolve_group(ctx, sp->t0, &ante);
    } else if (sp->kind == SK_NOM) {
        found = s_resolve_title(ctx, sp, &ante) || s_resolve_role(ctx, sp, &ante) ||
                s_resolve_orgdesc(ctx, sp, &ante);
    }
    if (found) {
        sp->t0 = ante.t0;
        sp->t1 = ante.t1;
        sp->kind = ante.kind;
        sp->actor = ante.actor;
        sp->org = ante.org;
        if (ante.gender) sp->gender = ante.gender;
        if (sp->actor >= 0) return;
        if (sp->kind == SK_NAME && !sp->org) sp->person = 1;
    }
    if (sp->kind == SK_PRON) return;
    uint32_t b0 = TK(sp->t0)->start, b1 = TK(sp->t1 - 1)->end;
    int a = s_actor_at(ctx, b0, b1, sp->kind == SK_NAME && !sp->org);
    if (a < 0 && sp->kind == SK_NAME && !sp->org) {
        int act;
        uint8_t g = s_gmap_gender(ctx, TK(sp->t1 - 1)->hash, &act);
        a = act;
        if (!sp->gender) sp->gender = g;
    }
    sp->actor = a;
}

static void s_hist_push(wt_quotes_ctx_t *ctx, const s_quote_t *q)
{
    const s_spk_t *sp = &q->spk;
    if (sp->kind == SK_NONE || sp->kind == SK_PRON) return;
    wt_grow(&ctx->hist, &ctx->hist_cap, ctx->nhist + 1, sizeof *ctx->hist);
    s_hist_t *h = &ctx->hist[ctx->nhist++];
    memset(h, 0, sizeof *h);
    h->pos = TK(q->c0)->start;
    h->para = TK(q->c0)->para;
    h->t0 = sp->t0;
    h->t1 = sp->t1;
    h->actor = sp->actor;
    h->kind = sp->kind;
    h->org = sp->org;
    h->gender = sp->gender;
    if (!h->gender && sp->kind == SK_NAME && !sp->org)
        h->gender = s_gmap_gender(ctx, TK(sp->t1 - 1)->hash, NULL);
    if (sp->actor >= 0 && (size_t)sp->actor < ctx->res->actor_count &&
        ctx->res->actors[sp->actor].type != WT_ACTOR_PERSON)
        h->org = 1;
}

/* ---------------------------------------------------------------- indirect */

static bool s_titlecase(const wt_quotes_ctx_t *ctx, const s_quote_t *q)
{
    uint32_t words = 0, caps = 0;

    for (uint32_t i = q->c0; i < q->c1; i++) {
        const wt_token_t *t = TK(i);
        if (t->kind != WT_TOK_WORD) continue;
        words++;
        /* "We're like 'Ebony and Ivory'" is speech, not a title */
        if ((t->flags & WT_TF_APOS) || (s_cls(ctx, i) & QL_PRON) || wt_tok_is(ctx->doc, t, "I"))
            return false;
        if (t->flags & (WT_TF_CAP | WT_TF_ALLCAP))
            caps++;

        else if (!(s_cls(ctx, i) & (QL_CONNECT | QL_DET | QL_PREP)))
            return false;
    }
    return words > 0 && caps > 0;
}

static s_quote_t *s_add_indirect(wt_quotes_ctx_t *ctx, uint32_t c0, uint32_t c1, const s_spk_t *sp)
{
    /* trim leading marks/punctuation and trailing stops/marks/commas */
    while (c0 < c1 && (TK(c0)->kind == WT_TOK_PUNCT || TK(c0)->kind == WT_TOK_DASH))
        c0++;
    while (c1 > c0 && (TK(c1 - 1)->kind == WT_TOK_PUNCT || TK(c1 - 1)->kind == WT_TOK_DASH ||
                       (TK(c1 - 1)->kind == WT_TOK_QUOTE && s_side(ctx, TK(c1 - 1)) != SIDE_OPEN)))
        c1--;
    if (c1 <= c0 || s_words(ctx, c0, c1) < 3) return NULL;
    /* reported speech is speech without quotation marks: a clause holding quoted
   words is reported by those quotes (titles in marks do not count) */
    for (uint32_t i = c0; i < c1; i++) {
        uint32_t id = ctx->qid[i];
        if (id && !s_titlecase(ctx, &ctx->q[id - 1])) return NULL;
        if (id) i = ctx->q[id - 1].c != NONE ? ctx->q[id - 1].c : i;
    }

    s_quote_t *q = s_add_quote(ctx, NONE, NONE, c0, c1, TK(c0)->para, QF_INDIRECT | QF_OWN);
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
        if (k > c0 + 2 && s_punct(ctx, k, ';')) return k;
        /* "said X and called on Y", "said X but warned Y": the speaker's next
           act; "said X, noting Y": a second reported clause */
        if (k > c0 + 2 && (wt_tok_is(d, TK(k), "and") || wt_tok_is(d, TK(k), "but")) && k + 1 < e) {
            const ql_entry_t *v = s_verb(ctx, k + 1);
            if (v && (v->vform == QV_PAST || v->vform == QV_S)) return k;
            static const char *const acts[] = {"criticised", "criticized", "praised",   "blamed",
                                               "rejected",   "welcomed",   "dismissed", "demanded",
                                               "condemned",  "defended",   NULL};
            for (int a = 0; acts[a]; a++)
                if (wt_tok_is(d, TK(k + 1), acts[a])) return k;
        }
        if (k > c0 + 2 && s_punct(ctx, k, ',') && k + 1 < e) {
            const ql_entry_t *v = s_verb(ctx, k + 1);
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
        if (k > c0 + 2 && s_punct(ctx, k, ',') && k + 2 < e) {
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
                (wt_tok_ieq(d, n, "and") && (s_cls(ctx, k + 2) & QL_PRON)))
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
        if (s_verb(ctx, j)) return false;
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

static void s_indirect(wt_quotes_ctx_t *ctx)
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
            uint32_t end;
            s_spk_t sp;
            memset(&sp, 0, sizeof sp);
            /* according to X, CLAUSE  /  CLAUSE, according to X. */
            if (wt_tok_ieq(d, TK(v), "according") &&
                s_according(ctx, v, s->tok_end < v + 30 ? s->tok_end : v + 30, &sp, &end)) {
                if (end < s->tok_end && s_punct(ctx, end, ',') && v <= s->tok_first + 1) {
                    uint32_t ce = s_clause_end(ctx, end + 1, s);
                    /* "According to the Daily Ledger, Jane Roe said: ..." is the
                       way to a quote, not a reported clause */
                    uint32_t last = ce;
                    while (last > end + 1 && TK(last - 1)->kind != WT_TOK_WORD)
                        last--;
                    if (last > end + 1 && s_verb(ctx, last - 1)) continue;
                    if (ce < s->tok_end && (s_inq(ctx, ce) || s_punct(ctx, ce - 1, ':'))) continue;
                    if (s_add_indirect(ctx, end + 1, ce, &sp)) done = ce;
                } else if (v > s->tok_first && s_punct(ctx, v - 1, ',') &&
                           (end >= s->tok_end || s_is_stop(ctx, end))) {
                    bool marks = false;
                    for (uint32_t k = s_cstart(s, v); k < v; k++)
                        if (s_inq(ctx, k)) marks = true;
                    if (!marks && s_add_indirect(ctx, s_cstart(s, v - 1), v - 1, &sp)) done = end;
                }
                continue;
            }
            /* "Stating that CLAUSE, X directed ...": a participle opening the
               sentence reports the clause of the subject that follows it */
            if (v == s->tok_first && v + 2 < s->tok_end && ctx->lxc[v] &&
                (ctx->lxc[v]->cls & QL_VERB) && ctx->lxc[v]->vform == QV_ING &&
                !(ctx->lxc[v]->vflags & (QVF_WEAK | QVF_DESCRIBE)) &&
                wt_tok_ieq(d, TK(v + 1), "that")) {
                for (uint32_t k = v + 3; k + 1 < s->tok_end && k < v + 60; k++) {
                    if (s_inq(ctx, k)) break;
                    if (!s_punct(ctx, k, ',')) continue;
                    if (s_np_fwd(ctx, k + 1, s->tok_end, &sp, &end) && end < s->tok_end &&
                        s_lower(TK(end)) && !(s_cls(ctx, end) & (QL_PREP | QL_SUBORD))) {
                        s_set_cue(&sp, v, v + 1);
                        if (s_add_indirect(ctx, v + 2, k, &sp)) done = k;
                        break;
                    }
                }
                continue;
            }
            /* "expressed confidence they would", "pointed out that": a verb with
               a fixed complement reports like "said" */
            uint32_t vskip = 0;
            if (v + 2 < s->tok_end && s_lower(TK(v)) &&
                ((wt_tok_is(d, TK(v), "expressed") || wt_tok_is(d, TK(v), "expresses")) &&
                 (wt_tok_is(d, TK(v + 1), "confidence") || wt_tok_is(d, TK(v + 1), "hope") ||
                  wt_tok_is(d, TK(v + 1), "concern") || wt_tok_is(d, TK(v + 1), "doubt"))))
                vskip = 1;
            if (v + 2 < s->tok_end && s_lower(TK(v)) &&
                (wt_tok_is(d, TK(v), "pointed") || wt_tok_is(d, TK(v), "points")) &&
                wt_tok_is(d, TK(v + 1), "out"))
                vskip = 1;
            if (vskip) {
                if (!s_np_back(ctx, v, s->tok_first, &sp)) continue;
                uint32_t c0 = v + 1 + vskip;
                if (wt_tok_is(d, TK(c0), "that")) c0++;
                if (c0 >= s->tok_end || s_inq(ctx, c0) || TK(c0)->kind != WT_TOK_WORD ||
                    (s_cls(ctx, c0) & QL_PREP))
                    continue;
                s_set_cue(&sp, v, v + 1 + vskip);
                uint32_t ce = s_clause_end(ctx, c0, s);
                if (s_add_indirect(ctx, c0, ce, &sp)) done = ce;
                continue;
            }
            const ql_entry_t *e = s_verb(ctx, v);
            if (!e || (e->vflags & QVF_DESCRIBE) || !s_lower(TK(v))) continue;
            /* "were told that ...": a passive cue has no teller */
            if (v > s->tok_first &&
                (wt_tok_is(d, TK(v - 1), "was") || wt_tok_is(d, TK(v - 1), "were") ||
                 wt_tok_is(d, TK(v - 1), "been") || wt_tok_is(d, TK(v - 1), "being")) &&
                e->vform == QV_PAST)
                continue;
            /* "posted a note to say he was staying": the sentence's subject says
               it; other infinitives ("to argue", "to claim") are intentions */
            if (v > s->tok_first && wt_tok_ieq(d, TK(v - 1), "to") && !wt_tok_is(d, TK(v), "say") &&
                !wt_tok_is(d, TK(v), "announce"))
                continue;
            /* "And, Jane Roe argues, the city is divided": a parenthetical cue */
            if (v + 2 < s->tok_end && s_punct(ctx, v + 1, ',') && e->vform != QV_ING &&
                !(e->vflags & QVF_THINK) && s_np_back(ctx, v, s->tok_first, &sp) &&
                sp.kind != SK_NONE && sp.t0 > s->tok_first) {
                uint32_t cs = sp.t0;
                while (cs > s->tok_first + 1 && !s_punct(ctx, cs - 1, ',') && sp.t0 - cs < 6 &&
                       (s_nametok(ctx, cs - 1) || (s_cls(ctx, cs - 1) & QL_DET)))
                    cs--;
                if (s_punct(ctx, cs - 1, ',') && cs - 1 <= s->tok_first + 1) {
                    s_set_cue(&sp, v, v + 1);
                    uint32_t ce = s_clause_end(ctx, v + 2, s);
                    if (s_add_indirect(ctx, v + 2, ce, &sp)) done = ce;
                    continue;
                }
            }
            /* CLAUSE, X said.  /  CLAUSE, said X. */
            bool tail = false;
            if (v > s->tok_first + 4 && !(e->vflags & QVF_THINK)) {
                uint32_t after = v + 1;
                while (after < s->tok_end && (s_cls(ctx, after) & QL_TIME))
                    after++;
                if (after < s->tok_end && (s_cls(ctx, after) & QL_PREP) && s_lower(TK(after))) {
                    /* "..., the minister said on Wednesday." / "confirmed to NBC News." */
                    uint32_t x = after + 1;
                    while (x < s->tok_end && x < after + 6 && TK(x)->kind == WT_TOK_WORD &&
                           !s_verb(ctx, x))
                        x++;
                    if (x >= s->tok_end || s_is_stop(ctx, x)) after = x;
                }
                bool at_end = after >= s->tok_end || s_is_stop(ctx, after);
                /* "..., Jane Roe said, calling for ...": a participle after the cue */
                if (!at_end && after + 1 < s->tok_end && s_punct(ctx, after, ',') &&
                    s_verb(ctx, after + 1) && s_verb(ctx, after + 1)->vform == QV_ING)
                    at_end = true;
                if (at_end && !(s_np_back(ctx, v, s->tok_first, &sp) && sp.t0 > s->tok_first &&
                                s_punct(ctx, sp.t0 - 1, ','))) {
                    /* "..., a source with direct knowledge of the case confirmed." */
                    for (uint32_t p = v - 1; p > s->tok_first && v - p < 12; p--) {
                        if (!s_punct(ctx, p, ',')) continue;
                        if (!(s_cls(ctx, p + 1) & QL_DET)) break;
                        for (uint32_t h = p + 2; h < p + 5 && h < v; h++)
                            if (s_nomhead(ctx, h) && s_lower(TK(h))) {
                                memset(&sp, 0, sizeof sp);
                                sp.kind = SK_NOM;
                                sp.t0 = p + 1;
                                sp.t1 = h + 1;
                                sp.actor = sp.men = -1;
                                break;
                            }
                        break;
                    }
                }
                if (at_end &&
                    ((sp.kind == SK_NOM && sp.t0 > s->tok_first && s_punct(ctx, sp.t0 - 1, ',')) ||
                     s_np_back(ctx, v, s->tok_first, &sp)) &&

                    sp.t0 > s->tok_first && sp.kind != SK_NONE) {
                    uint32_t cs = sp.t0;
                    /* "..., Mayor Jane Roe said": the titles dropped from the
                       span still belong to the subject */
                    if (sp.kind == SK_NAME)
                        while (cs > s->tok_first + 1 && !s_punct(ctx, cs - 1, ',') &&
                               cs + 8 > sp.t0 &&
                               (s_nametok(ctx, cs - 1) ||
                                (s_lower(TK(cs - 1)) && (s_cls(ctx, cs - 1) & QL_TITLE))))
                            cs--;
                    if (cs > s->tok_first && s_punct(ctx, cs - 1, ',')) tail = true;
                    if (tail) {
                        bool marks = false;
                        uint32_t c0 = s_cstart(s, cs - 1);
                        for (uint32_t k = c0; k < cs - 1; k++)
                            if (s_inq(ctx, k)) marks = true;
                        /* "Solar deals: Tariff must fall, says X": the clause
                           starts after the colon */
                        for (uint32_t k = cs - 1; k-- > c0;)
                            if (s_punct(ctx, k, ':')) {
                                c0 = k + 1;
                                break;
                            }
                        s_set_cue(&sp, v, v + 1);
                        if (!marks) s_add_indirect(ctx, c0, cs - 1, &sp);
                        done = s->tok_end;
                        continue;
                    }
                }
                if (s_punct(ctx, v - 1, ',') && s_np_fwd(ctx, v + 1, s->tok_end, &sp, &end) &&
                    (end >= s->tok_end || s_is_stop(ctx, end) || s_punct(ctx, end, ','))) {
                    bool marks = false;
                    uint32_t c0 = s_cstart(s, v - 1);
                    for (uint32_t k = c0; k < v - 1; k++)
                        if (s_inq(ctx, k)) marks = true;
                    for (uint32_t k = v - 1; k-- > c0;)
                        if (s_punct(ctx, k, ':')) {
                            c0 = k + 1;
                            break;
                        }
                    s_set_cue(&sp, v, v + 1);
                    if (!marks) s_add_indirect(ctx, c0, v - 1, &sp);
                    done = s->tok_end;
                    continue;
                }
            }
            /* X said (that) CLAUSE */
            if (!s_np_back(ctx, v, s->tok_first, &sp)) continue;
            if (sp.kind == SK_PRON && (sp.gender == QG_PL || sp.gender == QG_N) &&
                wt_tok_ieq(d, TK(sp.t0), "we"))
                continue;
            s_set_cue(&sp, v, v + 1);
            uint32_t k = v + 1, c0 = NONE;
            /* "that" within a few tokens (an object or a time phrase between) */
            for (uint32_t j = k; j < s->tok_end && j < k + 12; j++) {
                if (s_inq(ctx, j) || s_is_stop(ctx, j) || s_punct(ctx, j, ';')) break;
                if (wt_tok_ieq(d, TK(j), "that")) {
                    c0 = j + 1;
                    break;
                }
                if (s_verb(ctx, j) || (TK(j)->kind == WT_TOK_PUNCT && !s_punct(ctx, j, ','))) break;
            }
            if (c0 == NONE) {
                if (!(e->vflags & QVF_NOTHAT) || (e->vflags & QVF_OBJ && e->vflags & QVF_THINK))
                    continue;
                if (e->vflags & QVF_OBJ) {
                    /* tell: only "told X that" */
                    if (!wt_tok_ieq(d, TK(v), "warned") && !wt_tok_ieq(d, TK(v), "warns")) continue;
                }
                while (k < s->tok_end && (s_cls(ctx, k) & QL_TIME) && !(s_cls(ctx, k) & QL_DET))
                    k++;
                if (k >= s->tok_end) continue;
                if ((s_cls(ctx, k) & QL_PREP) && s_lower(TK(k))) {
                    /* "said on Friday he was not surprised": a time phrase, then a pronoun */
                    for (uint32_t j = k + 1; j < s->tok_end && j < k + 6; j++) {
                        if (TK(j)->kind != WT_TOK_WORD) break;
                        if ((s_cls(ctx, j) & QL_PRON) && j > k + 1) {
                            k = j;
                            break;
                        }
                    }
                }
                uint32_t c = s_cls(ctx, k);
                const wt_token_t *t = TK(k);

                bool even_if = wt_tok_is(d, t, "even") && k + 1 < s->tok_end &&
                               (wt_tok_is(d, TK(k + 1), "if") || wt_tok_is(d, TK(k + 1), "though"));
                if (!even_if &&
                    (t->kind == WT_TOK_PUNCT || t->kind == WT_TOK_DASH || t->kind == WT_TOK_QUOTE ||
                     (c & (QL_PREP | QL_OBJPRON)) || s_verb(ctx, k) || (c & QL_ADV)))
                    continue;
                /* "added a dozen firms to a list", "announced a deficit": a verb that
                   also takes a plain object reports a clause without "that" only
                   when the clause visibly opens with its subject pronoun */
                if (!even_if && (e->vflags & QVF_NPOBJ) && !((c & QL_PRON) && !(c & QL_DET)) &&
                    !wt_tok_ieq(d, t, "there") && !s_aux_soon(ctx, k, s->tok_end))
                    continue;
                /* "warned protesters to clear the square": object + infinitive is a
                   directive, not reported speech */
                if (e->vflags & QVF_OBJ) {
                    bool inf = false;
                    for (uint32_t j = k; j < s->tok_end && j < k + 5; j++) {
                        if (wt_tok_is(d, TK(j), "to")) {
                            inf = true;
                            break;
                        }
                        if (TK(j)->kind != WT_TOK_WORD || s_verb(ctx, j)) break;
                    }
                    if (inf) continue;
                }
                c0 = k;
            }
            if (c0 >= s->tok_end || s_inq(ctx, c0)) continue;
            uint32_t ce = s_clause_end(ctx, c0, s);
            if (s_add_indirect(ctx, c0, ce, &sp)) done = ce;
        }
    }
}

/* ---------------------------------------------------------------- id set */

static void s_idset_reset(wt_quotes_ctx_t *ctx, size_t want)
{
    size_t cap = 64;
    while (cap < want * 2)
        cap *= 2;
    if (cap > ctx->idcap) {
        free(ctx->idh);
        ctx->idh = wt_malloc(cap * sizeof *ctx->idh);
        ctx->idcap = cap;
    }
    memset(ctx->idh, 0, ctx->idcap * sizeof *ctx->idh);
    ctx->idn = 0;
}

static uint64_t s_idhash(const char *id)
{
    uint64_t h = wt_hash64(id, strlen(id));
    return h ? h : 1;
}

static bool s_idset_has(const wt_quotes_ctx_t *ctx, const char *id)
{
    uint64_t h = s_idhash(id);
    for (size_t j = h & (ctx->idcap - 1); ctx->idh[j]; j = (j + 1) & (ctx->idcap - 1))
        if (ctx->idh[j] == h) return true;
    return false;
}

static void s_idset_add(wt_quotes_ctx_t *ctx, const char *id)
{
    if ((ctx->idn + 1) * 2 > ctx->idcap)
        return; /* full: never happens with the size chosen per item */
    uint64_t h = s_idhash(id);
    size_t j = h & (ctx->idcap - 1);
    while (ctx->idh[j] && ctx->idh[j] != h)
        j = (j + 1) & (ctx->idcap - 1);
    if (!ctx->idh[j]) {
        ctx->idh[j] = h;
        ctx->idn++;
    }
}

/* ---------------------------------------------------------------- output */

static void s_slug(const char *s, size_t n, char *out, size_t outlen)
{
    size_t o = 0;
    bool us = false;
    for (size_t i = 0; i < n && o + 2 < outlen; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out[o++] = (char)c;
            us = false;
        } else if (c >= 'A' && c <= 'Z') {
            out[o++] = (char)(c + 32);
            us = false;
        } else if (c >= 0x80) {
            out[o++] = (char)c; /* keep UTF-8 letters as they are */
            us = false;
        } else if (!us && o > 0) {
            out[o++] = '_';
            us = true;
        }
    }
    while (o > 0 && out[o - 1] == '_')
        o--;
    out[o] = 0;
}

/* Add a person actor for a speaker that the actors stage did not find: id
   "q_<name>" from the fullest form of the name in the document, one actor
   per surname. Its other mentions are added by s_finish_actors() in one pass. */
static int s_new_actor(wt_quotes_ctx_t *ctx, uint32_t t0, uint32_t t1)
{
    wt_result_t *res = ctx->res;
    const char *text = ctx->doc->text;
    uint32_t key = TK(t1 - 1)->hash;
    int known;
    s_gmap_gender(ctx, key, &known);
    if (known >= 0) return known;
    uint32_t s0 = t0;
    while (t0 + 1 < t1 && (s_cls(ctx, t0) & (QL_HONOR | QL_RANK | QL_TITLE)))
        t0++;
    /* A lone title, rank, unnamed-speaker head or plural ("Minister",
       "General", "Officials", "MPs") names nobody: the quote keeps it as
       speaker text, but it is not a person actor. */
    if (t1 - t0 == 1) {
        const wt_token_t *k = TK(t0);
        uint32_t len = k->end - k->start;
        if ((s_cls(ctx, t0) &
             (QL_HONOR | QL_RANK | QL_TITLE | QL_NOMHEAD | QL_ORGHEAD | QL_NOTSPK | QL_STOP)) ||
            (len > 2 && text[k->end - 1] == 's' && !(s_cls(ctx, t0) & QL_FIRST)))
            return -1;
    }
    /* "New York and Michigan", "Sirius and XM": a list, not one person */
    for (uint32_t t = t0; t < t1; t++)
        if (wt_tok_is(ctx->doc, TK(t), "and")) return -1;
    uint32_t b0 = TK(t0)->start, b1 = TK(t1 - 1)->end;
    size_t j = s_gslot(ctx, key);
    if (ctx->gval[j] != 0xff && ctx->gbest[j] >= 0) {
        const s_men_t *m = &ctx->men[ctx->gbest[j]];
        uint32_t a = m->tok;
        while (a < ctx->doc->ntoks && TK(a)->end < m->end &&
               (s_cls(ctx, a) & (QL_HONOR | QL_RANK | QL_TITLE)))
            a++;
        if (a < ctx->doc->ntoks && TK(a)->start < m->end && m->end - TK(a)->start > b1 - b0) {
            b0 = TK(a)->start;
            b1 = m->end;
        }
    }
    char slug[96], id[128];
    s_slug(text + b0, b1 - b0, slug, sizeof slug);
    if (!slug[0]) return -1;
    snprintf(id, sizeof id, "q_%s", slug);
    /* unique within the item: a suffix when another name gave the same id */
    for (int n = 2; s_idset_has(ctx, id) && n < 1000; n++)
        snprintf(id, sizeof id, "q_%s_%d", slug, n);
    s_idset_add(ctx, id);
    wt_actor_t *ac = wt_result_add_actor(res);
    int idx = (int)(res->actor_count - 1);
    ac->id = wt_strdup(id);
    ac->name = wt_strndup(text + b0, b1 - b0);
    ac->type = WT_ACTOR_PERSON;
    ac->known = false;
    wt_actor_add_mention(ac, TK(s0)->start, TK(t1 - 1)->end);
    s_gmap_put(ctx, key, 0, idx);
    return idx;
}

static int s_span_cmp(const void *a, const void *b)
{
    const wt_span_t *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

/* Give the actors we added every mention of their surname we found, in text
   order, and a salience from their count. One pass over the mentions. */
static void s_finish_actors(wt_quotes_ctx_t *ctx, size_t first_new)
{
    wt_result_t *res = ctx->res;
    if (res->actor_count <= first_new) return;
    for (size_t k = 0; k < ctx->nmen; k++) {
        const s_men_t *m = &ctx->men[k];
        if (m->actor >= 0 || m->nominal) continue;
        int act;
        s_gmap_gender(ctx, m->key, &act);
        if (act < (int)first_new || (size_t)act >= res->actor_count) continue;
        wt_actor_t *ac = &res->actors[act];
        bool dup = false;
        for (size_t i = 0; i < ac->mention_count && i < 1; i++) /* the speaker span */
            if (ac->mentions[i].start <= m->start && m->end <= ac->mentions[i].end) dup = true;
        if (!dup) wt_actor_add_mention(ac, m->start, m->end);
    }
    for (size_t a = first_new; a < res->actor_count; a++) {
        wt_actor_t *ac = &res->actors[a];
        if (ac->mention_count > 1)
            qsort(ac->mentions, ac->mention_count, sizeof *ac->mentions, s_span_cmp);
        size_t n = ac->mention_count;
        ac->salience = n >= 10 ? 1.0 : 0.1 * (double)n;
    }
}

static int s_qcmp(const void *a, const void *b)
{
    const s_quote_t *x = a, *y = b;
    if (x->b0 != y->b0) return x->b0 < y->b0 ? -1 : 1;
    return x->b1 < y->b1 ? -1 : x->b1 > y->b1 ? 1 : 0;
}

static void s_emit(wt_quotes_ctx_t *ctx, s_quote_t *q)
{
    const char *text = ctx->doc->text;
    wt_quote_t *o = wt_result_add_quote(ctx->res);
    o->span.start = q->b0;
    o->span.end = q->b1;
    o->kind = (wt_quote_kind_t)q->kind;
    s_spk_t *sp = &q->spk;
    if (sp->cue != NONE && sp->cue_end > sp->cue) {
        uint32_t c0 = TK(sp->cue)->start, c1 = TK(sp->cue_end - 1)->end;
        o->cue = wt_strndup(text + c0, c1 - c0);
    }
    if (sp->kind == SK_NONE) return;
    uint32_t t0 = sp->t0, t1 = sp->t1;
    if (sp->kind == SK_NAME && sp->actor < 0 && !sp->org &&
        (sp->person || sp->gender || t1 - t0 >= 2))
        sp->actor = s_new_actor(ctx, t0, t1);
    o->has_speaker = true;
    o->speaker.start = TK(t0)->start;
    o->speaker.end = TK(t1 - 1)->end;
    if (sp->actor >= 0 && (size_t)sp->actor < ctx->res->actor_count &&
        ctx->res->actors[sp->actor].id)
        o->speaker_actor = wt_strdup(ctx->res->actors[sp->actor].id);
}

/* ---------------------------------------------------------------- stage */

/* A fragment of numbers only (a tweet id) is no statement. */
/* "each of the “targets” in the field": one lower-case word quoted inside a
   noun phrase (a determiner before it, a preposition after it) names a term;
   nobody is quoted. */
static bool s_term_in_np(const wt_quotes_ctx_t *ctx, const s_quote_t *q)
{
    if (q->o == NONE || q->c == NONE || s_words(ctx, q->c0, q->c1) != 1) return false;
    if (q->o == 0 || q->c + 1 >= ctx->doc->ntoks) return false;
    uint32_t w = q->c0;
    while (w < q->c1 && TK(w)->kind != WT_TOK_WORD)
        w++;
    if (w >= q->c1 || !s_lower(TK(w))) return false;
    uint32_t before = s_cls(ctx, q->o - 1), after = s_cls(ctx, q->c + 1);
    return (before & QL_DET) && s_lower(TK(q->o - 1)) && (after & QL_PREP) &&
           s_lower(TK(q->c + 1)) && !(after & QL_VERB);
}

static bool s_has_letters(const wt_quotes_ctx_t *ctx, const s_quote_t *q)
{
    for (uint32_t i = q->c0; i < q->c1 && i < q->c0 + 64; i++)
        if (TK(i)->kind == WT_TOK_WORD && !(TK(i)->flags & WT_TF_DIGIT)) return true;
    return false;
}

/* The speaker's own cue, by pattern priority. */

static bool s_own_cue(wt_quotes_ctx_t *ctx, s_quote_t *q, s_spk_t *sp)
{
    memset(sp, 0, sizeof *sp);
    sp->actor = sp->men = -1;
    sp->cue = NONE;
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

/* Carry-over: a direct quote with no cue of its own keeps the speaker of the
   previous statement in the same or the previous paragraph, unless a new
   person is named in between (after the sentence of that statement's cue). */
static bool s_carry(wt_quotes_ctx_t *ctx, s_quote_t *q, const s_quote_t *pq)
{
    bool near = q->para == pq->para || q->para == pq->para + 1 || (q->flags & QF_CONT);
    uint32_t pend = pq->c != NONE ? pq->c : pq->c1 - 1;
    bool same_sent = TK(pend)->sent == TK(q->c0)->sent;
    /* a fragment takes the speaker of the quote just before it in its sentence
       ("“A,” said X, adding that “b”"); a sentence-initial one, like a direct quote */
    if (!near || (q->kind != WT_QUOTE_DIRECT && !q->left && !same_sent) ||
        q->kind == WT_QUOTE_INDIRECT)
        return false;
    uint32_t from = pq->c != NONE ? pq->c + 1 : pq->c1;
    if (pq->spk.cue != NONE && pq->spk.cue_end > from) from = pq->spk.cue_end;
    uint32_t to = q->o != NONE ? q->o : q->c0;
    if (from < to) from = ctx->doc->sents[TK(from)->sent].tok_end;
    if (to > from + 200) return false;
    int pact = pq->spk.actor;
    uint32_t pkey = pq->spk.kind == SK_NAME ? TK(pq->spk.t1 - 1)->hash : 0;
    for (uint32_t i = from; i < to; i++) {
        if (ctx->qid[i] || !s_nametok(ctx, i) || TK(i)->hash == pkey ||
            (s_cls(ctx, i) & (QL_TITLE | QL_HONOR | QL_RANK)))
            continue;
        int a = s_actor_at(ctx, TK(i)->start, TK(i)->end, true);
        if (a >= 0 && a == pact) continue;
        int act = -1;
        uint8_t g = s_gmap_gender(ctx, TK(i)->hash, &act);
        if (g || (act >= 0 && act != pact) ||
            (a >= 0 && ctx->res->actors[a].type == WT_ACTOR_PERSON))
            return false;
    }
    q->spk = pq->spk;
    q->spk.cue = NONE;
    return true;
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
    for (size_t i = 0; i < d->ntoks; i++)
        ctx->lxc[i] =
            d->toks[i].kind == WT_TOK_WORD ? ql_lex_get(&ctx->db->lex, d->toks[i].hash) : NULL;

    /* 1. pairing and kinds */
    bool open_end = false;
    for (uint32_t p = 0; p < d->nparas; p++)
        s_pair_para(ctx, p, &open_end);
    s_mark_continuations(ctx);
    for (size_t k = 0; k < ctx->nq; k++) {
        s_quote_t *q = &ctx->q[k];
        uint32_t a = q->o != NONE ? q->o : q->c0;
        uint32_t b = q->c != NONE ? q->c + 1 : q->c1;
        for (uint32_t i = a; i < b; i++)
            if (!ctx->qid[i]) ctx->qid[i] = (uint32_t)k + 1;
        s_bytes(ctx, q);
    }
    for (size_t k = 0; k < ctx->nq; k++) {
        s_quote_t *q = &ctx->q[k];
        if (q->b1 > q->b0 && s_words(ctx, q->c0, q->c1) > 0) {
            s_classify(ctx, q);
            q->keep = 1;
        }
    }
    /* 2. mentions */
    s_collect_mentions(ctx);

    /* 3. own cues of quotes, then indirect speech */
    for (size_t k = 0; k < ctx->nq; k++) {
        s_quote_t *q = &ctx->q[k];
        if (q->keep && s_own_cue(ctx, q, &q->spk)) q->flags |= QF_OWN;
    }
    if (ctx->db->indirect) s_indirect(ctx);

    /* 4. in text order: resolve, carry over, keep or drop */
    if (ctx->nq > 1) qsort(ctx->q, ctx->nq, sizeof *ctx->q, s_qcmp);
    int prev_k = -1;
    for (size_t k = 0; k < ctx->nq; k++) {
        s_quote_t *q = &ctx->q[k];
        if (!q->keep) continue;
        if (q->flags & QF_OWN) {
            s_settle(ctx, &q->spk);
        } else if (q->flags & QF_ORPHAN) {
            q->keep = 0;
            continue;
        } else if (!(prev_k >= 0 && s_carry(ctx, q, &ctx->q[prev_k])) &&
                   q->kind == WT_QUOTE_DIRECT && s_cue_prevsent(ctx, q, &q->spk)) {
            s_settle(ctx, &q->spk);
        }
        bool has = q->spk.kind != SK_NONE;
        if (q->kind == WT_QUOTE_PARTIAL) {
            /* titles of shows and works ("on “New Day”") are not statements */
            q->keep = has && !s_titlecase(ctx, q) && s_has_letters(ctx, q) &&
                      ((q->flags & QF_OWN) || s_words(ctx, q->c0, q->c1) >= 4) &&
                      !s_term_in_np(ctx, q);
            /* a long quoted fragment is somebody's words even when no cue names
               them (titles and scare quotes are short): kept, speaker null */
            if (!has && !s_titlecase(ctx, q) && s_words(ctx, q->c0, q->c1) >= 6) q->keep = 1;

        } else if (q->kind == WT_QUOTE_DIRECT) {
            uint32_t w = s_words(ctx, q->c0, q->c1);
            bool sentence = s_is_stop(ctx, q->c1 - 1) || w >= 4;
            q->keep = has || (sentence && !s_titlecase(ctx, q));
        } else {
            q->keep = has;
        }
        if (q->keep && has) {
            s_hist_push(ctx, q);
            prev_k = (int)k;
        }
    }
    /* continuation chains: a paragraph quote without a cue takes the speaker
       of the quote that continues it (the cue often comes in the next one) */
    s_quote_t *next = NULL;
    for (size_t k = ctx->nq; k-- > 0;) {
        s_quote_t *q = &ctx->q[k];
        if (!q->keep || (q->flags & QF_INDIRECT)) continue;
        if (next && q->spk.kind == SK_NONE && next->spk.kind != SK_NONE &&
            (q->flags & QF_OPEN_END) && (next->flags & QF_CONT)) {
            q->spk = next->spk;
            q->spk.cue = NONE;
        }
        next = q;
    }
    size_t first_new = res->actor_count;
    s_idset_reset(ctx, ctx->nq + 16);
    for (size_t k = 0; k < ctx->nq; k++)
        if (ctx->q[k].keep && ctx->q[k].b1 > ctx->q[k].b0) s_emit(ctx, &ctx->q[k]);
    s_finish_actors(ctx, first_new);
}
