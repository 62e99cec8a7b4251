/*  scan.c: pass 1 of the actors stage: one walk over the tokens emits
    mentions: dictionary matches, titles composed with the country before
    them, and capitalised runs that no dictionary explains, typed by their
    head word, shape and context; then what follows a name (speech verb,
    appositive with a title, bracketed acronym, "of" + country).
*/
#include "tag_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void s_place_seen(wt_actors_ctx_t *ctx, uint32_t ce)
{
    wt_hmap_put(&ctx->named, ce, 1);
    uint32_t c = wt_hmap_get(&ctx->placec, ce);
    wt_hmap_put(&ctx->placec, ce, c == WT_A_NONE ? 1 : c + 1);
}

static wt_act_mention_t *s_emit(wt_actors_ctx_t *ctx, uint32_t t0, uint32_t t1, uint8_t utype)
{
    wt_grow(&ctx->m, &ctx->cap_m, ctx->nm + 1, sizeof *ctx->m);
    wt_act_mention_t *m = &ctx->m[ctx->nm++];
    memset(m, 0, sizeof *m);
    m->t0 = t0;
    m->t1 = t1;
    m->b0 = ctx->doc->toks[t0].start;
    m->b1 = ctx->doc->toks[t1 - 1].end;
    m->ent = WT_A_NONE;
    m->cent = WT_A_NONE;
    m->agent = WT_A_NONE;
    m->mod0 = WT_A_NONE;
    m->link = WT_A_NONE;
    m->actor = -1;
    m->utype = utype;
    uint32_t k = 0;
    for (uint32_t i = t0; i < t1; i++)
        if (ctx->doc->toks[i].kind == WT_TOK_WORD)
            k = t1 - t0 == 1 ? ctx->doc->toks[i].hash : wt_adb_key_mix(k, ctx->doc->toks[i].hash);
    m->key = k;
    return m;
}

/* Noun-phrase state: what precedes a name in the same phrase. */
typedef struct {
    uint32_t cent;  /* country named before ("Chinese", "US", "of Israel") */
    uint32_t agent; /* title */
    uint32_t agent_t0;
    uint32_t mod0; /* modifiers of the title */
    bool hon;
} s_np_t;

static void s_np_reset(s_np_t *np)
{
    np->cent = WT_A_NONE;
    np->agent = WT_A_NONE;
    np->agent_t0 = WT_A_NONE;
    np->mod0 = WT_A_NONE;
    np->hon = false;
}

/* Token a is an acronym of the words [t0, t1): its letters are the first
   letters of successive words, in order ("KHRC", "IPO"; not "R-OR"). */
static bool s_acronym_of(const wt_actors_ctx_t *ctx, uint32_t a, uint32_t t0, uint32_t t1)
{
    const wt_token_t *t = &ctx->doc->toks[a];
    uint32_t w = t0;
    int letters = 0;
    for (uint32_t b = t->start; b < t->end; b++) {
        char c = ctx->text[b];
        if (c == '.') continue;
        if (c < 'A' || c > 'Z') return false;
        while (w < t1 && (ctx->text[ctx->doc->toks[w].start] & ~0x20) != c)
            w++;
        if (w >= t1) return false;
        w++;
        letters++;
    }
    return letters >= 2;
}

/* After a name ending before token j: speech verb, appositive, bracketed
   acronym. Returns the token to continue from. */
