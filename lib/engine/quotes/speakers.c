/*  speakers.c: the words that name a speaker. Given a cue verb or a
    position, finds the noun phrase that speaks: a name run (role titles
    dropped, honorifics and ranks kept, "X of Y" split), a subject pronoun, a
    nominal ("a senior official", "police", "the firm's head of legal
    affairs"), or the subject of the sentence ("X did Y, saying Z"), skipping
    appositives (", a spokesman for Y,"). Every window is a few dozen tokens.
    Used by the cue, indirect-speech and mention passes.
*/
#include "quotes_int.h"

#include <string.h>

/* The person's segment of a name run [s, e) split at "of", "for", "on": the
   segment holding a first name, else the first one when it looks personal
   ("Ross Rogers of Boston"), else the whole run, in [*a, *b). *coord: the
   run lists several ("X and Y"); then it stays whole. */
static void s_name_segment(const wt_quotes_ctx_t *ctx, uint32_t s, uint32_t e, uint32_t *a,
                           uint32_t *b, bool *coord)
{
    uint32_t seg_s = s, best_s = Q_NONE, best_e = Q_NONE, first_s = s, first_e = e;
    bool first_done = false;
    for (uint32_t i = s; i <= e; i++) {
        /* the connectors are lower-case words; most name tokens are not */
        bool split =
            i == e || ((TK(i)->flags & WT_TF_LOWER) &&
                       (wt_tok_is(ctx->doc, TK(i), "of") || wt_tok_is(ctx->doc, TK(i), "for") ||
                        wt_tok_is(ctx->doc, TK(i), "on")));
        if (!split) continue;
        if (!first_done) {
            first_e = i;
            first_done = true;
        }
        for (uint32_t k = seg_s; k < i; k++)
            if (q_cls(ctx, k) & QL_FIRST) {
                best_s = seg_s;
                best_e = i;
            }
        seg_s = i + 1;
    }
    *a = s;
    *b = e;
    *coord = false;
    for (uint32_t k = s; k < e; k++)
        if (wt_tok_is(ctx->doc, TK(k), "and") || q_punct(ctx, k, '&')) *coord = true;
    if (*coord) {
        best_s = Q_NONE;
        first_e = e;
    }
    if (best_s != Q_NONE) {
        *a = best_s;
        *b = best_e;
    } else if (first_e < e) {
        /* "Ross Rogers of Boston": the first segment when it looks personal */
        bool personal = false;
        for (uint32_t k = first_s; k < first_e; k++)
            if (q_cls(ctx, k) & (QL_HONOR | QL_RANK | QL_TITLE)) personal = true;
        bool orgish = false;
        for (uint32_t k = s; k < e; k++)
            if (q_cls(ctx, k) & QL_ORGHEAD) orgish = true;
        if (personal && !orgish) {
            *a = first_s;
            *b = first_e;
        }
    }
}

/* Gender, person and organisation evidence over the whole run [s, e) and a
   lower-case title right before it. */
static void s_name_evidence(const wt_quotes_ctx_t *ctx, uint32_t s, uint32_t e, q_spk_t *sp)
{
    for (uint32_t k = s; k < e; k++) {
        const ql_entry_t *en = q_lx(ctx, k);
        if (!en) continue;
        if (en->cls & QL_ORGHEAD && TK(k)->flags & WT_TF_CAP) sp->org = 1;
        if (en->cls & (QL_HONOR | QL_TITLE | QL_RANK)) {
            sp->person = 1;
            if (en->gender == QG_M || en->gender == QG_F) sp->gender = en->gender;
        }
    }
    if (s > 0) { /* a lower-case title right before: "spokeswoman Haley Morris" */
        const ql_entry_t *en = q_lx(ctx, s - 1);
        if (en && (en->cls & (QL_TITLE | QL_HONOR)) && !ctx->qid[s - 1]) {
            sp->person = 1;
            if (!sp->gender && (en->gender == QG_M || en->gender == QG_F)) sp->gender = en->gender;
        }
    }
}

/* Where the name proper starts in the segment [a, b): at its first name,
   else after the last role title or at an honorific, keeping an honorific or
   rank right before it. A person's name after an organisation's role clears
   the organisation evidence. */
