/*  resolve.c: pass 5, speakers to actors. A he/she pronoun resolves to the
    last matching speaker or salient person mention; they/it to the last
    institutional speaker or organisation; a definite title ("the minister")
    to the person introduced with it; "the union", "the company" to the
    organisation named before; a title-only nominal to the one person actor
    holding that role. Then the speaker links to the actor at its words.
*/
#include "quotes_int.h"
#include "engine/text/wordlist.h"

#include <string.h>
#include <strings.h>

/* *out: an antecedent whose words run from token t0 to byte end; false when
   they hold no token. */
static bool s_ante(const wt_quotes_ctx_t *ctx, uint32_t t0, uint32_t end, int actor, uint8_t kind,
                   q_hist_t *out)
{
    memset(out, 0, sizeof *out);
    out->t0 = t0;
    out->t1 = wt_q_tok_past(ctx, t0, end);
    out->actor = actor;
    out->kind = kind;
    return out->t1 > out->t0;
}

/* Antecedent of a he/she pronoun at token t: the statement history and the
   person mentions before it. Preference: a speaker or subject of matching
   gender, the nearest mention of matching gender, then mentions of unknown
   gender; the later of the best mention and the last matching speaker. */
static bool s_resolve_person(const wt_quotes_ctx_t *ctx, uint32_t t, uint8_t gender, q_hist_t *out)
{
    uint32_t pos = TK(t)->start, para = TK(t)->para;
    size_t lo = wt_q_men_at(ctx->men, ctx->nmen, pos);
    int ex_sal = -1, ex_near = -1, un_sal = -1, un_near = -1;
    for (size_t k = lo, n = 0; k-- > 0 && n < 80; n++) {
        const q_men_t *m = &ctx->men[k];
        if (TK(m->tok)->para + 4 < para) break;
        if (ctx->qid[m->tok]) continue;
        if (m->gender == gender) {
            if (ex_near < 0) ex_near = (int)k;
            if (m->salient) {
                ex_sal = (int)k;
                break;
            }
        } else if (m->gender == QG_NONE) {
            if (un_near < 0) un_near = (int)k;
            if (m->salient && un_sal < 0) un_sal = (int)k;
        }
    }
    int best = ex_sal >= 0 ? ex_sal : ex_near >= 0 ? ex_near : un_sal >= 0 ? un_sal : un_near;
    /* a subject or speaker of unknown gender after the last one of matching
       gender beats an object of matching gender ("Xi met Joe Biden. ... he said") */
    if (un_sal >= 0 && un_sal > ex_sal) best = un_sal;
    const q_hist_t *h = NULL;
    for (size_t k = ctx->nhist, n = 0; k-- > 0 && n < 50; n++) {
        const q_hist_t *x = &ctx->hist[k];
        if (x->pos >= pos) continue;
        if (x->para + 3 < para) break;
        if (x->gender == gender || (x->gender == QG_NONE && !x->org && best < 0)) {
            h = x;
            break;
        }
    }
    if (h && (best < 0 || h->pos >= ctx->men[best].start ||
              (ctx->men[best].gender != gender && h->gender == gender))) {
        *out = *h;
        return true;
    }
    if (best < 0) return false;
    /* the fullest form of that person's name seen so far ("Terrance Mannery") */
    if (!ctx->men[best].nominal && ctx->men[best].key) {
        uint32_t key = ctx->men[best].key, len = ctx->men[best].end - ctx->men[best].start;
        for (size_t k = (size_t)best, n = 0; k-- > 0 && n < 200; n++) {
            const q_men_t *x = &ctx->men[k];
            if (x->key == key && !x->nominal && x->end - x->start > len && !ctx->qid[x->tok]) {
                best = (int)k;
                len = x->end - x->start;
            }
        }
    }
    const q_men_t *m = &ctx->men[best];

    bool ok = s_ante(ctx, m->tok, m->end, m->actor, m->nominal ? SK_NOM : SK_NAME, out);
    out->gender = m->gender;
    return ok;
}

/* Antecedent of they/it: the last institutional or plural speaker, else the
   nearest organisation or country mention, within two paragraphs. */
