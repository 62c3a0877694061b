# The word-count sweep (bench/wordcount.sh sweep) as a picture:
#   gnuplot -e "csv='bench/results/wordcount-sweep.csv'; png='docs/wordcount-sweep.png'" \
#       bench/wordcount_plot.gp
# Top: the time of each run against the input size (log-log). Bottom: the
# speed-up over sequential (log y): above the line at 1 a mode beats
# sequential, so the crossover is where a line crosses it.
# CSV columns: size_label,bytes,objects,mode,workers,seconds,mb_per_s,speedup_vs_sequential,repeats
if (!exists("csv")) csv = 'bench/results/wordcount-sweep.csv'
if (!exists("png")) png = 'docs/wordcount-sweep.png'
if (!exists("repeats")) repeats = "5"

set terminal pngcairo size 1000,1100 font "DejaVu Sans,11" noenhanced
set output png
set datafile separator ","
set key inside left top vertical spacing 1.1 box opaque
set lmargin at screen 0.09
set rmargin at screen 0.97
set grid xtics ytics mytics lc rgb "#dddddd"
set logscale x
set xrange [*:*]
set offsets graph 0.04, graph 0.04, 0, 0

# One series: the rows of a mode and a worker count, in size order.
series(m, w) = sprintf("< awk -F, 'NR > 1 && $4 == \"%s\" && $5 == %d' '%s' | sort -t, -k2,2n", m, w, csv)
modes = "sequential threads threads threads processes processes processes"
workers = "1 1 2 4 1 2 4"
color(i) = word("#000000 #9ecae1 #3182bd #08306b #fdae6b #e6550d #7f2704", i)
dash(i) = (i == 1 ? 1 : (i <= 4 ? 1 : 2))
title(i) = word(modes, i) . (i == 1 ? "" : sprintf(" x%s", word(workers, i)))
# the x tics: the size label and the number of documents
tic(label, objects) = (label eq "three" ? "3 sentences" : label) . "\n" . objects . " docs"

set multiplot layout 2,1 title "awslab wordcount from awslab-server on this machine (2 cores): median of " . repeats . " runs" font ",13"

set title "Time to count (ListObjectsV2 not included)"
set ylabel "seconds"
set logscale y
set yrange [0.0002:30]
set format y "%g"
set xlabel ""
plot for [i=1:7] series(word(modes, i), int(word(workers, i))) \
       using 2:6:xtic(tic(stringcolumn(1), stringcolumn(3))) \
       with linespoints lw 2 pt 7 ps 1 dt dash(i) lc rgb color(i) title title(i)

set title "Speed-up over sequential (above 1: faster than sequential)"
set ylabel "sequential seconds / seconds"
set logscale y
set yrange [0.1:4]
set ytics (0.1, 0.2, 0.5, 1, 1.5, 2, 3)
set xlabel "input size (log scale): documents of 100 KiB, except the three one-sentence documents" offset 0,-1
set bmargin 5
unset key
set label 1 "above the sequential line at 1: faster than sequential" at graph 0.25, first 1.3 center tc rgb "#555555"
plot 1 with lines lw 1.5 lc rgb "#888888" dt 3 notitle, \
     for [i=1:7] series(word(modes, i), int(word(workers, i))) \
       using 2:8:xtic(tic(stringcolumn(1), stringcolumn(3))) \
       with linespoints lw 2 pt 7 ps 1 dt dash(i) lc rgb color(i) notitle

unset multiplot
