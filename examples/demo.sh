#!/bin/sh
# make demo: the Batiskaf example, run as a user would, from examples/.
# Writes the books and every output into demo-out/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/demo-out
K=$top/kontora
export TZ=${TZ:-Europe/Moscow}
unset KONTORA_USER KONTORA_BOOKS

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
kontora() { "$K" "$@"; }

rm -rf "$out"
mkdir -p "$out"
identity_dir=$out
. "$top/tools/git-identity.sh"
cd "$out"

say "New books with Batiskaf's requisites"
run kontora init books --company "$top/examples/company.conf"
cd books
run kontora config company.legal-name

say "Employees from examples/employees.tsv, one commit each"
# Each TSV column is a field of the schema: --login anna --name ... and so on.
add_rows() {
	rows=$(($(wc -l <"$2") - 1))
	for n in $(seq 1 "$rows"); do
		awk -F'\t' -v n="$n" 'NR == 1 { for (i = 1; i <= NF; i++) h[i] = $i }
			NR == n + 1 { for (i = 1; i <= NF; i++) if ($i != "") printf "--%s%c%s%c", h[i], 0, $i, 0 }' "$2" |
			xargs -0 "$K" "$1" add
	done
}
add_rows employee "$top/examples/employees.tsv"
run kontora employee list

say "Clients from examples/clients.tsv (phones, e-mails, cities and sources normalised)"
add_rows client "$top/examples/clients.tsv"
run kontora client list --sort name

say "A client by a short id prefix, as git takes short hashes"
id=$(kontora client list --where 'inn=7707083893' -f csv | sed -n 2p | cut -d, -f1)
short=$(printf %s "$id" | cut -c1-4)
run kontora client show "$short"

say "Edits: each one commit by the employee who made it"
KONTORA_USER=anna run kontora client edit "$short" --set phone='8 (495) 765-43-21' --set shipping_address='Москва, ул. Складская, 7'
KONTORA_USER=anna run kontora client edit "$short" --sample-recipient 'Сидоров Павел' --sample-recipient-phone '+7 916 000 11 22'
run kontora client edit "$short" --set notes='Просят образцы до пятницы' --dry-run

say "The history of the record, from git"
run kontora log "$short" | tee "$out/client-log.txt"

say "Lists: filters, sorting, formats"
run kontora client list --where 'manager=ivan'
run kontora client list --where 'name~ёлка'
kontora client list -f csv >"$out/clients.csv"
kontora client list -f json >"$out/clients.json"
kontora employee list -f csv >"$out/employees.csv"
echo "wrote $out/clients.csv, clients.json, employees.csv"

say "Leads, linked to clients; a busy type keeps each month in 32 files by id"
KONTORA_USER=anna run kontora lead add --title 'Гель для посуды, 2 т' --client "$short" --phone '8 916 555 01 02' --amount '480 000' --source 'Сайт' --manager anna
KONTORA_USER=ivan run kontora lead add --title 'Антисептик, пробная партия' --name 'Павел' --email 'Pavel@Example.RU' --amount '75000,50' --source exhibition --manager ivan
run kontora lead list
find data/lead -type f | sort
kontora lead list -f csv >"$out/leads.csv"

say "Search: any words, ignoring case and ё; phones by their digits"
run kontora search ёлка
run kontora search 916 555
run kontora search павел

say "The index is a cache: delete it or rebuild it, nothing is lost"
rm .git/kontora/index.db .git/kontora/search.db
run kontora reindex
run kontora client list --sort -name --limit 2
# The reindex filled the full-text table too (search.db): no search waits.
run kontora search ёлка
# The reindex also counted the leads by manager for the distribution
# rule (round robin), so the next lead without a manager scans none.
run kontora sql "select owner, month, v as no_client, n from _count_lead_client_e order by owner"

say "Start-up: a read whose index is current loads no libgit2 (KONTORA_FAULT would kill it there)"
run env KONTORA_FAULT=libgit2:kill "$K" client list --sort -name --limit 2
run kontora --version

say "Read-only SQL on the index"
run kontora sql "select manager, count(*) as clients from client group by manager order by manager"
run kontora sql "delete from client" || echo "(refused, as it should be)"

