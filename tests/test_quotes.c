/*  test_quotes.c: the quotes stage on sentences we wrote, one row per
    attribution pattern, plus hostile mark sequences and a linear-time case.

    The stage runs alone (text layer + quotes, no actors stage), so speakers
    are found from the text; one row pre-fills an actor to check linking. Each
    row lists every direct/partial quote expected (an unexpected one fails the
    row) and, when it says so, the indirect ones too.
*/
#include "engine/stages.h"
#include "testutil.h"
#include "wiretag/annotate.h"

#include <stdint.h>
#include <time.h>

static wt_quotedb_t *g_db;
static wt_quotes_ctx_t *g_ctx;
static wt_doc_t g_doc;

static void s_tag(const char *text, wt_result_t *res)
{
    wt_doc_analyze(&g_doc, text, strlen(text));
    wt_input_t in = {.doc = &g_doc};
    wt_quotes_tag(g_ctx, &in, res);
}

static char *s_slice(const char *text, wt_span_t sp)
{
    return wt_strndup(text + sp.start, sp.end - sp.start);
}

typedef struct {
    const char *name;
    const char *text;
    bool check_indirect; /* also compare the indirect quotes */
    /* expected: "kind|quote text|speaker text" ("-" for no speaker); NULL ends */
    const char *want[6];
} s_row_t;

