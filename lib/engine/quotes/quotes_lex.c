/*  quotes_lex.c: the word classes of the quotes stage, as data.

    Speech verbs are listed with every inflection on one line (base, -s, past,
    -ing, and a past participle when it differs), each line with its flags.
    The other classes are space-separated word lists. Words are hashed with
    the text layer's token hash into one open-addressing table; a word in two
    lists gets both classes. The first-name gender list is a data file
    (config/names/first-names.txt) because it is long and users extend it.
*/
#include "quotes_int.h"
#include "engine/text/wordlist.h"

#include "wiretag/common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t vflags;
    const char *forms; /* base s past ing [participle...] */
} s_verb_t;

static const s_verb_t s_verbs[] = {
    {QVF_NOTHAT, "say says said saying"},
    {QVF_OBJ | QVF_NOTHAT, "tell tells told telling"},
    {QVF_NOTHAT | QVF_NPOBJ, "add adds added adding"},
    {QVF_NOTHAT | QVF_OBJ, "warn warns warned warning"},
    {QVF_OBJ, "urge urges urged urging"},
    {QVF_NOTHAT, "insist insists insisted insisting"},
    {QVF_NOTHAT | QVF_NPOBJ, "argue argues argued arguing"},
    {QVF_NOTHAT | QVF_NOUN, "note notes noted noting"},
    {QVF_NOTHAT, "explain explains explained explaining"},
    {QVF_NOTHAT, "write writes wrote writing written"},
    {QVF_NOUN | QVF_NOTHAT, "tweet tweets tweeted tweeting"},
    {QVF_NOTHAT, "declare declares declared declaring"},
    {QVF_NOTHAT | QVF_NPOBJ, "announce announces announced announcing"},
    {QVF_NOTHAT | QVF_NOUN, "claim claims claimed claiming"},
    {QVF_OBJ, "accuse accuses accused accusing"},
    {QVF_NPOBJ, "deny denies denied denying"},
    {QVF_NOTHAT | QVF_NPOBJ, "stress stresses stressed stressing"},
    {QVF_NOTHAT | QVF_NOUN | QVF_NPOBJ, "state states stated stating"},
    {QVF_NOUN, "reply replies replied replying"},
    {0, "respond responds responded responding"},
    {QVF_WEAK, "continue continues continued continuing"},
    {QVF_WEAK, "talk talks talked talking"},
    {QVF_WEAK, "speak speaks spoke speaking spoken"},
    {QVF_NOTHAT, "acknowledge acknowledges acknowledged acknowledging"},
    {QVF_NOTHAT, "concede concedes conceded conceding"},
    {0, "recall recalls recalled recalling"},
    {QVF_NOTHAT, "suggest suggests suggested suggesting"},
    {QVF_OBJ, "ask asks asked asking"},
    {QVF_NOUN, "answer answers answered answering"},
    {QVF_NOTHAT, "assert asserts asserted asserting"},
    {QVF_NOTHAT, "contend contends contended contending"},
    {QVF_NOTHAT, "maintain maintains maintained maintaining"},
    {0, "observe observes observed observing"},
    {QVF_NOUN, "remark remarks remarked remarking"},
    {QVF_NOUN, "comment comments commented commenting"},
    {QVF_NOTHAT | QVF_NPOBJ, "emphasize emphasizes emphasized emphasizing"},
    {QVF_NOTHAT | QVF_NPOBJ, "emphasise emphasises emphasised emphasising"},
    {QVF_NOTHAT, "predict predicts predicted predicting"},
    {QVF_NOUN, "promise promises promised promising"},
    {QVF_NOUN, "vow vows vowed vowing"},
    {QVF_NOUN, "pledge pledges pledged pledging"},
    {QVF_NOTHAT, "admit admits admitted admitting"},
    {QVF_WEAK, "agree agrees agreed agreeing"},
    {QVF_NOTHAT, "complain complains complained complaining"},
    {QVF_NOTHAT | QVF_NPOBJ, "confirm confirms confirmed confirming"},
    {QVF_NOUN, "caution cautions cautioned cautioning"},
    {QVF_NOUN, "counter counters countered countering"},
    {QVF_NOUN, "quip quips quipped quipping"},
    {QVF_NOUN, "joke jokes joked joking"},
    {QVF_NOUN, "boast boasts boasted boasting"},
    {0, "lament laments lamented lamenting"},
    {0, "recount recounts recounted recounting"},
    {QVF_NOUN | QVF_NPOBJ, "report reports reported reporting"},
    {QVF_NOTHAT | QVF_NPOBJ, "reiterate reiterates reiterated reiterating"},
    {0, "retort retorts retorted retorting"},
    {QVF_NOUN, "shout shouts shouted shouting"},
    {QVF_NOUN, "whisper whispers whispered whispering"},
    {QVF_NOUN, "yell yells yelled yelling"},
    {QVF_NOUN, "scream screams screamed screaming"},
    {0, "exclaim exclaims exclaimed exclaiming"},
    {QVF_NOTHAT, "testify testifies testified testifying"},
    {0, "muse muses mused musing"},
    {QVF_NPOBJ, "conclude concludes concluded concluding"},
    {QVF_NOUN, "demand demands demanded demanding"},
    {QVF_NOTHAT, "allege alleges alleged alleging"},
    {QVF_OBJ, "assure assures assured assuring"},
    {QVF_OBJ, "inform informs informed informing"},
    {QVF_OBJ, "remind reminds reminded reminding"},
    {QVF_OBJ, "advise advises advised advising"},
    {QVF_NOUN | QVF_NPOBJ, "post posts posted posting"},
    {QVF_NPOBJ, "reveal reveals revealed revealing"},
    {QVF_NPOBJ, "disclose discloses disclosed disclosing"},
    {QVF_WEAK, "indicate indicates indicated indicating"},
    {QVF_NOUN, "hint hints hinted hinting"},
    {QVF_NOUN | QVF_NPOBJ, "mention mentions mentioned mentioning"},
    {0, "wonder wonders wondered wondering"},
    {QVF_NOUN | QVF_NPOBJ, "repeat repeats repeated repeating"},
    {0, "affirm affirms affirmed affirming"},
    {0, "clarify clarifies clarified clarifying"},
    {0, "elaborate elaborates elaborated elaborating"},
    {0, "threaten threatens threatened threatening"},
    {QVF_NPOBJ, "propose proposes proposed proposing"},
    {QVF_NOUN | QVF_NPOBJ, "estimate estimates estimated estimating"},
    {QVF_NOUN, "signal signals signalled signalling signaled signaling"},
    {0, "blast blasts blasted blasting"},
    {0, "scoff scoffs scoffed scoffing"},
    {QVF_NOUN, "sigh sighs sighed sighing"},
    {QVF_NOUN, "snap snaps snapped snapping"},
    {QVF_NOUN, "plead pleads pleaded pleading"},
    {0, "beg begs begged begging"},
    {0, "tout touts touted touting"},
    {0, "brag brags bragged bragging"},
    {0, "chide chides chided chiding"},
    {QVF_NOUN, "rail rails railed railing"},
    {0, "gush gushes gushed gushing"},
    {0, "concur concurs concurred concurring"},
    {QVF_NOUN, "object objects objected objecting"},
    {QVF_NOUN, "protest protests protested protesting"},
    {0, "proclaim proclaims proclaimed proclaiming"},
    {QVF_NPOBJ, "add adds added adding"},
    {QVF_NOUN | QVF_DESCRIBE, "call calls called calling"},
    {QVF_DESCRIBE, "describe describes described describing"},
    {QVF_WEAK, "read reads read reading"},
    {QVF_DESCRIBE, "slam slams slammed slamming"},
    {QVF_DESCRIBE, "denounce denounces denounced denouncing"},
    {QVF_DESCRIBE, "decry decries decried decrying"},
    {QVF_DESCRIBE, "deride derides derided deriding"},
    {QVF_DESCRIBE, "hail hails hailed hailing"},
    {QVF_NPOBJ, "express expresses expressed expressing"},
    {QVF_NOUN | QVF_NPOBJ, "order orders ordered ordering"},
    {QVF_DESCRIBE, "dub dubs dubbed dubbing"},
    {QVF_NOUN | QVF_DESCRIBE, "label labels labelled labelling labeled labeling"},
    {QVF_NOUN | QVF_DESCRIBE, "term terms termed terming"},
    {QVF_NOUN | QVF_DESCRIBE, "brand brands branded branding"},
    {QVF_DESCRIBE, "characterize characterizes characterized characterizing"},
    {QVF_DESCRIBE, "characterise characterises characterised characterising"},
    {QVF_THINK, "think thinks thought thinking"},
    {QVF_THINK, "believe believes believed believing"},
    {QVF_THINK, "feel feels felt feeling"},
    {QVF_THINK, "hope hopes hoped hoping"},
    {QVF_THINK, "fear fears feared fearing"},
    {QVF_THINK | QVF_WEAK, "expect expects expected expecting"},
};

