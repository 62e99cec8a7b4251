/*  output.c: pass 3 of the actors stage: one wt_actor_t per live actor
    in order of first mention, with id, name, type, country (the text's, or
    the item's setting), date-aware CAMEO code and role, salience and
    mentions.
*/
#include "tag_int.h"
#include "wiretag/petrarch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

static char *s_role(wt_actors_ctx_t *ctx, const wt_act_actor_t *a)
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
        const wt_act_actor_t *a = &ctx->a[ai];
        if (a->dead || a->ent == WT_A_NONE || !a->count) continue;
        const wt_aentity_t *e = &db->ents[a->ent];
        uint32_t ce = e->type == WT_ACTOR_COUNTRY ? a->ent : wt_act_iso_ent(db, e->country);
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

void wt_act_output(wt_actors_ctx_t *ctx, const wt_input_t *in, wt_result_t *res)
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
    wt_hmap_reset(&ctx->acros, no + 16); /* now: ids given out */
    for (size_t x = 0; x < no; x++) {
        wt_act_actor_t *a = &ctx->a[ctx->order[x]];
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
                    const uint32_t ce = wt_act_iso_ent(db, e->country);
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
            const wt_act_mention_t *nm = &ctx->m[a->name_m];
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
        const wt_act_mention_t *m = &ctx->m[i];
        if (m->actor < 0 || ctx->a[m->actor].dead) continue;
        wt_actor_t *o = &res->actors[base + ctx->a[m->actor].first_b];
        if (o->mention_count && o->mentions[o->mention_count - 1].start == m->b0) continue;
        wt_actor_add_mention(o, m->b0, m->b1);
    }
}
