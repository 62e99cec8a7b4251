/*  actordb.c: loads the actor dictionaries (our YAML files, optional
    PETRARCH/TABARI files) into the read-only compiled database: entities,
    agents and the token trie.

    Each dictionary phrase is tokenized by the text layer itself (the same
    tokenizer as the articles), so "U.S." or "People's" split exactly as
    they will in text. Every token keeps a case rule derived from how the
    phrase is written: all capitals ("US", "U.N.") must be all capitals in
    the text, a capitalised token ("Turkey") must be capitalised, a lower
    case token ("foreign minister") matches any case. Errors name the file,
    the line and the key; unknown keys are warnings.
*/
#include "actors_internal.h"
#include "wiretag/petrarch.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---------------------------------------------------------------- hmap */

void wt_hmap_init(wt_hmap_t *m, size_t want)
{
    size_t cap = 16;
    while (cap < want * 2)
        cap <<= 1;
    m->slots = wt_calloc(cap, sizeof *m->slots);
    m->cap = cap;
    m->n = 0;
    m->gen = 1;
}

void wt_hmap_free(wt_hmap_t *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}

void wt_hmap_clear(wt_hmap_t *m)
{
    m->n = 0;
    if (++m->gen == 0) { /* wrapped: old generations could look current */
        memset(m->slots, 0, m->cap * sizeof *m->slots);
        m->gen = 1;
    }
}

/* Empties m for about `want` keys: cleared in place, or reallocated when its
   size is far off (too small, or over 8 times too large). */
void wt_hmap_reset(wt_hmap_t *m, size_t want)
{
    size_t cap = 16;
    while (cap < want * 2)
        cap <<= 1;
    if (!m->cap || m->cap < cap || m->cap > cap * 8) {
        wt_hmap_free(m);
        wt_hmap_init(m, want);
    } else {
        wt_hmap_clear(m);
    }
}

void wt_hmap_grow(wt_hmap_t *m)
{
    if (!m->cap) {
        wt_hmap_init(m, 16);
        return;
    }
    wt_hmap_t big;
    wt_hmap_init(&big, m->cap);
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].gen == m->gen) wt_hmap_put(&big, m->slots[i].key, m->slots[i].val);
    wt_hmap_free(m);
    *m = big;
}

/* ---------------------------------------------------------------- trie */

static uint32_t s_node_new(wt_actordb_t *db)
{
    wt_grow(&db->node_pay, &db->cap_nodes, db->nnodes + 1, sizeof *db->node_pay);
    db->node_pay[db->nnodes] = WT_A_NONE;
    return (uint32_t)db->nnodes++;
}

static void s_edges_grow(wt_actordb_t *db)
{
    size_t ncap = db->edge_cap ? db->edge_cap * 2 : 1024;
    wt_aedge_t *old = db->edges;
    size_t ocap = db->edge_cap;
    db->edges = wt_calloc(ncap, sizeof *db->edges);
    db->edge_cap = ncap;
    for (size_t i = 0; i < ocap; i++) {
        if (!old[i].used) continue;
        uint64_t x = old[i].key * 0x9E3779B97F4A7C15ull;
        size_t j = (size_t)(x >> 32) & (ncap - 1);
        while (db->edges[j].used)
            j = (j + 1) & (ncap - 1);
        db->edges[j] = old[i];
    }
    free(old);
}

/* Puts first token hash h -> child into the root table (see wt_adb_root_child()). */
static void s_root_put(wt_arootkid_t *tab, size_t cap, uint32_t h, uint32_t child)
{
    size_t i = wt_adb_root_slot(h, cap);
    while (tab[i].child)
        i = (i + 1) & (cap - 1);
    tab[i] = (wt_arootkid_t){h, child};
}

static void s_root_add(wt_actordb_t *db, uint32_t h, uint32_t child)
{
    if ((db->nroots + 1) * 2 > db->root_cap) {
        size_t ncap = db->root_cap * 2;
        wt_arootkid_t *tab = wt_calloc(ncap, sizeof *tab);
        for (size_t i = 0; i < db->root_cap; i++)
            if (db->roots[i].child) s_root_put(tab, ncap, db->roots[i].h, db->roots[i].child);
        free(db->roots);
        db->roots = tab;
        db->root_cap = ncap;
    }
    s_root_put(db->roots, db->root_cap, h, child);
    db->nroots++;
}

static uint32_t s_child_add(wt_actordb_t *db, uint32_t node, uint32_t h)
{
    uint32_t c = wt_adb_child(db, node, h);
    if (c != WT_A_NONE) return c;
    if ((db->nedges + 1) * 2 > db->edge_cap) s_edges_grow(db);
    c = s_node_new(db);
    if (node == 0) {
        uint32_t b = (h ^ (h >> 16)) & (WT_A_ROOTBITS - 1);
        db->rootbits[b >> 6] |= 1ull << (b & 63);
        s_root_add(db, h, c);
    } else {
        uint32_t b = wt_adb_edge_bit(node, h);
        db->edgebits[b >> 6] |= 1ull << (b & 63);
    }
    uint64_t key = ((uint64_t)node << 32) | h;
    uint64_t x = key * 0x9E3779B97F4A7C15ull;
    size_t j = (size_t)(x >> 32) & (db->edge_cap - 1);
    while (db->edges[j].used)
        j = (j + 1) & (db->edge_cap - 1);
    db->edges[j].key = key;
    db->edges[j].child = c;
    db->edges[j].used = 1;
    db->nedges++;
    return c;
}

/* Case rule of a dictionary token from its bytes. */
static int s_case_of(const char *s, size_t n)
{
    int letters = 0, upper = 0, lower = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            letters++, upper++;
        else if (c >= 'a' && c <= 'z')
            letters++, lower++;
    }
    unsigned char c0 = (unsigned char)s[0];
    /* an upper-case letter after a lower-case one: "LeT", "McDonald" */
    for (size_t i = 1; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'Z' && s[i - 1] >= 'a' && s[i - 1] <= 'z') return WT_AC_EXACT;
    if (letters >= 2 && lower == 0) return WT_AC_UPPER;
    if (c0 >= 'a' && c0 <= 'z') return WT_AC_ANY;
    if ((c0 >= 'A' && c0 <= 'Z') || c0 >= 0x80) return WT_AC_CAP;
    return WT_AC_ANY;
}

