# bench/results.png from the data files bench/run.sh passes (datadir).
load datadir.'/lines.gp'
set terminal pngcairo size 1400,560 font ",11"
set output 'bench/results.png'
set multiplot layout 1,2 title "bpfilter (classifier) - ".system("uname -r")
set logscale x
set logscale y
set xlabel "rules"
set key top left
set grid
set xrange [0.7:150000]
set ylabel "ns per packet (BPF\\_PROG\\_TEST\\_RUN)"
set title "per packet cost (missing points: does not load)"
plot datadir.'/ns.dat' u 1:2 w lp pt 7 t "IPv4, no match", \
     '' u 1:3 w lp pt 5 t "IPv4, last rule", \
     '' u 1:4 w lp pt 7 t "IPv6, no match", \
     '' u 1:5 w lp pt 5 t "IPv6, last rule", \
     floor w l dt 2 lc rgb "black" t "empty XDP program (floor)"
set ylabel "packets/s dropped (live veth, 64-byte UDP)"
set title "drop rate, packets matching the last rule"
set key bottom left
plot datadir.'/pps.dat' u 1:2 w lp pt 7 t "bpfilter (XDP)", \
     '' u 1:3 w lp pt 5 t "iptables-legacy raw PREROUTING", \
     '' u 1:4 w lp pt 9 t "iptables-nft raw PREROUTING", \
     xdpdrop w l dt 2 lc rgb "black" t "XDP\\_DROP program"
unset multiplot