static const s_row_t s_rows[] = {
    {"said X after the quote",
     "\"We will not retreat,\" said Maria Lopez.",
     false,
     {"direct|We will not retreat|Maria Lopez"}},
    {"X said after the quote",
     "\"Prices will fall next year,\" Tom Baker said.",
     false,
     {"direct|Prices will fall next year|Tom Baker"}},
    {"cue before, colon",
     "Governor Anne Price said: \"The bridge will reopen in May.\"",
     false,
     {"direct|The bridge will reopen in May.|Anne Price"}},
    {"cue before, comma and object",
     "Peter Novak told reporters, \"We have no plans to leave.\"",
     false,
     {"direct|We have no plans to leave.|Peter Novak"}},
    {"appositive between name and verb",
     "\"The talks failed,\" Sam Okafor, a spokesman for the union, said on Friday.",
     false,
     {"direct|The talks failed|Sam Okafor"}},
    {"who-clause after the name",
     "\"We need more time,\" said Lena Fischer, who leads the council.",
     false,
     {"direct|We need more time|Lena Fischer"}},
    {"cue after a stop (next sentence)",
     "\"We are ready!\" insisted Carla Diaz. \"Nobody can stop us.\"",
     false,
     {"direct|We are ready!|Carla Diaz", "direct|Nobody can stop us.|Carla Diaz"}},
    {"cue in the previous sentence",
     "Olga Petrova described the deal as a turning point.\n\n\"It changes everything for our "
     "farmers.\"",
     false,
     {"direct|It changes everything for our farmers.|Olga Petrova"}},
    {"according to X, clause",
     "According to Hans Weber, the factory will close next year.",
     true,
     {"indirect|the factory will close next year|Hans Weber"}},
    {"clause, according to X",
     "The factory will close next year, according to Hans Weber.",
     true,
     {"indirect|The factory will close next year|Hans Weber"}},
    {"what X calls",
     "Farmers reject what Ivan Sokolov calls \"a fair compromise\" on prices.",
     false,
     {"partial|a fair compromise|Ivan Sokolov"}},
    {"headline Name: quote",
     "Okonkwo: \"We will win the vote\"\n\nThe campaign ended on Sunday.",
     false,
     {"direct|We will win the vote|Okonkwo"}},
    {"trailing dash and name",
     "\"Courage is contagious and so is fear.\" \xe2\x80\x94 Rosa Almeida",
     false,
     {"direct|Courage is contagious and so is fear.|Rosa Almeida"}},
    {"carry-over within a paragraph",
     "\"We lost the first round,\" said Jan Novak. \"We will win the second.\"",
     false,
     {"direct|We lost the first round|Jan Novak", "direct|We will win the second.|Jan Novak"}},
    {"carry-over to the next paragraph",
     "\"We lost the first round,\" said Jan Novak.\n\n\"We will win the second.\"",
     false,
     {"direct|We lost the first round|Jan Novak", "direct|We will win the second.|Jan Novak"}},
    {"no carry-over past a new person",
     "\"We lost,\" said Jan Novak.\n\nMr. Okafor disagreed with Paul Smith.\n\n\"We won the "
     "argument.\"",
     false,
     {"direct|We lost|Jan Novak", "direct|We won the argument.|-"}},
    {"pronoun she, first-name gender",
     "Mary Collins arrived late. \"The vote was rigged,\" she said.",
     false,
     {"direct|The vote was rigged|Mary Collins"}},
    {"pronoun he skips a woman (honorifics)",
     "Mr. Tanaka spoke after Ms. Ito. \"I disagree with the plan,\" he said.",
     false,
     {"direct|I disagree with the plan|Mr. Tanaka"}},
    {"pronoun without antecedent stays",
     "\"Some people say otherwise,\" he conceded.",
     false,
     {"direct|Some people say otherwise|he"}},
    {"nominal speaker",
     "\"The strikes will continue,\" a senior administration official said.",
     false,
     {"direct|The strikes will continue|a senior administration official"}},
    {"partial quote in reported speech",
     "Lee Kwan said the proposal was \"dead on arrival\" and left.",
     false,
     {"partial|dead on arrival|Lee Kwan"}},
    {"indirect with that",
     "Ana Ruiz told reporters that the plant was safe for workers.",
     true,
     {"indirect|the plant was safe for workers|Ana Ruiz"}},
    {"indirect without that",
     "The minister said the border would stay closed until March.",
     true,
     {"indirect|the border would stay closed until March|The minister"}},
    {"indirect, X said at the end",
     "The border will stay closed until March, the minister said.",
     true,
     {"indirect|The border will stay closed until March|the minister"}},
    {"stray curly mark",
     "Beijing criticised the \xe2\x80\x9cunfair practices.\xe2\x80\x9d \xe2\x80\x9d Chinese people "
     "deserve respect,\xe2\x80\x9d said Li Wei.",
     false,
     {"direct|Chinese people deserve respect|Li Wei"}},
    {"reversed curly marks",
     "\xe2\x80\x9dWe will appeal the ruling,\xe2\x80\x9c the lawyer said.",
     false,
     {"direct|We will appeal the ruling|the lawyer"}},
    {"nested quotes",
     "\xe2\x80\x9cThe so-called \xe2\x80\x9creform\xe2\x80\x9d is a fraud,\xe2\x80\x9d said Ravi "
     "Shah.",
     false,
     {"direct|The so-called \xe2\x80\x9creform\xe2\x80\x9d is a fraud|Ravi Shah"}},
    {"single quotes inside double",
     "\"He told me 'never again' and left,\" said Ravi Shah.",
     false,
     {"direct|He told me 'never again' and left|Ravi Shah"}},
    {"apostrophes are not quotes",
     "\"The workers' union won't sign,\" said Ravi Shah. 'We're not afraid,' he added about "
     "rock 'n' roll in the '90s.",
     false,
     {"direct|The workers' union won't sign|Ravi Shah", "direct|We're not afraid|Ravi Shah"}},
    {"paragraph continued by an opening mark",
     "\"The first part ends here.\n\n\"The second part ends here,\" said Nora Hale.",
     false,
     {"direct|The first part ends here.|Nora Hale", "direct|The second part ends here|Nora Hale"}},
    {"paragraph continued without an opening mark",
     "Nora Hale spoke on Monday.\n\n\xe2\x80\x9c"
     "First part of the statement.\n\nSecond part of "
     "it,\xe2\x80\x9d she said.",
     false,
     {"direct|First part of the statement.|Nora Hale", "direct|Second part of it|Nora Hale"}},
    {"orphan closing mark with a cue",
     "The premier spoke at noon. The danger is real,\" he continued. \"We must act.\"",
     false,
     {"direct|The danger is real|The premier", "direct|We must act.|The premier"}},
    {"title of a work is not a quote",
     "She watched \"Gone with the Wind\" on Sunday and said nothing.",
     false,
     {NULL}},
    {"scare quotes are not quotes",
     "The so-called \"experts\" were wrong about the flood.",
     false,
     {NULL}},
    {"long unattributed fragment kept without speaker",
     "The report described the plan as \"a reckless gamble with the savings of millions\" in "
     "its summary.",
     false,
     {"partial|a reckless gamble with the savings of millions|-"}},
    {"guillemets and low-high marks",
     "\xc2\xabWir bleiben alle hier,\xc2\xbb sagte man. \xe2\x80\x9eWe stay here,\xe2\x80\x9c said "
     "Karl "
     "Braun.",
     false,
     {"direct|Wir bleiben alle hier|-", "direct|We stay here|Karl Braun"}},
    {"PTB double backquotes",
     "`` We will not yield , '' the minister said .",
     false,
     {"direct|We will not yield|the minister"}},
    {"nominal speaker who gives a name",
     "\"We have nothing left,\" said a farmer who gave his name only as Tomas.",
     false,
     {"direct|We have nothing left|Tomas"}},
    {"one-line introduction before the quote",
     "From the office of Senator Jane Roe.\n\n\"We will keep fighting for the farmers.\"",
     false,
     {"direct|We will keep fighting for the farmers.|Jane Roe"}},
    {"nominal head completed by a name",
     "The British ambassador to Chile said the talks had stalled again.",
     true,
     {"indirect|the talks had stalled again|The British ambassador"}},
    {"apposition after an inverted nominal: the name is the speaker",
     "\"We will appeal this decision,\" said the bank's head of legal affairs, Maria Okafor.",
     false,
     {"direct|We will appeal this decision|Maria Okafor"}},
    {"apposition between a nominal subject and its verb",
     "\"There is no more room to cut,\" the mayor, Peter Lindqvist, told reporters on Friday.",
     false,
     {"direct|There is no more room to cut|Peter Lindqvist"}},
    {"an honorific inside a run starts the name; the rest is a role",
     "\"We expect a better year,\" Global Shipping Council Director-General Dr. Tedrisa Obuya "
     "told the meeting.",
     false,
     {"direct|We expect a better year|Dr. Tedrisa Obuya"}},
    {"the object of a preposition is not the subject of the cue",
     "In a letter Tom Brandt, plant manager for Norvik at Ashford said: \"The decision was "
     "hard but necessary.\"",
     false,
     {"direct|The decision was hard but necessary.|Tom Brandt"}},
    {"the person told is not the antecedent of a later pronoun",
     "Ana Ruiz spoke first at the meeting.\n\nShe told Maria Lopez the plan was dead. \"We "
     "fought hard for it,\" she said.",
     false,
     {"direct|We fought hard for it|Ana Ruiz"}},
    {"a lower-case role before the name after an inverted cue",
     "\"Our doors are always open,\" said council member Jo Whitfield.",
     false,
     {"direct|Our doors are always open|Jo Whitfield"}},
    {"a title in the paragraph before is not the role of a name",
     "The budget is sound, says party leader\n\nTom Reed\n\nThe council leader said the plan "
     "was sound.",
     true,
     {"indirect|the plan was sound|The council leader",
      "indirect|The budget is sound|party leader"}},
    {"a person after an organisation's role keeps its name for later pronouns",
     "\"Vaccines are arriving,\" Global Food Agency Director-General Dr. Tedrisa Obuya told the "
     "assembly.\n\nThe committee met twice.\n\n\"We have accepted that advice,\" he said.",
     false,
     {"direct|Vaccines are arriving|Dr. Tedrisa Obuya",
      "direct|We have accepted that advice|Dr. Tedrisa Obuya"}},
    {"a plural occupational head with an appositive is the subject",
     "Harbour pilots, represented by the Coastal Guild (CG), wrote that \"the new rota is "
     "unsafe for everyone on board\" and asked for talks.",
     false,
     {"partial|the new rota is unsafe for everyone on board|Harbour pilots"}},
    {"add with a plain object is not speech",
     "The ministry added a dozen firms to its export blacklist on Tuesday.",
     true,
     {NULL}},
    {"announce with a plain object is not speech; with a pronoun clause it is",
     "Ivo Marek announced a record harvest for the region. Later Ivo Marek announced he would "
     "retire in spring.",
     true,
     {"indirect|he would retire in spring|Ivo Marek"}},
    {"a plain-object verb with a clause that shows its finite verb",
     "Dr. Ana Mills confirmed the director had resigned on Monday.",
     true,
     {"indirect|the director had resigned on Monday|Dr. Ana Mills"}},
    {"warn with an object and an infinitive is a directive",
     "Mayor Ruth Olsen warned drivers to avoid the bridge during the storm.",
     true,
     {NULL}},
    {"an according-to clause that is itself an attribution is no indirect quote",
     "According to the Valley Courier, Nora Patel said: \"We will rebuild the school.\"",
     true,
     {"direct|We will rebuild the school.|Nora Patel"}},
    {"the reported clause stops at the speaker's next act",
     "A city spokesman said the road would reopen soon and called on residents to be "
     "patient.",
     true,
     {"indirect|the road would reopen soon|A city spokesman"}},
    {"a participle after a comma starts a second reported clause",
     "Ola Berg warned that prices may rise further, noting the harvest was poor this year.",
     true,
     {"indirect|prices may rise further|Ola Berg",
      "indirect|the harvest was poor this year|Ola Berg"}},
    {"an unpaired dash ends the reported clause",
     "Lise Dahl said the budget was too thin – even though the town had saved money.",
     true,
     {"indirect|the budget was too thin|Lise Dahl"}},
    {"a clause before a titled speaker who speaks later",
     "The bridge will reopen in June, Mayor Ruth Olsen said later.",
     true,
     {"indirect|The bridge will reopen in June|Ruth Olsen"}},
    {"a time phrase between subject and cue",
     "Carmen Ibarra on Monday assured farmers that the subsidies would continue.",
     true,
     {"indirect|the subsidies would continue|Carmen Ibarra"}},
    {"to say: the subject of the sentence says it",
     "The mayor's office posted a note online to say she was not resigning.",
     true,
     {"indirect|she was not resigning|The mayor's office"}},
    {"an opening participle reports the clause of the subject after it",
     "Stating that the costs were borne by families, Tariq Aziz ordered a review of the "
     "tariff.",
     true,
     {"indirect|the costs were borne by families|Tariq Aziz"}},
    {"a parenthetical cue before the clause",
     "And, Ms Ferreira argues, the valley has been neglected for years.",
     true,
     {"indirect|the valley has been neglected for years|Ms Ferreira"}},
    {"a headline cue with a place and a lower-case role",
     "Rents must come down, says Ontario minister",
     true,
     {"indirect|Rents must come down|Ontario minister"}},
    {"a name never runs across a paragraph break",
     "Riverside\n\nLakeview residents met on Friday. \"We want the bus back,\" said Anna Holm.",
     false,
     {"direct|We want the bus back|Anna Holm"}},
    {"a headline role resolves to the person introduced below with that role",
     "Harbour plan is 'a castle in the air', says opposition leader\n\nCllr Ruth Amsel, "
     "leader of the opposition, spoke at the meeting.",
     false,
     {"partial|a castle in the air|Ruth Amsel"}},
    {"the head of 'the leader of the opposition' is the role, resolved below",
     "The leader of the opposition has called the harbour plan 'a castle in the air'.\n\nCllr "
     "Ruth Amsel, leader of the opposition, spoke at the meeting.",
     false,
     {"partial|a castle in the air|Ruth Amsel"}},
    {"a role with a different modifier is another person",
     "Harbour plan is 'a castle in the air', says opposition leader\n\nLeader of the "
     "independents, Cllr Tom Vale, spoke first.",
     false,
     {"partial|a castle in the air|opposition leader"}},
    {"one word quoted inside a noun phrase is a term, not a quote",
     "Dana Iles told the panel she checks each of the \"candidates\" in the survey by hand.",
     false,
     {NULL}},
    {"emphasise with a plain object is not speech",
     "Ravi Nair emphasised the need for lower tariffs in the state.",
     true,
     {NULL}},
    {"a which-clause after a complete reported clause is the writer's",
     "Lea Stone said the matter should go to parliament, which meets next week.",
     true,
     {"indirect|the matter should go to parliament|Lea Stone"}},
    {"a which-clause inside the reported subject stays",
     "Lea Stone said the plan, which took a year, could work.",
     true,
     {"indirect|the plan, which took a year, could work|Lea Stone"}},
    {"a headline clause starts after its colon",
     "Bus fares: Prices must fall, says Lea Stone",
     true,
     {"indirect|Prices must fall|Lea Stone"}},
    {"a passive cue has no teller",
     "Night workers were told on Friday that the depot would close.",
     true,
     {NULL}},
    {"expressed confidence and pointed out report like said",
     "Omar Reyes expressed confidence the vote would pass. Omar Reyes pointed out that the "
     "bridge was closed.",
     true,
     {"indirect|the vote would pass|Omar Reyes", "indirect|the bridge was closed|Omar Reyes"}},
    {"a clause may open with even if",
     "Omar Reyes said even if the rain stops, the road stays shut.",
     true,
     {"indirect|even if the rain stops, the road stays shut|Omar Reyes"}},
    {"an according-to clause leading to a quote after a colon",
     "According to the Valley Courier, the mayor told the council on Monday: \"We will "
     "rebuild.\"",
     true,
     {"direct|We will rebuild.|the mayor"}},
    {"criticise is the speaker's next act",
     "Lea Stone said the budget was thin and criticised the council's spending.",
     true,
     {"indirect|the budget was thin|Lea Stone"}},
    {"slam as introduces a quoted characterisation",
     "Turnout was low in a vote the opposition slammed as \"a sham\" on Sunday.",
     false,
     {"partial|a sham|the opposition"}},
    {"expressed doubt: the subject's words",
     "Judge Amy Roth expressed doubt the court would take the \"very rare\" step.",
     false,
     {"partial|very rare|Amy Roth"}},
    {"ordered: the words of the order",
     "The regulator ordered Nordmart to end its \"loyalty penalties\" by June.",
     false,
     {"partial|loyalty penalties|The regulator"}},
    {"a lower-case paragraph continues the sentence of the previous one",
     "Defence lawyer Tom Ayo asked the magistrate\n\nnot to be \"too harsh\" with the two men.",
     false,
     {"partial|too harsh|Tom Ayo"}},
    {"the statement said: the body that issued it",
     "The ministry issued a statement on Friday.\n\n\"We will rebuild every school,\" the "
     "statement said.",
     false,
     {"direct|We will rebuild every school|The ministry"}},
    {"read the statement released by X",
     "\"The man was found safe,\" read the statement released by the River Police.",
     false,
     {"direct|The man was found safe|River Police"}},
    {"a statement with no issuer in sight gives no speaker",
     "\"Nobody was hurt in the fire,\" the statement said.",
     false,
     {"direct|Nobody was hurt in the fire|-"}},
    {"a short prepositional phrase completes a person nominal",
     "\"We were never consulted,\" workers from the mine said. But bosses at the plant "
     "defended the cuts, saying they were essential.",
     true,
     {"direct|We were never consulted|workers from the mine",
      "indirect|they were essential|bosses at the plant"}},
    {"a company description is the subject, never a country named before",
     "UK sales director Ann Bly left in May.\n\nIn a statement to the exchange, the "
     "world\xe2\x80\x99s third biggest retailer said it had \xe2\x80\x9c"
     "found an error in its accounts for the half year.\xe2\x80\x9d",
     false,
     {"partial|found an error in its accounts for the half year.|the world\xe2\x80\x99s third "
      "biggest retailer"}},
    {"one capitalised word before a lower-case role and a name is not the speaker",
     "Foreign ministry spokesman Omar Haddad apologised for the incident, saying the troops "
     "were mistaken for smugglers.",
     true,
     {"indirect|the troops were mistaken for smugglers|Omar Haddad"}},
    {"a capitalised modifier opens a plural nominal",
     "Local government officials say the killings will be investigated.",
     true,
     {"indirect|the killings will be investigated|Local government officials"}},
    {"a surname and a past verb are not a nominal",
     "Stating that the costs were borne by families, Verka directed officials to review the "
     "tariff.",
     true,
     {"indirect|the costs were borne by families|Verka"}},
    {"a run ending in a title is a role; the apposition names the speaker",
     "\"We will remember him,\" said the Australian Governor General, Major General Ken Jeffs, "
     "in a statement.",
     false,
     {"direct|We will remember him|Ken Jeffs"}},
    {"coordinated speakers",
     "\"We love this city!\" reply Burt Lang and Nick Hale.",
     false,
     {"direct|We love this city!|Burt Lang and Nick Hale"}},
};

