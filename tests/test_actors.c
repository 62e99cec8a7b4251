/*  test_actors.c: the actors stage on sentences we write, one table row per
    rule (dictionary match and case rules, composition of titles, unknown
    people and organisations, coreference, date-aware roles, output shape),
    loader errors, and hostile inputs (50,000 repetitions of a name, a 1 MB
    token, all capitals, no spaces). Dictionaries: tests/fixtures/actors/.
    WT_ACTORS_DEBUG=1 prints what each row found. */
#include "engine/actors/actors_internal.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIX "tests/fixtures/actors/"

static const char *const s_files[] = {FIX "countries.yaml",    FIX "organizations.yaml",
                                      FIX "institutions.yaml", FIX "people.yaml",
                                      FIX "agents.yaml",       FIX "companies.yaml"};
#define S_NFILES ((int)(sizeof s_files / sizeof s_files[0]))

typedef struct {
    const char *text;
    int date;
    /* expected actors: "name|type|country|code|role|mention;mention" ("*" = any,
       "-" = null); the mentions listed must all be present, exactly */
    const char *expect[6];
    /* names that must not be actors (neither a name nor a mention) */
    const char *absent[6];
} row_t;

static const row_t s_rows[] = {
    /* 1. dictionary, synonyms, case rules */
    {"The US and China agreed on Monday.",
     0,
     {"United States|country|USA|USA|-|US", "China|country|CHN|*|-|China"},
     {0}},
    {"Officials told us that the U.S. would act.",
     0,
     {"United States|country|USA|*|-|U.S."},
     {"us"}},
    {"They ate turkey in Ankara while Turkey watched.",
     0,
     {"Turkey|country|TUR|*|-|Turkey"},
     {"turkey"}},
    {"Chinese officials met American diplomats in the afternoon.",
     0,
     {"China|country|CHN|*|-|Chinese", "United States|country|USA|*|-|American"},
     {0}},
    {"Beijing said it would respond, and the Kremlin agreed.",
     0,
     {"China|country|CHN|*|-|Beijing", "Russian government|organization|RUS|RUSGOV|-|Kremlin"},
     {0}},
    {"The White House declined to comment.",
     0,
     {"United States government|organization|USA|USAGOV|-|White House"},
     {0}},
    {"The United Nations and the UN Security Council met.",
     0,
     {"United Nations|organization|-|IGOUNO|-|United Nations"},
     {0}},
    /* 2. composition: titles outside the span, country from the adjective */
    {"Chinese Foreign Minister Wang Yi arrived on Tuesday.",
     0,
     {"Wang Yi|person|CHN|CHNGOV|Foreign Minister|Wang Yi", "China|country|CHN|*|-|Chinese"},
     {"Foreign Minister Wang Yi"}},
    {"President of Israel Isaac Herzog spoke first.",
     0,
     {"Isaac Herzog|person|ISR|ISRGOV|President|Isaac Herzog", "Israel|country|ISR|*|-|Israel"},
     {0}},
    {"The American commander Jane Doeman said the base was safe.",
     0,
     {"Jane Doeman|person|USA|USAMIL|Commander|Jane Doeman"},
     {0}},
    {"Russia's foreign minister Ivan Petrovsky left.",
     0,
     {"Ivan Petrovsky|person|RUS|RUSGOV|Foreign Minister|Ivan Petrovsky"},
     {0}},
    /* 2. unknown people and organisations */
    {"A statement from the Kenya Human Rights Commission criticised police.",
     0,
     {"Kenya Human Rights Commission|organization|KEN|*|-|Kenya Human Rights Commission"},
     {"Kenya"}},
    {"The Ministry of External Affairs in India issued a note.",
     0,
     {"Ministry of External Affairs|organization|IND|*|*|Ministry of External Affairs"},
     {0}},
    {"Arun Mehra, a spokesman for the Indian foreign ministry, said so.",
     0,
     {"Arun Mehra|person|IND|*|*|Arun Mehra"},
     {0}},
    {"Poland, Germany, Spain and Kenya signed.",
     0,
     {"Poland|country|POL|*|-|Poland", "Germany|country|DEU|*|-|Germany",
      "Spain|country|ESP|*|-|Spain", "Kenya|country|KEN|*|-|Kenya"},
     {"Poland, Germany"}},
    {"On Monday the talks resumed. Tuesday was quiet. However, nothing changed in March.",
     0,
     {0},
     {"Monday", "Tuesday", "However", "March"}},
    {"He flew to Kelowna from Tamberlane last week.", 0, {0}, {"Kelowna", "Tamberlane"}},
    {"Maria Kovalenko of the Green Valley Party met Ms Kovalenko's aides.",
     0,
     {"Maria Kovalenko|person|*|*|-|Maria Kovalenko;Kovalenko",
      "Green Valley Party|organization|*|*|-|Green Valley Party"},
     {0}},
    {"The Kenya Wildlife Workers Union (KWWU) said it would strike. KWWU leaders met.",
     0,
     {"Kenya Wildlife Workers Union|organization|KEN|*|-|Kenya Wildlife Workers Union;KWWU"},
     {0}},
    {"The Supreme Court ruled on Monday, and the National Police Service said it would comply.",
     0,
     {"Supreme Court|organization|*|*|-|Supreme Court",
      "National Police Service|organization|*|*|-|National Police Service"},
     {"Supreme"}},
    {"Let us be clear, the LoK said. The Lanterns of Kerrow agreed.",
     0,
     {"Lanterns of Kerrow|organization|-|NGO|-|LoK;Lanterns of Kerrow"},
     {"Let"}},
    {"The U.S. ambassador to Mexico Ken Salazar praised the reform.",
     0,
     {"Ken Salazar|person|USA|*|*|Ken Salazar", "Mexico|country|MEX|*|-|Mexico"},
     {0}},
    {"They discussed a nuclear crisis on the Korean Peninsula.",
     0,
     {0},
     {"South Korea", "Korean", "Korean Peninsula"}},
    {"Partly Cloudy\n\nThe talks in Warsaw resumed with Polish officials.",
     0,
     {"Poland|country|POL|*|-|Warsaw;Polish"},
     {"Partly Cloudy"}},
    {"Senate leader Harry Reidman of Nevada added an amendment.",
     0,
     {"Harry Reidman|person|*|*|*|Harry Reidman"},
     {"Nevada"}},
    {"Federal Reserve Bank of San Francisco President Mary Dalton said rates would rise.",
     0,
     {"Federal Reserve Bank of San Francisco|organization|*|*|-|Federal Reserve Bank of San "
      "Francisco",
      "Mary Dalton|person|*|*|President|Mary Dalton"},
     {0}},
    {"Taoiseach Michael Martinez spoke to reporters.",
     0,
     {"Michael Martinez|person|*|*|*|Michael Martinez"},
     {"Taoiseach Michael Martinez"}},
    {"Social Security will be cut; social spending and national security are debated.",
     0,
     {0},
     {"Social Security"}},
    {"Arab Israelis protested in the south.", 0, {0}, {"Arab Israelis"}},
    {"Ousted leader Maria Lopezza returned home.",
     0,
     {"Maria Lopezza|person|*|*|*|Maria Lopezza"},
     {"Ousted", "Ousted leader Maria Lopezza"}},
    {"The vote in the Senate and the Chamber of Deputies was close.",
     0,
     {"Chamber of Deputies|organization|*|*|-|Chamber of Deputies"},
     {"Senate and the Chamber of Deputies"}},
    {"The pro-Syrian Omar Karimi spoke near Palmerston North.",
     0,
     {"Omar Karimi|person|*|*|-|Omar Karimi"},
     {"pro-Syrian Omar Karimi", "Palmerston North"}},
    {"Garuda Kenya said fares would rise.",
     0,
     {"Garuda Kenya|organization|KEN|*|-|Garuda Kenya"},
     {0}},
    {"Officials said the Initial Public Offering (IPO) would follow after the Genetic "
     "Modification rules.",
     0,
     {"Initial Public Offering|organization|*|*|-|Initial Public Offering;IPO"},
     {"Genetic Modification"}},
    {"Settlers in the West Bank and Gaza Strip met officials from Los Angeles and San "
     "Francisco; the U.S lead was clear.",
     0,
     {0},
     {"West Bank", "Gaza Strip", "Los Angeles", "San Francisco", "U.S",
      "West Bank and Gaza Strip"}},
    {"White House spokesman Jen Psakovna said a Supreme Court justice would attend.",
     0,
     {"Jen Psakovna|person|USA|USAGOV|Spokesperson|Jen Psakovna",
      "Supreme Court|organization|*|*|-|Supreme Court",
      "United States government|organization|USA|USAGOV|-|White House"},
     {"White House Press"}},
    {"Senator Greg Waldenberg (R-OR) met Sunni Arabs near the Sydney Opera House.",
     0,
     {"Greg Waldenberg|person|*|*|-|Greg Waldenberg"},
     {"R-OR", "Sunni Arabs", "Sydney Opera House"}},
    {"ACT leader David Seymour says voters want answers. BBC TV reported it.",
     0,
     {"ACT|organization|*|*|-|ACT", "David Seymour|person|*|*|Leader|David Seymour",
      "BBC TV|organization|*|*|-|BBC TV"},
     {0}},
    /* 3. coreference */
    {"Noppadol Pattamaka spoke first. Later Noppadol said he was pleased.",
     0,
     {"Noppadol Pattamaka|person|*|*|-|Noppadol Pattamaka;Noppadol"},
     {0}},
    {"Kim Jong Un met Kim Yo Jong in Pyongyang. Kim said talks went well.",
     0,
     {"Kim Jong Un|person|*|*|-|Kim Jong Un", "Kim Yo Jong|person|*|*|-|Kim Yo Jong"},
     {"Kim"}},
    {"Xi Jinping met aides. Later Xi spoke, and Mr Xi left. MrXi was tired.",
     20210910,
     {"Xi Jinping|person|CHN|CHNGOV|President|Xi Jinping;Xi;Xi;Xi"},
     {0}},
    {"Joe Biden spoke. Mr. Biden then left, and Biden returned.",
     20220101,
     {"Joe Biden|person|USA|USAGOV|President|Joe Biden;Biden;Biden"},
     {0}},
    {"Anna Lindqvist and Erik Lindqvist arrived. Lindqvist said nothing.",
     0,
     {"Anna Lindqvist|person|*|*|-|Anna Lindqvist", "Erik Lindqvist|person|*|*|-|Erik Lindqvist"},
     {0}},
    {"Wendy Shermanova met Chinese officials. Ms. Shermanova said talks went well.",
     0,
     {"Wendy Shermanova|person|*|*|-|Wendy Shermanova;Shermanova"},
     {0}},
    {"Biden spoke to reporters in Washington.", 20220101, {0}, {"Biden"}},
    {"Maria Ostrowska of Poland and Jan Kiplagat of the Russian government met Spanish "
     "officials.",
     0,
     {"Maria Ostrowska|person|POL|*|-|Maria Ostrowska", "Jan Kiplagat|person|RUS|*|-|Jan Kiplagat"},
     {0}},
    {"Gina Turkey scored twice. Turkey said the team had played well.",
     0,
     {"Gina Turkey|person|*|*|-|Gina Turkey;Turkey"},
     {0}},
    {"Xi Jinping spoke on Friday. Xisaid the talks were candid.",
     20220101,
     {"Xi Jinping|person|CHN|*|*|Xi Jinping;Xi"},
     {"Xisaid"}},
    {"Mr Jinping ... no. Xi told Chinese state media he was pleased.",
     20220101,
     {"Xi Jinping|person|CHN|CHNGOV|President|Xi"},
     {0}},
    {"Officer Jinping of the Walrus Police Department said so.",
     0,
     {"Walrus Police Department|organization|*|*|-|Walrus Police Department"},
     {"Xi Jinping"}},
    {"Burton claims that his favourite book is \"One Hundred Years of Solitude\".",
     0,
     {0},
     {"Hundred Years", "One Hundred Years of Solitude"}},
    /* 5. output: ids of unknown actors are slugs, unique in the item */
    {"Ms Zoë Álvarez-Núñez met Ms Zoe Alvarez-Nunez in Madrid.",
     0,
     {"Zoë Álvarez-Núñez|person|*|*|-|Zoë Álvarez-Núñez"},
     {0}},
    {"Kenyan health minister, Tedros Adhanom Gebremariam, spoke. Tedros said cases fell.",
     0,
     {"Tedros Adhanom Gebremariam|person|KEN|KENGOV|*|Tedros Adhanom Gebremariam;Tedros"},
     {0}},
    /* common words and abbreviated titles in front of a name */
    {"Former Florida Gov. Jebediah Bushnell met Republican Marko Rubinski.",
     0,
     {"Jebediah Bushnell|person|*|*|-|Jebediah Bushnell",
      "Marko Rubinski|person|*|*|-|Marko Rubinski"},
     {"Florida Gov. Jebediah Bushnell", "Republican Marko Rubinski"}},
    /* a country that is also a first name */
    {"Jordan Petersen, a psychologist, spoke in Turkey.",
     0,
     {"Jordan Petersen|person|*|*|-|Jordan Petersen"},
     {"Jordan"}},
    /* a lone word that speaks: an organisation, unless a person by the text */
    {"The vaccine works, Quellzer said on Monday.",
     0,
     {"Quellzer|organization|*|*|-|Quellzer"},
     {0}},
    {"The stunt was a mistake, Garnaud said, adding that he had learned a lesson. Garnaud "
     "said he was sorry.",
     0,
     {"Garnaud|person|*|*|-|Garnaud;Garnaud"},
     {0}},
    /* short_names: exactly these; [] = none */
    {"Marine Lepennec-Durand visited Poland. Lepennec said she was pleased. The English "
     "teacher spoke English.",
     0,
     {"Marine Lepennec-Durand|person|POL|*|-|Marine Lepennec-Durand;Lepennec"},
     {"Bill English"}},
    {"In Poland, Lepennec spoke.", 0, {"Marine Lepennec-Durand|person|POL|*|-|Lepennec"}, {0}},
    /* organisations with dated codes */
    {"The Kerrow Liberation Front took the capital.",
     20200101,
     {"Kerrow Liberation Front|organization|POL|POLREB|-|Kerrow Liberation Front"},
     {0}},
    {"The Kerrow Liberation Front took the capital.",
     20220101,
     {"Kerrow Liberation Front|organization|POL|POLGOV|-|Kerrow Liberation Front"},
     {0}},
    /* organisation names with "and" before their head word */
    {"Officers from Avon and Somerset Police arrested a man.",
     0,
     {"Avon and Somerset Police|organization|*|*|-|Avon and Somerset Police"},
     {"Somerset Police", "Avon"}},
    {"The Transport and General Workers Union said the plan was wrong.",
     0,
     {"Transport and General Workers Union|organization|*|*|-|Transport and General Workers Union"},
     {"General Workers Union"}},
    /* a name before a modifier suffix ("-backed", "-led", "-run"): the name alone */
    {"Kremlin-backed forces and US-backed fighters clashed near Kerrow Liberation Front-run "
     "villages.",
     0,
     {"Russian government|organization|RUS|RUSGOV|-|Kremlin", "United States|country|USA|*|-|US",
      "Kerrow Liberation Front|organization|POL|*|-|Kerrow Liberation Front"},
     {"Kremlin-backed", "US-backed"}},
    /* ... but a nationality ("German-born") is no state */
    {"The German-born singer Mara Quell said she was happy.", 0, {0}, {"Germany"}},
    /* an ordinal before an organisation's name is part of it; street addresses are places */
    {"The 9th Kerrow Circuit Court of Appeals ruled, and police closed W. Main St. for a day.",
     0,
     {"9th Kerrow Circuit Court of Appeals|organization|*|*|-|9th Kerrow Circuit Court of Appeals"},
     {"W. Main St.", "Main St."}},
    /* a place glued by a hyphen is not part of the name */
    {"Shares of the Houston-based Grayhill Financial Group fell sharply.",
     0,
     {"Grayhill Financial Group|organization|*|*|-|Grayhill Financial Group"},
     {"Houston-based Grayhill Financial Group"}},
    /* letters after a person's name: not part of it, and a sign of a person */
    {"Lawyers led by Jane Roewell KC told the panel the rules were unlawful.",
     0,
     {"Jane Roewell|person|*|*|-|Jane Roewell"},
     {"Jane Roewell KC", "KC"}},
    /* a dateline: the country is the actor, the city is not */
    {"HAMBURG Germany - The committee met on Monday.",
     0,
     {"Germany|country|DEU|*|-|Germany"},
     {"HAMBURG Germany", "HAMBURG"}},
    /* a credit line names no actor */
    {"The council voted. Copyright 2019 Grayhill Broadcasting, Inc. All rights reserved.",
     0,
     {0},
     {"Grayhill Broadcasting", "Grayhill Broadcasting, Inc."}},
    /* sentence adverbs, glued web names, a caption printed twice */
    {"Likewise, the court said nothing. Neither Quellcorp nor the union replied.",
     0,
     {0},
     {"Likewise", "Neither Quellcorp"}},
    {"He wrote to GreenBrookAndPartners about it, the mayor said.",
     0,
     {0},
     {"GreenBrookAndPartners"}},
    {"The vote was close.\n\nMara Quell\n\nMara Quell\nThe mayor said Mara Quell was right.",
     0,
     {"Mara Quell|person|*|*|-|Mara Quell"},
     {"Mara Quell\n\nMara Quell"}},
    /* places: never actors; evidence of a title holder's or a name's country */
    {"Baltimore Mayor Jane Quillan said the city was calm.",
     0,
     {"Jane Quillan|person|USA|*|*|Jane Quillan"},
     {"Baltimore"}},
    {"Officers of the Houston Police Department arrested a man. The Houston Texans won.",
     0,
     {"Houston Police Department|organization|USA|*|-|Houston Police Department",
      "Houston Texans|organization|USA|*|-|Houston Texans"},
     {"Houston"}},
    /* an unknown person's country: the story's setting when the text makes it clear */
    {"Mara Quell said the dam in Texas was safe. Farmers in Texas agreed with Ms Quell.",
     0,
     {"Mara Quell|person|USA|*|-|Mara Quell"},
     {"Texas"}},
    /* ... and null when it does not: one mention each of two countries */
    {"Mara Quell said the plan was fine, while Poland and China disagreed with Ms Quell.",
     0,
     {"Mara Quell|person|-|*|-|Mara Quell"},
     {0}},
    /* ... nor the nearest country named before the person */
    {"China and Poland met. China, Poland and Spain signed, Mara Quell said, and Ms Quell left.",
     0,
     {"Mara Quell|person|-|*|-|Mara Quell"},
     {0}},
    /* a longer name of the same person starting inside a match wins */
    {"The agency's head Dr. Amara Kessel Dembo opened the meeting.",
     0,
     {"Amara Kessel Dembo|person|KEN|*|*|Amara Kessel Dembo"},
     {"Kessel Dembo"}},
    /* a name never ends with an initial */
    {"Version Beta V.1.0 is out, the makers said.", 0, {0}, {"Beta V."}},
    /* a one-word institution name gives its country only once the country is named */
    {"In India, Congress leader Mara Quell said the vote was fair. India voted.",
     0,
     {"Mara Quell|person|IND|*|*|Mara Quell"},
     {0}},
    {"In Texas, Congress leader Mara Quell said the vote was fair.",
     0,
     {"Mara Quell|person|USA|*|*|Mara Quell"},
     {0}},
    /* a party's acronym whose country the text never names is not that party */
    {"In Kenya, CFP chief Mara Quell said the case would go on. Kenya agreed.",
     0,
     {"Mara Quell|person|KEN|*|*|Mara Quell"},
     {"CFP"}},
    {"In Poland, the CFP said the case would go on.",
     0,
     {"Civic Forward Party|organization|POL|POLPTY|-|CFP"},
     {0}},
    /* the setting: two mentions of one country, no other */
    {"Mara Quell said the vote was fair, the Grayhill Press reported. Poland and Poland's "
     "neighbours agreed.",
     0,
     {"Mara Quell|person|POL|*|*|Mara Quell"},
     {0}},
    /* newspaper head words */
    {"The Westshire Echo reported that the plant would close.",
     0,
     {"Westshire Echo|organization|*|*|-|Westshire Echo"},
     {0}},
    /* companies: the dictionary (our own file), names and short names */
    {"Shares of Corvane Group fell after Corvane Trucks cut its forecast. Corvane said more.",
     0,
     {"Corvane Group|organization|DEU|DEUBUS|-|Corvane Group;Corvane",
      "Corvane Trucks|organization|DEU|DEUBUS|-|Corvane Trucks"},
     {0}},
    /* 4. dates */
    {"Joe Biden met Chinese leaders.",
     20150601,
     {"Joe Biden|person|USA|USAGOV|Vice President|Joe Biden"},
     {0}},
    {"Joe Biden met Chinese leaders.", 20180601, {"Joe Biden|person|USA|USAELI|-|Joe Biden"}, {0}},
    {"Joe Biden met Chinese leaders.", 0, {"Joe Biden|person|USA|USAGOV|President|Joe Biden"}, {0}},
    /* the text's title beats "former" when the ranges do not cover the date */
    {"President Joe Biden met Chinese leaders.",
     20180601,
     {"Joe Biden|person|USA|USAGOV|President|Joe Biden"},
     {0}},
};

