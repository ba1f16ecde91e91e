#!/usr/bin/env bash
# Installs what ./clinops bench runs besides the JDK, from Debian packages, if missing:
# wrk, jq, hyperfine, redis-tools (redis-benchmark, redis-cli), postgresql-client-15 (psql).
set -euo pipefail
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v jq >/dev/null || missing+=(jq)
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v redis-benchmark >/dev/null && command -v redis-cli >/dev/null || missing+=(redis-tools)
[ -x /usr/lib/postgresql/15/bin/psql ] || missing+=(postgresql-client-15)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "./clinops bench needs: ${missing[*]}; install them (as root: apt-get install -y ${missing[*]})" >&2
  exit 1
fi
echo "installing ${missing[*]} (Debian packages) ..." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk jq hyperfine redis-tools postgresql-client-15 >&2
