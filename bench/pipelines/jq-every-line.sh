#!/usr/bin/env bash
# Baseline (b): jq parses every line and selects the errors (what error-watch does: it reads every
# line, not only those grep picked), then the same counting.
# usage: jq-every-line.sh logs.json
jq -r 'select(.level=="error") | .error.message' "$1" | sort | uniq -c | sort -rn | head
