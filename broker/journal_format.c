/*  journal_format.c: the journal's format on disk, at the bottom of the
    journal's files: big-endian keys, the seal (tag byte and CRC-32) of
    every item record, payload and result, the item record's layout, and
    the check of data.mdb made before LMDB maps it (a truncated or missing
    file must be an error message, not a SIGBUS or an empty journal).
*/
#include "journal_int.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

const char *const wt_jdb_names[DB_N] = {"items", "payloads", "queue", "results",
                                        "dedup", "dedupseq", "dead",  "meta"};

void wt_jbe64(uint64_t v, uint8_t out[8])
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(v >> (56 - 8 * i));
}

uint64_t wt_jget64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

int wt_jerr(int mdb_rc)
{
    if (mdb_rc == 0) return 0;
    if (mdb_rc == MDB_MAP_FULL) return -ENOSPC;
    if (mdb_rc == MDB_NOTFOUND) return WT_ESEQ;
    if (mdb_rc > 0) /* an errno */
        return -mdb_rc;
    return WT_EJOURNAL;
}

int wt_jmeta_get(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t *v)
{
    MDB_val k = {strlen(key), (void *)key}, val;
    int rc = mdb_get(txn, dbi, &k, &val);
    if (rc == MDB_NOTFOUND) return 0;
    if (rc) return rc;
    if (val.mv_size == 8) *v = wt_jget64(val.mv_data);
    return 0;
}

int wt_jmeta_put(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t v)
{
    uint8_t b[8];
    wt_jbe64(v, b);
    MDB_val k = {strlen(key), (void *)key}, val = {8, b};
    return mdb_put(txn, dbi, &k, &val, 0);
}

const char *wt_jitem_state_name(wt_jitem_state_t s)
{
    switch (s) {
    case WT_JITEM_QUEUED:
        return "queued";
    case WT_JITEM_INFLIGHT:
        return "inflight";
    case WT_JITEM_DONE:
        return "done";
    case WT_JITEM_DEAD:
        return "dead";
    }
    return "?";
}

/* ------------------------------------------------------------ checksums

   Format 2: every item record, payload and result starts with a tag byte
   (WT_JSEALED) and a big-endian CRC-32 (zlib) of the key and the rest of the
   value. Format 1 values (no tag) are still read, unchecked: an item
   record starts with its state (0-3), a payload with a MessagePack map,
   a result with a seq's high byte (0); none of them is WT_JSEALED. */