say "A hand edit with a mistake, caught by kontora check"
shard=$(ls data/client/*.csv | head -1)
sed -i 's/,7830002293,/,7830002294,/' "$shard"
run kontora check >"$out/check.txt" 2>&1 || true
cat "$out/check.txt"
git checkout -q -- "$shard"
run kontora check && echo "books are valid"

say "Roles: a manager sees only their own records; a refusal names the rule"
KONTORA_USER=ivan run kontora lead list
lead=$(kontora lead list --where 'manager=anna' -f csv | sed -n 2p | cut -d, -f1)
KONTORA_USER=ivan run kontora lead show "$lead" || echo "(refused: it is Anna's lead)"
KONTORA_USER=oleg run kontora lead list --where 'amount>=50000'
KONTORA_USER=ivan run kontora config vat.rate 10 || echo "(refused: settings are an admin's)"

say "Maria leaves: deactivate gives her open records to Ivan in one commit"
run kontora employee add --login maria --name 'Мария Белова' --email maria@batiskaf.ru --role manager
KONTORA_USER=maria run kontora lead add --title 'Средство для стёкол, 500 л' --phone '+7 903 222 33 44'
KONTORA_USER=maria run kontora task add --on "$(kontora lead list --where manager=maria -f csv | sed -n 2p | cut -d, -f1)" --due 2026-12-01 Выслать образец
run kontora employee deactivate maria --to ivan --dry-run
run kontora employee deactivate maria --to ivan
KONTORA_USER=ivan run kontora task list
KONTORA_USER=maria run kontora lead list || echo "(refused: maria is inactive)"
say "Saved filters: the director's ready-made ones, and a manager's own"
run kontora filter list
KONTORA_USER=anna run kontora task add --on "$short" --to anna --due 2026-01-15 Перезвонить по образцам
run kontora filter run tasks-by-manager
run kontora filter run leads-processed --manager anna
run kontora filter run clients-attention --days 7
run kontora filter run clients-attention -f xlsx -o "$out/clients-attention.xlsx"
echo "wrote $out/clients-attention.xlsx"
KONTORA_USER=anna run kontora filter save big --description 'Крупные сделки' -- lead --where 'amount>=100 000' --sort -amount
run kontora filter run big -f csv

say "Labels: the customer's words in tables, cards and workbooks (kontora.conf)"
run kontora config label.lead Заявка
run kontora config label.lead.amount 'Сумма сделки'
run kontora config label.funnel_stage.new 'Новая заявка'
run kontora lead list -f xlsx -o "$out/leads-labelled.xlsx"
echo "wrote $out/leads-labelled.xlsx (header: Сумма сделки; stage: Новая заявка)"
run kontora lead list
echo "(on a terminal the table says Сумма сделки and Новая заявка; piped, as here, it keeps field names and ids for scripts)"

say "The client card: contacts, leads, totals, tasks, files in one view"
KONTORA_USER=anna run kontora contact add --client "$short" --position 'Начальник снабжения' --phone '+7 916 123 45 67' Иван Смирнов
KONTORA_USER=anna run kontora task add --on "$short" --due 2026-12-04 --to anna Отправить КП по гелю
won=$(KONTORA_USER=anna kontora lead add --client "$short" --amount '120 000' --manager anna --title 'Средство для пола, 1 т')
KONTORA_USER=anna run kontora lead won "$won"
KONTORA_USER=anna run kontora note "$short" --call Договорились о поставке геля в январе
KONTORA_USER=anna run kontora attach "$short" "$top/examples/price-list.txt"
run kontora attach --list "$short"
run kontora client show "$short"
kontora client show "$short" -f json >"$out/client-card.json"
echo "wrote $out/client-card.json"

say "Workflow rules (workflows/lead.flow): the task of a move, edits by role and state"
lead=$(KONTORA_USER=ivan kontora lead add --title 'Пятновыводитель, опт' --name 'Ольга' --manager ivan)
KONTORA_USER=ivan run kontora lead qualify "$lead"
run kontora task list --where "on=$lead"
task=$(kontora task list --where "on=$lead" -f csv | sed -n 2p | cut -d, -f1)
KONTORA_USER=ivan run kontora task done "$task" || echo "(refused: the lead has no amount yet)"
KONTORA_USER=ivan run kontora lead edit "$lead" --amount '250 000'
KONTORA_USER=ivan run kontora task done "$task" --result 'КП отправлено'
KONTORA_USER=ivan run kontora lead won "$lead"
KONTORA_USER=ivan run kontora lead edit "$lead" --amount '300 000' || echo "(refused: a won lead is the director's)"
KONTORA_USER=oleg run kontora lead edit "$lead" --amount '300 000'
run kontora employee edit ivan --supervisor oleg
lost=$(KONTORA_USER=ivan kontora lead add --title 'Отбеливатель' --manager ivan)
KONTORA_USER=ivan run kontora lead lost "$lost" --reason price
run kontora activity list --where "on=$lost"

say "Leads: distributed to managers, linked to known clients, ★ until processed"
run kontora config assign.rule
run kontora lead add --source 'Сайт' 'Средство для стёкол, 500 л'
run kontora lead add --source 'Сайт' 'Пятновыводитель'
run kontora lead add --source 'Сайт' 'Гель для стирки'
run kontora lead add --phone '8 (812) 555-12-34' 'Повторный заказ по телефону'
run kontora lead add --processed false --name 'Ольга' --phone '+7 903 100 20 30' 'Заявка с сайта' |
	tee "$out/web-lead.txt"
web=$(tail -n 1 "$out/web-lead.txt")
run kontora lead list --where processed=false
who=$(kontora lead show "$web" | sed -n 's/^manager: //p')
KONTORA_USER=$who run kontora lead processed "$web"
run kontora lead assign "$web" ivan
run kontora lead list

say "Web leads: the site posts to the webhook, cron imports the spool and exports"
run kontora config webhook.secret demo-secret
# As the web server runs it (see kontora-webhook(1)): CGI variables, the body on stdin.
for post in "$top"/examples/web-leads/tilda-*.form; do
	printf '$ kontora webhook <%s\n' "${post#$top/}"
	REQUEST_METHOD=POST QUERY_STRING='source=tilda&secret=demo-secret' \
		CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=$(wc -c <"$post") \
		"$K" webhook <"$post" | tr -d '\r' | head -n 1
done
run ls .git/kontora/spool/new
run kontora import spool
run kontora import spool
echo "(the spool is empty now: nothing said, so cron mails nothing)"
run kontora import leads --source formdesigner --rejects "$out/rejected-leads.csv" \
	"$top/examples/web-leads/export.csv" || echo "(exit 1: one row rejected, the rest imported)"
run kontora import leads --source formdesigner --rejects "$out/rejected-leads.csv" \
	"$top/examples/web-leads/export.csv" || echo "(the same file again: nothing new)"
run kontora lead list --where processed=false
run kontora task list --where 'text~Обработать'
echo "wrote $out/rejected-leads.csv"

say "The laboratory: a cost calculation and a sample, as the manager (anna) and the chemist (elena)"
gel=$(kontora product add --name 'Гель для посуды, 5 л' --article GEL-5 --unit l)
KONTORA_USER=anna run kontora lab calc new --client "$short" --product 'Гель для посуды' \
	--wishes 'Без запаха, pH 7' --volume 1000 --unit л --due 2026-12-04 | tee "$out/calc.txt"
calc=$(tail -n 1 "$out/calc.txt")
KONTORA_USER=anna run kontora lab calc send "$calc"
KONTORA_USER=elena run kontora lab queue
KONTORA_USER=elena run kontora lab calc take "$calc"
KONTORA_USER=elena run kontora lab calc edit "$calc" --wishes 'С запахом' ||
	echo "(refused: the customer's wishes are the manager's)"
KONTORA_USER=elena run kontora lab calc finish "$calc" --formula 'ПАВ 12%, без отдушки' --cost '184,50'
run kontora task list --where "on=$calc"
other=$(KONTORA_USER=anna kontora client add --name 'ИП Соколова' --manager anna)
KONTORA_USER=anna run kontora lab sample new --client "$other" --product "$gel" --wishes 'Пробник' ||
	echo "(refused: the client card has no address or recipient for samples)"
KONTORA_USER=anna run kontora lab sample new --from-calc "$calc" | tee "$out/sample.txt"
sample=$(tail -n 1 "$out/sample.txt")
KONTORA_USER=anna run kontora lab sample send "$sample"
KONTORA_USER=elena run kontora lab sample take "$sample"
KONTORA_USER=elena run kontora lab sample ready "$sample"
KONTORA_USER=elena run kontora lab sample ship "$sample" --carrier СДЭК --tracking 1234567890
KONTORA_USER=anna run kontora lab sample deliver "$sample" --feedback 'Понравился, ждут КП'
run kontora log "$sample"
KONTORA_USER=oleg run kontora lab list --all

say "On a terminal: names, not ids (references by title, states by label)"
# script(1) gives the commands a terminal, as a person has; piped they
# print ids and stored forms for programs, as above.
on_tty() {
	printf '$ %s\n' "$*"
	if script -qec true /dev/null </dev/null >/dev/null 2>&1; then
		script -qec "$*" /dev/null </dev/null | tr -d '\r' | tee -a "$out/on-terminal.txt"
	else
		echo "(no pseudo-terminal here: script(1) cannot open one)"
	fi
}
on_tty KONTORA_USER=oleg "$K" lab sample show "$sample"
on_tty KONTORA_USER=oleg "$K" lab list --all
on_tty "$K" client show "$short"

say "Messages in Russian under a Russian locale, English otherwise (po/ru.po)"
if locale -a 2>/dev/null | grep -qi '^ru_RU\.utf-\?8$'; then
	(export LC_ALL=ru_RU.UTF-8
	 run kontora lab calc done "$calc" || echo "(exit $?: done is a state; the transition into it is finish)"
	 run kontora lead add --no-such-option || echo "(exit $?: a usage error)")
else
	echo "(ru_RU.UTF-8 is not generated here: tools/deps.sh does it as root)"
fi

say "1C: the catalogue, prices and stock from 1C's exchange files, and its counterparties"
# What the accountant brings from 1C's "обмен с сайтом" (examples/1c/):
# import.xml (groups, products), offers.xml (prices, stock per warehouse),
# contractors.xml (counterparties), all or nothing in one commit.
run kontora import 1c "$top/examples/1c/import.xml" "$top/examples/1c/offers.xml" \
	"$top/examples/1c/contractors.xml"
run kontora product list
run kontora sql "select article, \"group\", unit, barcode from product where onec_id <> '' order by article"
run kontora client list --where 'onec_id~1c0b'
run kontora client show "$short" | sed -n '1,17p;/^Менеджер/,/^$/p'
run git log -1 --format=%s
run kontora import 1c "$top/examples/1c/import.xml" "$top/examples/1c/offers.xml" \
	"$top/examples/1c/contractors.xml"
echo "(the same files again: nothing changed, no commit)"
run git log -1 --format=%s
run kontora import 1c "$top/examples/1c/changes.xml"
run kontora log "$(kontora sql "select id from product where article = 'GP-02'" | sed 1d)"

say "Mail: the workbook to the director, as cron sends it every Monday (kontora-mail(1))"
run kontora config mail.from
printf 'Добрый день!\n\nВо вложении — клиенты, которым давно не звонили.\n' >"$out/mail-body.txt"
echo "\$ kontora mail --dry-run --to 'Смирнов Олег <director@batiskaf.ru>' --cc anna@batiskaf.ru --subject 'Клиенты без внимания' --body mail-body.txt clients-attention.xlsx >mail-attention.eml"
kontora mail --dry-run --to 'Смирнов Олег <director@batiskaf.ru>' --cc anna@batiskaf.ru \
	--subject 'Клиенты без внимания' --body "$out/mail-body.txt" "$out/clients-attention.xlsx" \
	>"$out/mail-attention.eml"
sed -n '1,/^$/p' "$out/mail-attention.eml"
sed -n '/^$/,$p' "$out/mail-attention.eml" | grep -E '^Content-(Type|Disposition)'
echo "wrote $out/mail-attention.eml (the message, not sent)"
# No mail server here: a sendmail command that keeps the message shows the
# pipe; a real one is msmtp or sendmail (kontora config mail.sendmail ...).
run kontora config mail.sendmail "cat >'$out/mail-sent.eml'"
run kontora mail --to director@batiskaf.ru "$out/clients-attention.xlsx"
echo "wrote $out/mail-sent.eml (what the sendmail command was given)"
run kontora config mail.sendmail false
run kontora mail --to director@batiskaf.ru "$out/clients-attention.xlsx" ||
	echo "(exit 1: the sendmail command failed, nothing claimed as sent)"

say "A contract from the books' template, as PDF (templates/supply.contract)"
KONTORA_USER=anna run kontora client edit "$short" --address '109028, г. Москва, Хохловский пер., д. 7' \
	--ogrn 1027739019142 --bank 'АО «Альфа-Банк»' --bik 044525593 \
	--corr-account 30101810200000000593 --account 40702810801300012345
run kontora contract templates
KONTORA_USER=anna run kontora contract new --client "$short" --template supply --amount '250 000' \
	--until 2027-12-31 --set payment_days=7 \
	--set buyer_signer='генерального директора Петровой Марии Ивановны' \
	--set buyer_sign='Петрова М. И.' | tee "$out/contract.txt"
contract=$(tail -n 1 "$out/contract.txt")
run kontora contract show "$contract"
run kontora contract pdf "$contract" -o "$out/contract.pdf"
KONTORA_USER=anna run kontora contract new --client "$short" --template supply --set colour=red ||
	echo "(refused: the template declares no value colour; nothing committed)"

say "Documents: a proposal, accepted, turned into an invoice, issued and frozen"
run kontora config invoice.number-format 'КХ-{yyyy}-{n:04}'
run kontora config proposal.number-format 'КП-{yyyy}-{n}'
gp=$(kontora product add --name 'Гель для посуды, концентрат' --article GP-01 --unit kg --price '184,00')
as=$(kontora product add --name 'Антисептик для рук, 70 % спирта' --article AS-05 --unit kg --price '342,00')
KONTORA_USER=anna run kontora proposal new --client "$short" --line "$gp:500" --line "$as:300:330" \
	--valid-until 2026-12-31 --terms 'Отгрузка со склада в Красногорске, оплата 100 % до отгрузки' |
	tee "$out/proposal-id.txt"
proposal=$(tail -n 1 "$out/proposal-id.txt")
KONTORA_USER=anna run kontora proposal send "$proposal"
KONTORA_USER=anna run kontora proposal show "$proposal" | tee "$out/proposal.txt"
KONTORA_USER=anna run kontora proposal accept "$proposal"
KONTORA_USER=anna run kontora invoice new --from-proposal "$proposal" --due 2026-12-10 | tee "$out/invoice-id.txt"
invoice=$(tail -n 1 "$out/invoice-id.txt")
KONTORA_USER=anna run kontora invoice issue "$invoice"
KONTORA_USER=anna run kontora invoice show "$invoice" | tee "$out/invoice.txt"
run kontora invoice edit "$invoice" --set due=2026-12-31 ||
	echo "(refused: an issued invoice is frozen, for admin too)"
run kontora sql "select i.number, count(*) as lines, sum(l.sum) as kopecks from invoice i join doc_line l on l.document = i.id where i.status = 'issued' group by i.number"
run kontora client show "$short" | sed -n '/Итоги/,/Долг/p'
run kontora check
echo "wrote $out/proposal.txt, $out/invoice.txt"

say "The documents as the customer gets them: PDF and XLSX, and the invoice by e-mail"
KONTORA_USER=anna run kontora invoice pdf "$invoice" -o "$out/invoice.pdf"
KONTORA_USER=anna run kontora invoice xlsx "$invoice" -o "$out/invoice.xlsx"
KONTORA_USER=anna run kontora proposal pdf "$proposal" -o "$out/proposal.pdf"
KONTORA_USER=anna run kontora proposal xlsx "$proposal" -o "$out/proposal.xlsx"
# The wording is data: templates/invoice.tmpl, mail.subject and the rest.
KONTORA_USER=anna kontora invoice mail "$invoice" --dry-run >"$out/invoice-mail-dry.eml"
echo "\$ kontora invoice mail $invoice --dry-run >invoice-mail-dry.eml"
sed -n '1,/^$/p' "$out/invoice-mail-dry.eml"
# The sendmail command that keeps the message, as above: the invoice goes
# to the client's e-mail and an activity of kind email is recorded.
run kontora config mail.sendmail "cat >'$out/invoice-mail.eml'"
KONTORA_USER=anna run kontora invoice mail "$invoice"
run git log -1 --format=%s
run kontora activity list --where "kind=email" -f csv
echo "wrote $out/invoice.pdf, invoice.xlsx, proposal.pdf, proposal.xlsx, invoice-mail.eml"
say "The bank: a statement pays one invoice in full and another in part"
chd=$(kontora client list --where 'inn=7830002293' -f csv | sed -n 2p | cut -d, -f1)
invoice2=$(kontora invoice new --client "$chd" --line "$gp:100")
run kontora invoice issue "$invoice2"
# examples/bank-statement.txt is what the bank's client program exports:
# 1CClientBankExchange in Windows-1251 with CRLF.
KONTORA_USER=irina run kontora import bank "$top/examples/bank-statement.txt"
KONTORA_USER=irina run kontora import bank "$top/examples/bank-statement.txt"
run kontora payment list
run kontora payment list --unmatched -f csv | tee "$out/payments-unmatched.csv"
run kontora invoice list --all
run kontora sql "select i.number, i.status, i.total, sum(a.amount) as paid from invoice i join allocation a on a.invoice = i.id group by i.id order by i.number"
say "Debts on the client cards"
run kontora client show "$short" | sed -n '/Итоги/,/Долг/p'
run kontora client show "$chd" | sed -n '/Итоги/,/Долг/p'
kontora client show "$chd" -f json >"$out/client-debt.json"
stranger=$(kontora payment list --unmatched -f csv | awk -F, '$3 == 55 { print $1 }')
run kontora payment match "$stranger" "$invoice2" 3000 --dry-run
run kontora check
echo "wrote $out/payments-unmatched.csv, $out/client-debt.json"

say "1C: the issued invoices and the clients 1C does not know, for its site exchange"
# CommerceML 2.08: each invoice a Документ "Заказ товара" with its goods
# (1C's ids where they came from 1C), sums and VAT; the buyers without an
# onec_id once more as Контрагенты, so that 1C creates them.
KONTORA_USER=irina run kontora export 1c --from 2026-11-01 -o "$out/to-1c.xml"
if command -v xmllint >/dev/null; then
	run xmllint --noout "$out/to-1c.xml"
	xmllint --xpath '//*[local-name()="Документ"]/*[local-name()="Номер" or local-name()="Сумма"]/text()' \
		"$out/to-1c.xml"
	echo
fi
echo "wrote $out/to-1c.xml"

say "Timed robots: kontora tick reminds of unpaid invoices (examples/crontab runs it hourly)"
# workflows/invoice.flow: every 5 days while issued or partly paid,
# counting from the invoice's date, a notice for its manager; the task
# «Получить окончательный расчет» stays open until the invoice is paid.
run cat "$top/examples/crontab"
run grep -n 'until=\|^every' workflows/invoice.flow
run kontora tick
KONTORA_NOW=$(date -u -d '+5 days' +%Y-%m-%dT09:00:00Z)
export KONTORA_NOW
echo "(the clock moved 5 days: KONTORA_NOW=$KONTORA_NOW)"
run kontora tick --dry-run | head -3
run kontora tick | tee "$out/tick.txt"
run kontora tick
echo "(a second tick fires nothing and commits nothing)"
run git log -1 --format=%B | head -4
task=$(kontora task list --where on="$invoice2" -f csv | sed -n 2p | cut -d, -f1)
run kontora task done "$task" || echo "(refused: the invoice is not paid yet)"
unset KONTORA_NOW
echo "wrote $out/tick.txt"

say "Reports (reports/*.sql of the books): every built-in one as XLSX and PDF"
run kontora config plan.$(date +%Y-%m).anna 500000
run kontora report list
run kontora report funnel
run kontora report debts
echo "(a calculation walked through its statuses with the clock set back, for the lab report's days)"
ago() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
calc2=$(KONTORA_NOW=$(ago '4 days ago') KONTORA_USER=anna kontora lab calc new --client "$short" \
	--product "$gel" --wishes 'Гуще' --due "$(date -d '2 days ago' +%Y-%m-%d)")
KONTORA_NOW=$(ago '4 days ago + 1 hour') KONTORA_USER=anna kontora lab calc send "$calc2" >/dev/null
KONTORA_NOW=$(ago '3 days ago') KONTORA_USER=elena kontora lab calc take "$calc2" >/dev/null
KONTORA_NOW=$(ago '2 days ago') KONTORA_USER=elena kontora lab calc rework "$calc2" \
	--reason 'Уточните вязкость' >/dev/null
KONTORA_NOW=$(ago '36 hours ago') KONTORA_USER=anna kontora lab calc send "$calc2" >/dev/null
KONTORA_NOW=$(ago '1 day ago') KONTORA_USER=elena kontora lab calc take "$calc2" >/dev/null
run kontora report lab
run kontora sql "SELECT status, since, until, author_name FROM status_history WHERE id = '$calc2' ORDER BY since"
for r in $(kontora report list | tail -n +2 | cut -f1); do
	kontora report "$r" -f xlsx -o "$out/report-$r.xlsx"
	kontora report "$r" -f pdf -o "$out/report-$r.pdf"
	echo "wrote $out/report-$r.xlsx, $out/report-$r.pdf"
done
echo "\$ KONTORA_USER=anna kontora report debts   (a manager: her clients only)"
KONTORA_USER=anna kontora report debts
run kontora report debts -f csv -o "$out/report-debts.csv"
echo "\$ kontora report dashboard -f pdf --mail director@batiskaf.ru   (mail.sendmail; here a dry run of kontora mail)"
run kontora mail --dry-run --to director@batiskaf.ru "$out/report-dashboard.pdf" >"$out/mail-dashboard.eml"
echo "wrote $out/mail-dashboard.eml"
echo "(a report of many rows: the PDF prints the first 2,000 or --limit, its totals of all; XLSX and CSV every row)"
cat >reports/calls.sql <<'SQL'
-- title: План звонков
-- column: day date День
-- column: calls int Звонков
-- column: amount money Сумма
-- total: calls amount
WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < 2999)
SELECT date('2026-01-01', '+' || n || ' days') AS day, 10 + n % 7 AS calls,
       (n % 5) * 100000 AS amount FROM d
SQL
run kontora report calls -f pdf -o "$out/report-calls.pdf"
run kontora report calls -f pdf --limit 30 -o "$out/report-calls-30.pdf"
run kontora report calls -f xlsx -o "$out/report-calls.xlsx"
run kontora report calls -f csv --limit 3
echo "(--limit 0 is no limit, in report, search and list alike: the PDF of all 3,000 rows)"
run kontora report calls -f pdf --limit 0 -o "$out/report-calls-all.pdf"
echo "(on a terminal a table goes out 1,000 rows at a time, its widths only growing: the totals line up with the last block)"
printf '$ %s | tail -n 3\n' "kontora report calls"
if script -qec true /dev/null </dev/null >/dev/null 2>&1; then
	script -qec "$K report calls" /dev/null </dev/null | tr -d '\r' >"$out/report-calls-terminal.txt"
	tail -n 3 "$out/report-calls-terminal.txt"
else
	echo "(no pseudo-terminal here: script(1) cannot open one)"
fi
rm reports/calls.sql
echo "\$ kontora report funnel --at HEAD~20   (the books as they were 20 commits ago; index cached in .git/kontora/at/)"
kontora report funnel --at HEAD~20
run kontora report funnel --at HEAD~20 -f pdf -o "$out/report-funnel-at.pdf"
ls .git/kontora/at/

say "A shard past the split size becomes a directory of shards one id character longer"
# 2 MiB by default; lowered here to 1500 bytes so that 300 leads imported at once split
# (kontora-books(5): data/lead/YYYY-MM/L3.csv -> L3/L3A.csv, ...).
(
	cd "$out" &&
	kontora init split-books >/dev/null 2>&1 &&
	cd split-books &&
	{ echo "name,phone,comment"; seq 1 300 | awk '{ printf "Пётр Иванов %d,+7999%07d,заявка %d\n", $1, $1, $1 }'; } >"$out/split-leads.csv" &&
	KONTORA_SPLIT_BYTES=1500 run kontora import leads --format csv "$out/split-leads.csv" &&
	find data/lead -name '*.csv' | sort >"$out/split-tree.txt" &&
	sed -n "\|/L./|p" "$out/split-tree.txt" | head -n 8 &&
	echo "wrote $out/split-tree.txt ($(wc -l <"$out/split-tree.txt") files)" &&
	run kontora check &&
	run git status --short
)

say "Git: one commit per change, a clean worktree"
run git log --oneline | head -12
run git status --short
echo
echo "Outputs are in $out"
