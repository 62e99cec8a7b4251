/*  coref.c: coreference of the actors stage (pass 2, with resolve.c).

    Short forms of the persons in play (surname, given name, family name
    first, several-word suffixes such as "Suu Kyi", the dictionary's short
    names), unknown persons merged into the longer name they shorten,
    acronyms defined in brackets, and single capitalised words attached to
    the one actor they fit (or to a dictionary person whose country is in
    play); a short form two people share stays unattached.
*/
#include "tag_int.h"

#include <stdlib.h>
#include <string.h>

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
            k = wt_adb_key_mix(k, h[i]);
        s_short_put(ctx, k, ai);
    }
}

static bool s_is_east_asian_ent(const wt_actordb_t *db, uint32_t cent)
{
    return cent != WT_A_NONE && db->ents[cent].east_asian;
}

/* Short forms of the persons in play. */
static void s_person_shorts(wt_actors_ctx_t *ctx)
{
    const wt_actordb_t *db = ctx->db;
    const wt_doc_t *doc = ctx->doc;
    uint32_t hb[WT_A_MAX_NAME_TOKS];
    for (size_t ai = 0; ai < ctx->na; ai++) {
        wt_act_actor_t *a = &ctx->a[ai];
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
        const wt_act_mention_t *m = &ctx->m[a->name_m];
        int n = 0;
        for (uint32_t k = m->t0; k < m->t1 && n < WT_A_MAX_NAME_TOKS; k++)
            if (doc->toks[k].kind == WT_TOK_WORD) hb[n++] = doc->toks[k].hash;
        uint32_t unpref = s_unprefixed(ctx, &doc->toks[m->t1 - 1]);
        s_short_forms(ctx, (uint32_t)ai, hb, n, s_is_east_asian_ent(db, a->cent), unpref);
    }
}

/* Unknown persons that are the short form of a longer one: merge. */
static void s_merge_shorts(wt_actors_ctx_t *ctx)
{
    const wt_actordb_t *db = ctx->db;
    bool any = false;
    for (size_t ai = 0; ai < ctx->na; ai++) {
        wt_act_actor_t *a = &ctx->a[ai];
        a->to = WT_A_NONE;
        if (a->ent != WT_A_NONE || a->type != WT_ACTOR_PERSON || a->name_m == WT_A_NONE) continue;
        uint32_t key = ctx->m[a->name_m].key;
        uint32_t to = wt_hmap_get(&ctx->shorts, key);
        if (to == WT_A_NONE && a->ntok >= 2) {
            /* a dictionary short name of several words ("Le Pen", "López
               Obrador") with the person's country in the article */
            uint32_t e = wt_hmap_get(&db->surnames, key);
            if (e != WT_A_NONE && e != WT_A_AMBIG) {
                uint32_t ce = wt_act_iso_ent(db, db->ents[e].country);
                if (ce != WT_A_NONE && wt_hmap_get(&ctx->ent2a, ce) != WT_A_NONE)
                    to = wt_act_ent_actor(ctx, e);
                a = &ctx->a[ai]; /* the actor array may have moved */
            }
        }
        if (to == WT_A_NONE || to == WT_A_AMBIG || to == ai || ctx->a[to].to != WT_A_NONE) continue;
        wt_act_actor_t *b = &ctx->a[to];
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
        wt_act_mention_t *m = &ctx->m[i];
        if (m->actor >= 0 && ctx->a[m->actor].to != WT_A_NONE) {
            uint32_t to = ctx->a[m->actor].to;
            uint32_t nm = ctx->a[to].name_m;
            m->actor = -1;
            wt_act_attach(ctx, i, to);
            ctx->a[to].name_m = nm; /* keep the longer name */
        }
    }
}

/* Acronyms defined in brackets. */
static void s_acronyms(wt_actors_ctx_t *ctx)
{
    for (size_t i = 0; i < ctx->nm; i++) {
        wt_act_mention_t *m = &ctx->m[i];
        if ((m->flags & MF_ACRO) && m->link != WT_A_NONE && ctx->m[m->link].actor >= 0) {
            uint32_t ai = (uint32_t)ctx->m[m->link].actor;
            wt_act_attach(ctx, i, ai);
            if (wt_hmap_get(&ctx->acros, m->key) == WT_A_NONE) wt_hmap_put(&ctx->acros, m->key, ai);
        }
    }
}