static uint32_t s_name_start(const wt_quotes_ctx_t *ctx, uint32_t a, uint32_t b, bool coord,
                             q_spk_t *sp)
{
    /* first name inside the chosen segment starts the core */
    uint32_t core = a;
    for (uint32_t k = a; k < b && !coord; k++) {
        const ql_entry_t *en = q_lx(ctx, k);
        if (en && (en->cls & QL_FIRST) && !(en->cls & (QL_TITLE | QL_HONOR))) {
            core = k;
            if (!sp->gender && (en->gender == QG_M || en->gender == QG_F)) sp->gender = en->gender;
            sp->person = 1;
            break;
        }
    }
    if (core == a) {
        /* after the last role title, when a name follows it */
        for (uint32_t k = a; k + 1 < b; k++)
            if ((q_cls(ctx, k) & QL_TITLE) && !(q_cls(ctx, k) & QL_FIRST)) core = k + 1;
        /* an honorific inside the run starts the name: whatever stands before
           it is a role ("Agency Director-General Dr. Jane Roe" -> "Dr. Jane Roe") */
        for (uint32_t k = core + 1; k + 1 < b; k++)
            if ((q_cls(ctx, k) & QL_HONOR) && !(q_cls(ctx, k) & QL_FIRST)) {
                core = k;
                break;
            }
        /* an honorific or rank right before the core stays ("Mr Xi", "Officer Tusk") */
    }
    if (core > a && (q_cls(ctx, core - 1) & (QL_HONOR | QL_RANK))) core--;
    /* "Agency Director-General Dr. Jane Roe": the organisation words are in
       the role before the name, the name itself is a person's */
    if (core > a && sp->org && (q_cls(ctx, core) & (QL_HONOR | QL_FIRST))) {
        bool org_in_core = false;
        for (uint32_t k = core; k < b; k++)
            if ((q_cls(ctx, k) & QL_ORGHEAD) && (TK(k)->flags & WT_TF_CAP)) org_in_core = true;
        if (!org_in_core) {
            sp->org = 0;
            sp->person = 1;
        }
    }
    while (core < b && (q_cls(ctx, core) & QL_CONNECT))
        core++;
    return core >= b ? a : core;
}

/* "European Commissioner": a segment [a, b) that ends in a title and holds
   no name is a nominal speaker. */
static void s_name_title_only(const wt_quotes_ctx_t *ctx, uint32_t a, uint32_t b, q_spk_t *sp)
{
    if (b <= a || !(q_cls(ctx, b - 1) & QL_TITLE) || (q_cls(ctx, b - 1) & QL_FIRST)) return;
    bool name = false;
    for (uint32_t k = a; k < b; k++)
        if (!(q_cls(ctx, k) & (QL_TITLE | QL_HONOR | QL_RANK)) && !(TK(k)->flags & WT_TF_ALLCAP))
            name = true;
    /* "Australian Governor General": a run that ends in a title and holds
       no first name describes a role; its last title is no name */
    bool first = false;
    for (uint32_t k = a; k < b; k++)
        if ((q_cls(ctx, k) & QL_FIRST) && !(q_cls(ctx, k) & QL_TITLE)) first = true;
    if (!name || b - a <= 2 || !first) {
        sp->kind = SK_NOM;
        sp->t0 = a;
        sp->person = 0;
    }
}

/* Set the speaker span of a name run [s, e): drop role titles in front of
   the name, keep honorifics and ranks, pick the person of "X of Y". */
static void s_name_core(const wt_quotes_ctx_t *ctx, uint32_t s, uint32_t e, q_spk_t *sp)
{
    sp->kind = SK_NAME;
    sp->gender = QG_NONE;
    sp->org = 0;
    sp->person = 0;
    uint32_t a, b;
    bool coord;
    s_name_segment(ctx, s, e, &a, &b, &coord);
    s_name_evidence(ctx, s, e, sp);
    uint32_t core = s_name_start(ctx, a, b, coord, sp);
    if (b - core == 1 && (TK(core)->flags & WT_TF_ALLCAP)) sp->org = sp->person ? 0 : 1;
    sp->t0 = core;
    sp->t1 = b;
    if (sp->org) sp->person = 0;
    s_name_title_only(ctx, a, b, sp);
}