static bool s_resolve_group(const wt_quotes_ctx_t *ctx, uint32_t t, q_hist_t *out)
{
    uint32_t pos = TK(t)->start, para = TK(t)->para;
    const q_hist_t *h = NULL;
    for (size_t k = ctx->nhist; k-- > 0;) {
        const q_hist_t *x = &ctx->hist[k];
        if (x->pos >= pos) continue;
        if (x->para + 2 < para) break;
        if (x->org || x->gender == QG_PL) h = x;
        break;
    }
    size_t lo = wt_q_men_at(ctx->am, ctx->nam, pos);
    const q_men_t *m = NULL;
    for (size_t k = lo, n = 0; k-- > 0 && n < 40; n++) {
        const q_men_t *x = &ctx->am[k];
        uint32_t xt = wt_q_tok_at(ctx, x->start);
        if (xt >= ctx->doc->ntoks || TK(xt)->para + 2 < para) break;
        if (ctx->qid[xt] || x->type == WT_ACTOR_PERSON) continue;
        m = x;
        break;
    }
    if (h && (!m || h->pos >= m->start)) {
        *out = *h;
        return true;
    }
    if (!m) return false;
    bool ok = s_ante(ctx, wt_q_tok_at(ctx, m->start), m->end, m->actor, SK_NAME, out);
    out->org = 1;
    return ok;
}

/* "the Mexican president said": the person last introduced with that title. */
static bool s_resolve_title(const wt_quotes_ctx_t *ctx, const q_spk_t *sp, q_hist_t *out)
{
    /* "the minister", or a bare lower-case role ("says opposition leader") */
    bool bare = q_lower(TK(sp->t0)) && !(q_cls(ctx, sp->t0) & QL_DET);
    if (!bare && (sp->t1 <= sp->t0 + 1 || !wt_tok_ieq(ctx->doc, TK(sp->t0), "the"))) return false;
    uint32_t h = sp->t1 - 1, mod_end = sp->t1;
    /* "the leader of the opposition": the role is the word before "of" */
    for (uint32_t k = sp->t0 + 1; k + 1 < sp->t1; k++)
        if (wt_tok_is(ctx->doc, TK(k), "of")) {
            h = k - 1;
            break;
        }
    if (!(q_cls(ctx, h) & QL_TITLE)) return false;
    uint32_t key = TK(h)->hash, pos = TK(sp->t0)->start, para = TK(sp->t0)->para;
    size_t lo = wt_q_men_at(ctx->men, ctx->nmen, pos);
    for (size_t k = lo, n = 0; k-- > 0 && n < 80; n++) {
        const q_men_t *m = &ctx->men[k];
        if (TK(m->tok)->para + 8 < para) break;
        if (ctx->qid[m->tok] || (m->title != key && m->apptitle != key)) continue;
        bool ok = s_ante(ctx, m->tok, m->end, m->actor, SK_NAME, out);
        out->gender = m->gender;
        return ok;
    }
    /* a role named before the person ("..., says opposition leader" in a
       headline, "Cllr Ann Roe, leader of the opposition" below): the first
       person after it with that title whose role also holds every modifier
       of the nominal ("opposition"); a nominal without a modifier is left */
    uint32_t mods[4], nmod = 0;
    for (uint32_t k = sp->t0; k < mod_end; k++) {
        if (k == h || TK(k)->kind != WT_TOK_WORD || (q_cls(ctx, k) & (QL_DET | QL_TITLE)) ||
            wt_tok_is(ctx->doc, TK(k), "of"))
            continue;
        if (nmod == 4) return false;
        mods[nmod++] = TK(k)->hash;
    }
    if (!nmod) return false;
    for (size_t k = lo, n = 0; k < ctx->nmen && n < 80; k++, n++) {
        const q_men_t *m = &ctx->men[k];
        if (TK(m->tok)->para > para + 8) break;
        if (ctx->qid[m->tok] || (m->title != key && m->apptitle != key)) continue;
        if (TK(m->tok)->sent <= TK(sp->t0)->sent) continue; /* not inside the nominal's sentence */
        uint32_t t1 = wt_q_tok_past(ctx, m->tok, m->end);
        uint32_t z0 = m->tok > 6 ? m->tok - 6 : 0;
        uint32_t z1 = t1 + 8 < ctx->doc->ntoks ? t1 + 8 : (uint32_t)ctx->doc->ntoks;
        uint32_t hit = 0;
        for (uint32_t j = 0; j < nmod; j++)
            for (uint32_t z = z0; z < z1; z++)
                if (TK(z)->hash == mods[j] && TK(z)->para == TK(m->tok)->para) {
                    hit++;
                    break;
                }
        if (hit < nmod) continue;
        bool ok = s_ante(ctx, m->tok, m->end, m->actor, SK_NAME, out);
        out->gender = m->gender;
        return ok;
    }
    return false;
}

