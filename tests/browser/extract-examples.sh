#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/browser/extract-examples.sh - read the runnable examples out of a
# Markdown file (README.md or doc/CLIENTS.md).  An example is
#     <!-- example: NAME -->
#     ```LANG
#     code
#     ```
#     <!-- output -->
#     ```
#     what the code prints
#     ```
#     <!-- /example -->
# Usage: extract-examples.sh FILE                 list the NAMEs, one a line
#        extract-examples.sh FILE NAME lang       print LANG (sh, python, js)
#        extract-examples.sh FILE NAME code       print the code
#        extract-examples.sh FILE NAME output     print the expected output
# Exit status: 0, or 1 if FILE cannot be read or NAME is not in it.
set -u
file=$1
[ -r "$file" ] || { echo "extract-examples: cannot read $file" >&2; exit 1; }
if [ $# -lt 3 ]; then
	sed -n 's/^<!-- example: \([A-Za-z0-9_.-]*\) -->$/\1/p' "$file"
	exit 0
fi
awk -v want="$2" -v part="$3" '
	/^<!-- example: [A-Za-z0-9_.-]+ -->$/ {
		inex = ($3 == want); if (inex) found = 1
		sect = "code"; fence = 0; next
	}
	inex && /^<!-- output -->$/ { sect = "output"; next }
	/^<!-- \/example -->$/ { inex = 0; next }
	inex && /^```/ {
		if (!fence && sect == "code" && part == "lang") print substr($0, 4)
		fence = !fence; next
	}
	inex && fence && sect == part { print }
	END { exit found ? 0 : 1 }
' "$file"