/* The name run that ends at token e (exclusive), not before lo. */
bool wt_q_name_back(const wt_quotes_ctx_t *ctx, uint32_t e, uint32_t lo, q_spk_t *sp)
{
    uint32_t i = e;
    while (i > lo) {
        if (TK(i - 1)->para != TK(e - 1)->para) break; /* a name never spans paragraphs */
        if (q_nametok(ctx, i - 1)) {
            i--;
            continue;
        }
        if (i - 1 > lo && i < e && q_nametok(ctx, i - 2) && q_nametok(ctx, i)) {
            uint32_t c = q_cls(ctx, i - 1);
            if ((c & (QL_CONNECT | QL_PARTICLE)) && q_lower(TK(i - 1))) {
                i--;
                continue;
            }
            if (q_punct(ctx, i - 1, '&')) {
                i--;
                continue;
            }
        }
        break;
    }
    while (i < e && !q_nametok(ctx, i))
        i++;
    if (i >= e) return false;
    s_name_core(ctx, i, e, sp);
    return true;
}

/* The name run that starts at token s; its end in *end. */
bool wt_q_name_fwd(const wt_quotes_ctx_t *ctx, uint32_t s, uint32_t hi, q_spk_t *sp, uint32_t *end)
{
    uint32_t j = s;
    while (j < hi) {
        if (TK(j)->para != TK(s)->para) break; /* a name never spans paragraphs */
        if (q_nametok(ctx, j)) {
            j++;
            continue;
        }
        if (j > s && j + 1 < hi && q_nametok(ctx, j + 1)) {
            uint32_t c = q_cls(ctx, j);
            if (((c & (QL_CONNECT | QL_PARTICLE)) && q_lower(TK(j))) || q_punct(ctx, j, '&')) {
                j++;
                continue;
            }
        }
        break;
    }
    if (j == s) return false;
    s_name_core(ctx, s, j, sp);
    *end = j;
    return true;
}

/* ---------------------------------------------------------------- speakers */

static bool s_pron(const wt_quotes_ctx_t *ctx, uint32_t i, q_spk_t *sp)
{
    const ql_entry_t *e = q_lx(ctx, i);
    if (!e || !(e->cls & QL_PRON) || ctx->qid[i]) return false;
    /* "I" and "we" are the writer or a group: not resolved, not reported */
    q_spk_init(sp, SK_PRON, i, i + 1);
    sp->gender = e->gender;
    return true;
}

bool wt_q_nomhead(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    uint32_t c = q_cls(ctx, i);
    return (c & (QL_NOMHEAD | QL_ORGHEAD)) && !(c & QL_NOTSPK) && !ctx->qid[i];
}

/* A word that may sit inside a nominal speaker ("a senior administration"). */
static bool s_nomword(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    const wt_token_t *t = TK(i);
    if (ctx->qid[i]) return false;
    if (t->kind == WT_TOK_POSS) return true;
    if (t->kind != WT_TOK_WORD) return false;
    uint32_t c = q_cls(ctx, i);
    if (c & (QL_PREP | QL_SUBORD | QL_PRON | QL_OBJPRON)) return false;
    if ((c & QL_VERB) && q_lower(t) && !(c & (QL_NOMHEAD | QL_ORGHEAD))) return false;
    if ((c & QL_STOP) && !(c & QL_DET)) return false;
    return true;
}

/* Nominal speaker ending at token e (exclusive): "a senior official". */
static bool s_nom_back(const wt_quotes_ctx_t *ctx, uint32_t e, uint32_t lo, q_spk_t *sp)
{
    uint32_t h = e - 1;
    if (!q_lower(TK(h))) return false;
    bool head = wt_q_nomhead(ctx, h);
    uint32_t i = h, det = Q_NONE;
    while (i > lo && h - i < 6) {
        uint32_t k = i - 1;
        if (q_cls(ctx, k) & QL_DET && TK(k)->kind == WT_TOK_WORD) {
            det = k;
            i = k;
            break;
        }
        if (!s_nomword(ctx, k)) break;
        i = k;
    }
    uint32_t c = q_cls(ctx, h);
    if (c & (QL_NOTSPK | QL_STOP | QL_ADV | QL_TIME)) return false;
    if (!head && !(det != Q_NONE && h - det <= 3 && det == i)) return false;
    if (!head) {
        /* any noun after a determiner: only "the"/"a"/"an" */
        const wt_token_t *d = TK(det);
        if (!wt_tok_ieq(ctx->doc, d, "the") && !wt_tok_ieq(ctx->doc, d, "a") &&
            !wt_tok_ieq(ctx->doc, d, "an"))
            return false;
    }
    q_spk_init(sp, SK_NOM, i, e);
    const ql_entry_t *en = q_lx(ctx, h);
    sp->gender = en ? en->gender : 0;
    sp->org = (c & QL_ORGHEAD) && !(c & QL_NOMHEAD);
    return true;
}

