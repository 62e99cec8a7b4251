/*  match.c: dictionary matches and word tests of the actors stage.

    The longest dictionary phrase at a token (a walk of the token trie with
    the case rules of each dictionary token, memoised per token for the three
    filters the passes ask again and again), and the small tests of a word
    that the passes share: first name, ordinal, suffixes, places, credit
    lines, the capitalisation a position explains.
*/
#include "tag_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Case rule check of a dictionary token against a text token. */
static inline bool s_case_ok(const wt_token_t *t, int rule)
{
    if (rule == WT_AC_ANY) return true;
    if (rule == WT_AC_EXACT) return true; /* checked on the whole phrase */
    if (rule == WT_AC_UPPER)
        return (t->flags & WT_TF_ALLCAP) || (t->flags & (WT_TF_ABBREV | WT_TF_INITIAL));
    return (t->flags & (WT_TF_CAP | WT_TF_ALLCAP)) != 0;
}

/* Case rule check of the part of token j before its hyphen (tc[j].alt_len). */
static bool s_case_ok_part(const wt_actors_ctx_t *ctx, uint32_t j, int rule)
{
    const char *p = ctx->text + ctx->doc->toks[j].start;
    uint32_t n = ctx->tc[j].alt_len;
    if (rule == WT_AC_ANY) return true;
    if (rule == WT_AC_UPPER) {
        for (uint32_t k = 0; k < n; k++)
            if (p[k] >= 'a' && p[k] <= 'z') return false;
        return n >= 2;
    }
    return (p[0] >= 'A' && p[0] <= 'Z') || ((unsigned char)p[0] >= 0x80);
}

/* Longest dictionary match starting at token i; *len gets its tokens.
   only_form >= 0 restricts the payloads considered. */
const wt_apayload_t *wt_act_match_raw(const wt_actors_ctx_t *ctx, uint32_t i, uint32_t *len,
                                      int only_form)
{
    const wt_actordb_t *db = ctx->db;
    const wt_doc_t *doc = ctx->doc;
    uint32_t node = 0;
    const wt_apayload_t *best = NULL;
    /* pass 1: the whole word starts no name ("Hamas-run ministries" while
       the dictionary knows "Hamas-run government"): try the part before the
       hyphen alone */
    for (int pass = 0; pass < 2 && !best; pass++) {
        if (pass == 1 && !(ctx->tc[i].alt_len && !ctx->tc[i].root_alt)) break;
        node = 0;
        for (uint32_t j = i; j < doc->ntoks && j - i < WT_A_MAX_NAME_TOKS; j++) {
            const wt_token_t *t = &doc->toks[j];
            if (t->kind == WT_TOK_QUOTE || t->kind == WT_TOK_DASH) break;
            if (j > i && (t->flags & WT_TF_SENT_START)) break;
            /* "Kremlin-backed", "Awami League-led": a name may end in the part
               of a word before a modifier suffix; the match ends there */
            bool alt = j == i && (ctx->tc[i].root_alt || pass == 1);
            uint32_t next = j > i       ? wt_adb_next(db, node, t->hash)
                            : pass == 1 ? wt_adb_root_child(db, ctx->tc[i].alt)
                                        : ctx->tc[i].root;
            if (next == WT_A_NONE && j > i && ctx->tc[j].alt_len) {
                next = wt_adb_next(db, node, ctx->tc[j].alt);
                alt = true;
            }
            node = next;
            if (node == WT_A_NONE) break;
            for (uint32_t p = db->node_pay[node]; p != WT_A_NONE; p = db->pays[p].next) {
                const wt_apayload_t *pl = &db->pays[p];
                if (only_form >= 0 && pl->form != only_form) continue;
                if (only_form == -2 && (pl->form == WT_AF_AGENT || pl->form == WT_AF_CAPITAL ||
                                        db->ents[pl->target].type != WT_ACTOR_COUNTRY))
                    continue;
                if (alt && (pl->exact || pl->form == WT_AF_AGENT || pl->form == WT_AF_ADJ))
                    continue;
                bool ok = true;
                for (uint32_t k = 0; k < pl->ntok && ok; k++)
                    ok = alt && i + k == j
                             ? s_case_ok_part(ctx, j, (int)((pl->cases >> (2 * k)) & 3))
                             : s_case_ok(&doc->toks[i + k], (int)((pl->cases >> (2 * k)) & 3));
                if (ok && pl->exact)
                    ok = wt_adb_exact_hash(ctx->text, doc->toks, i, j + 1) == pl->exact;
                if (ok) {
                    best = pl;
                    *len = j - i + 1;
                    break;
                }
            }
            if (alt) break;
        }
    }
    return best;
}

