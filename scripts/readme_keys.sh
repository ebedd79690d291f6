#!/usr/bin/env bash
# Rewrites the README's generated parts: the table of configuration keys (between <!-- keys:begin -->
# and <!-- keys:end -->) from the schema, via `nanoreach run --keys-markdown`, and the default
# experiment file (between <!-- experiment:begin --> and <!-- experiment:end -->) from
# experiments/nano_vs_mega.toml itself. A test fails when either is out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/nanoreach}
table=$("$bin" run --keys-markdown)
/usr/bin/python3 - "$table" <<'PY'
import sys


def replace(text, name, body):
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    a = text.index(begin) + len(begin + "\n")
    b = text.index(end)
    return text[:a] + body + text[b:]


text = open("README.md").read()
text = replace(text, "keys", sys.argv[1].rstrip("\n") + "\n")
experiment = open("experiments/nano_vs_mega.toml").read()
text = replace(text, "experiment", "```toml\n" + experiment.rstrip("\n") + "\n```\n")
open("README.md", "w").write(text)
PY
