/*  builder.c: the issue database under construction. The loaders
    (issues_yaml.c, issuecoding.c) add issues and phrases here and nothing
    else; compiling builds the forms table, its bloom filter and the trie
    the matcher (issues.c) walks. Nothing here knows a file format.

    Inflections: at compile time every written phrase word gets its regular
    forms (plural, -s/-es/-ies, -ed/-d/-ied, -ing, doubled consonants; a
    written plural also gives its singular). A generated form is kept only
    when its Snowball stem (libstemmer, english) equals the word's stem, so
    "news" is not a form of "new". A form maps to the written words it
    stands for (usually one), and the trie runs over written words.
*/
#include "issues_int.h"

#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* small helpers                                                      */

static int s_topic_index(const char *topic)
{
    for (int i = 0; i < 21; i++)
        if (strcmp(wt_topics[i], topic) == 0) return i;
    return -1;
}

/* ------------------------------------------------------------------ */
/* building                                                           */

wt_issuedb_t *wt_ixdb_empty(void)
{
    wt_issuedb_t *db = wt_calloc(1, sizeof *db);
    db->scoring = (wt_ix_scoring_t){.title = 1.6,
                                    .lead = 1.0,
                                    .body = 0.6,
                                    .repeat = 0.5,
                                    .distinct = 1,
                                    .spread = 0.15,
                                    .spread_max = 5,
                                    .member = 0.35,
                                    .relative = 0.0,
                                    .countries = 0.0,
                                    .country_mentions = 2,
                                    .petrarch_weight = 0.5};
    db->threshold = 1.0;
    db->max = 8;
    db->countries_issue = -1;
    /* node 0 is the root */
    wt_grow(&db->nodes, &db->nodes_cap, 1, sizeof *db->nodes);
    db->nodes[0] = (struct ix_node){0, 0};
    db->nnodes = 1;
    db->stemmer = sb_stemmer_new("english", NULL);
    return db;
}

int wt_ixdb_find_issue(const wt_issuedb_t *db, const char *id)
{
    for (size_t i = 0; i < db->nissues; i++)
        if (strcmp(db->issues[i].id, id) == 0) return (int)i;
    return -1;
}

int wt_ixdb_add_issue(wt_issuedb_t *db, const char *id, const char *label, const char *topic,
                      double weight)
{
    if (!id || !*id || strlen(id) > 128) return -EINVAL;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return -EINVAL;
    int t = topic ? s_topic_index(topic) : -1;
    if (t < 0 || !(weight > 0 && weight <= 100)) return -EINVAL;
    if (wt_ixdb_find_issue(db, id) >= 0) return -EEXIST;
    wt_grow(&db->issues, &db->issues_cap, db->nissues + 1, sizeof *db->issues);
    struct ix_issue *is = &db->issues[db->nissues];
    is->id = wt_strdup(id);
    is->label = wt_strdup(label && *label ? label : id);
    is->topic = t;
    is->weight = weight;
    is->group = db->ngroups++;
    is->alone = true;
    return (int)db->nissues++;
}

static uint32_t s_vocab_id(wt_issuedb_t *db, const char *stem, size_t n)
{
    if (db->nvocab * 4 + 4 > db->vocab_tab_cap) { /* load <= 1/4: short probes */
        size_t cap = db->vocab_tab_cap ? db->vocab_tab_cap * 2 : 1024;
        uint64_t *tab = wt_calloc(cap, sizeof *tab);
        for (size_t i = 0; i < db->nvocab; i++) {
            size_t h = db->vocab_hash[i] & (cap - 1);
            while (tab[h])
                h = (h + 1) & (cap - 1);
            tab[h] = ((uint64_t)db->vocab_hash[i] << 32) | ((uint32_t)i + 1);
        }
        free(db->vocab_tab);
        db->vocab_tab = tab;
        db->vocab_tab_cap = cap;
    }
    uint32_t hv = wt_text_hash(stem, n);
    size_t h = hv & (db->vocab_tab_cap - 1);
    while (db->vocab_tab[h]) {
        uint32_t e = (uint32_t)db->vocab_tab[h];
        const char *v = db->vocab[e - 1];
        if (strlen(v) == n && memcmp(v, stem, n) == 0) return e - 1;
        h = (h + 1) & (db->vocab_tab_cap - 1);
    }
    size_t pcap = db->vocab_cap;
    wt_grow(&db->vocab, &db->vocab_cap, db->nvocab + 1, sizeof *db->vocab);
    if (db->vocab_cap != pcap || !db->form_first) {
        db->form_first = wt_realloc(db->form_first, db->vocab_cap * sizeof *db->form_first);
        db->form_count = wt_realloc(db->form_count, db->vocab_cap * sizeof *db->form_count);
        db->vocab_hash = wt_realloc(db->vocab_hash, db->vocab_cap * sizeof *db->vocab_hash);
    }
    db->form_first[db->nvocab] = 0;
    db->form_count[db->nvocab] = 0;
    db->vocab_hash[db->nvocab] = hv;
    db->vocab[db->nvocab] = wt_strndup(stem, n);
    db->vocab_tab[h] = ((uint64_t)hv << 32) | ((uint32_t)db->nvocab + 1);
    return (uint32_t)db->nvocab++;
}

