/*  test_input.c: the input reader of annotate/feed (tools/input.c) on
    files, folders, JSON Lines, JSON arrays, bad items and a stdin pipe fed
    line by line (streaming, non-blocking). */
#include "../tools/input.c"
#include "testutil.h"

#include <sys/types.h>
#include <sys/wait.h>

typedef struct {
    int rc;            /* 1 item, <0 error */
    const char *where; /* suffix after the temp dir */
    const char *text;  /* item text (prefix) */
    const char *published;
} s_expect_t;

static void s_run(char **paths, int n, const s_expect_t *exp, size_t nexp)
{
    wt_input_reader_t *in = wt_input_open(paths, n, NULL);
    for (size_t i = 0; i <= nexp; i++) {
        wt_item_t item = {0};
        const char *where = NULL;
        char err[256];
        int rc = wt_input_next(in, &item, &where, err, sizeof err);
        if (i == nexp) {
            CHECK_MSG(rc == 0, "expected the end, got %d at %s", rc, where ? where : "");
            break;
        }
        CHECK_MSG(rc == exp[i].rc, "#%zu: rc %d (%s) != %d at %s", i, rc, err, exp[i].rc, where);
        const char *suffix = strstr(where, wt_test_dir()) ? where + strlen(wt_test_dir()) : where;
        CHECK_EQ_STR(suffix, exp[i].where);
        if (rc == 1) {
            CHECK_MSG(item.text && strncmp(item.text, exp[i].text, strlen(exp[i].text)) == 0,
                      "#%zu text '%s'", i, item.text ? item.text : "");
            CHECK(item.id != NULL);
            if (exp[i].published)
                CHECK_EQ_STR(item.published, exp[i].published);
            else
                CHECK(item.published == NULL);
        }
        wt_item_clear(&item);
    }
    wt_input_close(&in);
}

static void s_test_files(void)
{
    char sub[300];
    snprintf(sub, sizeof sub, "%s/b", wt_test_dir());
    mkdir(sub, 0700);
    wt_test_write("b/2.txt", "  date 2019-03-04 The council met on Monday.\n");
    wt_test_write("b/1.txt", "A plain file without a date line.");
    wt_test_write("b/.hidden", "never read");
    wt_test_write("b/3.jsonl", "{\"text\":\"first line item\",\"id\":\"x1\"}\n\n"
                               "{\"text\":\"second\", \"published\":\"2020-01-02T10:00:00Z\"}\r\n"
                               "{\"title\":\"no text\"}\n"
                               "not json at all\n"
                               "{\"text\":\"last, no newline\"}");
    wt_test_write("a.json", "[{\"text\":\"array one\"}, 7, {\"text\":\"array three\"}]");
    wt_test_write("c.json", "{\"text\":\"single object\"}");
    wt_test_write("d.txt", "   \n\t ");
    wt_test_write("e.txt", "bad \xff byte");
    char a[300], b[300], c[300], d[300], e[300], missing[300];
    snprintf(a, sizeof a, "%s/a.json", wt_test_dir());
    snprintf(b, sizeof b, "%s/b", wt_test_dir());
    snprintf(c, sizeof c, "%s/c.json", wt_test_dir());
    snprintf(d, sizeof d, "%s/d.txt", wt_test_dir());
    snprintf(e, sizeof e, "%s/e.txt", wt_test_dir());
    snprintf(missing, sizeof missing, "%s/missing.txt", wt_test_dir());
    char *paths[] = {b, a, missing, c, d, e};
    const s_expect_t exp[] = {
        {1, "/b/1.txt", "A plain file", NULL},
        {1, "/b/2.txt", "  date 2019-03-04 The council", "2019-03-04"},
        {1, "/b/3.jsonl:1", "first line item", NULL},
        {1, "/b/3.jsonl:3", "second", "2020-01-02T10:00:00Z"},
        {WT_EMISSING, "/b/3.jsonl:4", NULL, NULL},
        {WT_ESYNTAX, "/b/3.jsonl:5", NULL, NULL},
        {1, "/b/3.jsonl:6", "last, no newline", NULL},
        {1, "/a.json[0]", "array one", NULL},
        {WT_ETYPE, "/a.json[1]", NULL, NULL},
        {1, "/a.json[2]", "array three", NULL},
        {-ENOENT, "/missing.txt", NULL, NULL},
        {1, "/c.json", "single object", NULL},
        {WT_EEMPTY, "/d.txt", NULL, NULL},
        {1, "/e.txt", "bad \xEF\xBF\xBD byte", NULL},
    };
    s_run(paths, 6, exp, sizeof exp / sizeof exp[0]);
}

