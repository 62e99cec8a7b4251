/*  issues.c: the issues stage. The taxonomy (config/issues.yaml, plus an
    optional PETRARCH issue file) is read by the loaders into a builder
    (builder.c), which compiles it once into a trie over written phrase
    words; each item is matched in one pass over its tokens
    (leftmost-longest phrase hits), the hits are scored per issue (phrase
    weight x position factor, repeats damped, a bonus for spread over
    paragraphs), issues are grouped by CAP topic, and a topic is reported
    when its score reaches the threshold. See docs/ISSUES.md.

    Matching needs no stemmer: a lower-cased token is looked up in the
    read-only forms table (a bloom filter first, a small per-context cache
    next), so contexts share nothing, and derivations the stemmer would
    conflate ("importance" / "import", "executive" / "execution") stay
    apart.
*/
#include "issues_int.h"
#include "engine/words.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* lifecycle                                                          */

static int s_read_file(const char *path, char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -errno;
    size_t cap = 65536, n = 0;
    char *b = wt_malloc(cap);
    size_t r;
    while ((r = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap) b = wt_realloc(b, cap *= 2);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(b);
        return -EIO;
    }
    b[n] = 0;
    *buf = b;
    *len = n;
    return 0;
}

wt_issuedb_t *wt_issuedb_new(const wt_config_t *cfg, char *err, size_t errlen)
{
    wt_issuedb_t *db = wt_ixdb_empty();
    char **map = NULL;
    char *path = NULL;
    uint64_t h = 0x6973737565730000ULL;
    if (cfg->issues_taxonomy && *cfg->issues_taxonomy) {
        path = wt_config_path(cfg, cfg->issues_taxonomy);
        if (wt_ix_yaml_load(db, path, &map, err, errlen) != 0) goto fail;
        char *buf;
        size_t len;
        if (s_read_file(path, &buf, &len) == 0) {
            h ^= wt_hash64(buf, len);
            free(buf);
        }
        free(path);
        path = NULL;
    }
    if (cfg->issues_petrarch && *cfg->issues_petrarch) {
        path = wt_config_path(cfg, cfg->issues_petrarch);
        if (wt_issuecoding_load(db, path, map, err, errlen) != 0) goto fail;
        char *buf;
        size_t len;
        if (s_read_file(path, &buf, &len) == 0) {
            h = wt_ix_mix64(h) ^ wt_hash64(buf, len);
            free(buf);
        }
        free(path);
        path = NULL;
    }
    db->threshold = cfg->issues_threshold;
    if (cfg->issues_max > 0) db->max = cfg->issues_max;
    db->hash = h;
    wt_ix_map_free(&map);
    wt_ixdb_compile(db);
    return db;
fail:
    free(path);
    wt_ix_map_free(&map);
    wt_issuedb_destroy(&db);
    return NULL;
}

size_t wt_issuedb_warnings(const wt_issuedb_t *db)
{
    return db ? db->warnings : 0;
}

uint64_t wt_issuedb_hash(const wt_issuedb_t *db)
{
    return db ? db->hash : 0;
}

/* ------------------------------------------------------------------ */
/* matching                                                           */

typedef struct {
    int32_t vid;
    uint32_t start, end; /* bytes of this piece */
    uint32_t sent, para;
    uint8_t brk; /* a phrase may not run from the previous unit into this one */
} ix_unit_t;

typedef struct {
    uint32_t phrase;
    uint32_t start, end;
    uint32_t sent, para;
    uint8_t zone; /* 0 body, 1 lead, 2 title */
    uint8_t dead;
} ix_hit_t;

/* One slot of a context's word cache: the last word seen with this hash. */
#define WT_IX_CACHE 4096 /* slots (power of two) */
typedef struct {
    uint32_t hash;
    int32_t vid;
    uint8_t len; /* 0: empty */
    char w[23];  /* the word, lower-case */
} ix_cache_t;

typedef struct {
    double score;
    uint32_t paras, last_para;
    uint32_t first_hit; /* hits are scanned in order */
    uint8_t seen;
} ix_acc_t;

