/*  input.c: the input reader of `wiretag annotate` and `wiretag feed`.

    Sources are taken one at a time from a list expanded at open time
    (folders become their sorted files). JSON Lines sources (files and stdin)
    are read through a small line buffer with read(2), so a pipe is consumed
    as its data arrives; in non-blocking mode a poll(2) with no timeout comes
    before each read and "nothing yet" is -EAGAIN. Plain text and .json files
    are read whole (bounded by the item limits). JSON decoding is
    wt_item_from_json's; this file only finds the item boundaries and says
    where each came from.
*/
#include "input.h"
#include "wiretag/json.h"
#include "wiretag/text.h"

#include <assert.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_MAX_JSON_FILE (256u * 1024 * 1024) /* a .json file read whole */
#define S_MAX_DIR_DEPTH 32

typedef enum {
    S_NONE = 0, /* between sources */
    S_DETECT,   /* stdin: looking for the first non-blank byte */
    S_LINES,    /* JSON Lines, streamed */
    S_SLURP,    /* stdin that is not JSON Lines: read to the end */
    S_ARRAY     /* elements of a JSON array */
} s_mode_t;

struct wt_input_reader {
    char **paths;
    size_t npaths, paths_cap, next;
    wt_limits_t limits;
    bool nonblock;

    /* the current source */
    s_mode_t mode;
    char *name;     /* display name ("<stdin>" for "-") */
    int fd;         /* -1 when closed */
    bool own_fd;    /* close it at the end */
    bool is_stream; /* not a regular file: reading may block */
    char *buf;      /* line buffer / slurp buffer */
    size_t len, pos, scan, cap;
    bool eof;
    bool discard; /* skipping the rest of an over-long line */
    bool first;   /* no line returned yet (BOM check) */
    uint64_t line;
    json_t *array;
    size_t index;

    char where[4200];
    size_t items, errors, repaired;
    size_t skipped;     /* files in folders that are not news items (README, binary) */
    char *skip_sample;  /* the first of them, for the message */
    bool hinted_pretty; /* the pretty-printed JSON hint was given for this source */
};

static void s_push(char ***list, size_t *n, size_t *cap, const char *path)
{
    wt_grow(list, cap, *n + 1, sizeof **list);
    (*list)[(*n)++] = wt_strdup(path);
}

static int s_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file found in a folder that is not a news item: README, LICENSE and
   the like, or binary (a known binary extension, a NUL in its first 4 KiB).
   Named files are always read: this only filters what a folder walk finds. */
static bool s_not_news(const char *path)
{
    static const char *const names[] = {"readme",    "license", "licence",  "copying",
                                        "changelog", "authors", "makefile", "notice"};
    static const char *const exts[] = {".png", ".jpg",  ".jpeg",  ".gif", ".webp", ".ico",   ".pdf",
                                       ".zip", ".gz",   ".tgz",   ".bz2", ".xz",   ".zst",   ".7z",
                                       ".tar", ".exe",  ".so",    ".o",   ".a",    ".bin",   ".mp3",
                                       ".mp4", ".woff", ".woff2", ".db",  ".mdb",  ".sqlite"};
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n = strlen(names[i]);
        if (!strncasecmp(base, names[i], n) && (base[n] == 0 || base[n] == '.')) return true;
    }
    const char *dot = strrchr(base, '.');
    for (size_t i = 0; dot && i < sizeof exts / sizeof exts[0]; i++)
        if (!strcasecmp(dot, exts[i])) return true;
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) return false; /* reported as unreadable when reached */
    char buf[4096];
    ssize_t got = read(fd, buf, sizeof buf);
    close(fd);
    return got > 0 && memchr(buf, 0, (size_t)got) != NULL;
}

/* Collect regular non-hidden files under dir (recursively), skipping the
   ones that are not news items (counted for the caller to say). */
