/*  actors.c: the actors stage: finds every person, organisation and country
    of an article, with canonical ids, types, countries, CAMEO codes and
    date-aware roles.

    1. One pass over the tokens emits mentions: dictionary matches (longest
       match in the trie, case rules), titles composed with the country
       before them ("Chinese Foreign Minister Wang Yi": person "Wang Yi",
       country from "Chinese", role "Foreign Minister", code CHNGOV), and
       capitalised sequences that no dictionary explains, typed by their head
       word (Ministry, Party, Bank...), their shape and their context
       (honorific, title, appositive, speech verb, location preposition).
    2. Resolution groups the mentions into actors: dictionary entities by id,
       unknown names by their token sequence, short forms (surname, family
       name first, honorific forms, glued "MrXi", acronyms defined in
       brackets) to the one person or organisation in play that they fit;
       ambiguous short forms stay unattached.
    3. Output: one wt_actor_t per actor sorted by first mention.

    Every array lives in the context and is reused: no allocation per token.
*/
#include "actors_internal.h"
#include "wiretag/petrarch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { UT_KNOWN = 0, UT_PERSON, UT_ORG, UT_SINGLE };

enum {
    MF_HON = 1 << 0,     /* an honorific before it */
    MF_AGENT = 1 << 1,   /* a title before it */
    MF_LOCPREP = 1 << 2, /* after in/at/from... */
    MF_SAID = 1 << 3,    /* followed by a speech verb */
    MF_HEAD = 1 << 4,    /* in a headline / title-case line */
    MF_SSTART = 1 << 5,  /* first word of its sentence */
    MF_APPOS = 1 << 6,   /* an appositive with a title follows */
    MF_ACRO = 1 << 7,    /* an acronym defined in brackets after mention `link` */
    MF_ALLCAP = 1 << 8,  /* a single all-capitals token */
    MF_GLUED = 1 << 9,   /* taken out of a glued token ("MrXi", "Xisaid") */
    MF_THE = 1 << 10,    /* an article before it */
    MF_ORGCTX = 1 << 11, /* an acronym before a role noun ("ACT leader") */
    MF_PRON = 1 << 12    /* "he"/"she" right after its speech verb: a person */
};

typedef struct {
    uint32_t t0, t1; /* tokens */
    uint32_t b0, b1; /* bytes */
    uint32_t ent;    /* dictionary entity or WT_A_NONE */
    uint32_t key;    /* unknown: hash of the token hashes; single: the token hash */
    uint32_t cent;   /* country entity from context, or WT_A_NONE */
    uint32_t agent;  /* agent index of the title before it, or WT_A_NONE */
    uint32_t mod0;   /* first token of the title's modifiers ("Vice"), or WT_A_NONE */
    uint32_t agent_t0;
    uint32_t link; /* MF_ACRO: the mention it abbreviates */
    int32_t actor;
    uint16_t flags;
    uint8_t form;  /* WT_AF_* for dictionary matches */
    uint8_t utype; /* UT_* */
} s_mention_t;

typedef struct {
    uint32_t ent;    /* WT_A_NONE for an unknown actor */
    uint32_t cent;   /* country entity */
    uint32_t name_m; /* mention whose text names it (unknown actors) */
    uint32_t agent, mod0, agent_t0;
    uint32_t first_b;
    uint32_t count;
    uint8_t type;
    uint8_t ctx_country; /* country from the text, not the fallback */
    uint8_t dead;
    uint8_t only_weak; /* every mention is headline or location-only */
    uint8_t ntok;
    uint32_t to;      /* merged into this actor */
    uint8_t evidence; /* a title, honorific, appositive, speech verb or short form */
    uint8_t personal; /* an honorific, a person's title, an appositive or "he/she" */
} s_actor_t;

#define S_MEMO_UNSET (UINT32_MAX - 2)

typedef struct {
    uint32_t root;    /* trie node after this token from the root, or WT_A_NONE */
    uint32_t cls;     /* wt_names_class() of the token */
    uint32_t memo[3]; /* longest match (payload index) for 3 filters, or WT_A_NONE */
    uint8_t mlen[3];
    uint8_t root_alt; /* root comes from the part before "-led" ... (alt) */
    uint16_t alt_len; /* "Kremlin-backed": bytes of the part before the hyphen, 0 = none */
    uint32_t alt;     /* hash of that part */
} s_tokinfo_t;

struct wt_actors_ctx {
    const wt_actordb_t *db;
    s_mention_t *m;
    size_t nm, cap_m;
    s_actor_t *a;
    size_t na, cap_a;
    uint32_t *order;
    size_t cap_order;
    wt_hmap_t lower;  /* hashes of words written in lower case in this item */
    wt_hmap_t ent2a;  /* entity -> actor */
    wt_hmap_t groups; /* unknown name key -> actor */
    wt_hmap_t shorts; /* short form key -> actor or WT_A_AMBIG */
    wt_hmap_t acros;  /* acronym hash -> actor */
    wt_hmap_t parts;  /* every word of a person's name in play */
    wt_hmap_t inplay; /* country entities in play (named, or the country of a known actor) */
    wt_hmap_t counts; /* one-word mentions: key -> how many */
    wt_hmap_t placec; /* country entity -> places of it named in the item */
    wt_hmap_t named;  /* countries named in the item (name, demonym, capital, place) */
    s_tokinfo_t *tc;  /* per token: trie child of the root, word class */
    size_t cap_tc;
    uint32_t h_of, h_to, h_in, h_and, h_amp, h_he, h_she, h_copy;
    bool has_credit; /* the item holds "Copyright" or "©" */
    /* the current item */
    const wt_doc_t *doc;
    const char *text;
    int date;
};

/* ---------------------------------------------------------------- helpers */

static inline unsigned s_cls(const wt_actors_ctx_t *ctx, uint32_t i)
{
    return ctx->tc[i].cls;
}

static inline uint32_t s_mix(uint32_t h, uint32_t x)
{
    h ^= x + 0x9e3779b9u + (h << 6) + (h >> 2);
    return h ? h : 1;
}

static void s_map_reset(wt_hmap_t *m, size_t want)
{
    size_t cap = 16;
    while (cap < want * 2)
        cap <<= 1;
    if (!m->cap || m->cap < cap || m->cap > cap * 8) {
        wt_hmap_free(m);
        wt_hmap_init(m, want);
    } else {
        wt_hmap_clear(m);
    }
}

/* Case rule check of a dictionary token against a text token. */
static inline bool s_case_ok(const wt_token_t *t, int rule)
{
    if (rule == WT_AC_ANY) return true;
    if (rule == WT_AC_EXACT) return true; /* checked on the whole phrase */
    if (rule == WT_AC_UPPER)
        return (t->flags & WT_TF_ALLCAP) || (t->flags & (WT_TF_ABBREV | WT_TF_INITIAL));
    return (t->flags & (WT_TF_CAP | WT_TF_ALLCAP)) != 0;
}

/* Case rule check of the part of token j before its hyphen (tc[j].alt_len). */
static bool s_case_ok_part(const wt_actors_ctx_t *ctx, uint32_t j, int rule)
{
    const char *p = ctx->text + ctx->doc->toks[j].start;
    uint32_t n = ctx->tc[j].alt_len;
    if (rule == WT_AC_ANY) return true;
    if (rule == WT_AC_UPPER) {
        for (uint32_t k = 0; k < n; k++)
            if (p[k] >= 'a' && p[k] <= 'z') return false;
        return n >= 2;
    }
    return (p[0] >= 'A' && p[0] <= 'Z') || ((unsigned char)p[0] >= 0x80);
}

/* Longest dictionary match starting at token i; *len gets its tokens.
   only_form >= 0 restricts the payloads considered. */
static const wt_apayload_t *s_match_raw(const wt_actors_ctx_t *ctx, uint32_t i, uint32_t *len,
                                        int only_form)
{
    const wt_actordb_t *db = ctx->db;
    const wt_doc_t *doc = ctx->doc;
    uint32_t node = 0;
    const wt_apayload_t *best = NULL;
    /* pass 1: the whole word starts no name ("Hamas-run ministries" while
       the dictionary knows "Hamas-run government"): try the part before the
       hyphen alone */
    for (int pass = 0; pass < 2 && !best; pass++) {
        if (pass == 1 && !(ctx->tc[i].alt_len && !ctx->tc[i].root_alt)) break;
        node = 0;
        for (uint32_t j = i; j < doc->ntoks && j - i < WT_A_MAX_NAME_TOKS; j++) {
            const wt_token_t *t = &doc->toks[j];
            if (t->kind == WT_TOK_QUOTE || t->kind == WT_TOK_DASH) break;
            if (j > i && (t->flags & WT_TF_SENT_START)) break;
            /* "Kremlin-backed", "Awami League-led": a name may end in the part
               of a word before a modifier suffix; the match ends there */
            bool alt = j == i && (ctx->tc[i].root_alt || pass == 1);
            uint32_t next = j > i       ? wt_adb_child(db, node, t->hash)
                            : pass == 1 ? wt_adb_root_child(db, ctx->tc[i].alt)
                                        : ctx->tc[i].root;
            if (next == WT_A_NONE && j > i && ctx->tc[j].alt_len) {
                next = wt_adb_child(db, node, ctx->tc[j].alt);
                alt = true;
            }
            node = next;
            if (node == WT_A_NONE) break;
            for (uint32_t p = db->node_pay[node]; p != WT_A_NONE; p = db->pays[p].next) {
                const wt_apayload_t *pl = &db->pays[p];
                if (only_form >= 0 && pl->form != only_form) continue;
                if (only_form == -2 && (pl->form == WT_AF_AGENT || pl->form == WT_AF_CAPITAL ||
                                        db->ents[pl->target].type != WT_ACTOR_COUNTRY))
                    continue;
                if (alt && (pl->exact || pl->form == WT_AF_AGENT || pl->form == WT_AF_ADJ))
                    continue;
                bool ok = true;
                for (uint32_t k = 0; k < pl->ntok && ok; k++)
                    ok = alt && i + k == j
                             ? s_case_ok_part(ctx, j, (int)((pl->cases >> (2 * k)) & 3))
                             : s_case_ok(&doc->toks[i + k], (int)((pl->cases >> (2 * k)) & 3));
                if (ok && pl->exact)
                    ok = wt_adb_exact_hash(ctx->text, doc->toks, i, j + 1) == pl->exact;
                if (ok) {
                    best = pl;
                    *len = j - i + 1;
                    break;
                }
            }
            if (alt) break;
        }
    }
    return best;
}

/* Fills memo slot `slot` of token i (the filter only_form) from s_match_raw(). */
static void s_match_fill(const wt_actors_ctx_t *ctx, uint32_t i, int slot, int only_form)
{
    s_tokinfo_t *ti = &ctx->tc[i];
    uint32_t l = 0;
    const wt_apayload_t *p = s_match_raw(ctx, i, &l, only_form);
    ti->memo[slot] = p ? (uint32_t)(p - ctx->db->pays) : WT_A_NONE;
    ti->mlen[slot] = (uint8_t)l;
}

/* Dictionary match at token i (see s_match_raw()), memoised per token for
   the three filters the engine asks again and again (any, agents,
   countries). Asked for nearly every token: the tests for "no phrase starts
   here" and "already known" are inlined at the call sites, only the first
   walk of the trie per token and filter pays for a call. */
static inline const wt_apayload_t *s_match(const wt_actors_ctx_t *ctx, uint32_t i, uint32_t *len,
                                           int only_form)
{
    if (i >= ctx->doc->ntoks || ctx->tc[i].root == WT_A_NONE) return NULL;
    int slot = only_form == -1 ? 0 : only_form == WT_AF_AGENT ? 1 : only_form == -2 ? 2 : -1;
    if (slot < 0) return s_match_raw(ctx, i, len, only_form);
    const s_tokinfo_t *ti = &ctx->tc[i];
    if (ti->memo[slot] == S_MEMO_UNSET) s_match_fill(ctx, i, slot, only_form);
    if (ti->memo[slot] == WT_A_NONE) return NULL;
    *len = ti->mlen[slot];
    return &ctx->db->pays[ti->memo[slot]];
}

static bool s_starts_agent(const wt_actors_ctx_t *ctx, uint32_t i)
{
    uint32_t len;
    return s_match(ctx, i, &len, WT_AF_AGENT) != NULL;
}

/* A lower-case hyphenated word with an Arabic prefix: al-Attiyah, el-Sisi,
   bin-Salman (the rare case of s_name_tok(), kept out of line). */