/* Tokenize phrase with the text layer and add it to the trie. force_case
   >= 0 overrides every token's rule (PETRARCH phrases are upper-cased). */
static int s_add_phrase(wt_actordb_t *db, wt_doc_t *doc, const char *phrase, uint8_t form,
                        uint32_t target, int force_case, bool petrarch)
{
    size_t n = strlen(phrase);
    wt_doc_analyze(doc, phrase, n);
    uint32_t node = 0, cases = 0;
    int nt = 0;
    for (size_t i = 0; i < doc->ntoks; i++) {
        const wt_token_t *t = &doc->toks[i];
        if (nt >= WT_A_MAX_NAME_TOKS) return -1;
        int c = force_case >= 0 ? force_case : s_case_of(phrase + t->start, wt_tok_len(t));
        if (force_case == WT_AC_CAP && t->kind != WT_TOK_WORD) c = WT_AC_ANY;
        cases |= (uint32_t)c << (2 * nt);
        node = s_child_add(db, node, t->hash);
        nt++;
    }
    if (nt == 0) return -1;
    uint32_t exact = 0;
    for (int k = 0; k < nt; k++)
        if (((cases >> (2 * k)) & 3) == WT_AC_EXACT)
            exact = wt_adb_exact_hash(phrase, doc->toks, 0, doc->ntoks);
    /* the same target and form already here: nothing to add */
    for (uint32_t p = db->node_pay[node]; p != WT_A_NONE; p = db->pays[p].next) {
        const wt_apayload_t *q = &db->pays[p];
        if (q->target == target && q->form == form && q->cases == cases && q->exact == exact)
            return 0;
        if (petrarch && !q->petrarch) return 0; /* our own dictionaries win over PETRARCH phrases */
    }
    wt_grow(&db->pays, &db->cap_pays, db->npays + 1, sizeof *db->pays);
    wt_apayload_t *pl = &db->pays[db->npays];
    memset(pl, 0, sizeof *pl);
    pl->target = target;
    pl->form = form;
    pl->ntok = (uint8_t)nt;
    pl->cases = cases;
    pl->petrarch = petrarch;
    pl->exact = exact;
    /* append at the end so that file order decides among equals */
    pl->next = WT_A_NONE;
    uint32_t *pp = &db->node_pay[node];
    while (*pp != WT_A_NONE)
        pp = &db->pays[*pp].next;
    *pp = (uint32_t)db->npays++;
    return 0;
}

/* ---------------------------------------------------------------- YAML tree */

enum { YN_SCALAR, YN_SEQ, YN_MAP };
/* The nodes and scalars of one file come from blocks that are freed
   together with the tree: a dictionary has hundreds of thousands of small
   scalars, and one malloc and free each was a fifth of the start-up. */
typedef struct yblock {
    struct yblock *next;
    size_t used, cap;
    max_align_t data[];
} yblock_t;

typedef struct ynode {
    int type;
    int line;
    char *s;
    struct ynode **kids; /* maps: key, value, key, value ... */
    size_t n, cap;
    yblock_t *blocks; /* the root only: where every node of the tree lives */
} ynode_t;

/* n zeroed bytes from the tree's blocks, aligned for any type. */
static void *s_yalloc(yblock_t **blocks, size_t n)
{
    size_t need = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    yblock_t *b = *blocks;
    if (!b || b->cap - b->used < need) {
        size_t cap = need > 65536 ? need : 65536;
        b = wt_malloc(sizeof *b + cap);
        b->next = *blocks;
        b->used = 0;
        b->cap = cap;
        *blocks = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += need;
    memset(p, 0, n);
    return p;
}

static void s_yfree_blocks(yblock_t *b)
{
    while (b) {
        yblock_t *next = b->next;
        free(b);
        b = next;
    }
}

/* Free the kids arrays below y (the nodes themselves live in blocks). */
static void s_yfree_kids(ynode_t *y)
{
    for (size_t i = 0; i < y->n; i++)
        if (y->kids[i]->kids) s_yfree_kids(y->kids[i]);
    free(y->kids);
}

static void s_yfree(ynode_t *root)
{
    if (!root) return;
    s_yfree_kids(root);
    s_yfree_blocks(root->blocks);
}

static void s_ykid(ynode_t *p, ynode_t *k)
{
    wt_grow(&p->kids, &p->cap, p->n + 1, sizeof *p->kids);
    p->kids[p->n++] = k;
}

/* Parse a whole YAML file into a tree; NULL and err on failure. */
static ynode_t *s_yload(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", path);
        return NULL;
    }
    yaml_parser_t ps;
    yaml_parser_initialize(&ps);
    yaml_parser_set_input_file(&ps, f);
    ynode_t *stack[64];
    int depth = 0;
    ynode_t *root = NULL;
    yblock_t *blocks = NULL;
    bool ok = true, done = false;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&ps, &ev)) {
            snprintf(err, errlen, "%s:%zu: YAML error: %s", path, ps.problem_mark.line + 1,
                     ps.problem ? ps.problem : "syntax");
            ok = false;
            break;
        }
        int line = (int)ev.start_mark.line + 1;
        ynode_t *nn = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_ALIAS_EVENT:
            snprintf(err, errlen, "%s:%d: aliases are not allowed", path, line);
            ok = false;
            done = true;
            break;
        case YAML_SCALAR_EVENT:
            nn = s_yalloc(&blocks, sizeof *nn);
            nn->type = YN_SCALAR;
            nn->s = s_yalloc(&blocks, ev.data.scalar.length + 1);
            memcpy(nn->s, ev.data.scalar.value, ev.data.scalar.length);
            if (ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                (strcmp(nn->s, "null") == 0 || strcmp(nn->s, "~") == 0 || nn->s[0] == 0))
                nn->s = NULL; /* its bytes stay in the block */
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            nn = s_yalloc(&blocks, sizeof *nn);
            nn->type = ev.type == YAML_SEQUENCE_START_EVENT ? YN_SEQ : YN_MAP;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth > 0) depth--;
            break;
        default:
            break;
        }
        if (nn) {
            nn->line = line;
            if (depth > 0)
                s_ykid(stack[depth - 1], nn);
            else if (!root)
                root = nn;
            else { /* a second document: refused, as the config loader does */
                snprintf(err, errlen, "%s:%d: more than one YAML document in the file", path, line);
                ok = false;
                yaml_event_delete(&ev);
                break;
            }
            if (nn->type != YN_SCALAR) {
                if (depth >= 63) {
                    snprintf(err, errlen, "%s:%d: nesting too deep", path, line);
                    ok = false;
                    done = true;
                } else {
                    stack[depth++] = nn;
                }
            }
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&ps);
    fclose(f);
    if (!ok) {
        if (root) s_yfree_kids(root);
        s_yfree_blocks(blocks);
        return NULL;
    }
    if (!root) {
        root = s_yalloc(&blocks, sizeof *root);
        root->type = YN_MAP;
    }
    root->blocks = blocks;
    return root;
}

