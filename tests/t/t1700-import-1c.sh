#!/bin/sh
test_description='import 1c: CommerceML 2.x onto products, prices, stock and clients'
# See kontora-import(1), "1C".  Fixtures in tests/fixtures/1c/ were written
# by hand (exchange.zip holds import.xml and offers.xml as import0_1.xml
# and offers0_1.xml); the real exchange files of ../shared/data/real/ are
# read when that folder is there, and counted with python, not kontora.
. "$(dirname "$0")/test-lib.sh"

F=$TEST_FIXTURES/1c
REAL=${KONTORA_REAL_DATA:-$TEST_ROOT/../shared/data/real}
test -d "$REAL" && ls "$REAL"/cml*.xml >/dev/null 2>&1 && test_set_prereq REAL

# field ONEC_ID FIELD: the field of the product of that 1C id.
field () {
	kontora sql "select \"$2\" from product where onec_id = '$1'" | sed 1d
}

test_expect_success 'setup' '
	test_books books
'
cd books 2>/dev/null

test_expect_success 'a catalogue and its offers: groups, units, prices of the first price type, stock' '
	kontora import 1c "$F/import.xml" "$F/offers.xml" 2>err &&
	test_grep "products: 3 new, 0 updated, 0 unchanged, 0 made inactive" err &&
	test_grep "offers: 2 applied, 1 without a product" err &&
	test_grep "offers.xml:64: offer p-ghost (Товар, которого нет в каталоге): no product with this 1C id" err &&
	test "$(field p-gel group)" = "Бытовая химия / Гели" &&
	test "$(field p-soap group)" = "Бытовая химия" &&
	test "$(field p-gel unit)" = pcs &&
	test "$(field p-soap unit)" = kg &&
	test "$(field p-gel price)" = 123450 &&
	test "$(field p-gel stock)" = 15 &&
	test "$(field p-soap article)" = МЛ-1 &&
	test "$(field p-gel barcode)" = 4600000000017 &&
	test "$(field p-gel full_name)" = "Гель для мытья посуды «Лимон», канистра 5 л" &&
	field p-gel description >out && test_grep "Разводить 1:10" out &&
	test "$(field p-ghost name)" = "" &&
	git log -1 --format=%s >subject &&
	echo "import 1c: products 3 new, 0 updated, 0 inactive; clients 0 new, 0 updated; 2 offers, 1 without a product" >expect &&
	test_cmp expect subject &&
	test_clean
'

test_expect_success 'a price per pack of 12 becomes the price of one base unit' '
	kontora product list -f csv >out &&
	test_grep "^G[^,]*,p-soap,МЛ-1,\"Мыло жидкое, 1 кг\",Бытовая химия,kg,100.00,40,true," out
'

test_expect_success 'the same files again change nothing and commit nothing' '
	before=$(git rev-parse HEAD) &&
	kontora import 1c "$F/offers.xml" "$F/import.xml" 2>err &&
	test_grep "products: 0 new, 0 updated, 3 unchanged, 0 made inactive" err &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_expect_success 'another price type by name' '
	kontora import 1c --dry-run --price-type Розничная "$F/offers.xml" 2>err &&
	test_grep "would import: products: 0 new, 1 updated" err &&
	test_expect_code 1 kontora import 1c --price-type Мелкооптовая "$F/offers.xml" 2>err &&
	test_grep "offers.xml:8: price type Мелкооптовая is not in the file (it has: Оптовая, Розничная)" err
'