static void s_test_leading_date(void)
{
    static const struct {
        const char *text;
        const char *date;
    } cases[] = {
        {" date 2021-09-10 US President", "2021-09-10"},
        {"date 2021-09-10", "2021-09-10"},
        {"\n\tdate  1999-12-31\nText", "1999-12-31"},
        {"date 2021-13-10 bad month", NULL},
        {"date 2021-09-10x", NULL},
        {"dated 2021-09-10 no", NULL},
        {"The date 2021-09-10 is inside", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[11] = "";
        bool got = wt_input_leading_date(cases[i].text, strlen(cases[i].text), out);
        CHECK_MSG(got == (cases[i].date != NULL), "case %zu", i);
        if (got && cases[i].date) CHECK_EQ_STR(out, cases[i].date);
    }
}

/* Make stdin the read end of a new pipe; returns its write end, the old
   stdin in *saved for s_stdin_restore. */
static int s_stdin_pipe(int *saved)
{
    int p[2];
    CHECK(pipe(p) == 0);
    *saved = dup(0);
    dup2(p[0], 0);
    close(p[0]);
    return p[1];
}

static void s_stdin_restore(int saved)
{
    dup2(saved, 0);
    close(saved);
}

/* stdin is a pipe written a line at a time: each line is an item as soon as
   it is complete, and nothing blocks in non-blocking mode. */
static void s_test_stdin_stream(void)
{
    int saved, w = s_stdin_pipe(&saved);
    char *paths[] = {"-"};
    wt_input_reader_t *in = wt_input_open(paths, 1, NULL);
    wt_input_set_nonblocking(in, true);
    CHECK_EQ_INT(wt_input_fd(in), 0);
    wt_item_t item = {0};
    const char *where;
    char err[256];
    CHECK_EQ_INT(wt_input_next(in, &item, &where, err, sizeof err), -EAGAIN);
    CHECK(write(w, "{\"text\":\"one\"}\n{\"text\":\"tw", 26) == 26);
    CHECK_EQ_INT(wt_input_next(in, &item, &where, err, sizeof err), 1);
    CHECK_EQ_STR(item.text, "one");
    CHECK_EQ_STR(where, "<stdin>:1");
    wt_item_clear(&item);
    CHECK_EQ_INT(wt_input_next(in, &item, &where, err, sizeof err), -EAGAIN);
    CHECK_EQ_INT(wt_input_fd(in), 0);
    CHECK(write(w, "o\"}\n", 4) == 4);
    CHECK_EQ_INT(wt_input_next(in, &item, &where, err, sizeof err), 1);
    CHECK_EQ_STR(item.text, "two");
    wt_item_clear(&item);
    close(w);
    CHECK_EQ_INT(wt_input_next(in, &item, &where, err, sizeof err), 0);
    CHECK(wt_input_done(in));
    CHECK_EQ_INT(wt_input_items(in), 2);
    wt_input_close(&in);
    s_stdin_restore(saved);
}

/* stdin that does not start with '{' is one plain-text item. */
static void s_test_stdin_text(void)
{
    int saved, w = s_stdin_pipe(&saved);
    const char *t = "\n date 2018-08-03 Some text\nover two lines.\n";
    CHECK(write(w, t, strlen(t)) == (ssize_t)strlen(t));
    close(w);
    char *paths[] = {"-"};
    wt_input_reader_t *in = wt_input_open(paths, 1, NULL);
    wt_item_t item = {0};
    const char *where;
    char err[256];
    CHECK_EQ_INT(wt_input_next(in, &item, &where, err, sizeof err), 1);
    CHECK_EQ_STR(item.text, t);
    CHECK_EQ_STR(item.published, "2018-08-03");
    wt_item_clear(&item);
    CHECK_EQ_INT(wt_input_next(in, &item, &where, err, sizeof err), 0);
    wt_input_close(&in);
    s_stdin_restore(saved);
}

int main(void)
{
    wt_test_mkdtemp("input");
    s_test_leading_date();
    s_test_files();
    s_test_stdin_stream();
    s_test_stdin_text();
    wt_test_rmtree();
    TEST_END();
}
