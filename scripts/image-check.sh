#!/usr/bin/env bash
# What the Docker image needs, checked without a container engine (none runs here or in CI).
#
#  1. The Dockerfile's runtime stage (after its last FROM) installs what packbot's features
#     run: python3 + python3-venv (envs.python: venv), pytest (require_tests), openssh-client
#     (git@ repositories), git, bubblewrap (the sandbox), tini (PID 1), and has a HEALTHCHECK
#     on /healthz. Its `npm ci` line must be the one this script runs.
#  2. The production tree is installed the way the image does it, in a temp dir: package.json
#     + package-lock.json, `npm ci --omit=dev`, then the runtime stage's COPY lines replayed
#     (dist/ from this checkout's build, which is what the build stage makes).
#  3. That tree (not the repo's node_modules: dev dependencies must be absent) runs
#     `--version`, a `config check` with a git@ URL, and a real deploy of a python pack with
#     envs.python: venv and require_tests from a git repo, through the `packbot deploy` CLI.
#
# Needs dist/ (`npm run build`), git, python3 with venv and pytest, and npm's cache from the
# dev install (--prefer-offline: no registry access when every tarball is cached).
# Usage: scripts/image-check.sh   (exit 0 when every check passed)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DOCKERFILE="$ROOT/Dockerfile"
# The image's flags; --prefer-offline only lets npm use the cache the dev install filled.
NPM_CI_FLAGS="--omit=dev --ignore-scripts --no-audit --no-fund"
REQUIRED_APT=(python3 python3-venv python3-pytest openssh-client git ca-certificates bubblewrap tini)

fail() { echo "image-check: FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
started=$(date +%s)

# --- 1. the Dockerfile's runtime stage -------------------------------------------------------
[ -f "$ROOT/dist/bin/packbot.js" ] || fail "dist/bin/packbot.js is missing: run npm run build first"
# Continuation lines joined, comments dropped, everything after the last FROM.
runtime="$(sed -e '/^[[:space:]]*#/d' "$DOCKERFILE" | sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' \
  | awk '/^FROM /{stage=""} {stage = stage $0 "\n"} END {printf "%s", stage}')"
[ -n "$runtime" ] || fail "no FROM in $DOCKERFILE"

apt_line="$(grep -E 'apt-get install' <<<"$runtime" || true)"
[ -n "$apt_line" ] || fail "the runtime stage has no apt-get install line"
missing=()
for pkg in "${REQUIRED_APT[@]}"; do
  grep -qE "(^|[[:space:]])$pkg([[:space:]]|$)" <<<"$apt_line" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] || fail "the runtime stage does not install: ${missing[*]} (apt line: $apt_line)"
ok "runtime stage installs ${REQUIRED_APT[*]}"

npm_line="$(grep -E 'npm ci' <<<"$runtime" || true)"
grep -qF -- "npm ci $NPM_CI_FLAGS" <<<"$npm_line" \
  || fail "the runtime stage's npm line is not \"npm ci $NPM_CI_FLAGS\": $npm_line"
ok "runtime stage runs npm ci $NPM_CI_FLAGS (as this script does)"

grep -qE '^HEALTHCHECK .*/healthz' <<<"$runtime" || fail "the runtime stage has no HEALTHCHECK on /healthz"
grep -qF "'/healthz'" "$ROOT/dist/src/interfaces/server/http.js" || fail "dist's server has no /healthz route"
ok "HEALTHCHECK probes /healthz, which the server serves"

workdir="$(grep -E '^WORKDIR ' <<<"$runtime" | tail -1 | awk '{print $2}')"
[ "$workdir" = /app ] || fail "expected WORKDIR /app in the runtime stage, found \"$workdir\""
grep -qF '"node", "/app/dist/bin/packbot.js"' <<<"$runtime" || fail "the ENTRYPOINT does not run /app/dist/bin/packbot.js"

# --- 2. the production tree, installed as the image installs it --------------------------------
tmp="$(mktemp -d "${TMPDIR:-/tmp}/packbot-image-check-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
app="$tmp/app"
mkdir -p "$app"

