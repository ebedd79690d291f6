#!/usr/bin/env bash
# Rewrites the README's table of configuration keys (between <!-- keys:begin --> and
# <!-- keys:end -->) from the schema, via `nanoreach run --keys-markdown`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/nanoreach}
table=$("$bin" run --keys-markdown)
/usr/bin/python3 - "$table" <<'PY'
import sys
table = sys.argv[1].rstrip("\n")
text = open("README.md").read()
a = text.index("<!-- keys:begin -->") + len("<!-- keys:begin -->\n")
b = text.index("<!-- keys:end -->")
open("README.md", "w").write(text[:a] + table + "\n" + text[b:])
PY
