#!/bin/sh
# Integration test: our own actor dictionaries (config/actors/*.yaml) satisfy the
# binding format (scripts/check-dictionaries.py), and the checker itself reports each
# of a set of injected defects (--self-test). Skips (77) without python3-yaml.
src="${WT_SOURCE:-.}"
py=/usr/bin/python3
if [ ! -x "$py" ] || ! "$py" -c 'import yaml' 2>/dev/null; then
    echo "SKIP: /usr/bin/python3 with PyYAML (python3-yaml) not available"
    exit 77
fi
"$py" "$src/scripts/check-dictionaries.py" "$src/config/actors" || exit 1
exec "$py" "$src/scripts/check-dictionaries.py" --self-test "$src/config/actors"