static uint32_t s_after_name(wt_actors_ctx_t *ctx, size_t mi, uint32_t j)
{
    const wt_doc_t *doc = ctx->doc;
    wt_act_mention_t *m = &ctx->m[mi];
    if (j < doc->ntoks && (wt_act_cls(ctx, j) & WT_W_SAY)) {
        m->flags |= MF_SAID;
        for (uint32_t k = j + 1; k < doc->ntoks && k < j + 4; k++)
            if (doc->toks[k].hash == ctx->h_he || doc->toks[k].hash == ctx->h_she)
                m->flags |= MF_PRON;
    }
    /* "(KHRC)" */
    if (j + 2 < doc->ntoks && doc->toks[j].kind == WT_TOK_PUNCT &&
        ctx->text[doc->toks[j].start] == '(' && (doc->toks[j + 1].flags & WT_TF_ALLCAP) &&
        doc->toks[j + 2].kind == WT_TOK_PUNCT && ctx->text[doc->toks[j + 2].start] == ')' &&
        m->utype != UT_SINGLE && s_acronym_of(ctx, j + 1, m->t0, m->t1)) {
        wt_act_mention_t *a = s_emit(ctx, j + 1, j + 2, UT_SINGLE);
        a->flags |= MF_ACRO | MF_ALLCAP;
        a->link = (uint32_t)mi;
        return j + 3;
    }
    /* "Harry Reid of Nevada", "Nelson Chamisa of the MDC": the country of
       what follows "of" */
    if ((m->utype == UT_PERSON || m->utype == UT_SINGLE) && m->cent == WT_A_NONE &&
        j + 1 < doc->ntoks && doc->toks[j].hash == ctx->h_of) {
        uint32_t k = j + 1, l = 0;
        if (k + 1 < doc->ntoks && (wt_act_cls(ctx, k) & WT_W_ARTICLE)) k++;
        const wt_apayload_t *p = wt_act_match(ctx, k, &l, -1);
        if (p && p->form != WT_AF_AGENT) {
            const wt_aentity_t *e = &ctx->db->ents[p->target];
            if (e->type == WT_ACTOR_COUNTRY && p->form != WT_AF_CAPITAL)
                m->cent = p->target;
            else if (e->type == WT_ACTOR_ORGANIZATION && e->country[0])
                m->cent = wt_act_iso_ent(ctx->db, e->country);
        } else if (!p) {
            uint32_t l2 = 0, pce = wt_act_place_at(ctx, k, doc->ntoks, &l2); /* "of Nevada" */
            if (pce != WT_A_NONE) m->cent = pce;
        }
    }
    /* ", a spokesman for the Indian foreign ministry," */
    if (j + 1 < doc->ntoks && doc->toks[j].kind == WT_TOK_PUNCT &&
        ctx->text[doc->toks[j].start] == ',') {
        uint32_t k = j + 1;
        uint32_t lim = k + 12;
        bool agent = false;
        uint32_t cent = WT_A_NONE;
        for (; k < doc->ntoks && k < lim; k++) {
            const wt_token_t *t = &doc->toks[k];
            if (t->flags & WT_TF_SENT_START) break;
            if (t->kind != WT_TOK_WORD && t->kind != WT_TOK_POSS) break;
            if (k == j + 1 && !(wt_act_cls(ctx, k) & WT_W_ARTICLE) && !wt_act_starts_agent(ctx, k))
                break;
            uint32_t l = 1;
            const wt_apayload_t *p = wt_act_match(ctx, k, &l, -1);
            if (p && p->form == WT_AF_AGENT)
                agent = true;
            else if (p && ctx->db->ents[p->target].type == WT_ACTOR_COUNTRY && cent == WT_A_NONE &&
                     p->form != WT_AF_CAPITAL)
                cent = p->target;
            else if (p && cent == WT_A_NONE && ctx->db->ents[p->target].country[0]) {
                /* "of the ANC"; a one-word name shared by many countries'
                   institutions ("a Treasury minister") only once its country
                   is named */
                uint32_t oc = wt_act_iso_ent(ctx->db, ctx->db->ents[p->target].country);
                if (l >= 2 ||
                    ((t->flags & WT_TF_ALLCAP) && !wt_act_party(&ctx->db->ents[p->target])) ||
                    wt_hmap_get(&ctx->named, oc) != WT_A_NONE)
                    cent = oc;
            }
            k += l - 1;
        }
        if (agent) {
            m->flags |= MF_APPOS;
            if (m->cent == WT_A_NONE) m->cent = cent;
        }
    }
    return j;
}

/* Title-case or all-capitals line (headline). */
static void s_sentence_kind(const wt_actors_ctx_t *ctx, const wt_sentence_t *s, bool *head,
                            bool *shout, int *nwords, bool *has_stop)
{
    int words = 0, caps = 0, allcap = 0;
    for (uint32_t i = s->tok_first; i < s->tok_end; i++) {
        const wt_token_t *t = &ctx->doc->toks[i];
        if (t->kind != WT_TOK_WORD) continue;
        unsigned cls = wt_act_cls(ctx, i);
        if ((cls & (WT_W_CONNECT | WT_W_ARTICLE | WT_W_PARTICLE)) && (t->flags & WT_TF_LOWER))
            continue;
        words++;
        if (t->flags & (WT_TF_CAP | WT_TF_ALLCAP)) caps++;
        if (t->flags & WT_TF_ALLCAP) allcap++;
    }
    bool stop = s->tok_end > s->tok_first && (ctx->doc->toks[s->tok_end - 1].flags & WT_TF_STOP);
    for (uint32_t i = s->tok_end; !stop && i > s->tok_first && i + 3 > s->tok_end; i--)
        stop = (ctx->doc->toks[i - 1].flags & WT_TF_STOP) != 0;
    *shout = words >= 3 && allcap * 10 >= words * 6;
    *head = (!stop && words >= 4 && caps * 10 >= words * 8) || (words >= 6 && caps == words);
    *nwords = words;
    *has_stop = stop;
}

/* ---------------------------------------------------------------- pass 1 */

/* The state of the walk: the noun phrase in progress and the kind of the
   current sentence. */
typedef struct {
    wt_actors_ctx_t *ctx;
    s_np_t np;
    bool head, shout, sstop; /* headline, all capitals, ends with a stop */
    int swords;              /* words of the sentence */
    bool locprep;            /* the current word follows in/at/from (and an article) */
} s_scan_t;