struct wt_issues_ctx {
    const wt_issuedb_t *db;
    ix_cache_t *cache; /* word -> group, direct-mapped, verified on every hit */
    ix_unit_t *units;
    size_t units_cap;
    ix_hit_t *hits;
    size_t nhits, hits_cap;
    uint16_t *phrase_seen; /* per phrase: hits in this item */
    ix_acc_t *acc;         /* per issue */
    double topic_score[21];
    uint8_t topic_cues[21];  /* distinct phrases with a hit, per topic */
    uint8_t topic_front[21]; /* a hit in the headline or the lead, per topic */
    uint8_t topic_carry[21]; /* an issue that may carry the topic alone has hits */
    uint32_t *order;
    wt_doc_t title_doc; /* a separate item title, analysed on its own */
};

wt_issues_ctx_t *wt_issues_ctx_new(const wt_issuedb_t *db)
{
    wt_issues_ctx_t *ctx = wt_calloc(1, sizeof *ctx);
    ctx->db = db;
    ctx->phrase_seen = wt_calloc(db->nphrases + 1, sizeof *ctx->phrase_seen);
    ctx->acc = wt_calloc(db->nissues + 1, sizeof *ctx->acc);
    ctx->order = wt_calloc(db->nissues + 1, sizeof *ctx->order);
    wt_doc_init(&ctx->title_doc);
    ctx->cache = wt_calloc(WT_IX_CACHE, sizeof *ctx->cache);
    return ctx;
}

void wt_issues_ctx_destroy(wt_issues_ctx_t **self_p)
{
    if (!self_p || !*self_p) return;
    wt_issues_ctx_t *ctx = *self_p;
    free(ctx->units);
    free(ctx->cache);
    free(ctx->hits);
    free(ctx->phrase_seen);
    free(ctx->acc);
    free(ctx->order);
    wt_doc_free(&ctx->title_doc);
    free(ctx);
    *self_p = NULL;
}

/* Group id of the word text[0, n) (any case) whose wt_text_hash is h, or
   -1. Words of one text repeat (and stop words are forms: "war of words"),
   so a small per-context cache in front of the forms table saves the
   table's scattered loads. */
static inline int32_t s_word_vid(wt_issues_ctx_t *ctx, uint32_t h, const char *text, size_t n)
{
    if (!(ctx->db->bloom[(h >> 6) & WT_IX_BLOOM_MASK] & (1ULL << (h & 63)))) return -1;
    ix_cache_t *c = &ctx->cache[h & (WT_IX_CACHE - 1)];
    if (n <= sizeof c->w) {
        if (c->len == n && c->hash == h) {
            size_t i = 0;
            while (i < n && c->w[i] == wt_ix_lower(text[i]))
                i++;
            if (i == n) return c->vid;
        }
    }
    int32_t f = wt_ixdb_vocab_find_h(ctx->db, h, text, n);
    int32_t vid = f < 0 || !ctx->db->form_count[f] ? -1 : f;
    if (n <= sizeof c->w) {
        c->hash = h;
        c->vid = vid;
        c->len = (uint8_t)n;
        for (size_t i = 0; i < n; i++)
            c->w[i] = wt_ix_lower(text[i]);
    }
    return vid;
}

/* The hashes of the forms a phrase word can take, for the word table
   (words.c); forms no phrase word takes answer -1 like a word of no form. */
void wt_issues_words(const wt_issuedb_t *db, wt_word_fn fn, void *ud)
{
    for (size_t i = 0; i < db->nvocab; i++)
        if (db->form_count[i]) fn(ud, db->vocab_hash[i]);
}

int32_t wt_issues_word(const wt_issuedb_t *db, uint32_t h)
{
    if (!db->vocab_tab_cap) return -1;
    int32_t f = -1;
    for (size_t slot = h & (db->vocab_tab_cap - 1); db->vocab_tab[slot];
         slot = (slot + 1) & (db->vocab_tab_cap - 1)) {
        uint64_t e = db->vocab_tab[slot];
        if ((uint32_t)(e >> 32) != h) continue;
        if (f >= 0) return -2; /* several forms share the hash: compare them all */
        f = (int32_t)((uint32_t)e - 1);
    }
    return f >= 0 && db->form_count[f] ? f : -1;
}

const char *wt_issues_form(const wt_issuedb_t *db, int32_t f)
{
    return db->vocab[f];
}

/* x with the ASCII capitals of its 8 bytes lower-cased (wt_ix_lower on
   each byte; bytes >= 0x80 stay). */