typedef struct {
    uint32_t cls;
    uint8_t gender;
    const char *words;
} s_list_t;

static const s_list_t s_lists[] = {
    {QL_PRON, QG_M, "he"},
    {QL_PRON, QG_F, "she"},
    {QL_PRON, QG_PL, "they we"},
    {QL_PRON, QG_N, "it"},
    {QL_OBJPRON, 0, "him her them us me you reporters journalists lawmakers"},
    {QL_HONOR, QG_M, "mr mr. sir lord monsieur m. herr"},
    {QL_HONOR, QG_F, "mrs mrs. ms ms. miss madam madame mme mme. dame lady frau"},
    {QL_HONOR, 0, "dr dr. prof prof. professor rev rev. reverend hon hon. sheikh"},
    {QL_TITLE, QG_M,
     "king prince emperor chairman spokesman congressman councilman businessman sultan emir "
     "duke earl baron father brother"},
    {QL_TITLE, QG_F,
     "queen princess empress chairwoman spokeswoman congresswoman councilwoman businesswoman "
     "duchess baroness sister first-lady"},
    {QL_TITLE, 0,
     "president vice-president president-elect prime minister secretary chancellor premier "
     "governor gov gov. senator sen sen. rep rep. representative congressmember mayor "
     "ambassador envoy spokesperson chair chairperson ceo cfo coo cto director chief head "
     "leader commissioner speaker judge justice attorney general gen gen. admiral adm. "
     "pope archbishop bishop cardinal imam rabbi pastor coach manager founder co-founder "
     "deputy foreign defense defence finance interior health trade treasury economy "
     "undersecretary under-secretary minister-president counsel counselor counsellor "
     "superintendent commander lawmaker legislator mp mep delegate diplomat economist analyst "
     "professor lecturer researcher scientist expert adviser advisor aide executive "
     "vice chairman-elect owner editor correspondent reporter columnist author president's "
     "democrat republican democratic independent labour conservative liberal tory "
     "state-run candidate nominee activist campaigner lawyer spokesman spokeswoman former "
     "colonel col col. lieutenant lt lt. major maj maj. captain capt capt. corporal cpl "
     "cpl. private pvt pvt. marshal brig brig. brigadier"},
    {QL_RANK, 0,
     "officer sergeant sgt sgt. detective det det. constable trooper inspector sheriff "
     "deputy-sheriff"},
    {QL_NOMHEAD, QG_M, "man spokesman chairman businessman father husband son boy brother"},
    {QL_NOMHEAD, QG_F,
     "woman spokeswoman chairwoman businesswoman mother wife daughter girl sister"},
    {QL_NOMHEAD, QG_PL,
     "officials sources diplomats aides advisers advisors analysts experts economists lawyers "
     "ministers officers witnesses residents men women workers doctors activists leaders "
     "executives representatives negotiators investigators prosecutors authorities critics "
     "supporters observers researchers scientists delegates organizers organisers protesters "
     "demonstrators lawmakers legislators senators members spokespeople villagers survivors "
     "relatives parents students teachers farmers officers police voters insiders "
     "campaigners medics doctors nurses judges attorneys economists strategists pilots "
     "drivers employees bosses managers owners players fans miners engineers soldiers troops "
     "staff unions councillors councilors"},
    {QL_NOMHEAD, 0,
     "official source diplomat aide adviser advisor analyst expert economist lawyer attorney "
     "minister officer witness resident person worker doctor nurse teacher student activist "
     "leader president chief director executive representative envoy ambassador negotiator "
     "investigator prosecutor spokesperson observer researcher scientist delegate organizer "
     "organiser protester demonstrator lawmaker legislator senator member secretary governor "
     "mayor premier chancellor judge commander general colonel captain sheriff detective "
     "coach manager owner founder candidate employee insider strategist consultant "
     "professor survivor victim relative parent neighbour neighbor farmer pilot soldier "
     "driver official's friend colleague counterpart"},
    {QL_ORGHEAD, 0,
     "ministry department office agency authority bureau board commission committee council "
     "party government administration embassy consulate military army navy police "
     "company firm group organization organisation union campaign court tribunal parliament "
     "congress senate cabinet presidency palace kremlin spokesman's website newspaper "
     "broadcaster television tv radio agency network watchdog regulator institute "
     "foundation bank hospital university school association federation coalition "
     "alliance movement church statement report study survey poll spokesperson's tabloid "
     "magazine outlet publication blog republic kingdom federation emirates retailer "
     "carmaker automaker airline lender insurer manufacturer supermarket conglomerate "
     "startup"},
    {QL_DET, 0,
     "a an the this that these those one two three four five several some many most his her "
     "its their our my your another other each both every any no such"},
    {QL_ADV, 0,
     "also later then has have had was were is are would will could may might must should "
     "once again further previously earlier recently repeatedly reportedly publicly privately "
     "simply just even still only first initially subsequently finally frequently often "
     "never always already angrily quickly flatly firmly bluntly separately similarly "
     "herself himself themselves itself not did does do has since yet too however "
     "meanwhile though began begins started starts kept went each both all"},
    {QL_PARTICLE, 0,
     "de da di del della van von der den ter bin ibn bint al el le la du dos das "
     "abu ben y"},
    {QL_CONNECT, 0, "of for and & on"},
    {QL_PREP, 0,
     "to in on at for with about of by during after before from as into over under than since "
     "via through against without within across among amid toward towards upon like if "
     "when while because so but and or whether how what where why"},
    {QL_SUBORD, 0, "who which whose whom where"},
    {QL_TIME, 0,
     "monday tuesday wednesday thursday friday saturday sunday today yesterday tonight "
     "tomorrow morning afternoon evening night week weekend month year last earlier later "
     "recently previously again repeatedly then this"},
    {QL_STOP, 0,
     "january february march april may june july august september october november december "
     "jan. feb feb. mar mar. apr apr. jun jun. jul jul. aug aug. sep sep. sept sept. oct "
     "oct. nov nov. dec dec. monday tuesday wednesday thursday friday saturday sunday "
     "i we they he she it you his her hers its their our my your him them us me "
     "the a an in on at for but and or if when while as after before since this that these "
     "those there here what who whom whose why how where which not no yes so then also "
     "although though however meanwhile despite during under over with without from to by "
     "of about according amid among all some many most other another both each every more "
     "less one two three four five six seven eight nine ten now today yesterday tomorrow "
     "still even only just such because once until unless whether do does did be is are "
     "was were has have had will would can could should may might must let please thank "
     "thanks dear instead indeed yet already again asked speaking addressing writing "
     "following like unlike given having being asked "
     "said says told added speaking interview statement reuters ap afp"},
    {QL_NOTSPK, 0,
     "people report reports statement statements study survey poll data document documents "
     "letter article story book film song video message post tweet note notes paper analysis "
     "figures numbers law bill rule order plan proposal website page sign signs some many "
     "others everyone nobody someone anyone critics deal plan agreement decision move change "
     "policy program programme project measure results investigation probe ruling verdict"},
};

