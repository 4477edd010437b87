#!/usr/bin/env bash
# Tests examples/jest and examples/vitest the way a user gets them: packs
# bindings/node with `npm pack` (building it first with `npm ci && npm run
# build` when bindings/node/dist is missing), then copies each example into a
# fresh temporary folder outside the repository, installs the tarball and the
# example's registry packages (Jest, Vitest, the AWS SDK) there, and runs
# `npx jest` / `npx vitest run`. Prints each runner's summary line; any failure
# fails the script and shows the runner's output. Leaves nothing in the
# repository; removes its temporary folder on exit. Needs Node 18+ and npm with
# registry access. Takes about a minute on 2 cores (70 s with a cold npm
# cache), plus 4 to 7 minutes when it has to build.
#
#   bash scripts/node-examples.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pkg=$root/bindings/node
start=$SECONDS

work=$(mktemp -d "${TMPDIR:-/tmp}/appsync-vtl-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT
case "$work/" in
  "$root"/*) echo "node-examples: the temporary folder $work is inside the repository; set TMPDIR elsewhere" >&2; exit 1 ;;
esac

# What the examples see must be what a user gets: no accepted-snapshot override.
unset VTL_ACCEPT

if [[ ! -d $pkg/dist ]] || ! compgen -G "$pkg/*.node" >/dev/null; then
  echo "== building bindings/node (npm ci && npm run build)"
  (cd "$pkg" && npm ci --no-audit --no-fund && npm run build)
elif [[ -n $(find "$pkg/ts" "$pkg/src" -newer "$pkg/dist/index.js" -type f -print -quit 2>/dev/null) ]]; then
  echo "node-examples: warning: bindings/node has sources newer than dist/; testing the old build (rebuild: cd bindings/node && npm run build)" >&2
fi

echo "== npm pack (bindings/node)"
(cd "$pkg" && npm pack --silent --pack-destination "$work" >/dev/null)
tarballs=("$work"/appsync-vtl-*.tgz)
[[ ${#tarballs[@]} -eq 1 && -f ${tarballs[0]} ]] || { echo "node-examples: npm pack made no single tarball in $work" >&2; exit 1; }
tgz=${tarballs[0]}
echo "   $(basename "$tgz")"

# run_example NAME SUMMARY_REGEX COMMAND...: installs examples/NAME from the
# tarball in $work/NAME and runs COMMAND there.
run_example() {
  local name=$1 summary=$2
  shift 2
  local dir=$work/$name log=$work/$name.log
  echo "== $name: npm install $(basename "$tgz") && npm install"
  mkdir "$dir"
  # The example as committed: no node_modules, lock file or pending snapshots from a local run.
  (cd "$root/examples/$name" &&
    tar --exclude=./node_modules --exclude=./package-lock.json --exclude='*.snap.new' -cf - .) |
    (cd "$dir" && tar -xf -)
  if ! (cd "$dir" && npm install --no-audit --no-fund "$tgz" && npm install --no-audit --no-fund) >"$log" 2>&1; then
    cat "$log" >&2
    echo "node-examples: $name: npm install failed" >&2
    return 1
  fi
  echo "== $name: $*"
  if ! (cd "$dir" && "$@") >"$log" 2>&1; then
    cat "$log" >&2
    echo "node-examples: $name: $* failed" >&2
    return 1
  fi
  # The summary line, without colours.
  sed "s/$(printf '\033')\[[0-9;]*m//g" "$log" | grep -E "$summary" | sed "s/^ */   $name: /" ||
    echo "   $name: passed (no summary line found in its output)"
}

run_example jest '^Tests:' npx --no-install jest --ci
run_example vitest '^ *Tests +[0-9]' npx --no-install vitest run

echo "== examples passed in $((SECONDS - start)) s"