static int32_t s_vocab_find(const wt_issuedb_t *db, const char *text, size_t n)
{
    return wt_ixdb_vocab_find_h(db, wt_text_hash(text, n), text, n);
}

static void s_edge_put(wt_issuedb_t *db, uint64_t key, uint32_t val)
{
    size_t h = wt_ixdb_edge_slot(db, key);
    while (db->edge_keys[h])
        h = (h + 1) & (db->edge_cap - 1);
    db->edge_keys[h] = key;
    db->edge_vals[h] = val;
}

/* The edges' filter: 16 bits per edge (at least 4096), one set per edge. */
static void s_edge_filter(wt_issuedb_t *db)
{
    size_t bits = 4096;
    while (bits < db->nedges * 16)
        bits *= 2;
    free(db->edge_filter);
    db->edge_filter = wt_calloc(bits / 64, sizeof *db->edge_filter);
    db->edge_filter_mask = bits - 1;
    for (size_t i = 0; i < db->edge_cap; i++) {
        if (!db->edge_keys[i]) continue;
        uint64_t b = (wt_ix_mix64(db->edge_keys[i]) >> 32) & db->edge_filter_mask;
        db->edge_filter[b >> 6] |= 1ULL << (b & 63);
    }
}

static uint32_t s_child_add(wt_issuedb_t *db, uint32_t node, uint32_t vid)
{
    uint32_t c = wt_ixdb_child(db, node, vid);
    if (c) return c;
    if ((db->nedges + 1) * 2 > db->edge_cap) {
        size_t ocap = db->edge_cap;
        uint64_t *ok = db->edge_keys;
        uint32_t *ov = db->edge_vals;
        db->edge_cap = ocap ? ocap * 2 : 1024;
        db->edge_keys = wt_calloc(db->edge_cap, sizeof *db->edge_keys);
        db->edge_vals = wt_calloc(db->edge_cap, sizeof *db->edge_vals);
        for (size_t i = 0; i < ocap; i++)
            if (ok[i]) s_edge_put(db, ok[i], ov[i]);
        free(ok);
        free(ov);
    }
    wt_grow(&db->nodes, &db->nodes_cap, db->nnodes + 1, sizeof *db->nodes);
    db->nodes[db->nnodes] = (struct ix_node){0, 0};
    c = (uint32_t)db->nnodes++;
    s_edge_put(db, (((uint64_t)node << 32) | vid) + 1, c);
    db->nedges++;
    return c;
}

/* Stem a lower-cased word with stemmer st into out (NUL-terminated); returns
   its length. Words the stemmer would not help (digits, very long) are kept. */
static size_t s_stem(struct sb_stemmer *st, const char *w, size_t n, char *out, size_t outlen)
{
    const sb_symbol *s = NULL;
    int sl = 0;
    if (st && n < WT_IX_MAX_WORD) {
        s = sb_stemmer_stem(st, (const sb_symbol *)w, (int)n);
        sl = s ? sb_stemmer_length(st) : 0;
    }
    if (!s || sl <= 0 || (size_t)sl >= outlen) {
        s = (const sb_symbol *)w;
        sl = (int)(n < outlen ? n : outlen - 1);
    }
    memcpy(out, s, (size_t)sl);
    out[sl] = 0;
    return (size_t)sl;
}