/* Does the actor's name hold word w (ASCII case-insensitive, whole word)? */
static bool s_name_has(const char *name, const char *w, size_t n)
{
    size_t len;
    for (const char *p = name, *x; p && (x = wt_wordlist_next(&p, &len));)
        if (len == n && strncasecmp(x, w, n) == 0) return true;
    return false;
}

/* "the union said", "the company says", "the university said": a definite
   description of an institution names the organisation actor mentioned last
   before it (within three paragraphs) whose name holds the head word ("the
   university" -> "University of Texas"); a union also matches an
   Association/Federation/Guild, and a company word (company, firm, retailer,
   carmaker, airline, lender, bank, group, ...) the last organisation that is
   not a public body. */
static bool s_resolve_orgdesc(const wt_quotes_ctx_t *ctx, const q_spk_t *sp, q_hist_t *out)
{
    static const char *const company[] = {
        "company", "firm",    "retailer",     "carmaker",     "automaker", "airline",
        "lender",  "insurer", "manufacturer", "maker",        "giant",     "chain",
        "group",   "bank",    "supermarket",  "conglomerate", "startup",   NULL};
    static const char *const union_like[] = {"union", "association", "federation", "guild", NULL};
    static const char *const public_words[] = {
        "ministry",   "council",     "police",     "court",      "government",
        "union",      "agency",      "commission", "department", "party",
        "parliament", "association", "federation", "committee",  "office",
        "authority",  "university",  "board",      NULL};
    const wt_doc_t *d = ctx->doc;
    if (sp->t1 <= sp->t0 + 1 || !wt_tok_ieq(d, TK(sp->t0), "the")) return false;
    uint32_t h = sp->t1 - 1;
    const wt_token_t *ht = TK(h);
    if (!q_lower(ht)) return false;
    const char *hw = d->text + ht->start;
    size_t hn = ht->end - ht->start;
    bool is_company = false, is_union = false;
    for (int k = 0; company[k]; k++)
        if (strlen(company[k]) == hn && memcmp(company[k], hw, hn) == 0) is_company = true;
    is_union = hn == 5 && memcmp(hw, "union", 5) == 0;
    if (!is_company && !(q_cls(ctx, h) & QL_ORGHEAD)) return false;
    uint32_t pos = ht->start, para = ht->para;
    size_t lo = wt_q_men_at(ctx->am, ctx->nam, pos);
    const wt_result_t *res = ctx->res;
    int pick = -1, fallback = -1;
    for (size_t k = lo, n = 0; k-- > 0 && n < 60; n++) {
        const q_men_t *m = &ctx->am[k];
        uint32_t mt = wt_q_tok_at(ctx, m->start);
        if (mt >= d->ntoks || TK(mt)->para + 3 < para) break;
        if (m->type != WT_ACTOR_ORGANIZATION || m->actor < 0 || ctx->qid[mt]) continue;
        const char *name = res->actors[m->actor].name;
        if (!name) continue;
        bool hit = s_name_has(name, hw, hn);
        for (int u = 0; is_union && !hit && union_like[u]; u++)
            hit = s_name_has(name, union_like[u], strlen(union_like[u]));
        if (hit) {
            pick = (int)k;
            break;
        }
        if (is_company && fallback < 0) {
            bool pub = false;
            for (int u = 0; public_words[u] && !pub; u++)
                pub = s_name_has(name, public_words[u], strlen(public_words[u]));
            if (!pub) fallback = (int)k;
        }
    }
    if (pick < 0) pick = fallback;
    if (pick < 0) return false;
    const q_men_t *m = &ctx->am[pick];
    bool ok = s_ante(ctx, wt_q_tok_at(ctx, m->start), m->end, m->actor, SK_NAME, out);
    out->org = 1;
    return ok;
}

/* "The Prime Minister said", "the chancellor": a title-only nominal names the
   person actor of the article whose dictionary role is that title, when
   exactly one person holds it. The speaker span becomes that person's last
   mention before the nominal (else the first one after it). */
