#!/usr/bin/env bash
# The source never calls the unsafe string functions (as git's banned.h).
. "$SRCDIR/tests/lib.sh"
hits=$(grep -rnE '(^|[^_a-zA-Z0-9])(strcpy|strcat|sprintf|vsprintf|gets)[[:space:]]*\(' "$SRC/src" "$SRC/tests/unit" | grep -v '^\s*//' || true)
if [ -z "$hits" ]; then ok "no strcpy/strcat/sprintf/vsprintf/gets in src/"; else not_ok "banned functions used"; echo "$hits" | sed 's/^/#   /'; fi
done_testing