static uint32_t s_slot(uint32_t h, size_t cap)
{
    return ql_lex_slot(h, cap);
}

static void s_put(ql_lex_t *lx, uint32_t h, const ql_entry_t *e)
{
    if ((lx->count + 1) * 2 > lx->cap) {
        size_t ncap = lx->cap ? lx->cap * 2 : 4096;
        uint32_t *nk = wt_calloc(ncap, sizeof *nk);
        ql_entry_t *nv = wt_calloc(ncap, sizeof *nv);
        for (size_t i = 0; i < lx->cap; i++) {
            if (!lx->vals[i].cls) continue;
            uint32_t j = s_slot(lx->keys[i], ncap);
            while (nv[j].cls)
                j = (uint32_t)((j + 1) & (ncap - 1));
            nk[j] = lx->keys[i];
            nv[j] = lx->vals[i];
        }
        free(lx->keys);
        free(lx->vals);
        lx->keys = nk;
        lx->vals = nv;
        lx->cap = ncap;
    }
    uint32_t j = s_slot(h, lx->cap);
    while (lx->vals[j].cls && lx->keys[j] != h)
        j = (uint32_t)((j + 1) & (lx->cap - 1));
    ql_entry_t *v = &lx->vals[j];
    if (!v->cls) {
        lx->keys[j] = h;
        lx->count++;
        *v = *e;
        return;
    }
    /* merge: classes add up; the first gender and verb data stay */
    if (e->cls & QL_VERB && !(v->cls & QL_VERB)) {
        v->vform = e->vform;
        v->vflags = e->vflags;
    }
    if (!v->gender) v->gender = e->gender;
    v->cls |= e->cls;
}

