/*  input.h: the input reader shared by `wiretag annotate` and `wiretag feed`.

    An iterator over input items from a list of paths:
      - a folder: every regular, non-hidden file below it, recursively, in
        byte order of the path;
      - NAME.jsonl / NAME.ndjson: one JSON object per line (blank lines skipped);
      - NAME.json: one JSON object, or an array of objects;
      - any other file: plain text, one item; a leading `date YYYY-MM-DD`
        (after optional whitespace) sets `published`; the text is kept as is
        except that invalid UTF-8 bytes become U+FFFD (a NUL byte is an error);
      - "-": standard input; JSON Lines when its first non-blank byte is '{',
        a JSON array when '[', plain text (one item) otherwise.
    JSON Lines (stdin or files) are streamed line by line with no buffering of
    the whole input: `tail -f crawl.jsonl | wiretag feed -` yields each line as
    soon as it arrives. In non-blocking mode wt_input_next() returns -EAGAIN
    instead of waiting, and wt_input_fd() names the descriptor to poll.
    A bad item or unreadable file is reported with its location and the
    iteration goes on with the next one.
*/
#ifndef WT_TOOLS_INPUT_H
#define WT_TOOLS_INPUT_H

#include "wiretag/item.h"

typedef struct wt_input_reader wt_input_reader_t;

/* Longest JSON line accepted (bytes); a longer line is one WT_ETOOBIG error. */
#define WT_INPUT_MAX_LINE (16u * 1024 * 1024)

/* Open an iterator over paths[0..count). Folders are expanded here (an
   unreadable path is reported later by wt_input_next, in order). limits may
   be NULL (wt_limits_default). Never fails. */
wt_input_reader_t *wt_input_open(char *const *paths, int count, const wt_limits_t *limits);
void wt_input_close(wt_input_reader_t **self_p);

/* Non-blocking mode (default off): wt_input_next returns -EAGAIN when a
   stream has no complete line yet. */
void wt_input_set_nonblocking(wt_input_reader_t *self, bool on);
/* The descriptor the reader waits on right now (a pipe or stdin), or -1
   when the next call will not block. */
int wt_input_fd(const wt_input_reader_t *self);

/* Next item into *item (which must be clear; the caller owns the result).
   Returns 1 with an item, 0 at the end of every input, -EAGAIN (non-blocking
   mode only), or another negative code for a bad item or file, with a
   one-line reason in err. *where ("file:line", "file", "file[3]",
   "<stdin>:7") is set in every case but the end and is borrowed until the
   next call. After an error, call again to go on. */
int wt_input_next(wt_input_reader_t *self, wt_item_t *item, const char **where, char *err,
                  size_t errlen);

/* Items returned and errors reported so far. */
size_t wt_input_items(const wt_input_reader_t *self);
size_t wt_input_errors(const wt_input_reader_t *self);
/* Files that folders held but that are not news items (README, LICENSE,
   binary files): skipped, not read; *sample (may be NULL) the first one. */
size_t wt_input_skipped(const wt_input_reader_t *self, const char **sample);
/* Invalid UTF-8 bytes replaced by U+FFFD in plain-text files so far. */
size_t wt_input_repaired(const wt_input_reader_t *self);
/* "PROG: N file(s) in the folder(s) skipped as not news items (...), e.g.
   NAME" on stderr, when some were. */
void wt_input_say_skipped(const wt_input_reader_t *self, const char *prog);
/* "PROG: N invalid UTF-8 byte(s) in plain-text input replaced by U+FFFD"
   on stderr, when some were. */
void wt_input_say_repaired(const wt_input_reader_t *self, const char *prog);
/* True when every remaining source is finished (no more items). */
bool wt_input_done(const wt_input_reader_t *self);
/* True when the next wt_input_next may wait for data: the source is a pipe
   or terminal and no whole line is buffered, or a new source is to be
   opened. A writer that batches its output writes it out first. */
bool wt_input_may_block(const wt_input_reader_t *self);

/* If text starts with optional whitespace and `date YYYY-MM-DD`, copy the
   date into out[11] and return true. */
bool wt_input_leading_date(const char *text, size_t n, char out[11]);

#endif
