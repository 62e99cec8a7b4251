/*  issues_yaml.c: reads the issue taxonomy (config/issues.yaml, format in
    docs/ISSUES.md) with libyaml into an issue db under construction. The
    whole file is checked: unknown keys, wrong types, bad topics, duplicate
    ids and bad weights fail with "FILE:LINE:COL: reason". */
#include "issues_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct {
    yaml_document_t doc;
    const char *path;
    char *err;
    size_t errlen;
} ix_yaml_t;

static int s_fail(ix_yaml_t *y, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n)
        snprintf(y->err, y->errlen, "%s:%zu:%zu: %s", y->path, (size_t)n->start_mark.line + 1,
                 (size_t)n->start_mark.column + 1, msg);
    else
        snprintf(y->err, y->errlen, "%s: %s", y->path, msg);
    return WT_ECONFIG;
}

static yaml_node_t *s_node(ix_yaml_t *y, int id)
{
    return yaml_document_get_node(&y->doc, id);
}

static const char *s_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int s_number(ix_yaml_t *y, const yaml_node_t *n, double lo, double hi, double *out)
{
    const char *s = s_scalar(n);
    char *end;
    if (!s || !*s) return s_fail(y, n, "expected a number");
    double v = strtod(s, &end);
    if (*end || !(v >= lo && v <= hi)) return s_fail(y, n, "expected a number in [%g, %g]", lo, hi);
    *out = v;
    return 0;
}

/* A phrase entry: "words", [words, weight] or {phrase: words, weight: w}. */
static int s_phrase(ix_yaml_t *y, wt_issuedb_t *db, int issue, const yaml_node_t *n,
                    wt_ix_kind_t kind)
{
    const yaml_node_t *pn = n;
    double w = 1.0;
    if (n->type == YAML_SEQUENCE_NODE) {
        yaml_node_item_t *it = n->data.sequence.items.start;
        if (n->data.sequence.items.top - it != 2)
            return s_fail(y, n, "a weighted phrase is [phrase, weight]");
        pn = s_node(y, it[0]);
        if (s_number(y, s_node(y, it[1]), 0.01, 10, &w)) return WT_ECONFIG;
    } else if (n->type == YAML_MAPPING_NODE) {
        pn = NULL;
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
            const char *k = s_scalar(s_node(y, p->key));
            yaml_node_t *v = s_node(y, p->value);
            if (k && strcmp(k, "phrase") == 0)
                pn = v;
            else if (k && strcmp(k, "weight") == 0) {
                if (s_number(y, v, 0.01, 10, &w)) return WT_ECONFIG;
            } else
                return s_fail(y, s_node(y, p->key), "unknown key '%s' in a phrase", k ? k : "?");
        }
    }
    const char *s = s_scalar(pn);
    if (!s || !*s) return s_fail(y, pn ? pn : n, "expected a phrase (a string)");
    char why[160];
    if (wt_ixdb_add_phrase(db, issue, s, w, kind, -1, why, sizeof why) != 0)
        return s_fail(y, pn, "'%s': %s", s, why);
    return 0;
}

static int s_phrases(ix_yaml_t *y, wt_issuedb_t *db, int issue, const yaml_node_t *n,
                     wt_ix_kind_t kind)
{
    if (n->type != YAML_SEQUENCE_NODE) return s_fail(y, n, "expected a list of phrases");
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
        if (s_phrase(y, db, issue, s_node(y, *it), kind)) return WT_ECONFIG;
    return 0;
}