/* Nominal speaker starting at token s (a determiner or a bare plural head). */
static bool s_nom_fwd(const wt_quotes_ctx_t *ctx, uint32_t s, uint32_t hi, q_spk_t *sp,
                      uint32_t *end)
{
    uint32_t j = s, last_head = Q_NONE;
    bool det = (q_cls(ctx, s) & QL_DET) && TK(s)->kind == WT_TOK_WORD;
    if (det) j++;
    uint32_t first = j;
    while (j < hi && j - first < 6 && s_nomword(ctx, j)) {
        if (wt_q_nomhead(ctx, j) && q_lower(TK(j))) last_head = j;
        if (q_cls(ctx, j) & QL_DET && j > first) break;
        j++;
    }
    uint32_t h = last_head;
    if (h == Q_NONE && det && j > first && j - first <= 3 && j < hi &&
        (q_verb(ctx, j) || q_punct(ctx, j, ',')) && q_lower(TK(j - 1))) {
        const wt_token_t *d = TK(s);
        if (wt_tok_ieq(ctx->doc, d, "the") || wt_tok_ieq(ctx->doc, d, "a") ||
            wt_tok_ieq(ctx->doc, d, "an") || wt_tok_ieq(ctx->doc, d, "his") ||
            wt_tok_ieq(ctx->doc, d, "her") || wt_tok_ieq(ctx->doc, d, "their"))
            h = j - 1;
    }

    if (h == Q_NONE) return false;
    uint32_t c = q_cls(ctx, h);
    if (c & (QL_NOTSPK | QL_STOP | QL_ADV | QL_TIME)) return false;
    if (!det && !(TK(h)->flags & WT_TF_LOWER)) return false;
    /* without a determiner only institutions and plural heads ("police said",
       "Chinese officials said"), not "man" */
    if (!det && !(c & QL_ORGHEAD) && (!q_lx(ctx, h) || q_lx(ctx, h)->gender != QG_PL)) return false;
    q_spk_init(sp, SK_NOM, s, h + 1);
    const ql_entry_t *en = q_lx(ctx, h);
    sp->gender = en ? en->gender : 0;
    sp->org = (c & QL_ORGHEAD) && !(c & QL_NOMHEAD);
    *end = h + 1;
    /* "bosses at the plant said", "workers from the mine said": a short
       prepositional phrase completes a person nominal before its verb */
    if ((c & QL_NOMHEAD) && h + 3 < hi &&
        (wt_tok_is(ctx->doc, TK(h + 1), "at") || wt_tok_is(ctx->doc, TK(h + 1), "from") ||
         wt_tok_is(ctx->doc, TK(h + 1), "of") || wt_tok_is(ctx->doc, TK(h + 1), "for")) &&
        wt_tok_is(ctx->doc, TK(h + 2), "the")) {
        uint32_t pj = h + 3;
        while (pj < hi && pj < h + 5 && q_lower(TK(pj)) && !q_verb(ctx, pj) &&
               !(q_cls(ctx, pj) & (QL_STOP | QL_PREP | QL_ADV)) &&
               !(pj > h + 3 && TK(pj)->end - TK(pj)->start > 3 &&
                 memcmp(ctx->doc->text + TK(pj)->end - 2, "ed", 2) == 0))
            pj++;
        if (pj > h + 3 && pj < hi &&
            ((q_lower(TK(pj)) && (q_verb(ctx, pj) || (q_cls(ctx, pj) & QL_ADV) ||
                                  (TK(pj)->end - TK(pj)->start > 3 &&
                                   memcmp(ctx->doc->text + TK(pj)->end - 2, "ed", 2) == 0))) ||
             q_punct(ctx, pj, ','))) {
            sp->t1 = pj;
            *end = pj;
        }
    }
    return true;
}

/* Skip an appositive ", a spokesman for Y," or "(R-Texas)" ending at token e-1;
   returns the new end, or e when there is none. */
