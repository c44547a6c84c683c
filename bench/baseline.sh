#!/usr/bin/env bash
# Builds another commit of packbot for `PACKBOT_BENCH_AGAINST=<dir> npm run bench`: the commit's
# files (git archive: the repository itself is left as it is) in /tmp, this checkout's
# node_modules linked in, compiled with tsc. Prints the directory.
#
#   bench/baseline.sh 71c9fd2            # → /tmp/packbot-baseline-71c9fd2
#   PACKBOT_BENCH_AGAINST=/tmp/packbot-baseline-71c9fd2 npm run bench
set -euo pipefail
ref=${1:?usage: bench/baseline.sh <git-ref> [directory]}
root=$(cd "$(dirname "$0")/.." && pwd)
sha=$(git -C "$root" rev-parse --verify --short "${ref}^{commit}")
dest=${2:-/tmp/packbot-baseline-$sha}
if [ ! -f "$dest/.packbot-baseline-ref" ]; then
  rm -rf "$dest"
  mkdir -p "$dest"
  git -C "$root" archive --format=tar "$sha" | tar -x -C "$dest"
  echo "$sha" > "$dest/.packbot-baseline-ref"
fi
ln -sfn "$root/node_modules" "$dest/node_modules"
(cd "$dest" && "$root/node_modules/.bin/tsc" -p tsconfig.json)
echo "$dest"