/* The dictionary match at word i, unless it is a title inside an
   organisation's name ("Supreme Court", "Court of Appeal"). */
static const wt_apayload_t *s_dict_match(s_scan_t *S, uint32_t i, uint32_t *len)
{
    const wt_actors_ctx_t *ctx = S->ctx;
    const wt_doc_t *doc = ctx->doc;
    const wt_apayload_t *p = wt_act_match(ctx, i, len, -1);
    if (!p || p->form != WT_AF_AGENT || !(doc->toks[i].flags & WT_TF_CAP)) return p;
    bool cap_head = false; /* "Supreme Court justice": a capitalised head word inside */
    for (uint32_t k = i; k < i + *len && k < doc->ntoks; k++)
        if ((doc->toks[k].flags & WT_TF_CAP) && (wt_act_cls(ctx, k) & WT_W_ORGHEAD))
            cap_head = true;
    if (cap_head || wt_act_agent_in_org(ctx, i)) {
        wt_act_run_t r;
        wt_act_caprun(ctx, i, &r);
        if (r.words >= 2 && r.org_head >= 0) return NULL; /* "Court of Appeal" */
    }
    return p;
}

/* A title at i (len tokens): it waits for the name it precedes; "President
   of Israel" names the country too. Returns the last token taken. */
static uint32_t s_on_agent(s_scan_t *S, uint32_t i, const wt_apayload_t *p, uint32_t len)
{
    wt_actors_ctx_t *ctx = S->ctx;
    const wt_doc_t *doc = ctx->doc;
    if (S->np.agent == WT_A_NONE || S->np.agent_t0 + 1 != i) S->np.agent_t0 = i;
    S->np.agent = p->target; /* "Foreign Minister" after "Vice" keeps its start */
    i += len - 1;
    /* "President of Israel"; "ambassador to Mexico" keeps the sender */
    bool of = i + 2 < doc->ntoks && doc->toks[i + 1].hash == ctx->h_of;
    bool to = i + 2 < doc->ntoks &&
              (doc->toks[i + 1].hash == ctx->h_to || doc->toks[i + 1].hash == ctx->h_in);
    if (of || to) {
        uint32_t l2;
        uint32_t ce = wt_act_country_at(ctx, i + 2, &l2);
        if (ce != WT_A_NONE) {
            wt_act_mention_t *m = s_emit(ctx, i + 2, i + 2 + l2, UT_KNOWN);
            m->ent = ce;
            m->form = WT_AF_NAME;
            wt_hmap_put(&ctx->named, ce, 1);
            if (of) S->np.cent = ce;
            i += 1 + l2;
        }
    }
    return i;
}

/* A dictionary name at i that names no actor here: a country before a
   place word ("Korean Peninsula"), a name in a credit line. Returns the
   last token to skip, or WT_A_NONE. */
static uint32_t s_dict_skip(s_scan_t *S, uint32_t i, const wt_apayload_t *p, uint32_t len)
{
    const wt_actors_ctx_t *ctx = S->ctx;
    const wt_doc_t *doc = ctx->doc;
    uint8_t type = ctx->db->ents[p->target].type;
    if (type == WT_ACTOR_COUNTRY && i + len < doc->ntoks &&
        (doc->toks[i + len].flags & WT_TF_CAP) && (wt_act_cls(ctx, i + len) & WT_W_PLACEHEAD))
        return i + len; /* "Korean Peninsula", "South China Sea" */
    /* "Copyright 2024 Grayhill Media": a credit line names no actor */
    if (type != WT_ACTOR_COUNTRY && wt_act_credit_line(ctx, i)) return i + len - 1;
    return WT_A_NONE;
}

/* A country that is also a first name ("Jordan Peterson", "Chad Smith"),
   before a capitalised word and not after a preposition, starts a name. */
static bool s_country_first_name(const wt_actors_ctx_t *ctx, uint32_t i, const wt_apayload_t *p,
                                 uint32_t len)
{
    const wt_doc_t *doc = ctx->doc;
    return len == 1 && p->form == WT_AF_NAME && ctx->db->ents[p->target].type == WT_ACTOR_COUNTRY &&
           wt_act_is_first(ctx, i) && i + 1 < doc->ntoks && wt_act_name_tok(ctx, i + 1) &&
           !(doc->toks[i + 1].flags & WT_TF_SENT_START) && !wt_act_starts_name(ctx, i + 1) &&
           !(wt_act_cls(ctx, i + 1) & WT_W_FUNC) && !wt_act_common_shape(ctx, i + 1) &&
           wt_hmap_get(&ctx->lower, doc->toks[i + 1].hash) == WT_A_NONE &&
           !(i > 0 && (wt_act_cls(ctx, i - 1) & (WT_W_LOCPREP | WT_W_CONNECT | WT_W_ARTICLE)));
}