# The offers pass skips a file whose bytes hold no package name (issue
# 16): only when those bytes are UTF-8, else the name is not found.
test_expect_success 'offers in Windows-1251, in UTF-16 and after the catalogue in one file are read' '
	sed -e "s/encoding=\"UTF-8\"/encoding=\"windows-1251\"/" -e "s/>1234.5</>1111</" "$F/offers.xml" |
		iconv -f UTF-8 -t CP1251 >offers-cp1251.xml &&
	kontora import 1c offers-cp1251.xml 2>err &&
	test "$(field p-gel price)" = 111100 &&
	sed -e "s/encoding=\"UTF-8\"/encoding=\"UTF-16\"/" -e "s/>1234.5</>2222</" "$F/offers.xml" |
		iconv -f UTF-8 -t UTF-16 >offers-utf16.xml &&
	kontora import 1c offers-utf16.xml 2>err &&
	test "$(field p-gel price)" = 222200 &&
	sed -n "/<Каталог/,/<\/Каталог>/p" "$F/import.xml" >catalogue &&
	sed -n "/<ПакетПредложений/,/<\/ПакетПредложений>/p" "$F/offers.xml" | sed "s/>1234.5</>3333</" >package &&
	{ sed -n 1,2p "$F/import.xml" && sed -n "/<Классификатор/,/<\/Классификатор>/p" "$F/import.xml" &&
	  cat catalogue package && echo "</КоммерческаяИнформация>"; } >one.xml &&
	kontora import 1c one.xml 2>err &&
	test_grep "products: 0 new, 1 updated, 2 unchanged" err &&
	test "$(field p-gel price)" = 333300 &&
	kontora import 1c "$F/offers.xml" 2>err &&
	test "$(field p-gel price)" = 123450
'

# The offers pass reads a file a window of 1 MiB at a time, looking for
# "Предложений" and the rest of a package name before it: a name cut by
# a window's end, at any byte, is still found.  The package's opening
# tag is cut by the end of the first window, its closing tag by the end
# of the second, so that neither is found whole in a window.
test_expect_success 'a package name across the offers pass'"'"'s windows of 1 MiB is found' '
	for cut in 3 10 16 31; do
		sed "s/>1234.5</>$cut</" "$F/offers.xml" >priced.xml &&
		open=$(grep -n "<ПакетПредложений" priced.xml | sed -n "1s/:.*//p") &&
		a=$(grep -bo "<ПакетПредложений" priced.xml | sed -n "1s/:.*//p") &&
		c=$(grep -bo "</ПакетПредложений" priced.xml | sed -n "1s/:.*//p") &&
		pad1=$((1048576 - cut - a - 8)) && pad2=$((2097152 - cut - c - 2 - pad1 - 14)) &&
		{ sed -n 1p priced.xml && printf "<!--%${pad1}s-->" "" && sed -n "2,${open}p" priced.xml &&
		  printf "<!--%${pad2}s-->" "" && sed "1,${open}d" priced.xml; } >padded.xml &&
		test "$(head -c $((1048576 - cut + 2)) padded.xml | tail -c 3)" = "<П" &&
		test "$(head -c $((2097152 - cut + 2)) padded.xml | tail -c 4)" = "</П" || return 1
		kontora import 1c padded.xml 2>err &&
		test "$(field p-gel price)" = ${cut}00 || return 1
	done &&
	kontora import 1c "$F/offers.xml" 2>err &&
	test "$(field p-gel price)" = 123450
'

test_expect_success 'an existing product keeps its id; a full export marks what it no longer lists inactive' '
	gel=$(field p-gel id) && can=$(field p-can id) &&
	kontora import 1c "$F/import-full2.xml" 2>err &&
	test_grep "products: 0 new, 1 updated, 1 unchanged, 1 made inactive" err &&
	test "$(field p-gel id)" = "$gel" &&
	test "$(field p-can id)" = "$can" &&
	test "$(field p-can active)" = 0 &&
	test "$(field p-soap name)" = "Мыло жидкое «Алоэ», 1 кг" &&
	test "$(field p-soap price)" != "" &&
	kontora product show $can >out && test_grep "Канистра 20 л" out
'