static void s_walk(wt_input_reader_t *self, const char *dir, int depth, char ***list, size_t *n,
                   size_t *cap)
{
    if (depth > S_MAX_DIR_DEPTH) return;
    DIR *d = opendir(dir);
    if (!d) {
        s_push(list, n, cap, dir); /* reported as unreadable when reached */
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *p = wt_malloc(len);
        snprintf(p, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        struct stat st;
        if (stat(p, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                s_walk(self, p, depth + 1, list, n, cap);
            else if (S_ISREG(st.st_mode) && s_not_news(p)) {
                if (!self->skipped++) self->skip_sample = wt_strdup(p);
            } else if (S_ISREG(st.st_mode))
                s_push(list, n, cap, p);
        }
        free(p);
    }
    closedir(d);
}

wt_input_reader_t *wt_input_open(char *const *paths, int count, const wt_limits_t *limits)
{
    wt_input_reader_t *self = wt_calloc(1, sizeof *self);
    self->limits = limits ? *limits : wt_limits_default;
    self->fd = -1;
    for (int i = 0; i < count; i++) {
        struct stat st;
        if (strcmp(paths[i], "-") != 0 && stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t first = self->npaths;
            s_walk(self, paths[i], 0, &self->paths, &self->npaths, &self->paths_cap);
            qsort(self->paths + first, self->npaths - first, sizeof *self->paths, s_cmp);
        } else
            s_push(&self->paths, &self->npaths, &self->paths_cap, paths[i]);
    }
    return self;
}

static void s_close_source(wt_input_reader_t *self)
{
    if (self->own_fd && self->fd >= 0) close(self->fd);
    self->fd = -1;
    self->own_fd = false;
    free(self->name);
    self->name = NULL;
    free(self->buf);
    self->buf = NULL;
    self->len = self->pos = self->scan = self->cap = 0;
    self->eof = self->discard = false;
    self->line = 0;
    if (self->array) json_decref(self->array);
    self->array = NULL;
    self->index = 0;
    self->mode = S_NONE;
}

void wt_input_close(wt_input_reader_t **self_p)
{
    if (!self_p || !*self_p) return;
    wt_input_reader_t *self = *self_p;
    s_close_source(self);
    for (size_t i = 0; i < self->npaths; i++)
        free(self->paths[i]);
    free(self->paths);
    free(self->skip_sample);
    free(self);
    *self_p = NULL;
}

void wt_input_set_nonblocking(wt_input_reader_t *self, bool on)
{
    self->nonblock = on;
}

int wt_input_fd(const wt_input_reader_t *self)
{
    if (self->fd >= 0 && self->is_stream && !self->eof &&
        (self->mode == S_DETECT || self->mode == S_LINES || self->mode == S_SLURP))
        return self->fd;
    /* stdin that is about to be opened is a stream too */
    if (self->mode == S_NONE && self->next < self->npaths &&
        strcmp(self->paths[self->next], "-") == 0) {
        struct stat st;
        if (fstat(0, &st) == 0 && !S_ISREG(st.st_mode)) return 0;
    }
    return -1;
}

size_t wt_input_items(const wt_input_reader_t *self)
{
    return self->items;
}

size_t wt_input_errors(const wt_input_reader_t *self)
{
    return self->errors;
}

size_t wt_input_skipped(const wt_input_reader_t *self, const char **sample)
{
    if (sample) *sample = self->skip_sample;
    return self->skipped;
}

size_t wt_input_repaired(const wt_input_reader_t *self)
{
    return self->repaired;
}

bool wt_input_may_block(const wt_input_reader_t *self)
{
    bool more_sources = self->next < self->npaths; /* one may be a FIFO */
    if (self->mode == S_LINES || self->mode == S_DETECT) {
        if (self->scan < self->len && memchr(self->buf + self->scan, '\n', self->len - self->scan))
            return false; /* a whole line is buffered */
        if (!self->eof) return self->is_stream;
        return self->pos >= self->len && more_sources;
    }
    if (self->mode == S_NONE || self->mode == S_ARRAY) return more_sources;
    return true; /* S_SLURP: reading a stream to its end */
}

bool wt_input_done(const wt_input_reader_t *self)
{
    return self->mode == S_NONE && self->next >= self->npaths;
}

bool wt_input_leading_date(const char *text, size_t n, char out[11])
{
    size_t i = 0;
    while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    if (n - i < 15 || memcmp(text + i, "date", 4) != 0 ||
        (text[i + 4] != ' ' && text[i + 4] != '\t'))
        return false;
    i += 4;
    while (i < n && (text[i] == ' ' || text[i] == '\t'))
        i++;
    if (n - i < 10) return false;
    char d[11];
    memcpy(d, text + i, 10);
    d[10] = 0;
    if (n - i > 10 && !(text[i + 10] == ' ' || text[i + 10] == '\t' || text[i + 10] == '\r' ||
                        text[i + 10] == '\n'))
        return false;
    return wt_date_normalize(d, out) == 0;
}

static void s_where(wt_input_reader_t *self, const char *fmt_kind)
{
    if (!strcmp(fmt_kind, "line"))
        snprintf(self->where, sizeof self->where, "%s:%llu", self->name,
                 (unsigned long long)self->line);
    else if (!strcmp(fmt_kind, "index"))
        snprintf(self->where, sizeof self->where, "%s[%zu]", self->name, self->index);
    else
        snprintf(self->where, sizeof self->where, "%s", self->name);
}

static bool s_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return false;
    return true;
}

/* A plain-text item from [text, text+n): the text is kept byte for byte. */
static int s_text_item(wt_input_reader_t *self, const char *text, size_t n, wt_item_t *item,
                       char *err, size_t errlen)
{
    if (n > self->limits.max_text) {
        snprintf(err, errlen, "text is %zu bytes, over the limit of %zu", n, self->limits.max_text);
        return WT_ETOOBIG;
    }
    if (s_blank(text, n)) {
        snprintf(err, errlen, "no text");
        return WT_EEMPTY;
    }
    if (memchr(text, 0, n)) {
        snprintf(err, errlen, "NUL byte at offset %zu (binary file?)",
                 (size_t)((const char *)memchr(text, 0, n) - text));
        return WT_ENUL;
    }
    if (!wt_utf8_valid(text, n)) {
        /* as the engine does for offline text: U+FFFD for each bad byte, so
           that the item can travel (the wire refuses invalid UTF-8) */
        size_t bad = 0;
        item->text = wt_utf8_repair(text, n, &item->text_len, &bad);
        self->repaired += bad;
    } else {
        item->text = wt_strndup(text, n);
        item->text_len = n;
    }
    char date[11];
    if (wt_input_leading_date(item->text, item->text_len, date)) item->published = wt_strdup(date);
    wt_item_ensure_id(item);
    return 1;
}

static int s_json_item(wt_input_reader_t *self, const char *json, size_t n, wt_item_t *item,
                       char *err, size_t errlen)
{
    int rc = wt_item_from_json(json, n, &self->limits, item, err, errlen);
    if (rc < 0) return rc;
    wt_item_ensure_id(item);
    return 1;
}

/* Read more bytes into the buffer. 0, -EAGAIN or -errno. */
static int s_fill(wt_input_reader_t *self, size_t limit)
{
    if (self->pos > 0) {
        memmove(self->buf, self->buf + self->pos, self->len - self->pos);
        self->len -= self->pos;
        self->scan -= self->scan >= self->pos ? self->pos : self->scan;
        self->pos = 0;
    }
    if (self->cap - self->len < 65536) {
        size_t want = self->cap ? self->cap * 2 : 131072;
        if (want > limit + 65536) want = limit + 65536;
        if (want > self->cap) self->buf = wt_realloc(self->buf, self->cap = want);
    }
    if (self->len >= self->cap) return -ENOBUFS;
    if (self->nonblock && self->is_stream) {
        struct pollfd p = {.fd = self->fd, .events = POLLIN};
        int r = poll(&p, 1, 0);
        if (r == 0) return -EAGAIN;
    }
    for (;;) {
        ssize_t r = read(self->fd, self->buf + self->len, self->cap - self->len);
        if (r > 0) {
            self->len += (size_t)r;
            return 0;
        }
        if (r == 0) {
            self->eof = true;
            return 0;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return -EAGAIN;
        return -errno;
    }
}

/* Next line (without its newline) in line, n: 1, 0 at the end, -EAGAIN,
   WT_ETOOBIG for an over-long line (skipped), -errno. */
static int s_getline(wt_input_reader_t *self, const char **line, size_t *n)
{
    for (;;) {
        char *nl = self->scan < self->len
                       ? memchr(self->buf + self->scan, '\n', self->len - self->scan)
                       : NULL;
        if (nl) {
            size_t end = (size_t)(nl - self->buf);
            if (self->discard) {
                self->discard = false;
                self->pos = self->scan = end + 1;
                continue;
            }
            *line = self->buf + self->pos;
            *n = end - self->pos;
            self->pos = self->scan = end + 1;
            self->line++;
            return 1;
        }
        self->scan = self->len;
        if (self->eof) {
            if (self->pos < self->len && !self->discard) {
                *line = self->buf + self->pos;
                *n = self->len - self->pos;
                self->pos = self->scan = self->len;
                self->line++;
                return 1;
            }
            return 0;
        }
        if (self->len - self->pos >= WT_INPUT_MAX_LINE) {
            bool was = self->discard;
            self->pos = self->scan = self->len; /* drop what we have */
            self->discard = true;
            if (!was) {
                self->line++;
                return WT_ETOOBIG;
            }
        }
        int rc = s_fill(self, WT_INPUT_MAX_LINE);
        if (rc < 0) return rc;
    }
}

static int s_open_fd(wt_input_reader_t *self, const char *path, char *err, size_t errlen)
{
    if (!strcmp(path, "-")) {
        self->name = wt_strdup("<stdin>");
        self->fd = 0;
        self->own_fd = false;
    } else {
        self->name = wt_strdup(path);
        self->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (self->fd < 0) {
            int e = errno;
            snprintf(err, errlen, "cannot open: %s", strerror(e));
            return -e;
        }
        self->own_fd = true;
    }
    struct stat st;
    if (fstat(self->fd, &st) != 0) {
        int e = errno;
        snprintf(err, errlen, "cannot stat: %s", strerror(e));
        return -e;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "is a folder that cannot be read");
        return -EISDIR;
    }
    self->is_stream = !S_ISREG(st.st_mode);
    self->first = true;
    return 0;
}

static bool s_has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && strcasecmp(path + n - e, ext) == 0;
}

