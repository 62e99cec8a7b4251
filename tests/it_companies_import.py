#!/usr/bin/env python3
"""it_companies_import: scripts/companies-import.py writes only names that
can stand for the company, a country from the headquarters, and leaves out
what our own dictionaries already have. The list below is ours (made-up
rows in the format of the S&P 500 constituents file)."""
import csv
import os
import subprocess
import sys
import tempfile

import yaml

src = os.environ.get("WT_SOURCE", os.getcwd())
if not os.path.exists("/usr/share/dict/words"):
    print("SKIP: no /usr/share/dict/words (apt-get install wamerican, or sh scripts/deps.sh test)")
    sys.exit(77)

ROWS = [
    # symbol, name, sector, sub-industry, headquarters
    ("QZA", "Quarzivo Technologies", "Information Technology", "Semiconductors", "Austin, Texas"),
    ("QZB", "Target Corporation", "Consumer Staples", "Consumer Staples Merchandise Retail",
     "Minneapolis, Minnesota"),
    ("QZC", "Dover Corporation", "Industrials", "Industrial Machinery", "Downers Grove, Illinois"),
    ("QZD", "Zentrovia plc", "Health Care", "Pharmaceuticals", "Dublin, Ireland"),
    ("QZE", "Morvalent Holdings (The)", "Financials", "Asset Management", "Nowhere, Atlantis"),
    ("QZF", "Apple Inc.", "Information Technology", "Technology Hardware", "Cupertino, California"),
    ("QZG", "Brellik Power (Class A)", "Utilities", "Electric Utilities", "Atlanta, Georgia"),
]
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "constituents.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Symbol", "Security", "GICS Sector", "GICS Sub-Industry", "Headquarters Location",
                    "Date added", "CIK", "Founded"])
        for r in ROWS:
            w.writerow(list(r) + ["2000-01-01", "1", "1900"])
    res = subprocess.run([sys.executable, os.path.join(src, "scripts", "companies-import.py"), path, "0" * 40],
                         capture_output=True, text=True)
    if res.returncode != 0:
        print(res.stderr)
        sys.exit(1)
doc = yaml.safe_load(res.stdout)
by_name = {e["name"]: e for e in doc["entries"]}
fails = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)


q = by_name.get("Quarzivo Technologies")
check(q is not None and q["names"] == ["Quarzivo Technologies", "Quarzivo"] and q["country"] == "USA"
      and q["sector"] == "technology" and q["code"] == "USABUS",
      "a name with a generic tail gets its first word too, USA from a state")
t = by_name.get("Target Corporation")
check(t is not None and "Target" not in t["names"], "a common word is never a name alone")
d = by_name.get("Dover Corporation")
check(d is not None and d["names"] == ["Dover Corporation"], "a town's name is never cut out alone")
z = by_name.get("Zentrovia plc")
check(z is not None and z["country"] == "IRL" and z["sector"] == "pharma" and "Zentrovia" in z["names"],
      "a country from our countries.yaml by its name")
check(not any("Morvalent" in n for n in by_name), "an unknown headquarters drops the company")
check("Apple Inc." not in by_name, "a company our own files have is left out")
b = by_name.get("Brellik Power")
check(b is not None and b["country"] == "USA" and b["sector"] == "energy",
      "share-class notes dropped; Georgia after a city is the US state")
check(all(e["id"].replace("_", "").isalnum() and e["id"] == e["id"].lower() for e in doc["entries"]),
      "ids are lower-case words joined by _")
if fails:
    print(f"FAIL: {len(fails)} of the checks")
    sys.exit(1)
print("PASS")