int wt_ixdb_add_phrase(wt_issuedb_t *db, int issue, const char *phrase, double weight,
                       wt_ix_kind_t kind, int group, char *err, size_t errlen)
{
    if (kind == WT_IX_PHRASE && (issue < 0 || (size_t)issue >= db->nissues)) {
        snprintf(err, errlen, "phrase for an unknown issue");
        return -EINVAL;
    }
    if (!(weight > 0 && weight <= 100)) {
        snprintf(err, errlen, "weight out of range (0, 100]");
        return -EINVAL;
    }
    if (!wt_utf8_valid(phrase, strlen(phrase))) {
        snprintf(err, errlen, "phrase is not valid UTF-8");
        return -EINVAL;
    }
    char *words[WT_IX_MAX_WORDS] = {0};
    char *cons[WT_IX_MAX_WORDS] = {0};
    int nw = 0;
    const char *p = phrase;
    int rc = 0;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '-' || *p == '_')
            p++;
        if (!*p) break;
        char mode = 0;
        if (*p == '=' || *p == '^') mode = *p++;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        /* hyphens split a word into pieces that keep the word's constraint */
        const char *q = w;
        while (q < p) {
            const char *e = q;
            while (e < p && *e != '-')
                e++;
            size_t n = (size_t)(e - q);
            /* drop a possessive ending: the tokenizer splits it off */
            if (n > 2 && q[n - 2] == '\'' && wt_ix_lower(q[n - 1]) == 's') n -= 2;
            if (n > 4 && memcmp(q + n - 4, "\xe2\x80\x99", 3) == 0 && wt_ix_lower(q[n - 1]) == 's')
                n -= 4;
            if (n > 1 && q[n - 1] == '\'') n--;
            if (n) {
                if (nw == WT_IX_MAX_WORDS || n >= WT_IX_MAX_WORD) {
                    snprintf(err, errlen, "phrase too long (at most %d words of %d bytes)",
                             WT_IX_MAX_WORDS, WT_IX_MAX_WORD - 1);
                    rc = -EINVAL;
                    goto done;
                }
                char low[WT_IX_MAX_WORD];
                for (size_t i = 0; i < n; i++)
                    low[i] = wt_ix_lower(q[i]);
                low[n] = 0;
                words[nw] = wt_strdup(low);
                if (mode) {
                    cons[nw] = wt_malloc(n + 2);
                    cons[nw][0] = mode;
                    memcpy(cons[nw] + 1, mode == '^' ? q : low, n);
                    cons[nw][n + 1] = 0;
                }
                nw++;
            }
            q = e < p ? e + 1 : e;
        }
    }
    if (nw == 0) {
        snprintf(err, errlen, "empty phrase");
        rc = -EINVAL;
        goto done;
    }
    wt_grow(&db->phrases, &db->phrases_cap, db->nphrases + 1, sizeof *db->phrases);
    struct ix_phrase *ph = &db->phrases[db->nphrases++];
    memset(ph, 0, sizeof *ph);
    ph->issue = kind == WT_IX_PHRASE ? (uint32_t)issue : 0;
    ph->weight = (float)weight;
    ph->kind = (uint8_t)kind;
    ph->nwords = (uint8_t)nw;
    ph->group = group;
    memcpy(ph->cons, cons, sizeof cons);
    memcpy(ph->words, words, sizeof words);
    return 0;
done:
    for (int i = 0; i < WT_IX_MAX_WORDS; i++) {
        free(cons[i]);
        free(words[i]);
    }
    return rc;
}

