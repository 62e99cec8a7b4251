/*  annotate.h: the annotation engine.

    wt_engine_t holds the compiled dictionaries and taxonomies: built once,
    read-only afterwards, shared by any number of threads. wt_annotator_t is
    one thread's scratch space (token arrays, tables), reused from item to
    item. Pipeline: text -> actors -> issues -> quotes.
*/
#ifndef WT_ANNOTATE_H
#define WT_ANNOTATE_H

#include "wiretag/config.h"
#include "wiretag/item.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wt_engine wt_engine_t;
typedef struct wt_annotator wt_annotator_t;

/* Load every dictionary named by cfg. NULL on error, with a reason (file,
   line, what to do) in err. Warnings (defective PETRARCH lines) go to
   stderr, counted in wt_engine_warnings(). */
wt_engine_t *wt_engine_new(const wt_config_t *cfg, char *err, size_t errlen);
void wt_engine_destroy(wt_engine_t **self_p);
/* Version string of the loaded dictionaries ("actors:<hash>;issues:<hash>"). Borrowed. */
const char *wt_engine_dictionaries(const wt_engine_t *self);
size_t wt_engine_warnings(const wt_engine_t *self);

wt_annotator_t *wt_annotator_new(const wt_engine_t *engine);
void wt_annotator_destroy(wt_annotator_t **self_p);

/* Annotate item into res (which must be clear; it gets a copy of the item).
   Never fails on text content; returns 0, or a negative code when the item
   breaks a limit (-WT_ETOOBIG style). */
int wt_annotate(wt_annotator_t *self, const wt_item_t *item, wt_result_t *res);

#ifdef __cplusplus
}
#endif
#endif