static int s_issue(ix_yaml_t *y, wt_issuedb_t *db, const yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE) return s_fail(y, n, "an issue is a map");
    const char *id = NULL, *label = NULL, *topic = NULL;
    const yaml_node_t *phrases = NULL, *ignore = NULL, *idn = n;
    double weight = 1.0;
    bool alone = true;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = s_node(y, p->key), *v = s_node(y, p->value);
        const char *k = s_scalar(kn);
        if (!k) return s_fail(y, kn, "keys are strings");
        if (strcmp(k, "alone") == 0) {
            const char *b = s_scalar(v);
            if (b && strcmp(b, "true") == 0)
                alone = true;
            else if (b && strcmp(b, "false") == 0)
                alone = false;
            else
                return s_fail(y, v, "alone is true or false");
        } else if (strcmp(k, "id") == 0)
            id = s_scalar(v), idn = v;
        else if (strcmp(k, "label") == 0)
            label = s_scalar(v);
        else if (strcmp(k, "topic") == 0) {
            topic = s_scalar(v);
            if (!topic || !wt_topic_valid(topic))
                return s_fail(y, v, "topic must be one of the 21 CAP topic ids");
        } else if (strcmp(k, "weight") == 0) {
            if (s_number(y, v, 0.01, 10, &weight)) return WT_ECONFIG;
        } else if (strcmp(k, "phrases") == 0)
            phrases = v;
        else if (strcmp(k, "ignore") == 0)
            ignore = v;
        else if (strcmp(k, "note") == 0)
            continue;
        else
            return s_fail(y, kn, "unknown key '%s' in an issue", k);
    }
    if (!id) return s_fail(y, n, "issue without an id");
    if (!topic) return s_fail(y, n, "issue '%s' has no topic", id);
    if (!phrases) return s_fail(y, n, "issue '%s' has no phrases", id);
    int ix = wt_ixdb_add_issue(db, id, label, topic, weight);
    if (ix == -EEXIST) return s_fail(y, idn, "duplicate issue id '%s'", id);
    if (ix < 0) return s_fail(y, idn, "bad issue id '%s' (use a-z, 0-9, _)", id);
    db->issues[ix].alone = alone;
    if (s_phrases(y, db, ix, phrases, WT_IX_PHRASE)) return WT_ECONFIG;
    if (ignore && s_phrases(y, db, ix, ignore, WT_IX_IGNORE_SPAN)) return WT_ECONFIG;
    return 0;
}

static int s_scoring(ix_yaml_t *y, wt_issuedb_t *db, const yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE) return s_fail(y, n, "scoring is a map");
    wt_ix_scoring_t *sc = &db->scoring;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = s_node(y, p->key), *v = s_node(y, p->value);
        const char *k = s_scalar(kn);
        double d = 0; /* set by s_number on success */
        struct {
            const char *name;
            double *dst;
            int *idst;
            double lo, hi;
        } keys[] = {{"title", &sc->title, NULL, 0, 10},
                    {"lead", &sc->lead, NULL, 0, 10},
                    {"body", &sc->body, NULL, 0, 10},
                    {"repeat", &sc->repeat, NULL, 0, 1},
                    {"distinct", NULL, &sc->distinct, 1, 10},
                    {"spread", &sc->spread, NULL, 0, 2},
                    {"spread_max", NULL, &sc->spread_max, 1, 100},
                    {"member", &sc->member, NULL, 0, 1},
                    {"relative", &sc->relative, NULL, 0, 1},
                    {"countries", &sc->countries, NULL, 0, 10},
                    {"country_mentions", NULL, &sc->country_mentions, 1, 100},
                    {"petrarch_weight", &sc->petrarch_weight, NULL, 0.01, 10}};
        size_t i;
        for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
            if (k && strcmp(k, keys[i].name) == 0) break;
        if (i == sizeof keys / sizeof keys[0])
            return s_fail(y, kn, "unknown key '%s' in scoring", k ? k : "?");
        if (s_number(y, v, keys[i].lo, keys[i].hi, &d)) return WT_ECONFIG;
        if (keys[i].dst)
            *keys[i].dst = d;
        else
            *keys[i].idst = (int)d;
    }
    return 0;
}