test_expect_success 'a partial export (СодержитТолькоИзменения as an element, 2.03, BOM, ШтрихКод) touches only what it lists' '
	kontora import 1c "$F/partial-203.xml" 2>err &&
	test_grep "products: 0 new, 1 updated, 0 unchanged, 0 made inactive" err &&
	test "$(field p-gel name)" = "Гель для посуды «Лимон», 5 л (новая этикетка)" &&
	test "$(field p-gel barcode)" = 4600000000024 &&
	test "$(field p-gel unit)" = pcs &&
	test "$(field p-gel stock)" = 15 &&
	test "$(field p-soap active)" = 1
'

test_expect_success 'a product listed again comes back active' '
	kontora import 1c "$F/import.xml" 2>err &&
	test_grep "made inactive" err &&
	test "$(field p-can active)" = 1
'

test_expect_success 'an offer alone does not keep active a product a full catalogue left out' '
	kontora import 1c "$F/import-full2.xml" "$F/offers-can.xml" 2>err &&
	test_grep "1 made inactive" err &&
	test "$(field p-can active)" = 0 &&
	test "$(field p-can price)" = 50000 &&
	test "$(field p-can stock)" = 3
'

test_expect_success 'Windows-1251 as the XML declaration says' '
	kontora import 1c "$F/import-cp1251.xml" 2>err &&
	test "$(field p-bleach name)" = "Отбеливатель «Белизна», 1 л" &&
	test "$(field p-bleach description)" = "Хлорсодержащее средство; ёмкость 1 л."
'

test_expect_success '2.08 under the commerceml_210 namespace, offers of 2.10 with stock per warehouse in Остатки' '
	kontora import 1c "$F/import-208.xml" "$F/offers-210.xml" 2>err &&
	test_grep "products: 1 new" err &&
	test "$(field p-foam stock)" = 9 &&
	kontora product list -f csv >out &&
	test_grep ",p-foam,ПН-1,\"Пена для ванн, 0,5 л\",,pcs,89.90,9,true," out
'

test_expect_success 'a zip of an exchange gives the same products as its files' '
	kontora init ../zipped >/dev/null &&
	(cd ../zipped && kontora import 1c "$F/exchange.zip" 2>err && test_grep "products: 3 new" err &&
	 test_grep "exchange.zip/offers0_1.xml:64: offer p-ghost" err &&
	 kontora sql "select onec_id, name, price, stock from product order by onec_id" -f csv) >got &&
	kontora init ../plain >/dev/null &&
	(cd ../plain && kontora import 1c "$F/import.xml" "$F/offers.xml" 2>/dev/null &&
	 kontora sql "select onec_id, name, price, stock from product order by onec_id" -f csv) >expect &&
	test_cmp expect got
'

test_expect_success 'counterparties onto clients: by INN and KPP, by INN, or new; a manager and notes are kept' '
	romashka=$(kontora client add --name "Ромашка" --inn 7707083893 --kpp 773601001 --manager anna --notes "звонить после обеда") &&
	lutik=$(kontora client add --name "Лютик" --inn 7736207543 --kpp 770499999) &&
	kontora import 1c "$F/contractors.xml" 2>err &&
	test_grep "clients: 2 new, 2 updated, 0 unchanged" err &&
	test_grep "contractors.xml:57: counterparty k-kz: inn: invalid checksum \"181310839110\": left out" err &&
	kontora client show $romashka -f json >card &&
	test_grep "\"manager\": {\"login\": \"anna\"" card &&
	test_grep "\"notes\": \"звонить после обеда\"" card &&
	test_grep "\"onec_id\": \"k-romashka\"" card &&
	test_grep "\"bik\": \"044525225\"" card &&
	test_grep "\"account\": \"40702810938000000001\"" card &&
	test_grep "\"corr_account\": \"30101810400000000225\"" card &&
	test_grep "\"bank\": \"ПАО Сбербанк\"" card &&
	test_grep "\"okpo\": \"00032537\"" card &&
	test_grep "\"phone\": \"+74955005550\"" card &&
	test_grep "\"email\": \"info@romashka.ru\"" card &&
	test_grep "\"address\": \"117312, Москва, ул. Вавилова, д. 19\"" card &&
	kontora client show $lutik -f json >card &&
	test_grep "\"onec_id\": \"k-lutik\"" card &&
	test_grep "\"kpp\": \"770401001\"" card &&
	test_grep "\"address\": \"119021, Москва, ул. Льва Толстого, 16\"" card &&
	kontora sql "select count(*) from client where inn = '\''7702070139'\''" -f csv >out &&
	test_grep "^0$" out &&
	kontora log $romashka >log && test_grep "import 1c" log
