/*  issues_int.h: what the issues stage's files share (builder.c: the
    taxonomy under construction and its compiler; issues_yaml.c: the YAML
    taxonomy loader; issuecoding.c: the PETRARCH issue-file reader; both
    loaders call only the builder; issues.c: the stage, which runs the
    loaders, then matches and scores).

    A taxonomy is a list of fine issues, each under one CAP major topic, and
    a list of phrases. A phrase is a sequence of words; each word matches its
    regular inflections (so "sanction", "sanctions", "sanctioned" are one
    word; forms checked with the Snowball stemmer) unless it carries a constraint: "=word" must
   equal the token ignoring ASCII case, "^Word" must equal it exactly (acronyms: ^WHO). A phrase
   either credits an issue or is an ignore phrase: a span ignore consumes its words (so "climate of
   fear" never reads as "climate"); a sentence or document ignore cancels the hits of its group in
   that sentence or in the whole item (PETRARCH's ~ and ~~).
*/
#ifndef WT_ISSUES_INT_H
#define WT_ISSUES_INT_H

#include "engine/stages.h"

#include <stddef.h>
#include <stdint.h>

#define WT_IX_MAX_WORDS  8    /* words in one phrase */
#define WT_IX_MAX_WORD   64   /* bytes in one word */
#define WT_IX_MAX_FORMS  64   /* forms one PETRARCH line may expand to */
#define WT_IX_MAX_LINE   4096 /* bytes in one PETRARCH line */
#define WT_IX_BLOOM_MASK 4095 /* 4096 x 64 bits: a filter of the forms' hashes */

typedef enum {
    WT_IX_PHRASE = 0,  /* credits its issue */
    WT_IX_IGNORE_SPAN, /* consumes its words: overlapped phrases do not count */
    WT_IX_IGNORE_SENT, /* cancels hits of its group in the same sentence */
    WT_IX_IGNORE_DOC   /* cancels hits of its group in the whole item */
} wt_ix_kind_t;

/* Scoring parameters (the `scoring:` map of the taxonomy; docs/ISSUES.md). */
typedef struct {
    double title;           /* factor for a hit in the headline */
    double lead;            /* factor for a hit in the first body paragraph */
    double body;            /* factor for any other hit */
    double repeat;          /* factor for the 2nd and later hit of the same phrase */
    int distinct;           /* a topic needs hits of this many distinct phrases, unless
                               one is in the headline or the lead (1: off) */
    double spread;          /* bonus per extra paragraph with a hit (x (1 + spread*(p-1))) */
    int spread_max;         /* paragraphs counted for the bonus */
    double member;          /* an issue in a passing topic is reported from member*threshold */
    double relative;        /* a topic scoring below relative * best topic is dropped */
    double countries;       /* score per acting country beyond the first (0: off) */
    int country_mentions;   /* mentions a country needs to count as acting */
    double petrarch_weight; /* weight of every PETRARCH phrase */
} wt_ix_scoring_t;

/* The compiled taxonomy (read-only once built; shared by threads). */
struct wt_issuedb {
    struct ix_issue *issues;
    size_t nissues, issues_cap;
    struct ix_phrase *phrases;
    size_t nphrases, phrases_cap;
    /* forms table: lower-case word form -> index (a written word is its own form) */
    char **vocab;
    size_t nvocab, vocab_cap;
    uint64_t *vocab_tab;               /* open addressing: hash << 32 | (id + 1), 0 empty */
    uint32_t *form_first, *form_count; /* per form: its words in form_words */
    uint32_t *form_words;              /* written-word ids (form indexes of the written words) */
    uint64_t *pairs;                   /* (form << 32 | word) while compiling */
    size_t npairs, pairs_cap;
    uint32_t *vocab_hash; /* wt_text_hash of each form */
    uint64_t *bloom;      /* one bit per form hash, for fast misses */
    size_t vocab_tab_cap;
    /* trie over vocabulary ids */
    struct ix_node *nodes;
    size_t nnodes, nodes_cap;
    uint64_t *edge_keys; /* (node << 32 | vid) + 1, 0 empty */
    uint32_t *edge_vals;
    size_t edge_cap, nedges;
    uint64_t *edge_filter; /* one bit per edge key (high half of its mix): most
                              words end a walk, and a miss in the table costs a
                              cache miss; NULL while compiling */
    uint64_t edge_filter_mask;
    uint8_t *form_starts; /* per form: 1 when it can start a phrase */
    uint32_t *root_child; /* per written word: its child of the root, 0 none */
    uint32_t *terms;      /* phrase ids grouped by terminal node */
    wt_ix_scoring_t scoring;
    double threshold;
    int max;
    int countries_issue; /* issue credited for several acting countries, or -1 */
    int ngroups;         /* group ids handed out */
    size_t warnings;
    uint64_t hash;
    struct sb_stemmer *stemmer; /* load time only */
};

struct ix_issue {
    char *id, *label;
    int topic; /* index in wt_topics */
    double weight;
    int group;
    bool alone; /* may carry its topic alone (false: only beside another issue of it) */
};

struct ix_phrase {
    uint32_t issue; /* for WT_IX_PHRASE */
    float weight;
    uint8_t kind; /* wt_ix_kind_t */
    uint8_t nwords;
    int32_t group;                /* for sentence/document ignores: the group cancelled, -1 all */
    uint32_t node;                /* terminal trie node */
    char *words[WT_IX_MAX_WORDS]; /* lower-case words */
    char *cons[WT_IX_MAX_WORDS];  /* per word: NULL, "=word" or "^Word" */
};

