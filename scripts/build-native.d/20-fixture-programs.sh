#!/usr/bin/env bash
# Builds the fixture images' C programs (dynamically linked, so LD_PRELOAD applies) into $1/fixture-programs.
# Tests copy each into its build context under Fixtures/images/<name>/ before `docker build`.
set -euo pipefail
bin_dir=${1:?usage: 20-fixture-programs.sh BIN_DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$bin_dir/fixture-programs"
mkdir -p "$out"
for source in "$root"/Fixtures/images/*/*.c; do
    name=$(basename "$source" .c)
    if [ ! -x "$out/$name" ] || [ "$source" -nt "$out/$name" ]; then
        cc -O2 -Wall -Wextra -Werror -o "$out/$name.tmp" "$source"
        mv "$out/$name.tmp" "$out/$name"
    fi
done