/* Fills memo slot `slot` of token i (the filter only_form) from wt_act_match_raw(). */
void wt_act_match_fill(const wt_actors_ctx_t *ctx, uint32_t i, int slot, int only_form)
{
    wt_act_tok_t *ti = &ctx->tc[i];
    uint32_t l = 0;
    const wt_apayload_t *p = wt_act_match_raw(ctx, i, &l, only_form);
    ti->memo[slot] = p ? (uint32_t)(p - ctx->db->pays) : WT_A_NONE;
    ti->mlen[slot] = (uint8_t)l;
}

bool wt_act_starts_agent(const wt_actors_ctx_t *ctx, uint32_t i)
{
    uint32_t len;
    return wt_act_match(ctx, i, &len, WT_AF_AGENT) != NULL;
}

/* A lower-case hyphenated word with an Arabic prefix: al-Attiyah, el-Sisi,
   bin-Salman (the rare case of wt_act_name_tok(), kept out of line). */
bool wt_act_prefixed_name(const wt_actors_ctx_t *ctx, const wt_token_t *t)
{
    if (wt_tok_len(t) >= 4) {
        const char *s = ctx->text + t->start;
        const char *h = memchr(s, '-', wt_tok_len(t));
        if (h && h - s <= 3 && h + 1 < s + wt_tok_len(t) && h[1] >= 'A' && h[1] <= 'Z' &&
            (wt_names_class(wt_text_hash(s, (size_t)(h - s))) & WT_W_ARPREFIX))
            return true;
    }
    return false;
}

/* Country entity named at token i (name or adjective), or WT_A_NONE. */
uint32_t wt_act_country_at(const wt_actors_ctx_t *ctx, uint32_t i, uint32_t *len)
{
    const wt_apayload_t *p = wt_act_match(ctx, i, len, -2);
    if (!p || p->form == WT_AF_AGENT) return WT_A_NONE;
    const wt_aentity_t *e = &ctx->db->ents[p->target];
    if (e->type == WT_ACTOR_COUNTRY && p->form != WT_AF_CAPITAL) return p->target;
    return WT_A_NONE;
}

uint32_t wt_act_iso_ent(const wt_actordb_t *db, const char *iso)
{
    if (!iso[0]) return WT_A_NONE;
    return wt_hmap_get(&db->isos, wt_text_hash(iso, 3));
}

/* Token i is an ordinal written in digits ("9th", "21st", "2nd", "3rd"). */
bool wt_act_ordinal(const wt_actors_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = &ctx->doc->toks[i];
    uint32_t n = wt_tok_len(t);
    const char *p = ctx->text + t->start;
    if (t->kind != WT_TOK_WORD || n < 3 || n > 5 || p[0] < '0' || p[0] > '9') return false;
    uint32_t d = 0;
    while (d < n && p[d] >= '0' && p[d] <= '9')
        d++;
    return d + 2 == n && (strncmp(p + d, "th", 2) == 0 || strncmp(p + d, "st", 2) == 0 ||
                          strncmp(p + d, "nd", 2) == 0 || strncmp(p + d, "rd", 2) == 0);
}

/* A political party (its acronym may name parties of many countries). */
bool wt_act_party(const wt_aentity_t *e)
{
    return e->code && strstr(e->code, "PTY") != NULL;
}

/* A blank line between token j and the one before it. */
bool wt_act_blank_before(const wt_actors_ctx_t *ctx, uint32_t j)
{
    const wt_token_t *t = &ctx->doc->toks[j];
    if (!j) return false;
    int nl = 0;
    for (uint32_t b = ctx->doc->toks[j - 1].end; b < t->start; b++)
        nl += ctx->text[b] == '\n';
    return nl >= 2;
}

/* A word of several glued capitalised words ("InvestigatingBalcombeAndCo",
   a web site or a hashtag): two or more capitals after lower-case letters. */
bool wt_act_glued_words(const wt_actors_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = &ctx->doc->toks[i];
    int n = 0;
    for (uint32_t b = t->start + 1; b < t->end; b++) {
        char c = ctx->text[b], p = ctx->text[b - 1];
        if (c >= 'A' && c <= 'Z' && p >= 'a' && p <= 'z') n++;
    }
    return n >= 2;
}

/* Token i is a place or description glued to a name by a hyphen
   ("Houston-based", "Awami-led"): not part of the name that follows. */