'

test_expect_success 'counterparties again: matched by 1C id now, nothing changes' '
	before=$(git rev-parse HEAD) &&
	kontora import 1c "$F/contractors.xml" 2>err &&
	test_grep "clients: 0 new, 0 updated, 4 unchanged" err &&
	test "$(git rev-parse HEAD)" = "$before"
'

test_expect_success 'two counterparties that would give two clients one INN: refused, nothing committed' '
	alpha=$(kontora client add --name Альфа --onec-id k-alpha) &&
	beta=$(kontora client add --name Бета --onec-id k-beta) &&
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora import 1c "$F/same-inn.xml" 2>err &&
	echo "kontora: error: $F/same-inn.xml:9: counterparty k-beta: inn: 7702070139 is already used by $alpha" >expect &&
	test_cmp expect err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	test_clean
'

test_expect_success 'dry run: said, not committed' '
	before=$(git rev-parse HEAD) &&
	kontora init ../dry >/dev/null &&
	(cd ../dry && kontora import 1c --dry-run "$F/import.xml" 2>err && test_grep "would import: products: 3 new" err &&
	 test "$(git rev-list --count HEAD)" = 1)
'

# A change keeps its first hundred records in memory and the others in a
# temporary file, and an edit op beyond the hundredth only the old values
# it changes (model/ops.c): a catalogue of hundreds goes through both.
test_expect_success 'hundreds of products: each whole in its shard, re-priced, the old prices in a dry run' '
	n=$(python3 "$TEST_ROOT/bench/gen-1c.py" ../big 1) &&
	test "$n" -gt 300 &&
	kontora init ../bigbooks >/dev/null &&
	(cd ../bigbooks && kontora import 1c ../big/import.xml ../big/offers.xml 2>err &&
	 test_grep "products: $n new, 0 updated" err &&
	 kontora sql "select count(*) from product where name <> \"\" and article <> \"\" and price <> \"\" and length(description) > 500" >out &&
	 test "$(sed 1d out)" = "$n" &&
	 kontora sql "select price from product where price % 100 <> 1 order by onec_id limit 1 offset 300" |
		awk "NR == 2 { printf \"%d.%02d\", \$1 / 100, \$1 % 100 }" >old &&
	 sed "s|<ЦенаЗаЕдиницу>\([0-9]*\)\.[0-9]*</ЦенаЗаЕдиницу>|<ЦенаЗаЕдиницу>\1.01</ЦенаЗаЕдиницу>|" \
		../big/offers.xml >../big/offers-new.xml &&
	 kontora import 1c --dry-run ../big/import.xml ../big/offers-new.xml >dry 2>err &&
	 test_grep "would import: products: 0 new, [1-9][0-9][0-9] updated" err &&
	 test_grep "^price: $(cat old) -> [0-9]*\.01$" dry &&
	 test "$(grep -c "^price: [0-9.]* -> [0-9]*\.01$" dry)" -gt 300 &&
	 kontora import 1c ../big/import.xml ../big/offers-new.xml 2>err &&
	 test_grep "products: 0 new, [1-9][0-9][0-9] updated" err &&
	 git show --format= --name-only HEAD >changed &&
	 test_grep "^data/product/" changed &&
	 ! grep -v "^data/product/" changed &&
	 test_clean &&
	 kontora import 1c ../big/import.xml ../big/offers-new.xml 2>err &&
	 test_grep "products: 0 new, 0 updated, $n unchanged" err)
'