static bool s_prefixed_name(const wt_actors_ctx_t *ctx, const wt_token_t *t)
{
    if (wt_tok_len(t) >= 4) {
        const char *s = ctx->text + t->start;
        const char *h = memchr(s, '-', wt_tok_len(t));
        if (h && h - s <= 3 && h + 1 < s + wt_tok_len(t) && h[1] >= 'A' && h[1] <= 'Z' &&
            (wt_names_class(wt_text_hash(s, (size_t)(h - s))) & WT_W_ARPREFIX))
            return true;
    }
    return false;
}

/* A capitalised word that can be part of a name. Asked several times per
   token, hence inline. */
static inline bool s_name_tok(const wt_actors_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = &ctx->doc->toks[i];
    if (t->kind != WT_TOK_WORD) return false;
    if (t->flags & (WT_TF_CAP | WT_TF_ALLCAP | WT_TF_INITIAL)) {
        if (t->flags & WT_TF_DIGIT) return false;
        return !(s_cls(ctx, i) & (WT_W_STOP | WT_W_CLOSED));
    }
    return (t->flags & WT_TF_HYPHEN) && s_prefixed_name(ctx, t);
}

/* Country entity named at token i (name or adjective), or WT_A_NONE. */
static uint32_t s_country_at(const wt_actors_ctx_t *ctx, uint32_t i, uint32_t *len)
{
    const wt_apayload_t *p = s_match(ctx, i, len, -2);
    if (!p || p->form == WT_AF_AGENT) return WT_A_NONE;
    const wt_aentity_t *e = &ctx->db->ents[p->target];
    if (e->type == WT_ACTOR_COUNTRY && p->form != WT_AF_CAPITAL) return p->target;
    return WT_A_NONE;
}

static uint32_t s_iso_ent(const wt_actordb_t *db, const char *iso)
{
    if (!iso[0]) return WT_A_NONE;
    return wt_hmap_get(&db->isos, wt_text_hash(iso, 3));
}

typedef struct {
    uint32_t end;     /* token after the run */
    int32_t org_head; /* last organisation head word, -1 */
    bool place, thing, polity;
    int allcap, words;
    uint32_t cent; /* a country named inside the run */
    bool stopped_by_agent;
    bool stopped_by_first; /* a first name starts a new name */
    bool demonym;          /* holds a demonym ("Arab Iranians") */
    bool country_last;     /* ends with a country's name ("Garuda Indonesia") */
    bool direction;        /* holds a compass word */
    int initials;          /* initials and single letters */
    uint32_t country_k;    /* country_last: its first token */
    bool postnom;          /* stopped by letters after a person's name ("KC", "MP") */
    bool place_head;       /* starts with a place, then no first name ("Houston Texans") */
} s_run_t;

/* True when the agent phrase at j is part of an organisation name
   ("Supreme Court", "National Police Service"): it holds or is followed by
   an organisation head word. */
static bool s_agent_in_org(const wt_actors_ctx_t *ctx, uint32_t j)
{
    const wt_doc_t *doc = ctx->doc;
    uint32_t len = 1;
    s_match(ctx, j, &len, WT_AF_AGENT);
    /* the title itself ends in a head word: "Court", "National Police" */
    if (s_cls(ctx, j + len - 1) & WT_W_ORGHEAD) return true;
    /* or a head word follows it: "Police Service" ("Press Secretary" is a title) */
    for (uint32_t k = j + len; k < doc->ntoks && k < j + len + 3 && s_name_tok(ctx, k); k++)
        if (s_cls(ctx, k) & WT_W_ORGHEAD) return true;
    return false;
}

/* The agent phrase at j is followed by a capitalised name ("... San
   Francisco President Mary Daly"). */
static bool s_agent_before_name(const wt_actors_ctx_t *ctx, uint32_t j)
{
    uint32_t len = 0;
    if (!s_match(ctx, j, &len, WT_AF_AGENT)) return false;
    return j + len < ctx->doc->ntoks && s_name_tok(ctx, j + len) &&
           !(ctx->doc->toks[j + len].flags & WT_TF_SENT_START);
}

static bool s_starts_name(const wt_actors_ctx_t *ctx, uint32_t j);

/* "and" before token j joins two names rather than continuing one: j starts
   a dictionary name, or the words from j hold their own head word ("the
   Senate and the Chamber of Deputies"). */
static bool s_and_splits(const wt_actors_ctx_t *ctx, uint32_t j)
{
    if (s_starts_name(ctx, j)) return true;
    for (uint32_t k = j; k < ctx->doc->ntoks && k < j + 6 && s_name_tok(ctx, k); k++)
        if (s_cls(ctx, k) & (WT_W_ORGHEAD | WT_W_POLITY | WT_W_PLACEHEAD)) return true;
    return false;
}

/* A dictionary name (not an agent) starts at token j. */
static bool s_starts_name(const wt_actors_ctx_t *ctx, uint32_t j)
{
    uint32_t len;
    const wt_apayload_t *p = s_match(ctx, j, &len, -1);
    return p && p->form != WT_AF_AGENT;
}

static bool s_is_first(const wt_actors_ctx_t *ctx, uint32_t i);
static bool s_suffixed(const wt_actors_ctx_t *ctx, uint32_t i, const char *suffix);

/* A one-word dictionary person that is more likely part of another name:
   followed by a capitalised name word ("Abdullah al-Attiyah") or a common
   first name. */
static bool s_weak_person(const wt_actors_ctx_t *ctx, const wt_apayload_t *p, uint32_t i)
{
    if (p->ntok != 1 || p->form != WT_AF_NAME || ctx->db->ents[p->target].type != WT_ACTOR_PERSON)
        return false;
    if (i + 1 < ctx->doc->ntoks && !(ctx->doc->toks[i + 1].flags & WT_TF_SENT_START) &&
        s_name_tok(ctx, i + 1))
        return true;
    return s_is_first(ctx, i);
}

/* Token i is an ordinal written in digits ("9th", "21st", "2nd", "3rd"). */
static bool s_ordinal(const wt_actors_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = &ctx->doc->toks[i];
    uint32_t n = wt_tok_len(t);
    const char *p = ctx->text + t->start;
    if (t->kind != WT_TOK_WORD || n < 3 || n > 5 || p[0] < '0' || p[0] > '9') return false;
    uint32_t d = 0;
    while (d < n && p[d] >= '0' && p[d] <= '9')
        d++;
    return d + 2 == n && (strncmp(p + d, "th", 2) == 0 || strncmp(p + d, "st", 2) == 0 ||
                          strncmp(p + d, "nd", 2) == 0 || strncmp(p + d, "rd", 2) == 0);
}

/* A political party (its acronym may name parties of many countries). */
static bool s_party(const wt_aentity_t *e)
{
    return e->code && strstr(e->code, "PTY") != NULL;
}

/* A blank line between token j and the one before it. */
static bool s_blank_before(const wt_actors_ctx_t *ctx, uint32_t j)
{
    const wt_token_t *t = &ctx->doc->toks[j];
    if (!j) return false;
    int nl = 0;
    for (uint32_t b = ctx->doc->toks[j - 1].end; b < t->start; b++)
        nl += ctx->text[b] == '\n';
    return nl >= 2;
}

/* Within the next four capitalised words from j (same sentence) there is
   an organisation head word, written with a capital but not in capitals. */
static bool s_org_head_ahead(const wt_actors_ctx_t *ctx, uint32_t j)
{
    const wt_doc_t *doc = ctx->doc;
    for (uint32_t k = j; k < doc->ntoks && k < j + 4; k++) {
        const wt_token_t *t = &doc->toks[k];
        if (t->flags & (WT_TF_SENT_START | WT_TF_PARA_START)) return false;
        if (!s_name_tok(ctx, k)) return false;
        if ((s_cls(ctx, k) & WT_W_ORGHEAD) && !(t->flags & WT_TF_ALLCAP)) return true;
    }
    return false;
}

/* A word of several glued capitalised words ("InvestigatingBalcombeAndCo",
   a web site or a hashtag): two or more capitals after lower-case letters. */
static bool s_glued_words(const wt_actors_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = &ctx->doc->toks[i];
    int n = 0;
    for (uint32_t b = t->start + 1; b < t->end; b++) {
        char c = ctx->text[b], p = ctx->text[b - 1];
        if (c >= 'A' && c <= 'Z' && p >= 'a' && p <= 'z') n++;
    }
    return n >= 2;
}

/* Token i is a place or description glued to a name by a hyphen
   ("Houston-based", "Awami-led"): not part of the name that follows. */
static bool s_hyphen_modifier(const wt_actors_ctx_t *ctx, uint32_t i, bool born)
{
    static const char *const suf[] = {"-based",      "-led",      "-backed",  "-owned",
                                      "-run",        "-funded",   "-linked",  "-headquartered",
                                      "-controlled", "-allied",   "-aligned", "-sponsored",
                                      "-supported",  "-brokered", NULL};
    if (!(ctx->doc->toks[i].flags & WT_TF_HYPHEN)) return false;
    for (int k = 0; suf[k]; k++)
        if (s_suffixed(ctx, i, suf[k])) return true;
    return born && s_suffixed(ctx, i, "-born"); /* "German-born": a nationality */
}

/* A place of countries.yaml (`places:`) written with capitals at token i,
   within the tokens before end: its country entity, *len its tokens; the
   longest place wins. WT_A_NONE when none, or when the place is shared by
   two countries. */
static uint32_t s_place_at(const wt_actors_ctx_t *ctx, uint32_t i, uint32_t end, uint32_t *len)
{
    const wt_actordb_t *db = ctx->db;
    if (!db->places.n || wt_hmap_get(&db->place_first, ctx->doc->toks[i].hash) == WT_A_NONE)
        return WT_A_NONE;
    for (uint32_t n = end - i < 4 ? end - i : 4; n >= 1; n--) {
        bool caps = true;
        for (uint32_t k = i; k < i + n && caps; k++)
            caps = (ctx->doc->toks[k].flags & (WT_TF_CAP | WT_TF_ALLCAP)) ||
                   (k > i && (s_cls(ctx, k) & WT_W_CONNECT));
        if (!caps) continue;
        uint32_t c = wt_hmap_get(&db->places, wt_adb_place_key(ctx->doc->toks, i, i + n));
        if (c != WT_A_NONE && c != WT_A_AMBIG) {
            *len = n;
            return c;
        }
    }
    return WT_A_NONE;
}

static void s_place_seen(wt_actors_ctx_t *ctx, uint32_t ce)
{
    wt_hmap_put(&ctx->named, ce, 1);
    uint32_t c = wt_hmap_get(&ctx->placec, ce);
    wt_hmap_put(&ctx->placec, ce, c == WT_A_NONE ? 1 : c + 1);
}

/* Token i follows "Copyright", "(c)" or "©" in its sentence: a credit line. */
static bool s_credit_line(const wt_actors_ctx_t *ctx, uint32_t i)
{
    const wt_doc_t *doc = ctx->doc;
    if (!ctx->has_credit) return false;
    for (uint32_t k = i; k > 0 && k + 6 > i; k--) {
        const wt_token_t *t = &doc->toks[k - 1];
        if (t->hash == ctx->h_copy) return true;
        if (t->end - t->start == 2 && memcmp(ctx->text + t->start, "\xc2\xa9", 2) == 0) return true;
        if (t->flags & WT_TF_SENT_START) break;
    }
    return false;
}