static void s_put_word(ql_lex_t *lx, const char *w, size_t n, const ql_entry_t *e)
{
    s_put(lx, wt_text_hash(w, n), e);
}

static void s_add_lists(ql_lex_t *lx)
{
    size_t n;
    for (size_t v = 0; v < sizeof s_verbs / sizeof s_verbs[0]; v++) {
        int form = 0;
        for (const char *p = s_verbs[v].forms, *w; (w = wt_wordlist_next(&p, &n)); form++) {
            ql_entry_t e = {.cls = QL_VERB, .vflags = s_verbs[v].vflags};
            e.vform = form == 0 ? QV_BASE : form == 1 ? QV_S : form == 3 ? QV_ING : QV_PAST;
            if (form >= 4) /* participles and spelling variants */
                e.vform = (n > 3 && memcmp(w + n - 3, "ing", 3) == 0) ? QV_ING : QV_PAST;
            s_put_word(lx, w, n, &e);
        }
    }
    for (size_t l = 0; l < sizeof s_lists / sizeof s_lists[0]; l++) {
        ql_entry_t e = {.cls = s_lists[l].cls, .gender = s_lists[l].gender};
        for (const char *p = s_lists[l].words, *w; (w = wt_wordlist_next(&p, &n));)
            s_put_word(lx, w, n, &e);
    }
}