static inline uint64_t s_lower8(uint64_t x)
{
    uint64_t h = x & 0x7f7f7f7f7f7f7f7full;
    uint64_t ge_a = h + 0x3f3f3f3f3f3f3f3full; /* top bit: byte >= 'A' */
    uint64_t gt_z = h + 0x2525252525252525ull; /* top bit: byte > 'Z' */
    uint64_t upper = ge_a & ~gt_z & ~x & 0x8080808080808080ull;
    return x | (upper >> 2);
}

/* Group id of the word text[0, n) of a token whose word-table entry is w:
   the one form with its hash when the text is that form. `room` bytes of
   the text are readable from text on: with 8 of them, the first 8 bytes
   are compared at once with the form's (in the entry, no load of the
   form's string for the usual short word). */
static inline int32_t s_word_vid_w(wt_issues_ctx_t *ctx, const wt_word_t *w, uint32_t h,
                                   const char *text, size_t n, size_t room)
{
    if (w->ivid == -1 || n >= WT_IX_MAX_WORD) return -1;
    if (w->ivid == -2) return s_word_vid(ctx, h, text, n);
    if (n != w->ilen) return -1;
    size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (room >= 8) {
        uint64_t x;
        memcpy(&x, text, 8);
        if (n < 8) x &= (1ull << (8 * n)) - 1;
        if (s_lower8(x) != w->ipre) return -1;
        if (n <= 8) return w->ivid;
        i = 8;
    }
#else
    (void)room;
#endif
    const char *v = ctx->db->vocab[w->ivid];
    while (i < n && v[i] && v[i] == wt_ix_lower(text[i]))
        i++;
    return i == n && v[n] == 0 ? w->ivid : -1;
}

/* Units: the word tokens (split at hyphens) that are forms of a phrase
   word. Possessives are skipped; a word that is no form, any other token
   (punctuation, quotes, dashes) and a sentence start break phrases. */
static inline void s_unit(wt_issues_ctx_t *ctx, size_t *n, int32_t vid, uint32_t start,
                          uint32_t end, const wt_token_t *t, uint8_t *brk)
{
    if (vid < 0) {
        *brk = 1;
        return;
    }
    if (*n == ctx->units_cap) wt_grow(&ctx->units, &ctx->units_cap, *n + 1, sizeof *ctx->units);
    ix_unit_t *u = &ctx->units[(*n)++];
    *u = (ix_unit_t){
        .vid = vid, .start = start, .end = end, .sent = t->sent, .para = t->para, .brk = *brk};
    *brk = 0;
}

static size_t s_units(wt_issues_ctx_t *ctx, const wt_doc_t *doc, const wt_word_t *const *words)
{
    const uint64_t *bloom = ctx->db->bloom;
    size_t n = 0;
    uint8_t brk = 1;
    uint32_t last_sent = UINT32_MAX;
    for (size_t i = 0; i < doc->ntoks; i++) {
        const wt_token_t *t = &doc->toks[i];
        if (t->kind != WT_TOK_WORD && t->kind != WT_TOK_NUMBER) {
            if (t->kind != WT_TOK_POSS) brk = 1;
            continue;
        }
        if (t->sent != last_sent) brk = 1, last_sent = t->sent;
        const char *s = doc->text + t->start;
        uint32_t len = t->end - t->start;
        if (!(t->flags & WT_TF_HYPHEN)) {
            /* the common case: one word, its hash already computed */
            uint32_t h = t->hash;
            if (words) {
                int32_t vid = s_word_vid_w(ctx, words[i], h, s, len, doc->len - t->start);
                s_unit(ctx, &n, vid, t->start, t->end, t, &brk);
                continue;
            }
            if (!(bloom[(h >> 6) & WT_IX_BLOOM_MASK] & (1ULL << (h & 63)))) {
                brk = 1;
                continue;
            }
            int32_t vid = len < WT_IX_MAX_WORD ? s_word_vid(ctx, h, s, len) : -1;
            s_unit(ctx, &n, vid, t->start, t->end, t, &brk);
            continue;
        }
        for (uint32_t a = 0, b; a <= len; a = b + 1) {
            for (b = a; b < len && s[b] != '-'; b++)
                ;
            int32_t vid = b > a && b - a < WT_IX_MAX_WORD
                              ? s_word_vid(ctx, wt_text_hash(s + a, b - a), s + a, b - a)
                              : -1;
            s_unit(ctx, &n, vid, t->start + a, t->start + b, t, &brk);
        }
    }
    return n;
}

