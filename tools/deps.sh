#!/bin/sh
# Installs what kontora needs to build and test, or says how.
# As root: apt-get installs the missing packages.  Otherwise: prints the one
# apt-get command to run and fails, so nothing half-builds.
pkgs="build-essential pkg-config libgit2-dev libcsv-dev libxlsxwriter-dev libhpdf-dev
libsqlite3-dev libxml2-dev zlib1g-dev libjansson-dev fonts-dejavu-core mandoc python3
python3-openpyxl poppler-utils sqlite3 bc git perl man-db
libqrencode-dev libgmime-3.0-dev msmtp python3-aiosmtpd qpdf zbar-tools
libreoffice-calc-nogui bash-completion zsh"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "kontora: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq $missing >/dev/null || exit 1
else
	echo "kontora: missing packages; run as root:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