static int s_load_names(ql_lex_t *lx, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        int e = errno;
        snprintf(err, errlen, "%s: %s (the first-name list of the quotes stage)", path,
                 strerror(e));
        return -e;
    }
    char line[256];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || !*p) continue;
        uint8_t g = *p == 'm' ? QG_M : *p == 'f' ? QG_F : *p == 'u' ? QG_NONE : 0xff;
        if (g == 0xff || (p[1] != ' ' && p[1] != '\t')) {
            snprintf(err, errlen, "%s:%d: expected \"m NAME\", \"f NAME\" or \"u NAME\"", path,
                     lineno);
            fclose(f);
            return WT_EDICT;
        }
        p += 2;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strcspn(p, " \t\r\n#");
        if (!n) continue;
        ql_entry_t e = {.cls = QL_FIRST, .gender = g};
        uint32_t h = wt_text_hash(p, n);
        const ql_entry_t *old = ql_lex_get(lx, h);
        if (old && (old->cls & QL_FIRST) && old->gender != g) {
            /* a name listed for both genders stays without gender */
            ((ql_entry_t *)old)->gender = QG_NONE;
            continue;
        }
        s_put(lx, h, &e);
        lx->first_names++;
    }
    fclose(f);
    return 0;
}

int ql_lex_init(ql_lex_t *lx, const char *first_names_path, char *err, size_t errlen)
{
    memset(lx, 0, sizeof *lx);
    s_add_lists(lx);
    if (first_names_path) return s_load_names(lx, first_names_path, err, errlen);
    return 0;
}

void ql_lex_free(ql_lex_t *lx)
{
    free(lx->keys);
    free(lx->vals);
    memset(lx, 0, sizeof *lx);
}