static int s_cmp_term(const void *a, const void *b, void *arg)
{
    const wt_issuedb_t *db = arg;
    const struct ix_phrase *pa = &db->phrases[*(const uint32_t *)a];
    const struct ix_phrase *pb = &db->phrases[*(const uint32_t *)b];
    if (pa->node != pb->node) return pa->node < pb->node ? -1 : 1;
    /* constrained phrases are tried before unconstrained ones, ignores first */
    int ca = 0, cb = 0;
    for (int i = 0; i < WT_IX_MAX_WORDS; i++)
        ca += pa->cons[i] != NULL, cb += pb->cons[i] != NULL;
    if (pa->kind != pb->kind) return pa->kind == WT_IX_PHRASE ? 1 : -1;
    if (ca != cb) return ca > cb ? -1 : 1;
    return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

/* Record that form index f is a form of the written word index w. */
static void s_pair(wt_issuedb_t *db, uint32_t f, uint32_t w)
{
    wt_grow(&db->pairs, &db->pairs_cap, db->npairs + 1, sizeof *db->pairs);
    db->pairs[db->npairs++] = ((uint64_t)f << 32) | w;
}

/* Make f a form of the written word index w when its stem is stem. */
static void s_form(wt_issuedb_t *db, uint32_t w, const char *stem, const char *f)
{
    size_t n = strlen(f);
    char fs[WT_IX_MAX_WORD + 8];
    if (n == 0 || n >= WT_IX_MAX_WORD) return;
    s_stem(db->stemmer, f, n, fs, sizeof fs);
    if (strcmp(fs, stem) != 0) return;
    s_pair(db, s_vocab_id(db, f, n), w);
}

static int s_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static bool s_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* The regular inflections of a lower-case word, each kept only when it
   stems like the word, all joined into the word's group. */
static void s_inflect(wt_issuedb_t *db, const char *w)
{
    size_t n = strlen(w);
    char stem[WT_IX_MAX_WORD + 8], base[6][WT_IX_MAX_WORD + 8], f[8 * (WT_IX_MAX_WORD + 8)];
    if (n < 3 || n >= WT_IX_MAX_WORD) return;
    for (size_t i = 0; i < n; i++)
        if (!(w[i] >= 'a' && w[i] <= 'z')) return; /* numbers, acronyms with dots */
    s_stem(db->stemmer, w, n, stem, sizeof stem);
    uint32_t wi = s_vocab_id(db, w, n);
    int nb = 0;
    snprintf(base[nb++], sizeof base[0], "%s", w);
#define ENDS(s) (n > strlen(s) + 1 && strcmp(w + n - strlen(s), s) == 0)
    if (ENDS("ies")) snprintf(base[nb++], sizeof base[0], "%.*sy", (int)(n - 3), w);
    if (ENDS("es")) snprintf(base[nb++], sizeof base[0], "%.*s", (int)(n - 2), w);
    if (ENDS("s") && !ENDS("ss")) snprintf(base[nb++], sizeof base[0], "%.*s", (int)(n - 1), w);
        /* no way back from -ed or -ing: "ruled" is no reason to match "rule",
           nor "housing" to match "house" */
#undef ENDS
    for (int b = 0; b < nb; b++) {
        const char *x = base[b];
        size_t m = strlen(x);
        if (m < 2) continue;
        char last = x[m - 1];
        s_form(db, wi, stem, x);
        snprintf(f, sizeof f, "%ss", x), s_form(db, wi, stem, f);
        snprintf(f, sizeof f, "%ses", x), s_form(db, wi, stem, f);
        if (last == 'y' && !s_vowel(x[m - 2]))
            snprintf(f, sizeof f, "%.*sies", (int)(m - 1), x), s_form(db, wi, stem, f);
        /* verb forms only from the word as written: the singular of a
           written plural is a noun ("ships" is no reason for "shipping") */
        if (b > 0) continue;
        snprintf(f, sizeof f, "%sing", x), s_form(db, wi, stem, f);
        if (last == 'e') {
            /* no e-dropping -ing: "housing" is not "house" */
            snprintf(f, sizeof f, "%sd", x), s_form(db, wi, stem, f);
        } else {
            snprintf(f, sizeof f, "%sed", x), s_form(db, wi, stem, f);
        }
        if (last == 'y' && !s_vowel(x[m - 2]))
            snprintf(f, sizeof f, "%.*sied", (int)(m - 1), x), s_form(db, wi, stem, f);
        if (!s_vowel(last) && last != 'w' && last != 'x' && last != 'y' && s_vowel(x[m - 2]) &&
            !(m > 2 && s_vowel(x[m - 3]))) {
            snprintf(f, sizeof f, "%s%ced", x, last), s_form(db, wi, stem, f);
            snprintf(f, sizeof f, "%s%cing", x, last), s_form(db, wi, stem, f);
        }
    }
}

void wt_ixdb_compile(wt_issuedb_t *db)
{
    /* word groups */
    free(db->bloom);
    db->bloom = NULL;
    free(db->edge_filter);
    db->edge_filter = NULL;
    /* a word is inflected once, however many phrases it is in: its forms
       are the same every time (most of the load's time went to repeats) */
    uint8_t *inflected = NULL;
    size_t inflected_cap = 0;
    for (size_t i = 0; i < db->nphrases; i++) {
        struct ix_phrase *ph = &db->phrases[i];
        for (int k = 0; k < ph->nwords; k++) {
            uint32_t w = s_vocab_id(db, ph->words[k], strlen(ph->words[k]));
            if (ph->cons[k]) continue;
            if (w >= inflected_cap) {
                size_t old_cap = inflected_cap;
                wt_grow(&inflected, &inflected_cap, (size_t)w + 1, 1);
                memset(inflected + old_cap, 0, inflected_cap - old_cap);
            }
            if (inflected[w]) continue;
            inflected[w] = 1;
            s_inflect(db, ph->words[k]);
        }
    }
    free(inflected);
    /* every form -> the written words it stands for (usually one) */
    for (size_t i = 0; i < db->nphrases; i++) {
        struct ix_phrase *ph = &db->phrases[i];
        for (int k = 0; k < ph->nwords; k++) {
            uint32_t w = (uint32_t)s_vocab_find(db, ph->words[k], strlen(ph->words[k]));
            s_pair(db, w, w);
        }
    }
    if (db->npairs) qsort(db->pairs, db->npairs, sizeof *db->pairs, s_cmp_u64);
    free(db->form_words);
    db->form_words = wt_malloc((db->npairs + 1) * sizeof *db->form_words);
    size_t nw = 0;
    for (size_t i = 0; i < db->nvocab; i++)
        db->form_count[i] = 0;
    for (size_t i = 0; i < db->npairs; i++) {
        if (i > 0 && db->pairs[i] == db->pairs[i - 1]) continue;
        uint32_t f = (uint32_t)(db->pairs[i] >> 32);
        if (!db->form_count[f]) db->form_first[f] = (uint32_t)nw;
        db->form_count[f]++;
        db->form_words[nw++] = (uint32_t)db->pairs[i];
    }
    free(db->pairs);
    db->pairs = NULL;
    db->npairs = db->pairs_cap = 0;
    db->bloom = wt_calloc(WT_IX_BLOOM_MASK + 1, sizeof *db->bloom);
    for (size_t i = 0; i < db->nvocab; i++) {
        uint32_t h = db->vocab_hash[i];
        db->bloom[(h >> 6) & WT_IX_BLOOM_MASK] |= 1ULL << (h & 63);
    }
    /* the trie */
    for (size_t i = 0; i < db->nphrases; i++) {
        struct ix_phrase *ph = &db->phrases[i];
        uint32_t node = 0;
        for (int k = 0; k < ph->nwords; k++) {
            int32_t w = s_vocab_find(db, ph->words[k], strlen(ph->words[k]));
            node = s_child_add(db, node, (uint32_t)w);
        }
        ph->node = node;
    }
    s_edge_filter(db);
    /* the root's children in a plain array: every walk starts there */
    free(db->root_child);
    db->root_child = wt_calloc(db->nvocab + 1, sizeof *db->root_child);
    for (size_t i = 0; i < db->edge_cap; i++)
        if (db->edge_keys[i] && ((db->edge_keys[i] - 1) >> 32) == 0)
            db->root_child[(uint32_t)(db->edge_keys[i] - 1)] = db->edge_vals[i];
    /* forms that can start a phrase: other units are only looked at inside one */
    free(db->form_starts);
    db->form_starts = wt_calloc(db->nvocab + 1, 1);
    for (size_t f = 0; f < db->nvocab; f++)
        for (uint32_t k = 0; k < db->form_count[f]; k++)
            if (db->root_child[db->form_words[db->form_first[f] + k]]) db->form_starts[f] = 1;
    free(db->terms);
    db->terms = wt_malloc((db->nphrases + 1) * sizeof *db->terms);
    for (size_t i = 0; i < db->nphrases; i++)
        db->terms[i] = (uint32_t)i;
    if (db->nphrases) qsort_r(db->terms, db->nphrases, sizeof *db->terms, s_cmp_term, db);
    for (size_t i = 0; i < db->nnodes; i++)
        db->nodes[i] = (struct ix_node){0, 0};
    for (size_t i = 0; i < db->nphrases; i++) {
        struct ix_node *n = &db->nodes[db->phrases[db->terms[i]].node];
        if (!n->term_count) n->term_first = (uint32_t)i;
        n->term_count++;
    }
    if (db->stemmer) {
        sb_stemmer_delete(db->stemmer);
        db->stemmer = NULL;
    }
}

/* ------------------------------------------------------------------ */
/* freeing                                                            */

void wt_issuedb_destroy(wt_issuedb_t **self_p)
{
    if (!self_p || !*self_p) return;
    wt_issuedb_t *db = *self_p;
    for (size_t i = 0; i < db->nissues; i++) {
        free(db->issues[i].id);
        free(db->issues[i].label);
    }
    free(db->issues);
    for (size_t i = 0; i < db->nphrases; i++)
        for (int k = 0; k < WT_IX_MAX_WORDS; k++) {
            free(db->phrases[i].cons[k]);
            free(db->phrases[i].words[k]);
        }
    free(db->phrases);
    free(db->root_child);
    free(db->form_starts);
    free(db->form_first);
    free(db->form_count);
    free(db->form_words);
    free(db->pairs);
    free(db->vocab_hash);
    free(db->bloom);
    for (size_t i = 0; i < db->nvocab; i++)
        free(db->vocab[i]);
    free(db->vocab);
    free(db->vocab_tab);
    free(db->nodes);
    free(db->edge_keys);
    free(db->edge_vals);
    free(db->edge_filter);
    free(db->terms);
    if (db->stemmer) sb_stemmer_delete(db->stemmer);
    free(db);
    *self_p = NULL;
}
