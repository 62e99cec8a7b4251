/*  caprun.c: capitalised runs (actors stage, pass 1).

    Where a sequence of capitalised words that may be a name starts and ends
    (titles, honorifics, first names and known names end it; connectors such
    as "of", "and", "the" may sit inside an organisation's name), and what
    its words say: organisation, place or thing head words, capitals,
    initials, a country inside or at its end.
*/
#include "tag_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* True when the agent phrase at j is part of an organisation name
   ("Supreme Court", "National Police Service"): it holds or is followed by
   an organisation head word. */
bool wt_act_agent_in_org(const wt_actors_ctx_t *ctx, uint32_t j)
{
    const wt_doc_t *doc = ctx->doc;
    uint32_t len = 1;
    wt_act_match(ctx, j, &len, WT_AF_AGENT);
    /* the title itself ends in a head word: "Court", "National Police" */
    if (wt_act_cls(ctx, j + len - 1) & WT_W_ORGHEAD) return true;
    /* or a head word follows it: "Police Service" ("Press Secretary" is a title) */
    for (uint32_t k = j + len; k < doc->ntoks && k < j + len + 3 && wt_act_name_tok(ctx, k); k++)
        if (wt_act_cls(ctx, k) & WT_W_ORGHEAD) return true;
    return false;
}

/* The agent phrase at j is followed by a capitalised name ("... San
   Francisco President Mary Daly"). */
static bool s_agent_before_name(const wt_actors_ctx_t *ctx, uint32_t j)
{
    uint32_t len = 0;
    if (!wt_act_match(ctx, j, &len, WT_AF_AGENT)) return false;
    return j + len < ctx->doc->ntoks && wt_act_name_tok(ctx, j + len) &&
           !(ctx->doc->toks[j + len].flags & WT_TF_SENT_START);
}

/* "and" before token j joins two names rather than continuing one: j starts
   a dictionary name, or the words from j hold their own head word ("the
   Senate and the Chamber of Deputies"). */
static bool s_and_splits(const wt_actors_ctx_t *ctx, uint32_t j)
{
    if (wt_act_starts_name(ctx, j)) return true;
    for (uint32_t k = j; k < ctx->doc->ntoks && k < j + 6 && wt_act_name_tok(ctx, k); k++)
        if (wt_act_cls(ctx, k) & (WT_W_ORGHEAD | WT_W_POLITY | WT_W_PLACEHEAD)) return true;
    return false;
}

/* A dictionary name (not an agent) starts at token j. */
bool wt_act_starts_name(const wt_actors_ctx_t *ctx, uint32_t j)
{
    uint32_t len;
    const wt_apayload_t *p = wt_act_match(ctx, j, &len, -1);
    return p && p->form != WT_AF_AGENT;
}

/* A one-word dictionary person that is more likely part of another name:
   followed by a capitalised name word ("Abdullah al-Attiyah") or a common
   first name. */
bool wt_act_weak_person(const wt_actors_ctx_t *ctx, const wt_apayload_t *p, uint32_t i)
{
    if (p->ntok != 1 || p->form != WT_AF_NAME || ctx->db->ents[p->target].type != WT_ACTOR_PERSON)
        return false;
    if (i + 1 < ctx->doc->ntoks && !(ctx->doc->toks[i + 1].flags & WT_TF_SENT_START) &&
        wt_act_name_tok(ctx, i + 1))
        return true;
    return wt_act_is_first(ctx, i);
}

/* Within the next four capitalised words from j (same sentence) there is
   an organisation head word, written with a capital but not in capitals. */
static bool s_org_head_ahead(const wt_actors_ctx_t *ctx, uint32_t j)
{
    const wt_doc_t *doc = ctx->doc;
    for (uint32_t k = j; k < doc->ntoks && k < j + 4; k++) {
        const wt_token_t *t = &doc->toks[k];
        if (t->flags & (WT_TF_SENT_START | WT_TF_PARA_START)) return false;
        if (!wt_act_name_tok(ctx, k)) return false;
        if ((wt_act_cls(ctx, k) & WT_W_ORGHEAD) && !(t->flags & WT_TF_ALLCAP)) return true;
    }
    return false;
}

/* What ends a run at name word j (j > i): letters after a person's name,
   a title, a first name or a known person's name that starts a new name,
   a title word after a modifier. 0: the run goes on; 1: it ends before j;
   2: it ends after j. */
