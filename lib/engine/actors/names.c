/*  names.c: built-in word classes of the actors engine (honorifics,
    organisation head words, place head words, stop words, speech verbs...).

    These are closed English word lists, not dictionary entries: they decide
    how a capitalised sequence that no dictionary explains is typed. They are
    hashed once (pthread_once) into a small table keyed by the text layer's
    token hash, so a class test is one probe.
*/
#include "actors_internal.h"
#include "engine/text/wordlist.h"

#include <pthread.h>
#include <string.h>

typedef struct {
    unsigned cls;
    const char *words;
} s_list_t;

static const s_list_t s_lists[] = {
    {WT_W_HONORIFIC,
     "mr mr. mrs mrs. ms ms. miss dr dr. sir dame lord lady prof prof. professor "
     "madam madame mme mme. monsieur m. excellency majesty highness sheikh sheik "
     "rev rev. reverend hon hon. honourable honorable herr frau comrade officer detective "
     "inspector constable sgt sgt. cpl cpl. pvt pvt. coach pastor imam rabbi bishop "
     "cardinal mufti ayatollah mullah gov gov. sen sen. rep rep. lt lt. col col. gen gen. "
     "adm adm. maj maj. capt capt. cmdr cmdr. supt supt. pres pres. amb amb. atty "
     "atty. insp insp. det det. gov.-elect"},
    {WT_W_ORGHEAD,
     "ministry ministries department office agency agencies authority bureau board commission "
     "committee council party front movement alliance league union federation association "
     "organisation organization institute institution foundation fund bank university college "
     "school academy hospital army navy forces force guard guards police militia brigade "
     "brigades battalion corps court tribunal parliament assembly senate congress cabinet "
     "government administration secretariat chamber service services network company co co. "
     "corp corp. corporation inc inc. ltd ltd. llc plc group holdings partners airlines airways "
     "news times post press daily herald tribune journal gazette telegraph television radio tv "
     "media watch coalition society centre center club church reserve exchange systems "
     "technologies pharmaceuticals motors industries petroleum bloc taliban mission observatory "
     "engineering construction electric steel mining resources capital investments securities "
     "insurance telecom communications entertainment studios records publishing brands labs "
     "laboratories software solutions consulting ventures trust sentinel observer standard "
     "mirror express chronicle inquirer examiner magazine weekly bulletin broadcasting channel "
     "echo courier dispatch gazette "
     "greens democrats republicans tories conservatives liberals socialists communists "
     "nationalists unionists "
     "inc"},
    {WT_W_PLACEHEAD,
     "street avenue road st. ave ave. rd rd. blvd blvd. boulevard lane square province county city "
     "district region island islands river lake "
     "mountain mountains sea ocean gulf valley peninsula strait bay airport port park bridge "
     "stadium hotel coast desert village town border basin delta plateau highway canal hills "
     "heights beach prefecture oblast territory territories hall isles palace castle tower strip "
     "house "
     "memorial monument plaza"},
    {WT_W_THINGHEAD,
     "bill act agreement accord treaty plan law convention declaration summit conference forum "
     "games cup olympics award prize day week war crisis initiative program programme project "
     "strategy protocol deal pact index report festival era election elections vaccine virus "
     "cathedral temple mosque weekend olympic olympics anniversary championship championships "
     "tournament marathon expo struggle"},
    {WT_W_STOP,
     "january february march april june july august september october november december jan. "
     "feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec. monday tuesday wednesday thursday "
     "friday saturday sunday i i'm i've i'd his her "
     "hers its their our my your we they he she it covid covid-19 coronavirus internet "
     "christmas easter ramadan eid god ok am pm a.m. p.m. gmt utc edt est bst cet hundred "
     "thousand million billion trillion"},
    {WT_W_FUNC,
     "the a an in on at for but and or if when while as after before since this that these those "
     "it its he she they we you there here what who whom whose why how where which not no yes so "
     "then also although though however meanwhile despite during under over with without from "
     "to by of about according amid among all some many most other another both each every more "
     "less one two three four five six seven eight nine ten last next new former earlier later "
     "now today yesterday tomorrow still even only just such because once until unless whether "
     "do does did be is are was were has have had will would can could should may might must "
     "let please thank thanks dear meanwhile instead indeed yet already again asked speaking "
     "alongside whilst besides against upon nevertheless furthermore moreover additionally "
     "likewise similarly neither nor either otherwise hence thus therefore accordingly "
     "consequently nonetheless regardless overall currently recently finally initially previously "
     "ultimately eventually tonight "
     "addressing writing following like unlike given having being top senior local national "
     "federal state official officials government police military authorities protesters "
     "world peace black white red blue green gold golden public global special economic "
     "political social human free great grand royal united modern ancient holy civil "
     "democratic republican liberal conservative socialist communist islamic christian "
     "catholic jewish muslim muslims count average survey label initial living conditions "
     "body assistance constitution zone industrial foreign domestic internal external "
     "financial medical legal naval nuclear atomic energy oil gas water power trade market "
     "stock tax budget health security defence defense justice education transport "
     "reports sources witnesses residents observers opponents organizers organisers "
     "investigators proponents economists scientists researchers doctors lawyers "
     "critics supporters analysts experts sources residents people our my his her their"},
    {WT_W_LOCPREP, "in at from near into across outside inside toward towards via through around "
                   "throughout within visit visited visiting"},
    {WT_W_CONNECT, "of for and the & on"},
    {WT_W_PARTICLE, "de da di del della van von der den ter bin ibn bint al el le la du dos das "
                    "y abu ben"},
    {WT_W_PLACEPRE, "los las san santa santo são sao puerto porto port fort mount mt mt. cape "
                    "saint st st. sankt hurricane typhoon cyclone storm tropical lake"},
    {WT_W_GROUP, "arabs muslims moslems sunnis shiites shias christians jews kurds hindus sikhs "
                 "buddhists catholics protestants evangelicals tribesmen islamists jihadists"},
    {WT_W_ARPREFIX, "al el ad as ash an at az ul ar ibn bin abu ben bint"},
    {WT_W_SAY,
     "said says say told tells added adds stated announced warned wrote tweeted "
     "insisted argued noted urged replied explained claimed declared stressed reply replies "
     "asked asks explains continued continues recalled recalls insists argues notes "
     "writes tweets posted confirmed denied"},
    {WT_W_MODIFIER, "vice deputy acting former senior chief assistant junior interim first "
                    "top then ex- ex under undersecretary principal"},
    {WT_W_ARTICLE, "a an the"},
    {WT_W_CLOSED,
     "the a an in on at for but or if when while as after before since this that these those "
     "it its he she they we you there here what who whom whose why how where which not no yes so "
     "then also although though however meanwhile despite during under over with without from "
     "to by about amid among all some many most both each every is are was were has have had "
     "will would can could should might must do does did be like unlike whilst alongside "
     "besides against upon throughout nevertheless furthermore moreover additionally overall "
     "likewise similarly neither nor either otherwise hence thus therefore accordingly "
     "consequently nonetheless regardless "
     "currently recently finally initially previously ultimately eventually yesterday today "
     "tonight tomorrow thank thanks dear please let our my your his her their i me us them "
     "just even only still yet again already now never always often sometimes once oh "
     "we've we're i'm you're they're it's that's there's he's she's we'll they'll i'll "
     "won't can't don't doesn't didn't isn't aren't wasn't weren't through "
     "won\u2019t can\u2019t don\u2019t doesn\u2019t didn\u2019t isn\u2019t we\u2019re "
     "it\u2019s that\u2019s i\u2019m"},
    {WT_W_DIRECTION, "north south east west northern southern eastern western central upper "
                     "lower greater middle northeast northwest southeast southwest northeastern "
                     "northwestern southeastern southwestern inner outer new latin"},
    {WT_W_POLITY, "republic kingdom emirates emirate states federation principality union "
                  "commonwealth sultanate"},
    {WT_W_POSTNOM, "kc qc mp mep msp mla mpp obe mbe cbe kbe dbe frs"},
};