/* The capitalised run starting at i (a name token). */
static void s_caprun(const wt_actors_ctx_t *ctx, uint32_t i, s_run_t *r)
{
    const wt_doc_t *doc = ctx->doc;
    const wt_actordb_t *db = ctx->db;
    memset(r, 0, sizeof *r);
    r->org_head = -1;
    r->cent = WT_A_NONE;
    uint32_t j = i;
    bool head_seen = false, after_conn = false;
    while (j < doc->ntoks && j - i < 12) {
        const wt_token_t *t = &doc->toks[j];
        /* a name never runs on into the next paragraph (a caption printed twice) */
        if (j > i && ((t->flags & (WT_TF_SENT_START | WT_TF_PARA_START)) || s_blank_before(ctx, j)))
            break;
        if (s_name_tok(ctx, j)) {
            unsigned cls = s_cls(ctx, j);
            if (j > i && (cls & WT_W_HONORIFIC)) break;
            /* "Jane Roe KC", "John Doe MP": letters after a person's name */
            if (j >= i + 2 && (cls & WT_W_POSTNOM) && (t->flags & WT_TF_ALLCAP) && r->allcap == 0 &&
                !head_seen) {
                r->postnom = true;
                break;
            }
            if (j > i && s_starts_agent(ctx, j) && !s_agent_in_org(ctx, j) &&
                !(head_seen && after_conn && !s_agent_before_name(ctx, j))) {
                r->stopped_by_agent = true;
                break;
            }
            /* "Bank of San Francisco Mary Daly", "Taoiseach Bertie Ahern": a
               first name after other capitalised words starts a person */
            if (j > i && j + 1 < doc->ntoks && s_name_tok(ctx, j + 1) &&
                !(doc->toks[j + 1].flags & WT_TF_SENT_START) && s_is_first(ctx, j) &&
                !(cls & WT_W_ORGHEAD) && !s_is_first(ctx, j - 1) &&
                doc->toks[j - 1].kind == WT_TOK_WORD && !(doc->toks[j - 1].flags & WT_TF_LOWER) &&
                !(doc->toks[j - 1].flags & WT_TF_INITIAL)) {
                r->stopped_by_first = true;
                break;
            }
            /* a known person's name inside a run starts a new name */
            if (j > i && !head_seen && s_starts_name(ctx, j)) {
                uint32_t len;
                const wt_apayload_t *p = s_match(ctx, j, &len, -1);
                if (p && db->ents[p->target].type == WT_ACTOR_PERSON && !s_weak_person(ctx, p, j)) {
                    r->stopped_by_first = true;
                    break;
                }
            }
            /* "Foreign Chief Yang Jiechi": a title word ends a title */
            if (j > i && (cls & WT_W_MODIFIER) && !head_seen && j + 1 < doc->ntoks &&
                s_name_tok(ctx, j + 1) && !(doc->toks[j + 1].flags & WT_TF_SENT_START) &&
                !s_is_first(ctx, j)) {
                r->stopped_by_first = true;
                r->words++;
                j++;
                break;
            }
            if (t->flags & WT_TF_ALLCAP) cls &= WT_W_ORGHEAD; /* an acronym: "ACT" is not "Act" */
            if (cls & WT_W_ORGHEAD) r->org_head = (int32_t)j, head_seen = true;
            if (cls & WT_W_PLACEHEAD) r->place = true;
            if (cls & WT_W_THINGHEAD) r->thing = true;
            if (cls & WT_W_POLITY) r->polity = true;
            if (cls & WT_W_GROUP) r->demonym = true;                        /* "Sunni Arabs" */
            if (cls & WT_W_DIRECTION) r->place = true, r->direction = true; /* "Palmerston North" */
            if (j == i && (cls & WT_W_PLACEPRE)) r->place = true;           /* "San Francisco" */
            if ((t->flags & WT_TF_INITIAL) || wt_tok_len(t) == 1) r->initials++;
            /* the flag first: strncasecmp() per name word showed in profiles */
            if ((t->flags & WT_TF_HYPHEN) && s_suffixed(ctx, j, "-based")) r->thing = true;
            if (t->flags & WT_TF_ALLCAP) r->allcap++;
            {
                uint32_t l;
                const wt_apayload_t *cp = s_match(ctx, j, &l, -1);
                if (cp && cp->form == WT_AF_ADJ) r->demonym = true;
                if (cp && r->cent == WT_A_NONE && cp->form != WT_AF_AGENT &&
                    cp->form != WT_AF_CAPITAL && db->ents[cp->target].type == WT_ACTOR_COUNTRY)
                    r->cent = cp->target;
            }
            r->words++;
            j++;
            continue;
        }
        /* connectors and particles between name words */
        if (t->kind == WT_TOK_WORD && j > i && j + 1 < doc->ntoks && s_name_tok(ctx, j + 1) &&
            !(doc->toks[j + 1].flags & WT_TF_SENT_START) && (t->flags & WT_TF_LOWER)) {
            unsigned cls = s_cls(ctx, j);
            if (cls & WT_W_PARTICLE) {
                j++;
                continue;
            }
            bool and = t->hash == ctx->h_and || t->hash == ctx->h_amp;
            if ((cls & WT_W_CONNECT) && head_seen && !(and&&s_and_splits(ctx, j + 1))) {
                after_conn = true;
                j++;
                continue;
            }
            /* "Avon and Somerset Police", "Transport and General Workers
               Union": "and" before the head word of the name joins */
            if (and&&!head_seen && r->words <= 2 && !s_starts_name(ctx, j + 1) &&
                s_org_head_ahead(ctx, j + 1)) {
                j++;
                continue;
            }
        }
        if (t->kind == WT_TOK_WORD && j > i && head_seen && j + 2 < doc->ntoks &&
            (t->flags & WT_TF_LOWER) && (s_cls(ctx, j) & WT_W_CONNECT) && t->hash != ctx->h_and &&
            t->hash != ctx->h_amp && (s_cls(ctx, j + 1) & WT_W_ARTICLE) && s_name_tok(ctx, j + 2)) {
            after_conn = true;
            j += 2;
            continue;
        }
        break;
    }
    /* a name never ends with a title: "... Premier" */
    while (j > i + 1 && s_starts_agent(ctx, j - 1) && !(s_cls(ctx, j - 1) & WT_W_ORGHEAD))
        j--;
    /* never end on a connector ("Chamber of") */
    while (j > i + 1 && (doc->toks[j - 1].flags & WT_TF_LOWER) && !s_name_tok(ctx, j - 1))
        j--;
    r->end = j;
    for (uint32_t k = i + 1; k < j; k++) {
        uint32_t l = 0;
        if (s_country_at(ctx, k, &l) != WT_A_NONE && k + l == j &&
            !(doc->toks[k - 1].flags & WT_TF_LOWER)) {
            const wt_apayload_t *p = s_match(ctx, k, &l, -2);
            if (p && p->form == WT_AF_NAME) r->country_last = true, r->country_k = k;
        }
    }
}

/* Token i is a known first name (for "Jean-Louis": its first part). */
static bool s_is_first(const wt_actors_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = &ctx->doc->toks[i];
    if (wt_hmap_get(&ctx->db->firsts, t->hash) != WT_A_NONE) return true;
    if (!(t->flags & WT_TF_HYPHEN)) return false;
    const char *s = ctx->text + t->start;
    const char *h = memchr(s, '-', wt_tok_len(t));
    return h && h > s &&
           wt_hmap_get(&ctx->db->firsts, wt_text_hash(s, (size_t)(h - s))) != WT_A_NONE;
}

/* A sentence-initial word that looks inflected ("Calling", "Ousted",
   "Reportedly") and is no first name. */
static bool s_inflected(const wt_actors_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = &ctx->doc->toks[i];
    uint32_t n = wt_tok_len(t);
    const char *s = ctx->text + t->start;
    if (n < 5 || wt_hmap_get(&ctx->db->firsts, t->hash) != WT_A_NONE) return false;
    return memcmp(s + n - 3, "ing", 3) == 0 || memcmp(s + n - 2, "ed", 2) == 0 ||
           memcmp(s + n - 2, "ly", 2) == 0;
}

/* Token i ends with suffix (ASCII, case-insensitive). */
static bool s_suffixed(const wt_actors_ctx_t *ctx, uint32_t i, const char *suffix)
{
    const wt_token_t *t = &ctx->doc->toks[i];
    size_t n = wt_tok_len(t), m = strlen(suffix);
    if (n <= m) return false;
    return strncasecmp(ctx->text + t->end - m, suffix, m) == 0;
}

/* A word shaped like an English common noun or adjective ("Constitution",
   "Assistance", "Offering", "Ecology"): not a personal name. */