/* Which dictionary name at *i is the mention: none for a one-word person
   that is part of another name or a country that starts a person's name;
   "Dr. Tedros Adhanom Ghebreyesus" for the shorter "Dr. Tedros" (a longer
   name of the same entity starting inside the match wins: *i, *len move). */
static const wt_apayload_t *s_dict_pick(s_scan_t *S, uint32_t *i, uint32_t *len,
                                        const wt_apayload_t *p)
{
    const wt_actors_ctx_t *ctx = S->ctx;
    if (wt_act_weak_person(ctx, p, *i)) return NULL;
    if (p->form == WT_AF_NAME && *len >= 2) {
        for (uint32_t k = *i + 1; k < *i + *len; k++) {
            uint32_t lq = 0;
            const wt_apayload_t *q = wt_act_match(ctx, k, &lq, -1);
            if (q && q->target == p->target && k + lq > *i + *len) {
                if (wt_act_cls(ctx, *i) & WT_W_HONORIFIC) S->np.hon = true;
                *i = k;
                *len = lq;
                p = q;
                break;
            }
        }
    }
    return s_country_first_name(ctx, *i, p, *len) ? NULL : p;
}

/* A dictionary name followed by more of a capitalised run that makes a
   longer organisation's name ("Zimbabwe Electoral Commission", "Amnesty
   International Kenya"): emits it and returns the last token taken, or
   WT_A_NONE. */
static uint32_t s_known_extend(s_scan_t *S, uint32_t i, const wt_apayload_t *p, uint32_t len)
{
    wt_actors_ctx_t *ctx = S->ctx;
    const wt_doc_t *doc = ctx->doc;
    const wt_token_t *t = &doc->toks[i];
    const wt_aentity_t *e = &ctx->db->ents[p->target];
    if (S->shout || !(t->flags & (WT_TF_CAP | WT_TF_ALLCAP)) || !wt_act_name_tok(ctx, i))
        return WT_A_NONE;
    wt_act_run_t r;
    wt_act_caprun(ctx, i, &r);
    bool extend = false;
    if (r.org_head >= (int32_t)(i + len) && r.end > i + len) {
        extend = true; /* "Zimbabwe Electoral Commission" */
    } else if (e->type == WT_ACTOR_ORGANIZATION && p->form == WT_AF_NAME && r.end > i + len) {
        uint32_t l2;
        uint32_t ce = wt_act_country_at(ctx, i + len, &l2);
        if (ce != WT_A_NONE && i + len + l2 == r.end)
            extend = true; /* "Amnesty International Kenya" */
    }
    if (!extend) return WT_A_NONE;
    bool ord = i > 0 && wt_act_ordinal(ctx, i - 1) && !(t->flags & WT_TF_SENT_START);
    wt_act_mention_t *m = s_emit(ctx, ord ? i - 1 : i, r.end, UT_ORG);
    m->cent = e->type == WT_ACTOR_COUNTRY ? p->target
              : r.cent != WT_A_NONE       ? r.cent
                                          : wt_act_iso_ent(ctx->db, e->country);
    if (S->head) m->flags |= MF_HEAD;
    uint32_t nx = s_after_name(ctx, ctx->nm - 1, r.end);
    s_np_reset(&S->np);
    return nx - 1;
}

/* A PETRARCH phrase may carry a title and a country ("PRESIDENT BUSH"): the
   titles go to the noun phrase, the mention is the name after them.
   Returns the first token of the name. */
static uint32_t s_petrarch_name(s_scan_t *S, uint32_t i, const wt_apayload_t *p, uint32_t len)
{
    const wt_actors_ctx_t *ctx = S->ctx;
    uint32_t k0 = i;
    while (p->petrarch && k0 + 1 < i + len) {
        uint32_t l = 0;
        const wt_apayload_t *q = wt_act_match(ctx, k0, &l, WT_AF_AGENT);
        if (!q || k0 + l >= i + len) {
            if (wt_act_country_at(ctx, k0, &l) != WT_A_NONE && k0 + l < i + len) {
                k0 += l;
                continue;
            }
            if ((wt_act_cls(ctx, k0) & (WT_W_HONORIFIC | WT_W_ARTICLE)) &&
                ctx->doc->toks[k0 + 1].kind == WT_TOK_WORD) {
                k0++;
                continue;
            }
            break;
        }
        S->np.agent = q->target;
        S->np.agent_t0 = k0;
        k0 += l;
    }
    return k0;
}

/* The noun phrase after a dictionary name: a country's name gives its
   country to a title holder that follows ("Chinese Foreign Minister"). */