static uint32_t s_skip_appos_back(const wt_quotes_ctx_t *ctx, uint32_t e, uint32_t lo)
{
    if (e <= lo + 1) return e;
    uint32_t k = e - 1;
    if (q_punct(ctx, k, ')')) {
        for (uint32_t j = k; j > lo && k - j < 14; j--)
            if (q_punct(ctx, j - 1, '(')) return j - 1;
        return e;
    }
    if (q_dashlike(ctx, k)) {
        /* "Jason Sims — a teacher from Mount Pleasant — says" */
        for (uint32_t j = k; j > lo + 1 && k - j < 20; j--) {
            uint32_t p = j - 1;
            if (q_inq(ctx, p) || (TK(p)->flags & WT_TF_SENT_END)) return e;
            if (q_dashlike(ctx, p)) {
                uint32_t c = p + 1 < k ? q_cls(ctx, p + 1) : 0;
                return (c & QL_DET) || (p + 1 < k && q_lower(TK(p + 1))) ? p : e;
            }
        }
        return e;
    }
    if (!q_punct(ctx, k, ',')) return e;
    for (uint32_t j = k; j > lo && k - j < 40; j--) {
        uint32_t p = j - 1;
        if (q_inq(ctx, p) || (TK(p)->flags & WT_TF_SENT_END)) return e;
        if (q_punct(ctx, p, ',')) {
            if (p + 1 >= k) return e;
            const wt_token_t *f = TK(p + 1);
            uint32_t c = q_cls(ctx, p + 1);
            /* "Sen. Rand Paul, R-Ky., said" */
            if (k - p <= 3 && f->kind == WT_TOK_WORD && f->end - f->start >= 3 &&
                strchr("RDI", ctx->doc->text[f->start]) && ctx->doc->text[f->start + 1] == '-')
                return p;

            if ((c & (QL_DET | QL_SUBORD)) || q_lower(f) || f->kind == WT_TOK_NUMBER ||
                (c & (QL_TITLE | QL_NOMHEAD)))
                return p;
            /* ", Sanders' senior media adviser," ends with a role */
            if (q_cls(ctx, k - 1) & (QL_TITLE | QL_NOMHEAD)) return p;

            return e;
        }
    }
    return e;
}

/* The speaker of cue verb v: the noun phrase before it. */

/* The subject of the sentence holding token v (for "X did Y, saying Z"):
   the noun phrase that opens it, after a conjunction or an opening adverbial. */
bool wt_q_subject(const wt_quotes_ctx_t *ctx, uint32_t v, uint32_t lo, q_spk_t *sp)
{
    const wt_doc_t *d = ctx->doc;
    uint32_t s0 = d->sents[TK(v)->sent].tok_first;
    if (s0 < lo) s0 = lo;
    if (s0 < v && (wt_tok_ieq(d, TK(s0), "but") || wt_tok_ieq(d, TK(s0), "and") ||
                   wt_tok_ieq(d, TK(s0), "so") || wt_tok_ieq(d, TK(s0), "yet") ||
                   wt_tok_ieq(d, TK(s0), "or")))
        s0++;
    if (s0 < v && (q_cls(ctx, s0) & (QL_PREP | QL_TIME)) && !(q_cls(ctx, s0) & QL_PRON)) {
        uint32_t k = s0;
        while (k < v && k < s0 + 15 && !q_punct(ctx, k, ','))
            k++;
        if (k >= v || !q_punct(ctx, k, ',')) return false;
        s0 = k + 1;
    }
    uint32_t end;
    if (s0 < v && wt_q_np_fwd(ctx, s0, v, sp, &end) && end < v)
        return q_lower(TK(end)) || q_punct(ctx, end, ',');
    /* "Asked whether he would run, Mrs. Clinton shook her head and said": the
       subject after an opening participial phrase */
    if (s0 < v && !q_lower(TK(s0)) && TK(s0)->kind == WT_TOK_WORD &&
        TK(s0)->end - TK(s0)->start > 3 && d->text[TK(s0)->end - 1] == 'd' &&
        d->text[TK(s0)->end - 2] == 'e') {
        uint32_t k = s0;
        while (k < v && k < s0 + 20 && !q_punct(ctx, k, ','))
            k++;
        if (k + 1 < v && q_punct(ctx, k, ',') && wt_q_np_fwd(ctx, k + 1, v, sp, &end) && end < v &&
            q_lower(TK(end)))
            return true;
    }

    /* "The town released a statement saying": a determiner, up to three words and a verb */
    if (s0 + 2 < v && (wt_tok_is(d, TK(s0), "The") || wt_tok_is(d, TK(s0), "A"))) {
        for (uint32_t h = s0 + 1; h < s0 + 4 && h + 1 < v; h++) {
            if (!q_lower(TK(h)) || (q_cls(ctx, h) & (QL_STOP | QL_PREP | QL_NOTSPK | QL_VERB)))
                break;
            if (q_lower(TK(h + 1)) && !(q_cls(ctx, h + 1) & (QL_PREP | QL_DET))) {
                q_spk_init(sp, SK_NOM, s0, h + 1);
                return true;
            }
        }
    }
    return false;
}

