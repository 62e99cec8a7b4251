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

    The passes live in scan.c (with caprun.c for capitalised runs and
    match.c for dictionary matches and word tests), resolve.c with coref.c,
    and output.c;
    tag_int.h is the context they share. This file owns the context and the
    per-token facts computed once per item.

    Every array lives in the context and is reused: no allocation per token.
*/
#include "tag_int.h"
#include "engine/words.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- public */

/* The hashes the per-token loop of wt_actors_tag() looks up: first words of
   the trie and words with a built-in class (words.c). */
void wt_actors_words(const wt_actordb_t *db, wt_word_fn fn, void *ud)
{
    for (size_t i = 0; i < db->root_cap; i++)
        if (db->roots[i].child) fn(ud, db->roots[i].h);
    wt_names_each(fn, ud);
}

void wt_actors_word(const wt_actordb_t *db, uint32_t h, uint32_t *root, uint32_t *cls)
{
    *root = db->rootbits && db->root_cap ? wt_adb_root_child(db, h) : WT_A_NONE;
    *cls = wt_names_class(h);
}

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
    wt_hmap_reset(&ctx->lower, doc->ntoks / 4 + 16);
    ctx->has_credit = false;
    wt_grow(&ctx->tc, &ctx->cap_tc, doc->ntoks, sizeof *ctx->tc);
    for (size_t i = 0; i < doc->ntoks; i++) {
        const wt_token_t *t = &doc->toks[i];
        wt_act_tok_t *ti = &ctx->tc[i];
        if (t->hash == ctx->h_copy ||
            (wt_tok_len(t) == 2 && memcmp(doc->text + t->start, "\xc2\xa9", 2) == 0))
            ctx->has_credit = true;
        const wt_word_t *w = in->words ? in->words[i] : NULL;
        ti->root = w ? w->aroot : wt_adb_root_child(ctx->db, t->hash);
        ti->root_alt = 0;
        ti->alt_len = 0;
        if ((t->flags & WT_TF_HYPHEN) && wt_act_hyphen_modifier(ctx, (uint32_t)i, false)) {
            const char *h = memchr(doc->text + t->start, '-', wt_tok_len(t));
            ti->alt_len = (uint16_t)(h - (doc->text + t->start));
            ti->alt = wt_text_hash(doc->text + t->start, ti->alt_len);
            if (ti->root == WT_A_NONE && ti->alt_len) {
                ti->root = wt_adb_root_child(ctx->db, ti->alt);
                ti->root_alt = ti->root != WT_A_NONE;
            }
        }
        if (ti->root != WT_A_NONE) ti->memo[0] = ti->memo[1] = ti->memo[2] = WT_ACT_MEMO_UNSET;
        ti->cls = w ? w->acls : wt_names_class(t->hash);
        /* function words are tested through their class instead */
        if (t->kind == WT_TOK_WORD && (t->flags & WT_TF_LOWER) && !(ti->cls & WT_W_FUNC))
            wt_hmap_put(&ctx->lower, t->hash, 1);
    }
    wt_hmap_reset(&ctx->placec, 16);
    wt_hmap_reset(&ctx->named, 16);
    wt_act_scan(ctx, in);
    wt_hmap_reset(&ctx->ent2a, 64);
    wt_hmap_reset(&ctx->groups, ctx->nm / 2 + 16);
    wt_hmap_reset(&ctx->shorts, ctx->nm / 2 + 16);
    wt_hmap_reset(&ctx->acros, 16);
    wt_hmap_reset(&ctx->parts, 16);
    wt_hmap_reset(&ctx->inplay, 16);
    wt_hmap_reset(&ctx->counts, ctx->nm / 4 + 16);
    wt_act_resolve_names(ctx);
    wt_act_coref_names(ctx);
    wt_act_resolve_play(ctx);
    wt_act_coref_singles(ctx);
    wt_act_resolve_finish(ctx);
    wt_act_output(ctx, in, res);
}