# More products than the first table of the 1C ids met holds (1,024
# slots, grown at 512): each id must still be found after it grew.
test_expect_success 'many products: ids met again after the table of ids grew, a full export without the last' '
	n=$(python3 "$TEST_ROOT/bench/gen-1c.py" ../many 2) &&
	test "$n" -gt 600 &&
	kontora init ../manybooks >/dev/null &&
	(cd ../manybooks && kontora import 1c ../many/import.xml ../many/offers.xml 2>err &&
	 test_grep "products: $n new, 0 updated" err &&
	 kontora import 1c ../many/import.xml ../many/import.xml ../many/offers.xml 2>err &&
	 test_grep "products: 0 new, 0 updated, $n unchanged, 0 made inactive" err &&
	 test_grep "offers: $n applied, 0 without a product" err &&
	 first=$(grep -n -m1 "<Товар>" ../many/import.xml | cut -d: -f1) &&
	 id=$(sed -n "$((first + 1))s|.*<Ид>\(.*\)</Ид>.*|\1|p" ../many/import.xml) &&
	 awk -v f="$first" "NR > f && !done && /<Наименование>/ { sub(\"</Наименование>\", \" другой</Наименование>\"); done = 1 } 1" \
		../many/import.xml >../many/changed.xml &&
	 before=$(git rev-parse HEAD) &&
	 test_expect_code 1 kontora import 1c ../many/import.xml ../many/changed.xml 2>err &&
	 echo "kontora: error: ../many/changed.xml:$first: product $id is repeated with different data (first at ../many/import.xml:$first)" >expect &&
	 test_cmp expect err &&
	 test "$(git rev-parse HEAD)" = "$before" &&
	 last=$(grep -n "<Товар>" ../many/import.xml | tail -1 | cut -d: -f1) &&
	 end=$(awk -v l="$last" "NR > l && /<\/Товар>/ { print NR; exit }" ../many/import.xml) &&
	 lastid=$(sed -n "$((last + 1))s|.*<Ид>\(.*\)</Ид>.*|\1|p" ../many/import.xml) &&
	 sed "${last},${end}d" ../many/import.xml >../many/fewer.xml &&
	 kontora import 1c ../many/fewer.xml ../many/offers.xml 2>err &&
	 test_grep "products: 0 new, 0 updated, $((n - 1)) unchanged, 1 made inactive" err &&
	 test_grep "offers: $n applied, 0 without a product" err &&
	 test "$(kontora sql "select count(*) from product where active = 0" | sed 1d)" = 1 &&
	 test "$(field "$lastid" active)" = 0 &&
	 test_clean)
'

test_expect_success 'hundreds of products and a broken file after them: nothing imported' '
	kontora init ../bigbad >/dev/null &&
	(cd ../bigbad && before=$(git rev-parse HEAD) &&
	 test_expect_code 1 kontora import 1c ../big/import.xml "$F/truncated.xml" 2>err &&
	 test_grep "truncated.xml:45: not well-formed XML" err &&
	 test "$(git rev-parse HEAD)" = "$before" && test_clean)
'

# bad_input FILE MESSAGE: refused with exit 1 and that message, nothing
# committed, the worktree clean.
bad_input () {
	before=$(git rev-parse HEAD) &&
	test_expect_code 1 kontora import 1c "$F/import-full2.xml" "$F/$1" 2>err &&
	echo "kontora: error: $F/$2" >expect &&
	test_cmp expect err &&
	test "$(git rev-parse HEAD)" = "$before" &&
	test_clean
}

test_expect_success 'not CommerceML' '
	bad_input not-cml.xml "not-cml.xml:2: not CommerceML: the root element is <html>, not <КоммерческаяИнформация>"
'

test_expect_success 'truncated XML: the line where it stops' '
	bad_input truncated.xml "truncated.xml:45: not well-formed XML (truncated?): Extra content at the end of the document"
'

test_expect_success 'an unknown encoding' '
	bad_input bad-encoding.xml "bad-encoding.xml:1: not well-formed XML: Unsupported encoding koi9-r"