static void s_known_np(s_scan_t *S, uint32_t i, const wt_apayload_t *p, uint32_t len)
{
    const wt_actors_ctx_t *ctx = S->ctx;
    const wt_aentity_t *e = &ctx->db->ents[p->target];
    s_np_reset(&S->np);
    if (e->type == WT_ACTOR_COUNTRY && p->form != WT_AF_CAPITAL) {
        S->np.cent = p->target;
    } else if (e->type == WT_ACTOR_ORGANIZATION && e->country[0]) {
        /* "Congress leader ...", "Treasury minister ...": a one-word
           name is shared by the institutions of many countries; it
           gives its country to a title holder only once the text
           has named that country (or a place of it) */
        uint32_t oc = wt_act_iso_ent(ctx->db, e->country);
        if (len >= 2 || ((ctx->doc->toks[i].flags & WT_TF_ALLCAP) && !wt_act_party(e)) ||
            wt_hmap_get(&ctx->named, oc) != WT_A_NONE)
            S->np.cent = oc;
    }
}

/* The mention of a dictionary name at i. Returns the last token taken. */
static uint32_t s_on_known(s_scan_t *S, uint32_t i, const wt_apayload_t *p, uint32_t len)
{
    wt_actors_ctx_t *ctx = S->ctx;
    const wt_doc_t *doc = ctx->doc;
    const wt_aentity_t *e = &ctx->db->ents[p->target];
    uint32_t nx = s_known_extend(S, i, p, len);
    if (nx != WT_A_NONE) return nx;
    uint32_t k0 = s_petrarch_name(S, i, p, len);
    wt_act_mention_t *m = s_emit(ctx, k0, i + len, UT_KNOWN);
    m->ent = p->target;
    m->form = p->form;
    if (ctx->tc[i + len - 1].alt_len) /* "Kremlin-backed": the name only */
        m->b1 = doc->toks[i + len - 1].start + ctx->tc[i + len - 1].alt_len;
    if (S->locprep) m->flags |= MF_LOCPREP;
    if (e->type == WT_ACTOR_COUNTRY && !(S->locprep && p->form == WT_AF_CAPITAL))
        wt_hmap_put(&ctx->named, p->target, 1);
    if (S->np.hon) m->flags |= MF_HON;
    if (S->np.agent != WT_A_NONE) {
        m->flags |= MF_AGENT;
        m->agent = S->np.agent;
        m->agent_t0 = S->np.agent_t0;
        m->mod0 = S->np.mod0;
    }
    s_known_np(S, i, p, len);
    nx = s_after_name(ctx, ctx->nm - 1, i + len);
    if (nx > i + len) s_np_reset(&S->np);
    return nx - 1;
}

/* A glued honorific ("MrXi", "DrTedros"): emits the name after it. */
static bool s_glued_hon(s_scan_t *S, uint32_t i)
{
    wt_actors_ctx_t *ctx = S->ctx;
    const wt_token_t *t = &ctx->doc->toks[i];
    if (!(t->flags & WT_TF_CAP) || wt_tok_len(t) < 4 || (t->flags & WT_TF_ALLCAP)) return false;
    const char *s = ctx->text + t->start;
    uint32_t n = wt_tok_len(t), pre = 0;
    if ((s[0] == 'M' && s[1] == 'r' && s[2] == 's') && s[3] >= 'A' && s[3] <= 'Z')
        pre = 3;
    else if (((s[0] == 'M' && (s[1] == 'r' || s[1] == 's')) || (s[0] == 'D' && s[1] == 'r')) &&
             s[2] >= 'A' && s[2] <= 'Z')
        pre = 2;
    if (!pre || n - pre < 2) return false;
    wt_act_mention_t *m = s_emit(ctx, i, i + 1, UT_SINGLE);
    m->b0 += pre;
    m->key = wt_text_hash(s + pre, n - pre);
    m->flags |= MF_HON | MF_GLUED;
    s_np_reset(&S->np);
    return true;
}

/* Capitalised words at i that start no name: a place modifier glued by a
   hyphen, letters after a name already taken ("KC"), a credit line, a
   dateline ("LAUSANNE Switzerland"), glued words. *last gets the last
   token to skip. */
static bool s_run_skip(s_scan_t *S, uint32_t i, const wt_act_run_t *r, uint32_t *last)
{
    const wt_actors_ctx_t *ctx = S->ctx;
    const wt_doc_t *doc = ctx->doc;
    const wt_token_t *t = &doc->toks[i];
    *last = i;
    /* "LAUSANNE Switzerland": a dateline; the country is the actor */
    if (r->country_last && (t->flags & WT_TF_ALLCAP) && r->allcap < r->words) {
        *last = r->country_k - 1;
        return true;
    }
    return r->words == 1 && wt_act_glued_words(ctx, i);
}

/* Places of a country in the run at i ("Baltimore", "New South Wales"):
   evidence of where the story is set; before a title they give its holder
   a country ("Baltimore Mayor ..."); at the head of a longer name they give
   it theirs ("Houston Police Department"). True when the run is the place
   alone (then it is no actor). */