static bool s_common_shape(const wt_actors_ctx_t *ctx, uint32_t i)
{
    /* lengths stored and the word's tail lower-cased once: this is asked
       for most capitalised words, 24 strlen()+strncasecmp() each was costly */
    static const struct {
        const char *s;
        uint8_t n;
    } sfx[] = {{"tion", 4}, {"sion", 4}, {"ment", 4},   {"ness", 4}, {"ity", 3},  {"ance", 4},
               {"ence", 4}, {"ism", 3},  {"ing", 3},    {"ical", 4}, {"ive", 3},  {"ous", 3},
               {"ful", 3},  {"less", 4}, {"able", 4},   {"ible", 4}, {"ship", 4}, {"hood", 4},
               {"ogy", 3},  {"ics", 3},  {"ically", 6}, {"ized", 4}, {"ised", 4}, {"ified", 5}};
    const wt_token_t *t = &ctx->doc->toks[i];
    size_t n = wt_tok_len(t);
    if (n < 5) return false;
    /* a suffix must be shorter than the word (as in s_suffixed()) */
    size_t m = n - 1 < 6 ? n - 1 : 6;
    char tail[6];
    for (size_t k = 0; k < m; k++) {
        char c = ctx->text[t->end - m + k];
        tail[k] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    /* the last letter first: it rules out most suffixes without a memcmp() call */
    for (size_t k = 0; k < sizeof sfx / sizeof sfx[0]; k++)
        if (sfx[k].n <= m && sfx[k].s[sfx[k].n - 1] == tail[m - 1] &&
            memcmp(tail + m - sfx[k].n, sfx[k].s, sfx[k].n) == 0)
            return true;
    return false;
}

/* Capitalised words [t0, t1) that fill a pair of quotation marks (with small
   connecting words): a title or a nickname, not an actor. */
static bool s_quoted_title(const wt_actors_ctx_t *ctx, uint32_t t0, uint32_t t1)
{
    const wt_doc_t *doc = ctx->doc;
    uint32_t b = t0;
    while (b > 0 && t0 - b < 2 && doc->toks[b - 1].kind == WT_TOK_WORD &&
           !(doc->toks[b - 1].flags & WT_TF_LOWER))
        b--;
    if (b == 0 || doc->toks[b - 1].kind != WT_TOK_QUOTE) return false;
    for (uint32_t k = t1; k < doc->ntoks && k < t1 + 8; k++) {
        const wt_token_t *t = &doc->toks[k];
        if (t->kind == WT_TOK_QUOTE) return true;
        if (t->kind == WT_TOK_PUNCT && (t->flags & WT_TF_STOP) && k + 1 < doc->ntoks &&
            doc->toks[k + 1].kind == WT_TOK_QUOTE)
            return true;
        if (t->kind != WT_TOK_WORD) return false;
        if ((t->flags & WT_TF_LOWER) && !(s_cls(ctx, k) & (WT_W_CONNECT | WT_W_ARTICLE)))
            return false;
    }
    return false;
}

/* True when the capitalisation of token i is explained by its position. */
static bool s_pos_cap(const wt_actors_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = &ctx->doc->toks[i];
    if (t->flags & (WT_TF_SENT_START | WT_TF_PARA_START)) return true;
    if (i > 0) {
        const wt_token_t *p = &ctx->doc->toks[i - 1];
        if (p->kind == WT_TOK_QUOTE || p->kind == WT_TOK_DASH ||
            (p->kind == WT_TOK_PUNCT && wt_tok_len(p) == 1 &&
             (ctx->text[p->start] == ':' || ctx->text[p->start] == '(')))
            return true;
    }
    return false;
}

static s_mention_t *s_emit(wt_actors_ctx_t *ctx, uint32_t t0, uint32_t t1, uint8_t utype)
{
    wt_grow(&ctx->m, &ctx->cap_m, ctx->nm + 1, sizeof *ctx->m);
    s_mention_t *m = &ctx->m[ctx->nm++];
    memset(m, 0, sizeof *m);
    m->t0 = t0;
    m->t1 = t1;
    m->b0 = ctx->doc->toks[t0].start;
    m->b1 = ctx->doc->toks[t1 - 1].end;
    m->ent = WT_A_NONE;
    m->cent = WT_A_NONE;
    m->agent = WT_A_NONE;
    m->mod0 = WT_A_NONE;
    m->link = WT_A_NONE;
    m->actor = -1;
    m->utype = utype;
    uint32_t k = 0;
    for (uint32_t i = t0; i < t1; i++)
        if (ctx->doc->toks[i].kind == WT_TOK_WORD)
            k = t1 - t0 == 1 ? ctx->doc->toks[i].hash : s_mix(k, ctx->doc->toks[i].hash);
    m->key = k;
    return m;
}

/* Noun-phrase state: what precedes a name in the same phrase. */
typedef struct {
    uint32_t cent;  /* country named before ("Chinese", "US", "of Israel") */
    uint32_t agent; /* title */
    uint32_t agent_t0;
    uint32_t mod0; /* modifiers of the title */
    bool hon;
} s_np_t;

static void s_np_reset(s_np_t *np)
{
    np->cent = WT_A_NONE;
    np->agent = WT_A_NONE;
    np->agent_t0 = WT_A_NONE;
    np->mod0 = WT_A_NONE;
    np->hon = false;
}

/* Token a is an acronym of the words [t0, t1): its letters are the first
   letters of successive words, in order ("KHRC", "IPO"; not "R-OR"). */
static bool s_acronym_of(const wt_actors_ctx_t *ctx, uint32_t a, uint32_t t0, uint32_t t1)
{
    const wt_token_t *t = &ctx->doc->toks[a];
    uint32_t w = t0;
    int letters = 0;
    for (uint32_t b = t->start; b < t->end; b++) {
        char c = ctx->text[b];
        if (c == '.') continue;
        if (c < 'A' || c > 'Z') return false;
        while (w < t1 && (ctx->text[ctx->doc->toks[w].start] & ~0x20) != c)
            w++;
        if (w >= t1) return false;
        w++;
        letters++;
    }
    return letters >= 2;
}

/* After a name ending before token j: speech verb, appositive, bracketed
   acronym. Returns the token to continue from. */
static uint32_t s_after_name(wt_actors_ctx_t *ctx, size_t mi, uint32_t j)
{
    const wt_doc_t *doc = ctx->doc;
    s_mention_t *m = &ctx->m[mi];
    if (j < doc->ntoks && (s_cls(ctx, j) & WT_W_SAY)) {
        m->flags |= MF_SAID;
        for (uint32_t k = j + 1; k < doc->ntoks && k < j + 4; k++)
            if (doc->toks[k].hash == ctx->h_he || doc->toks[k].hash == ctx->h_she)
                m->flags |= MF_PRON;
    }
    /* "(KHRC)" */
    if (j + 2 < doc->ntoks && doc->toks[j].kind == WT_TOK_PUNCT &&
        ctx->text[doc->toks[j].start] == '(' && (doc->toks[j + 1].flags & WT_TF_ALLCAP) &&
        doc->toks[j + 2].kind == WT_TOK_PUNCT && ctx->text[doc->toks[j + 2].start] == ')' &&
        m->utype != UT_SINGLE && s_acronym_of(ctx, j + 1, m->t0, m->t1)) {
        s_mention_t *a = s_emit(ctx, j + 1, j + 2, UT_SINGLE);
        a->flags |= MF_ACRO | MF_ALLCAP;
        a->link = (uint32_t)mi;
        return j + 3;
    }
    /* "Harry Reid of Nevada", "Nelson Chamisa of the MDC": the country of
       what follows "of" */
    if ((m->utype == UT_PERSON || m->utype == UT_SINGLE) && m->cent == WT_A_NONE &&
        j + 1 < doc->ntoks && doc->toks[j].hash == ctx->h_of) {
        uint32_t k = j + 1, l = 0;
        if (k + 1 < doc->ntoks && (s_cls(ctx, k) & WT_W_ARTICLE)) k++;
        const wt_apayload_t *p = s_match(ctx, k, &l, -1);
        if (p && p->form != WT_AF_AGENT) {
            const wt_aentity_t *e = &ctx->db->ents[p->target];
            if (e->type == WT_ACTOR_COUNTRY && p->form != WT_AF_CAPITAL)
                m->cent = p->target;
            else if (e->type == WT_ACTOR_ORGANIZATION && e->country[0])
                m->cent = s_iso_ent(ctx->db, e->country);
        } else if (!p) {
            uint32_t l2 = 0, pce = s_place_at(ctx, k, doc->ntoks, &l2); /* "of Nevada" */
            if (pce != WT_A_NONE) m->cent = pce;
        }
    }
    /* ", a spokesman for the Indian foreign ministry," */
    if (j + 1 < doc->ntoks && doc->toks[j].kind == WT_TOK_PUNCT &&
        ctx->text[doc->toks[j].start] == ',') {
        uint32_t k = j + 1;
        uint32_t lim = k + 12;
        bool agent = false;
        uint32_t cent = WT_A_NONE;
        for (; k < doc->ntoks && k < lim; k++) {
            const wt_token_t *t = &doc->toks[k];
            if (t->flags & WT_TF_SENT_START) break;
            if (t->kind != WT_TOK_WORD && t->kind != WT_TOK_POSS) break;
            if (k == j + 1 && !(s_cls(ctx, k) & WT_W_ARTICLE) && !s_starts_agent(ctx, k)) break;
            uint32_t l = 1;
            const wt_apayload_t *p = s_match(ctx, k, &l, -1);
            if (p && p->form == WT_AF_AGENT)
                agent = true;
            else if (p && ctx->db->ents[p->target].type == WT_ACTOR_COUNTRY && cent == WT_A_NONE &&
                     p->form != WT_AF_CAPITAL)
                cent = p->target;
            else if (p && cent == WT_A_NONE && ctx->db->ents[p->target].country[0]) {
                /* "of the ANC"; a one-word name shared by many countries'
                   institutions ("a Treasury minister") only once its country
                   is named */
                uint32_t oc = s_iso_ent(ctx->db, ctx->db->ents[p->target].country);
                if (l >= 2 || ((t->flags & WT_TF_ALLCAP) && !s_party(&ctx->db->ents[p->target])) ||
                    wt_hmap_get(&ctx->named, oc) != WT_A_NONE)
                    cent = oc;
            }
            k += l - 1;
        }
        if (agent) {
            m->flags |= MF_APPOS;
            if (m->cent == WT_A_NONE) m->cent = cent;
        }
    }
    return j;
}

/* Title-case or all-capitals line (headline). */
static void s_sentence_kind(const wt_actors_ctx_t *ctx, const wt_sentence_t *s, bool *head,
                            bool *shout, int *nwords, bool *has_stop)
{
    int words = 0, caps = 0, allcap = 0;
    for (uint32_t i = s->tok_first; i < s->tok_end; i++) {
        const wt_token_t *t = &ctx->doc->toks[i];
        if (t->kind != WT_TOK_WORD) continue;
        unsigned cls = s_cls(ctx, i);
        if ((cls & (WT_W_CONNECT | WT_W_ARTICLE | WT_W_PARTICLE)) && (t->flags & WT_TF_LOWER))
            continue;
        words++;
        if (t->flags & (WT_TF_CAP | WT_TF_ALLCAP)) caps++;
        if (t->flags & WT_TF_ALLCAP) allcap++;
    }
    bool stop = s->tok_end > s->tok_first && (ctx->doc->toks[s->tok_end - 1].flags & WT_TF_STOP);
    for (uint32_t i = s->tok_end; !stop && i > s->tok_first && i + 3 > s->tok_end; i--)
        stop = (ctx->doc->toks[i - 1].flags & WT_TF_STOP) != 0;
    *shout = words >= 3 && allcap * 10 >= words * 6;
    *head = (!stop && words >= 4 && caps * 10 >= words * 8) || (words >= 6 && caps == words);
    *nwords = words;
    *has_stop = stop;
}

/* ---------------------------------------------------------------- pass 1 */

static void s_scan(wt_actors_ctx_t *ctx, const wt_input_t *in)
{
    const wt_doc_t *doc = ctx->doc;
    const wt_actordb_t *db = ctx->db;
    s_np_t np;
    s_np_reset(&np);
    bool head = false, shout = false, sstop = false;
    int swords = 0;
    uint32_t sent = UINT32_MAX;
    for (uint32_t i = 0; i < doc->ntoks; i++) {
        const wt_token_t *t = &doc->toks[i];
        if (t->sent != sent) {
            sent = t->sent;
            s_np_reset(&np);
            if (sent < doc->nsents)
                s_sentence_kind(ctx, &doc->sents[sent], &head, &shout, &swords, &sstop);
            if (in->title_end && t->start < in->title_end) head = true;
        }
        if (t->kind == WT_TOK_POSS) continue; /* "China's foreign minister": keep the country */
        if (t->kind != WT_TOK_WORD) {
            /* "Nigeria's health minister, Muhammad Ali Pate,": keep the title */
            bool keep = np.agent != WT_A_NONE && t->kind == WT_TOK_PUNCT && wt_tok_len(t) == 1 &&
                        ctx->text[t->start] == ',' && i + 1 < doc->ntoks &&
                        s_name_tok(ctx, i + 1) && !(doc->toks[i + 1].flags & WT_TF_SENT_START);
            if (!keep) s_np_reset(&np);
            continue;
        }
        unsigned cls = s_cls(ctx, i);
        uint32_t len = 0;
        const wt_apayload_t *p = s_match(ctx, i, &len, -1);
        bool locprep = false;
        if (i > 0) {
            uint32_t q = i - 1;
            if (q > 0 && (s_cls(ctx, q) & WT_W_ARTICLE)) q--;
            locprep = (s_cls(ctx, q) & WT_W_LOCPREP) != 0;
        }
        bool cap_head = false; /* "Supreme Court justice": a capitalised head word inside */
        for (uint32_t k = i; p && k < i + len && k < doc->ntoks; k++)
            if ((doc->toks[k].flags & WT_TF_CAP) && (s_cls(ctx, k) & WT_W_ORGHEAD)) cap_head = true;
        if (p && p->form == WT_AF_AGENT && (t->flags & WT_TF_CAP) &&
            (cap_head || s_agent_in_org(ctx, i))) {
            s_run_t r;
            s_caprun(ctx, i, &r);
            if (r.words >= 2 && r.org_head >= 0) p = NULL; /* "Court of Appeal" */
        }
        if (p && p->form == WT_AF_AGENT) {
            if (np.agent == WT_A_NONE || np.agent_t0 + 1 != i) {
                np.agent = p->target;
                np.agent_t0 = i;
            } else {
                np.agent = p->target; /* "Foreign Minister" after "Vice" etc. */
            }
            i += len - 1;
            /* "President of Israel"; "ambassador to Mexico" keeps the sender */
            bool of = i + 2 < doc->ntoks && doc->toks[i + 1].hash == ctx->h_of;
            bool to = i + 2 < doc->ntoks &&
                      (doc->toks[i + 1].hash == ctx->h_to || doc->toks[i + 1].hash == ctx->h_in);
            if (of || to) {
                uint32_t l2;
                uint32_t ce = s_country_at(ctx, i + 2, &l2);
                if (ce != WT_A_NONE) {
                    s_mention_t *m = s_emit(ctx, i + 2, i + 2 + l2, UT_KNOWN);
                    m->ent = ce;
                    m->form = WT_AF_NAME;
                    wt_hmap_put(&ctx->named, ce, 1);
                    if (of) np.cent = ce;
                    i += 1 + l2;
                }
            }
            continue;
        }
        if (p && db->ents[p->target].type == WT_ACTOR_COUNTRY && p->form != WT_AF_AGENT &&
            i + len < doc->ntoks && (doc->toks[i + len].flags & WT_TF_CAP) &&
            (s_cls(ctx, i + len) & WT_W_PLACEHEAD)) {
            i += len; /* "Korean Peninsula", "South China Sea" */
            s_np_reset(&np);
            continue;
        }
        /* "Copyright 2024 Grayhill Media": a credit line names no actor */
        if (p && p->form != WT_AF_AGENT && db->ents[p->target].type != WT_ACTOR_COUNTRY &&
            s_credit_line(ctx, i)) {
            i += len - 1;
            s_np_reset(&np);
            continue;
        }
        if (p && s_weak_person(ctx, p, i)) p = NULL;
        /* "Dr. Tedros Adhanom Ghebreyesus": a longer name of the same entity
           starting inside the match ("Dr. Tedros") wins */
        if (p && p->form == WT_AF_NAME && len >= 2) {
            for (uint32_t k = i + 1; k < i + len; k++) {
                uint32_t lq = 0;
                const wt_apayload_t *q = s_match(ctx, k, &lq, -1);
                if (q && q->target == p->target && k + lq > i + len) {
                    if (s_cls(ctx, i) & WT_W_HONORIFIC) np.hon = true;
                    i = k;
                    len = lq;
                    p = q;
                    t = &doc->toks[i];
                    break;
                }
            }
        }
        /* "Jordan Peterson", "Chad Smith": a country that is also a first name,
           before a capitalised word and not after a preposition, starts a name */
        if (p && len == 1 && p->form == WT_AF_NAME &&
            db->ents[p->target].type == WT_ACTOR_COUNTRY && s_is_first(ctx, i) &&
            i + 1 < doc->ntoks && s_name_tok(ctx, i + 1) &&
            !(doc->toks[i + 1].flags & WT_TF_SENT_START) && !s_starts_name(ctx, i + 1) &&
            !(s_cls(ctx, i + 1) & WT_W_FUNC) && !s_common_shape(ctx, i + 1) &&
            wt_hmap_get(&ctx->lower, doc->toks[i + 1].hash) == WT_A_NONE &&
            !(i > 0 && (s_cls(ctx, i - 1) & (WT_W_LOCPREP | WT_W_CONNECT | WT_W_ARTICLE))))
            p = NULL;
        if (p) {
            const wt_aentity_t *e = &db->ents[p->target];
            s_run_t r;
            bool extend = false;
            if (!shout && (t->flags & (WT_TF_CAP | WT_TF_ALLCAP)) && s_name_tok(ctx, i)) {
                s_caprun(ctx, i, &r);
                if (r.org_head >= (int32_t)(i + len) && r.end > i + len)
                    extend = true; /* "Zimbabwe Electoral Commission" */
                else if (e->type == WT_ACTOR_ORGANIZATION && p->form == WT_AF_NAME &&
                         r.end > i + len) {
                    uint32_t l2;
                    uint32_t ce = s_country_at(ctx, i + len, &l2);
                    if (ce != WT_A_NONE && i + len + l2 == r.end)
                        extend = true; /* "Amnesty International Kenya" */
                }
            }
            if (extend) {
                bool ord = i > 0 && s_ordinal(ctx, i - 1) && !(t->flags & WT_TF_SENT_START);
                s_mention_t *m = s_emit(ctx, ord ? i - 1 : i, r.end, UT_ORG);
                m->cent = e->type == WT_ACTOR_COUNTRY ? p->target
                          : r.cent != WT_A_NONE       ? r.cent
                                                      : s_iso_ent(db, e->country);
                if (head) m->flags |= MF_HEAD;
                size_t mi = ctx->nm - 1;
                uint32_t nx = s_after_name(ctx, mi, r.end);
                i = nx - 1;
                s_np_reset(&np);
                continue;
            }
            /* a PETRARCH phrase may carry a title ("PRESIDENT BUSH"): the
               mention is the name after it */
            uint32_t k0 = i;
            while (p->petrarch && k0 + 1 < i + len) {
                uint32_t l = 0;
                const wt_apayload_t *q = s_match(ctx, k0, &l, WT_AF_AGENT);
                if (!q || k0 + l >= i + len) {
                    if (s_country_at(ctx, k0, &l) != WT_A_NONE && k0 + l < i + len) {
                        k0 += l;
                        continue;
                    }
                    if ((s_cls(ctx, k0) & (WT_W_HONORIFIC | WT_W_ARTICLE)) &&
                        doc->toks[k0 + 1].kind == WT_TOK_WORD) {
                        k0++;
                        continue;
                    }
                    break;
                }
                np.agent = q->target;
                np.agent_t0 = k0;
                k0 += l;
            }
            s_mention_t *m = s_emit(ctx, k0, i + len, UT_KNOWN);
            m->ent = p->target;
            m->form = p->form;
            if (ctx->tc[i + len - 1].alt_len) /* "Kremlin-backed": the name only */
                m->b1 = doc->toks[i + len - 1].start + ctx->tc[i + len - 1].alt_len;
            if (locprep) m->flags |= MF_LOCPREP;
            if (e->type == WT_ACTOR_COUNTRY && !(locprep && p->form == WT_AF_CAPITAL))
                wt_hmap_put(&ctx->named, p->target, 1);
            if (np.hon) m->flags |= MF_HON;
            if (np.agent != WT_A_NONE) {
                m->flags |= MF_AGENT;
                m->agent = np.agent;
                m->agent_t0 = np.agent_t0;
                m->mod0 = np.mod0;
            }
            if (e->type == WT_ACTOR_COUNTRY && p->form != WT_AF_CAPITAL) {
                s_np_reset(&np);
                np.cent = p->target;
            } else if (e->type == WT_ACTOR_ORGANIZATION && e->country[0]) {
                s_np_reset(&np);
                /* "Congress leader ...", "Treasury minister ...": a one-word
                   name is shared by the institutions of many countries; it
                   gives its country to a title holder only once the text
                   has named that country (or a place of it) */
                uint32_t oc = s_iso_ent(db, e->country);
                if (len >= 2 || ((t->flags & WT_TF_ALLCAP) && !s_party(e)) ||
                    wt_hmap_get(&ctx->named, oc) != WT_A_NONE)
                    np.cent = oc;
            } else {
                s_np_reset(&np);
            }
            uint32_t nx = s_after_name(ctx, ctx->nm - 1, i + len);
            if (nx > i + len) s_np_reset(&np);
            i = nx - 1;
            continue;
        }
        if ((cls & WT_W_HONORIFIC) && (t->flags & WT_TF_CAP)) {
            np.hon = true;
            continue;
        }
        /* glued honorific: "MrXi" */
        if ((t->flags & WT_TF_CAP) && wt_tok_len(t) >= 4 && !(t->flags & WT_TF_ALLCAP)) {
            const char *s = ctx->text + t->start;
            uint32_t n = wt_tok_len(t), pre = 0;
            if ((s[0] == 'M' && s[1] == 'r' && s[2] == 's') && s[3] >= 'A' && s[3] <= 'Z')
                pre = 3;
            else if (((s[0] == 'M' && (s[1] == 'r' || s[1] == 's')) ||
                      (s[0] == 'D' && s[1] == 'r')) &&
                     s[2] >= 'A' && s[2] <= 'Z')
                pre = 2;
            if (pre && n - pre >= 2) {
                s_mention_t *m = s_emit(ctx, i, i + 1, UT_SINGLE);
                m->b0 += pre;
                m->key = wt_text_hash(s + pre, n - pre);
                m->flags |= MF_HON | MF_GLUED;
                s_np_reset(&np);
                continue;
            }
        }
        if ((cls & WT_W_MODIFIER) && i + 1 < doc->ntoks && s_starts_agent(ctx, i + 1)) {
            if (np.mod0 == WT_A_NONE) np.mod0 = i;
            continue;
        }
        if (!shout && s_name_tok(ctx, i) &&
            !(t->flags & WT_TF_LOWER && !(t->flags & WT_TF_HYPHEN))) {
            /* "Houston-based Stanford Group": the name starts after it */
            if (s_hyphen_modifier(ctx, i, true) && i + 1 < doc->ntoks && s_name_tok(ctx, i + 1) &&
                !(doc->toks[i + 1].flags & WT_TF_SENT_START)) {
                s_np_reset(&np);
                continue;
            }
            /* letters after a name already taken ("KC"), credit lines */
            if (((cls & WT_W_POSTNOM) && (t->flags & WT_TF_ALLCAP) && i > 0 &&
                 s_name_tok(ctx, i - 1) && !(t->flags & WT_TF_SENT_START)) ||
                s_credit_line(ctx, i)) {
                s_run_t r0;
                s_caprun(ctx, i, &r0);
                i = r0.end - 1;
                s_np_reset(&np);
                continue;
            }
            s_run_t r;
            s_caprun(ctx, i, &r);
            /* "LAUSANNE Switzerland": a dateline; the country is the actor */
            if (r.country_last && (t->flags & WT_TF_ALLCAP) && r.allcap < r.words) {
                i = r.country_k - 1;
                s_np_reset(&np);
                continue;
            }
            if (r.words == 1 && s_glued_words(ctx, i)) {
                s_np_reset(&np);
                continue;
            }
            /* places of a country ("Baltimore", "New South Wales"): evidence
               of where the story is set; before a title they give its
               holder a country ("Baltimore Mayor ..."); at the head of a
               longer name they give it theirs ("Houston Police Department") */
            uint32_t plen = 0, pce = s_place_at(ctx, i, r.end, &plen);
            /* "University of Texas", "Bank of Baltimore": a place inside an
               organisation's name gives it a country */
            if (pce == WT_A_NONE && r.org_head >= 0 && r.cent == WT_A_NONE)
                for (uint32_t k = i + 1; k < r.end && r.cent == WT_A_NONE; k++)
                    if (doc->toks[k - 1].flags & WT_TF_LOWER) {
                        uint32_t l3 = 0, pc3 = s_place_at(ctx, k, r.end, &l3);
                        if (pc3 != WT_A_NONE) r.cent = pc3, s_place_seen(ctx, pc3);
                    }
            if (pce != WT_A_NONE && !(plen == 1 && s_is_first(ctx, i) && r.end > i + 1)) {
                s_place_seen(ctx, pce);
                /* a place word alone may be a surname ("Houston said"): it
                   stays a name unless a preposition or a title says it is a place */
                if (i + plen == r.end && (locprep || plen >= 2 || r.stopped_by_agent)) {
                    s_np_reset(&np);
                    np.cent = pce;
                    i = r.end - 1;
                    continue;
                }
                if (i + plen < r.end) {
                    if (r.cent == WT_A_NONE) r.cent = pce;
                    r.place_head = !s_is_first(ctx, i + plen);
                }
            }
            if (s_pos_cap(ctx, i) && !(t->flags & WT_TF_ALLCAP) &&
                ((cls & WT_W_FUNC) || wt_hmap_get(&ctx->lower, t->hash) != WT_A_NONE ||
                 s_inflected(ctx, i)) &&
                !(r.org_head > (int32_t)i && !(cls & WT_W_CLOSED)))
                goto plain; /* "Federal Reserve Bank" stays whole */
            uint32_t n = r.end - i;
            if (r.stopped_by_first && r.org_head < 0 && n <= 3) {
                /* "Taoiseach Bertie Ahern": words before a first name are a title */
                np.hon = true;
                i = r.end - 1;
                continue;
            }
            if (r.stopped_by_agent && r.org_head < 0 && r.allcap == 0 &&
                (doc->toks[r.end].flags & WT_TF_CAP)) {
                /* "Oil Minister ...": modifiers of the title */
                if (np.mod0 == WT_A_NONE) np.mod0 = i;
                i = r.end - 1;
                continue;
            }
            if (s_quoted_title(ctx, i, r.end)) {
                i = r.end - 1; /* "One Hundred Years of Solitude" */
                s_np_reset(&np);
                continue;
            }
            uint8_t ut;
            if (r.postnom && r.org_head < 0 && n >= 2)
                ut = UT_PERSON; /* "Jane Roe KC" */
            else if (r.initials == r.words || (r.direction && n == 2 && r.org_head >= 0) ||
                     (s_cls(ctx, r.end - 1) & WT_W_PLACEHEAD))
                ut = 0; /* "U.S" split in two, "West Bank" */
            else if ((r.org_head >= 0 && n >= 2) ||
                     (n >= 2 && r.country_last && !r.place && !s_is_first(ctx, i)) ||
                     (n >= 2 && r.place_head && !r.place && !r.thing && r.allcap < r.words))
                ut = UT_ORG; /* "Ministry of ...", "Garuda Indonesia", "Houston Texans" */
            else if (r.org_head >= 0 || ((r.place || r.thing || r.polity) && r.org_head < 0) ||
                     (s_cls(ctx, i) & WT_W_DIRECTION))
                ut = 0; /* a place, a thing, or a bare head word */
            else if (n >= 2 && r.allcap == r.words)
                ut = 0; /* dateline or shouting */
            else if (n >= 2 && r.allcap > 0)
                ut = UT_ORG;
            else if (r.demonym)
                ut = 0; /* "Arab Iranians", "N. Korean" */
            else if (n >= 2 && (doc->toks[r.end - 1].flags & WT_TF_INITIAL))
                ut = 0; /* a name never ends with an initial ("Beta V.1.0") */
            else if (n >= 2)
                ut = UT_PERSON;
            else
                ut = UT_SINGLE;
            if (!ut) {
                i = r.end - 1;
                s_np_reset(&np);
                continue;
            }
            /* "Republican Jeb Bush", "Former Minister X": common words in front
               of a person's name are not part of it */
            uint32_t i0 = i;
            bool acro_next = r.end < doc->ntoks && doc->toks[r.end].kind == WT_TOK_PUNCT &&
                             ctx->text[doc->toks[r.end].start] == '(';
            while (ut == UT_PERSON && !acro_next && r.end - i0 > 2 && !s_is_first(ctx, i0) &&
                   ((s_cls(ctx, i0) & WT_W_FUNC) ||
                    wt_hmap_get(&ctx->lower, doc->toks[i0].hash) != WT_A_NONE))
                i0++;
            for (uint32_t k = i0; i0 > i && k < r.end; k++) /* "Black Lives Matter" stays */
                if ((s_cls(ctx, k) & WT_W_FUNC) || s_common_shape(ctx, k) ||
                    wt_hmap_get(&ctx->lower, doc->toks[k].hash) != WT_A_NONE)
                    i0 = i;
            if (i0 > i) {
                np.hon = true; /* the dropped words were a description */
                i = i0;
                t = &doc->toks[i];
            }
            /* "9th U.S. Circuit Court of Appeals", "2nd Infantry Division": an
               ordinal before an organisation's name is part of it */
            uint32_t e0 = i;
            if (ut == UT_ORG && i > 0 && s_ordinal(ctx, i - 1) &&
                !(doc->toks[i].flags & WT_TF_SENT_START))
                e0 = i - 1;
            s_mention_t *m = s_emit(ctx, e0, r.end, ut);
            if (ut == UT_ORG)
                m->cent = r.cent != WT_A_NONE ? r.cent : np.cent;
            else
                m->cent = np.cent;
            if (np.hon || (r.postnom && ut == UT_PERSON)) m->flags |= MF_HON;
            if (np.agent != WT_A_NONE) {
                m->flags |= MF_AGENT;
                m->agent = np.agent;
                m->agent_t0 = np.agent_t0;
                m->mod0 = np.mod0;
            }
            if (locprep && !np.hon && np.agent == WT_A_NONE && ut != UT_ORG) m->flags |= MF_LOCPREP;
            if (head || (!sstop && swords <= r.words + 1)) m->flags |= MF_HEAD;
            if (i > 0 && (s_cls(ctx, i - 1) & WT_W_ARTICLE)) m->flags |= MF_THE;
            if (s_pos_cap(ctx, i)) m->flags |= MF_SSTART;
            if (ut == UT_SINGLE && (t->flags & WT_TF_ALLCAP)) {
                m->flags |= MF_ALLCAP;
                /* "ACT leader David Seymour", "ANC spokesman": an acronym
                   before a role noun is an organisation */
                if (r.end < doc->ntoks && (doc->toks[r.end].flags & WT_TF_LOWER) &&
                    s_starts_agent(ctx, r.end) && wt_tok_len(t) <= 6)
                    m->flags |= MF_ORGCTX;
            }
            /* glued speech verb: "Xisaid" */
            if (ut == UT_SINGLE && wt_tok_len(t) > 5) {
                const char *s = ctx->text + t->start;
                uint32_t tl = wt_tok_len(t);
                if (memcmp(s + tl - 4, "said", 4) == 0 || memcmp(s + tl - 4, "says", 4) == 0) {
                    m->key = wt_text_hash(s, tl - 4);
                    m->b1 -= 4;
                    m->flags |= MF_GLUED | MF_SAID;
                }
            }
            s_np_reset(&np);
            uint32_t nx = s_after_name(ctx, ctx->nm - 1, r.end);
            i = nx - 1;
            continue;
        }
    plain:
        /* "Kenyan health minister": a lower-case word right before a title
           modifies it; other words end the noun phrase */
        if ((t->flags & WT_TF_LOWER) && np.cent != WT_A_NONE && !(cls & WT_W_CLOSED) &&
            i + 1 < doc->ntoks && s_starts_agent(ctx, i + 1)) {
            if (np.mod0 == WT_A_NONE) np.mod0 = i;
            continue;
        }
        s_np_reset(&np);
    }
}

/* ---------------------------------------------------------------- pass 2 */

static uint32_t s_actor_new(wt_actors_ctx_t *ctx, uint32_t ent, uint8_t type)
{
    wt_grow(&ctx->a, &ctx->cap_a, ctx->na + 1, sizeof *ctx->a);
    s_actor_t *a = &ctx->a[ctx->na];
    memset(a, 0, sizeof *a);
    a->ent = ent;
    a->type = type;
    a->cent = WT_A_NONE;
    a->agent = WT_A_NONE;
    a->mod0 = WT_A_NONE;
    a->name_m = WT_A_NONE;
    a->first_b = UINT32_MAX;
    a->only_weak = 1;
    a->to = WT_A_NONE;
    return (uint32_t)ctx->na++;
}

static void s_attach(wt_actors_ctx_t *ctx, size_t mi, uint32_t ai)
{
    s_mention_t *m = &ctx->m[mi];
    s_actor_t *a = &ctx->a[ai];
    m->actor = (int32_t)ai;
    a->count++;
    if (m->b0 < a->first_b) a->first_b = m->b0;
    if (!(m->flags & (MF_HEAD | MF_LOCPREP))) a->only_weak = 0;
    if ((m->flags & (MF_HON | MF_APPOS | MF_PRON)) ||
        ((m->flags & MF_AGENT) && ctx->db->agents[m->agent].person))
        a->personal = 1;
    if ((m->flags & (MF_HON | MF_AGENT | MF_APPOS | MF_SAID)) ||
        (m->utype == UT_SINGLE && !(m->flags & MF_ACRO)))
        a->evidence = 1;
    /* a name with an acronym in brackets is an organisation's */
    if ((m->flags & MF_ACRO) && a->ent == WT_A_NONE) a->type = WT_ACTOR_ORGANIZATION;
    if (m->cent != WT_A_NONE && a->cent == WT_A_NONE && a->ent == WT_A_NONE) {
        a->cent = m->cent;
        a->ctx_country = 1;
    }
    if (m->agent != WT_A_NONE && a->agent == WT_A_NONE) {
        a->agent = m->agent;
        a->mod0 = m->mod0;
        a->agent_t0 = m->agent_t0;
    }
    if (a->ent == WT_A_NONE && m->utype != UT_SINGLE &&
        (a->name_m == WT_A_NONE || m->t1 - m->t0 > ctx->m[a->name_m].t1 - ctx->m[a->name_m].t0))
        a->name_m = (uint32_t)mi;
}

static uint32_t s_ent_actor(wt_actors_ctx_t *ctx, uint32_t ent)
{
    uint32_t ai = wt_hmap_get(&ctx->ent2a, ent);
    if (ai == WT_A_NONE) {
        ai = s_actor_new(ctx, ent, ctx->db->ents[ent].type);
        wt_hmap_put(&ctx->ent2a, ent, ai);
    }
    return ai;
}

static void s_short_put(wt_actors_ctx_t *ctx, uint32_t key, uint32_t ai)
{
    uint32_t old = wt_hmap_get(&ctx->shorts, key);
    if (old == WT_A_NONE || old == ai)
        wt_hmap_put(&ctx->shorts, key, ai);
    else
        wt_hmap_put(&ctx->shorts, key, WT_A_AMBIG);
}

/* Hash of the part after "al-" style prefixes, or 0. */
static uint32_t s_unprefixed(const wt_actors_ctx_t *ctx, const wt_token_t *t)
{
    if (!(t->flags & WT_TF_HYPHEN)) return 0;
    const char *s = ctx->text + t->start;
    const char *h = memchr(s, '-', wt_tok_len(t));
    if (!h || h - s > 3 || h + 2 >= s + wt_tok_len(t)) return 0;
    return wt_text_hash(h + 1, (size_t)(s + wt_tok_len(t) - h - 1));
}

/* Register the short forms of person actor ai named by hashes h[0..n). */
static void s_short_forms(wt_actors_ctx_t *ctx, uint32_t ai, const uint32_t *h, int n,
                          bool east_asian, uint32_t unpref)
{
    if (n < 2) return;
    for (int i = 0; i < n; i++)
        wt_hmap_put(&ctx->parts, h[i], ai);
    s_short_put(ctx, h[n - 1], ai);
    if (unpref) s_short_put(ctx, unpref, ai);
    /* a given name used alone ("Thaksin"), unless it is a common first name */
    bool first_ok = wt_hmap_get(&ctx->db->firsts, h[0]) == WT_A_NONE &&
                    !(wt_names_class(h[0]) & (WT_W_PARTICLE | WT_W_HONORIFIC));
    if (east_asian || first_ok) s_short_put(ctx, h[0], ai);
    for (int s = 1; s + 2 <= n; s++) { /* suffixes of 2+ words: "Suu Kyi" */
        uint32_t k = 0;
        for (int i = s; i < n; i++)
            k = s_mix(k, h[i]);
        s_short_put(ctx, k, ai);
    }
}

static bool s_is_east_asian_ent(const wt_actordb_t *db, uint32_t cent)
{
    return cent != WT_A_NONE && db->ents[cent].east_asian;
}

static void s_resolve(wt_actors_ctx_t *ctx)
{
    const wt_actordb_t *db = ctx->db;
    const wt_doc_t *doc = ctx->doc;
    /* a one-word country that is the surname of a person in play ("Michael
       Jordan" ... "Jordan said") is that person */
    for (size_t i = 0; i < ctx->nm; i++) {
        const s_mention_t *m = &ctx->m[i];
        if (m->utype == UT_PERSON && m->t1 - m->t0 >= 2)
            wt_hmap_put(&ctx->parts, doc->toks[m->t1 - 1].hash, 1);
    }
    for (size_t i = 0; ctx->parts.n && i < ctx->nm; i++) {
        s_mention_t *m = &ctx->m[i];
        if (m->utype == UT_KNOWN && m->t1 - m->t0 == 1 && m->form == WT_AF_NAME &&
            db->ents[m->ent].type == WT_ACTOR_COUNTRY &&
            wt_hmap_get(&ctx->parts, m->key) != WT_A_NONE) {
            m->utype = UT_SINGLE;
            m->ent = WT_A_NONE;
        }
    }
    /* known entities and full unknown names */
    for (size_t i = 0; i < ctx->nm; i++) {
        s_mention_t *m = &ctx->m[i];
        if (m->utype == UT_KNOWN) {
            if (m->form == WT_AF_CAPITAL && (m->flags & MF_LOCPREP)) continue; /* decided below */
            s_attach(ctx, i, s_ent_actor(ctx, m->ent));
        } else if (m->utype == UT_PERSON || m->utype == UT_ORG) {
            uint32_t ai = wt_hmap_get(&ctx->groups, m->key);
            if (ai == WT_A_NONE) {
                ai = s_actor_new(ctx, WT_A_NONE,
                                 m->utype == UT_ORG ? WT_ACTOR_ORGANIZATION : WT_ACTOR_PERSON);
                ctx->a[ai].ntok = (uint8_t)(m->t1 - m->t0 > 255 ? 255 : m->t1 - m->t0);
                wt_hmap_put(&ctx->groups, m->key, ai);
            }
            if (m->utype == UT_ORG) ctx->a[ai].type = WT_ACTOR_ORGANIZATION;
            s_attach(ctx, i, ai);
        }
    }
    /* short forms of the persons in play */
    uint32_t hb[WT_A_MAX_NAME_TOKS];
    for (size_t ai = 0; ai < ctx->na; ai++) {
        s_actor_t *a = &ctx->a[ai];
        if (a->type != WT_ACTOR_PERSON) continue;
        if (a->ent != WT_A_NONE) {
            const wt_aentity_t *e = &db->ents[a->ent];
            if (e->has_short) { /* exactly the dictionary's short names */
                for (int k = 0; k < e->nname; k++)
                    wt_hmap_put(&ctx->parts, e->name_hashes[k], (uint32_t)ai);
                for (int k = 0; k < e->nshort; k++)
                    s_short_put(ctx, e->short_keys[k], (uint32_t)ai);
            } else {
                s_short_forms(ctx, (uint32_t)ai, e->name_hashes, e->nname, e->east_asian, 0);
            }
            /* the name as written too ("Joseph R. Biden") */
        }
        if (a->ent != WT_A_NONE || a->name_m == WT_A_NONE) continue;
        const s_mention_t *m = &ctx->m[a->name_m];
        int n = 0;
        for (uint32_t k = m->t0; k < m->t1 && n < WT_A_MAX_NAME_TOKS; k++)
            if (doc->toks[k].kind == WT_TOK_WORD) hb[n++] = doc->toks[k].hash;
        uint32_t unpref = s_unprefixed(ctx, &doc->toks[m->t1 - 1]);
        s_short_forms(ctx, (uint32_t)ai, hb, n, s_is_east_asian_ent(db, a->cent), unpref);
    }
    /* unknown persons that are the short form of a longer one: merge */
    bool any = false;
    for (size_t ai = 0; ai < ctx->na; ai++) {
        s_actor_t *a = &ctx->a[ai];
        a->to = WT_A_NONE;
        if (a->ent != WT_A_NONE || a->type != WT_ACTOR_PERSON || a->name_m == WT_A_NONE) continue;
        uint32_t key = ctx->m[a->name_m].key;
        uint32_t to = wt_hmap_get(&ctx->shorts, key);
        if (to == WT_A_NONE && a->ntok >= 2) {
            /* a dictionary short name of several words ("Le Pen", "López
               Obrador") with the person's country in the article */
            uint32_t e = wt_hmap_get(&db->surnames, key);
            if (e != WT_A_NONE && e != WT_A_AMBIG) {
                uint32_t ce = s_iso_ent(db, db->ents[e].country);
                if (ce != WT_A_NONE && wt_hmap_get(&ctx->ent2a, ce) != WT_A_NONE)
                    to = s_ent_actor(ctx, e);
                a = &ctx->a[ai]; /* the actor array may have moved */
            }
        }
        if (to == WT_A_NONE || to == WT_A_AMBIG || to == ai || ctx->a[to].to != WT_A_NONE) continue;
        s_actor_t *b = &ctx->a[to];
        if (b->cent == WT_A_NONE && a->cent != WT_A_NONE) {
            b->cent = a->cent;
            b->ctx_country = a->ctx_country;
        }
        if (b->agent == WT_A_NONE && a->agent != WT_A_NONE) {
            b->agent = a->agent;
            b->mod0 = a->mod0;
            b->agent_t0 = a->agent_t0;
        }
        a->to = to;
        a->dead = 1;
        any = true;
    }
    for (size_t i = 0; any && i < ctx->nm; i++) {
        s_mention_t *m = &ctx->m[i];
        if (m->actor >= 0 && ctx->a[m->actor].to != WT_A_NONE) {
            uint32_t to = ctx->a[m->actor].to;
            uint32_t nm = ctx->a[to].name_m;
            m->actor = -1;
            s_attach(ctx, i, to);
            ctx->a[to].name_m = nm; /* keep the longer name */
        }
    }
    /* acronyms defined in brackets */
    for (size_t i = 0; i < ctx->nm; i++) {
        s_mention_t *m = &ctx->m[i];
        if ((m->flags & MF_ACRO) && m->link != WT_A_NONE && ctx->m[m->link].actor >= 0) {
            uint32_t ai = (uint32_t)ctx->m[m->link].actor;
            s_attach(ctx, i, ai);
            if (wt_hmap_get(&ctx->acros, m->key) == WT_A_NONE) wt_hmap_put(&ctx->acros, m->key, ai);
        }
    }
    /* a party's acronym (DPP, PP, NDP) names parties of many countries: one
       whose country the text never names, while it names others, is not that
       party */
    for (size_t ai = 0; ctx->named.n && ai < ctx->na; ai++) {
        s_actor_t *a = &ctx->a[ai];
        if (a->ent == WT_A_NONE || !a->count || a->dead) continue;
        const wt_aentity_t *e = &db->ents[a->ent];
        uint32_t ce = s_iso_ent(db, e->country);
        if (e->type != WT_ACTOR_ORGANIZATION || ce == WT_A_NONE || !s_party(e) ||
            wt_hmap_get(&ctx->named, ce) != WT_A_NONE)
            continue;
        bool acro = true;
        for (size_t i = 0; i < ctx->nm && acro; i++)
            if (ctx->m[i].actor == (int32_t)ai)
                acro = ctx->m[i].t1 - ctx->m[i].t0 == 1 &&
                       (doc->toks[ctx->m[i].t0].flags & WT_TF_ALLCAP);
        if (acro) a->dead = 1;
    }
    /* countries in play; how often each single word occurs */
    for (size_t ai = 0; ai < ctx->na; ai++) {
        const s_actor_t *a = &ctx->a[ai];
        if (a->ent == WT_A_NONE || !a->count || a->dead) continue;
        uint32_t ce = db->ents[a->ent].type == WT_ACTOR_COUNTRY
                          ? a->ent
                          : s_iso_ent(db, db->ents[a->ent].country);
        if (ce != WT_A_NONE) wt_hmap_put(&ctx->inplay, ce, 1);
    }
    for (size_t i = 0; i < ctx->nm; i++) {
        const s_mention_t *m = &ctx->m[i];
        if (m->utype != UT_SINGLE || m->actor >= 0) continue;
        uint32_t c = wt_hmap_get(&ctx->counts, m->key);
        wt_hmap_put(&ctx->counts, m->key, c == WT_A_NONE ? 1 : c + 1);
    }
    /* single words */
    for (size_t i = 0; i < ctx->nm; i++) {
        s_mention_t *m = &ctx->m[i];
        if (m->utype != UT_SINGLE || m->actor >= 0) continue;
        uint32_t ai = wt_hmap_get(&ctx->acros, m->key);
        if (ai == WT_A_NONE && !(m->flags & MF_ALLCAP)) {
            ai = wt_hmap_get(&ctx->shorts, m->key);
            if (ai == WT_A_AMBIG) continue; /* two people in play share it */
        }
        if (ai == WT_A_NONE && !(m->flags & MF_ALLCAP) &&
            wt_hmap_get(&ctx->lower, m->key) == WT_A_NONE) {
            uint32_t e = wt_hmap_get(&db->surnames, m->key);
            if (e != WT_A_NONE && e != WT_A_AMBIG && !(s_cls(ctx, m->t0) & WT_W_FUNC) &&
                (!(m->flags & MF_SSTART) || (m->flags & (MF_HON | MF_AGENT | MF_SAID)))) {
                /* only when the person's country is in the article ("Officer
                   Tusk" in a story without Poland is someone else) */
                uint32_t ce = s_iso_ent(db, db->ents[e].country);
                uint32_t cnt = wt_hmap_get(&ctx->counts, m->key);
                if ((ce != WT_A_NONE && wt_hmap_get(&ctx->inplay, ce) != WT_A_NONE) ||
                    (cnt != WT_A_NONE && cnt >= 2 && !(m->flags & MF_HON)))
                    ai = s_ent_actor(ctx, e);
            }
        }
        bool after_prep = false;
        if (m->t0 > 0) {
            after_prep = (s_cls(ctx, m->t0 - 1) & (WT_W_CONNECT | WT_W_LOCPREP)) != 0;
        }
        /* a word of a name in play that fits no one person: left alone */
        bool part = wt_hmap_get(&ctx->parts, m->key) != WT_A_NONE;
        if (ai == WT_A_NONE && !part && !(m->flags & (MF_GLUED | MF_HEAD | MF_THE)) &&
            !after_prep && !s_starts_agent(ctx, m->t0) && !s_common_shape(ctx, m->t0) &&
            ((m->flags & (MF_HON | MF_APPOS)) ||
             ((m->flags & MF_AGENT) && db->agents[m->agent].person) ||
             ((m->flags & MF_SAID) && !(m->flags & MF_LOCPREP)) || (m->flags & MF_ORGCTX))) {
            ai = wt_hmap_get(&ctx->groups, m->key);
            if (ai == WT_A_NONE) {
                ai = s_actor_new(ctx, WT_A_NONE,
                                 (m->flags & MF_ALLCAP) ? WT_ACTOR_ORGANIZATION : WT_ACTOR_PERSON);
                ctx->a[ai].ntok = 1;
                wt_hmap_put(&ctx->groups, m->key, ai);
            }
        }
        if (ai == WT_A_NONE) continue;
        s_attach(ctx, i, ai);
        if (ctx->a[ai].name_m == WT_A_NONE && ctx->a[ai].ent == WT_A_NONE)
            ctx->a[ai].name_m = (uint32_t)i;
    }
    /* capitals after "in"/"from": only when their country is in play */
    for (size_t i = 0; i < ctx->nm; i++) {
        s_mention_t *m = &ctx->m[i];
        if (m->utype == UT_KNOWN && m->actor < 0) {
            uint32_t ai = wt_hmap_get(&ctx->ent2a, m->ent);
            if (ai != WT_A_NONE) s_attach(ctx, i, ai);
        }
    }
    /* weak groups (headline-only, after a location preposition only), and
       capitalised word pairs with no sign of being a person's name whose
       words the item also writes in lower case ("Social Security") */
    for (size_t ai = 0; ai < ctx->na; ai++) {
        s_actor_t *a = &ctx->a[ai];
        if (a->ent != WT_A_NONE) continue;
        if (a->only_weak) a->dead = 1;
        /* one word that only "said" something, never with a title, an
           honorific or "he/she", and whose full name the article never gives:
           a company or agency ("Pfizer said") rather than a person */
        if (a->ntok == 1 && a->type == WT_ACTOR_PERSON && !a->personal)
            a->type = WT_ACTOR_ORGANIZATION;
        if (a->dead || a->evidence || a->type != WT_ACTOR_PERSON || a->name_m == WT_A_NONE)
            continue;
        const s_mention_t *m = &ctx->m[a->name_m];
        if (s_is_first(ctx, m->t0)) continue;
        for (uint32_t k = m->t0; k < m->t1; k++) {
            const wt_token_t *t = &doc->toks[k];
            if (t->kind == WT_TOK_WORD && !(t->flags & WT_TF_LOWER) &&
                (wt_hmap_get(&ctx->lower, t->hash) != WT_A_NONE || (s_cls(ctx, k) & WT_W_FUNC) ||
                 s_common_shape(ctx, k)))
                a->dead = 1;
        }
    }
}

/* ---------------------------------------------------------------- output */

static char *s_slice(wt_actors_ctx_t *ctx, uint32_t b0, uint32_t b1)
{
    return wt_strndup(ctx->text + b0, b1 - b0);
}

static void s_slug(const char *name, char *out, size_t cap)
{
    size_t j = 0;
    bool us = false;
    for (const char *p = name; *p && j + 1 < cap; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out[j++] = (char)c;
            us = false;
        } else if (c < 0x80 && j > 0 && !us) {
            out[j++] = '_';
            us = true;
        } else if (c == 0xc3 && (unsigned char)p[1] >= 0x80 && (unsigned char)p[1] <= 0xbf) {
            /* Latin-1 letters lose their accents: "López" -> "lopez" */
            static const char fold[] = "aaaaaaaceeeeiiiidnooooo_ouuuuytsaaaaaaaceeeeiiiidnooooo_"
                                       "ouuuuyty";
            char f = fold[(unsigned char)p[1] - 0x80];
            p++;
            if (f != '_') {
                out[j++] = f;
                us = false;
            }
        } else if (c >= 0xc0 && j > 0 && !us) {
            out[j++] = '_'; /* other scripts: a separator */
            us = true;
        }
    }
    while (j > 0 && out[j - 1] == '_')
        j--;
    out[j] = 0;
}