static bool s_cons_ok(const wt_doc_t *doc, const struct ix_phrase *ph, const ix_unit_t *u)
{
    for (int k = 0; k < ph->nwords; k++) {
        const char *c = ph->cons[k];
        if (!c) continue;
        size_t n = strlen(c + 1);
        if (u[k].end - u[k].start != n) return false;
        const char *s = doc->text + u[k].start;
        if (c[0] == '^') {
            if (memcmp(s, c + 1, n) != 0) return false;
        } else {
            for (size_t i = 0; i < n; i++)
                if (wt_ix_lower(s[i]) != c[1 + i]) return false;
        }
    }
    return true;
}

static void s_add_hit(wt_issues_ctx_t *ctx, uint32_t pid, const ix_unit_t *first,
                      const ix_unit_t *last, uint32_t title_end, uint32_t lead_para, bool all_title)
{
    wt_grow(&ctx->hits, &ctx->hits_cap, ctx->nhits + 1, sizeof *ctx->hits);
    ix_hit_t *h = &ctx->hits[ctx->nhits++];
    h->phrase = pid;
    h->start = first->start;
    h->end = last->end;
    h->sent = first->sent;
    h->para = first->para;
    h->dead = 0;
    if (all_title || h->start < title_end)
        h->zone = 2;
    else if (first->para == lead_para)
        h->zone = 1;
    else
        h->zone = 0;
}

typedef struct {
    uint32_t nodes[4]; /* trie nodes where the longest match ends */
    int n;
    size_t len;
} ix_best_t;

static bool s_has_term(const wt_issuedb_t *db, const wt_doc_t *doc, uint32_t node,
                       const ix_unit_t *first)
{
    const struct ix_node *nd = &db->nodes[node];
    for (uint32_t k = 0; k < nd->term_count; k++)
        if (s_cons_ok(doc, &db->phrases[db->terms[nd->term_first + k]], first)) return true;
    return false;
}

/* Walk the trie from node over units u[j..]; a unit's form may stand for
   several written words, so every one is tried (almost always one). */
static void s_walk(const wt_issuedb_t *db, const wt_doc_t *doc, const ix_unit_t *u, size_t i,
                   size_t j, size_t nunits, uint32_t node, ix_best_t *best)
{
    if (j >= nunits || j - i >= WT_IX_MAX_WORDS || (j > i && u[j].brk)) return;
    const uint32_t *w = db->form_words + db->form_first[u[j].vid];
    uint32_t nw = db->form_count[u[j].vid];
    for (uint32_t k = 0; k < nw; k++) {
        uint32_t child = node ? wt_ixdb_child(db, node, w[k]) : db->root_child[w[k]];
        if (!child) continue;
        size_t len = j - i + 1;
        if (s_has_term(db, doc, child, u + i)) {
            if (len > best->len) best->len = len, best->n = 0;
            if (len == best->len && best->n < 4) best->nodes[best->n++] = child;
        }
        /* the tests s_walk() opens with, here: most walks end at this word */
        if (j + 1 < nunits && j + 1 - i < WT_IX_MAX_WORDS && !u[j + 1].brk)
            s_walk(db, doc, u, i, j + 1, nunits, child, best);
    }
}

/* One pass: leftmost-longest matches. Where the longest match ends, an
   ignore phrase wins; otherwise every phrase there (one per issue) gets a
   hit. */
