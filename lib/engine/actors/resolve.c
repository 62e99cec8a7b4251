/*  resolve.c: pass 2 of the actors stage: mentions grouped into actors.
    Dictionary entities by id, unknown names by their token sequence;
    countries in play; weak groups dropped. Short forms and acronyms are
    coref.c's, which builds on the actors made here.
*/
#include "tag_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- pass 2 */

uint32_t wt_act_actor_new(wt_actors_ctx_t *ctx, uint32_t ent, uint8_t type)
{
    wt_grow(&ctx->a, &ctx->cap_a, ctx->na + 1, sizeof *ctx->a);
    wt_act_actor_t *a = &ctx->a[ctx->na];
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

void wt_act_attach(wt_actors_ctx_t *ctx, size_t mi, uint32_t ai)
{
    wt_act_mention_t *m = &ctx->m[mi];
    wt_act_actor_t *a = &ctx->a[ai];
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

uint32_t wt_act_ent_actor(wt_actors_ctx_t *ctx, uint32_t ent)
{
    uint32_t ai = wt_hmap_get(&ctx->ent2a, ent);
    if (ai == WT_A_NONE) {
        ai = wt_act_actor_new(ctx, ent, ctx->db->ents[ent].type);
        wt_hmap_put(&ctx->ent2a, ent, ai);
    }
    return ai;
}

/* A one-word country that is the surname of a person in play ("Michael
   Jordan" ... "Jordan said") is that person. */
static void s_country_surnames(wt_actors_ctx_t *ctx)
{
    const wt_actordb_t *db = ctx->db;
    const wt_doc_t *doc = ctx->doc;
    for (size_t i = 0; i < ctx->nm; i++) {
        const wt_act_mention_t *m = &ctx->m[i];
        if (m->utype == UT_PERSON && m->t1 - m->t0 >= 2)
            wt_hmap_put(&ctx->parts, doc->toks[m->t1 - 1].hash, 1);
    }
    for (size_t i = 0; ctx->parts.n && i < ctx->nm; i++) {
        wt_act_mention_t *m = &ctx->m[i];
        if (m->utype == UT_KNOWN && m->t1 - m->t0 == 1 && m->form == WT_AF_NAME &&
            db->ents[m->ent].type == WT_ACTOR_COUNTRY &&
            wt_hmap_get(&ctx->parts, m->key) != WT_A_NONE) {
            m->utype = UT_SINGLE;
            m->ent = WT_A_NONE;
        }
    }
}

/* Known entities and full unknown names. */
static void s_full_names(wt_actors_ctx_t *ctx)
{
    for (size_t i = 0; i < ctx->nm; i++) {
        wt_act_mention_t *m = &ctx->m[i];
        if (m->utype == UT_KNOWN) {
            if (m->form == WT_AF_CAPITAL && (m->flags & MF_LOCPREP)) continue; /* decided below */
            wt_act_attach(ctx, i, wt_act_ent_actor(ctx, m->ent));
        } else if (m->utype == UT_PERSON || m->utype == UT_ORG) {
            uint32_t ai = wt_hmap_get(&ctx->groups, m->key);
            if (ai == WT_A_NONE) {
                ai = wt_act_actor_new(ctx, WT_A_NONE,
                                      m->utype == UT_ORG ? WT_ACTOR_ORGANIZATION : WT_ACTOR_PERSON);
                ctx->a[ai].ntok = (uint8_t)(m->t1 - m->t0 > 255 ? 255 : m->t1 - m->t0);
                wt_hmap_put(&ctx->groups, m->key, ai);
            }
            if (m->utype == UT_ORG) ctx->a[ai].type = WT_ACTOR_ORGANIZATION;
            wt_act_attach(ctx, i, ai);
        }
    }
}

/* A party's acronym (DPP, PP, NDP) names parties of many countries: one
   whose country the text never names, while it names others, is not that
   party. */
static void s_party_acronyms(wt_actors_ctx_t *ctx)
{
    const wt_actordb_t *db = ctx->db;
    const wt_doc_t *doc = ctx->doc;
    for (size_t ai = 0; ctx->named.n && ai < ctx->na; ai++) {
        wt_act_actor_t *a = &ctx->a[ai];
        if (a->ent == WT_A_NONE || !a->count || a->dead) continue;
        const wt_aentity_t *e = &db->ents[a->ent];
        uint32_t ce = wt_act_iso_ent(db, e->country);
        if (e->type != WT_ACTOR_ORGANIZATION || ce == WT_A_NONE || !wt_act_party(e) ||
            wt_hmap_get(&ctx->named, ce) != WT_A_NONE)
            continue;
        bool acro = true;
        for (size_t i = 0; i < ctx->nm && acro; i++)
            if (ctx->m[i].actor == (int32_t)ai)
                acro = ctx->m[i].t1 - ctx->m[i].t0 == 1 &&
                       (doc->toks[ctx->m[i].t0].flags & WT_TF_ALLCAP);
        if (acro) a->dead = 1;
    }
}

/* Countries in play; how often each single word occurs. */
static void s_inplay(wt_actors_ctx_t *ctx)
{
    const wt_actordb_t *db = ctx->db;
    for (size_t ai = 0; ai < ctx->na; ai++) {
        const wt_act_actor_t *a = &ctx->a[ai];
        if (a->ent == WT_A_NONE || !a->count || a->dead) continue;
        uint32_t ce = db->ents[a->ent].type == WT_ACTOR_COUNTRY
                          ? a->ent
                          : wt_act_iso_ent(db, db->ents[a->ent].country);
        if (ce != WT_A_NONE) wt_hmap_put(&ctx->inplay, ce, 1);
    }
    for (size_t i = 0; i < ctx->nm; i++) {
        const wt_act_mention_t *m = &ctx->m[i];
        if (m->utype != UT_SINGLE || m->actor >= 0) continue;
        uint32_t c = wt_hmap_get(&ctx->counts, m->key);
        wt_hmap_put(&ctx->counts, m->key, c == WT_A_NONE ? 1 : c + 1);
    }
}

/* Capitals after "in"/"from": only when their country is in play. */
static void s_capitals(wt_actors_ctx_t *ctx)
{
    for (size_t i = 0; i < ctx->nm; i++) {
        wt_act_mention_t *m = &ctx->m[i];
        if (m->utype == UT_KNOWN && m->actor < 0) {
            uint32_t ai = wt_hmap_get(&ctx->ent2a, m->ent);
            if (ai != WT_A_NONE) wt_act_attach(ctx, i, ai);
        }
    }
}

/* Weak groups (headline-only, after a location preposition only), and
   capitalised word pairs with no sign of being a person's name whose
   words the item also writes in lower case ("Social Security") */
static void s_weak_groups(wt_actors_ctx_t *ctx)
{
    const wt_doc_t *doc = ctx->doc;
    for (size_t ai = 0; ai < ctx->na; ai++) {
        wt_act_actor_t *a = &ctx->a[ai];
        if (a->ent != WT_A_NONE) continue;
        if (a->only_weak) a->dead = 1;
        /* one word that only "said" something, never with a title, an
           honorific or "he/she", and whose full name the article never gives:
           a company or agency ("Pfizer said") rather than a person */
        if (a->ntok == 1 && a->type == WT_ACTOR_PERSON && !a->personal)
            a->type = WT_ACTOR_ORGANIZATION;
        if (a->dead || a->evidence || a->type != WT_ACTOR_PERSON || a->name_m == WT_A_NONE)
            continue;
        const wt_act_mention_t *m = &ctx->m[a->name_m];
        if (wt_act_is_first(ctx, m->t0)) continue;
        for (uint32_t k = m->t0; k < m->t1; k++) {
            const wt_token_t *t = &doc->toks[k];
            if (t->kind == WT_TOK_WORD && !(t->flags & WT_TF_LOWER) &&
                (wt_hmap_get(&ctx->lower, t->hash) != WT_A_NONE ||
                 (wt_act_cls(ctx, k) & WT_W_FUNC) || wt_act_common_shape(ctx, k)))
                a->dead = 1;
        }
    }
}

/* Dictionary entities and full unknown names become actors (after a
   one-word country that is the surname of a person in play has become
   that person's short form). */
void wt_act_resolve_names(wt_actors_ctx_t *ctx)
{
    s_country_surnames(ctx);
    s_full_names(ctx);
}

/* Parties the text does not place dropped; countries in play and how often
   each unattached single word occurs, for wt_act_coref_singles(). */
void wt_act_resolve_play(wt_actors_ctx_t *ctx)
{
    s_party_acronyms(ctx);
    s_inplay(ctx);
}

/* Capitals after "in" attached when their country is in play; weak groups
   and capitalised common words dropped. */
void wt_act_resolve_finish(wt_actors_ctx_t *ctx)
{
    s_capitals(ctx);
    s_weak_groups(ctx);
}