static char *s_role(wt_actors_ctx_t *ctx, const s_actor_t *a)
{
    const wt_aagent_t *ag = &ctx->db->agents[a->agent];
    if (a->mod0 == WT_A_NONE || a->mod0 >= a->agent_t0) return wt_strdup(ag->title);
    const wt_token_t *t0 = &ctx->doc->toks[a->mod0];
    const wt_token_t *t1 = &ctx->doc->toks[a->agent_t0 - 1];
    size_t n = t1->end - t0->start, tl = strlen(ag->title);
    char *s = wt_malloc(n + tl + 2);
    memcpy(s, ctx->text + t0->start, n);
    if (s[0] >= 'a' && s[0] <= 'z') s[0] = (char)(s[0] - 32);
    s[n] = ' ';
    memcpy(s + n + 1, ag->title, tl + 1);
    return s;
}

/* The country the item is set in, or WT_A_NONE when the text does not
   make it clear. Evidence: mentions of a country (name, demonym, capital),
   and each known actor of that country (an institution, a company, a
   person of the dictionaries; not companies and news agencies). The leading
   country must hold more than S_SETTING_SHARE of all that evidence and count
   twice or more (once when nothing points elsewhere): a story
   that names the United States once among other countries is not set
   there, and its unknown people are not American. */
