#!/usr/bin/env python3
"""companies-import.py: make config/actors/companies-listed.yaml from the
S&P 500 constituents list of github.com/datasets/s-and-p-500-companies
(data/constituents.csv, Open Data Commons PDDL 1.0: public domain).

usage: python3 scripts/companies-import.py CONSTITUENTS.CSV SOURCE_COMMIT > config/actors/companies-listed.yaml

What it writes, per company not already in config/actors/*.yaml:
  - id: the short name as a slug ("agilent_technologies"), with the ticker
    appended where that would clash;
  - name: the list's name without share-class notes;
  - names: the name, the name with its legal suffix written out or dropped
    ("Inc.", "Corporation" ...) where what is left is still a name: two or
    more words, or one word that is not an English word (checked against
    /usr/share/dict/words: "Target", "Ball" or "Visa" alone would tag
    ordinary words at the start of a sentence), and the first word alone
    when the rest is a generic tail ("Agilent" of "Agilent Technologies")
    and that word is neither an English word nor a first name
    (config/names/first-names.txt) nor a surname-like word
    that ends other names in the list;
  - country: from the headquarters (a US state, or a country by the name our
    countries.yaml gives it), code: country + BUS (MED for media);
  - sector: from the GICS sector and sub-industry (docs/DICTIONARIES.md).
No parent is written: a name such as "GE Vernova" does not say whether the
company is still a part of the one it is named after (it was spun off).
The output is deterministic: the same CSV gives the same file.
"""
import csv
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ACTORS = os.path.join(HERE, "..", "config", "actors")

US_STATES = {
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
    "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky",
    "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi",
    "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico",
    "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania",
    "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont",
    "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming", "D.C.",
}
SUFFIXES = [" & Company", " & Co.", ", Inc.", " Inc.", " Incorporated", " Corporation", " Corp.", " Co.", " Company",
            " & Co.", " plc", " PLC", " Ltd.", " Limited", " N.V.", " Holdings", " Group", " SE",
            " AG", " S.A."]


def sector(gics, sub):
    s = sub.lower()
    if gics == "Information Technology":
        return "technology"
    if gics == "Communication Services":
        if "telecom" in s or "wireless" in s:
            return "telecom"
        if "interactive" in s:
            return "technology"
        return "media"
    if gics in ("Financials", "Real Estate"):
        return "finance"
    if gics in ("Energy", "Utilities"):
        return "energy"
    if gics == "Consumer Discretionary":
        if "automobile" in s or "automotive" in s or "motorcycle" in s:
            return "automotive"
        if "hotel" in s or "casino" in s or "cruise" in s or "leisure" in s or "restaurant" in s:
            return "travel" if ("hotel" in s or "cruise" in s) else "consumer"
        if "retail" in s or "distributor" in s:
            return "retail"
        return "consumer"
    if gics == "Consumer Staples":
        if "retail" in s:
            return "retail"
        if "agricultural" in s:
            return "agriculture"
        return "consumer"
    if gics == "Health Care":
        if "pharma" in s or "biotech" in s or "life sciences" in s:
            return "pharma"
        return "health"
    if gics == "Industrials":
        if "aerospace" in s:
            return "aerospace"
        if "airline" in s:
            return "airline"
        if "freight" in s or "logistics" in s:
            return "logistics"
        if "rail" in s or "trucking" in s or "transport" in s:
            return "transport"
        return "industrial"
    if gics == "Materials":
        if "chemical" in s or "gases" in s or "fertilizer" in s:
            return "chemicals"
        if "mining" in s or "metal" in s or "gold" in s or "steel" in s or "copper" in s or "aluminum" in s:
            return "mining"
        return "industrial"
    return "industrial"


def load_known():
    """Every name, id and country of our own dictionaries."""
    names, ids, countries = set(), set(), {}
    for fn in sorted(os.listdir(ACTORS)):
        if not fn.endswith(".yaml") or fn == "companies-listed.yaml":
            continue
        cur_id = None
        for line in open(os.path.join(ACTORS, fn), encoding="utf-8"):
            m = re.match(r"- id: (.+)", line)
            if m:
                cur_id = m.group(1).strip()
                ids.add(cur_id.lower())
            m = re.match(r"\s+(name|names): (.+)", line)
            if m:
                v = m.group(2).strip()
                items = [x.strip() for x in v.strip("[]").split(",")] if v.startswith("[") else [v]
                for x in items:
                    names.add(norm(x))
                    if fn == "countries.yaml" and cur_id:
                        countries.setdefault(x, cur_id)
    return names, ids, countries


def norm(s):
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


GENERIC_TAIL = {"technologies", "technology", "laboratories", "labs", "devices", "systems",
                "industries", "international", "group", "holdings", "brands", "financial",
                "pharmaceuticals", "therapeutics", "semiconductor", "semiconductors",
                "entertainment", "communications", "networks", "software", "energy",
                "resources", "scientific", "instruments", "healthcare", "health", "foods",
                "airlines", "motors", "petroleum", "oil", "corporation", "inc", "corp",
                "company", "co", "plc", "bancorp", "bancshares", "capital", "realty", "trust",
                "properties", "solutions", "services", "materials", "chemicals", "electric"}


