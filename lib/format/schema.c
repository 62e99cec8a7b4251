/*  schema.c: the annotated item's fields, written once.

    One table per map of the ARCHITECTURE.md contract, in wire order (the
    order both writers use and the order in which a missing key is
    reported). codec.c writes and strictly decodes MessagePack from these
    tables and json.c writes JSON from them; see format_int.h for what each
    type and flag means and docs/FORMATS.md for how to add a field.
*/
#include "format/format_int.h"

#include <stddef.h>

/* one field: name, JSON key with its leading comma, name length, ... */
// clang-format off
#define S_F(nm, ty, fl, o, a, a2, sb) {#nm, ",\"" #nm "\":", sizeof(#nm) - 1, ty, fl, o, a, a2, sb}
// clang-format on
#define S_N(arr) ((uint8_t)(sizeof(arr) / sizeof(arr)[0]))

enum { S_REQ = WT_FF_REQUIRED, S_NN = WT_FF_NOTNULL, S_NE = WT_FF_NONEMPTY };

/* {start, end, text}: a wt_span_t */
static const wt_field_t s_mention[] = {
    S_F(start, WT_FT_U32, S_REQ, offsetof(wt_span_t, start), 0, 0, NULL),
    S_F(end, WT_FT_U32, S_REQ, offsetof(wt_span_t, end), 0, 0, NULL),
    S_F(text, WT_FT_SLICE, S_REQ, 0, 0, 0, NULL),
};
const wt_schema_t wt_schema_mention = {s_mention, S_N(s_mention), false, sizeof(wt_span_t), 2};

#define S_A(f) offsetof(wt_actor_t, f)
static const wt_field_t s_actor[] = {
    S_F(id, WT_FT_STR, S_REQ | S_NN | S_NE, S_A(id), 0, 0, NULL),
    S_F(name, WT_FT_STR, S_REQ | S_NN, S_A(name), 0, 0, NULL),
    S_F(type, WT_FT_ACTOR_TYPE, S_REQ, S_A(type), 0, 0, NULL),
    S_F(country, WT_FT_COUNTRY, S_REQ, S_A(country), 0, 0, NULL),
    S_F(code, WT_FT_STR, S_REQ, S_A(code), 0, 0, NULL),
    S_F(role, WT_FT_STR, S_REQ, S_A(role), 0, 0, NULL),
    S_F(wikidata, WT_FT_STR, S_REQ, S_A(wikidata), 0, 0, NULL),
    S_F(known, WT_FT_BOOL, S_REQ, S_A(known), 0, 0, NULL),
    S_F(salience, WT_FT_DOUBLE, S_REQ, S_A(salience), 0, 0, NULL),
    S_F(mentions, WT_FT_ARRAY, S_REQ, S_A(mentions), S_A(mention_count), S_A(mention_cap),
        &wt_schema_mention),
};
const wt_schema_t wt_schema_actor = {s_actor, S_N(s_actor), false, sizeof(wt_actor_t), -1};

#define S_I(f) offsetof(wt_issue_t, f)
static const wt_field_t s_issue[] = {
    S_F(id, WT_FT_STR, S_REQ | S_NN | S_NE, S_I(id), 0, 0, NULL),
    S_F(label, WT_FT_STR, S_REQ | S_NN, S_I(label), 0, 0, NULL),
    S_F(topic, WT_FT_TOPIC, S_REQ | S_NN, S_I(topic), 0, 0, NULL),
    S_F(score, WT_FT_DOUBLE, S_REQ, S_I(score), 0, 0, NULL),
    S_F(mentions, WT_FT_ARRAY, S_REQ, S_I(mentions), S_I(mention_count), S_I(mention_cap),
        &wt_schema_mention),
};
const wt_schema_t wt_schema_issue = {s_issue, S_N(s_issue), false, sizeof(wt_issue_t), -1};

/* speaker: a map over fields of the quote (wt_quote_t) */
#define S_Q(f) offsetof(wt_quote_t, f)
static const wt_field_t s_speaker[] = {
    S_F(actor, WT_FT_STR, S_REQ | S_NE, S_Q(speaker_actor), 0, 0, NULL),
    S_F(text, WT_FT_SLICE, S_REQ, S_Q(speaker), 0, 0, NULL),
    S_F(start, WT_FT_U32, S_REQ, S_Q(speaker.start), 0, 0, NULL),
    S_F(end, WT_FT_U32, S_REQ, S_Q(speaker.end), 0, 0, NULL),
};
const wt_schema_t wt_schema_speaker = {s_speaker, S_N(s_speaker), false, 0, 1};

