#!/usr/bin/env bash
# Rebuilds the project fixtures under templates/projects/ with the real tools
# (offline once the npm packages are installed):
#   - amplify-gen1/amplify/backend/api/blog/build: Amplify's GraphQL transformer v2
#     (generators/amplify-gen1/gen.js) on amplify/backend/api/blog/schema.graphql;
#   - cdk/cdk.out: the CDK app cdk/app.js synthesized by aws-cdk-lib.
# The SAM template (sam/) is written by hand: SAM's own tool only deploys it.
# node_modules are installed from package-lock.json and are not committed.
#   scripts/regen-project-fixtures.sh [amplify-gen1|cdk]...
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
projects="$root/templates/projects"
which=("$@")
[ ${#which[@]} -gt 0 ] || which=(amplify-gen1 cdk)

for w in "${which[@]}"; do
  case "$w" in
    amplify-gen1)
      gen="$projects/generators/amplify-gen1"
      api="$projects/amplify-gen1/amplify/backend/api/blog"
      (cd "$gen" && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
      node "$gen/gen.js" "$api/schema.graphql" "$api/build"
      ;;
    cdk)
      app="$projects/cdk"
      (cd "$app" && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
      rm -rf "$app/cdk.out"
      (cd "$app" && CDK_OUTDIR="$app/cdk.out" node app.js)
      # What changes on every run and says nothing about the API.
      rm -f "$app/cdk.out/tree.json" "$app/cdk.out/validation-report.json"
      ;;
    *)
      echo "unknown fixture: $w (amplify-gen1 or cdk)" >&2
      exit 2
      ;;
  esac
done
