#!/bin/sh
# The whole-process scaling benchmark: generates manuscripts of 10k, 100k,
# 500k and 1M words (the generator of benches/typeset.rs: paragraphs,
# sections, subsections, footnotes, lists, emphasis and a FAQ), builds each
# to EPUB, PDF and reading pack with the dist binary (the one handed out:
# cargo build --profile dist), and prints a
# Markdown table of medians over RUNS runs (5 by default): each stage's wall
# and CPU time from `bindery build --timings`, the EPUB (cover and EPUB) and
# the PDF (layout and write) by wall time, the CPU time of the longest chain
# of stages (load, layout, the longer of the PDF writer and the cover with
# the EPUB beside it, pack, save: what the build takes on two idle cores,
# roughly, as the writer's helpers are not counted), and the whole run's
# wall time, user CPU time and peak resident memory from /usr/bin/time.
# On a busy machine, trust the CPU figures over the wall times.
#
#   scripts/bench-scale.sh                 every size
#   scripts/bench-scale.sh 500000          one size
#   RUNS=9 scripts/bench-scale.sh          more runs
#   scripts/bench-scale.sh rebuild         threads and the layout cache
#   scripts/bench-scale.sh code            what highlighting code costs
#   BINDERY=target/release/bindery scripts/bench-scale.sh rebuild
#                                          another binary, not built here
#
# `rebuild` times one book of 565,000 words in 23 chapter files, the same
# way, four times over: a clean build (`--no-cache`) on one thread (-j1)
# and on two (-j2), a build with nothing changed, and a rebuild after one
# sentence was appended to a chapter in the middle (a new one each run),
# which lays out that chapter alone and takes the others from the cache.
#
# `code` times the code-heavy book of 500,000 words (a block of 25 lines of
# this repository's own code after every third paragraph) against the same
# book with its fences' languages taken away, so that its code is set plain:
# clean builds (`--no-cache`, two threads) one of each in turn, then builds
# with nothing changed, and prints what highlighting costs as a share of
# the highlighted build, by user CPU time and by wall time (medians).
#
# The manuscripts are kept in target/bench-scale/ and reused (the code book
# quotes the sources as they were when it was made: remove it to make it
# again).
set -eu
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
work=target/bench-scale
if [ ! -x /usr/bin/time ]; then
    echo "bench-scale: /usr/bin/time is missing (apt-get install time)" >&2
    exit 1
fi
if [ -z "${BINDERY:-}" ]; then
    cargo build --profile dist --quiet
    BINDERY=target/dist/bindery
fi
mkdir -p "$work"
stages="load cover epub pdf_layout pdf_write pack save"
header=$(echo "$stages" | sed 's/_/ /g; s/ \([a-z]\)/ | \1/g; s/pdf | /pdf /g')

# Writes a manuscript of $1 words into $2 ($3: "chapters=N" or nothing).
manuscript() {
    if [ ! -f "$2/book.toml" ]; then
        cargo bench --quiet --bench typeset -- manuscript "$1" "$2" ${3:-} >/dev/null
    fi
}

# Builds the manuscript $1 into $1/out RUNS times with the options after
# it, running $prepare (a shell command, or nothing) before each run, and
# writes the samples into $1/samples.
measure() {
    dir=$1
    shift
    samples=$dir/samples
    : >"$samples"
    run=1
    while [ "$run" -le "$runs" ]; do
        ${prepare:-}
        /usr/bin/time -f 'wall %e\nuser %U\nrss %M' -o "$dir/time" \
            "$BINDERY" build --timings --quiet "$@" \
            --manuscript "$dir" --out "$dir/out" 2>"$dir/timings"
        # "  pdf layout   540.0 ms  cpu   480.0 ms" becomes "pdf_layout 540.0 480.0".
        echo "run $run" >>"$samples"
        sed -n 's/^  \([a-z][a-z ]*[a-z]\)  *\([0-9.]*\) ms\(  cpu  *\([0-9.]*\) ms\)\{0,1\}$/\1 \2 \4/p' \
            "$dir/timings" | sed 's/^pdf /pdf_/' >>"$samples"
        cat "$dir/time" >>"$samples"
        run=$((run + 1))
    done
}

# Prints the table row of the samples in $1, labelled $2.
row() {
    awk -v words="$2" -v stages="$stages" '
        # Each key holds its samples, one per run; the table shows medians.
        $1 == "run" { run = $2; next }
        { wall[$1, run] = $2; cpu[$1, run] = $3; runs = run }
        function median(values, n,    i, j, t) {
            for (i = 2; i <= n; i++)
                for (j = i; j > 1 && values[j - 1] > values[j]; j--) {
                    t = values[j]; values[j] = values[j - 1]; values[j - 1] = t
                }
            return values[int((n + 1) / 2)]
        }
        # The median over runs of a key in wall or cpu.
        function middle(table, key,    r, v) {
            for (r = 1; r <= runs; r++) v[r] = table[key, r] + 0
            return median(v, runs)
        }
        # What each run shows besides its stages: the EPUB and the PDF
        # alone (wall), and the CPU time of the longest chain of stages,
        # the time the build would take on two idle cores.
        function derived(what,    r, v, e, p) {
            for (r = 1; r <= runs; r++) {
                if (what == "epub") v[r] = wall["cover", r] + wall["epub", r]
                else if (what == "pdf") v[r] = wall["pdf_layout", r] + wall["pdf_write", r]
                else {
                    # The cover and the EPUB, which waits for the page map
                    # of the PDF, are made beside the PDF writer.
                    e = cpu["cover", r] + cpu["epub", r]
                    p = cpu["pdf_write", r]
                    v[r] = cpu["load", r] + cpu["pdf_layout", r] + (e > p ? e : p) + cpu["pack", r] + cpu["save", r]
                }
            }
            return median(v, runs)
        }
        END {
            line = sprintf("| %s", words)
            n = split(stages, names, " ")
            for (i = 1; i <= n; i++)
                line = line sprintf(" | %.0f (%.0f)", middle(wall, names[i]), middle(cpu, names[i]))
            line = line sprintf(" | %.0f | %.0f", derived("epub"), derived("pdf"))
            line = line sprintf(" | %.0f | %.0f", middle(wall, "wall") * 1000, derived("path"))
            line = line sprintf(" | %.0f | %.0f MB |", middle(wall, "user") * 1000,
                middle(wall, "rss") / 1024)
            print line
        }' "$1"
}

