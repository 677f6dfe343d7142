#!/bin/sh
# Installs the Debian packages bpfilter needs to build, test and run the
# demo. Idempotent and quiet when everything is present.
set -e
PKGS="make gcc pkg-config libbpf-dev libelf-dev zlib1g-dev libcmocka-dev \
iptables nftables python3 iproute2 ethtool netbase clang-14 libclang-rt-14-dev ipset gnuplot-nox \
fail2ban ufw libcap2-bin"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
# fail2ban is for the tests, which run their own server in a namespace:
# never a service on the host.
case $missing in *fail2ban*)
	if command -v systemctl >/dev/null 2>&1; then
		$SUDO systemctl disable --now fail2ban.service >/dev/null 2>&1 || true
	fi ;;
esac