/* Does the result hold a quote matching "kind|text|speaker"? */
static bool s_has(const char *text, const wt_result_t *res, const char *want)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", want);
    char *kind = buf, *qt = strchr(buf, '|');
    if (!qt) return false;
    *qt++ = 0;
    char *spk = strchr(qt, '|');
    if (!spk) return false;
    *spk++ = 0;
    for (size_t i = 0; i < res->quote_count; i++) {
        const wt_quote_t *q = &res->quotes[i];
        if (strcmp(wt_quote_kind_name(q->kind), kind) != 0) continue;
        char *t = s_slice(text, q->span);
        bool same = strcmp(t, qt) == 0;
        free(t);
        if (!same) continue;
        if (strcmp(spk, "-") == 0) return !q->has_speaker;
        if (!q->has_speaker) return false;
        char *s = s_slice(text, q->speaker);
        bool ok = strcmp(s, spk) == 0;
        free(s);
        return ok;
    }
    return false;
}

static void s_dump(const char *text, const wt_result_t *res)
{
    for (size_t i = 0; i < res->quote_count; i++) {
        const wt_quote_t *q = &res->quotes[i];
        char *t = s_slice(text, q->span);
        char *s = q->has_speaker ? s_slice(text, q->speaker) : wt_strdup("-");
        fprintf(stderr, "    got %s|%s|%s (actor %s, cue %s)\n", wt_quote_kind_name(q->kind), t, s,
                q->speaker_actor ? q->speaker_actor : "null", q->cue ? q->cue : "null");
        free(t);
        free(s);
    }
}

