#!/usr/bin/env python3
"""Check wiretag's own actor dictionaries (config/actors/*.yaml) against the binding
format (docs/DICTIONARIES.md, notes/dict-format.md) and print entry counts per file.

Checks: top-level shape (map with `entries:` list, optional `version`), required and
known keys per file, lower_snake_case ids unique across all files (countries: upper-case
ISO3), every UN member / observer / listed territory present in countries.yaml, every
country reference an existing ISO3 id, CAMEO codes upper case in 3-letter groups, names
non-empty strings without stray whitespace, dates valid YYYY-MM-DD with from <= to, role
ranges of one person not overlapping for the same title.  Duplicate names inside a file
that point at different entries are reported as warnings (they are sometimes genuine,
e.g. "Congolese").

Usage: check-dictionaries.py [DIR]   (default: config/actors next to this script)
       check-dictionaries.py --self-test [DIR]   (breaks copies of DIR in a temporary
       folder, one defect at a time, and checks that each defect is reported)
Exit status 0 when no errors, 1 on errors, 2 on usage / missing files.
"""
import datetime
import os
import re
import sys

try:
    import yaml
except ImportError:  # the CTest wrapper skips in this case
    sys.stderr.write("check-dictionaries: python3-yaml (PyYAML) is not installed\n")
    sys.exit(2)

# 193 UN member states, 2 observer states (VAT, PSE) and the extra territories we cover.
REQUIRED_COUNTRIES = set("""
AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH
BWA BRA BRN BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG COD CRI CIV HRV CUB
CYP CZE DNK DJI DMA DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA
GRC GRD GTM GIN GNB GUY HTI HND HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN
KIR PRK KOR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU LUX MDG MWI MYS MDV MLI MLT MHL MRT
MUS MEX FSM MDA MCO MNG MNE MAR MOZ MMR NAM NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK
PLW PAN PNG PRY PER PHL POL PRT QAT ROU RUS RWA KNA LCA VCT WSM SMR STP SAU SEN SRB SYC
SLE SGP SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE SYR TJK TZA THA TLS TGO TON TTO
TUN TUR TKM TUV UGA UKR ARE GBR USA URY UZB VUT VEN VNM YEM ZMB ZWE
VAT PSE TWN XKX HKG MAC ESH
""".split())
UN_SET = REQUIRED_COUNTRIES - {"VAT", "PSE", "TWN", "XKX", "HKG", "MAC", "ESH"}

class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe loader (the C one when PyYAML has libyaml) that keeps dates as strings, as
    the engine's libyaml reader sees them, so bad dates are reported, not raised."""


_Loader.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

FILES = ["countries.yaml", "organizations.yaml", "institutions.yaml", "people.yaml", "agents.yaml",
         "companies.yaml", "companies-listed.yaml"]
SECTORS = {"technology", "telecom", "media", "finance", "energy", "automotive", "aerospace",
           "airline", "transport", "travel", "logistics", "retail", "consumer", "agriculture",
           "pharma", "health", "industrial", "chemicals", "mining", "sport"}

NAME_LISTS = ("names", "adjectives", "capitals", "government")
SCHEMA = {
    # file: (required keys, optional keys)
    "countries.yaml": ({"id", "name", "code", "names"},
                       {"wikidata", "adjectives", "capitals", "government", "places"}),
    "organizations.yaml": ({"id", "name", "type", "code", "names"},
                           {"country", "wikidata", "codes"}),
    "institutions.yaml": ({"id", "name", "type", "country", "code", "names"},
                          {"wikidata", "codes"}),
    "people.yaml": ({"id", "name", "country", "names", "roles"},
                    {"gender", "wikidata", "short_names"}),
    "agents.yaml": ({"names", "code", "person"}, {"title"}),
    "companies.yaml": ({"id", "name", "type", "country", "code", "sector", "names"},
                       {"parent", "wikidata"}),
}
SCHEMA["companies-listed.yaml"] = SCHEMA["companies.yaml"]
ROLE_KEYS = ({"title", "code", "from"}, {"to"})

ID_RE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
ISO3_RE = re.compile(r"^[A-Z]{3}$")
CODE_RE = re.compile(r"^(?:[A-Z]{3})+$")
WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Report:
    def __init__(self):
        self.errors = 0
        self.warnings = 0

    def error(self, where, msg):
        self.errors += 1
        print(f"ERROR {where}: {msg}")

    def warn(self, where, msg):
        self.warnings += 1
        print(f"warning {where}: {msg}")