# Prints the table's head, its first column named $1.
heading() {
    echo "Wall time (CPU time of the stage's thread) in ms, medians of $runs runs."
    echo
    printf '| %s | %s | EPUB | PDF | wall | CPU critical path | user CPU | peak RSS |\n' "$1" "$header"
    printf '|---:|%s\n' "$(for _ in $stages 1 2 3 4 5 6; do printf -- '---:|'; done)"
}

if [ "${1:-}" = rebuild ]; then
    dir=$work/m565000-23
    manuscript 565000 "$dir" chapters=23
    heading build
    prepare=
    measure "$dir" --no-cache -j1
    row "$dir/samples" "clean, -j1"
    measure "$dir" --no-cache -j2
    row "$dir/samples" "clean, -j2"
    rm -rf "$dir/out/.bindery-cache"
    "$BINDERY" build --quiet -j2 --manuscript "$dir" --out "$dir/out"
    measure "$dir" -j2
    row "$dir/samples" "nothing changed, -j2"
    # The middle chapter file, a sentence longer each run.
    middle=$(ls "$dir"/*.md | sed -n 12p)
    cp "$middle" "$dir/middle.orig"
    prepare="eval echo 'One more sentence at the end.' >>$middle"
    measure "$dir" -j2
    row "$dir/samples" "one sentence more, -j2"
    mv "$dir/middle.orig" "$middle"
    exit 0
fi

# Prints highlighting's share of the build, from the samples of the
# highlighted book ($1) and of the plain one ($2), labelled $3.
share() {
    { cat "$1"; echo plain; cat "$2"; } | awk -v what="$3" '
        # Medians of the "user" and "wall" samples before and after the mark.
        $1 == "plain" { side = 2; next }
        $1 == "user" || $1 == "wall" { n[side + 0, $1]++; v[side + 0, $1, n[side + 0, $1]] = $2 }
        function median(side, key,    i, j, t, m) {
            m = n[side, key]
            for (i = 1; i <= m; i++) s[i] = v[side, key, i]
            for (i = 2; i <= m; i++)
                for (j = i; j > 1 && s[j - 1] > s[j]; j--) { t = s[j]; s[j] = s[j - 1]; s[j - 1] = t }
            return s[int((m + 1) / 2)]
        }
        END {
            for (k = 1; k <= 2; k++) {
                key = k == 1 ? "user" : "wall"
                h = median(0, key); p = median(2, key)
                printf "%s, %s: highlighted %.2f s, plain %.2f s, highlighting %.0f %% of the build\n",
                    what, key == "user" ? "user CPU" : "wall", h, p, 100 * (h - p) / h
            }
        }'
}

# Measures the books $1 and $2 RUNS times each, one run of each in turn,
# with the options after them, into $1/all and $2/all.
interleave() {
    first=$1
    second=$2
    shift 2
    total=$runs
    runs=1
    : >"$first/all"
    : >"$second/all"
    turn=1
    while [ "$turn" -le "$total" ]; do
        for dir in "$first" "$second"; do
            measure "$dir" "$@"
            sed "s/^run 1\$/run $turn/" "$dir/samples" >>"$dir/all"
        done
        turn=$((turn + 1))
    done
    runs=$total
}

if [ "${1:-}" = code ]; then
    highlighted=$work/m500000-code
    plain=$work/m500000-code-plain
    manuscript 500000 "$highlighted" code=highlighted
    manuscript 500000 "$plain" code=plain
    heading build
    prepare=
    interleave "$highlighted" "$plain" --no-cache -j2
    row "$highlighted/all" "highlighted, clean"
    row "$plain/all" "plain, clean"
    clean=$(share "$highlighted/all" "$plain/all" "clean")
    for dir in "$highlighted" "$plain"; do
        rm -rf "$dir/out/.bindery-cache"
        "$BINDERY" build --quiet -j2 --manuscript "$dir" --out "$dir/out"
    done
    interleave "$highlighted" "$plain" -j2
    row "$highlighted/all" "highlighted, nothing changed"
    row "$plain/all" "plain, nothing changed"
    echo
    echo "$clean"
    share "$highlighted/all" "$plain/all" "nothing changed"
    exit 0
fi

heading words
for words in ${*:-10000 100000 500000 1000000}; do
    dir=$work/m$words
    manuscript "$words" "$dir"
    measure "$dir"
    row "$dir/samples" "$words"
done