static void s_rows_test(void)
{
    for (size_t r = 0; r < sizeof s_rows / sizeof s_rows[0]; r++) {
        const s_row_t *row = &s_rows[r];
        wt_result_t res = {0};
        s_tag(row->text, &res);
        size_t want_n = 0, got_n = 0;
        bool ok = true;
        for (int w = 0; w < 6 && row->want[w]; w++) {
            bool ind = strncmp(row->want[w], "indirect|", 9) == 0;
            if (!ind || row->check_indirect) want_n++;
            if (!s_has(row->text, &res, row->want[w])) {
                fprintf(stderr, "  [%s] missing %s\n", row->name, row->want[w]);
                ok = false;
            }
        }
        for (size_t i = 0; i < res.quote_count; i++)
            if (res.quotes[i].kind != WT_QUOTE_INDIRECT || row->check_indirect) got_n++;
        if (got_n != want_n) {
            fprintf(stderr, "  [%s] %zu quotes, want %zu\n", row->name, got_n, want_n);
            ok = false;
        }
        if (!ok) s_dump(row->text, &res);
        CHECK_MSG(ok, "row \"%s\"", row->name);
        wt_result_clear(&res);
    }
}

/* Every inflection of a few cue verbs attributes. */
static void s_verbs_test(void)
{
    static const char *verbs[] = {"says",    "said",     "insists",  "insisted", "warned",
                                  "warns",   "argued",   "tweeted",  "declared", "stressed",
                                  "quipped", "conceded", "explains", "noted",    "wrote",
                                  "claimed", "added",    "replied",  "answered", "acknowledged"};
    for (size_t v = 0; v < sizeof verbs / sizeof verbs[0]; v++) {
        char text[256];
        snprintf(text, sizeof text, "\"The plan is finished,\" Carl Jensen %s.", verbs[v]);
        wt_result_t res = {0};
        s_tag(text, &res);
        CHECK_MSG(s_has(text, &res, "direct|The plan is finished|Carl Jensen"), "verb %s",
                  verbs[v]);
        CHECK(res.quote_count == 1 && res.quotes[0].cue &&
              strcmp(res.quotes[0].cue, verbs[v]) == 0);
        wt_result_clear(&res);
    }
}