/* ---------------------------------------------------------------- entries */

typedef struct {
    wt_actordb_t *db;
    wt_doc_t doc;
    const char *path;
    char *err;
    size_t errlen;
    wt_hmap_t ids; /* hash of id -> entity */
    /* deferred government seats: phrase, country entity */
    char **seat_phr;
    uint32_t *seat_ent;
    size_t nseats, cap_seats, cap_seat_ent;
    /* deferred parents (they may come later, or in another file): the
       parent id, the child entity and "FILE:LINE" for the error */
    char **par_id, **par_at;
    uint32_t *par_ent;
    size_t npar, cap_par_id, cap_par_at, cap_par_ent;
} s_load_t;

static int s_fail(s_load_t *L, const ynode_t *at, const char *key, const char *why)
{
    snprintf(L->err, L->errlen, "%s:%d: %s: %s", L->path, at ? at->line : 0, key ? key : "-", why);
    return WT_EDICT;
}

static const ynode_t *s_get(const ynode_t *map, const char *key)
{
    if (!map || map->type != YN_MAP) return NULL;
    for (size_t i = 0; i + 1 < map->n; i += 2)
        if (map->kids[i]->s && strcmp(map->kids[i]->s, key) == 0) return map->kids[i + 1];
    return NULL;
}

/* Scalar string value of key (NULL when absent or null); error on wrong type. */
static int s_str(s_load_t *L, const ynode_t *map, const char *key, const char **out)
{
    const ynode_t *v = s_get(map, key);
    *out = NULL;
    if (!v) return 0;
    if (v->type != YN_SCALAR) return s_fail(L, v, key, "expected a string");
    *out = v->s;
    return 0;
}

static int s_list(s_load_t *L, const ynode_t *map, const char *key, const ynode_t **out)
{
    const ynode_t *v = s_get(map, key);
    *out = NULL;
    if (!v || (v->type == YN_SCALAR && !v->s)) return 0;
    if (v->type != YN_SEQ) return s_fail(L, v, key, "expected a list");
    for (size_t i = 0; i < v->n; i++)
        if (v->kids[i]->type != YN_SCALAR || !v->kids[i]->s)
            return s_fail(L, v->kids[i], key, "expected a list of strings");
    *out = v;
    return 0;
}

static int s_date(s_load_t *L, const ynode_t *at, const char *key, const char *s, int32_t *out)
{
    *out = 0;
    if (!s) return 0;
    int y, m, d;
    char tail;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1800 || y > 2200 || m < 1 ||
        m > 12 || d < 1 || d > 31)
        return s_fail(L, at, key, "expected a date YYYY-MM-DD");
    *out = y * 10000 + m * 100 + d;
    return 0;
}

static const char *const s_known_keys[] = {
    "id",     "name", "code",    "wikidata",    "names", "adjectives", "capitals", "government",
    "places", "type", "country", "gender",      "roles", "title",      "person",   "aliases",
    "notes",  "note", "prefix",  "short_names", "codes", "sector",     "parent",   NULL};

const char *const wt_adb_sectors[] = {
    "technology", "telecom",   "media",      "finance",   "energy", "automotive", "aerospace",
    "airline",    "transport", "travel",     "logistics", "retail", "consumer",   "agriculture",
    "pharma",     "health",    "industrial", "chemicals", "mining", "sport",      NULL};

static void s_check_keys(s_load_t *L, const ynode_t *e)
{
    for (size_t i = 0; i + 1 < e->n; i += 2) {
        const char *k = e->kids[i]->s;
        bool known = false;
        for (int j = 0; k && s_known_keys[j]; j++)
            if (strcmp(k, s_known_keys[j]) == 0) known = true;
        if (!known) L->db->warnings++;
    }
}

static const char *const s_east_asian[] = {"CHN", "TWN", "HKG", "MAC", "KOR",
                                           "PRK", "VNM", "SGP", NULL};

static bool s_is_east_asian(const char *iso)
{
    for (int i = 0; s_east_asian[i]; i++)
        if (strcmp(iso, s_east_asian[i]) == 0) return true;
    return false;
}

static uint32_t s_ent_new(wt_actordb_t *db)
{
    wt_grow(&db->ents, &db->cap_ents, db->nents + 1, sizeof *db->ents);
    wt_aentity_t *e = &db->ents[db->nents];
    memset(e, 0, sizeof *e);
    e->gov = WT_A_NONE;
    e->parent = WT_A_NONE;
    return (uint32_t)db->nents++;
}

static int s_add_names(s_load_t *L, const ynode_t *list, uint8_t form, uint32_t target,
                       const char *key)
{
    if (!list) return 0;
    for (size_t i = 0; i < list->n; i++)
        if (s_add_phrase(L->db, &L->doc, list->kids[i]->s, form, target, -1, false) < 0)
            return s_fail(L, list->kids[i], key, "empty or too long name");
    return 0;
}