static bool s_run_places(s_scan_t *S, uint32_t i, wt_act_run_t *r)
{
    wt_actors_ctx_t *ctx = S->ctx;
    const wt_doc_t *doc = ctx->doc;
    uint32_t plen = 0, pce = wt_act_place_at(ctx, i, r->end, &plen);
    /* "University of Texas", "Bank of Baltimore": a place inside an
       organisation's name gives it a country */
    if (pce == WT_A_NONE && r->org_head >= 0 && r->cent == WT_A_NONE)
        for (uint32_t k = i + 1; k < r->end && r->cent == WT_A_NONE; k++)
            if (doc->toks[k - 1].flags & WT_TF_LOWER) {
                uint32_t l3 = 0, pc3 = wt_act_place_at(ctx, k, r->end, &l3);
                if (pc3 != WT_A_NONE) r->cent = pc3, s_place_seen(ctx, pc3);
            }
    if (pce == WT_A_NONE || (plen == 1 && wt_act_is_first(ctx, i) && r->end > i + 1)) return false;
    s_place_seen(ctx, pce);
    /* a place word alone may be a surname ("Houston said"): it
       stays a name unless a preposition or a title says it is a place */
    if (i + plen == r->end && (S->locprep || plen >= 2 || r->stopped_by_agent)) {
        s_np_reset(&S->np);
        S->np.cent = pce;
        return true;
    }
    if (i + plen < r->end) {
        if (r->cent == WT_A_NONE) r->cent = pce;
        r->place_head = !wt_act_is_first(ctx, i + plen);
    }
    return false;
}

/* The kind of unknown name the run at i is: UT_PERSON, UT_ORG, UT_SINGLE,
   or 0 for no actor (a place, a thing, a bare head word, shouting). */
static uint8_t s_run_type(const wt_actors_ctx_t *ctx, uint32_t i, const wt_act_run_t *r)
{
    const wt_doc_t *doc = ctx->doc;
    uint32_t n = r->end - i;
    if (r->postnom && r->org_head < 0 && n >= 2) return UT_PERSON; /* "Jane Roe KC" */
    if (r->initials == r->words || (r->direction && n == 2 && r->org_head >= 0) ||
        (wt_act_cls(ctx, r->end - 1) & WT_W_PLACEHEAD))
        return 0; /* "U.S" split in two, "West Bank" */
    if ((r->org_head >= 0 && n >= 2) ||
        (n >= 2 && r->country_last && !r->place && !wt_act_is_first(ctx, i)) ||
        (n >= 2 && r->place_head && !r->place && !r->thing && r->allcap < r->words))
        return UT_ORG; /* "Ministry of ...", "Garuda Indonesia", "Houston Texans" */
    if (r->org_head >= 0 || ((r->place || r->thing || r->polity) && r->org_head < 0) ||
        (wt_act_cls(ctx, i) & WT_W_DIRECTION))
        return 0;                                  /* a place, a thing, or a bare head word */
    if (n >= 2 && r->allcap == r->words) return 0; /* dateline or shouting */
    if (n >= 2 && r->allcap > 0) return UT_ORG;
    if (r->demonym) return 0; /* "Arab Iranians", "N. Korean" */
    if (n >= 2 && (doc->toks[r->end - 1].flags & WT_TF_INITIAL))
        return 0; /* a name never ends with an initial ("Beta V.1.0") */
    return n >= 2 ? UT_PERSON : UT_SINGLE;
}

/* "Republican Jeb Bush", "Former Minister X": common words in front of a
   person's name are not part of it. Returns the first token of the name. */
static uint32_t s_run_trim(s_scan_t *S, uint32_t i, const wt_act_run_t *r, uint8_t ut)
{
    const wt_actors_ctx_t *ctx = S->ctx;
    const wt_doc_t *doc = ctx->doc;
    uint32_t i0 = i;
    bool acro_next = r->end < doc->ntoks && doc->toks[r->end].kind == WT_TOK_PUNCT &&
                     ctx->text[doc->toks[r->end].start] == '(';
    while (ut == UT_PERSON && !acro_next && r->end - i0 > 2 && !wt_act_is_first(ctx, i0) &&
           ((wt_act_cls(ctx, i0) & WT_W_FUNC) ||
            wt_hmap_get(&ctx->lower, doc->toks[i0].hash) != WT_A_NONE))
        i0++;
    for (uint32_t k = i0; i0 > i && k < r->end; k++) /* "Black Lives Matter" stays */
        if ((wt_act_cls(ctx, k) & WT_W_FUNC) || wt_act_common_shape(ctx, k) ||
            wt_hmap_get(&ctx->lower, doc->toks[k].hash) != WT_A_NONE)
            i0 = i;
    if (i0 > i) S->np.hon = true; /* the dropped words were a description */
    return i0;
}

/* Emits the unknown name [i, r->end) of kind ut with what the noun phrase
   and the sentence say about it. Returns the last token taken. */