/* Read a regular file whole (at most limit bytes; more is WT_ETOOBIG). */
static int s_slurp_file(wt_input_reader_t *self, size_t limit, char *err, size_t errlen)
{
    for (;;) {
        if (self->len > limit) {
            snprintf(err, errlen, "file is over the limit of %zu bytes", limit);
            return WT_ETOOBIG;
        }
        int rc = s_fill(self, limit + 1);
        if (rc == -ENOBUFS) {
            snprintf(err, errlen, "file is over the limit of %zu bytes", limit);
            return WT_ETOOBIG;
        }
        if (rc < 0) {
            if (rc != -EAGAIN) snprintf(err, errlen, "read error: %s", strerror(-rc));
            return rc;
        }
        if (self->eof) return 0;
    }
}

/* A whole JSON document in buf: one object, or an array of objects. */
static int s_json_doc(wt_input_reader_t *self, wt_item_t *item, char *err, size_t errlen)
{
    const char *p = self->buf;
    size_t n = self->len;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3, n -= 3;
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i < n && p[i] == '{') {
        s_where(self, "file");
        self->mode = S_NONE; /* the caller closes the source */
        return s_json_item(self, p, n, item, err, errlen);
    }
    json_error_t jerr;
    json_t *root = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!root || !json_is_array(root)) {
        s_where(self, "file");
        self->mode = S_NONE;
        if (root) {
            json_decref(root);
            snprintf(err, errlen, "expected a JSON object or an array of objects");
            return WT_ETYPE;
        }
        snprintf(err, errlen, "line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
        return WT_ESYNTAX;
    }
    free(self->buf);
    self->buf = NULL;
    self->len = self->pos = self->scan = self->cap = 0;
    self->array = root;
    self->index = 0;
    self->mode = S_ARRAY;
    return 0;
}