def as_date(value):
    """YAML 1.1 loaders turn 2001-02-03 into a date; libyaml gives the string. Accept both."""
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and DATE_RE.match(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def check_strings(rep, where, key, value):
    if not isinstance(value, list) or not value:
        rep.error(where, f"`{key}` must be a non-empty list of strings")
        return []
    out = []
    seen = set()
    for s in value:
        if not isinstance(s, str) or not s:
            rep.error(where, f"`{key}` holds a non-string or empty item: {s!r}")
            continue
        if s != s.strip() or "  " in s:
            rep.error(where, f"`{key}` item has stray whitespace: {s!r}")
        if s in seen:
            rep.warn(where, f"`{key}` lists {s!r} twice")
        seen.add(s)
        out.append(s)
    return out


def check_code(rep, where, code, countries, allow_prefixes=()):
    if not isinstance(code, str) or not CODE_RE.match(code):
        rep.error(where, f"code {code!r} is not upper-case CAMEO (groups of 3 letters)")
        return
    head = code[:3]
    if head in countries or head in allow_prefixes:
        return
    rep.error(where, f"code {code!r} starts with neither a known ISO3 nor {allow_prefixes}")


def load(path, rep):
    try:
        with open(path, encoding="utf-8") as f:
            doc = yaml.load(f, Loader=_Loader)
    except (OSError, ValueError, yaml.YAMLError) as e:
        rep.error(path, f"cannot load: {e}")
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        rep.error(path, "top level must be a map with an `entries:` list")
        return None
    extra = set(doc) - {"entries", "version"}
    if extra:
        rep.error(path, f"unknown top-level keys {sorted(extra)}")
    return doc["entries"]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "config", "actors")
    rep = Report()
    data = {}
    for fn in FILES:
        path = os.path.join(d, fn)
        if not os.path.exists(path):
            rep.error(path, "missing")
            continue
        entries = load(path, rep)
        if entries is not None:
            data[fn] = entries
    if "countries.yaml" not in data:
        print("countries.yaml unusable; stopping")
        return 1

    all_ids = {}
    countries = set()
    counts = {}
    for fn in FILES:
        entries = data.get(fn)
        if entries is None:
            continue
        req, opt = SCHEMA[fn]
        names_seen = {}
        n_names = 0
        n_roles = 0
        for i, e in enumerate(entries):
            where = f"{fn}[{i}]"
            if not isinstance(e, dict):
                rep.error(where, "entry is not a map")
                continue
            if "id" in e:
                where = f"{fn}:{e['id']}"
            missing = req - set(e)
            if missing:
                rep.error(where, f"missing keys {sorted(missing)}")
            unknown = set(e) - req - opt
            if unknown:
                rep.error(where, f"unknown keys {sorted(unknown)}")
            for key in ("id", "name", "title", "type"):
                if key in e and not isinstance(e[key], str):
                    rep.error(where, f"`{key}` must be a string, got {e[key]!r}")
            eid = e.get("id")
            if isinstance(eid, str):
                if fn == "countries.yaml":
                    if not ISO3_RE.match(eid):
                        rep.error(where, "country id must be an upper-case ISO3 code")
                    countries.add(eid)
                elif not ID_RE.match(eid):
                    rep.error(where, "id must be lower_snake_case ASCII")
                if eid in all_ids:
                    rep.error(where, f"id also used in {all_ids[eid]}")
                all_ids[eid] = fn
            if "wikidata" in e and (not isinstance(e["wikidata"], str)
                                    or not WIKIDATA_RE.match(e["wikidata"])):
                rep.error(where, f"bad wikidata id {e['wikidata']!r}")
            for key in NAME_LISTS:
                if key in e:
                    for s in check_strings(rep, where, key, e[key]):
                        n_names += 1
                        owner = names_seen.setdefault(s, eid if eid else where)
                        if owner != (eid if eid else where):
                            rep.warn(where, f"name {s!r} also belongs to {owner}")
            data_entry = (fn, e, where)
            counts.setdefault(fn, 0)
            counts[fn] += 1
            n_roles += len(e.get("roles") or [])
            e["_where"] = where
            _ = data_entry
        counts[fn + ":names"] = n_names
        counts[fn + ":roles"] = n_roles

    # companies: a known sector, and a parent that is an entry
    for e in (data.get("companies.yaml") or []) + (data.get("companies-listed.yaml") or []):
        if not isinstance(e, dict):
            continue
        if e.get("sector") not in SECTORS:
            rep.error(e["_where"], f"unknown sector {e.get('sector')!r}")
        if "parent" in e and e["parent"] not in all_ids:
            rep.error(e["_where"], f"parent {e['parent']!r} is no entry")

    # The same surface form owned by entries of different files is ambiguous for the
    # matcher (case-insensitive, as the engine's case rules may fold case).
    owners = {}
    for fn in FILES:
        for e in data.get(fn) or []:
            if not isinstance(e, dict):
                continue
            who = f"{fn}:{e.get('id') or e.get('title') or e['_where']}"
            for key in NAME_LISTS:
                for s in e.get(key) or []:
                    if isinstance(s, str):
                        owners.setdefault(s.lower(), set()).add((fn, who))
    for s, who in sorted(owners.items()):
        files = {f for f, _ in who}
        if len(files) > 1:
            rep.warn(", ".join(sorted(w for _, w in who)), f"name {s!r} is used across files")

    org_codes = {e.get("code") for fn in ("organizations.yaml",) for e in data.get(fn) or []
                 if isinstance(e, dict)}
    for e in data.get("people.yaml") or []:
        for r in (e.get("roles") or []) if isinstance(e, dict) else []:
            c = r.get("code") if isinstance(r, dict) else None
            if isinstance(c, str) and c[:3] in ("IGO", "NGO", "IMG") and c not in org_codes:
                rep.warn(e["_where"], f"role code {c} is used by no organisation")

    missing = REQUIRED_COUNTRIES - countries
    if missing:
        rep.error("countries.yaml", f"missing required countries {sorted(missing)}")

    for e in data.get("countries.yaml", []):
        if isinstance(e, dict) and "code" in e:
            if not (isinstance(e["code"], str) and ISO3_RE.match(e["code"])):
                rep.error(e["_where"], "country code must be 3 upper-case letters")

    for fn in ("organizations.yaml", "institutions.yaml"):
        for e in data.get(fn, []):
            if not isinstance(e, dict):
                continue
            where = e["_where"]
            if e.get("type") != "organization":
                rep.error(where, f"type must be `organization`, got {e.get('type')!r}")
            c = e.get("country")
            if c is not None and c not in countries:
                rep.error(where, f"unknown country {c!r}")
            if fn == "institutions.yaml" and c is None:
                rep.error(where, "institutions need a country")
            check_code(rep, where, e.get("code"), countries, ("IGO", "NGO", "MNC", "IMG"))
            for j, c in enumerate(e.get("codes") or []):
                cw = f"{where}.codes[{j}]"
                if not isinstance(c, dict) or "code" not in c or set(c) - {"code", "from", "to"}:
                    rep.error(cw, "each `codes` item is a map {code, from?, to?}")
                    continue
                check_code(rep, cw, c["code"], countries, ("IGO", "NGO", "MNC", "IMG"))
                f = as_date(c["from"]) if "from" in c else datetime.date.min
                t = as_date(c["to"]) if "to" in c else datetime.date.max
                if f is None or t is None or f > t:
                    rep.error(cw, "bad or reversed dates")

    for e in data.get("people.yaml", []):
        if not isinstance(e, dict):
            continue
        where = e["_where"]
        if e.get("country") not in countries:
            rep.error(where, f"unknown country {e.get('country')!r}")
        sn = e.get("short_names", [])
        if not isinstance(sn, list) or any(not isinstance(x, str) or not x.strip() for x in sn):
            rep.error(where, "`short_names` must be a list (possibly empty) of strings")
        if "gender" in e and e["gender"] not in ("m", "f"):
            rep.error(where, f"gender must be m or f, got {e['gender']!r}")
        roles = e.get("roles")
        if not isinstance(roles, list) or not roles:
            rep.error(where, "`roles` must be a non-empty list")
            continue
        spans = {}
        for j, r in enumerate(roles):
            rw = f"{where}.roles[{j}]"
            if not isinstance(r, dict):
                rep.error(rw, "role is not a map")
                continue
            if ROLE_KEYS[0] - set(r):
                rep.error(rw, f"missing keys {sorted(ROLE_KEYS[0] - set(r))}")
            if set(r) - ROLE_KEYS[0] - ROLE_KEYS[1]:
                rep.error(rw, f"unknown keys {sorted(set(r) - ROLE_KEYS[0] - ROLE_KEYS[1])}")
            check_code(rep, rw, r.get("code"), countries, ("IGO", "NGO", "IMG"))
            f = as_date(r.get("from"))
            t = as_date(r["to"]) if "to" in r else datetime.date.max
            if f is None:
                rep.error(rw, f"bad from date {r.get('from')!r}")
                continue
            if t is None:
                rep.error(rw, f"bad to date {r.get('to')!r}")
                continue
            if not (datetime.date(1900, 1, 1) <= f <= datetime.date(2030, 12, 31)):
                rep.error(rw, f"from date {f} out of range")
            if f > t:
                rep.error(rw, f"from {f} is after to {t}")
            key = (str(r.get("title")).lower(), r.get("code"))
            for (f2, t2) in spans.get(key, []):
                if f < t2 and f2 < t:
                    rep.error(rw, f"overlaps another {r.get('title')} range {f2}..{t2}")
            spans.setdefault(key, []).append((f, t))

    for e in data.get("agents.yaml", []):
        if not isinstance(e, dict):
            continue
        where = e["_where"]
        code = e.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            rep.error(where, f"agent code {code!r} must be upper-case 3-letter groups")
        if not isinstance(e.get("person"), bool):
            rep.error(where, "`person` must be true or false")
        if e.get("person") and "title" not in e:
            rep.warn(where, "person agent without a `title`")

    for fn in FILES:
        if fn in counts:
            extra = ""
            if fn == "countries.yaml":
                extra = f", UN members {len(UN_SET & countries)}/{len(UN_SET)}"
            if fn == "people.yaml":
                extra = f", roles {counts[fn + ':roles']}"
            print(f"{fn}: {counts[fn]} entries, {counts[fn + ':names']} names{extra}")
    print(f"{rep.errors} errors, {rep.warnings} warnings")
    return 1 if rep.errors else 0