static uint32_t s_run_emit(s_scan_t *S, uint32_t i, const wt_act_run_t *r, uint8_t ut)
{
    wt_actors_ctx_t *ctx = S->ctx;
    const wt_doc_t *doc = ctx->doc;
    const wt_token_t *t = &doc->toks[i];
    /* "9th U.S. Circuit Court of Appeals", "2nd Infantry Division": an
       ordinal before an organisation's name is part of it */
    uint32_t e0 = i;
    if (ut == UT_ORG && i > 0 && wt_act_ordinal(ctx, i - 1) && !(t->flags & WT_TF_SENT_START))
        e0 = i - 1;
    wt_act_mention_t *m = s_emit(ctx, e0, r->end, ut);
    m->cent = ut == UT_ORG && r->cent != WT_A_NONE ? r->cent : S->np.cent;
    if (S->np.hon || (r->postnom && ut == UT_PERSON)) m->flags |= MF_HON;
    if (S->np.agent != WT_A_NONE) {
        m->flags |= MF_AGENT;
        m->agent = S->np.agent;
        m->agent_t0 = S->np.agent_t0;
        m->mod0 = S->np.mod0;
    }
    if (S->locprep && !S->np.hon && S->np.agent == WT_A_NONE && ut != UT_ORG)
        m->flags |= MF_LOCPREP;
    if (S->head || (!S->sstop && S->swords <= r->words + 1)) m->flags |= MF_HEAD;
    if (i > 0 && (wt_act_cls(ctx, i - 1) & WT_W_ARTICLE)) m->flags |= MF_THE;
    if (wt_act_pos_cap(ctx, i)) m->flags |= MF_SSTART;
    if (ut == UT_SINGLE && (t->flags & WT_TF_ALLCAP)) {
        m->flags |= MF_ALLCAP;
        /* "ACT leader David Seymour", "ANC spokesman": an acronym
           before a role noun is an organisation */
        if (r->end < doc->ntoks && (doc->toks[r->end].flags & WT_TF_LOWER) &&
            wt_act_starts_agent(ctx, r->end) && wt_tok_len(t) <= 6)
            m->flags |= MF_ORGCTX;
    }
    /* glued speech verb: "Xisaid" */
    if (ut == UT_SINGLE && wt_tok_len(t) > 5) {
        const char *s = ctx->text + t->start;
        uint32_t tl = wt_tok_len(t);
        if (memcmp(s + tl - 4, "said", 4) == 0 || memcmp(s + tl - 4, "says", 4) == 0) {
            m->key = wt_text_hash(s, tl - 4);
            m->b1 -= 4;
            m->flags |= MF_GLUED | MF_SAID;
        }
    }
    s_np_reset(&S->np);
    return s_after_name(ctx, ctx->nm - 1, r->end) - 1;
}

/* A capitalised run at i that no dictionary explains. Returns false when
   its capitals are explained by its position (a plain word); else *last
   gets the last token taken. */
static bool s_on_run(s_scan_t *S, uint32_t i, uint32_t *last)
{
    wt_actors_ctx_t *ctx = S->ctx;
    const wt_doc_t *doc = ctx->doc;
    const wt_token_t *t = &doc->toks[i];
    unsigned cls = wt_act_cls(ctx, i);
    wt_act_run_t r;
    *last = i;
    /* "Houston-based Stanford Group": the name starts after it */
    if (wt_act_hyphen_modifier(ctx, i, true) && i + 1 < doc->ntoks && wt_act_name_tok(ctx, i + 1) &&
        !(doc->toks[i + 1].flags & WT_TF_SENT_START)) {
        s_np_reset(&S->np);
        return true;
    }
    /* letters after a name already taken ("KC"), credit lines */
    if (((cls & WT_W_POSTNOM) && (t->flags & WT_TF_ALLCAP) && i > 0 &&
         wt_act_name_tok(ctx, i - 1) && !(t->flags & WT_TF_SENT_START)) ||
        wt_act_credit_line(ctx, i)) {
        wt_act_caprun(ctx, i, &r);
        *last = r.end - 1;
        s_np_reset(&S->np);
        return true;
    }
    wt_act_caprun(ctx, i, &r);
    if (s_run_skip(S, i, &r, last)) {
        s_np_reset(&S->np);
        return true;
    }
    if (s_run_places(S, i, &r)) {
        *last = r.end - 1;
        return true;
    }
    if (wt_act_pos_cap(ctx, i) && !(t->flags & WT_TF_ALLCAP) &&
        ((cls & WT_W_FUNC) || wt_hmap_get(&ctx->lower, t->hash) != WT_A_NONE ||
         wt_act_inflected(ctx, i)) &&
        !(r.org_head > (int32_t)i && !(cls & WT_W_CLOSED)))
        return false; /* "Federal Reserve Bank" stays whole */
    *last = r.end - 1;
    if (r.stopped_by_first && r.org_head < 0 && r.end - i <= 3) {
        S->np.hon = true; /* "Taoiseach Bertie Ahern": words before a first name are a title */
        return true;
    }
    if (r.stopped_by_agent && r.org_head < 0 && r.allcap == 0 &&
        (doc->toks[r.end].flags & WT_TF_CAP)) {
        if (S->np.mod0 == WT_A_NONE)
            S->np.mod0 = i; /* "Oil Minister ...": modifiers of the title */
        return true;
    }
    uint8_t ut = wt_act_quoted_title(ctx, i, r.end) ? 0 : s_run_type(ctx, i, &r);
    if (!ut) { /* "One Hundred Years of Solitude", a place, a thing */
        s_np_reset(&S->np);
        return true;
    }
    *last = s_run_emit(S, s_run_trim(S, i, &r, ut), &r, ut);
    return true;
}