/* A preposition that takes a place or an organisation as its object. */
static bool s_prep_word(const wt_quotes_ctx_t *ctx, uint32_t i)
{
    static const char *const w[] = {"at", "for", "of", "in", "from", "with", "by", "on", NULL};
    for (int k = 0; w[k]; k++)
        if (wt_tok_is(ctx->doc, TK(i), w[k])) return true;
    return false;
}

static bool s_np_back_core(const wt_quotes_ctx_t *ctx, uint32_t v, uint32_t lo, q_spk_t *sp)
{
    const ql_entry_t *ve = q_lx(ctx, v);
    /* "X went on to say", "X pointed to a case to say": the sentence's subject */
    if (ve && (ve->cls & QL_VERB) && v > lo + 1 && wt_tok_is(ctx->doc, TK(v - 1), "to"))
        return wt_q_subject(ctx, v, lo, sp);
    if (ve && (ve->cls & QL_VERB) && ve->vform == QV_ING && v > lo + 1 &&
        (q_punct(ctx, v - 1, ',') || q_dashlike(ctx, v - 1) ||
         (v > lo + 2 && wt_tok_is(ctx->doc, TK(v - 1), "only") && q_dashlike(ctx, v - 2))))
        return wt_q_subject(ctx, v, lo, sp);
    uint32_t i = v, n = 0;
    /* "Jane Roe on Monday assured": a time phrase between subject and verb */
    if (v > lo + 2 && (q_cls(ctx, v - 1) & QL_TIME) && (TK(v - 1)->flags & WT_TF_CAP) &&
        wt_tok_is(ctx->doc, TK(v - 2), "on"))
        i = v - 2;

    while (i > lo && n < 3) {
        const wt_token_t *t = TK(i - 1);
        if (t->kind != WT_TOK_WORD || !q_lower(t)) break;
        uint32_t c = q_cls(ctx, i - 1);
        size_t len = t->end - t->start;
        bool ly = len > 3 && memcmp(ctx->doc->text + t->end - 2, "ly", 2) == 0 &&
                  !(c & (QL_NOMHEAD | QL_ORGHEAD));
        if (!(c & QL_ADV) && !ly) break;
        i--;
        n++;
    }
    if (i <= lo) return false;
    /* "X pointed to a man and called him ...": the sentence's subject */
    if (i > lo + 1 &&
        (wt_tok_is(ctx->doc, TK(i - 1), "and") || wt_tok_is(ctx->doc, TK(i - 1), "but")))
        return wt_q_subject(ctx, v, lo, sp);
    /* "X, who said" / "X, who has said" */

    if (i > lo + 2 && (q_cls(ctx, i - 1) & QL_SUBORD) && wt_tok_ieq(ctx->doc, TK(i - 1), "who") &&
        q_punct(ctx, i - 2, ','))
        i -= 2;
    uint32_t i0 = i;
    i = s_skip_appos_back(ctx, i, lo);
    if (i != i0 && i > lo + 1)
        i = s_skip_appos_back(ctx, i, lo); /* "X, 31, a photographer, said" */
    if (i <= lo) return false;
    if (i == i0 && q_punct(ctx, i - 1, ',')) {
        /* "The head of EU foreign policy, Josep Borrell, described": the name
           between the commas */
        uint32_t e = i - 1, p = e;
        while (p > lo && e - p < 8 && q_nametok(ctx, p - 1))
            p--;
        uint32_t end;
        if (p < e && p > lo && q_punct(ctx, p - 1, ',') && wt_q_name_fwd(ctx, p, e, sp, &end) &&
            end == e) {
            sp->actor = sp->men = -1;
            return true;
        }
        return false;
    }
    uint32_t k = i - 1;
    if (ctx->qid[k] || TK(k)->kind == WT_TOK_QUOTE) return false;
    if (s_pron(ctx, k, sp)) return true;
    q_spk_init(sp, SK_NONE, 0, 0);
    if (q_nametok(ctx, k)) {
        if (wt_q_name_back(ctx, i, lo, sp)) {
            sp->actor = sp->men = -1;
            /* "The U.S. ambassador to Mexico said": the name completes a nominal
               head; the speaker is the nominal ("The U.S. ambassador") */
            uint32_t t0 = sp->t0;
            while (t0 > lo && q_nametok(ctx, t0 - 1))
                t0--;
            if (t0 > lo + 1 &&
                (wt_tok_is(ctx->doc, TK(t0 - 1), "to") || wt_tok_is(ctx->doc, TK(t0 - 1), "of") ||
                 wt_tok_is(ctx->doc, TK(t0 - 1), "for"))) {
                q_spk_t nom;
                if (q_lower(TK(t0 - 2)) && (q_cls(ctx, t0 - 2) & (QL_TITLE | QL_NOMHEAD)) &&
                    s_nom_back(ctx, t0 - 1, lo, &nom)) {
                    *sp = nom;
                    return true;
                }
            }
            /* the object of a preposition is no subject: "Jane Roe, site manager
               for Acme at Riverton said" -> the name before the appositive */
            if (t0 > lo + 2 && q_lower(TK(t0 - 1)) && s_prep_word(ctx, t0 - 1)) {
                for (uint32_t p = t0 - 1; p > lo + 1 && t0 - p < 20; p--) {
                    if (q_inq(ctx, p) || q_stop(ctx, p) || (q_lower(TK(p)) && q_verb(ctx, p)))
                        break;
                    if (!q_punct(ctx, p, ',')) continue;
                    q_spk_t nm;
                    memset(&nm, 0, sizeof nm);
                    if (q_nametok(ctx, p - 1) && wt_q_name_back(ctx, p, lo, &nm) && !nm.org &&
                        (nm.person || nm.gender || nm.t1 - nm.t0 >= 2)) {
                        nm.actor = nm.men = -1;
                        *sp = nm;
                    }
                    break;
                }
            }
            return true;
        }
        return false;
    }
    if (TK(k)->kind == WT_TOK_WORD && s_nom_back(ctx, i, lo, sp)) {
        /* "The leader of the opposition said": the head is the role before
           "of", the speaker the whole phrase, never "the opposition" */
        uint32_t t0 = sp->t0;
        q_spk_t head;
        const wt_token_t *pt = t0 > lo + 2 ? TK(t0 - 1) : NULL;
        bool of = pt && wt_tok_is(ctx->doc, pt, "of");
        bool pp = pt && (wt_tok_is(ctx->doc, pt, "at") || wt_tok_is(ctx->doc, pt, "from") ||
                         wt_tok_is(ctx->doc, pt, "for"));
        /* "workers from the mine said", "a spokesman for the ministry said" */
        if (pt && (of || pp) && q_lower(TK(t0 - 2)) &&
            (q_cls(ctx, t0 - 2) & (of ? (QL_TITLE | QL_NOMHEAD) : QL_NOMHEAD)) &&
            s_nom_back(ctx, t0 - 1, lo, &head)) {
            uint32_t t1 = sp->t1;
            *sp = head;
            sp->t1 = t1;
            sp->org = 0;
        }
        return true;
    }
    return false;
}