/* A speaker links to the actor whose mention it overlaps; a pronoun links
   to its antecedent's actor; a person the actors stage missed is added. */
static void s_actor_test(void)
{
    const char *text =
        "Xi Jinping met the press. \"We oppose it,\" Xi said. \"It is wrong,\" he added.";
    wt_result_t res = {0};
    wt_actor_t *a = wt_result_add_actor(&res);
    a->id = wt_strdup("xi_jinping");
    a->name = wt_strdup("Xi Jinping");
    a->type = WT_ACTOR_PERSON;
    wt_actor_add_mention(a, 0, 10);
    const char *x = strstr(text, "Xi said");
    wt_actor_add_mention(a, (uint32_t)(x - text), (uint32_t)(x - text + 2));
    s_tag(text, &res);
    CHECK_EQ_INT(res.quote_count, 2);
    if (res.quote_count == 2) {
        CHECK_EQ_STR(res.quotes[0].speaker_actor, "xi_jinping");
        CHECK_EQ_STR(res.quotes[1].speaker_actor, "xi_jinping");
    }
    CHECK_EQ_INT(res.actor_count, 1);
    wt_result_clear(&res);

    const char *t2 = "Mary Collins arrived late. \"The vote was rigged,\" she said.";
    s_tag(t2, &res);
    CHECK(res.quote_count == 1 && res.quotes[0].speaker_actor &&
          strncmp(res.quotes[0].speaker_actor, "q_", 2) == 0);
    CHECK(res.actor_count == 1 && res.actors[0].type == WT_ACTOR_PERSON && !res.actors[0].known);
    wt_result_clear(&res);
}