static void s_match(wt_issues_ctx_t *ctx, const wt_doc_t *doc, size_t nunits, uint32_t title_end,
                    uint32_t lead_para, bool all_title)
{
    const wt_issuedb_t *db = ctx->db;
    const ix_unit_t *u = ctx->units;
    size_t i = 0;
    while (i < nunits) {
        if (!db->form_starts[u[i].vid]) {
            i++;
            continue;
        }
        ix_best_t best = {.n = 0, .len = 0};
        s_walk(db, doc, u, i, i, nunits, 0, &best);
        if (!best.len) {
            i++;
            continue;
        }
        const ix_unit_t *last = &u[i + best.len - 1];
        bool ignored = false;
        for (int b = 0; b < best.n && !ignored; b++) {
            const struct ix_node *nd = &db->nodes[best.nodes[b]];
            for (uint32_t k = 0; k < nd->term_count; k++) {
                const struct ix_phrase *ph = &db->phrases[db->terms[nd->term_first + k]];
                if (ph->kind == WT_IX_IGNORE_SPAN && s_cons_ok(doc, ph, u + i)) ignored = true;
            }
        }
        for (int b = 0; b < best.n && !ignored; b++) {
            const struct ix_node *nd = &db->nodes[best.nodes[b]];
            for (uint32_t k = 0; k < nd->term_count; k++) {
                uint32_t pid = db->terms[nd->term_first + k];
                if (s_cons_ok(doc, &db->phrases[pid], u + i))
                    s_add_hit(ctx, pid, u + i, last, title_end, lead_para, all_title);
            }
        }
        i += best.len;
    }
}

/* Apply sentence and document ignores to the hits from first on. */
static void s_cancel(wt_issues_ctx_t *ctx, size_t first)
{
    const wt_issuedb_t *db = ctx->db;
    for (size_t i = first; i < ctx->nhits; i++) {
        const struct ix_phrase *ig = &db->phrases[ctx->hits[i].phrase];
        if (ig->kind != WT_IX_IGNORE_SENT && ig->kind != WT_IX_IGNORE_DOC) continue;
        for (size_t k = first; k < ctx->nhits; k++) {
            ix_hit_t *h = &ctx->hits[k];
            const struct ix_phrase *ph = &db->phrases[h->phrase];
            if (ph->kind != WT_IX_PHRASE) continue;
            if (ig->kind == WT_IX_IGNORE_SENT && h->sent != ctx->hits[i].sent) continue;
            if (ig->group >= 0 && db->issues[ph->issue].group != ig->group) continue;
            h->dead = 1;
        }
    }
}

/* Whether issue a goes before issue b: higher score first, then lower index
   (a total order, so any sort gives this one order). */
static inline bool s_before(const ix_acc_t *acc, uint32_t a, uint32_t b)
{
    double x = acc[a].score, y = acc[b].score;
    if (x != y) return x > y;
    return a < b;
}

/* Sorts the few issues with hits of an item: insertion sort, inline
   (qsort_r cost a call per comparison and its setup per item). */
static void s_sort_order(uint32_t *order, size_t n, const ix_acc_t *acc)
{
    for (size_t k = 1; k < n; k++) {
        uint32_t x = order[k];
        size_t j = k;
        for (; j > 0 && s_before(acc, x, order[j - 1]); j--)
            order[j] = order[j - 1];
        order[j] = x;
    }
}

/* Distinct countries with enough mentions among the actors already tagged. */
static int s_acting_countries(const wt_result_t *res, int min_mentions)
{
    char seen[64][4];
    int n = 0;
    for (size_t i = 0; i < res->actor_count && n < 64; i++) {
        const wt_actor_t *a = &res->actors[i];
        if (a->type != WT_ACTOR_COUNTRY || !a->country[0]) continue;
        if ((int)a->mention_count < min_mentions) continue;
        bool dup = false;
        for (int k = 0; k < n; k++)
            dup |= memcmp(seen[k], a->country, 4) == 0;
        if (!dup) memcpy(seen[n++], a->country, 4);
    }
    return n;
}

/* Headline and lead. Crawled pages often open with short lines (site
   navigation, a section name, the headline, a byline) before the first
   real paragraph: every line there that looks like a headline (one
   sentence, no final stop, 4 to 25 words, in the first 600 bytes) joins
   the headline zone; the lead is the first paragraph after them. */
static void s_zones(const wt_doc_t *doc, uint32_t *title_end, uint32_t *lead_para)
{
    for (size_t p = 0; p < doc->nparas && p < 12; p++) {
        const wt_paragraph_t *pp = &doc->paras[p];
        if (pp->tok_end <= pp->tok_first || pp->end <= *title_end) continue;
        const wt_token_t *last = &doc->toks[pp->tok_end - 1];
        int words = 0;
        for (uint32_t t = pp->tok_first; t < pp->tok_end; t++)
            words += doc->toks[t].kind == WT_TOK_WORD;
        bool line = !(last->flags & WT_TF_STOP) && pp->sent_end - pp->sent_first <= 1 &&
                    pp->start < 600 && words <= 25;
        if (!line) {
            *lead_para = (uint32_t)p;
            return;
        }
        if (words >= 4) *title_end = pp->end;
    }
}

