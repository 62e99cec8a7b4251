/*  stages.h: the contract between the engine (engine.c) and its stages.

    Each stage has a read-only database built once per engine (shared by
    threads) and a per-thread context reused between items. The engine calls
    the stages in order on one analysed document:

        actors  -> res->actors (every actor with its mentions)
        issues  -> res->issues
        quotes  -> res->quotes (speakers link to res->actors by id)

    Stage functions never log; load functions report errors through err.
*/
#ifndef WT_STAGES_H
#define WT_STAGES_H

#include "wiretag/config.h"
#include "wiretag/item.h"
#include "wiretag/text.h"

typedef struct wt_word wt_word_t; /* words.h */

/* The document as the stages see it. */
typedef struct {
    const wt_doc_t *doc;
    const wt_word_t *const *words; /* per token of doc: its word-table entry (words.h) */
    const char *published;         /* "YYYY-MM-DD" or NULL */
    int date;                      /* published as YYYYMMDD, or 0 when unknown */
    uint32_t title_end; /* bytes [0, title_end) are the title/headline when known, else 0 */
} wt_input_t;

/* ---- actors (actors.c) ---- */
typedef struct wt_actordb wt_actordb_t;
typedef struct wt_actors_ctx wt_actors_ctx_t;
wt_actordb_t *wt_actordb_new(const wt_config_t *cfg, char *err, size_t errlen);
void wt_actordb_destroy(wt_actordb_t **self_p);
uint64_t wt_actordb_hash(const wt_actordb_t *db); /* content hash for the version string */
size_t wt_actordb_warnings(const wt_actordb_t *db);
wt_actors_ctx_t *wt_actors_ctx_new(const wt_actordb_t *db);
void wt_actors_ctx_destroy(wt_actors_ctx_t **self_p);
void wt_actors_tag(wt_actors_ctx_t *ctx, const wt_input_t *in, wt_result_t *res);

/* ---- issues (issues.c) ---- */
typedef struct wt_issuedb wt_issuedb_t;
typedef struct wt_issues_ctx wt_issues_ctx_t;
wt_issuedb_t *wt_issuedb_new(const wt_config_t *cfg, char *err, size_t errlen);
void wt_issuedb_destroy(wt_issuedb_t **self_p);
uint64_t wt_issuedb_hash(const wt_issuedb_t *db);
size_t wt_issuedb_warnings(const wt_issuedb_t *db); /* skipped PETRARCH issue lines */
wt_issues_ctx_t *wt_issues_ctx_new(const wt_issuedb_t *db);
void wt_issues_ctx_destroy(wt_issues_ctx_t **self_p);
void wt_issues_tag(wt_issues_ctx_t *ctx, const wt_input_t *in, wt_result_t *res);

/* ---- quotes (quotes.c) ---- */
typedef struct wt_quotedb wt_quotedb_t;
typedef struct wt_quotes_ctx wt_quotes_ctx_t;
wt_quotedb_t *wt_quotedb_new(const wt_config_t *cfg, char *err, size_t errlen);
void wt_quotedb_destroy(wt_quotedb_t **self_p);
wt_quotes_ctx_t *wt_quotes_ctx_new(const wt_quotedb_t *db);
void wt_quotes_ctx_destroy(wt_quotes_ctx_t **self_p);
void wt_quotes_tag(wt_quotes_ctx_t *ctx, const wt_input_t *in, wt_result_t *res);

/* ---- the word table (words.c) ----
   Each stage lists every token hash it looks up per token (fn is called for
   each, duplicates allowed) and answers for one hash as its own per-token
   lookup would. */
typedef void (*wt_word_fn)(void *ud, uint32_t h);
void wt_actors_words(const wt_actordb_t *db, wt_word_fn fn, void *ud);
void wt_actors_word(const wt_actordb_t *db, uint32_t h, uint32_t *root, uint32_t *cls);
void wt_issues_words(const wt_issuedb_t *db, wt_word_fn fn, void *ud);
int32_t wt_issues_word(const wt_issuedb_t *db, uint32_t h); /* form with hash h, -1, -2 several */
const char *wt_issues_form(const wt_issuedb_t *db, int32_t f); /* the text of form f */
void wt_quotes_words(const wt_quotedb_t *db, wt_word_fn fn, void *ud);
uint32_t wt_quotes_word(const wt_quotedb_t *db, uint32_t h); /* 1 + lexicon index, or 0 */

#endif