static int s_next_array(wt_input_reader_t *self, wt_item_t *item, char *err, size_t errlen)
{
    if (self->index >= json_array_size(self->array)) return 0;
    json_t *e = json_array_get(self->array, self->index);
    s_where(self, "index");
    self->index++;
    if (!json_is_object(e)) {
        snprintf(err, errlen, "array element is not an object");
        return WT_ETYPE;
    }
    char *s = json_dumps(e, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s) {
        snprintf(err, errlen, "cannot re-encode the element");
        return WT_ESYNTAX;
    }
    int rc = s_json_item(self, s, strlen(s), item, err, errlen);
    free(s);
    return rc;
}

static int s_next_line(wt_input_reader_t *self, wt_item_t *item, char *err, size_t errlen)
{
    for (;;) {
        const char *line;
        size_t n;
        int rc = s_getline(self, &line, &n);
        if (rc == 0 || rc == -EAGAIN) return rc;
        s_where(self, "line");
        if (rc == WT_ETOOBIG) {
            snprintf(err, errlen, "line longer than %u bytes", WT_INPUT_MAX_LINE);
            return rc;
        }
        if (rc < 0) {
            snprintf(err, errlen, "read error: %s", strerror(-rc));
            self->eof = true;
            self->pos = self->len;
            return rc;
        }
        if (self->first) {
            self->first = false;
            if (n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) line += 3, n -= 3;
        }
        if (n > 0 && line[n - 1] == '\r') n--;
        if (s_blank(line, n)) continue;
        rc = s_json_item(self, line, n, item, err, errlen);
        if (rc < 0 && !self->hinted_pretty) {
            /* "{" alone, or an object cut at the line end: JSON spread over lines */
            size_t a = 0, z = n;
            while (a < z && (line[a] == ' ' || line[a] == '\t'))
                a++;
            while (z > a && (line[z - 1] == ' ' || line[z - 1] == '\t'))
                z--;
            if ((z - a == 1 && (line[a] == '{' || line[a] == '[')) ||
                (line[a] == '{' && rc == WT_ETRUNCATED)) {
                self->hinted_pretty = true;
                size_t l = strlen(err);
                snprintf(err + l, errlen - l,
                         " -- this looks like pretty-printed JSON: give one item per line "
                         "(e.g. `jq -c . FILE | wiretag ...`), or name the file .json");
            }
        }
        return rc;
    }
}

