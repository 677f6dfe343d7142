#!/bin/bash
# --json for monitoring (-j stays iptables' jump): `-L --json`, `status
# --json` and `set list --json` print JSON (checked by python3's parser)
# that says what the text says: every rule's counters, target, protocol,
# interfaces, addresses and extension text as -L -v -x -n prints them;
# the attachments; the sets' members. --json with another command is a
# parameter problem (exit 2).
. "$(dirname "$0")/../lib/netns.sh"
need_root
need_bpfilter
need_cmd python3
need_tool probe
bf_run_dir_new
tmpdir_new W
hosts_new A B
failures=0

for r in "-A INPUT -p udp --dport 9 -j DROP" "-A INPUT -i $IF_B -s 198.18.0.0/16 -p tcp --dport 22 -j ACCEPT" \
	"-N web" "-A web -j RETURN" "-A INPUT -j web" "-P INPUT DROP"; do
	bf "$B" $r || fail "$r"
done
bf "$B" -A INPUT -p udp --dport 10 -j ACCEPT || fail "-A"
bf "$B" attach "$IF_B" || fail "attach"
udp_received 3 9 >/dev/null
udp_received 2 10 >/dev/null

# The -L -v -x -n text rebuilt from the JSON, column by column.
bf "$B" -L -v -x -n --json >"$W/list.json" || fail "-L --json"
python3 - "$W/list.json" >"$W/from_json" <<'EOF' || fail "-L --json is not JSON"
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["chains"]:
    if "policy" in c:
        print("%s %s %d %d" % (c["name"], c["policy"], c["packets"], c["bytes"]))
    else:
        print("%s refs %d" % (c["name"], c["references"]))
    for r in c["rules"]:
        print(" ".join(str(r[k]) for k in ("packets", "bytes", "target", "opt", "in", "out",
                                            "source", "destination")), r["extra"])
EOF
bf "$B" -L -v -x -n | awk '
	/^Chain/ { gsub(/[(),]/, ""); if ($3 == "policy") print $2, $4, $5, $7; else print $2, "refs", $3; next }
	/^ *pkts/ || NF == 0 { next }
	{ extra = ""; for (i = 10; i <= NF; i++) extra = extra (extra ? " " : "") $i
	  print $1, $2, $3, $5, $6, $7, $8, $9, extra }' >"$W/from_text"
check "-L --json says what -L -v -x -n says" "$(cat "$W/from_text")" "$(cat "$W/from_json")"
check "-L --json: udp 9's rule counted" 3 \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["chains"][0]["rules"][0]["packets"])' "$W/list.json")"
bf "$B" -A INPUT --json -j DROP >/dev/null 2>&1
check "--json with -A: exit 2" 2 "$?"

bf "$B" status --json >"$W/status.json" || fail "status --json"
check "status --json" "$IF_B native attached tcx" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
a = d["interfaces"][0]
print(a["interface"], a["mode"], a["state"], a["output"].split("/")[0])' "$W/status.json")"
check "status --json: its program" "$(bf "$B" status | awk -v i="$IF_B" '$1 == i { print $4 }')" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["interfaces"][0]["prog_id"])' "$W/status.json")"

bf "$B" set create bad hash:ip || fail "set create"
bf "$B" set add bad 198.18.7.7 || fail "set add"
bf "$B" set add bad 198.18.7.8 || fail "set add"
check "set list --json: the members" "$(bf "$B" set list bad | sed -n '/^Members:/,$p' | tail -n +2 | sort)" \
	"$(bf "$B" set list --json | python3 -c 'import json,sys; print("\n".join(sorted(json.load(sys.stdin)[0]["members"])))')"

[ "$failures" -eq 0 ] || fail "$failures problems"
echo PASS
