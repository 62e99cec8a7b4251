/*  proto.h: the wiretag wire protocol, version 1 (header-frame codec).

    Every message is a ZeroMQ multipart message. An optional envelope frame
    comes first (the ROUTER identity, added and removed by ZeroMQ, or the
    topic "wt.result" on the subscriber socket); then frame H, a MessagePack
    map {"v": 1, "cmd": "<COMMAND>", ...fields}; then at most one payload
    frame P (an input item or an annotated item, raw MessagePack). The full
    reference is docs/PROTOCOL.md; this header is its C codec.

    Exchange grammar (C = client, B = broker; [..] optional, * repeated):

      producers  (DEALER -> ROUTER, default port 5555)
        C: PUT{corr}+item          B: ACK{corr,id,seq,dup} | NAK{corr,code,reason}
        C: PING{[corr]}            B: PONG{[corr]}
      workers    (DEALER -> ROUTER, default port 5556)
        C: READY{credit,name,threads,dictionaries}        (first, and after ERROR)
        B: JOB{job,attempt}+item   C: DONE{job}+result | FAIL{job,code,reason}
        C: CREDIT{credit}          C/B: HB{}   (every heartbeat interval, both ways)
        C: BYE{jobs}               B: ERROR{code,reason}  (protocol violation)
      subscribers (SUB -> XPUB, default port 5557)
        B: "wt.result" RESULT{seq,[job],[id]}+result
      replay and control (DEALER/REQ -> ROUTER, default port 5558)
        C: REPLAY{from,count}      B: RESULT{seq,..}+result * REPLAY_END{next,last,first}
        C: STATS{}                 B: STATS{stats}
        C: DEAD{from,count}        B: DEAD_ITEM{seq,id,code,reason,attempts}+item *
                                      DEAD_END{next}
        C: REQUEUE{seq}            B: REQUEUED{seq,id} | ERROR{code,reason}
        any request may carry corr (u64), echoed in every reply to it.
      any socket: a malformed header, wrong version or unknown command is
        answered with NAK (producers) or ERROR (elsewhere) {code, reason}.

    The decoder is strict: v must be 1 (else WT_EVERSION), cmd known (else
    WT_ECOMMAND), known keys of the right type (WT_ETYPE), string sizes and
    list counts bounded (WT_ETOOBIG / WT_ECOUNT), UTF-8 without NUL, no
    duplicate keys, nesting bounded (WT_EDEPTH), no trailing bytes, required
    keys per command present (WT_EMISSING). Unknown keys are skipped (they
    must still be well-formed) so that later minor additions stay readable.
*/
#ifndef WT_PROTO_H
#define WT_PROTO_H

#include <zmq.h>

#include "wiretag/codec.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WT_PROTO_VERSION      1
#define WT_PROTO_TOPIC        "wt.result"
#define WT_PROTO_MAX_STR      4096      /* id, code, name, dictionaries */
#define WT_PROTO_MAX_REASON   1024      /* reason strings */
#define WT_PROTO_MAX_JOBS     4096      /* entries in BYE.jobs */
#define WT_PROTO_MAX_HEADER   (1 << 20) /* bytes of frame H */
#define WT_PROTO_MAX_ENVELOPE 256       /* bytes of a ROUTER identity / topic */

typedef enum {
    WT_CMD_NONE = 0,
    WT_CMD_PUT,
    WT_CMD_ACK,
    WT_CMD_NAK,
    WT_CMD_PING,
    WT_CMD_PONG,
    WT_CMD_READY,
    WT_CMD_JOB,
    WT_CMD_DONE,
    WT_CMD_FAIL,
    WT_CMD_CREDIT,
    WT_CMD_HB,
    WT_CMD_BYE,
    WT_CMD_ERROR,
    WT_CMD_RESULT,
    WT_CMD_REPLAY,
    WT_CMD_REPLAY_END,
    WT_CMD_STATS,
    WT_CMD_DEAD,
    WT_CMD_DEAD_ITEM,
    WT_CMD_DEAD_END,
    WT_CMD_REQUEUE,
    WT_CMD_REQUEUED,
    WT_CMD_COUNT_
} wt_cmd_t;