static int s_map(ix_yaml_t *y, const yaml_node_t *n, char ***map)
{
    if (n->type != YAML_MAPPING_NODE) return s_fail(y, n, "petrarch_topics is a map");
    size_t cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    char **m = wt_calloc(2 * cnt + 2, sizeof *m);
    size_t k = 0;
    *map = m;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = s_node(y, p->key), *v = s_node(y, p->value);
        const char *key = s_scalar(kn), *val = s_scalar(v);
        if (!key || !*key) return s_fail(y, kn, "expected a PETRARCH category or code");
        if (!val || !wt_topic_valid(val))
            return s_fail(y, v, "'%s' must map to one of the 21 CAP topic ids", key);
        m[k++] = wt_strdup(key);
        m[k++] = wt_strdup(val);
    }
    return 0;
}

void wt_ix_map_free(char ***map)
{
    if (!map || !*map) return;
    for (char **p = *map; *p; p++)
        free(*p);
    free(*map);
    *map = NULL;
}

int wt_ix_yaml_load(wt_issuedb_t *db, const char *path, char ***map, char *err, size_t errlen)
{
    ix_yaml_t y = {.path = path, .err = err, .errlen = errlen};
    *map = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return WT_ECONFIG;
    }
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int ok = yaml_parser_load(&parser, &y.doc);
    if (!ok) {
        snprintf(err, errlen, "%s:%zu:%zu: %s", path, (size_t)parser.problem_mark.line + 1,
                 (size_t)parser.problem_mark.column + 1,
                 parser.problem ? parser.problem : "YAML error");
        yaml_parser_delete(&parser);
        fclose(f);
        return WT_ECONFIG;
    }
    yaml_parser_delete(&parser);
    fclose(f);

    int rc = 0;
    yaml_node_t *root = yaml_document_get_root_node(&y.doc);
    if (!root || root->type != YAML_MAPPING_NODE) {
        rc = s_fail(&y, root, "the taxonomy is a map with an 'issues' list");
        goto out;
    }
    const yaml_node_t *issues = NULL, *ignore = NULL;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top && !rc; p++) {
        yaml_node_t *kn = s_node(&y, p->key), *v = s_node(&y, p->value);
        const char *k = s_scalar(kn);
        if (!k)
            rc = s_fail(&y, kn, "keys are strings");
        else if (strcmp(k, "version") == 0) {
            const char *s = s_scalar(v);
            if (!s || strcmp(s, "1") != 0) rc = s_fail(&y, v, "only version 1 is known");
        } else if (strcmp(k, "issues") == 0)
            issues = v;
        else if (strcmp(k, "ignore") == 0)
            ignore = v;
        else if (strcmp(k, "scoring") == 0)
            rc = s_scoring(&y, db, v);
        else if (strcmp(k, "countries_issue") == 0)
            continue; /* resolved once the issues are in */
        else if (strcmp(k, "petrarch_topics") == 0)
            rc = s_map(&y, v, map);
        else
            rc = s_fail(&y, kn, "unknown key '%s'", k);
    }
    if (rc) goto out;
    if (!issues || issues->type != YAML_SEQUENCE_NODE) {
        rc = s_fail(&y, root, "no 'issues' list");
        goto out;
    }
    for (yaml_node_item_t *it = issues->data.sequence.items.start;
         it < issues->data.sequence.items.top && !rc; it++)
        rc = s_issue(&y, db, s_node(&y, *it));
    if (!rc && ignore) rc = s_phrases(&y, db, -1, ignore, WT_IX_IGNORE_SPAN);
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top && !rc; p++) {
        const char *k = s_scalar(s_node(&y, p->key));
        if (strcmp(k, "countries_issue") != 0) continue;
        yaml_node_t *v = s_node(&y, p->value);
        const char *s = s_scalar(v);
        db->countries_issue = s ? wt_ixdb_find_issue(db, s) : -1;
        if (db->countries_issue < 0)
            rc = s_fail(&y, v, "countries_issue names no issue of this taxonomy");
    }
out:
    if (rc) wt_ix_map_free(map);
    yaml_document_delete(&y.doc);
    return rc;
}