/* Whether a word at i before a title is a modifier of it: "Vice", and
   after a country "Kenyan health minister". */
static inline bool s_title_modifier(const s_scan_t *S, uint32_t i, unsigned cls, bool lower_ok)
{
    /* the cheap tests first: nearly every word fails one (inline, twice
       per word) */
    const wt_actors_ctx_t *ctx = S->ctx;
    if (!lower_ok) {
        if (!(cls & WT_W_MODIFIER)) return false;
    } else if (!(ctx->doc->toks[i].flags & WT_TF_LOWER) || S->np.cent == WT_A_NONE ||
               (cls & WT_W_CLOSED)) {
        return false;
    }
    return i + 1 < ctx->doc->ntoks && wt_act_starts_agent(ctx, i + 1);
}

/* One word token at i. Returns the last token taken. */
static uint32_t s_on_word(s_scan_t *S, uint32_t i)
{
    wt_actors_ctx_t *ctx = S->ctx;
    const wt_token_t *t = &ctx->doc->toks[i];
    unsigned cls = wt_act_cls(ctx, i);
    uint32_t len = 0, last;
    const wt_apayload_t *p = s_dict_match(S, i, &len);
    S->locprep = false;
    if (i > 0) {
        uint32_t q = i - 1;
        if (q > 0 && (wt_act_cls(ctx, q) & WT_W_ARTICLE)) q--;
        S->locprep = (wt_act_cls(ctx, q) & WT_W_LOCPREP) != 0;
    }
    if (p && p->form == WT_AF_AGENT) return s_on_agent(S, i, p, len);
    if (p && (last = s_dict_skip(S, i, p, len)) != WT_A_NONE) {
        s_np_reset(&S->np);
        return last;
    }
    if (p) p = s_dict_pick(S, &i, &len, p);
    if (p) return s_on_known(S, i, p, len);
    if ((cls & WT_W_HONORIFIC) && (t->flags & WT_TF_CAP)) {
        S->np.hon = true;
        return i;
    }
    if (s_glued_hon(S, i)) return i;
    if (s_title_modifier(S, i, cls, false)) {
        if (S->np.mod0 == WT_A_NONE) S->np.mod0 = i;
        return i;
    }
    if (!S->shout && wt_act_name_tok(ctx, i) &&
        !(t->flags & WT_TF_LOWER && !(t->flags & WT_TF_HYPHEN)) && s_on_run(S, i, &last))
        return last;
    /* "Kenyan health minister": a lower-case word right before a title
       modifies it; other words end the noun phrase */
    if (s_title_modifier(S, i, cls, true)) {
        if (S->np.mod0 == WT_A_NONE) S->np.mod0 = i;
        return i;
    }
    s_np_reset(&S->np);
    return i;
}

void wt_act_scan(wt_actors_ctx_t *ctx, const wt_input_t *in)
{
    const wt_doc_t *doc = ctx->doc;
    s_scan_t S = {.ctx = ctx};
    s_np_reset(&S.np);
    uint32_t sent = UINT32_MAX;
    for (uint32_t i = 0; i < doc->ntoks; i++) {
        const wt_token_t *t = &doc->toks[i];
        if (t->sent != sent) {
            sent = t->sent;
            s_np_reset(&S.np);
            if (sent < doc->nsents)
                s_sentence_kind(ctx, &doc->sents[sent], &S.head, &S.shout, &S.swords, &S.sstop);
            if (in->title_end && t->start < in->title_end) S.head = true;
        }
        if (t->kind == WT_TOK_POSS) continue; /* "China's foreign minister": keep the country */
        if (t->kind != WT_TOK_WORD) {
            /* "Nigeria's health minister, Muhammad Ali Pate,": keep the title */
            bool keep = S.np.agent != WT_A_NONE && t->kind == WT_TOK_PUNCT && wt_tok_len(t) == 1 &&
                        ctx->text[t->start] == ',' && i + 1 < doc->ntoks &&
                        wt_act_name_tok(ctx, i + 1) && !(doc->toks[i + 1].flags & WT_TF_SENT_START);
            if (!keep) s_np_reset(&S.np);
            continue;
        }
        i = s_on_word(&S, i);
    }
}