/* Start the next source; may produce an item or an error at once. */
static int s_start(wt_input_reader_t *self, wt_item_t *item, char *err, size_t errlen)
{
    const char *path = self->paths[self->next++];
    int rc = s_open_fd(self, path, err, errlen);
    if (rc < 0) {
        s_where(self, "file");
        return rc;
    }
    if (!strcmp(path, "-")) {
        self->mode = S_DETECT;
        return 0;
    }
    if (s_has_ext(path, ".jsonl") || s_has_ext(path, ".ndjson")) {
        self->mode = S_LINES;
        return 0;
    }
    bool json = s_has_ext(path, ".json");
    size_t limit = json ? S_MAX_JSON_FILE : self->limits.max_text;
    self->mode = S_SLURP; /* for wt_input_fd while reading a FIFO */
    rc = s_slurp_file(self, limit, err, errlen);
    s_where(self, "file");
    if (rc < 0) {
        if (rc != -EAGAIN) self->mode = S_NONE;
        return rc; /* -EAGAIN: resumed in S_SLURP */
    }
    if (json) return s_json_doc(self, item, err, errlen);
    self->mode = S_NONE;
    return s_text_item(self, self->buf, self->len, item, err, errlen);
}

int wt_input_next(wt_input_reader_t *self, wt_item_t *item, const char **where, char *err,
                  size_t errlen)
{
    char dummy[8];
    if (!err || errlen == 0) err = dummy, errlen = sizeof dummy;
    err[0] = 0;
    *where = self->where;
    for (;;) {
        int rc = 0;
        switch (self->mode) {
        case S_NONE:
            s_close_source(self);
            if (self->next >= self->npaths) return 0;
            rc = s_start(self, item, err, errlen);
            if (rc == -EAGAIN) return rc;
            if (rc != 0) {
                assert(self->mode == S_NONE);
                s_close_source(self);
            }
            break;
        case S_DETECT: {
            /* stdin: decide JSON Lines / JSON / text by its first non-blank byte */
            size_t i = self->pos;
            const char *b = self->buf;
            while (i < self->len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n' ||
                                     (unsigned char)b[i] == 0xEF || (unsigned char)b[i] == 0xBB ||
                                     (unsigned char)b[i] == 0xBF))
                i++;
            if (i < self->len) {
                self->mode = b[i] == '{' ? S_LINES : S_SLURP;
                continue;
            }
            if (self->eof) {
                s_where(self, "file");
                self->mode = S_NONE;
                snprintf(err, errlen, "no input");
                rc = WT_EEMPTY;
                break;
            }
            rc = s_fill(self, WT_INPUT_MAX_LINE);
            if (rc == -EAGAIN) return rc;
            if (rc < 0) {
                s_where(self, "file");
                snprintf(err, errlen, "read error: %s", strerror(-rc));
                self->mode = S_NONE;
                break;
            }
            continue;
        }
        case S_LINES:
            rc = s_next_line(self, item, err, errlen);
            if (rc == -EAGAIN) return rc;
            if (rc == 0) {
                self->mode = S_NONE;
                continue;
            }
            break;
        case S_SLURP: {
            bool is_stdin = self->fd == 0 && !self->own_fd;
            bool json = is_stdin || s_has_ext(self->name, ".json");
            if (is_stdin) {
                /* stdin text or JSON array: decide again on what we have */
                size_t i = 0;
                while (i < self->len && (self->buf[i] == ' ' || self->buf[i] == '\t' ||
                                         self->buf[i] == '\r' || self->buf[i] == '\n'))
                    i++;
                json = i < self->len && self->buf[i] == '[';
            }
            rc = s_slurp_file(self, json ? S_MAX_JSON_FILE : self->limits.max_text, err, errlen);
            if (rc == -EAGAIN) return rc;
            s_where(self, "file");
            if (rc < 0) {
                self->mode = S_NONE;
                break;
            }
            if (json) {
                rc = s_json_doc(self, item, err, errlen);
                if (rc == 0) continue; /* now S_ARRAY */
            } else {
                self->mode = S_NONE;
                rc = s_text_item(self, self->buf, self->len, item, err, errlen);
            }
            break;
        }
        case S_ARRAY:
            rc = s_next_array(self, item, err, errlen);
            if (rc == 0) {
                self->mode = S_NONE;
                continue;
            }
            break;
        }
        if (rc == 0) continue;
        if (rc > 0)
            self->items++;
        else if (rc != -EAGAIN)
            self->errors++;
        return rc;
    }
}

void wt_input_say_skipped(const wt_input_reader_t *self, const char *prog)
{
    const char *sample = NULL;
    size_t skipped = wt_input_skipped(self, &sample);
    if (skipped)
        fprintf(stderr,
                "%s: %zu file(s) in the folder(s) skipped as not news items (README, LICENSE, "
                "binary), e.g. %s\n",
                prog, skipped, sample);
}

void wt_input_say_repaired(const wt_input_reader_t *self, const char *prog)
{
    size_t repaired = wt_input_repaired(self);
    if (repaired)
        fprintf(stderr, "%s: %zu invalid UTF-8 byte(s) in plain-text input replaced by U+FFFD\n",
                prog, repaired);
}