#define S_SETTING_SHARE 0.5
static uint32_t s_setting(wt_actors_ctx_t *ctx)
{
    const wt_actordb_t *db = ctx->db;
    uint32_t best = WT_A_NONE;
    double bestw = 0, total = 0;
    wt_hmap_clear(&ctx->counts); /* reused: country entity -> weight */
    for (size_t ai = 0; ai < ctx->na; ai++) {
        const s_actor_t *a = &ctx->a[ai];
        if (a->dead || a->ent == WT_A_NONE || !a->count) continue;
        const wt_aentity_t *e = &db->ents[a->ent];
        uint32_t ce = e->type == WT_ACTOR_COUNTRY ? a->ent : s_iso_ent(db, e->country);
        /* companies and news agencies work across borders: their country says little */
        size_t cl = e->code ? strlen(e->code) : 0;
        if (ce == WT_A_NONE || e->sector || (cl >= 6 && strcmp(e->code + cl - 3, "MED") == 0))
            continue;
        uint32_t w = e->type == WT_ACTOR_COUNTRY ? a->count : 1;
        uint32_t old = wt_hmap_get(&ctx->counts, ce);
        uint32_t nw = (old == WT_A_NONE ? 0 : old) + w;
        wt_hmap_put(&ctx->counts, ce, nw);
        total += w;
        if (nw > bestw) bestw = nw, best = ce;
    }
    for (size_t i = 0; i < ctx->placec.cap; i++) {
        const wt_hslot_t *sl = &ctx->placec.slots[i];
        if (sl->gen != ctx->placec.gen) continue;
        uint32_t old = wt_hmap_get(&ctx->counts, sl->key);
        uint32_t nw = (old == WT_A_NONE ? 0 : old) + sl->val;
        wt_hmap_put(&ctx->counts, sl->key, nw);
        total += sl->val;
        if (nw > bestw) bestw = nw, best = sl->key;
    }
    /* one piece of evidence is enough only when nothing points elsewhere */
    if (best == WT_A_NONE || (bestw < 2 && bestw < total) || bestw <= S_SETTING_SHARE * total)
        return WT_A_NONE;
    return best;
}

