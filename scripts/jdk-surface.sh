#!/bin/sh
# The public method surface of the Java classes a template meets, from the
# machine's JDK (OpenJDK 17): one file per class under tests/jdk/. The test
# `jdk_surface` (tests/jdk_surface.rs) checks that every method listed there
# is in the dispatch tables of src/eval/methods/, implemented or refused with a
# reason, and that docs/fidelity.md's table is the one the tables make.
set -e
cd "$(dirname "$0")/.."
OUT=tests/jdk
mkdir -p "$OUT"
for c in java.lang.String java.lang.Integer java.lang.Long java.lang.Double java.lang.Boolean \
         java.util.ArrayList java.util.LinkedHashMap 'java.util.Map$Entry'; do
  short=$(echo "$c" | sed 's/.*\.//; s/\$/./')
  java scripts/JdkSurface.java "$c" > "$OUT/$short.txt"
done
wc -l "$OUT"/*.txt