bool wt_act_hyphen_modifier(const wt_actors_ctx_t *ctx, uint32_t i, bool born)
{
    /* each suffix is its word's last hyphen and what follows it: the tail
       after the token's last hyphen is compared with the suffixes of its
       length only (was a strlen() and strncasecmp() per suffix) */
    static const struct {
        const char *s;
        uint8_t n;
    } suf[] = {{"-based", 6},       {"-led", 4},      {"-backed", 7},  {"-owned", 6},
               {"-run", 4},         {"-funded", 7},   {"-linked", 7},  {"-headquartered", 14},
               {"-controlled", 11}, {"-allied", 7},   {"-aligned", 8}, {"-sponsored", 10},
               {"-supported", 10},  {"-brokered", 9}, {"-born", 5}};
    const wt_token_t *t = &ctx->doc->toks[i];
    if (!(t->flags & WT_TF_HYPHEN)) return false;
    const char *s = ctx->text + t->start;
    size_t n = wt_tok_len(t), h = n;
    while (h > 1 && s[h - 1] != '-')
        h--;
    if (h <= 1) return false; /* no hyphen after the first byte: no suffix fits */
    size_t m = n - (h - 1);   /* the tail, its hyphen included */
    size_t nsuf = sizeof suf / sizeof suf[0] - (born ? 0 : 1); /* "German-born": a nationality */
    for (size_t k = 0; k < nsuf; k++)
        if (suf[k].n == m && strncasecmp(s + h - 1, suf[k].s, m) == 0) return true;
    return false;
}

/* A place of countries.yaml (`places:`) written with capitals at token i,
   within the tokens before end: its country entity, *len its tokens; the
   longest place wins. WT_A_NONE when none, or when the place is shared by
   two countries. */
uint32_t wt_act_place_at(const wt_actors_ctx_t *ctx, uint32_t i, uint32_t end, uint32_t *len)
{
    const wt_actordb_t *db = ctx->db;
    if (!db->places.n || wt_hmap_get(&db->place_first, ctx->doc->toks[i].hash) == WT_A_NONE)
        return WT_A_NONE;
    for (uint32_t n = end - i < 4 ? end - i : 4; n >= 1; n--) {
        bool caps = true;
        for (uint32_t k = i; k < i + n && caps; k++)
            caps = (ctx->doc->toks[k].flags & (WT_TF_CAP | WT_TF_ALLCAP)) ||
                   (k > i && (wt_act_cls(ctx, k) & WT_W_CONNECT));
        if (!caps) continue;
        uint32_t c = wt_hmap_get(&db->places, wt_adb_place_key(ctx->doc->toks, i, i + n));
        if (c != WT_A_NONE && c != WT_A_AMBIG) {
            *len = n;
            return c;
        }
    }
    return WT_A_NONE;
}

/* Token i follows "Copyright", "(c)" or "©" in its sentence: a credit line. */
bool wt_act_credit_line(const wt_actors_ctx_t *ctx, uint32_t i)
{
    const wt_doc_t *doc = ctx->doc;
    if (!ctx->has_credit) return false;
    for (uint32_t k = i; k > 0 && k + 6 > i; k--) {
        const wt_token_t *t = &doc->toks[k - 1];
        if (t->hash == ctx->h_copy) return true;
        if (t->end - t->start == 2 && memcmp(ctx->text + t->start, "\xc2\xa9", 2) == 0) return true;
        if (t->flags & WT_TF_SENT_START) break;
    }
    return false;
}

/* Token i is a known first name (for "Jean-Louis": its first part). */
bool wt_act_is_first(const wt_actors_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = &ctx->doc->toks[i];
    if (wt_hmap_get(&ctx->db->firsts, t->hash) != WT_A_NONE) return true;
    if (!(t->flags & WT_TF_HYPHEN)) return false;
    const char *s = ctx->text + t->start;
    const char *h = memchr(s, '-', wt_tok_len(t));
    return h && h > s &&
           wt_hmap_get(&ctx->db->firsts, wt_text_hash(s, (size_t)(h - s))) != WT_A_NONE;
}

/* A sentence-initial word that looks inflected ("Calling", "Ousted",
   "Reportedly") and is no first name. */