static int s_entry_agent(s_load_t *L, const ynode_t *e)
{
    const ynode_t *names;
    const char *title, *code, *person;
    int rc;
    if ((rc = s_list(L, e, "names", &names)) || (rc = s_str(L, e, "title", &title)) ||
        (rc = s_str(L, e, "code", &code)) || (rc = s_str(L, e, "person", &person)))
        return rc;
    if (!names || !names->n) return s_fail(L, e, "names", "required");
    if (!code) return s_fail(L, e, "code", "required");
    wt_actordb_t *db = L->db;
    wt_grow(&db->agents, &db->cap_agents, db->nagents + 1, sizeof *db->agents);
    wt_aagent_t *a = &db->agents[db->nagents];
    memset(a, 0, sizeof *a);
    a->code = wt_strdup(code);
    if (title) {
        a->title = wt_strdup(title);
    } else { /* the first name, title-cased */
        a->title = wt_strdup(names->kids[0]->s);
        for (char *p = a->title; *p; p++)
            if ((p == a->title || p[-1] == ' ') && *p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
    }
    a->person = person && (strcmp(person, "true") == 0 || strcmp(person, "yes") == 0);
    uint32_t idx = (uint32_t)db->nagents++;
    for (size_t i = 0; i < names->n; i++) {
        /* agent nouns match any case */
        if (s_add_phrase(db, &L->doc, names->kids[i]->s, WT_AF_AGENT, idx, WT_AC_ANY, false) < 0)
            return s_fail(L, names->kids[i], "names", "empty or too long name");
    }
    return 0;
}

/* Type and country of entity en (kind: 0 country, 1 organization, 2 person). */
static int s_entity_kind(s_load_t *L, const ynode_t *e, int kind, wt_aentity_t *en, uint32_t ei)
{
    const char *id = en->id, *type, *country;
    int rc;
    if ((rc = s_str(L, e, "type", &type)) || (rc = s_str(L, e, "country", &country))) return rc;
    if (kind == 0) {
        en->type = WT_ACTOR_COUNTRY;
        if (strlen(id) != 3)
            return s_fail(L, s_get(e, "id"), "id", "a country id is its ISO3 code");
        memcpy(en->country, id, 4);
        wt_hmap_put(&L->db->isos, wt_text_hash(id, 3), ei);
        return 0;
    }
    en->type = kind == 2 ? WT_ACTOR_PERSON : WT_ACTOR_ORGANIZATION;
    if (type) {
        wt_actor_type_t t;
        if (wt_actor_type_parse(type, &t) < 0)
            return s_fail(L, s_get(e, "type"), "type", "expected person|organization|country");
        en->type = (uint8_t)t;
    }
    if (country) {
        if (strlen(country) != 3)
            return s_fail(L, s_get(e, "country"), "country", "expected an ISO3 code");
        memcpy(en->country, country, 4);
    }
    return 0;
}

/* Companies: `sector:` and `parent:` (resolved once every file is read). */
static int s_entity_company(s_load_t *L, const ynode_t *e, wt_aentity_t *en, uint32_t ei)
{
    const char *sector = NULL, *parent = NULL;
    int rc;
    if ((rc = s_str(L, e, "sector", &sector)) || (rc = s_str(L, e, "parent", &parent))) return rc;
    if (sector) {
        for (int k = 0; wt_adb_sectors[k] && !en->sector; k++)
            if (strcmp(sector, wt_adb_sectors[k]) == 0) en->sector = (uint8_t)(k + 1);
        if (!en->sector)
            return s_fail(L, s_get(e, "sector"), "sector",
                          "unknown sector (see docs/DICTIONARIES.md for the list)");
    }
    if (parent) {
        if (strcmp(parent, en->id) == 0)
            return s_fail(L, s_get(e, "parent"), "parent", "an entry is not its own parent");
        char at[512];
        snprintf(at, sizeof at, "%s:%d", L->path, s_get(e, "parent")->line);
        wt_grow(&L->par_id, &L->cap_par_id, L->npar + 1, sizeof *L->par_id);
        wt_grow(&L->par_at, &L->cap_par_at, L->npar + 1, sizeof *L->par_at);
        wt_grow(&L->par_ent, &L->cap_par_ent, L->npar + 1, sizeof *L->par_ent);
        L->par_id[L->npar] = wt_strdup(parent);
        L->par_at[L->npar] = wt_strdup(at);
        L->par_ent[L->npar++] = ei;
    }
    return 0;
}

/* Countries: `places:` (one to four words each) into the place index. */
static int s_entity_places(s_load_t *L, const ynode_t *e, int kind, uint32_t ei)
{
    wt_actordb_t *db = L->db;
    const ynode_t *places = NULL;
    int rc;
    if ((rc = s_list(L, e, "places", &places))) return rc;
    if (places && kind != 0) return s_fail(L, places, "places", "only countries have places");
    for (size_t i = 0; places && i < places->n; i++) {
        const char *pl = places->kids[i]->s;
        size_t pn = pl ? strlen(pl) : 0;
        if (!pn || pn > 128) return s_fail(L, places->kids[i], "places", "empty or too long name");
        wt_doc_analyze(&L->doc, pl, pn);
        size_t nw = 0;
        for (size_t k = 0; k < L->doc.ntoks; k++)
            nw += L->doc.toks[k].kind == WT_TOK_WORD;
        if (!nw || nw > 4)
            return s_fail(L, places->kids[i], "places", "a place is one to four words");
        uint32_t key = wt_adb_place_key(L->doc.toks, 0, L->doc.ntoks);
        wt_hmap_put(&db->place_first, L->doc.toks[0].hash, 1);
        uint32_t old = wt_hmap_get(&db->places, key);
        wt_hmap_put(&db->places, key, old == WT_A_NONE || old == ei ? ei : WT_A_AMBIG);
    }
    return 0;
}

/* One dated entry of `roles:` (titled: title required, code optional) or
   `codes:` (code required, no title) into ro. */
static int s_dated(s_load_t *L, const ynode_t *r, bool titled, wt_arole_t *ro)
{
    const char *list = titled ? "roles" : "codes";
    const char *title = NULL, *code, *from, *to;
    char key[32];
    int rc;
    if (r->type != YN_MAP) return s_fail(L, r, list, "expected a map");
    if ((titled && (rc = s_str(L, r, "title", &title))) || (rc = s_str(L, r, "code", &code)) ||
        (rc = s_str(L, r, "from", &from)) || (rc = s_str(L, r, "to", &to)))
        return rc;
    if (titled && !title) return s_fail(L, r, "roles.title", "required");
    if (!titled && !code) return s_fail(L, r, "codes.code", "required");
    char kto[32];
    snprintf(key, sizeof key, "%s.from", list);
    snprintf(kto, sizeof kto, "%s.to", list);
    if ((rc = s_date(L, r, key, from, &ro->from)) || (rc = s_date(L, r, kto, to, &ro->to)))
        return rc;
    if (titled && ro->from && ro->to && ro->to < ro->from)
        return s_fail(L, r, "roles.to", "ends before it starts");
    ro->title = title ? wt_strdup(title) : NULL;
    ro->code = code ? wt_strdup(code) : NULL;
    return 0;
}

/* `roles:` of a person (dated titles and codes), or `codes:` of an
   organisation (dated codes, kept as roles without a title). */
static int s_entity_roles(s_load_t *L, const ynode_t *e, wt_aentity_t *en)
{
    int rc;
    const ynode_t *roles = s_get(e, "roles");
    if (roles && roles->type == YN_SEQ) {
        en->roles = wt_calloc(roles->n ? roles->n : 1, sizeof *en->roles);
        for (size_t i = 0; i < roles->n; i++) {
            if ((rc = s_dated(L, roles->kids[i], true, &en->roles[en->nroles]))) return rc;
            en->nroles++;
        }
    } else if (roles && !(roles->type == YN_SCALAR && !roles->s)) {
        return s_fail(L, roles, "roles", "expected a list");
    }
    const ynode_t *codes = s_get(e, "codes");
    if (codes && codes->type == YN_SEQ && en->type != WT_ACTOR_PERSON && !en->nroles) {
        en->roles = wt_calloc(codes->n ? codes->n : 1, sizeof *en->roles);
        for (size_t i = 0; i < codes->n; i++) {
            if ((rc = s_dated(L, codes->kids[i], false, &en->roles[en->nroles]))) return rc;
            en->nroles++;
        }
    }
    return 0;
}

/* Key of one short name ("Le Pen"), and of its capitalised tail ("von der
   Leyen": "Leyen") in *tail (0 when none or the same). False when it holds
   no word. */
static bool s_short_key(s_load_t *L, const char *sn, uint32_t *key, uint32_t *tail)
{
    wt_doc_analyze(&L->doc, sn, strlen(sn));
    uint32_t k = 0, tk_ = 0;
    int nw = 0, nt = 0;
    bool in_tail = false;
    for (size_t t = 0; t < L->doc.ntoks; t++) {
        const wt_token_t *tk = &L->doc.toks[t];
        if (tk->kind != WT_TOK_WORD) continue;
        k = nw == 0 ? tk->hash : wt_adb_key_mix(nw == 1 ? wt_adb_key_mix(0, k) : k, tk->hash);
        nw++;
        /* "von der Leyen": the capitalised tail is a key too */
        if (!in_tail && (tk->flags & WT_TF_CAP) && t > 0) in_tail = true;
        if (in_tail) {
            tk_ = nt == 0 ? tk->hash
                          : wt_adb_key_mix(nt == 1 ? wt_adb_key_mix(0, tk_) : tk_, tk->hash);
            nt++;
        }
    }
    *key = k;
    *tail = in_tail && tk_ && tk_ != k ? tk_ : 0;
    return nw > 0;
}

/* `short_names:` exactly the short forms that stand for the person. */
static int s_entity_shorts(s_load_t *L, const ynode_t *e, wt_aentity_t *en)
{
    const ynode_t *shorts;
    int rc;
    if ((rc = s_list(L, e, "short_names", &shorts))) return rc;
    en->has_short = s_get(e, "short_names") != NULL;
    if (!shorts || !shorts->n) return 0;
    en->short_keys = wt_calloc(2 * shorts->n, sizeof(uint32_t));
    for (size_t i = 0; i < shorts->n; i++) {
        uint32_t k, tail;
        if (!s_short_key(L, shorts->kids[i]->s, &k, &tail)) continue;
        en->short_keys[en->nshort++] = k;
        if (tail) en->short_keys[en->nshort++] = tail;
    }
    return 0;
}

/* Surname index entry: key names entity ei, or several (WT_A_AMBIG). */
static void s_surname_put(wt_actordb_t *db, uint32_t key, uint32_t ei)
{
    uint32_t old = wt_hmap_get(&db->surnames, key);
    wt_hmap_put(&db->surnames, key, old == WT_A_NONE || old == ei ? ei : WT_A_AMBIG);
}

/* Persons: the token hashes of the canonical name, and the surname index
   (the short names, or else the last name and, family name first, the
   first). */
static void s_entity_person(s_load_t *L, wt_aentity_t *en, uint32_t ei)
{
    wt_actordb_t *db = L->db;
    if (en->type != WT_ACTOR_PERSON) return;
    wt_doc_analyze(&L->doc, en->name, strlen(en->name));
    en->name_hashes = wt_calloc(L->doc.ntoks ? L->doc.ntoks : 1, sizeof(uint32_t));
    for (size_t i = 0; i < L->doc.ntoks; i++)
        if (L->doc.toks[i].kind == WT_TOK_WORD) en->name_hashes[en->nname++] = L->doc.toks[i].hash;
    if (en->has_short) {
        for (int k = 0; k < en->nshort; k++)
            s_surname_put(db, en->short_keys[k], ei);
    } else if (en->nname >= 2) {
        if (en->name_hashes[en->nname - 1]) s_surname_put(db, en->name_hashes[en->nname - 1], ei);
        if (en->east_asian && en->name_hashes[0]) s_surname_put(db, en->name_hashes[0], ei);
    }
}

/* kind: 0 country, 1 organization/institution, 2 person */
static int s_entry_entity(s_load_t *L, const ynode_t *e, int kind)
{
    const char *id, *name, *code, *wd, *type, *country;
    const ynode_t *names, *adjs, *caps, *govs, *aliases;
    int rc;
    if ((rc = s_str(L, e, "id", &id)) || (rc = s_str(L, e, "name", &name)) ||
        (rc = s_str(L, e, "code", &code)) || (rc = s_str(L, e, "wikidata", &wd)) ||
        (rc = s_str(L, e, "type", &type)) || (rc = s_str(L, e, "country", &country)) ||
        (rc = s_list(L, e, "names", &names)) || (rc = s_list(L, e, "adjectives", &adjs)) ||
        (rc = s_list(L, e, "capitals", &caps)) || (rc = s_list(L, e, "government", &govs)) ||
        (rc = s_list(L, e, "aliases", &aliases)))
        return rc;
    if (!id) return s_fail(L, e, "id", "required");
    if (!name) return s_fail(L, e, "name", "required");
    uint32_t idh = wt_text_hash(id, strlen(id));
    if (wt_hmap_get(&L->ids, idh) != WT_A_NONE)
        return s_fail(L, s_get(e, "id"), "id", "duplicate id");
    wt_actordb_t *db = L->db;
    uint32_t ei = s_ent_new(db);
    wt_hmap_put(&L->ids, idh, ei);
    wt_aentity_t *en = &db->ents[ei];
    en->id = wt_strdup(id);
    en->name = wt_strdup(name);
    en->code = code ? wt_strdup(code) : NULL;
    en->wikidata = wd ? wt_strdup(wd) : NULL;
    if ((rc = s_entity_kind(L, e, kind, en, ei))) return rc;
    en->east_asian = en->country[0] && s_is_east_asian(en->country);
    if ((rc = s_entity_company(L, e, en, ei))) return rc;
    /* the canonical name is a name too */
    if (s_add_phrase(db, &L->doc, name, WT_AF_NAME, ei, -1, false) < 0)
        return s_fail(L, s_get(e, "name"), "name", "empty or too long name");
    if ((rc = s_add_names(L, names, WT_AF_NAME, ei, "names")) ||
        (rc = s_add_names(L, aliases, WT_AF_NAME, ei, "aliases")) ||
        (rc = s_add_names(L, adjs, WT_AF_ADJ, ei, "adjectives")) ||
        (rc = s_add_names(L, caps, WT_AF_CAPITAL, ei, "capitals")))
        return rc;
    if ((rc = s_entity_places(L, e, kind, ei))) return rc;
    for (size_t i = 0; govs && i < govs->n; i++) {
        wt_grow(&L->seat_phr, &L->cap_seats, L->nseats + 1, sizeof *L->seat_phr);
        wt_grow(&L->seat_ent, &L->cap_seat_ent, L->nseats + 1, sizeof *L->seat_ent);
        L->seat_phr[L->nseats] = wt_strdup(govs->kids[i]->s);
        L->seat_ent[L->nseats++] = ei;
    }
    if ((rc = s_entity_roles(L, e, en)) || (rc = s_entity_shorts(L, e, en))) return rc;
    s_entity_person(L, en, ei);
    return 0;
}

static int s_load_file(s_load_t *L, const char *path)
{
    L->path = path;
    ynode_t *root = s_yload(path, L->err, L->errlen);
    if (!root) return WT_EDICT;
    int rc = 0;
    const ynode_t *entries = s_get(root, "entries");
    if (root->type != YN_MAP || !entries || entries->type != YN_SEQ) {
        rc = s_fail(L, root, "entries", "expected a top-level map with an entries: list");
        goto out;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    int fkind = strstr(base, "countr")                               ? 0
                : strstr(base, "agent")                              ? 3
                : (strstr(base, "people") || strstr(base, "person")) ? 2
                                                                     : 1;
    for (size_t i = 0; i < entries->n && rc == 0; i++) {
        const ynode_t *e = entries->kids[i];
        if (e->type != YN_MAP) {
            rc = s_fail(L, e, "entries", "each entry is a map");
            break;
        }
        s_check_keys(L, e);
        int kind = fkind;
        if (kind != 3 && !s_get(e, "id") && s_get(e, "person")) kind = 3;
        if (kind == 1 && s_get(e, "roles")) kind = 2;
        rc = kind == 3 ? s_entry_agent(L, e) : s_entry_entity(L, e, kind);
    }
out:
    s_yfree(root);
    return rc;
}

/* ---------------------------------------------------------------- PETRARCH */

static uint32_t s_country_ent(s_load_t *L, const char *code3)
{
    char id[4] = {code3[0], code3[1], code3[2], 0};
    uint32_t e = wt_hmap_get(&L->ids, wt_text_hash(id, 3));
    if (e != WT_A_NONE && L->db->ents[e].type == WT_ACTOR_COUNTRY) return e;
    return WT_A_NONE;
}

static void s_petrarch_phrase_words(const char *phrase, char *buf, size_t cap)
{
    /* PETRARCH phrases are upper case: title-case them for display */
    size_t j = 0;
    bool start = true;
    for (const char *p = phrase; *p && j + 1 < cap; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z' && !start) c = (char)(c + 32);
        buf[j++] = c;
        start = c == ' ' || c == '-';
    }
    buf[j] = 0;
}

/* True when phrase begins with a role noun of our agents ("PRESIDENT OF THE
   UNITED STATES"): such PETRARCH entries name an office, not an actor. */
static bool s_agent_prefix(s_load_t *L, const char *phrase)
{
    wt_actordb_t *db = L->db;
    wt_doc_analyze(&L->doc, phrase, strlen(phrase));
    uint32_t node = 0;
    size_t i = 0;
    if (L->doc.ntoks > 1 && L->doc.toks[0].hash == wt_text_hash("the", 3)) i = 1;
    for (; i < L->doc.ntoks; i++) {
        node = wt_adb_child(db, node, L->doc.toks[i].hash);
        if (node == WT_A_NONE) return false;
        for (uint32_t p = db->node_pay[node]; p != WT_A_NONE; p = db->pays[p].next)
            if (db->pays[p].form == WT_AF_AGENT) return true;
    }
    return false;
}

/* A CAMEO role code (the part after the country): GOV, MIL, REB ... */
static bool s_role_code(const char *c)
{
    static const char *const roles[] = {"GOV", "MIL", "REB", "OPP",    "PTY", "COP", "JUD", "SPY",
                                        "IGO", "NGO", "BUS", "MED",    "EDU", "ELI", "CVL", "LEG",
                                        "HLH", "REF", "AGR", "CRM",    "LAB", "UAF", "IMG", "IRC",
                                        "MNC", "INS", "SEP", "RAD",    "HRI", "ENV", "DEV", "MOD",
                                        "CON", "REL", "PRO", "IGOUNO", NULL};
    for (int i = 0; roles[i]; i++)
        if (strncmp(c, roles[i], 3) == 0) return true;
    return false;
}

/* The phrase without a leading "THE ". */
static const char *s_skip_the(const char *p)
{
    return strncmp(p, "THE ", 4) == 0 && p[4] ? p + 4 : p;
}

static int s_load_petrarch(s_load_t *L, const char *const *paths, int n)
{
    wt_petrarch_dict_t *pd = wt_petrarch_dict_new();
    L->db->petrarch = pd;
    for (int i = 0; i < n; i++) {
        wt_petrarch_report_t rep;
        memset(&rep, 0, sizeof rep);
        int rc = wt_petrarch_read(pd, paths[i], WT_PETRARCH_AUTO, &rep);
        L->db->warnings += (size_t)rep.nwarnings;
        wt_petrarch_report_free(&rep);
        if (rc == -EINVAL) {
            L->db->warnings++; /* an issues file listed here: skipped */
            continue;
        }
        if (rc < 0) {
            snprintf(L->err, L->errlen, "%s:0: actors.petrarch: %s", paths[i], wt_strerror(rc));
            return WT_EDICT;
        }
    }
    wt_actordb_t *db = L->db;
    char buf[256];
    for (size_t i = 0; i < pd->nactors; i++) {
        const wt_petrarch_actor_t *a = &pd->actors[i];
        const char *code = wt_petrarch_actor_code(a, 0);
        if (!code || strcmp(code, "---") == 0 || strlen(code) < 3) continue;
        if (s_agent_prefix(L, a->phrase)) continue; /* an office, not an actor */
        bool dated = false, role = false;
        uint32_t ce = WT_A_NONE;
        for (int k = 0; k < a->ncodes; k++) {
            const char *c = a->codes[k].code;
            if (a->codes[k].from || a->codes[k].to) dated = true;
            if (ce == WT_A_NONE && strlen(c) >= 3) ce = s_country_ent(L, c);
            for (size_t o = 3; strlen(c) >= o + 3; o += 3)
                if (s_role_code(c + o)) role = true;
            if (s_role_code(c)) role = true;
        }
        if (ce == WT_A_NONE && strlen(code) >= 6) ce = s_country_ent(L, code + strlen(code) - 3);
        if (ce != WT_A_NONE && !role) {
            /* a city, region or territory of a country: a place that joins
               its country only when the country is in play */
            s_add_phrase(db, &L->doc, s_skip_the(a->phrase), WT_AF_CAPITAL, ce, WT_AC_CAP, true);
            continue;
        }
        uint32_t ei = s_ent_new(db);
        wt_aentity_t *en = &db->ents[ei];
        /* display name: the primary phrase, or the longest synonym that does
           not start with a title */
        const char *nm = s_skip_the(a->phrase);
        s_petrarch_phrase_words(nm, buf, sizeof buf);
        en->name = wt_strdup(buf);
        char idb[64];
        size_t j = 0;
        for (const char *p = nm; *p && j + 1 < sizeof idb; p++) {
            char c = *p;
            if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
            idb[j++] = ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? c : '_';
        }
        idb[j] = 0;
        char idf[80];
        snprintf(idf, sizeof idf, "petrarch_%s", idb);
        en->id = wt_strdup(idf);
        en->code = wt_strdup(code);
        en->petrarch = 1;
        en->pact = a;
        /* people: dated codes, or a first name in front */
        wt_doc_analyze(&L->doc, nm, strlen(nm));
        bool first =
            L->doc.ntoks >= 2 && wt_hmap_get(&db->firsts, L->doc.toks[0].hash) != WT_A_NONE;
        en->type = (dated || first) ? WT_ACTOR_PERSON : WT_ACTOR_ORGANIZATION;
        if (ce != WT_A_NONE) memcpy(en->country, db->ents[ce].country, 4);
        en->east_asian = en->country[0] && s_is_east_asian(en->country);
        if (en->type == WT_ACTOR_PERSON) {
            en->name_hashes = wt_calloc(L->doc.ntoks ? L->doc.ntoks : 1, sizeof(uint32_t));
            for (size_t k = 0; k < L->doc.ntoks; k++)
                if (L->doc.toks[k].kind == WT_TOK_WORD)
                    en->name_hashes[en->nname++] = L->doc.toks[k].hash;
            if (en->nname >= 2) { /* the surname alone, when no YAML person has it */
                uint32_t key = en->name_hashes[en->nname - 1];
                uint32_t old = wt_hmap_get(&db->surnames, key);
                wt_hmap_put(&db->surnames, key, old == WT_A_NONE || old == ei ? ei : WT_A_AMBIG);
            }
        }
        s_add_phrase(db, &L->doc, nm, WT_AF_NAME, ei, WT_AC_CAP, true);
        for (int k = 0; k < a->nsynonyms; k++)
            if (!s_agent_prefix(L, a->synonyms[k]))
                s_add_phrase(db, &L->doc, s_skip_the(a->synonyms[k]), WT_AF_NAME, ei, WT_AC_CAP,
                             true);
    }
    for (size_t i = 0; i < pd->nagents; i++) {
        const wt_petrarch_agent_t *a = &pd->agents[i];
        wt_grow(&db->agents, &db->cap_agents, db->nagents + 1, sizeof *db->agents);
        wt_aagent_t *ag = &db->agents[db->nagents];
        memset(ag, 0, sizeof *ag);
        s_petrarch_phrase_words(a->phrase, buf, sizeof buf);
        ag->title = wt_strdup(buf);
        ag->code = wt_strdup(a->code);
        ag->prefix = a->prefix;
        ag->person = strncmp(a->code, "GOV", 3) == 0 || strncmp(a->code, "MIL", 3) == 0;
        uint32_t idx = (uint32_t)db->nagents++;
        s_add_phrase(db, &L->doc, a->phrase, WT_AF_AGENT, idx, WT_AC_ANY, true);
        for (int k = 0; k < a->nplurals; k++)
            s_add_phrase(db, &L->doc, a->plurals[k], WT_AF_AGENT, idx, WT_AC_ANY, true);
    }
    return 0;
}

/* ---------------------------------------------------------------- public */

int wt_adb_role_at(const wt_aentity_t *e, int date)
{
    if (e->nroles == 0) return -1;
    if (date == 0) { /* latest range: the one that starts last */
        int best = 0;
        for (int i = 1; i < e->nroles; i++)
            if (e->roles[i].from >= e->roles[best].from) best = i;
        return best;
    }
    for (int i = e->nroles - 1; i >= 0; i--) {
        const wt_arole_t *r = &e->roles[i];
        if ((!r->from || date >= r->from) && (!r->to || date < r->to)) return i;
    }
    return -1;
}

static uint64_t s_file_hash(const char *path, uint64_t h)
{
    FILE *f = fopen(path, "rb");
    if (!f) return h;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        uint64_t x = wt_hash64(buf, n);
        h = (h ^ x) * 0x100000001b3ull;
    }
    fclose(f);
    return h;
}

wt_actordb_t *wt_actordb_load(const char *const *yaml, int nyaml, const char *const *petrarch,
                              int npetrarch, const char *first_names, char *err, size_t errlen)
{
    wt_names_init();
    wt_actordb_t *db = wt_calloc(1, sizeof *db);
    s_node_new(db); /* root */
    db->rootbits = wt_calloc(WT_A_ROOTBITS / 64, sizeof(uint64_t));
    db->edgebits = wt_calloc(WT_A_EDGEBITS / 64, sizeof(uint64_t));
    db->root_cap = 1024;
    db->roots = wt_calloc(db->root_cap, sizeof *db->roots);
    s_edges_grow(db);
    s_load_t L;
    memset(&L, 0, sizeof L);
    L.db = db;
    L.err = err;
    L.errlen = errlen;
    wt_doc_init(&L.doc);
    wt_hmap_init(&L.ids, 1024);
    int rc = 0;
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 0; i < nyaml && rc == 0; i++) {
        rc = s_load_file(&L, yaml[i]);
        h = s_file_hash(yaml[i], h);
    }
    /* seats of power -> <iso>_government when it exists, else the country */
    for (size_t i = 0; i < L.nseats; i++) {
        if (rc == 0) {
            uint32_t ce = L.seat_ent[i];
            char gid[32];
            snprintf(gid, sizeof gid, "%s_government", db->ents[ce].id);
            for (char *p = gid; *p; p++)
                if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
            uint32_t ge = wt_hmap_get(&L.ids, wt_text_hash(gid, strlen(gid)));
            if (ge != WT_A_NONE) db->ents[ce].gov = ge;
            s_add_phrase(db, &L.doc, L.seat_phr[i], ge != WT_A_NONE ? WT_AF_NAME : WT_AF_GOVSEAT,
                         ge != WT_A_NONE ? ge : ce, -1, false);
        }
        free(L.seat_phr[i]);
    }
    /* parents name an entry of some file */
    for (size_t i = 0; i < L.npar; i++) {
        uint32_t pe = wt_hmap_get(&L.ids, wt_text_hash(L.par_id[i], strlen(L.par_id[i])));
        if (rc == 0 && pe == WT_A_NONE) {
            snprintf(err, errlen,
                     "%s: parent: no entry has the id '%s' (give an id of a loaded file)",
                     L.par_at[i], L.par_id[i]);
            rc = WT_EDICT;
        }
        if (rc == 0) db->ents[L.par_ent[i]].parent = pe;
        free(L.par_id[i]);
        free(L.par_at[i]);
    }
    free(L.par_id);
    free(L.par_at);
    free(L.par_ent);
    if (first_names) {
        db->hash = h;
        wt_actordb_load_first_names(db, first_names);
        h = db->hash;
    }
    if (rc == 0 && npetrarch > 0) {
        rc = s_load_petrarch(&L, petrarch, npetrarch);
        for (int i = 0; i < npetrarch; i++)
            h = s_file_hash(petrarch[i], h);
    }
    free(L.seat_phr);
    free(L.seat_ent);
    wt_hmap_free(&L.ids);
    wt_doc_free(&L.doc);
    db->hash = h;
    if (rc != 0) {
        wt_actordb_destroy(&db);
        return NULL;
    }
    return db;
}