static int s_run_stop(const wt_actors_ctx_t *ctx, uint32_t i, uint32_t j, wt_act_run_t *r,
                      bool head_seen, bool after_conn)
{
    const wt_doc_t *doc = ctx->doc;
    const wt_token_t *t = &doc->toks[j];
    unsigned cls = wt_act_cls(ctx, j);
    if (cls & WT_W_HONORIFIC) return 1;
    /* "Jane Roe KC", "John Doe MP": letters after a person's name */
    if (j >= i + 2 && (cls & WT_W_POSTNOM) && (t->flags & WT_TF_ALLCAP) && r->allcap == 0 &&
        !head_seen) {
        r->postnom = true;
        return 1;
    }
    if (wt_act_starts_agent(ctx, j) && !wt_act_agent_in_org(ctx, j) &&
        !(head_seen && after_conn && !s_agent_before_name(ctx, j))) {
        r->stopped_by_agent = true;
        return 1;
    }
    bool next_name = j + 1 < doc->ntoks && wt_act_name_tok(ctx, j + 1) &&
                     !(doc->toks[j + 1].flags & WT_TF_SENT_START);
    /* "Bank of San Francisco Mary Daly", "Taoiseach Bertie Ahern": a
       first name after other capitalised words starts a person */
    if (next_name && wt_act_is_first(ctx, j) && !(cls & WT_W_ORGHEAD) &&
        !wt_act_is_first(ctx, j - 1) && doc->toks[j - 1].kind == WT_TOK_WORD &&
        !(doc->toks[j - 1].flags & WT_TF_LOWER) && !(doc->toks[j - 1].flags & WT_TF_INITIAL)) {
        r->stopped_by_first = true;
        return 1;
    }
    /* a known person's name inside a run starts a new name */
    if (!head_seen && wt_act_starts_name(ctx, j)) {
        uint32_t len;
        const wt_apayload_t *p = wt_act_match(ctx, j, &len, -1);
        if (p && ctx->db->ents[p->target].type == WT_ACTOR_PERSON &&
            !wt_act_weak_person(ctx, p, j)) {
            r->stopped_by_first = true;
            return 1;
        }
    }
    /* "Foreign Chief Yang Jiechi": a title word ends a title */
    if ((cls & WT_W_MODIFIER) && !head_seen && next_name && !wt_act_is_first(ctx, j)) {
        r->stopped_by_first = true;
        r->words++;
        return 2;
    }
    return 0;
}

/* Name word j joins the run: what its class, shape and dictionary match
   say. True when it is an organisation head word. */
static bool s_run_take(const wt_actors_ctx_t *ctx, uint32_t i, uint32_t j, wt_act_run_t *r)
{
    const wt_token_t *t = &ctx->doc->toks[j];
    unsigned cls = wt_act_cls(ctx, j);
    bool head = false;
    if (t->flags & WT_TF_ALLCAP) cls &= WT_W_ORGHEAD; /* an acronym: "ACT" is not "Act" */
    if (cls & WT_W_ORGHEAD) r->org_head = (int32_t)j, head = true;
    if (cls & WT_W_PLACEHEAD) r->place = true;
    if (cls & WT_W_THINGHEAD) r->thing = true;
    if (cls & WT_W_POLITY) r->polity = true;
    if (cls & WT_W_GROUP) r->demonym = true;                        /* "Sunni Arabs" */
    if (cls & WT_W_DIRECTION) r->place = true, r->direction = true; /* "Palmerston North" */
    if (j == i && (cls & WT_W_PLACEPRE)) r->place = true;           /* "San Francisco" */
    if ((t->flags & WT_TF_INITIAL) || wt_tok_len(t) == 1) r->initials++;
    /* the flag first: strncasecmp() per name word showed in profiles */
    if ((t->flags & WT_TF_HYPHEN) && wt_act_suffixed(ctx, j, "-based")) r->thing = true;
    if (t->flags & WT_TF_ALLCAP) r->allcap++;
    uint32_t l;
    const wt_apayload_t *cp = wt_act_match(ctx, j, &l, -1);
    if (cp && cp->form == WT_AF_ADJ) r->demonym = true;
    if (cp && r->cent == WT_A_NONE && cp->form != WT_AF_AGENT && cp->form != WT_AF_CAPITAL &&
        ctx->db->ents[cp->target].type == WT_ACTOR_COUNTRY)
        r->cent = cp->target;
    r->words++;
    return head;
}

