/*  actors_internal.h: the compiled actor database shared by actordb.c (loading,
    trie) and actors.c (tagging).

    The database is built once and then read-only, so any number of threads
    may tag with it. Names are stored as a token trie keyed by the token hash
    of the text layer (wt_token_t.hash): one open-addressing table maps
    (node, token hash) to a child node; a node carries payloads (which entity
    or agent the token sequence names, and the case rule of each token).
*/
#ifndef WT_ACTORS_INTERNAL_H
#define WT_ACTORS_INTERNAL_H

#include "engine/stages.h"

#define WT_A_NONE          UINT32_MAX
#define WT_A_MAX_NAME_TOKS 16

/* What a dictionary phrase names. */
enum {
    WT_AF_NAME = 0, /* a name of the entity */
    WT_AF_ADJ,      /* adjective / demonym of a country */
    WT_AF_CAPITAL,  /* capital used for its country */
    WT_AF_GOVSEAT,  /* seat of power: names the government actor */
    WT_AF_AGENT     /* role noun (agents.yaml / PETRARCH agents) */
};

/* Case rule of one dictionary token (2 bits each in wt_apayload_t.cases). */
enum { WT_AC_ANY = 0, WT_AC_CAP = 1, WT_AC_UPPER = 2, WT_AC_EXACT = 3 };

typedef struct {
    uint32_t target; /* entity index, or agent index for WT_AF_AGENT */
    uint32_t next;   /* next payload at the same node, or WT_A_NONE */
    uint32_t cases;  /* WT_AC_* per token, 2 bits, token 0 in the low bits */
    uint8_t form;    /* WT_AF_* */
    uint8_t ntok;
    uint8_t petrarch; /* from a PETRARCH file (lower priority) */
    uint8_t pad;
    uint32_t exact; /* WT_AC_EXACT tokens: wt_adb_exact_hash of the phrase as written */
} wt_apayload_t;

typedef struct {
    char *title;      /* "President" */
    char *code;       /* full CAMEO code "USAGOV" */
    int32_t from, to; /* YYYYMMDD, 0 = open */
} wt_arole_t;

typedef struct {
    char *id, *name, *code, *wikidata;
    char country[4];
    uint8_t type;       /* wt_actor_type_t */
    uint8_t petrarch;   /* entity read from a PETRARCH actors file */
    uint8_t east_asian; /* family name first ("Xi" for Xi Jinping) */
    uint8_t pad;
    wt_arole_t *roles;
    int nroles;
    uint32_t *name_hashes; /* token hashes of the canonical name (persons) */
    int nname;
    uint32_t *short_keys; /* people.yaml short_names as mention keys (wt_adb_key_mix) */
    int nshort;
    bool has_short;   /* short_names given (even empty): use exactly these */
    uint32_t gov;     /* countries: the <iso>_government entity, or WT_A_NONE */
    const void *pact; /* wt_petrarch_actor_t for date-coded PETRARCH entities */
    uint32_t parent;  /* companies: the owning entity (`parent:`), or WT_A_NONE */
    uint8_t sector;   /* companies: index in wt_adb_sectors + 1, 0 = none */
} wt_aentity_t;

/* Company sectors (`sector:` in a dictionary entry), NULL-terminated. */
extern const char *const wt_adb_sectors[];

typedef struct {
    char *title; /* "Foreign Minister" */
    char *code;  /* "GOV" */
    bool person; /* precedes a person's name */
    bool prefix; /* code goes before the country code */
} wt_aagent_t;

typedef struct {
    uint64_t key; /* (node << 32) | token hash */
    uint32_t child;
    uint32_t used;
} wt_aedge_t;

/* A child of the root: first token hash -> node (child 0: empty slot; the
   root is no one's child). */
typedef struct {
    uint32_t h;
    uint32_t child;
} wt_arootkid_t;

/* Small hash -> value map (open addressing); get() answers WT_A_NONE for
   an absent key. Key and value side by side: a probe touches one cache
   line, not two. A slot is in use when its gen equals the map's, so
   clearing a map per item is one increment instead of a memset. */
typedef struct {
    uint32_t key;
    uint32_t val;
    uint32_t gen;
} wt_hslot_t;

typedef struct {
    wt_hslot_t *slots;
    size_t cap; /* power of two */
    size_t n;
    uint32_t gen; /* current generation, never 0 (0 = never used) */
} wt_hmap_t;

