#!/bin/sh
# Integration test: our own actor dictionaries (config/actors/*.yaml) satisfy the
# binding format (scripts/check-dictionaries.py). Skips (77) without python3-yaml.
src="${WT_SOURCE:-.}"
py=/usr/bin/python3
if [ ! -x "$py" ] || ! "$py" -c 'import yaml' 2>/dev/null; then
    echo "SKIP: /usr/bin/python3 with PyYAML (python3-yaml) not available"
    exit 77
fi
exec "$py" "$src/scripts/check-dictionaries.py" "$src/config/actors"