static const wt_field_t s_quote[] = {
    S_F(text, WT_FT_SLICE, S_REQ, S_Q(span), 0, 0, NULL),
    S_F(start, WT_FT_U32, S_REQ, S_Q(span.start), 0, 0, NULL),
    S_F(end, WT_FT_U32, S_REQ, S_Q(span.end), 0, 0, NULL),
    S_F(kind, WT_FT_QUOTE_KIND, S_REQ, S_Q(kind), 0, 0, NULL),
    S_F(cue, WT_FT_STR, S_REQ, S_Q(cue), 0, 0, NULL),
    S_F(speaker, WT_FT_OBJ_OPT, S_REQ, 0, S_Q(has_speaker), 0, &wt_schema_speaker),
};
const wt_schema_t wt_schema_quote = {s_quote, S_N(s_quote), false, sizeof(wt_quote_t), 0};

#define S_S(f) offsetof(wt_stats_t, f)
static const wt_field_t s_stats[] = {
    S_F(bytes, WT_FT_U64, S_REQ, S_S(bytes), 0, 0, NULL),
    S_F(tokens, WT_FT_U64, S_REQ, S_S(tokens), 0, 0, NULL),
    S_F(sentences, WT_FT_U64, S_REQ, S_S(sentences), 0, 0, NULL),
    S_F(elapsed_us, WT_FT_U64, S_REQ, S_S(elapsed_us), 0, 0, NULL),
};
const wt_schema_t wt_schema_stats = {s_stats, S_N(s_stats), false, 0, -1};

/* annotator: a map over fields of the result */
#define S_R(f) offsetof(wt_result_t, f)
static const wt_field_t s_annotator[] = {
    S_F(version, WT_FT_STR, S_REQ, S_R(annotator_version), 0, 0, NULL),
    S_F(dictionaries, WT_FT_STR, S_REQ, S_R(annotator_dictionaries), 0, 0, NULL),
};
const wt_schema_t wt_schema_annotator = {s_annotator, S_N(s_annotator), false, 0, -1};

enum { S_IT = WT_FF_ITEM, S_OM = WT_FF_OMIT };
static const wt_field_t s_result[] = {
    S_F(id, WT_FT_STR, S_REQ | S_NN | S_NE | S_IT, S_R(item.id), 0, 0, NULL),
    S_F(seq, WT_FT_U64, S_OM, S_R(seq), S_R(has_seq), 0, NULL),
    S_F(source, WT_FT_STR, S_IT, S_R(item.source), 0, 0, NULL),
    S_F(url, WT_FT_STR, S_IT, S_R(item.url), 0, 0, NULL),
    S_F(title, WT_FT_STR, S_IT, S_R(item.title), 0, 0, NULL),
    S_F(published, WT_FT_STR, S_IT, S_R(item.published), 0, 0, NULL),
    S_F(lang, WT_FT_STR, S_OM | S_IT, S_R(item.lang), 0, 0, NULL),
    S_F(text, WT_FT_TEXT, S_REQ | S_IT, S_R(item.text), S_R(item.text_len), 0, NULL),
    S_F(actors, WT_FT_ARRAY, S_REQ, S_R(actors), S_R(actor_count), S_R(actor_cap),
        &wt_schema_actor),
    S_F(issues, WT_FT_ARRAY, S_REQ, S_R(issues), S_R(issue_count), S_R(issue_cap),
        &wt_schema_issue),
    S_F(quotes, WT_FT_ARRAY, S_REQ, S_R(quotes), S_R(quote_count), S_R(quote_cap),
        &wt_schema_quote),
    S_F(stats, WT_FT_OBJ, S_REQ, S_R(stats), 0, 0, &wt_schema_stats),
    S_F(annotator, WT_FT_OBJ, S_REQ, 0, 0, 0, &wt_schema_annotator),
    S_F(meta, WT_FT_META, S_OM | S_IT, S_R(item.meta), S_R(item.meta_len), 0, NULL),
};
const wt_schema_t wt_schema_result = {s_result, S_N(s_result), true, sizeof(wt_result_t), -1};