/* How many lower-case words at j the run takes between name words:
   particles ("de", "van"), connectors inside an organisation's name ("of",
   "of the"), "and" before the head word ("Avon and Somerset Police"); 0
   when the run ends at j. *after_conn is set after a connector of an
   organisation's name. */
static uint32_t s_run_connector(const wt_actors_ctx_t *ctx, uint32_t i, uint32_t j,
                                const wt_act_run_t *r, bool head_seen, bool *after_conn)
{
    const wt_doc_t *doc = ctx->doc;
    const wt_token_t *t = &doc->toks[j];
    if (t->kind != WT_TOK_WORD || j <= i || !(t->flags & WT_TF_LOWER)) return 0;
    unsigned cls = wt_act_cls(ctx, j);
    if (j + 1 < doc->ntoks && wt_act_name_tok(ctx, j + 1) &&
        !(doc->toks[j + 1].flags & WT_TF_SENT_START)) {
        if (cls & WT_W_PARTICLE) return 1;
        bool and = t->hash == ctx->h_and || t->hash == ctx->h_amp;
        if ((cls & WT_W_CONNECT) && head_seen && !(and&&s_and_splits(ctx, j + 1))) {
            *after_conn = true;
            return 1;
        }
        /* "Avon and Somerset Police", "Transport and General Workers
           Union": "and" before the head word of the name joins */
        if (and&&!head_seen && r->words <= 2 && !wt_act_starts_name(ctx, j + 1) &&
            s_org_head_ahead(ctx, j + 1))
            return 1;
    }
    if (head_seen && j + 2 < doc->ntoks && (cls & WT_W_CONNECT) && t->hash != ctx->h_and &&
        t->hash != ctx->h_amp && (wt_act_cls(ctx, j + 1) & WT_W_ARTICLE) &&
        wt_act_name_tok(ctx, j + 2)) {
        *after_conn = true;
        return 2;
    }
    return 0;
}

/* The end of the run [i, j): never a title ("... Premier") nor a
   connector ("Chamber of"); whether it ends with a country's name. */
static void s_run_end(const wt_actors_ctx_t *ctx, uint32_t i, uint32_t j, wt_act_run_t *r)
{
    const wt_doc_t *doc = ctx->doc;
    while (j > i + 1 && wt_act_starts_agent(ctx, j - 1) && !(wt_act_cls(ctx, j - 1) & WT_W_ORGHEAD))
        j--;
    while (j > i + 1 && (doc->toks[j - 1].flags & WT_TF_LOWER) && !wt_act_name_tok(ctx, j - 1))
        j--;
    r->end = j;
    for (uint32_t k = i + 1; k < j; k++) {
        uint32_t l = 0;
        if (wt_act_country_at(ctx, k, &l) != WT_A_NONE && k + l == j &&
            !(doc->toks[k - 1].flags & WT_TF_LOWER)) {
            const wt_apayload_t *p = wt_act_match(ctx, k, &l, -2);
            if (p && p->form == WT_AF_NAME) r->country_last = true, r->country_k = k;
        }
    }
}

/* The capitalised run starting at i (a name token). */
void wt_act_caprun(const wt_actors_ctx_t *ctx, uint32_t i, wt_act_run_t *r)
{
    const wt_doc_t *doc = ctx->doc;
    memset(r, 0, sizeof *r);
    r->org_head = -1;
    r->cent = WT_A_NONE;
    uint32_t j = i;
    bool head_seen = false, after_conn = false;
    while (j < doc->ntoks && j - i < 12) {
        const wt_token_t *t = &doc->toks[j];
        /* a name never runs on into the next paragraph (a caption printed twice) */
        if (j > i &&
            ((t->flags & (WT_TF_SENT_START | WT_TF_PARA_START)) || wt_act_blank_before(ctx, j)))
            break;
        if (wt_act_name_tok(ctx, j)) {
            int stop = j > i ? s_run_stop(ctx, i, j, r, head_seen, after_conn) : 0;
            if (stop) {
                j += stop == 2;
                break;
            }
            if (s_run_take(ctx, i, j, r)) head_seen = true;
            j++;
            continue;
        }
        uint32_t n = s_run_connector(ctx, i, j, r, head_seen, &after_conn);
        if (!n) break;
        j += n;
    }
    s_run_end(ctx, i, j, r);
}
