/*  vocab.c: names a filter may use (see include/wiretag/vocab.h). The
    dictionaries are loaded with the engine's own loaders and reduced to
    (name, canonical) pairs; a suggestion is the known value at the
    smallest edit distance, or the one that the value starts. */
#include "wiretag/vocab.h"

#include "engine/stages.h"
#include "engine/actors/actors_internal.h"
#include "engine/issues/issues_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    char *name;  /* as written in the dictionary */
    char *canon; /* what the filter compares with */
} s_pair_t;

typedef struct {
    s_pair_t *v;
    size_t n, cap;
} s_list_t;

struct wt_vocab_t {
    s_list_t lists[4]; /* by wt_vocab_kind_t */
};

static void s_add(s_list_t *l, const char *name, const char *canon)
{
    if (!name || !*name || !canon) return;
    wt_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v);
    l->v[l->n].name = wt_strdup(name);
    l->v[l->n].canon = wt_strdup(canon);
    l->n++;
}

wt_vocab_t *wt_vocab_new(const wt_config_t *cfg, char *err, size_t errlen)
{
    wt_actordb_t *adb = wt_actordb_new(cfg, err, errlen);
    if (!adb) return NULL;
    wt_issuedb_t *idb = wt_issuedb_new(cfg, err, errlen);
    if (!idb) {
        wt_actordb_destroy(&adb);
        return NULL;
    }
    wt_vocab_t *self = wt_calloc(1, sizeof *self);
    for (size_t i = 0; i < adb->nents; i++) {
        const wt_aentity_t *e = &adb->ents[i];
        s_add(&self->lists[WT_VOCAB_ACTOR], e->id, e->id);
        s_add(&self->lists[WT_VOCAB_ACTOR], e->name, e->id);
        if (e->type == WT_ACTOR_COUNTRY && e->country[0]) {
            s_add(&self->lists[WT_VOCAB_COUNTRY], e->country, e->country);
            s_add(&self->lists[WT_VOCAB_COUNTRY], e->name, e->country);
        }
    }
    for (size_t i = 0; i < idb->nissues; i++) {
        s_add(&self->lists[WT_VOCAB_ISSUE], idb->issues[i].id, idb->issues[i].id);
        s_add(&self->lists[WT_VOCAB_ISSUE], idb->issues[i].label, idb->issues[i].id);
    }
    wt_actordb_destroy(&adb);
    wt_issuedb_destroy(&idb);
    return self;
}

void wt_vocab_destroy(wt_vocab_t **self_p)
{
    if (!self_p || !*self_p) return;
    wt_vocab_t *self = *self_p;
    for (int k = 0; k < 4; k++) {
        for (size_t i = 0; i < self->lists[k].n; i++) {
            free(self->lists[k].v[i].name);
            free(self->lists[k].v[i].canon);
        }
        free(self->lists[k].v);
    }
    free(self);
    *self_p = NULL;
}

/* Case-insensitive edit distance of two short strings, a transposition
   of neighbours counting as one edit ("Bidne" is one from "Biden"). */
static size_t s_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64) return (size_t)-1;
    static _Thread_local size_t d[65][65];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            size_t best = d[i - 1][j - 1] + (ca != cb);
            if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

/* The distance of value to a name or to one of its words ("Bidne" is
   close to "Joe Biden"). */
static size_t s_name_distance(const char *value, const char *name)
{
    size_t best = s_distance(value, name);
    char word[65];
    for (const char *p = name; *p;) {
        while (*p == ' ')
            p++;
        size_t n = 0;
        while (p[n] && p[n] != ' ')
            n++;
        if (n && n < sizeof word && n != strlen(name)) {
            memcpy(word, p, n);
            word[n] = 0;
            size_t d = s_distance(value, word);
            if (d < best) best = d;
        }
        p += n;
    }
    return best;
}

/* "Law & crime", "law-crime" -> "law_crime" for topics. */
static void s_topic_key(const char *in, char *out, size_t n)
{
    size_t o = 0;
    bool sep = false;
    for (const char *p = in; *p && o + 1 < n; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c)) {
            if (sep && o > 0) out[o++] = '_';
            if (o + 1 < n) out[o++] = (char)tolower(c);
            sep = false;
        } else
            sep = true;
    }
    out[o] = 0;
    if (!strcmp(out, "law_and_crime")) snprintf(out, n, "law_crime");
}

int wt_vocab_resolve(const wt_vocab_t *self, wt_vocab_kind_t kind, const char *value, char *out,
                     size_t outlen, char *suggest, size_t suggestlen)
{
    suggest[0] = 0;
    if (!value || !*value) return WT_EVALUE;
    if (kind == WT_VOCAB_TOPIC) {
        char key[128];
        s_topic_key(value, key, sizeof key);
        size_t best = (size_t)-1;
        for (int i = 0; i < 21; i++) {
            if (!strcmp(key, wt_topics[i])) {
                snprintf(out, outlen, "%s", wt_topics[i]);
                return 0;
            }
            size_t d = s_distance(key, wt_topics[i]);
            bool prefix = strlen(key) >= 3 && !strncmp(wt_topics[i], key, strlen(key));
            if (prefix) d = 1;
            if (d < best) {
                best = d;
                snprintf(suggest, suggestlen, "%s", wt_topics[i]);
            }
        }
        if (best > 4) suggest[0] = 0;
        return WT_EVALUE;
    }
    if (!self) return WT_EVALUE;
    const s_list_t *l = &self->lists[kind];
    for (size_t i = 0; i < l->n; i++)
        if (!strcasecmp(l->v[i].name, value)) {
            snprintf(out, outlen, "%s", l->v[i].canon);
            return 0;
        }
    /* closest: a name the value starts, else the smallest edit distance */
    size_t best = (size_t)-1, vlen = strlen(value);
    for (size_t i = 0; i < l->n; i++) {
        const char *name = l->v[i].name;
        size_t d = strncasecmp(name, value, vlen) == 0 ? 0 : s_name_distance(value, name);
        if (d < best) {
            best = d;
            snprintf(suggest, suggestlen, "%s", name);
        }
    }
    if (best > (vlen < 6 ? 2 : vlen / 3 + 1)) suggest[0] = 0;
    return WT_EVALUE;
}
