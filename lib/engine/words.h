/*  words.h: the engine's word table. Every stage asks questions of each
    token by its hash (wt_token_t.hash): the actors stage for the first-word
    node of its trie and its built-in word class, the quotes stage for its
    lexicon entry, the issues stage for the form of a phrase word. Asked
    stage by stage, that is three or four probes of tables in different
    places of memory per token. The word table holds every hash some stage
    knows with all the answers side by side, built once per engine from the
    stages' own lookups (so the answers are theirs); the engine probes it
    once per token and hands the stages the per-token entry.

    Read-only once built: shared by threads like the stage databases.
*/
#ifndef WT_ENGINE_WORDS_H
#define WT_ENGINE_WORDS_H

#include "engine/stages.h"

#include <stddef.h>
#include <stdint.h>

/* The answers for one hash. A hash no stage knows gets wt_words_none. */
struct wt_word {
    uint32_t h;
    uint32_t aroot; /* actors: child of the trie root (wt_adb_root_child), UINT32_MAX none */
    uint32_t acls;  /* actors: built-in word classes (wt_names_class) */
    uint32_t qlex;  /* quotes: 1 + index of the lexicon entry, 0 none */
    int32_t ivid;   /* issues: the one form with this hash, -1 none, -2 several (ask
                       the forms table) */
    uint8_t ilen;   /* issues: that form's length in bytes (0 when over 255) */
    uint8_t used;
    uint16_t pad;
    uint64_t ipre; /* issues: that form's first 8 bytes, zero-padded (native order) */
};

extern const wt_word_t wt_words_none;

typedef struct wt_words wt_words_t;

wt_words_t *wt_words_new(const wt_actordb_t *actors, const wt_issuedb_t *issues,
                         const wt_quotedb_t *quotes);
void wt_words_destroy(wt_words_t **self_p);
size_t wt_words_count(const wt_words_t *self);
/* The entry of hash h (wt_words_none when no stage knows it). */
const wt_word_t *wt_words_get(const wt_words_t *self, uint32_t h);
/* out[i] = the entry of token i of doc (out holds doc->ntoks). */
void wt_words_doc(const wt_words_t *self, const wt_doc_t *doc, const wt_word_t **out);

#endif