/* "The Prime Minister said": a title-only nominal resolves to the one person
   actor whose dictionary role is that title; two holders leave it as written. */
static void s_role_test(void)
{
    const char *text = "Lena Vogt toured the port on Monday.\n\nThe Prime Minister said the "
                       "harbour would get new cranes.";
    for (int holders = 1; holders <= 2; holders++) {
        wt_result_t res = {0};
        for (int h = 0; h < holders; h++) {
            wt_actor_t *a = wt_result_add_actor(&res);
            a->id = wt_strdup(h ? "other_pm" : "lena_vogt");
            a->name = wt_strdup(h ? "Other Person" : "Lena Vogt");
            a->role = wt_strdup(h ? "Prime Minister of Elsewhere" : "Prime Minister");
            a->type = WT_ACTOR_PERSON;
            if (h == 0)
                wt_actor_add_mention(a, 0, 9);
            else
                wt_actor_add_mention(a, 10, 14); /* any span: only the role counts */
        }
        s_tag(text, &res);
        CHECK_EQ_INT(res.quote_count, 1);
        if (res.quote_count == 1) {
            char *sp = s_slice(text, res.quotes[0].speaker);
            if (holders == 1) {
                CHECK_EQ_STR(res.quotes[0].speaker_actor, "lena_vogt");
                CHECK_EQ_STR(sp, "Lena Vogt");
            } else {
                CHECK(res.quotes[0].speaker_actor == NULL);
                CHECK_EQ_STR(sp, "Prime Minister");
            }
            free(sp);
        }
        wt_result_clear(&res);
    }
}