/* Which optional fields are present (bit set in wt_proto_t.has). */
enum {
    WT_F_CORR = 1u << 0,
    WT_F_SEQ = 1u << 1,
    WT_F_JOB = 1u << 2,
    WT_F_ATTEMPT = 1u << 3,
    WT_F_CREDIT = 1u << 4,
    WT_F_ID = 1u << 5,
    WT_F_CODE = 1u << 6,
    WT_F_REASON = 1u << 7,
    WT_F_NAME = 1u << 8,
    WT_F_THREADS = 1u << 9,
    WT_F_DICTIONARIES = 1u << 10,
    WT_F_JOBS = 1u << 11,
    WT_F_DUP = 1u << 12,
    WT_F_FROM = 1u << 13,
    WT_F_COUNT = 1u << 14,
    WT_F_NEXT = 1u << 15,
    WT_F_LAST = 1u << 16,
    WT_F_FIRST = 1u << 17,
    WT_F_ATTEMPTS = 1u << 18,
    WT_F_STATS = 1u << 19,
    WT_F_ANNOTATE_US = 1u << 20,
    WT_F_ROLE = 1u << 21,
    WT_F_EPOCH = 1u << 22,
};

/* One decoded header. Strings and arrays are owned (wt_proto_clear frees
   them). Encoders write the fields whose bit is set in `has`; the setters
   below set the bit for you. */
typedef struct {
    wt_cmd_t cmd;
    uint32_t version;   /* decoded "v"; the encoder always writes WT_PROTO_VERSION */
    uint32_t has;       /* WT_F_* bits */
    uint64_t corr;      /* request correlation id, echoed in replies */
    uint64_t seq;       /* ACK: item seq; RESULT: result seq; DEAD_ITEM: item seq */
    uint64_t job;       /* JOB/DONE/FAIL (= item seq); RESULT: item seq */
    uint32_t attempt;   /* JOB: 1-based attempt number */
    uint32_t credit;    /* READY/CREDIT */
    char *id;           /* ACK, RESULT, DEAD_ITEM: item id */
    char *code;         /* NAK/FAIL/ERROR/DEAD_ITEM: error name (wt_errname) */
    char *reason;       /* human-readable detail */
    char *name;         /* READY: worker name */
    uint32_t threads;   /* READY */
    char *dictionaries; /* READY: dictionaries version */
    uint64_t *jobs;     /* BYE: handed-back jobs */
    size_t job_count;
    bool dup;          /* ACK: id was already accepted */
    uint64_t from;     /* REPLAY/DEAD: first sequence wanted */
    uint32_t count;    /* REPLAY/DEAD: how many */
    uint64_t next;     /* REPLAY_END/DEAD_END: where to continue */
    uint64_t last;     /* REPLAY_END: last result seq assigned (0 = none) */
    uint64_t first;    /* REPLAY_END: oldest result seq still retained (0 = none) */
    uint32_t attempts; /* DEAD_ITEM */
    uint8_t *stats;    /* STATS reply: the figures map, raw MessagePack */
    size_t stats_len;
    uint64_t annotate_us; /* DONE (optional): time the worker spent annotating, µs */
    char *role;           /* NAK/ERROR for a command not allowed there: which endpoint answered */
    uint64_t epoch;       /* RESULT, REPLAY_END: the journal's id (a new journal restarts seqs) */
} wt_proto_t;

/* Wire name of a command ("PUT"), or "?" for an invalid value. */
const char *wt_proto_cmd_name(wt_cmd_t cmd);
/* Command for a wire name, WT_CMD_NONE when unknown. */
wt_cmd_t wt_proto_cmd_parse(const char *name, size_t len);