#define S_CAP 2048
/* key and class side by side: a probe touches one cache line, not two */
static struct {
    uint32_t key;
    unsigned cls;
} s_tab[S_CAP];
static pthread_once_t s_once = PTHREAD_ONCE_INIT;

static void s_add(uint32_t h, unsigned cls)
{
    size_t i = (h * 2654435761u) & (S_CAP - 1);
    while (s_tab[i].cls && s_tab[i].key != h)
        i = (i + 1) & (S_CAP - 1);
    s_tab[i].key = h;
    s_tab[i].cls |= cls;
}

static void s_build(void)
{
    for (size_t l = 0; l < sizeof s_lists / sizeof s_lists[0]; l++) {
        size_t n;
        for (const char *p = s_lists[l].words, *w; (w = wt_wordlist_next(&p, &n));)
            s_add(wt_text_hash(w, n), s_lists[l].cls);
    }
}

void wt_names_init(void)
{
    pthread_once(&s_once, s_build);
}

void wt_names_each(wt_word_fn fn, void *ud)
{
    wt_names_init();
    for (size_t i = 0; i < S_CAP; i++)
        if (s_tab[i].cls) fn(ud, s_tab[i].key);
}

unsigned wt_names_class(uint32_t h)
{
    size_t i = (h * 2654435761u) & (S_CAP - 1);
    while (s_tab[i].cls) {
        if (s_tab[i].key == h) return s_tab[i].cls;
        i = (i + 1) & (S_CAP - 1);
    }
    return 0;
}