static const char *s_type(wt_actor_type_t t)
{
    return wt_actor_type_name(t);
}

static void s_dump(const char *text, const wt_result_t *res)
{
    printf("-- %s\n", text);
    for (size_t i = 0; i < res->actor_count; i++) {
        const wt_actor_t *a = &res->actors[i];
        printf("   %s | %s | %s | %s | %s | %s | %.2f |", a->id, a->name, s_type(a->type),
               a->country[0] ? a->country : "-", a->code ? a->code : "-", a->role ? a->role : "-",
               a->salience);
        for (size_t m = 0; m < a->mention_count; m++)
            printf(" [%.*s]", (int)(a->mentions[m].end - a->mentions[m].start),
                   text + a->mentions[m].start);
        printf("\n");
    }
}

static bool s_field_ok(const char *want, size_t wn, const char *got)
{
    if (wn == 1 && want[0] == '*') return true;
    if (wn == 1 && want[0] == '-') return got == NULL || got[0] == 0;
    return got && strlen(got) == wn && memcmp(got, want, wn) == 0;
}

static void s_check_row(const row_t *r, const wt_result_t *res)
{
    for (int e = 0; e < 6 && r->expect[e]; e++) {
        const char *f[6];
        size_t fl[6];
        const char *p = r->expect[e];
        for (int k = 0; k < 6; k++) {
            const char *q = strchr(p, '|');
            f[k] = p;
            fl[k] = q ? (size_t)(q - p) : strlen(p);
            p = q ? q + 1 : p + strlen(p);
        }
        const wt_actor_t *a = NULL;
        for (size_t i = 0; i < res->actor_count && !a; i++)
            if (strlen(res->actors[i].name) == fl[0] &&
                memcmp(res->actors[i].name, f[0], fl[0]) == 0)
                a = &res->actors[i];
        CHECK_MSG(a != NULL, "\"%s\": no actor %.*s", r->text, (int)fl[0], f[0]);
        if (!a) continue;
        CHECK_MSG(s_field_ok(f[1], fl[1], s_type(a->type)), "\"%s\": %s type %s", r->text, a->name,
                  s_type(a->type));
        CHECK_MSG(s_field_ok(f[2], fl[2], a->country), "\"%s\": %s country %s", r->text, a->name,
                  a->country);
        CHECK_MSG(s_field_ok(f[3], fl[3], a->code), "\"%s\": %s code %s", r->text, a->name,
                  a->code ? a->code : "null");
        CHECK_MSG(s_field_ok(f[4], fl[4], a->role), "\"%s\": %s role %s", r->text, a->name,
                  a->role ? a->role : "null");
        /* mentions: in order, exactly these texts first */
        p = f[5];
        const char *end = f[5] + fl[5];
        size_t mi = 0;
        while (p < end) {
            const char *q = memchr(p, ';', (size_t)(end - p));
            size_t n = q ? (size_t)(q - p) : (size_t)(end - p);
            bool found = false;
            for (; mi < a->mention_count && !found; mi++) {
                const wt_span_t *s = &a->mentions[mi];
                found = s->end - s->start == n && memcmp(r->text + s->start, p, n) == 0;
            }
            CHECK_MSG(found, "\"%s\": %s lacks mention \"%.*s\"", r->text, a->name, (int)n, p);
            p = q ? q + 1 : end;
        }
    }
    for (int e = 0; e < 6 && r->absent[e]; e++) {
        const char *w = r->absent[e];
        for (size_t i = 0; i < res->actor_count; i++) {
            const wt_actor_t *a = &res->actors[i];
            CHECK_MSG(strcmp(a->name, w) != 0, "\"%s\": unwanted actor %s", r->text, w);
            for (size_t m = 0; m < a->mention_count; m++) {
                const wt_span_t *s = &a->mentions[m];
                CHECK_MSG(!(s->end - s->start == strlen(w) &&
                            memcmp(r->text + s->start, w, strlen(w)) == 0),
                          "\"%s\": unwanted mention %s (actor %s)", r->text, w, a->name);
            }
        }
    }
}