'

test_expect_success 'a 1C id repeated with different data' '
	bad_input dup-id.xml "dup-id.xml:13: product p-dup is repeated with different data (first at $F/dup-id.xml:5)"
'

test_expect_success 'a price that is not a number' '
	bad_input bad-price.xml "bad-price.xml:54: offer p-soap: ЦенаЗаЕдиницу 12О0 is not a number"
'

test_expect_success 'a file that is not there; a broken zip' '
	test_expect_code 1 kontora import 1c "$F/import.xml" nosuch.xml 2>err &&
	test_grep "nosuch.xml: No such file or directory" err &&
	head -c 600 "$F/exchange.zip" >broken.zip &&
	test_expect_code 1 kontora import 1c broken.zip 2>err &&
	test_grep "broken.zip: not a ZIP archive (no ZIP directory: truncated or not a ZIP archive)" err &&
	test_clean
'

test_expect_success 'usage' '
	test_expect_code 2 kontora import 1c 2>err &&
	test_grep "kontora import 1c" err &&
	kontora import 1c -h >out && test_grep "price-type" out
'

# Counts of products and counterparties in a CommerceML file, by python's
# own XML parser, namespaces ignored.
count () {
	/usr/bin/python3 - "$1" <<-\PY
	import sys, xml.etree.ElementTree as ET
	local = lambda t: t.rsplit("}", 1)[-1]
	root = ET.parse(sys.argv[1]).getroot()
	parent = {c: p for p in root.iter() for c in p}
	products = sum(1 for e in root.iter() if local(e.tag) == "Товар" and local(parent[e].tag) == "Товары")
	clients = sum(1 for e in root.iter() if local(e.tag) == "Контрагент" and local(parent[e].tag) == "Контрагенты")
	print(products, clients)
	PY
}

test_expect_success REAL 'every real exchange file imports, with the products and counterparties it holds' '
	for f in "$REAL"/cml*.xml
	do
		rm -rf ../real && kontora init ../real >/dev/null &&
		set -- $(count "$f") &&
		(cd ../real && kontora import 1c "$f" 2>err) &&
		got_p=$(cd ../real && kontora sql "select count(*) from product" -f csv | sed 1d) &&
		got_c=$(cd ../real && kontora sql "select count(*) from client" -f csv | sed 1d) &&
		echo "$(basename $f): $1 $2" >expect &&
		echo "$(basename $f): $got_p $got_c" >got &&
		test_cmp expect got || return 1
	done
'

test_expect_success REAL 'real pairs: offers priced onto their products, those of other products reported' '
	for pair in cml203_ua cml208
	do
		rm -rf ../real && kontora init ../real >/dev/null &&
		(cd ../real && kontora import 1c "$REAL/${pair}_import.xml" "$REAL/${pair}_offers.xml" 2>err &&
		 test_grep " 0 without a product" err &&
		 kontora sql "select count(*) from product where price is null or price = '\'''\''" -f csv | sed 1d >n &&
		 echo 0 >zero && test_cmp zero n) || return 1
	done &&
	rm -rf ../real && kontora init ../real >/dev/null &&
	(cd ../real && kontora import 1c "$REAL/cml207_import0_1.xml" "$REAL/cml207_offers0_1.xml" 2>err &&
	 orphans=$(/usr/bin/python3 -c "
import sys, xml.etree.ElementTree as ET
local = lambda t: t.rsplit(\"}\", 1)[-1]
ids = lambda f, tag: {e.text.strip() for p in ET.parse(f).getroot().iter() if local(p.tag) == tag for e in p if local(e.tag) == \"Ид\"}
print(len(ids(sys.argv[2], \"Предложение\") - ids(sys.argv[1], \"Товар\")))" "$REAL/cml207_import0_1.xml" "$REAL/cml207_offers0_1.xml") &&
	 test_grep " $orphans without a product" err)
'

test_done