struct wt_actordb {
    wt_aentity_t *ents;
    size_t nents, cap_ents;
    wt_aagent_t *agents;
    size_t nagents, cap_agents;
    wt_apayload_t *pays;
    size_t npays, cap_pays;
    uint32_t *node_pay; /* first payload of each node */
    size_t nnodes, cap_nodes;
    uint64_t *rootbits; /* bitmap of token hashes with a child of the root (fast reject) */
    wt_aedge_t *edges;
    size_t nedges, edge_cap; /* power of two */
    /* Accelerators for the stage, which asks the trie for nearly every
       token: the children of the root in their own small table (64 KB for
       5,000 first words instead of the 1 MB edge table), and a bitmap of
       (node, token hash) for the other edges, so that the usual answer
       "no phrase goes on with this word" costs no probe of the edge table. */
    wt_arootkid_t *roots;
    size_t nroots, root_cap; /* power of two */
    uint64_t *edgebits;      /* WT_A_EDGEBITS bits, wt_adb_edge_bit() */
    wt_hmap_t isos;          /* hash of ISO3 -> country entity */
    wt_hmap_t firsts;        /* first names (config/names/first-names.txt) */
    wt_hmap_t surnames;      /* surname hash -> person entity (WT_A_NONE - 1 = ambiguous) */
    wt_hmap_t places;        /* place name key (wt_adb_place_key) -> country entity */
    wt_hmap_t place_first;   /* hash of the first word of every place (fast reject) */
    size_t warnings;
    uint64_t hash;
    void *petrarch; /* wt_petrarch_dict_t kept alive for date codes */
};

#define WT_A_AMBIG (UINT32_MAX - 1)

/* Load YAML dictionaries, the first-names file (optional, may be NULL or
   missing) and PETRARCH files into a new database. Errors: NULL and
   "FILE:LINE: key: reason" in err. */
wt_actordb_t *wt_actordb_load(const char *const *yaml, int nyaml, const char *const *petrarch,
                              int npetrarch, const char *first_names, char *err, size_t errlen);

/* Add the first names of a names file ("m NAME" lines) to db; a missing
   file is not an error. Returns the number of names read. */
int wt_actordb_load_first_names(wt_actordb_t *db, const char *path);

/* Child of node for a token hash, or WT_A_NONE. */
static inline uint32_t wt_adb_child(const wt_actordb_t *db, uint32_t node, uint32_t h)
{
    uint64_t key = ((uint64_t)node << 32) | h;
    uint64_t x = key * 0x9E3779B97F4A7C15ull;
    size_t mask = db->edge_cap - 1;
    size_t i = (size_t)(x >> 32) & mask;
    for (;;) {
        const wt_aedge_t *e = &db->edges[i];
        if (!e->used) return WT_A_NONE;
        if (e->key == key) return e->child;
        i = (i + 1) & mask;
    }
}

/* Key of a name of several words: mix of the word hashes (a one-word name's
   key is its hash). */
static inline uint32_t wt_adb_key_mix(uint32_t h, uint32_t x)
{
    h ^= x + 0x9e3779b9u + (h << 6) + (h >> 2);
    return h ? h : 1;
}

/* Case-sensitive hash of tokens [t0, t1) of text (one space between). */
static inline uint32_t wt_adb_exact_hash(const char *text, const wt_token_t *toks, size_t t0,
                                         size_t t1)
{
    uint32_t h = 2166136261u;
    for (size_t i = t0; i < t1; i++) {
        for (uint32_t b = toks[i].start; b < toks[i].end; b++)
            h = (h ^ (unsigned char)text[b]) * 16777619u;
        h = (h ^ ' ') * 16777619u;
    }
    return h;
}

/* Key of the words [t0, t1) as a place name: the hash of one word, the
   mix of the hashes of several (places of countries.yaml, `places:`). */
static inline uint32_t wt_adb_place_key(const wt_token_t *toks, size_t t0, size_t t1)
{
    uint32_t k = 0;
    int n = 0;
    for (size_t i = t0; i < t1; i++)
        if (toks[i].kind == WT_TOK_WORD) k = n++ ? wt_adb_key_mix(k, toks[i].hash) : toks[i].hash;
    return k ? k : 1;
}

#define WT_A_ROOTBITS (1u << 16)
#define WT_A_EDGEBITS (1u << 18)

/* Slot of a first token hash in the root table. */
static inline size_t wt_adb_root_slot(uint32_t h, size_t cap)
{
    return (size_t)((h ^ (h >> 16)) * 0x45d9f3bu) & (cap - 1);
}

/* Child of the root for a token hash, through the bitmap first. */
static inline uint32_t wt_adb_root_child(const wt_actordb_t *db, uint32_t h)
{
    uint32_t b = (h ^ (h >> 16)) & (WT_A_ROOTBITS - 1);
    if (!(db->rootbits[b >> 6] & (1ull << (b & 63)))) return WT_A_NONE;
    size_t mask = db->root_cap - 1;
    for (size_t i = wt_adb_root_slot(h, db->root_cap);; i = (i + 1) & mask) {
        const wt_arootkid_t *r = &db->roots[i];
        if (!r->child) return WT_A_NONE;
        if (r->h == h) return r->child;
    }
}

