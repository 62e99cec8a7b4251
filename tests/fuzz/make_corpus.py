#!/usr/bin/python3
"""Write the committed seed corpus of the fuzz targets (tests/fuzz/corpus/).

Seeds are small items and annotated items we wrote ourselves, valid ones and
a few hostile ones, so that replaying the corpus exercises every branch the
decoders take on good input and the main ways they refuse bad input.
Run again after changing it: /usr/bin/python3 tests/fuzz/make_corpus.py
(needs python3-msgpack, which scripts/deps.sh installs)
"""
import json
import os
import shutil

import msgpack

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")

TEXT = ("Mayor Lena Park said: \u201cWe start today.\u201d\n"
        "Council members agreed, according to Ms. Park.")
B = TEXT.encode()


def span(word, nth=0):
    i = -1
    for _ in range(nth + 1):
        i = B.index(word.encode(), i + 1)
    return {"start": i, "end": i + len(word.encode()), "text": word}


ITEMS = [
    {"text": "Rain fell."},
    {"id": "a1", "text": TEXT, "published": "2021-09-10"},
    {"id": "a2", "title": "Caf\u00e9 \"news\"", "source": "Test Wire",
     "url": "https://example.org/x?a=1", "published": "2021-09-10T08:00:00Z",
     "lang": "en", "text": "Tom\u00e1s said \"no\".\tTabs\nand lines \U0001F600.",
     "meta": {"desk": "local", "n": [1, -2, 2.5, True, None, {}], "deep": [[[["x"]]]]}},
    {"text": "x", "id": None, "title": None, "future": [1, {"a": []}]},
]

RESULT_BASE = {
    "id": "r1", "source": "Test Wire", "url": None, "title": "Mayor speaks",
    "published": "2021-09-10", "text": TEXT,
    "actors": [
        {"id": "lena_park", "name": "Lena Park", "type": "person", "country": "KOR",
         "code": "KORGOV", "role": "Mayor", "wikidata": None, "known": True,
         "salience": 0.75, "mentions": [span("Lena Park"), span("Park", 1)]},
        {"id": "u1", "name": "Council", "type": "organization", "country": None,
         "code": None, "role": None, "wikidata": None, "known": False,
         "salience": 0.25, "mentions": [span("Council")]},
    ],
    "issues": [
        {"id": "local_gov", "label": "Local government",
         "topic": "government_operations", "score": 1.0, "mentions": [span("Council")]},
    ],
    "quotes": [
        {**{k: v for k, v in span("We start today.").items()}, "kind": "direct",
         "cue": "said", "speaker": {"actor": "lena_park", **span("Lena Park")}},
        {**span("agreed"), "kind": "indirect", "cue": None,
         "speaker": {"actor": None, **span("Council members")}},
        {**span("start"), "kind": "partial", "cue": None, "speaker": None},
    ],
    "stats": {"bytes": len(B), "tokens": 20, "sentences": 2, "elapsed_us": 95},
    "annotator": {"version": "0.1.0", "dictionaries": "actors@1"},
}


def results():
    r0 = {"id": "r0", "source": None, "url": None, "title": None, "published": None,
          "text": "Rain fell.", "actors": [], "issues": [], "quotes": [],
          "stats": {"bytes": 10, "tokens": 3, "sentences": 1, "elapsed_us": 4},
          "annotator": {"version": "0.1.0", "dictionaries": None}}
    r1 = dict(RESULT_BASE)
    r2 = dict(RESULT_BASE, seq=1042, lang="en", meta={"feed": "wire", "n": [1, 2.5]})
    return [r0, r1, r2]


def pack(obj):
    return msgpack.packb(obj, use_bin_type=True)


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    # only this script's targets: other targets keep their own seeds
    for target in ("fuzz_item_msgpack", "fuzz_item_json", "fuzz_result_msgpack", "fuzz_json_jansson"):
        d = os.path.join(OUT, target)
        if os.path.isdir(d):
            shutil.rmtree(d)
    # hostile seeds shared by the MessagePack targets
    hostile = {
        "huge_array": b"\xdd\xff\xff\xff\xff",
        "huge_map": b"\xdf\xff\xff\xff\xff",
        "huge_str": b"\x81\xa4text\xdb\xff\xff\xff\xff",
        "deep": b"\x81\xa4meta" + b"\x81\xa1k" * 40 + b"\xc0",
        "reserved": b"\x81\xa4text\xc1",
        "int_key": b"\x81\x01\xa1x",
        "trailing": pack({"text": "a"}) + b"\x00",
        "bad_utf8": b"\x81\xa4text\xa3a\xc0\xaf",
        "nul": b"\x81\xa4text\xa3a\x00b",
    }
    for i, it in enumerate(ITEMS):
        write("fuzz_item_msgpack", "item%d" % i, pack(it))
        write("fuzz_item_json", "item%d.json" % i, json.dumps(it, ensure_ascii=(i % 2 == 1)).encode())
        write("fuzz_json_jansson", "item%d.json" % i, json.dumps(it, ensure_ascii=(i % 2 == 1)).encode())
    for k, v in hostile.items():
        write("fuzz_item_msgpack", k, v)
        write("fuzz_result_msgpack", k, v)
    for i, r in enumerate(results()):
        write("fuzz_result_msgpack", "result%d" % i, pack(r))
    json_hostile = {
        "dup.json": b'{"text":"a","text":"b"}',
        "nul.json": b'{"text":"a\\u0000b"}',
        "surrogate.json": b'{"text":"a\\ud800"}',
        "deep.json": b'{"text":"a","meta":{"k":' + b"[" * 40 + b"]" * 40 + b"}}",
        "trailing.json": b'{"text":"a"} x',
        "types.json": b'{"text":"a","id":1,"published":"nope","meta":[1]}',
        "bigint.json": b'{"text":"a","meta":{"n":123456789012345678901234}}',
    }
    for k, v in json_hostile.items():
        write("fuzz_item_json", k, v)
        write("fuzz_json_jansson", k, v)
    # the JSON reader against jansson: escapes, every scalar, a 17-element array
    write("fuzz_json_jansson", "escapes.json",
          b'{"a":"x\\u00e9\\ud83d\\ude00\\n\\"","b":[1,-2,3.5e-7,true,null,{}],"c":{"d":[[]]}}')
    write("fuzz_json_jansson", "array17.json", json.dumps(list(range(18)), separators=(",", ":")).encode())


if __name__ == "__main__":
    main()