/* Reset msg to an empty header of command cmd (frees owned fields). */
void wt_proto_init(wt_proto_t *msg, wt_cmd_t cmd);
/* Free owned fields and zero msg. */
void wt_proto_clear(wt_proto_t *msg);
/* Setters copy the string/array and set the presence bit. */
void wt_proto_set_id(wt_proto_t *msg, const char *s);
void wt_proto_set_code(wt_proto_t *msg, const char *s);
void wt_proto_set_reason(wt_proto_t *msg, const char *s);
void wt_proto_set_name(wt_proto_t *msg, const char *s);
void wt_proto_set_dictionaries(wt_proto_t *msg, const char *s);
void wt_proto_set_role(wt_proto_t *msg, const char *s);
void wt_proto_set_jobs(wt_proto_t *msg, const uint64_t *jobs, size_t n);
/* stats must be one MessagePack map; it is copied. */
void wt_proto_set_stats(wt_proto_t *msg, const uint8_t *stats, size_t n);
/* Set the error fields of a NAK/ERROR/FAIL from a wiretag code. */
void wt_proto_set_error(wt_proto_t *msg, int code, const char *reason);

/* Append the MessagePack encoding of msg to out. */
void wt_proto_encode(const wt_proto_t *msg, wt_buf_t *out);
/* Decode frame H into msg (which is initialised first). On failure the
   fields decoded so far stay set (corr in particular, for the reply) and
   a negative WT_E* code says why. */
int wt_proto_decode(const uint8_t *data, size_t n, wt_proto_t *msg);

/* Send [envelope?] H [payload?] on a ZeroMQ socket. envelope is a ROUTER
   identity or a PUB topic (NULL for none); payload NULL for none. flags is
   0 or ZMQ_DONTWAIT. Returns 0 or -errno (-EAGAIN, -EHOSTUNREACH, ...). */
int wt_proto_send_to(void *sock, const void *envelope, size_t envelope_len, const wt_proto_t *msg,
                     const void *payload, size_t n, int flags);
/* Same without an envelope (DEALER / REQ / SUB side). */
int wt_proto_send(void *sock, const wt_proto_t *msg, const void *payload, size_t n);

/* One received message. The payload stays inside a zmq_msg_t (no copy). */
typedef struct {
    uint8_t envelope[WT_PROTO_MAX_ENVELOPE];
    size_t envelope_len;
    wt_proto_t msg;
    int frames;     /* frames received, envelope included */
    bool delimited; /* a REQ client: an empty frame followed the envelope */
    bool has_payload;
    zmq_msg_t payload_; /* private: the payload frame */
    bool open_;         /* private: payload_ needs closing */
} wt_proto_in_t;

/* Reply on a ROUTER socket to the sender of in (its identity, and the
   empty delimiter when it is a REQ client). Returns 0 or -errno. */
int wt_proto_reply(void *sock, const wt_proto_in_t *in, const wt_proto_t *msg, const void *payload,
                   size_t n, int flags);

/* Receive one whole multipart message (always drains every frame). With
   envelope true the first frame is the identity/topic (and an empty frame
   right after it, from a REQ client, is skipped: see delimited). Returns 0; -EAGAIN /
   -EINTR when nothing could be read (flags ZMQ_DONTWAIT or interrupted);
   WT_EFRAMES for a wrong frame count or oversized envelope; a decode error
   from wt_proto_decode. After any return other than -EAGAIN/-EINTR the
   envelope is filled in so that the caller can reply; call
   wt_proto_in_close() after every call. */
int wt_proto_recv(void *sock, bool envelope, int flags, wt_proto_in_t *in);
/* The payload frame (NULL, 0 when absent); valid until wt_proto_in_close. */
const uint8_t *wt_proto_in_payload(const wt_proto_in_t *in, size_t *n);
void wt_proto_in_close(wt_proto_in_t *in);

#ifdef __cplusplus
}
#endif
#endif