/* Single capitalised words: the actor they name (an acronym, a short form,
   a dictionary surname whose country is in play), or a new actor when a
   title, honorific, appositive or speech verb says so. */
static void s_single_words(wt_actors_ctx_t *ctx)
{
    const wt_actordb_t *db = ctx->db;
    for (size_t i = 0; i < ctx->nm; i++) {
        wt_act_mention_t *m = &ctx->m[i];
        if (m->utype != UT_SINGLE || m->actor >= 0) continue;
        uint32_t ai = wt_hmap_get(&ctx->acros, m->key);
        if (ai == WT_A_NONE && !(m->flags & MF_ALLCAP)) {
            ai = wt_hmap_get(&ctx->shorts, m->key);
            if (ai == WT_A_AMBIG) continue; /* two people in play share it */
        }
        if (ai == WT_A_NONE && !(m->flags & MF_ALLCAP) &&
            wt_hmap_get(&ctx->lower, m->key) == WT_A_NONE) {
            uint32_t e = wt_hmap_get(&db->surnames, m->key);
            if (e != WT_A_NONE && e != WT_A_AMBIG && !(wt_act_cls(ctx, m->t0) & WT_W_FUNC) &&
                (!(m->flags & MF_SSTART) || (m->flags & (MF_HON | MF_AGENT | MF_SAID)))) {
                /* only when the person's country is in the article ("Officer
                   Tusk" in a story without Poland is someone else) */
                uint32_t ce = wt_act_iso_ent(db, db->ents[e].country);
                uint32_t cnt = wt_hmap_get(&ctx->counts, m->key);
                if ((ce != WT_A_NONE && wt_hmap_get(&ctx->inplay, ce) != WT_A_NONE) ||
                    (cnt != WT_A_NONE && cnt >= 2 && !(m->flags & MF_HON)))
                    ai = wt_act_ent_actor(ctx, e);
            }
        }
        bool after_prep = false;
        if (m->t0 > 0) {
            after_prep = (wt_act_cls(ctx, m->t0 - 1) & (WT_W_CONNECT | WT_W_LOCPREP)) != 0;
        }
        /* a word of a name in play that fits no one person: left alone */
        bool part = wt_hmap_get(&ctx->parts, m->key) != WT_A_NONE;
        if (ai == WT_A_NONE && !part && !(m->flags & (MF_GLUED | MF_HEAD | MF_THE)) &&
            !after_prep && !wt_act_starts_agent(ctx, m->t0) && !wt_act_common_shape(ctx, m->t0) &&
            ((m->flags & (MF_HON | MF_APPOS)) ||
             ((m->flags & MF_AGENT) && db->agents[m->agent].person) ||
             ((m->flags & MF_SAID) && !(m->flags & MF_LOCPREP)) || (m->flags & MF_ORGCTX))) {
            ai = wt_hmap_get(&ctx->groups, m->key);
            if (ai == WT_A_NONE) {
                ai = wt_act_actor_new(ctx, WT_A_NONE,
                                      (m->flags & MF_ALLCAP) ? WT_ACTOR_ORGANIZATION
                                                             : WT_ACTOR_PERSON);
                ctx->a[ai].ntok = 1;
                wt_hmap_put(&ctx->groups, m->key, ai);
            }
        }
        if (ai == WT_A_NONE) continue;
        wt_act_attach(ctx, i, ai);
        if (ctx->a[ai].name_m == WT_A_NONE && ctx->a[ai].ent == WT_A_NONE)
            ctx->a[ai].name_m = (uint32_t)i;
    }
}

/* Short forms of the persons in play, unknown persons merged into the
   longer name they shorten, acronyms defined in brackets. */
void wt_act_coref_names(wt_actors_ctx_t *ctx)
{
    s_person_shorts(ctx);
    s_merge_shorts(ctx);
    s_acronyms(ctx);
}

/* Single capitalised words attached to the actor they name. */
void wt_act_coref_singles(wt_actors_ctx_t *ctx)
{
    s_single_words(ctx);
}
