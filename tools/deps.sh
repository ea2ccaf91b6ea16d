#!/bin/sh
# Installs what kontora needs to build and test, or says how.
# As root: apt-get installs the missing packages.  Otherwise: prints the one
# apt-get command to run and fails, so nothing half-builds.
# ZIP archives (XLSX workbooks, a zipped 1C exchange) are read by
# lib/intake/zip.c with zlib, which is here already: no libzip, minizip or
# unzip(1), so an entry streams into libxml2 without a temporary file.
pkgs="build-essential pkg-config libgit2-dev libcsv-dev libxlsxwriter-dev libhpdf-dev
libsqlite3-dev libxml2-dev zlib1g-dev libjansson-dev fonts-dejavu-core mandoc python3
python3-openpyxl poppler-utils sqlite3 bc git perl man-db
libqrencode-dev libgmime-3.0-dev msmtp python3-aiosmtpd qpdf zbar-tools
libreoffice-calc-nogui bash-completion zsh gettext locales strace"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
# Russian messages are tested under ru_RU.UTF-8, which Debian generates
# only when asked.
ru_locale () {
	locale -a 2>/dev/null | grep -qi '^ru_RU\.utf-\?8$' && return 0
	[ "$(id -u)" = 0 ] || { echo "kontora: the ru_RU.UTF-8 locale is missing; as root: locale-gen ru_RU.UTF-8" >&2; return 0; }
	sed -i 's/^# *\(ru_RU.UTF-8 UTF-8\)/\1/' /etc/locale.gen && locale-gen >/dev/null
}
[ -z "$missing" ] && { ru_locale; exit 0; }
if [ "$(id -u)" = 0 ]; then
	echo "kontora: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq $missing >/dev/null || exit 1
	ru_locale
else
	echo "kontora: missing packages; run as root:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