void wt_actordb_destroy(wt_actordb_t **self_p)
{
    if (!self_p || !*self_p) return;
    wt_actordb_t *db = *self_p;
    for (size_t i = 0; i < db->nents; i++) {
        wt_aentity_t *e = &db->ents[i];
        free(e->id);
        free(e->name);
        free(e->code);
        free(e->wikidata);
        for (int r = 0; r < e->nroles; r++) {
            free(e->roles[r].title);
            free(e->roles[r].code);
        }
        free(e->roles);
        free(e->name_hashes);
        free(e->short_keys);
    }
    for (size_t i = 0; i < db->nagents; i++) {
        free(db->agents[i].title);
        free(db->agents[i].code);
    }
    free(db->ents);
    free(db->agents);
    free(db->pays);
    free(db->node_pay);
    free(db->edges);
    free(db->rootbits);
    free(db->edgebits);
    free(db->roots);
    wt_hmap_free(&db->surnames);
    wt_hmap_free(&db->places);
    wt_hmap_free(&db->place_first);
    wt_hmap_free(&db->isos);
    wt_hmap_free(&db->firsts);
    if (db->petrarch) {
        wt_petrarch_dict_t *pd = db->petrarch;
        wt_petrarch_dict_destroy(&pd);
    }
    free(db);
    *self_p = NULL;
}