static void s_output(wt_actors_ctx_t *ctx, const wt_input_t *in, wt_result_t *res)
{
    const wt_actordb_t *db = ctx->db;
    /* the setting of the item: fallback for unknown actors */
    uint32_t dom = s_setting(ctx);
    wt_grow(&ctx->order, &ctx->cap_order, ctx->na + 1, sizeof *ctx->order);
    size_t no = 0;
    for (size_t ai = 0; ai < ctx->na; ai++)
        if (!ctx->a[ai].dead && ctx->a[ai].count > 0) ctx->order[no++] = (uint32_t)ai;
    /* qsort is not reentrant with a context: the comparison reads first_b
       through a per-call copy of the keys instead */
    for (size_t x = 1; x < no; x++) { /* insertion sort: actors are few */
        uint32_t v = ctx->order[x];
        size_t y = x;
        while (y > 0 && (ctx->a[ctx->order[y - 1]].first_b > ctx->a[v].first_b ||
                         (ctx->a[ctx->order[y - 1]].first_b == ctx->a[v].first_b &&
                          ctx->order[y - 1] > v))) {
            ctx->order[y] = ctx->order[y - 1];
            y--;
        }
        ctx->order[y] = v;
    }
    size_t base = res->actor_count;
    s_map_reset(&ctx->acros, no + 16); /* now: ids given out */
    for (size_t x = 0; x < no; x++) {
        s_actor_t *a = &ctx->a[ctx->order[x]];
        wt_actor_t *o = wt_result_add_actor(res);
        char cbuf[16];
        uint32_t idh = 0; /* hash of o->id, 0 = not computed */
        if (a->ent != WT_A_NONE) {
            const wt_aentity_t *e = &db->ents[a->ent];
            o->id = wt_strdup(e->id);
            o->name = wt_strdup(e->name);
            o->type = (wt_actor_type_t)e->type;
            memcpy(o->country, e->country, 4);
            o->known = true;
            o->wikidata = e->wikidata ? wt_strdup(e->wikidata) : NULL;
            const char *code = e->code;
            const char *role = NULL;
            if (e->pact) {
                code = wt_petrarch_actor_code(e->pact, ctx->date);
            } else if (e->nroles) {
                int r = wt_adb_role_at(e, ctx->date);
                if (r >= 0) {
                    role = e->roles[r].title;
                    code = e->roles[r].code;
                } else if (e->country[0] && e->type == WT_ACTOR_PERSON) {
                    /* outside every range: a former holder (ELI), unless the
                       text gives the person a current title ("Vice Foreign
                       Minister Xie Feng"): then the composed code */
                    const uint32_t ce = s_iso_ent(db, e->country);
                    const char *cc =
                        ce != WT_A_NONE && db->ents[ce].code ? db->ents[ce].code : e->country;
                    const wt_aagent_t *ag = a->agent != WT_A_NONE ? &db->agents[a->agent] : NULL;
                    if (ag && ag->person)
                        snprintf(cbuf, sizeof cbuf, "%s%s", ag->prefix ? ag->code : cc,
                                 ag->prefix ? cc : ag->code);
                    else
                        snprintf(cbuf, sizeof cbuf, "%sELI", cc);
                    code = cbuf;
                }
            }
            o->code = code ? wt_strdup(code) : NULL;
            if (role)
                o->role = wt_strdup(role);
            else if (a->agent != WT_A_NONE && e->type == WT_ACTOR_PERSON)
                o->role = s_role(ctx, a);
        } else {
            const s_mention_t *nm = &ctx->m[a->name_m];
            o->name = s_slice(ctx, nm->b0, nm->b1);
            o->type = (wt_actor_type_t)a->type;
            uint32_t ce = a->cent != WT_A_NONE ? a->cent : dom;
            if (ce != WT_A_NONE) memcpy(o->country, db->ents[ce].country, 4);
            if (a->agent != WT_A_NONE) {
                const wt_aagent_t *ag = &db->agents[a->agent];
                o->role = s_role(ctx, a);
                if (a->cent != WT_A_NONE) {
                    const char *cc =
                        db->ents[a->cent].code ? db->ents[a->cent].code : db->ents[a->cent].country;
                    snprintf(cbuf, sizeof cbuf, "%s%s", ag->prefix ? ag->code : cc,
                             ag->prefix ? cc : ag->code);
                    o->code = wt_strdup(cbuf);
                }
            } else if (a->cent != WT_A_NONE && a->ctx_country && db->ents[a->cent].code) {
                o->code = wt_strdup(db->ents[a->cent].code);
            }
            /* id: slug of the name, unique within the item */
            char slug[96];
            s_slug(o->name, slug, sizeof slug - 8);
            if (!slug[0]) snprintf(slug, sizeof slug, "actor");
            /* the id's hash is kept for the put below: hashing and
               formatting per actor showed in profiles */
            char id[112];
            size_t n = strlen(slug);
            memcpy(id, slug, n + 1);
            idh = wt_text_hash(id, n);
            for (int k = 2; wt_hmap_get(&ctx->acros, idh) != WT_A_NONE; k++) {
                n = (size_t)snprintf(id, sizeof id, "%s_%d", slug, k);
                idh = wt_text_hash(id, n);
            }
            o->id = wt_strndup(id, n);
        }
        if (!idh) idh = wt_text_hash(o->id, strlen(o->id));
        wt_hmap_put(&ctx->acros, idh, 1);
        /* salience: mentions and position */
        double cnt = a->count >= 6 ? 1.0 : a->count / 6.0;
        double pos = in->doc->len ? 1.0 - (double)a->first_b / (double)in->doc->len : 0.0;
        double s = 0.6 * cnt + 0.4 * pos;
        o->salience = s < 0 ? 0 : s > 1 ? 1 : s;
    }
    /* mentions in text order (the mention array is); first_b now holds the
       actor's output index */
    for (size_t x = 0; x < no; x++)
        ctx->a[ctx->order[x]].first_b = (uint32_t)x;
    for (size_t i = 0; i < ctx->nm; i++) {
        const s_mention_t *m = &ctx->m[i];
        if (m->actor < 0 || ctx->a[m->actor].dead) continue;
        wt_actor_t *o = &res->actors[base + ctx->a[m->actor].first_b];
        if (o->mention_count && o->mentions[o->mention_count - 1].start == m->b0) continue;
        wt_actor_add_mention(o, m->b0, m->b1);
    }
}