/* Bit of the edge (node, h) in db->edgebits. */
static inline uint32_t wt_adb_edge_bit(uint32_t node, uint32_t h)
{
    uint32_t x = (node * 0x9E3779B1u) ^ h;
    x ^= x >> 15;
    x *= 0x85EBCA6Bu;
    x ^= x >> 13;
    return x & (WT_A_EDGEBITS - 1);
}

/* Child of a node below the root for a token hash (wt_adb_child() through
   the edge bitmap first), or WT_A_NONE. */
static inline uint32_t wt_adb_next(const wt_actordb_t *db, uint32_t node, uint32_t h)
{
    uint32_t b = wt_adb_edge_bit(node, h);
    if (!(db->edgebits[b >> 6] & (1ull << (b & 63)))) return WT_A_NONE;
    return wt_adb_child(db, node, h);
}

void wt_hmap_init(wt_hmap_t *m, size_t want);
void wt_hmap_free(wt_hmap_t *m);
void wt_hmap_clear(wt_hmap_t *m);
/* Empties m for about `want` keys (reallocated when far off that size). */
void wt_hmap_reset(wt_hmap_t *m, size_t want);
/* Makes room for one more key (allocates an empty map on first use). */
void wt_hmap_grow(wt_hmap_t *m);

/* Lookup and insertion are inline: the actors stage does one or more per
   token and the call cost showed in profiles. */
static inline size_t wt_hmap_slot(uint32_t key, size_t cap)
{
    return ((size_t)(key * 2654435761u) ^ (key >> 15)) & (cap - 1);
}

/* Value of key, or WT_A_NONE when absent. */
static inline uint32_t wt_hmap_get(const wt_hmap_t *m, uint32_t key)
{
    if (!m->cap) return WT_A_NONE;
    size_t i = wt_hmap_slot(key, m->cap);
    while (m->slots[i].gen == m->gen) {
        if (m->slots[i].key == key) return m->slots[i].val;
        i = (i + 1) & (m->cap - 1);
    }
    return WT_A_NONE;
}

/* Sets key to val (replacing an old value). */
static inline void wt_hmap_put(wt_hmap_t *m, uint32_t key, uint32_t val)
{
    if ((m->n + 1) * 2 > m->cap) wt_hmap_grow(m);
    size_t i = wt_hmap_slot(key, m->cap);
    while (m->slots[i].gen == m->gen) {
        if (m->slots[i].key == key) {
            m->slots[i].val = val;
            return;
        }
        i = (i + 1) & (m->cap - 1);
    }
    m->slots[i] = (wt_hslot_t){key, val, m->gen};
    m->n++;
}

/* The role of a person entity on date (YYYYMMDD, 0 = latest): returns the
   role index or -1 when outside every range (former holder). */
int wt_adb_role_at(const wt_aentity_t *e, int date);

/* Built-in word classes (names.c). h = wt_token_t.hash. */
enum {
    WT_W_HONORIFIC = 1 << 0,  /* Mr Mrs Ms Dr Sir ... */
    WT_W_ORGHEAD = 1 << 1,    /* Ministry Party Bank ... */
    WT_W_PLACEHEAD = 1 << 2,  /* Street Province River ... */
    WT_W_THINGHEAD = 1 << 3,  /* Bill Act Summit Conference ... (not actors) */
    WT_W_STOP = 1 << 4,       /* never part of a name: months, weekdays, pronouns */
    WT_W_FUNC = 1 << 5,       /* common sentence-initial words */
    WT_W_LOCPREP = 1 << 6,    /* in at from near ... */
    WT_W_CONNECT = 1 << 7,    /* of for and the & inside organisation names */
    WT_W_PARTICLE = 1 << 8,   /* de da van von bin ... inside person names */
    WT_W_SAY = 1 << 9,        /* said says told added ... */
    WT_W_MODIFIER = 1 << 10,  /* vice deputy acting former ... before a title */
    WT_W_ARTICLE = 1 << 11,   /* a an the */
    WT_W_POLITY = 1 << 12,    /* Republic Kingdom Emirates ... (places) */
    WT_W_CLOSED = 1 << 13,    /* closed-class words: never inside a name when capitalised */
    WT_W_DIRECTION = 1 << 14, /* Northern, East, Central ... (places) */
    WT_W_ARPREFIX = 1 << 15,  /* al- el- bin- ... before a capitalised name part */
    WT_W_PLACEPRE = 1 << 16,  /* San, Puerto, Fort, Mount, Hurricane ... first word of a place */
    WT_W_GROUP = 1 << 17,     /* Arabs, Muslims, Kurds ... groups of people */
    WT_W_POSTNOM = 1 << 18    /* KC QC MP OBE ... letters after a person's name */
};
void wt_names_init(void);
unsigned wt_names_class(uint32_t h);
/* Calls fn for the hash of every word with a built-in class. */
void wt_names_each(wt_word_fn fn, void *ud);

#endif
