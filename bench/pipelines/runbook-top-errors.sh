#!/usr/bin/env bash
# Baseline (a): the runbook's own step 1 of "Error Rate Spike", verbatim.
# usage: runbook-top-errors.sh logs.json
grep '"level":"error"' "$1" | jq -r '.error.message' | sort | uniq -c | sort -rn | head