struct ix_node {
    uint32_t term_first, term_count;
};

/* Builder calls (builder.c). An empty db with default scoring. */
wt_issuedb_t *wt_ixdb_empty(void);
/* Add an issue; returns its index, or -EEXIST when the id is taken, -EINVAL
   when id or topic is bad. label may be NULL (the id is used). */
int wt_ixdb_add_issue(wt_issuedb_t *db, const char *id, const char *label, const char *topic,
                      double weight);
/* Index of an issue by id or -1. */
int wt_ixdb_find_issue(const wt_issuedb_t *db, const char *id);
/* Add a phrase (words separated by blanks, optional = or ^ prefix per
   word, hyphens split words) of the given kind. For WT_IX_PHRASE issue is
   the issue index; for sentence/document ignores group is the group (-1:
   all). 0, or -EINVAL with a reason in err. */
int wt_ixdb_add_phrase(wt_issuedb_t *db, int issue, const char *phrase, double weight,
                       wt_ix_kind_t kind, int group, char *err, size_t errlen);
/* Build the trie; after this the db is read-only. */
void wt_ixdb_compile(wt_issuedb_t *db);

/* Read-only lookups in a compiled db, shared by the builder and the matcher
   (inline: the matcher calls them for every word). */
static inline uint64_t wt_ix_mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static inline char wt_ix_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* Index of the form equal to text[0, n) ignoring ASCII case, whose
   wt_text_hash is h, or -1 (read-only lookup). */
static inline int32_t wt_ixdb_vocab_find_h(const wt_issuedb_t *db, uint32_t h, const char *text,
                                           size_t n)
{
    if (!db->vocab_tab_cap) return -1;
    /* most words are no form: one bit of a small filter says so */
    if (db->bloom && !(db->bloom[(h >> 6) & WT_IX_BLOOM_MASK] & (1ULL << (h & 63)))) return -1;
    size_t slot = h & (db->vocab_tab_cap - 1);
    uint64_t e;
    while ((e = db->vocab_tab[slot]) != 0) {
        if ((uint32_t)(e >> 32) == h) {
            const char *v = db->vocab[(uint32_t)e - 1];
            size_t i = 0;
            while (i < n && v[i] && v[i] == wt_ix_lower(text[i]))
                i++;
            if (i == n && v[n] == 0) return (int32_t)(uint32_t)e - 1;
        }
        slot = (slot + 1) & (db->vocab_tab_cap - 1);
    }
    return -1;
}

static inline size_t wt_ixdb_edge_slot(const wt_issuedb_t *db, uint64_t key)
{
    return (size_t)wt_ix_mix64(key) & (db->edge_cap - 1);
}

static inline uint32_t wt_ixdb_child(const wt_issuedb_t *db, uint32_t node, uint32_t vid)
{
    if (!db->edge_cap) return 0;
    uint64_t key = (((uint64_t)node << 32) | vid) + 1;
    uint64_t m = wt_ix_mix64(key);
    if (db->edge_filter) {
        uint64_t b = (m >> 32) & db->edge_filter_mask;
        if (!(db->edge_filter[b >> 6] & (1ULL << (b & 63)))) return 0;
    }
    size_t h = (size_t)m & (db->edge_cap - 1);
    while (db->edge_keys[h]) {
        if (db->edge_keys[h] == key) return db->edge_vals[h];
        h = (h + 1) & (db->edge_cap - 1);
    }
    return 0; /* the root is never a child */
}

/* YAML taxonomy (issues_yaml.c). Fills db from the file at path; the
   PETRARCH topic map (category or code -> CAP topic id) is returned in
   *map as a NULL-terminated array of key, value pairs (caller frees with
   wt_ix_map_free). 0 or WT_ECONFIG with "FILE:LINE:COL: reason" in err. */
int wt_ix_yaml_load(wt_issuedb_t *db, const char *path, char ***map, char *err, size_t errlen);
void wt_ix_map_free(char ***map);

/* PETRARCH issue file (issuecoding.c). */
typedef struct {
    const char *category; /* the <ISSUE CATEGORY="..."> section, "" outside one */
    const char *code;     /* the [CODE], NULL for an ignore line */
    const char *phrase;   /* one expanded form, lower-case, words separated by one blank */
    int ignore;           /* 0, 1 for ~ (sentence), 2 for ~~ (story) */
    int line;
} wt_issuecoding_entry_t;
typedef int (*wt_issuecoding_fn)(const wt_issuecoding_entry_t *e, void *ud);

/* Parse a PETRARCH issue file held in buf[0, len) (any bytes): calls fn for
   every expanded form of every entry, in file order. Defective lines
   (no code, unterminated bracket, too long, too many forms) are skipped and
   counted in *warnings. Returns 0, or the first non-zero value fn returns. */
int wt_issuecoding_parse(const char *buf, size_t len, wt_issuecoding_fn fn, void *ud,
                         size_t *warnings);

/* Load the PETRARCH file at path into db: every code becomes an issue
   "phx_<code>" whose topic is map[code] or else map[category]; unmapped
   entries are skipped (counted in db->warnings). 0 or a negative code with
   a reason in err. */
int wt_issuecoding_load(wt_issuedb_t *db, const char *path, char *const *map, char *err,
                        size_t errlen);

/* The same from a buffer (any bytes); never fails. */
void wt_issuecoding_load_buffer(wt_issuedb_t *db, const char *buf, size_t len, char *const *map);

#endif