# (file, text to find, replacement, message expected in the report)
DEFECTS = [
    ("people.yaml", "- {title: President, code: USAGOV, from: 2025-01-20}",
     "- {title: President, code: USAGOV, from: 2020-01-20}", "overlaps another President"),
    ("people.yaml", "country: USA", "country: XYZ", "unknown country 'XYZ'"),
    ("people.yaml", "from: 2009-01-20, to: 2017-01-20}", "from: 2017-01-20, to: 2009-01-20}", "is after to"),
    ("people.yaml", "from: 2009-01-20", "from: 2009-13-20", "bad from date"),
    ("institutions.yaml", "id: usa_fbi", "id: usa_cia", "id also used"),
    ("institutions.yaml", "code: USAGOV", "code: usagov", "not upper-case CAMEO"),
    ("countries.yaml", "- id: ZWE", "- id: zwe", "upper-case ISO3"),
    ("organizations.yaml", "type: organization", "type: person", "type must be"),
    ("agents.yaml", "person: true", "person: maybe", "`person` must be true or false"),
    ("countries.yaml", "names: [Zimbabwe, Republic of Zimbabwe]", "names: []", "non-empty list"),
    ("companies.yaml", "parent: alphabet", "parent: alphabeta", "is no entry"),
    ("companies.yaml", "sector: airline", "sector: airlines", "unknown sector"),
]