/* ---------------------------------------------------------------- public */

wt_actors_ctx_t *wt_actors_ctx_new(const wt_actordb_t *db)
{
    wt_actors_ctx_t *ctx = wt_calloc(1, sizeof *ctx);
    ctx->db = db;
    wt_hmap_init(&ctx->lower, 256);
    wt_hmap_init(&ctx->ent2a, 64);
    wt_hmap_init(&ctx->groups, 64);
    wt_hmap_init(&ctx->shorts, 64);
    wt_hmap_init(&ctx->acros, 16);
    wt_hmap_init(&ctx->parts, 16);
    wt_hmap_init(&ctx->inplay, 16);
    wt_hmap_init(&ctx->counts, 16);
    ctx->h_of = wt_text_hash("of", 2);
    ctx->h_copy = wt_text_hash("copyright", 9);
    ctx->h_to = wt_text_hash("to", 2);
    ctx->h_in = wt_text_hash("in", 2);
    ctx->h_and = wt_text_hash("and", 3);
    ctx->h_amp = wt_text_hash("&", 1);
    ctx->h_he = wt_text_hash("he", 2);
    ctx->h_she = wt_text_hash("she", 3);
    return ctx;
}

void wt_actors_ctx_destroy(wt_actors_ctx_t **self_p)
{
    if (!self_p || !*self_p) return;
    wt_actors_ctx_t *ctx = *self_p;
    free(ctx->m);
    free(ctx->a);
    free(ctx->order);
    free(ctx->tc);
    wt_hmap_free(&ctx->lower);
    wt_hmap_free(&ctx->placec);
    wt_hmap_free(&ctx->named);
    wt_hmap_free(&ctx->ent2a);
    wt_hmap_free(&ctx->groups);
    wt_hmap_free(&ctx->shorts);
    wt_hmap_free(&ctx->acros);
    wt_hmap_free(&ctx->parts);
    wt_hmap_free(&ctx->inplay);
    wt_hmap_free(&ctx->counts);
    free(ctx);
    *self_p = NULL;
}

void wt_actors_tag(wt_actors_ctx_t *ctx, const wt_input_t *in, wt_result_t *res)
{
    const wt_doc_t *doc = in->doc;
    ctx->doc = doc;
    ctx->text = doc->text;
    ctx->date = in->date;
    ctx->nm = 0;
    ctx->na = 0;
    if (!ctx->db || doc->ntoks == 0 || ctx->db->nnodes == 0) return;
    s_map_reset(&ctx->lower, doc->ntoks / 4 + 16);
    ctx->has_credit = false;
    wt_grow(&ctx->tc, &ctx->cap_tc, doc->ntoks, sizeof *ctx->tc);
    for (size_t i = 0; i < doc->ntoks; i++) {
        const wt_token_t *t = &doc->toks[i];
        s_tokinfo_t *ti = &ctx->tc[i];
        if (t->hash == ctx->h_copy ||
            (wt_tok_len(t) == 2 && memcmp(doc->text + t->start, "\xc2\xa9", 2) == 0))
            ctx->has_credit = true;
        ti->root = wt_adb_root_child(ctx->db, t->hash);
        ti->root_alt = 0;
        ti->alt_len = 0;
        if ((t->flags & WT_TF_HYPHEN) && s_hyphen_modifier(ctx, (uint32_t)i, false)) {
            const char *h = memchr(doc->text + t->start, '-', wt_tok_len(t));
            ti->alt_len = (uint16_t)(h - (doc->text + t->start));
            ti->alt = wt_text_hash(doc->text + t->start, ti->alt_len);
            if (ti->root == WT_A_NONE && ti->alt_len) {
                ti->root = wt_adb_root_child(ctx->db, ti->alt);
                ti->root_alt = ti->root != WT_A_NONE;
            }
        }
        if (ti->root != WT_A_NONE) ti->memo[0] = ti->memo[1] = ti->memo[2] = S_MEMO_UNSET;
        ti->cls = wt_names_class(t->hash);
        /* function words are tested through their class instead */
        if (t->kind == WT_TOK_WORD && (t->flags & WT_TF_LOWER) && !(ti->cls & WT_W_FUNC))
            wt_hmap_put(&ctx->lower, t->hash, 1);
    }
    s_map_reset(&ctx->placec, 16);
    s_map_reset(&ctx->named, 16);
    s_scan(ctx, in);
    s_map_reset(&ctx->ent2a, 64);
    s_map_reset(&ctx->groups, ctx->nm / 2 + 16);
    s_map_reset(&ctx->shorts, ctx->nm / 2 + 16);
    s_map_reset(&ctx->acros, 16);
    s_map_reset(&ctx->parts, 16);
    s_map_reset(&ctx->inplay, 16);
    s_map_reset(&ctx->counts, ctx->nm / 4 + 16);
    s_resolve(ctx);
    s_output(ctx, in, res);
}