static bool s_resolve_role(const wt_quotes_ctx_t *ctx, const q_spk_t *sp, q_hist_t *out)
{
    const wt_doc_t *d = ctx->doc;
    uint32_t a = sp->t0;
    if (a < sp->t1 && (q_cls(ctx, a) & QL_DET)) {
        if (!wt_tok_ieq(d, TK(a), "the")) return false;
        a++;
    }
    if (a >= sp->t1 || sp->t1 - a > 4) return false;
    char want[64];
    size_t n = 0;
    for (uint32_t k = a; k < sp->t1; k++) {
        if (!(q_cls(ctx, k) & QL_TITLE)) return false;
        const wt_token_t *t = TK(k);
        size_t l = t->end - t->start;
        if (n + l + 2 >= sizeof want) return false;
        if (n) want[n++] = ' ';
        memcpy(want + n, d->text + t->start, l);
        n += l;
    }
    want[n] = 0;
    const wt_result_t *res = ctx->res;
    int found = -1;
    for (size_t i = 0; i < res->actor_count; i++) {
        const wt_actor_t *ac = &res->actors[i];
        if (ac->type != WT_ACTOR_PERSON || !ac->role || !ac->mention_count) continue;
        /* "Prime Minister" matches the role "Prime Minister" and "Prime Minister of X" */
        if (strncasecmp(ac->role, want, n) != 0 ||
            (ac->role[n] && strncmp(ac->role + n, " of ", 4)))
            continue;
        if (found >= 0) return false; /* two holders: ambiguous */
        found = (int)i;
    }
    if (found < 0) return false;
    const wt_actor_t *ac = &res->actors[found];
    uint32_t pos = TK(sp->t0)->start;
    const wt_span_t *best = &ac->mentions[0];
    for (size_t m = 0; m < ac->mention_count; m++)
        if (ac->mentions[m].start < pos &&
            (best->start >= pos || ac->mentions[m].start > best->start))
            best = &ac->mentions[m];
    return s_ante(ctx, wt_q_tok_at(ctx, best->start), best->end, found, SK_NAME, out);
}

/* ---------------------------------------------------------------- speakers: final */

/* Link a found speaker to an actor; resolve pronouns and definite titles to
   their antecedent (the speaker's span then points at the antecedent's
   words, and the actor is the antecedent's). */
void wt_q_settle(wt_quotes_ctx_t *ctx, q_spk_t *sp)
{
    if (sp->kind == SK_NONE) return;
    /* a nominal cut short ("an EU investigation into") is no speaker */
    if (sp->kind == SK_NOM && (q_cls(ctx, sp->t1 - 1) & (QL_PREP | QL_DET | QL_NOTSPK))) {
        sp->kind = SK_NONE;
        return;
    }

    q_hist_t ante;
    bool found = false;
    if (sp->kind == SK_PRON) {
        if (sp->gender == QG_M || sp->gender == QG_F)
            found = s_resolve_person(ctx, sp->t0, sp->gender, &ante);
        else
            found = s_resolve_group(ctx, sp->t0, &ante);
    } else if (sp->kind == SK_NOM) {
        found = s_resolve_title(ctx, sp, &ante) || s_resolve_role(ctx, sp, &ante) ||
                s_resolve_orgdesc(ctx, sp, &ante);
    }
    if (found) {
        sp->t0 = ante.t0;
        sp->t1 = ante.t1;
        sp->kind = ante.kind;
        sp->actor = ante.actor;
        sp->org = ante.org;
        if (ante.gender) sp->gender = ante.gender;
        if (sp->actor >= 0) return;
        if (sp->kind == SK_NAME && !sp->org) sp->person = 1;
    }
    if (sp->kind == SK_PRON) return;
    uint32_t b0 = TK(sp->t0)->start, b1 = TK(sp->t1 - 1)->end;
    int a = wt_q_actor_at(ctx, b0, b1, sp->kind == SK_NAME && !sp->org);
    if (a < 0 && sp->kind == SK_NAME && !sp->org) {
        int act;
        uint8_t g = wt_q_gmap_gender(ctx, TK(sp->t1 - 1)->hash, &act);
        a = act;
        if (!sp->gender) sp->gender = g;
    }
    sp->actor = a;
}

void wt_q_hist_push(wt_quotes_ctx_t *ctx, const q_quote_t *q)
{
    const q_spk_t *sp = &q->spk;
    if (sp->kind == SK_NONE || sp->kind == SK_PRON) return;
    wt_grow(&ctx->hist, &ctx->hist_cap, ctx->nhist + 1, sizeof *ctx->hist);
    q_hist_t *h = &ctx->hist[ctx->nhist++];
    *h = (q_hist_t){.pos = TK(q->c0)->start, .para = TK(q->c0)->para, .t0 = sp->t0, .t1 = sp->t1};
    h->actor = sp->actor;
    h->kind = sp->kind;
    h->org = sp->org;
    h->gender = sp->gender;
    if (!h->gender && sp->kind == SK_NAME && !sp->org)
        h->gender = wt_q_gmap_gender(ctx, TK(sp->t1 - 1)->hash, NULL);
    if (sp->actor >= 0 && (size_t)sp->actor < ctx->res->actor_count &&
        ctx->res->actors[sp->actor].type != WT_ACTOR_PERSON)
        h->org = 1;
}
