/*  tag_int.h: the tagging context shared by the passes of the actors stage
    (actors.c, match.c, caprun.c, scan.c, resolve.c, coref.c, output.c). Internal:
    the public face is wiretag/ and engine/stages.h. The stage only reads
    the database (actors_internal.h); it never writes into it.
*/
#ifndef WT_ACTORS_TAG_INT_H
#define WT_ACTORS_TAG_INT_H

#include "actors_internal.h"

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
} wt_act_mention_t;

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
} wt_act_actor_t;

#define WT_ACT_MEMO_UNSET (UINT32_MAX - 2)

typedef struct {
    uint32_t root;    /* trie node after this token from the root, or WT_A_NONE */
    uint32_t cls;     /* wt_names_class() of the token */
    uint32_t memo[3]; /* longest match (payload index) for 3 filters, or WT_A_NONE */
    uint8_t mlen[3];
    uint8_t root_alt; /* root comes from the part before "-led" ... (alt) */
    uint16_t alt_len; /* "Kremlin-backed": bytes of the part before the hyphen, 0 = none */
    uint32_t alt;     /* hash of that part */
} wt_act_tok_t;

struct wt_actors_ctx {
    const wt_actordb_t *db;
    wt_act_mention_t *m;
    size_t nm, cap_m;
    wt_act_actor_t *a;
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
    wt_act_tok_t *tc; /* per token: trie child of the root, word class */
    size_t cap_tc;
    uint32_t h_of, h_to, h_in, h_and, h_amp, h_he, h_she, h_copy;
    bool has_credit; /* the item holds "Copyright" or "©" */
    /* the current item */
    const wt_doc_t *doc;
    const char *text;
    int date;
};

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
} wt_act_run_t;

/* match.c */
bool wt_act_blank_before(const wt_actors_ctx_t *ctx, uint32_t j);
bool wt_act_common_shape(const wt_actors_ctx_t *ctx, uint32_t i);
uint32_t wt_act_country_at(const wt_actors_ctx_t *ctx, uint32_t i, uint32_t *len);
bool wt_act_credit_line(const wt_actors_ctx_t *ctx, uint32_t i);
bool wt_act_glued_words(const wt_actors_ctx_t *ctx, uint32_t i);
bool wt_act_hyphen_modifier(const wt_actors_ctx_t *ctx, uint32_t i, bool born);
bool wt_act_inflected(const wt_actors_ctx_t *ctx, uint32_t i);
bool wt_act_is_first(const wt_actors_ctx_t *ctx, uint32_t i);
uint32_t wt_act_iso_ent(const wt_actordb_t *db, const char *iso);
void wt_act_match_fill(const wt_actors_ctx_t *ctx, uint32_t i, int slot, int only_form);
const wt_apayload_t *wt_act_match_raw(const wt_actors_ctx_t *ctx, uint32_t i, uint32_t *len,
                                      int only_form);
bool wt_act_ordinal(const wt_actors_ctx_t *ctx, uint32_t i);
bool wt_act_party(const wt_aentity_t *e);
uint32_t wt_act_place_at(const wt_actors_ctx_t *ctx, uint32_t i, uint32_t end, uint32_t *len);
bool wt_act_pos_cap(const wt_actors_ctx_t *ctx, uint32_t i);
bool wt_act_prefixed_name(const wt_actors_ctx_t *ctx, const wt_token_t *t);
bool wt_act_quoted_title(const wt_actors_ctx_t *ctx, uint32_t t0, uint32_t t1);
bool wt_act_starts_agent(const wt_actors_ctx_t *ctx, uint32_t i);
bool wt_act_suffixed(const wt_actors_ctx_t *ctx, uint32_t i, const char *suffix);

/* caprun.c */
bool wt_act_agent_in_org(const wt_actors_ctx_t *ctx, uint32_t j);
void wt_act_caprun(const wt_actors_ctx_t *ctx, uint32_t i, wt_act_run_t *r);
bool wt_act_starts_name(const wt_actors_ctx_t *ctx, uint32_t j);
bool wt_act_weak_person(const wt_actors_ctx_t *ctx, const wt_apayload_t *p, uint32_t i);

/* scan.c */
void wt_act_scan(wt_actors_ctx_t *ctx, const wt_input_t *in);

/* resolve.c */
uint32_t wt_act_actor_new(wt_actors_ctx_t *ctx, uint32_t ent, uint8_t type);
void wt_act_attach(wt_actors_ctx_t *ctx, size_t mi, uint32_t ai);
uint32_t wt_act_ent_actor(wt_actors_ctx_t *ctx, uint32_t ent);
void wt_act_resolve_names(wt_actors_ctx_t *ctx);
void wt_act_resolve_play(wt_actors_ctx_t *ctx);
void wt_act_resolve_finish(wt_actors_ctx_t *ctx);

/* coref.c */
void wt_act_coref_names(wt_actors_ctx_t *ctx);
void wt_act_coref_singles(wt_actors_ctx_t *ctx);

/* output.c */
void wt_act_output(wt_actors_ctx_t *ctx, const wt_input_t *in, wt_result_t *res);

static inline unsigned wt_act_cls(const wt_actors_ctx_t *ctx, uint32_t i)
{
    return ctx->tc[i].cls;
}

/* Dictionary match at token i (see wt_act_match_raw()), memoised per token for
   the three filters the engine asks again and again (any, agents,
   countries). Asked for nearly every token: the tests for "no phrase starts
   here" and "already known" are inlined at the call sites, only the first
   walk of the trie per token and filter pays for a call. */
static inline const wt_apayload_t *wt_act_match(const wt_actors_ctx_t *ctx, uint32_t i,
                                                uint32_t *len, int only_form)
{
    if (i >= ctx->doc->ntoks || ctx->tc[i].root == WT_A_NONE) return NULL;
    int slot = only_form == -1 ? 0 : only_form == WT_AF_AGENT ? 1 : only_form == -2 ? 2 : -1;
    if (slot < 0) return wt_act_match_raw(ctx, i, len, only_form);
    const wt_act_tok_t *ti = &ctx->tc[i];
    if (ti->memo[slot] == WT_ACT_MEMO_UNSET) wt_act_match_fill(ctx, i, slot, only_form);
    if (ti->memo[slot] == WT_A_NONE) return NULL;
    *len = ti->mlen[slot];
    return &ctx->db->pays[ti->memo[slot]];
}

/* A capitalised word that can be part of a name. Asked several times per
   token, hence inline. */
static inline bool wt_act_name_tok(const wt_actors_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = &ctx->doc->toks[i];
    if (t->kind != WT_TOK_WORD) return false;
    if (t->flags & (WT_TF_CAP | WT_TF_ALLCAP | WT_TF_INITIAL)) {
        if (t->flags & WT_TF_DIGIT) return false;
        return !(wt_act_cls(ctx, i) & (WT_W_STOP | WT_W_CLOSED));
    }
    return (t->flags & WT_TF_HYPHEN) && wt_act_prefixed_name(ctx, t);
}

#endif