def first_names():
    out = set()
    p = os.path.join(HERE, "..", "config", "names", "first-names.txt")
    for line in open(p, encoding="utf-8"):
        parts = line.split()
        if len(parts) == 2 and not line.startswith("#"):
            out.add(parts[1].lower())
    return out


def slug(s):
    return re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_")


def english_words():
    """(common, every): the lower-case words of the word list, and all of its
    words with the proper nouns ("Boston", "American", "Dover") too."""
    common, out = set(), set()
    for p in ("/usr/share/dict/words", "/usr/share/dict/american-english"):
        if os.path.exists(p):
            for w in open(p, encoding="utf-8", errors="replace"):
                w = w.strip()
                if w and "'" not in w:
                    out.add(w.lower())
                    if w[0].islower():
                        common.add(w)
            break
    if not out:
        sys.exit("companies-import: no word list: apt-get install wamerican")
    return common, out


def yq(s):
    """A YAML scalar, quoted when it needs it."""
    if re.search(r"[:#\[\]{},&*!|>'\"%@`]", s) or s[0] in "-?" or s.strip() != s:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return s


def main():
    src, commit = sys.argv[1], sys.argv[2]
    known_names, known_ids, countries = load_known()
    common, words = english_words()
    given = first_names()
    out = [
        "# wiretag actor dictionary: the companies of the S&P 500 index that",
        "# companies.yaml does not already have.",
        "# Made by scripts/companies-import.py from data/constituents.csv of",
        "# https://github.com/datasets/s-and-p-500-companies (commit " + commit + "),",
        "# licensed under the Open Data Commons Public Domain Dedication and",
        "# License (PDDL 1.0). Edit the script, not this file, and run it again.",
        "version: 1",
        "entries:",
    ]
    rows = sorted(csv.DictReader(open(src, encoding="utf-8")), key=lambda r: r["Symbol"])
    seen, used_ids = set(), set()
    kept = 0
    for r in rows:
        name = re.sub(r"\s*\((Class [A-Z]|Series [A-Z])\)", "", r["Security"]).strip()
        listed = name
        m = re.match(r"(.+?) \((.+)\)$", name)
        if m:  # "Walt Disney Company (The)", "Lilly (Eli)"
            name = m.group(1) if m.group(2) == "The" else m.group(2) + " " + m.group(1)
        if norm(name) in known_names or norm(name) in seen:
            continue
        bases = [name]
        short = name
        for suf in SUFFIXES:
            if short.endswith(suf):
                short = short[: -len(suf)].rstrip(" ,")
                break
        if short != name:
            bases.append(short)
        toks = short.split()
        tail = norm(" ".join(toks[1:])).split()
        if (tail and tail[0] in GENERIC_TAIL
                and len(toks[0]) >= 4 and toks[0].isalpha() and toks[0][0].isupper()
                and toks[0].lower() not in words and toks[0].lower() not in given):
            bases.append(toks[0])
        aliases = []
        for b in bases:
            toks = b.split()
            # One word alone: the list's own name ("Accenture") unless it is a
            # common word ("Target"); a word we cut out of a longer name only
            # when no word list knows it ("Dover" is a town, "Edison" a man).
            if len(toks) == 1 and (len(b) < 3 or b.lower() in common
                                   or (b != listed and b.lower() in words)
                                   or (b.endswith("'s") and b[:-2].lower() in (words | given))):
                continue  # "Hartford" of "Hartford (The)"; "Casey's" is Casey's too
            aliases.append(b)
        if not aliases or any(norm(a) in known_names for a in bases):
            continue
        hq = re.sub(r"\[\d+\]", "", r["Headquarters Location"]).split(", ")[-1].strip()
        if hq in US_STATES:
            country = "USA"
        else:
            country = countries.get(hq)
        if not country:
            continue  # unknown headquarters: no entry rather than a wrong country
        sec = sector(r["GICS Sector"], r["GICS Sub-Industry"])
        cid = slug(short)
        if cid in known_ids or cid in used_ids:
            cid = cid + "_" + re.sub(r"[^a-z0-9]+", "_", r["Symbol"].lower())
        used_ids.add(cid)
        seen.add(norm(name))
        kept += 1
        out += [
            f"- id: {cid}",
            f"  name: {yq(name)}",
            "  type: organization",
            f"  country: {country}",
            f"  code: {country}{'MED' if sec == 'media' else 'BUS'}",
            f"  sector: {sec}",
        ]
        out += [
            "  names: [" + ", ".join(yq(a) for a in dict.fromkeys(aliases)) + "]",
        ]
    print("\n".join(out))
    print(f"companies-import: {kept} of {len(rows)} companies written", file=sys.stderr)


if __name__ == "__main__":
    main()