/* Score the hits: per issue (ctx->acc, all zero between items) and per
   topic cues; ctx->order lists the issues touched. Returns their number. */
static size_t s_score_hits(wt_issues_ctx_t *ctx, size_t text_hits)
{
    const wt_issuedb_t *db = ctx->db;
    const wt_ix_scoring_t *sc = &db->scoring;
    for (int t = 0; t < 21; t++)
        ctx->topic_cues[t] = 0, ctx->topic_front[t] = 0, ctx->topic_carry[t] = 0;
    size_t norder = 0;
    for (size_t i = 0; i < ctx->nhits; i++) {
        ix_hit_t *h = &ctx->hits[i];
        const struct ix_phrase *ph = &db->phrases[h->phrase];
        if (h->dead || ph->kind != WT_IX_PHRASE) continue;
        ix_acc_t *a = &ctx->acc[ph->issue];
        double zone = h->zone == 2 ? sc->title : h->zone == 1 ? sc->lead : sc->body;
        double c = ph->weight * db->issues[ph->issue].weight * zone;
        unsigned nseen = ctx->phrase_seen[h->phrase]++;
        if (nseen) c *= sc->repeat;
        a->score += c;
        int topic = db->issues[ph->issue].topic;
        if (!nseen && ctx->topic_cues[topic] < 255) ctx->topic_cues[topic]++;
        if (h->zone >= 1) ctx->topic_front[topic] = 1;
        if (db->issues[ph->issue].alone) ctx->topic_carry[topic] = 1;
        if (!a->seen) {
            a->seen = 1;
            a->first_hit = (uint32_t)i;
            a->last_para = UINT32_MAX;
            ctx->order[norder++] = ph->issue;
        }
        if (i < text_hits && h->para != a->last_para) a->paras++, a->last_para = h->para;
    }
    for (size_t i = 0; i < ctx->nhits; i++)
        ctx->phrase_seen[ctx->hits[i].phrase] = 0;
    return norder;
}

/* Credit the countries issue when several countries act; returns its topic
   (exempt from the relative cut) or -1. */
static int s_score_countries(wt_issues_ctx_t *ctx, const wt_result_t *res, size_t *norder)
{
    const wt_issuedb_t *db = ctx->db;
    const wt_ix_scoring_t *sc = &db->scoring;
    if (db->countries_issue < 0 || !(sc->countries > 0)) return -1;
    int n = s_acting_countries(res, sc->country_mentions);
    if (n < 2) return -1;
    int country_topic = db->issues[db->countries_issue].topic;
    if (ctx->topic_cues[country_topic] < 255) ctx->topic_cues[country_topic]++;
    ctx->topic_carry[country_topic] = 1;
    ix_acc_t *a = &ctx->acc[db->countries_issue];
    a->score += sc->countries * (n - 1 < 4 ? n - 1 : 4);
    if (!a->seen) {
        a->seen = 1;
        a->first_hit = UINT32_MAX;
        ctx->order[(*norder)++] = (uint32_t)db->countries_issue;
    }
    return country_topic;
}

/* The spread bonus per issue, the score per topic; returns the best topic
   score and sorts ctx->order by issue score. */
static double s_score_topics(wt_issues_ctx_t *ctx, size_t norder)
{
    const wt_issuedb_t *db = ctx->db;
    const wt_ix_scoring_t *sc = &db->scoring;
    for (int t = 0; t < 21; t++)
        ctx->topic_score[t] = 0;
    double best_topic = 0;
    for (size_t k = 0; k < norder; k++) {
        uint32_t i = ctx->order[k];
        ix_acc_t *a = &ctx->acc[i];
        int p = (int)a->paras;
        if (p > sc->spread_max) p = sc->spread_max;
        if (p > 1) a->score *= 1.0 + sc->spread * (p - 1);
        double *ts = &ctx->topic_score[db->issues[i].topic];
        *ts += a->score;
        if (*ts > best_topic) best_topic = *ts;
    }
    s_sort_order(ctx->order, norder, ctx->acc);
    return best_topic;
}