static void s_tag(wt_actors_ctx_t *ctx, wt_doc_t *doc, const char *text, size_t len, int date,
                  wt_result_t *res)
{
    wt_doc_analyze(doc, text, len);
    wt_input_t in = {.doc = doc, .published = NULL, .date = date, .title_end = 0};
    wt_result_clear(res);
    wt_actors_tag(ctx, &in, res);
}

/* Every mention lies inside the text, names are non-empty, ids unique. */
static void s_check_shape(const wt_result_t *res, size_t len)
{
    for (size_t i = 0; i < res->actor_count; i++) {
        const wt_actor_t *a = &res->actors[i];
        CHECK(a->id && a->id[0] && a->name && a->name[0]);
        CHECK(a->salience >= 0 && a->salience <= 1);
        CHECK(a->mention_count > 0);
        for (size_t m = 0; m < a->mention_count; m++)
            CHECK(a->mentions[m].start < a->mentions[m].end && a->mentions[m].end <= len);
        for (size_t j = i + 1; j < res->actor_count && j < i + 50; j++)
            CHECK(strcmp(a->id, res->actors[j].id) != 0);
        if (i > 0) CHECK(res->actors[i - 1].mentions[0].start <= a->mentions[0].start);
    }
}

static void s_test_loader_errors(void)
{
    char err[512];
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char path[512];
    snprintf(path, sizeof path, "%s/wt_test_actors_%d.yaml", dir, (int)getpid());
    struct {
        const char *yaml;
        const char *needle;
    } cases[] = {
        {"entries:\n- id: XX1\n  name: X\n  names: Bad\n", ":4: names: expected a list"},
        {"entries:\n- name: X\n", ":2: id: required"},
        {"entries:\n- id: a\n  name: A\n- id: a\n  name: B\n", ":4: id: duplicate id"},
        {"entries:\n- id: p\n  name: P Q\n  roles:\n  - {title: T, from: 2020-13-01}\n",
         "roles.from: expected a date"},
        {"entries: [\n", "YAML error"},
        {"foo: 1\n", "entries"},
        {"entries: []\n---\nentries: []\n", ":3: more than one YAML document"},
        {"a: &x 1\nb: *x\n", "aliases are not allowed"},
        {"entries:\n- id: a\n  name: A\n  sector: shipping\n", ":4: sector: unknown sector"},
        {"entries:\n- id: a\n  name: A\n  parent: b\n", ":4: parent: no entry has the id 'b'"},
        {"entries:\n- id: a\n  name: A\n  parent: a\n", ":4: parent: an entry is not its own"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = fopen(path, "w");
        CHECK(f != NULL);
        if (!f) return;
        fputs(cases[i].yaml, f);
        fclose(f);
        const char *files[] = {path};
        err[0] = 0;
        wt_actordb_t *db = wt_actordb_load(files, 1, NULL, 0, NULL, err, sizeof err);
        CHECK_MSG(db == NULL, "case %zu loaded", i);
        CHECK_MSG(strstr(err, cases[i].needle) != NULL, "case %zu: error \"%s\"", i, err);
        CHECK_MSG(strstr(err, path) != NULL, "case %zu: error names no file: %s", i, err);
        wt_actordb_destroy(&db);
    }
    remove(path);
}

/* PETRARCH files next to our YAML: dated codes, synonyms with a title,
   places that join their country, agents; and the Phoenix files when present. */
static void s_test_petrarch(void)
{
    char err[512] = "";
    const char *pet[] = {FIX "petrarch/fixture.actors.txt", FIX "petrarch/fixture.agents.txt"};
    wt_actordb_t *db = wt_actordb_load(s_files, 5, pet, 2, NULL, err, sizeof err);
    CHECK_MSG(db != NULL, "petrarch load: %s", err);
    if (!db) return;
    wt_actors_ctx_t *ctx = wt_actors_ctx_new(db);
    wt_doc_t doc;
    wt_doc_init(&doc);
    wt_result_t res;
    memset(&res, 0, sizeof res);
    static const row_t rows[] = {
        {"Anna Kowalska met harbourmaster Jan Nowakowski in Gdansk.",
         20120101,
         {"Anna Kowalska|person|POL|POLGOV|-|Anna Kowalska",
          "Jan Nowakowski|person|*|*|Harbourmaster|Jan Nowakowski"},
         {"Gdansk"}},
        {"Minister Kowalska spoke in Gdansk, Poland.",
         20200101,
         {"Anna Kowalska|person|POL|POLELI|*|Kowalska", "Poland|country|POL|*|-|Gdansk;Poland"},
         {"Minister Kowalska"}},
        {"The Northern Lights Cooperative said prices would rise.",
         0,
         {"Northern Lights Cooperative|organization|POL|POLBUS|-|Northern Lights Cooperative"},
         {0}},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        s_tag(ctx, &doc, rows[i].text, strlen(rows[i].text), rows[i].date, &res);
        if (getenv("WT_ACTORS_DEBUG")) s_dump(rows[i].text, &res);
        s_check_row(&rows[i], &res);
        s_check_shape(&res, strlen(rows[i].text));
    }
    wt_result_clear(&res);
    wt_doc_free(&doc);
    wt_actors_ctx_destroy(&ctx);
    wt_actordb_destroy(&db);

    /* the real Phoenix dictionaries load next to ours */
    const char *sh = getenv("WT_SHARED") ? getenv("WT_SHARED") : "../shared";
    char p[4][1024];
    const char *names[] = {"Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt",
                           "Phoenix.MilNonState.actors.txt", "Phoenix.agents.txt"};
    const char *pp[4];
    for (int i = 0; i < 4; i++) {
        snprintf(p[i], sizeof p[i], "%s/dictionaries/phoenix/%s", sh, names[i]);
        pp[i] = p[i];
    }
    FILE *f = fopen(p[0], "r");
    if (!f) {
        printf("note: %s absent, Phoenix load not tested\n", p[0]);
        return;
    }
    fclose(f);
    db = wt_actordb_load(s_files, 5, pp, 4, NULL, err, sizeof err);
    CHECK_MSG(db != NULL, "phoenix load: %s", err);
    if (db) {
        printf("phoenix: %zu entities, %zu agents, %zu trie nodes, %zu warnings\n", db->nents,
               db->nagents, db->nnodes, wt_actordb_warnings(db));
        CHECK(db->nents > 1000 && db->nagents > 100);
    }
    wt_actordb_destroy(&db);
}

/* The shipped dictionaries load together; brands name their parent. */
static void s_test_shipped_companies(void)
{
    const char *files[] = {"config/actors/countries.yaml",    "config/actors/organizations.yaml",
                           "config/actors/institutions.yaml", "config/actors/people.yaml",
                           "config/actors/agents.yaml",       "config/actors/companies.yaml"};
    char err[512] = "";
    wt_actordb_t *db = wt_actordb_load(files, 6, NULL, 0, NULL, err, sizeof err);
    CHECK_MSG(db != NULL, "shipped dictionaries: %s", err);
    if (!db) return;
    int companies = 0, youtube = 0;
    for (size_t i = 0; i < db->nents; i++) {
        const wt_aentity_t *e = &db->ents[i];
        if (e->sector) companies++;
        if (strcmp(e->id, "youtube") == 0) {
            youtube = 1;
            CHECK_MSG(e->parent != WT_A_NONE && strcmp(db->ents[e->parent].id, "alphabet") == 0,
                      "YouTube's parent is not Alphabet");
        }
    }
    CHECK_MSG(companies >= 300, "%d companies", companies);
    CHECK(youtube);
    wt_actors_ctx_t *ctx = wt_actors_ctx_new(db);
    wt_doc_t doc;
    wt_doc_init(&doc);
    wt_result_t res;
    memset(&res, 0, sizeof res);
    const char *t = "Shares of Unilever rose while Barclays cut its outlook for Tesla.";
    /* sport: leagues and clubs are organisations with a country */
    const char *t2 = "Manchester City and the Houston Texans signed players.";
    s_tag(ctx, &doc, t2, strlen(t2), 0, &res);
    int clubs = 0;
    for (size_t i = 0; i < res.actor_count; i++)
        if (res.actors[i].type == WT_ACTOR_ORGANIZATION &&
            ((strcmp(res.actors[i].id, "manchester_city") == 0 &&
              strcmp(res.actors[i].country, "GBR") == 0) ||
             (strcmp(res.actors[i].id, "houston_texans") == 0 &&
              strcmp(res.actors[i].country, "USA") == 0)))
            clubs++;
    CHECK_EQ_INT(clubs, 2);
    s_tag(ctx, &doc, t, strlen(t), 0, &res);
    int found = 0;
    for (size_t i = 0; i < res.actor_count; i++)
        if (res.actors[i].type == WT_ACTOR_ORGANIZATION &&
            (strcmp(res.actors[i].id, "unilever") == 0 ||
             strcmp(res.actors[i].id, "barclays") == 0 || strcmp(res.actors[i].id, "tesla") == 0))
            found++;
    CHECK_EQ_INT(found, 3);
    wt_result_clear(&res);
    wt_doc_free(&doc);
    wt_actors_ctx_destroy(&ctx);
    wt_actordb_destroy(&db);
}

/* The trie's accelerators (root table, edge bitmap) answer exactly as the
   edge table: every edge is found through them, and a word no phrase
   continues with is not. */
static void s_check_trie_filters(const wt_actordb_t *db)
{
    size_t nroot = 0;
    for (size_t i = 0; i < db->edge_cap; i++) {
        const wt_aedge_t *e = &db->edges[i];
        if (!e->used) continue;
        uint32_t node = (uint32_t)(e->key >> 32), h = (uint32_t)e->key;
        if (node == 0) {
            nroot++;
            CHECK_EQ_INT(wt_adb_root_child(db, h), e->child);
        } else {
            CHECK_EQ_INT(wt_adb_next(db, node, h), e->child);
        }
    }
    CHECK_EQ_INT(nroot, db->nroots);
    CHECK(nroot > 0);
    uint32_t x = 12345;
    for (int k = 0; k < 100000; k++) {
        x = x * 1103515245u + 12345u;
        uint32_t node = x % (uint32_t)db->nnodes, h = x * 2654435761u;
        uint32_t want = wt_adb_child(db, node, h);
        CHECK_EQ_INT(node ? wt_adb_next(db, node, h) : wt_adb_root_child(db, h), want);
    }
}

int main(void)
{
    char err[512] = "";
    wt_actordb_t *db = wt_actordb_load(s_files, S_NFILES, NULL, 0, "config/names/first-names.txt",
                                       err, sizeof err);
    if (!db) {
        fprintf(stderr, "load: %s\n", err);
        return 1;
    }
    CHECK(wt_actordb_hash(db) != 0);
    s_check_trie_filters(db);
    wt_actors_ctx_t *ctx = wt_actors_ctx_new(db);
    wt_doc_t doc;
    wt_doc_init(&doc);
    wt_result_t res;
    memset(&res, 0, sizeof res);
    bool debug = getenv("WT_ACTORS_DEBUG") != NULL;

    for (size_t i = 0; i < sizeof s_rows / sizeof s_rows[0]; i++) {
        const row_t *r = &s_rows[i];
        s_tag(ctx, &doc, r->text, strlen(r->text), r->date, &res);
        if (debug) s_dump(r->text, &res);
        s_check_row(r, &res);
        s_check_shape(&res, strlen(r->text));
    }

    /* ids: slug, accents folded, unique within the item */
    {
        const char *t = "Ms Zoë Álvarez-Núñez met Ms Zoe Alvarez-Nunez in Madrid.";
        s_tag(ctx, &doc, t, strlen(t), 0, &res);
        CHECK_EQ_INT(res.actor_count, 2); /* Madrid after "in", Spain not in play: no actor */
        if (res.actor_count == 2) {
            CHECK_EQ_STR(res.actors[0].id, "zoe_alvarez_nunez");
            CHECK_EQ_STR(res.actors[1].id, "zoe_alvarez_nunez_2");
        }
    }
    /* the same database gives the same hash */
    wt_actordb_t *db2 = wt_actordb_load(s_files, S_NFILES, NULL, 0, "config/names/first-names.txt",
                                        err, sizeof err);
    CHECK(db2 && wt_actordb_hash(db2) == wt_actordb_hash(db));
    wt_actordb_destroy(&db2);

    /* hostile: 50,000 repetitions of a name -> one actor, 50,000 mentions */
    {
        const char *unit = "Xi Jinping met Joe Biden. ";
        size_t ul = strlen(unit), n = 50000;
        char *big = malloc(ul * n + 1);
        for (size_t i = 0; i < n; i++)
            memcpy(big + i * ul, unit, ul);
        big[ul * n] = 0;
        s_tag(ctx, &doc, big, ul * n, 20220101, &res);
        CHECK_EQ_INT(res.actor_count, 2);
        if (res.actor_count >= 1) {
            CHECK_EQ_STR(res.actors[0].id, "xi_jinping");
            CHECK_EQ_INT(res.actors[0].mention_count, n);
        }
        s_check_shape(&res, ul * n);
        free(big);
    }
    /* hostile: 50,000 different unknown names */
    {
        size_t n = 50000;
        char *big = malloc(n * 40);
        size_t len = 0;
        for (size_t i = 0; i < n; i++)
            len += (size_t)sprintf(big + len, "Ms Qa%c%c%c said it. ", 'a' + (int)(i % 26),
                                   'a' + (int)(i / 26 % 26), 'a' + (int)(i / 676 % 26));
        s_tag(ctx, &doc, big, len, 0, &res);
        CHECK(res.actor_count > 1000);
        s_check_shape(&res, len);
        free(big);
    }
    /* hostile: a 1 MB token, no spaces, all capitals */
    {
        size_t n = 1 << 20;
        char *big = malloc(n + 1);
        memset(big, 'A', n);
        big[n] = 0;
        s_tag(ctx, &doc, big, n, 0, &res);
        s_check_shape(&res, n);
        for (size_t i = 0; i < n; i++)
            big[i] = "Xi,China."[i % 9];
        s_tag(ctx, &doc, big, n, 0, &res);
        s_check_shape(&res, n);
        const char *caps = "CHINESE FOREIGN MINISTER WANG YI MET US PRESIDENT JOE BIDEN IN "
                           "BEIJING ON MONDAY. THE TALKS WERE LONG.";
        s_tag(ctx, &doc, caps, strlen(caps), 20220101, &res);
        if (debug) s_dump(caps, &res);
        s_check_shape(&res, strlen(caps));
        bool china = false, biden = false;
        for (size_t i = 0; i < res.actor_count; i++) {
            china |= strcmp(res.actors[i].id, "CHN") == 0;
            biden |= strcmp(res.actors[i].id, "joe_biden") == 0;
            CHECK_MSG(strcmp(res.actors[i].name, "MONDAY") != 0, "all caps: MONDAY");
            CHECK_MSG(strcmp(res.actors[i].name, "THE TALKS") != 0, "all caps: THE TALKS");
        }
        CHECK(china && biden);
        free(big);
    }
    s_test_loader_errors();
    s_test_petrarch();
    s_test_shipped_companies();

    wt_result_clear(&res);
    wt_doc_free(&doc);
    wt_actors_ctx_destroy(&ctx);
    wt_actordb_destroy(&db);
    TEST_END();
}