bool wt_act_inflected(const wt_actors_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = &ctx->doc->toks[i];
    uint32_t n = wt_tok_len(t);
    const char *s = ctx->text + t->start;
    if (n < 5 || wt_hmap_get(&ctx->db->firsts, t->hash) != WT_A_NONE) return false;
    return memcmp(s + n - 3, "ing", 3) == 0 || memcmp(s + n - 2, "ed", 2) == 0 ||
           memcmp(s + n - 2, "ly", 2) == 0;
}

/* Token i ends with suffix (ASCII, case-insensitive). */
bool wt_act_suffixed(const wt_actors_ctx_t *ctx, uint32_t i, const char *suffix)
{
    const wt_token_t *t = &ctx->doc->toks[i];
    size_t n = wt_tok_len(t), m = strlen(suffix);
    if (n <= m) return false;
    return strncasecmp(ctx->text + t->end - m, suffix, m) == 0;
}

/* A word shaped like an English common noun or adjective ("Constitution",
   "Assistance", "Offering", "Ecology"): not a personal name. */
bool wt_act_common_shape(const wt_actors_ctx_t *ctx, uint32_t i)
{
    /* lengths stored and the word's tail lower-cased once: this is asked
       for most capitalised words, 24 strlen()+strncasecmp() each was costly */
    static const struct {
        const char *s;
        uint8_t n;
    } sfx[] = {{"tion", 4}, {"sion", 4}, {"ment", 4},   {"ness", 4}, {"ity", 3},  {"ance", 4},
               {"ence", 4}, {"ism", 3},  {"ing", 3},    {"ical", 4}, {"ive", 3},  {"ous", 3},
               {"ful", 3},  {"less", 4}, {"able", 4},   {"ible", 4}, {"ship", 4}, {"hood", 4},
               {"ogy", 3},  {"ics", 3},  {"ically", 6}, {"ized", 4}, {"ised", 4}, {"ified", 5}};
    const wt_token_t *t = &ctx->doc->toks[i];
    size_t n = wt_tok_len(t);
    if (n < 5) return false;
    /* a suffix must be shorter than the word (as in wt_act_suffixed()) */
    size_t m = n - 1 < 6 ? n - 1 : 6;
    char tail[6];
    for (size_t k = 0; k < m; k++) {
        char c = ctx->text[t->end - m + k];
        tail[k] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    /* the last letter first: it rules out most suffixes without a memcmp() call */
    for (size_t k = 0; k < sizeof sfx / sizeof sfx[0]; k++)
        if (sfx[k].n <= m && sfx[k].s[sfx[k].n - 1] == tail[m - 1] &&
            memcmp(tail + m - sfx[k].n, sfx[k].s, sfx[k].n) == 0)
            return true;
    return false;
}

/* Capitalised words [t0, t1) that fill a pair of quotation marks (with small
   connecting words): a title or a nickname, not an actor. */
bool wt_act_quoted_title(const wt_actors_ctx_t *ctx, uint32_t t0, uint32_t t1)
{
    const wt_doc_t *doc = ctx->doc;
    uint32_t b = t0;
    while (b > 0 && t0 - b < 2 && doc->toks[b - 1].kind == WT_TOK_WORD &&
           !(doc->toks[b - 1].flags & WT_TF_LOWER))
        b--;
    if (b == 0 || doc->toks[b - 1].kind != WT_TOK_QUOTE) return false;
    for (uint32_t k = t1; k < doc->ntoks && k < t1 + 8; k++) {
        const wt_token_t *t = &doc->toks[k];
        if (t->kind == WT_TOK_QUOTE) return true;
        if (t->kind == WT_TOK_PUNCT && (t->flags & WT_TF_STOP) && k + 1 < doc->ntoks &&
            doc->toks[k + 1].kind == WT_TOK_QUOTE)
            return true;
        if (t->kind != WT_TOK_WORD) return false;
        if ((t->flags & WT_TF_LOWER) && !(wt_act_cls(ctx, k) & (WT_W_CONNECT | WT_W_ARTICLE)))
            return false;
    }
    return false;
}

/* True when the capitalisation of token i is explained by its position. */
bool wt_act_pos_cap(const wt_actors_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = &ctx->doc->toks[i];
    if (t->flags & (WT_TF_SENT_START | WT_TF_PARA_START)) return true;
    if (i > 0) {
        const wt_token_t *p = &ctx->doc->toks[i - 1];
        if (p->kind == WT_TOK_QUOTE || p->kind == WT_TOK_DASH ||
            (p->kind == WT_TOK_PUNCT && wt_tok_len(p) == 1 &&
             (ctx->text[p->start] == ':' || ctx->text[p->start] == '(')))
            return true;
    }
    return false;
}