/* Tag text with one organisation actor (id, name, mentioned at [start, end))
   known beforehand; the one quote's speaker must be that actor. */
static void s_org_speaker(const char *text, const char *id, const char *name, uint32_t start,
                          uint32_t end)
{
    wt_result_t res = {0};
    wt_actor_t *a = wt_result_add_actor(&res);
    a->id = wt_strdup(id);
    a->name = wt_strdup(name);
    a->type = WT_ACTOR_ORGANIZATION;
    wt_actor_add_mention(a, start, end);
    s_tag(text, &res);
    CHECK_EQ_INT(res.quote_count, 1);
    if (res.quote_count == 1) CHECK_EQ_STR(res.quotes[0].speaker_actor, id);
    wt_result_clear(&res);
}

/* "the union said": a definite description of an institution names the
   organisation actor mentioned before it whose name fits the head word. */
static void s_orgdesc_test(void)
{
    s_org_speaker("The Harbour Pilots Association met on Monday.\n\nThe union said the "
                  "new rota was unsafe.",
                  "hpa", "Harbour Pilots Association", 4, 30);
    /* a company word with a long description falls back to the last company */
    s_org_speaker("Shares of Nordvik fell on Monday.\n\nIn a note to investors, the "
                  "country's second biggest retailer said it had \"found an error in its "
                  "accounts\".",
                  "nordvik", "Nordvik", 10, 17);
}

/* Indirect speech can be switched off. */
static void s_config_test(void)
{
    wt_config_t cfg;
    wt_config_defaults(&cfg);
    cfg.quotes_indirect = false;
    char err[256];
    wt_quotedb_t *db = wt_quotedb_new(&cfg, err, sizeof err);
    CHECK(db != NULL);
    wt_quotes_ctx_t *ctx = wt_quotes_ctx_new(db);
    const char *text = "Ana Ruiz told reporters that the plant was safe for workers.";
    wt_doc_analyze(&g_doc, text, strlen(text));
    wt_input_t in = {.doc = &g_doc};
    wt_result_t res = {0};
    wt_quotes_tag(ctx, &in, &res);
    CHECK_EQ_INT(res.quote_count, 0);
    wt_result_clear(&res);
    wt_quotes_ctx_destroy(&ctx);
    wt_quotedb_destroy(&db);
    wt_config_free(&cfg);
}

/* A speaker the actors stage did not know becomes a q_ person actor only
   when it names someone: never a lone title, a plural or a list. */
