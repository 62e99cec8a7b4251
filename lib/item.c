/*  item.c: lifecycle of input and annotated items, names of enums on the
    wire, ids and dates. */
#include "wiretag/item.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const wt_limits_t wt_limits_default = {
    .max_text = 1024 * 1024,
    .max_field = 4096,
    .max_meta = 64 * 1024,
    .max_elements = 100000,
};

const char *const wt_topics[21] = {
    "macroeconomics",
    "civil_rights",
    "health",
    "agriculture",
    "labor",
    "education",
    "environment",
    "energy",
    "immigration",
    "transportation",
    "law_crime",
    "social_welfare",
    "housing",
    "domestic_commerce",
    "defense",
    "technology",
    "foreign_trade",
    "international_affairs",
    "government_operations",
    "public_lands",
    "culture",
};

bool wt_topic_valid(const char *s)
{
    if (!s) return false;
    for (int i = 0; i < 21; i++)
        if (strcmp(s, wt_topics[i]) == 0) return true;
    return false;
}

void wt_item_clear(wt_item_t *item)
{
    free(item->id);
    free(item->title);
    free(item->source);
    free(item->url);
    free(item->published);
    free(item->lang);
    free(item->text);
    free(item->meta);
    memset(item, 0, sizeof *item);
}

static char *s_dup(const char *s)
{
    return s ? wt_strdup(s) : NULL;
}

void wt_item_copy(wt_item_t *dst, const wt_item_t *src)
{
    dst->id = s_dup(src->id);
    dst->title = s_dup(src->title);
    dst->source = s_dup(src->source);
    dst->url = s_dup(src->url);
    dst->published = s_dup(src->published);
    dst->lang = s_dup(src->lang);
    dst->text = src->text ? wt_strndup(src->text, src->text_len) : NULL;
    dst->text_len = src->text_len;
    if (src->meta && src->meta_len) {
        dst->meta = wt_malloc(src->meta_len);
        memcpy(dst->meta, src->meta, src->meta_len);
        dst->meta_len = src->meta_len;
    }
}

void wt_result_clear(wt_result_t *res)
{
    wt_item_clear(&res->item);
    for (size_t i = 0; i < res->actor_count; i++) {
        wt_actor_t *a = &res->actors[i];
        free(a->id);
        free(a->name);
        free(a->code);
        free(a->role);
        free(a->wikidata);
        free(a->mentions);
    }
    free(res->actors);
    for (size_t i = 0; i < res->issue_count; i++) {
        wt_issue_t *is = &res->issues[i];
        free(is->id);
        free(is->label);
        free(is->topic);
        free(is->mentions);
    }
    free(res->issues);
    for (size_t i = 0; i < res->quote_count; i++) {
        free(res->quotes[i].cue);
        free(res->quotes[i].speaker_actor);
    }
    free(res->quotes);
    free(res->annotator_version);
    free(res->annotator_dictionaries);
    memset(res, 0, sizeof *res);
}

wt_actor_t *wt_result_add_actor(wt_result_t *res)
{
    wt_grow(&res->actors, &res->actor_cap, res->actor_count + 1, sizeof *res->actors);
    wt_actor_t *a = &res->actors[res->actor_count++];
    memset(a, 0, sizeof *a);
    return a;
}

wt_issue_t *wt_result_add_issue(wt_result_t *res)
{
    wt_grow(&res->issues, &res->issue_cap, res->issue_count + 1, sizeof *res->issues);
    wt_issue_t *is = &res->issues[res->issue_count++];
    memset(is, 0, sizeof *is);
    return is;
}

wt_quote_t *wt_result_add_quote(wt_result_t *res)
{
    wt_grow(&res->quotes, &res->quote_cap, res->quote_count + 1, sizeof *res->quotes);
    wt_quote_t *q = &res->quotes[res->quote_count++];
    memset(q, 0, sizeof *q);
    return q;
}

void wt_actor_add_mention(wt_actor_t *a, uint32_t start, uint32_t end)
{
    wt_grow(&a->mentions, &a->mention_cap, a->mention_count + 1, sizeof *a->mentions);
    a->mentions[a->mention_count++] = (wt_span_t){start, end};
}

void wt_issue_add_mention(wt_issue_t *is, uint32_t start, uint32_t end)
{
    wt_grow(&is->mentions, &is->mention_cap, is->mention_count + 1, sizeof *is->mentions);
    is->mentions[is->mention_count++] = (wt_span_t){start, end};
}

static const char *const s_types[] = {"person", "organization", "country"};
static const char *const s_kinds[] = {"direct", "partial", "indirect"};

const char *wt_actor_type_name(wt_actor_type_t t)
{
    return (unsigned)t < 3 ? s_types[t] : "person";
}

int wt_actor_type_parse(const char *s, wt_actor_type_t *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, s_types[i]) == 0) {
            *out = (wt_actor_type_t)i;
            return 0;
        }
    return WT_EVALUE;
}

const char *wt_quote_kind_name(wt_quote_kind_t k)
{
    return (unsigned)k < 3 ? s_kinds[k] : "direct";
}

int wt_quote_kind_parse(const char *s, wt_quote_kind_t *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, s_kinds[i]) == 0) {
            *out = (wt_quote_kind_t)i;
            return 0;
        }
    return WT_EVALUE;
}

void wt_item_ensure_id(wt_item_t *item)
{
    if (item->id) return;
    char buf[20];
    uint64_t h = wt_hash64(item->text ? item->text : "", item->text_len);
    snprintf(buf, sizeof buf, "h%016llx", (unsigned long long)h);
    item->id = wt_strdup(buf);
}

static bool s_digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* ISO 8601 time after the date: HH:MM[:SS[.frac]][Z|+HH:MM|-HH:MM|+HHMM]. */
static bool s_time_ok(const char *t)
{
    if (!s_digits(t, 2) || t[2] != ':' || !s_digits(t + 3, 2)) return false;
    if ((t[0] - '0') * 10 + (t[1] - '0') > 24 || (t[3] - '0') * 10 + (t[4] - '0') > 59)
        return false;
    t += 5;
    if (*t == ':') {
        if (!s_digits(t + 1, 2)) return false;
        t += 3;
        if (*t == '.' || *t == ',') {
            t++;
            if (!s_digits(t, 1)) return false;
            while (*t >= '0' && *t <= '9')
                t++;
        }
    }
    if (*t == 0) return true;
    if (*t == 'Z' || *t == 'z') return t[1] == 0;
    if (*t == '+' || *t == '-') {
        t++;
        if (!s_digits(t, 2)) return false;
        t += 2;
        if (*t == ':') t++;
        if (*t == 0) return true;
        return s_digits(t, 2) && t[2] == 0;
    }
    return false;
}

int wt_date_normalize(const char *s, char out[11])
{
    if (!s || strlen(s) < 10 || strlen(s) > 40 || !s_digits(s, 4) || s[4] != '-' ||
        !s_digits(s + 5, 2) || s[7] != '-' || !s_digits(s + 8, 2))
        return WT_EVALUE;
    int month = (s[5] - '0') * 10 + (s[6] - '0');
    int day = (s[8] - '0') * 10 + (s[9] - '0');
    if (month < 1 || month > 12 || day < 1 || day > 31) return WT_EVALUE;
    /* ISO 8601: a time part may follow ("2021-09-10T12:00:00Z", "2021-09-10 12:00"). */
    if (s[10] != 0 && !((s[10] == 'T' || s[10] == 't' || s[10] == ' ') && s_time_ok(s + 11)))
        return WT_EVALUE;
    memcpy(out, s, 10);
    out[10] = 0;
    return 0;
}