/* The speaker of cue verb v; a participle with no subject of its own
   ("issued a statement saying ...") takes the sentence's subject. */
bool wt_q_np_back(const wt_quotes_ctx_t *ctx, uint32_t v, uint32_t lo, q_spk_t *sp)
{
    if (s_np_back_core(ctx, v, lo, sp)) return true;
    const ql_entry_t *ve = q_lx(ctx, v);
    if (ve && (ve->cls & QL_VERB) && ve->vform == QV_ING) return wt_q_subject(ctx, v, lo, sp);
    return false;
}

/* The speaker after an inverted cue ("said X") starting at token s. */
bool wt_q_np_fwd(const wt_quotes_ctx_t *ctx, uint32_t s, uint32_t hi, q_spk_t *sp, uint32_t *end)
{
    if (s >= hi || ctx->qid[s]) return false;
    if (s_pron(ctx, s, sp)) {
        *end = s + 1;
        return true;
    }
    q_spk_init(sp, SK_NONE, 0, 0);
    uint32_t c = q_cls(ctx, s);
    if (c & QL_TIME && !(TK(s)->flags & WT_TF_CAP)) return false;
    /* "the Mexican president": a nominal; "the Kremlin": a name */
    if ((c & QL_DET) && s_nom_fwd(ctx, s, hi, sp, end)) return true;
    uint32_t s2 = s;

    if ((c & QL_DET) && s + 1 < hi && q_nametok(ctx, s + 1) && (wt_tok_ieq(ctx->doc, TK(s), "the")))
        s2 = s + 1;
    if (q_nametok(ctx, s2)) {
        const ql_entry_t *e = q_lx(ctx, s2);
        if (e && (e->cls & QL_STOP) && !(e->cls & (QL_HONOR | QL_TITLE | QL_RANK))) return false;
        uint32_t j;
        if (!wt_q_name_fwd(ctx, s2, hi, sp, &j)) return false;
        /* "Biden's spokesman": the possessor is not the speaker */
        if (j < hi && TK(j)->kind == WT_TOK_POSS) {
            q_spk_t n2;
            uint32_t e2;
            if (s_nom_fwd(ctx, j + 1, hi, &n2, &e2)) {
                n2.t0 = s;
                *sp = n2;
                *end = e2;
                return true;
            }
            return false;
        }
        /* "Foreign ministry spokesman Mark Regev", "Local government officials":
           one capitalised word opening a lower-case role is not the speaker; the
           name after the role is, else the whole nominal */
        if (j == s2 + 1 && !sp->person && !(q_cls(ctx, s2) & QL_FIRST) && j < hi &&
            q_lower(TK(j))) {
            uint32_t k = j;
            while (k < hi && k < j + 4 && q_lower(TK(k)) && s_nomword(ctx, k) && !q_verb(ctx, k) &&
                   !(TK(k)->end - TK(k)->start > 3 &&
                     memcmp(ctx->doc->text + TK(k)->end - 2, "ed", 2) == 0)) /* a past verb */
                k++;
            uint32_t hc = k > j ? q_cls(ctx, k - 1) : 0;
            q_spk_t nm;
            memset(&nm, 0, sizeof nm);
            uint32_t e2;
            if ((hc & (QL_TITLE | QL_NOMHEAD)) && k < hi && q_nametok(ctx, k) &&
                wt_q_name_fwd(ctx, k, hi, &nm, &e2) && !nm.org) {
                *sp = nm;
                sp->actor = sp->men = -1;
                sp->person = 1;
                *end = e2;
                return true;
            }
            if ((hc & QL_NOMHEAD) && q_lx(ctx, k - 1) && q_lx(ctx, k - 1)->gender == QG_PL &&
                (k >= hi || q_lower(TK(k)))) {
                q_spk_init(sp, SK_NOM, s2, k);
                sp->gender = QG_PL;
                *end = k;
                return true;
            }
        }
        /* "says Punjab minister": a place and a lower-case role are a nominal */
        if (j < hi && q_lower(TK(j)) && (q_cls(ctx, j) & (QL_TITLE | QL_NOMHEAD)) &&
            !(q_cls(ctx, j) & QL_VERB) &&
            (j + 1 >= hi || q_stop(ctx, j + 1) || TK(j + 1)->kind != WT_TOK_WORD) && !sp->person) {
            q_spk_init(sp, SK_NOM, s2, j + 1);
            *end = j + 1;
            return true;
        }
        sp->actor = sp->men = -1;
        *end = j;
        return true;
    }
    /* "said council member John Williams", "says opposition leader Ann Roe": a
       lower-case role right before a name */
    if (q_lower(TK(s))) {
        uint32_t j = s;
        while (j < hi && j < s + 4 && q_lower(TK(j)) && s_nomword(ctx, j))
            j++;
        /* headline style "..., says opposition leader": a bare role ending the
           sentence */
        if (j > s && s > 0 && q_verb(ctx, s - 1) && (q_cls(ctx, j - 1) & (QL_TITLE | QL_NOMHEAD)) &&
            !(q_cls(ctx, j - 1) & QL_NOTSPK) &&
            (j >= hi || q_stop(ctx, j) || TK(j)->para != TK(s)->para)) {
            q_spk_init(sp, SK_NOM, s, j);
            *end = j;
            return true;
        }
        if (j > s && j < hi && (q_cls(ctx, j - 1) & (QL_TITLE | QL_NOMHEAD)) && q_nametok(ctx, j)) {
            q_spk_t nm;
            memset(&nm, 0, sizeof nm);
            uint32_t e2;
            if (wt_q_name_fwd(ctx, j, hi, &nm, &e2) && !nm.org) {
                *sp = nm;
                sp->actor = sp->men = -1;
                sp->person = 1;
                *end = e2;
                return true;
            }
        }
    }
    return s_nom_fwd(ctx, s, hi, sp, end);
}