static void s_speaker_actor_test(void)
{
    static const struct {
        const char *text;
        bool want_actor;
    } rows[] = {
        {"\"We will act,\" Minister said.", false},
        {"\"We will act,\" Officials said.", false},
        {"\"We will act,\" Sirius and XM said.", false},
        {"\"We will act,\" said Tomasz Wrobel.", true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        wt_result_t res = {0};
        s_tag(rows[i].text, &res);
        bool has = false;
        for (size_t k = 0; k < res.actor_count; k++)
            has |= strncmp(res.actors[k].id, "q_", 2) == 0;
        CHECK_MSG(has == rows[i].want_actor, "[%s]: q_ actor %d, want %d", rows[i].text, has,
                  rows[i].want_actor);
        CHECK_MSG(res.quote_count == 1, "[%s]: %zu quotes", rows[i].text, res.quote_count);
        wt_result_clear(&res);
    }
}

/* Tag text and return how many quotes (and actors) came out. */
static size_t s_count_tag(const char *text, size_t *actors)
{
    wt_result_t res = {0};
    s_tag(text, &res);
    size_t n = res.quote_count;
    if (actors) *actors = res.actor_count;
    wt_result_clear(&res);
    return n;
}

/* Hostile sizes: 100,000 marks in one paragraph, unbalanced marks, 50,000
   distinct speakers, a 1 MB paragraph of reported speech. Each must finish
   with the right output; how the time grows with the size is measured in
   the benchmark (bench/run.py, section patho), never here. */
static void s_linear_test(void)
{
    size_t n = 50000; /* pairs: 100,000 marks */
    size_t cap = n * 24 + 64;
    char *a = wt_malloc(cap);
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(a + o, cap - o, "\"no %zu,\" he said ", i % 10);
    a[o] = 0;
    size_t q = s_count_tag(a, NULL);
    CHECK_MSG(q == n, "100,000 marks: %zu quotes, want %zu", q, n);
    /* unbalanced: only opening marks, nothing paired */
    for (size_t i = 0; i < o; i++)
        if (a[i] == '"') a[i] = '(';
    for (size_t i = 0; i + 1 < o; i += 12)
        a[i] = '"';
    q = s_count_tag(a, NULL);
    CHECK_MSG(q < n / 2, "unbalanced marks: %zu quotes", q);
    free(a);

    /* 50,000 distinct named speakers, each a new actor */
    {
        size_t m = 50000, cap2 = m * 40 + 64;
        char *c = wt_malloc(cap2);
        size_t oc = 0;
        for (size_t i = 0; i < m; i++) {
            char sur[8];
            size_t x = i;
            for (int k = 0; k < 5; k++, x /= 26)
                sur[k] = (char)((k == 0 ? 'A' : 'a') + x % 26);
            sur[5] = 0;
            oc += (size_t)snprintf(c + oc, cap2 - oc, "\"Yes,\" said Anna %s. ", sur);
        }
        size_t actors = 0;
        q = s_count_tag(c, &actors);
        CHECK_MSG(q == m, "50,000 speakers: %zu quotes", q);
        free(c);
    }

    /* one 1 MB paragraph: "X said that ... " repeated, no stops */
    size_t mb = 1 << 20;
    char *p = wt_malloc(mb + 64);
    o = 0;
    while (o < mb)
        o += (size_t)snprintf(p + o, mb + 64 - o, "Carl Jensen said that the plan, ");
    p[o] = 0;
    q = s_count_tag(p, NULL);
    CHECK_MSG(q >= 1, "1 MB paragraph: %zu quotes", q);
    free(p);
}

int main(void)
{
    wt_config_t cfg;
    wt_config_defaults(&cfg);
    char err[256] = "";
    g_db = wt_quotedb_new(&cfg, err, sizeof err);
    CHECK_MSG(g_db != NULL, "%s", err);
    if (!g_db) TEST_END();
    g_ctx = wt_quotes_ctx_new(g_db);
    wt_doc_init(&g_doc);

    s_rows_test();
    s_verbs_test();
    s_actor_test();
    s_role_test();
    s_orgdesc_test();
    s_config_test();
    s_linear_test();
    s_speaker_actor_test();

    wt_doc_free(&g_doc);
    wt_quotes_ctx_destroy(&g_ctx);
    wt_quotedb_destroy(&g_db);
    wt_config_free(&cfg);
    TEST_END();
}