# COPY lines in order; `--from=build /app/x` is this checkout's x (the build stage's output).
copy_lines="$(grep -E '^COPY ' <<<"$runtime")"
copy_step() {
  local line="$1" from_build=0 args=()
  read -r -a args <<<"${line#COPY }"
  if [[ "${args[0]}" == --from=build ]]; then from_build=1; args=("${args[@]:1}"); fi
  [[ "${args[0]}" != --* ]] || fail "unsupported COPY flag in: $line"
  local dest="${args[-1]}" n=$(( ${#args[@]} - 1 )) i src
  for (( i = 0; i < n; i++ )); do
    src="${args[$i]}"
    [ $from_build -eq 1 ] && src="${src#/app/}"
    if [[ "$dest" == */ ]]; then mkdir -p "$app/$dest"; cp -R "$ROOT/$src" "$app/$dest"; else cp -R "$ROOT/$src" "$app/$dest"; fi
  done
}
# The lock and package.json come first (the image's npm layer), the rest after npm ci.
while IFS= read -r line; do [[ "$line" == *package-lock.json* ]] && copy_step "$line"; done <<<"$copy_lines"
[ -f "$app/package-lock.json" ] || fail "the runtime stage does not COPY package-lock.json"
t0=$(date +%s)
(cd "$app" && npm ci $NPM_CI_FLAGS --prefer-offline --loglevel=error >"$tmp/npm.log" 2>&1) \
  || { cat "$tmp/npm.log" >&2; fail "npm ci $NPM_CI_FLAGS failed in the production tree"; }
npm_s=$(( $(date +%s) - t0 ))
while IFS= read -r line; do [[ "$line" == *package-lock.json* ]] || copy_step "$line"; done <<<"$copy_lines"
# .dockerignore keeps these out of the build context, so out of the image.
while IFS= read -r pattern; do
  [[ -z "$pattern" || "$pattern" == \#* ]] && continue
  [[ "$pattern" == node_modules || "$pattern" == dist ]] && continue # installed/built in the image, not copied
  rm -rf "${app:?}/$pattern"
done <"$ROOT/.dockerignore"

for dev in vitest typescript; do
  [ ! -e "$app/node_modules/$dev" ] || fail "dev dependency $dev is in the production tree"
done
[ -d "$app/node_modules/zod" ] || fail "zod (a runtime dependency) is missing from the production tree"
ok "production tree installed in $app (dev dependencies such as vitest and typescript absent)"

# The image's environment, nothing of the caller's (no NODE_PATH, no vitest variables).
pb() { (cd "$app" && env -i PATH="$PATH" HOME="$tmp/home" NODE_ENV=production LANG=C.UTF-8 node "$app/dist/bin/packbot.js" "$@"); }
mkdir -p "$tmp/home"

# --- 3. what the image runs ------------------------------------------------------------------
want="$(node -p "require('$ROOT/package.json').version")"
got="$(pb --version)"
[ "$got" = "$want" ] || fail "--version printed \"$got\", expected $want"
ok "packbot --version: $got"

cat >"$tmp/ssh.yaml" <<YAML
state_dir: $tmp/ssh-state
repositories:
  private:
    repo: git@github.com:org/repo.git
    ssh_key_file: /run/secrets/packbot_ssh_key
envs: {python: venv}
YAML
out="$(pb --config "$tmp/ssh.yaml" config check 2>&1)" || fail "config check of a git@ repository failed: $out"
ok "config check accepts repo: git@github.com:org/repo.git (parsed only, nothing fetched)"

# A python pack in a real git repo: empty requirements (no PyPI here) and a test for the gate.
src="$tmp/src"
mkdir -p "$src/packs/pyhello/actions" "$src/packs/pyhello/tests"
printf -- '---\nref: pyhello\nname: pyhello\ndescription: A python pack.\nversion: 1.0.0\nauthor: Ada\n' >"$src/packs/pyhello/pack.yaml"
printf -- '---\nname: hello\nrunner_type: python-script\nentry_point: hello.py\n' >"$src/packs/pyhello/actions/hello.yaml"
printf 'print("hello")\n' >"$src/packs/pyhello/actions/hello.py"
printf '# nothing from PyPI: the check runs offline\n' >"$src/packs/pyhello/requirements.txt"
printf 'def test_hello():\n    assert 1 + 1 == 2\n' >"$src/packs/pyhello/tests/test_hello.py"
git -C "$src" init -q -b main
git -C "$src" add -A
git -C "$src" -c user.name=check -c user.email=check@example.invalid commit -q -m 'python pack'

cat >"$tmp/deploy.yaml" <<YAML
state_dir: $tmp/state
log: {level: warn}
envs: {python: venv}
repositories:
  demo:
    repo: "file://$src"
    branch: main
    require_tests: true
YAML
t0=$(date +%s)
out="$(pb --config "$tmp/deploy.yaml" deploy demo pyhello --json 2>"$tmp/deploy.err")" \
  || { cat "$tmp/deploy.err" >&2; echo "$out" >&2; fail "packbot deploy of a python pack failed"; }
deploy_s=$(( $(date +%s) - t0 ))
node -e '
  const r = JSON.parse(process.argv[1]);
  const p = r.packs.find((x) => x.pack === "pyhello");
  if (r.success_count !== 1 || !p || p.status !== "deployed") { console.error(JSON.stringify(r, null, 2)); process.exit(1); }
' "$out" || fail "the deploy did not report pyhello deployed"
[ -f "$tmp/state/packs/pyhello/pack.yaml" ] || fail "packs/pyhello is not installed"
venv="$tmp/state/virtualenvs/pyhello"
[ -x "$venv/bin/python" ] || fail "the pack's venv has no bin/python ($venv)"
prefix="$("$venv/bin/python" -c 'import sys; print(sys.prefix != sys.base_prefix)')"
[ "$prefix" = True ] || fail "$venv/bin/python is not a venv's interpreter"
ok "packbot deploy installed pyhello with envs.python: venv ($venv/bin/python is a venv) and its tests passed the gate"

cat <<'EOF'
not proven here (no container engine):
  - that the apt packages above really install in node:20-slim, and that the image's python3
    is the one with venv and pytest (this ran with the host's python3, git and bwrap);
  - the container's user (uid 10001) and its permissions on the volumes;
  - that bubblewrap can create user namespaces in the container (Docker's default seccomp
    profile may block them: tests and source builds are then refused; README, Sandbox);
  - ssh to a real git host (the git@ URL was parsed, not fetched), and the HEALTHCHECK running.
EOF
echo "image-check: passed in $(( $(date +%s) - started ))s (npm ci ${npm_s}s, deploy ${deploy_s}s)"
