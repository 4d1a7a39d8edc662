#!/bin/sh
# The whole-process scaling benchmark: generates manuscripts of 10k, 100k,
# 500k and 1M words (the generator of benches/typeset.rs: paragraphs,
# sections, subsections, footnotes, lists, emphasis and a FAQ), builds each
# to EPUB, PDF and reading pack with the release binary, and prints a
# Markdown table of medians over RUNS runs (5 by default): each stage's wall
# time from `bindery build --timings`, the whole run's wall time, user CPU
# time and peak resident memory from /usr/bin/time.
#
#   scripts/bench-scale.sh                 every size
#   scripts/bench-scale.sh 500000          one size
#   RUNS=9 scripts/bench-scale.sh          more runs
#
# The manuscripts are kept in target/bench-scale/ and reused.
set -eu
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
sizes=${*:-10000 100000 500000 1000000}
work=target/bench-scale
if [ ! -x /usr/bin/time ]; then
    echo "bench-scale: /usr/bin/time is missing (apt-get install time)" >&2
    exit 1
fi
cargo build --release --quiet
mkdir -p "$work"
stages="load cover epub pdf_layout pdf_write pack save total"
printf '| words | %s | PDF (layout + write) | wall | user CPU | peak RSS |\n' \
    "$(echo "$stages" | sed 's/ / | /g; s/_/ /g')"
printf '|---:|%s---:|---:|---:|---:|\n' "$(for _ in $stages; do printf -- '---:|'; done)"
for words in $sizes; do
    dir=$work/m$words
    if [ ! -f "$dir/book.toml" ]; then
        cargo bench --quiet --bench typeset -- manuscript "$words" "$dir" >/dev/null
    fi
    samples=$dir/samples
    : >"$samples"
    run=1
    while [ "$run" -le "$runs" ]; do
        /usr/bin/time -f 'wall %e\nuser %U\nrss %M' -o "$dir/time" \
            target/release/bindery build --timings --quiet \
            --manuscript "$dir" --out "$dir/out" 2>"$dir/timings"
        # "  pdf layout   123.4 ms" becomes "pdf_layout 123.4".
        sed -n 's/^  \(.*[a-z]\)  *\([0-9.]*\) ms$/\1 \2/p' "$dir/timings" |
            sed 's/^pdf /pdf_/' >>"$samples"
        cat "$dir/time" >>"$samples"
        run=$((run + 1))
    done
    awk -v words="$words" -v stages="$stages" '
        # Every sample of a key, in the order taken; the median of each.
        { values[$1] = values[$1] " " $2; count[$1]++ }
        $1 == "pdf_layout" { layout[count[$1]] = $2 }
        $1 == "pdf_write" { pdf[count[$1]] = layout[count[$1]] + $2 }
        function median(list, n,    a, i, j, t) {
            n = split(list, a, " ")
            for (i = 2; i <= n; i++)
                for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
                    t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
                }
            return a[int((n + 1) / 2)]
        }
        END {
            line = sprintf("| %d", words)
            split(stages, names, " ")
            for (i = 1; i in names; i++)
                line = line sprintf(" | %.0f ms", median(values[names[i]]))
            all = ""
            for (i in pdf) all = all " " pdf[i]
            line = line sprintf(" | %.0f ms", median(all))
            line = line sprintf(" | %.2f s | %.2f s | %.0f MB |", median(values["wall"]),
                median(values["user"]), median(values["rss"]) / 1024)
            print line
        }' "$samples"
done