wt_actordb_t *wt_actordb_new(const wt_config_t *cfg, char *err, size_t errlen)
{
    const char *yaml[WT_CONFIG_MAX_LIST] = {0}, *pet[WT_CONFIG_MAX_LIST] = {0};
    char *own[2 * WT_CONFIG_MAX_LIST];
    int ny = 0, np = 0, no = 0;
    for (int i = 0; i < cfg->actors_dictionaries.count; i++)
        yaml[ny++] = own[no++] = wt_config_path(cfg, cfg->actors_dictionaries.items[i]);
    for (int i = 0; i < cfg->actors_petrarch.count; i++)
        pet[np++] = own[no++] = wt_config_path(cfg, cfg->actors_petrarch.items[i]);
    char path[4096];
    snprintf(path, sizeof path, "%s/names/first-names.txt", wt_config_data_dir());
    wt_actordb_t *db = wt_actordb_load(yaml, ny, pet, np, path, err, errlen);
    for (int i = 0; i < no; i++)
        free(own[i]);
    return db;
}

int wt_actordb_load_first_names(wt_actordb_t *db, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[256];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == 0 || line[1] != ' ') continue;
        char *w = line + 2;
        size_t l = strcspn(w, " \t\r\n");
        if (l == 0) continue;
        wt_hmap_put(&db->firsts, wt_text_hash(w, l), 1);
        n++;
    }
    fclose(f);
    db->hash = s_file_hash(path, db->hash);
    return n;
}

uint64_t wt_actordb_hash(const wt_actordb_t *db)
{
    return db ? db->hash : 0;
}

size_t wt_actordb_warnings(const wt_actordb_t *db)
{
    return db ? db->warnings : 0;
}