/* Whether issue i (in the order) is reported. */
static bool s_passes(const wt_issues_ctx_t *ctx, uint32_t i, double best_topic, int country_topic)
{
    const wt_issuedb_t *db = ctx->db;
    const wt_ix_scoring_t *sc = &db->scoring;
    const struct ix_issue *is = &db->issues[i];
    double ts = ctx->topic_score[is->topic];
    /* the relative cut is for passing mentions in long texts; several
       countries acting is a signal of another kind and is exempt */
    if (ts < db->threshold) return false;
    if (ts < sc->relative * best_topic && is->topic != country_topic) return false;
    /* one phrase repeated in the body is a passing theme, not the subject */
    if (ctx->topic_cues[is->topic] < sc->distinct && !ctx->topic_front[is->topic]) return false;
    /* "the court ruled": courts decide matters of every area; such an
       issue (alone: false) reports its topic only beside another one */
    if (!ctx->topic_carry[is->topic]) return false;
    if (ctx->acc[i].score < sc->member * db->threshold) return false;
    return true;
}

/* Add issue i to res with its mentions (the hits in the text). */
static void s_report(const wt_issues_ctx_t *ctx, uint32_t i, size_t text_hits, wt_result_t *res)
{
    const wt_issuedb_t *db = ctx->db;
    const ix_acc_t *a = &ctx->acc[i];
    const struct ix_issue *is = &db->issues[i];
    wt_issue_t *out = wt_result_add_issue(res);
    out->id = wt_strdup(is->id);
    out->label = wt_strdup(is->label);
    out->topic = wt_strdup(wt_topics[is->topic]);
    out->score = round(a->score * 1000.0) / 1000.0;
    if (a->first_hit == UINT32_MAX) return;
    for (size_t h = a->first_hit; h < text_hits; h++) {
        const ix_hit_t *hit = &ctx->hits[h];
        const struct ix_phrase *ph = &db->phrases[hit->phrase];
        if (hit->dead || ph->kind != WT_IX_PHRASE || ph->issue != i) continue;
        /* two phrases of one issue can match the same words ("tax"
           and "taxes" on "taxes"): both score, the words are one mention */
        const wt_span_t *prev = out->mention_count ? &out->mentions[out->mention_count - 1] : NULL;
        if (prev && prev->start == hit->start && prev->end == hit->end) continue;
        wt_issue_add_mention(out, hit->start, hit->end);
    }
}

void wt_issues_tag(wt_issues_ctx_t *ctx, const wt_input_t *in, wt_result_t *res)
{
    const wt_issuedb_t *db = ctx->db;
    const wt_doc_t *doc = in->doc;
    if (!db->nphrases || !doc) return;
    ctx->nhits = 0;

    uint32_t title_end = in->title_end, lead_para = UINT32_MAX;
    s_zones(doc, &title_end, &lead_para);
    size_t nunits = s_units(ctx, doc, in->words);
    s_match(ctx, doc, nunits, title_end, lead_para, false);
    s_cancel(ctx, 0);
    size_t text_hits = ctx->nhits;

    /* a title given apart from the text scores like a headline (no mentions) */
    const char *title = res->item.title;
    if (title && *title && in->title_end == 0) {
        size_t tl = strnlen(title, 1024);
        if (wt_utf8_valid(title, tl)) {
            wt_doc_analyze(&ctx->title_doc, title, tl);
            size_t nu = s_units(ctx, &ctx->title_doc, NULL);
            s_match(ctx, &ctx->title_doc, nu, 0, UINT32_MAX, true);
            s_cancel(ctx, text_hits);
        }
    }

    size_t norder = s_score_hits(ctx, text_hits);
    int country_topic = s_score_countries(ctx, res, &norder);
    double best_topic = s_score_topics(ctx, norder);
    int reported = 0;
    for (size_t k = 0; k < norder && reported < db->max; k++) {
        uint32_t i = ctx->order[k];
        if (!s_passes(ctx, i, best_topic, country_topic)) continue;
        s_report(ctx, i, text_hits, res);
        reported++;
    }
    for (size_t k = 0; k < norder; k++)
        ctx->acc[ctx->order[k]] = (ix_acc_t){0};
}