def self_test(d):
    import io
    import shutil
    import tempfile
    from contextlib import redirect_stdout
    failures = 0
    for fn, old, new, expect in DEFECTS:
        with tempfile.TemporaryDirectory() as tmp:
            for f in FILES:
                shutil.copy(os.path.join(d, f), tmp)
            path = os.path.join(tmp, fn)
            text = open(path, encoding="utf-8").read()
            if old not in text:
                print(f"self-test: cannot inject into {fn}: {old!r} not found")
                failures += 1
                continue
            open(path, "w", encoding="utf-8").write(text.replace(old, new, 1))
            buf = io.StringIO()
            saved = sys.argv
            sys.argv = [saved[0], tmp]
            try:
                with redirect_stdout(buf):
                    rc = main()
            finally:
                sys.argv = saved
            ok = rc == 1 and expect in buf.getvalue()
            print(f"self-test {'ok  ' if ok else 'FAIL'} {fn}: {expect}")
            failures += 0 if ok else 1
    print(f"self-test: {len(DEFECTS) - failures}/{len(DEFECTS)} defects detected")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--self-test":
        here = os.path.dirname(os.path.abspath(__file__))
        sys.exit(self_test(sys.argv[2] if len(sys.argv) > 2
                           else os.path.join(here, "..", "config", "actors")))
    sys.exit(main())
