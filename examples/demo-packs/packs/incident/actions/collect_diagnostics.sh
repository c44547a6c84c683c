#!/usr/bin/env sh
# What on-call asks for first, gathered in one go so it lands in the incident timeline.
set -eu
lines="${1:-50}"
echo "== uptime"; uptime
echo "== disk"; df -h
echo "== memory"; free -m 2>/dev/null || echo "(free not available)"
echo "== kernel (last ${lines} lines)"
dmesg 2>/dev/null | tail -n "${lines}" || echo "(dmesg not readable)"