static uint32_t s_crc(const uint8_t key[8], const uint8_t *p, size_t n)
{
    uLong c = crc32(0L, Z_NULL, 0);
    c = crc32(c, key, 8);
    while (n) { /* crc32() takes a uInt length */
        uInt chunk = n > 0x40000000u ? 0x40000000u : (uInt)n;
        c = crc32(c, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return (uint32_t)c;
}

/* Fill the WT_JSEAL header of buf (n bytes in all, body after the header). */
void wt_jseal(const uint8_t key[8], uint8_t *buf, size_t n)
{
    uint32_t c = s_crc(key, buf + WT_JSEAL, n - WT_JSEAL);
    buf[0] = WT_JSEALED;
    buf[1] = (uint8_t)(c >> 24);
    buf[2] = (uint8_t)(c >> 16);
    buf[3] = (uint8_t)(c >> 8);
    buf[4] = (uint8_t)c;
}

/* The body of a stored value: checked when sealed, as is when format 1.
   -EBADMSG when the checksum does not match. */
int wt_junseal(const void *key, const MDB_val *v, const uint8_t **body, size_t *n)
{
    const uint8_t *p = v->mv_data;
    if (v->mv_size >= WT_JSEAL && p[0] == WT_JSEALED) {
        uint32_t want = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
        if (s_crc(key, p + WT_JSEAL, v->mv_size - WT_JSEAL) != want) return -EBADMSG;
        *body = p + WT_JSEAL;
        *n = v->mv_size - WT_JSEAL;
        return 0;
    }
    *body = p;
    *n = v->mv_size;
    return 0;
}

/* ------------------------------------------------------------ records */

/* Decode an item record (borrowed strings point into val). */
int wt_jrec_decode(const MDB_val *val, uint64_t seq, wt_jitem_t *it)
{
    const uint8_t *p;
    size_t n;
    uint8_t kb[8];
    wt_jbe64(seq, kb);
    if (wt_junseal(kb, val, &p, &n)) return -EBADMSG;
    if (n < WT_JREC_FIXED) return WT_EJOURNAL;
    memset(it, 0, sizeof *it);
    it->seq = seq;
    it->state = (wt_jitem_state_t)p[0];
    it->attempts = (uint32_t)(wt_jget64(p + 1) >> 32);
    it->accepted_ms = (int64_t)wt_jget64(p + 5);
    it->finished_ms = (int64_t)wt_jget64(p + 13);
    it->rseq = wt_jget64(p + 21);
    it->producer = wt_jget64(p + 29);
    const char **strs[3] = {&it->id, &it->code, &it->reason};
    size_t off = WT_JREC_FIXED;
    for (int i = 0; i < 3; i++) {
        if (off + 2 > n) return WT_EJOURNAL;
        size_t len = (size_t)p[off] << 8 | p[off + 1];
        off += 2;
        if (len == 0 || off + len > n || p[off + len - 1] != 0) return WT_EJOURNAL;
        *strs[i] = (const char *)p + off;
        off += len;
    }
    return 0;
}

/* ------------------------------------------------------------ damage checks */

#define S_MARKER      "wiretag.journal"
#define S_MARKER_TEXT "wiretag journal, format 2 (records carry a CRC-32)\n"

bool wt_jexists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

uint64_t wt_jle64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

uint32_t wt_jle32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Before LMDB maps data.mdb: a directory that held a journal (the marker)
   must still have one, and the file must be as long as its newest valid
   meta page says (a shorter file is a SIGBUS on the first read past its
   end). Returns 0, or -EUCLEAN with a sentence in errmsg. *fresh: no
   journal here yet. */
int wt_jprecheck(const char *dir, bool *fresh, char *errmsg, size_t errlen)
{
    char data[4096], marker[4096];
    snprintf(data, sizeof data, "%s/data.mdb", dir);
    snprintf(marker, sizeof marker, "%s/" S_MARKER, dir);
    struct stat sb;
    bool have = stat(data, &sb) == 0 && sb.st_size > 0;
    *fresh = !have;
    if (!have) {
        if (!wt_jexists(marker)) return 0;
        snprintf(errmsg, errlen,
                 "journal %.1000s: data.mdb is %.1000s, but this directory held a journal "
                 "(%.1000s): restore "
                 "data.mdb from a backup; to start an empty journal here on purpose (every item "
                 "and result of the old one is lost), remove %s",
                 dir, wt_jexists(data) ? "empty" : "missing", marker, marker);
        return -EUCLEAN;
    }
    int fd = open(data, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0; /* LMDB will say why */
    uint8_t meta[2][160];
    uint64_t psize = 0, best_txn = 0, last = 0;
    int valid = 0;
    ssize_t got = pread(fd, meta[0], sizeof meta[0], 0);
    if (got == (ssize_t)sizeof meta[0]) psize = wt_jle32(meta[0] + WT_JMDB_PSIZE_OFF);
    bool psize_ok = psize >= 512 && psize <= 65536 && (psize & (psize - 1)) == 0;
    for (int i = 0; i < 2 && psize_ok; i++) {
        if (i == 1 && pread(fd, meta[1], sizeof meta[1], (off_t)psize) != (ssize_t)sizeof meta[1])
            break;
        const uint8_t *m = meta[i];
        if (wt_jle32(m + WT_JMDB_META_OFF) != WT_JMDB_MAGIC) continue;
        uint64_t txn = wt_jle64(m + WT_JMDB_TXN_OFF);
        if (!valid || txn > best_txn) {
            best_txn = txn;
            last = wt_jle64(m + WT_JMDB_LAST_OFF);
        }
        valid++;
    }
    close(fd);
    if (!valid) {
        snprintf(
            errmsg, errlen,
            "journal %.1000s: data.mdb is not an LMDB file or both its meta pages are damaged: "
            "restore it from a backup (wiretag-broker --check %.1000s tells more)",
            dir, dir);
        return -EUCLEAN;
    }
    uint64_t need = (last + 1) * psize;
    if ((uint64_t)sb.st_size < need) {
        snprintf(errmsg, errlen,
                 "journal %.1000s: data.mdb is truncated (%lld bytes, its last page ends at %llu): "
                 "restore it from a backup, or salvage what is readable with "
                 "wiretag-broker --recover %.1000s NEWDIR",
                 dir, (long long)sb.st_size, (unsigned long long)need, dir);
        return -EUCLEAN;
    }
    return 0;
}

void wt_jwrite_marker(const char *dir)
{
    char marker[4096];
    snprintf(marker, sizeof marker, "%s/" S_MARKER, dir);
    if (wt_jexists(marker)) return;
    int fd = open(marker, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) return; /* best effort (a full disk): the next start writes it */
    size_t n = strlen(S_MARKER_TEXT);
    if (write(fd, S_MARKER_TEXT, n) == (ssize_t)n) fsync(fd);
    close(fd);
}

/* mkdir -p */
int wt_jmkdirs(const char *dir)
{
    char *p = wt_strdup(dir);
    int rc = 0;
    for (char *q = p + 1; *q && !rc; q++)
        if (*q == '/') {
            *q = 0;
            if (mkdir(p, 0750) != 0 && errno != EEXIST) rc = -1;
            *q = '/';
        }
    if (!rc && mkdir(p, 0750) != 0 && errno != EEXIST) rc = -1;
    free(p);
    return rc;
}
