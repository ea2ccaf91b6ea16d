/*
 * bench/gen.c - synthetic books for the kontora benchmark.
 *
 *   bench/gen [--shape=spread|month|day] DIR [small|full|huge] [LEADS.csv [CLIENTS.csv]]
 *
 * DIR is existing books (made by `kontora init DIR`).  Writes, in the
 * storage format of docs/foundation.md ("Storage"):
 *
 *   data/client/YYYY-MM.csv     full: 100,000 clients, small: 2,000,
 *                               huge: 1,000,000
 *   data/lead/YYYY-MM/LX.csv    full: 1,000,000 leads, small: 20,000,
 *                               huge: 10,000,000
 *   data/employee/<shard>       the 20 managers manager01..manager20 added
 *                               to the employee shard `kontora init` wrote
 *
 * A type whose schema says `split id` (lead, by default) keeps each month
 * in up to 32 files named by the first two characters of the ids they
 * hold (data/lead/2026-11/L3.csv); the others one file a month.  A file
 * past 2 MiB is split as kontora splits it (shard_write()).
 *
 * over 60 months, 2021-12 .. 2026-11, then commits them with git.  It also
 * writes every lead row (with the header) to LEADS.csv, default
 * DIR/../leads.csv, and every client row to CLIENTS.csv, default
 * clients.csv beside LEADS.csv: the baseline for `sqlite3 .import`.
 *
 * The output is deterministic: one splitmix64 stream with a fixed seed.
 * The columns come from DIR/schemas/TYPE.schema (id, the fields in schema
 * order, created); a field this program does not know is left empty.
 * Stages, sources, cities and refusal reasons come from DIR/dicts/.
 *
 * Standalone on purpose: no kontora code, so it can be trusted to measure it.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define NMONTHS 60
#define FIRST_YEAR 2021
#define FIRST_MONTH 12
#define NMANAGERS 20
#define MAXF 64

/* ----------------------------------------------------------- utilities */

static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("gen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

struct buf {
	char *p;
	size_t n, cap;
};

static void buf_grow(struct buf *b, size_t add)
{
	if (b->n + add + 1 > b->cap) {
		size_t c = b->cap ? b->cap : 4096;
		while (c < b->n + add + 1)
			c *= 2;
		b->p = xrealloc(b->p, c);
		b->cap = c;
	}
}

static void buf_add(struct buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void buf_puts(struct buf *b, const char *s) { buf_add(b, s, strlen(s)); }

static void buf_putc(struct buf *b, char c) { buf_add(b, &c, 1); }

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = {0};
	char tmp[65536];
	size_t n;
	if (!f)
		return NULL;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(&b, tmp, n);
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	buf_grow(&b, 0);
	b.p[b.n] = 0;
	if (len)
		*len = b.n;
	return b.p;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		die("%s: %s", path, strerror(errno));
	if (len && fwrite(data, 1, len, f) != len)
		die("%s: write error", path);
	if (fclose(f) != 0)
		die("%s: %s", path, strerror(errno));
}

static void mkdir_p(const char *path)
{
	char *p = xstrdup(path), *s;
	for (s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = 0;
			if (mkdir(p, 0777) != 0 && errno != EEXIST)
				die("mkdir %s: %s", p, strerror(errno));
			*s = '/';
		}
	}
	if (mkdir(p, 0777) != 0 && errno != EEXIST)
		die("mkdir %s: %s", p, strerror(errno));
	free(p);
}

/* ---------------------------------------------------------------- PRNG */

static uint64_t rng = 0x6b6f6e746f726121ULL; /* "kontora!" */

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t rn(uint32_t n) { return (uint32_t)(((rnd() >> 32) * n) >> 32); }

/* 1 with probability pct percent. */
static int pct(unsigned p) { return rn(100) < p; }

#define PICK(a) ((a)[rn(sizeof(a) / sizeof((a)[0]))])
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ----------------------------------------------------------------- ids */

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* An open-addressing set of (letter, 35-bit value) keys. */
static uint64_t *idset;
static size_t idcap;

static int idset_add(uint64_t key)
{
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 20) & (idcap - 1);
	key++; /* 0 marks an empty slot */
	while (idset[i]) {
		if (idset[i] == key)
			return 0;
		i = (i + 1) & (idcap - 1);
	}
	idset[i] = key;
	return 1;
}

static int crockford_val(char c)
{
	const char *p = strchr(crockford, c);
	return c && p ? (int)(p - crockford) : -1;
}

/* Registers an existing id (from a shard we keep). */
static void id_register(const char *id)
{
	uint64_t v = 0;
	int i, d;
	if (strlen(id) != 8)
		return;
	for (i = 1; i < 8; i++) {
		if ((d = crockford_val(id[i])) < 0)
			return;
		v = v << 5 | (uint64_t)d;
	}
	idset_add((uint64_t)(unsigned char)id[0] << 35 | v);
}

static void new_id(char letter, char out[9])
{
	uint64_t v;
	int i;
	do
		v = rnd() & ((1ULL << 35) - 1);
	while (!idset_add((uint64_t)(unsigned char)letter << 35 | v));
	out[0] = letter;
	for (i = 7; i >= 1; i--, v >>= 5)
		out[i] = crockford[v & 31];
	out[8] = 0;
}

/* ------------------------------------------------------------- schemas */

struct schema {
	char *name[MAXF];
	int n;
	int split;           /* "split id": a month in files by the id's first two characters */
};

static void schema_read(const char *dir, const char *type, struct schema *s)
{
	char path[4096], *text, *line, *save = NULL;
	snprintf(path, sizeof path, "%s/schemas/%s.schema", dir, type);
	if (!(text = read_file(path, NULL)))
		die("%s: %s", path, strerror(errno));
	s->n = 0;
	s->split = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[256];
		if (sscanf(line, " split %255s", name) == 1 && !strcmp(name, "id"))
			s->split = 1;
		else if (sscanf(line, " field %255s", name) == 1) {
			if (s->n == MAXF)
				die("%s: too many fields", path);
			s->name[s->n++] = xstrdup(name);
		}
	}
	free(text);
	if (!s->n)
		die("%s: no fields", path);
}

static void header(struct buf *b, const struct schema *s)
{
	int i;
	buf_puts(b, "id");
	for (i = 0; i < s->n; i++) {
		buf_putc(b, ',');
		buf_puts(b, s->name[i]);
	}
	buf_puts(b, ",created\n");
}

/* --------------------------------------------------------------- dicts */

struct dict {
	char **id, **name;
	int n;
};

/* Reads the id and name columns of DIR/dicts/NAME.csv (simple files: no
 * quoted commas).  Falls back to the built-in ids when the file is
 * missing. */
static void dict_read(const char *dir, const char *dname, struct dict *d,
                      const char *const *fallback, int nfallback)
{
	char path[4096], *text, *line, *save = NULL;
	int first = 1, i;
	snprintf(path, sizeof path, "%s/dicts/%s.csv", dir, dname);
	d->n = 0;
	d->id = d->name = NULL;
	if ((text = read_file(path, NULL))) {
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *c, *nm;
			size_t l = strlen(line);
			if (l && line[l - 1] == '\r')
				line[--l] = 0;
			if (first) {
				first = 0;
				continue;
			}
			if (!*line)
				continue;
			nm = (c = strchr(line, ',')) ? c + 1 : line;
			if (c)
				*c = 0;
			if (*nm == '"') {
				nm++;
				if ((c = strrchr(nm, '"')))
					*c = 0;
			}
			d->id = xrealloc(d->id, (size_t)(d->n + 1) * sizeof *d->id);
			d->name = xrealloc(d->name, (size_t)(d->n + 1) * sizeof *d->name);
			d->id[d->n] = xstrdup(line);
			d->name[d->n] = xstrdup(nm);
			d->n++;
		}
		free(text);
	}
	if (!d->n) {
		d->id = xmalloc((size_t)nfallback * sizeof *d->id);
		d->name = xmalloc((size_t)nfallback * sizeof *d->name);
		for (i = 0; i < nfallback; i++)
			d->id[i] = d->name[i] = xstrdup(fallback[i]);
		d->n = nfallback;
	}
}

static int dict_find(const struct dict *d, const char *id)
{
	int i;
	for (i = 0; i < d->n; i++)
		if (!strcmp(d->id[i], id))
			return i;
	return -1;
}

/* ---------------------------------------------------------------- data */

struct pair {
	const char *ru, *lat;
};

static const struct pair surnames[] = {
	{"Иванов", "ivanov"}, {"Смирнов", "smirnov"}, {"Кузнецов", "kuznetsov"},
	{"Попов", "popov"}, {"Васильев", "vasiliev"}, {"Петров", "petrov"},
	{"Соколов", "sokolov"}, {"Михайлов", "mikhailov"}, {"Новиков", "novikov"},
	{"Фёдоров", "fedorov"}, {"Морозов", "morozov"}, {"Волков", "volkov"},
	{"Алексеев", "alekseev"}, {"Лебедев", "lebedev"}, {"Семёнов", "semenov"},
	{"Егоров", "egorov"}, {"Павлов", "pavlov"}, {"Козлов", "kozlov"},
	{"Степанов", "stepanov"}, {"Николаев", "nikolaev"}, {"Орлов", "orlov"},
	{"Андреев", "andreev"}, {"Макаров", "makarov"}, {"Никитин", "nikitin"},
	{"Захаров", "zakharov"}, {"Зайцев", "zaitsev"}, {"Соловьёв", "soloviev"},
	{"Борисов", "borisov"}, {"Яковлев", "yakovlev"}, {"Григорьев", "grigoriev"},
	{"Романов", "romanov"}, {"Воробьёв", "vorobiev"}, {"Сергеев", "sergeev"},
	{"Кузьмин", "kuzmin"}, {"Фролов", "frolov"}, {"Александров", "aleksandrov"},
	{"Дмитриев", "dmitriev"}, {"Королёв", "korolev"}, {"Гусев", "gusev"},
	{"Киселёв", "kiselev"}, {"Ильин", "ilin"}, {"Максимов", "maksimov"},
	{"Поляков", "polyakov"}, {"Сорокин", "sorokin"}, {"Виноградов", "vinogradov"},
	{"Ковалёв", "kovalev"}, {"Белов", "belov"}, {"Медведев", "medvedev"},
	{"Антонов", "antonov"}, {"Тарасов", "tarasov"}, {"Жуков", "zhukov"},
	{"Баранов", "baranov"}, {"Филиппов", "filippov"}, {"Комаров", "komarov"},
	{"Давыдов", "davydov"}, {"Беляев", "belyaev"}, {"Герасимов", "gerasimov"},
	{"Богданов", "bogdanov"}, {"Осипов", "osipov"}, {"Сидоров", "sidorov"},
	{"Матвеев", "matveev"}, {"Титов", "titov"}, {"Марков", "markov"},
	{"Миронов", "mironov"}, {"Крылов", "krylov"}, {"Куликов", "kulikov"},
	{"Карпов", "karpov"}, {"Власов", "vlasov"}, {"Денисов", "denisov"},
	{"Гаврилов", "gavrilov"}, {"Тихонов", "tikhonov"}, {"Казаков", "kazakov"},
	{"Афанасьев", "afanasiev"}, {"Данилов", "danilov"}, {"Савельев", "saveliev"},
	{"Тимофеев", "timofeev"}, {"Фомин", "fomin"}, {"Чернов", "chernov"},
	{"Абрамов", "abramov"}, {"Мартынов", "martynov"}, {"Ефимов", "efimov"},
	{"Федотов", "fedotov"}, {"Щербаков", "shcherbakov"}, {"Назаров", "nazarov"},
	{"Калинин", "kalinin"}, {"Исаев", "isaev"}, {"Чернышёв", "chernyshev"},
	{"Быков", "bykov"}, {"Маслов", "maslov"}, {"Родионов", "rodionov"},
	{"Коновалов", "konovalov"}, {"Лазарев", "lazarev"}, {"Воронин", "voronin"},
	{"Климов", "klimov"}, {"Филатов", "filatov"}, {"Пономарёв", "ponomarev"},
	{"Голубев", "golubev"}, {"Кудрявцев", "kudryavtsev"}, {"Прохоров", "prokhorov"},
	{"Наумов", "naumov"}, {"Потапов", "potapov"}, {"Журавлёв", "zhuravlev"},
	{"Овчинников", "ovchinnikov"}, {"Трофимов", "trofimov"}, {"Леонов", "leonov"},
	{"Соболев", "sobolev"}, {"Ермаков", "ermakov"}, {"Колесников", "kolesnikov"},
	{"Гончаров", "goncharov"}, {"Емельянов", "emelyanov"}, {"Никифоров", "nikiforov"},
	{"Грачёв", "grachev"}, {"Котов", "kotov"}, {"Гришин", "grishin"},
	{"Ефремов", "efremov"}, {"Архипов", "arkhipov"}, {"Громов", "gromov"},
	{"Кириллов", "kirillov"}, {"Малышев", "malyshev"}, {"Панов", "panov"},
	{"Моисеев", "moiseev"}, {"Румянцев", "rumyantsev"}, {"Акимов", "akimov"},
	{"Кондратьев", "kondratiev"}, {"Бирюков", "biryukov"}, {"Горбунов", "gorbunov"},
	{"Анисимов", "anisimov"}, {"Ерёмин", "eremin"}, {"Тихомиров", "tikhomirov"},
	{"Галкин", "galkin"}, {"Лукьянов", "lukyanov"}, {"Михеев", "mikheev"},
	{"Скворцов", "skvortsov"}, {"Юдин", "yudin"}, {"Белоусов", "belousov"},
	{"Нестеров", "nesterov"}, {"Симонов", "simonov"}, {"Прокофьев", "prokofiev"},
	{"Харитонов", "kharitonov"}, {"Князев", "knyazev"}, {"Цветков", "tsvetkov"},
	{"Левин", "levin"}, {"Митрофанов", "mitrofanov"}, {"Воронов", "voronov"},
	{"Аксёнов", "aksenov"}, {"Мальцев", "maltsev"}, {"Логинов", "loginov"},
	{"Горшков", "gorshkov"}, {"Савин", "savin"}, {"Краснов", "krasnov"},
	{"Майоров", "mayorov"}, {"Демидов", "demidov"}, {"Елисеев", "eliseev"},
	{"Рыбаков", "rybakov"}, {"Сафонов", "safonov"}, {"Плотников", "plotnikov"},
	{"Дёмин", "demin"}, {"Хохлов", "khokhlov"}, {"Жданов", "zhdanov"},
	{"Шевченко", "shevchenko"}, {"Бондаренко", "bondarenko"}, {"Ткаченко", "tkachenko"},
	{"Кравченко", "kravchenko"}, {"Мельник", "melnik"}, {"Новицкий", "novitsky"},
	{"Вишневский", "vishnevsky"}, {"Островский", "ostrovsky"}, {"Ким", "kim"},
	{"Цой", "tsoi"}, {"Гарипов", "garipov"}, {"Хабибуллин", "khabibullin"},
	{"Сафин", "safin"}, {"Галиев", "galiev"}, {"Шарипов", "sharipov"},
};

static const struct pair male_names[] = {
	{"Александр", "aleksandr"}, {"Алексей", "aleksei"}, {"Андрей", "andrei"},
	{"Антон", "anton"}, {"Артём", "artem"}, {"Борис", "boris"}, {"Вадим", "vadim"},
	{"Валерий", "valery"}, {"Василий", "vasily"}, {"Виктор", "viktor"},
	{"Владимир", "vladimir"}, {"Владислав", "vladislav"}, {"Вячеслав", "vyacheslav"},
	{"Геннадий", "gennady"}, {"Георгий", "georgy"}, {"Григорий", "grigory"},
	{"Денис", "denis"}, {"Дмитрий", "dmitry"}, {"Евгений", "evgeny"}, {"Егор", "egor"},
	{"Иван", "ivan"}, {"Игорь", "igor"}, {"Илья", "ilya"}, {"Кирилл", "kirill"},
	{"Константин", "konstantin"}, {"Леонид", "leonid"}, {"Максим", "maksim"},
	{"Михаил", "mikhail"}, {"Никита", "nikita"}, {"Николай", "nikolai"},
	{"Олег", "oleg"}, {"Павел", "pavel"}, {"Пётр", "petr"}, {"Роман", "roman"},
	{"Руслан", "ruslan"}, {"Сергей", "sergei"}, {"Станислав", "stanislav"},
	{"Степан", "stepan"}, {"Тимур", "timur"}, {"Фёдор", "fedor"}, {"Юрий", "yury"},
	{"Ярослав", "yaroslav"},
};

static const struct pair female_names[] = {
	{"Алёна", "alena"}, {"Александра", "aleksandra"}, {"Алина", "alina"},
	{"Анастасия", "anastasia"}, {"Анна", "anna"}, {"Валентина", "valentina"},
	{"Валерия", "valeria"}, {"Вера", "vera"}, {"Виктория", "viktoria"},
	{"Галина", "galina"}, {"Дарья", "daria"}, {"Евгения", "evgenia"},
	{"Екатерина", "ekaterina"}, {"Елена", "elena"}, {"Жанна", "zhanna"},
	{"Зоя", "zoya"}, {"Инна", "inna"}, {"Ирина", "irina"}, {"Карина", "karina"},
	{"Ксения", "ksenia"}, {"Лариса", "larisa"}, {"Людмила", "lyudmila"},
	{"Маргарита", "margarita"}, {"Марина", "marina"}, {"Мария", "maria"},
	{"Надежда", "nadezhda"}, {"Наталья", "natalia"}, {"Нина", "nina"},
	{"Оксана", "oksana"}, {"Ольга", "olga"}, {"Полина", "polina"},
	{"Светлана", "svetlana"}, {"Софья", "sofia"}, {"Татьяна", "tatiana"},
	{"Ульяна", "ulyana"}, {"Юлия", "yulia"},
};

static const struct pair company_words[] = {
	{"Ромашка", "romashka"}, {"Химпром", "himprom"}, {"Стройресурс", "stroyresurs"},
	{"Техномир", "tekhnomir"}, {"Промсинтез", "promsintez"}, {"Агроснаб", "agrosnab"},
	{"Лакокраска", "lakokraska"}, {"Полимер", "polimer"}, {"Вектор", "vektor"},
	{"Альянс", "alyans"}, {"Гранит", "granit"}, {"Меридиан", "meridian"},
	{"Спектр", "spektr"}, {"Импульс", "impuls"}, {"Профиль", "profil"},
	{"Энергия", "energia"}, {"Прогресс", "progress"}, {"Восток", "vostok"},
	{"Сибирь", "sibir"}, {"Волга", "volga"}, {"Кристалл", "kristall"},
	{"Орион", "orion"}, {"Атлант", "atlant"}, {"Фаворит", "favorit"},
	{"Магистраль", "magistral"}, {"Престиж", "prestizh"}, {"Радуга", "raduga"},
	{"Стандарт", "standart"}, {"Лидер", "lider"}, {"Элемент", "element"},
	{"Форвард", "forvard"}, {"Олимп", "olimp"}, {"Эталон", "etalon"},
	{"Континент", "kontinent"}, {"Горизонт", "gorizont"}, {"Феникс", "feniks"},
	{"Транзит", "tranzit"}, {"Партнёр", "partner"}, {"Синтез", "sintez"},
	{"Каскад", "kaskad"}, {"Квадрат", "kvadrat"}, {"Маяк", "mayak"},
	{"Вымпел", "vympel"}, {"Заря", "zarya"}, {"Рассвет", "rassvet"},
	{"Дельта", "delta"}, {"Сигма", "sigma"}, {"Омега", "omega"}, {"Нева", "neva"},
	{"Ладога", "ladoga"}, {"Байкал", "baikal"}, {"Алтай", "altai"},
	{"Кедр", "kedr"}, {"Берёзка", "berezka"}, {"Ёлочка", "elochka"},
};

static const struct pair word_heads[] = {
	{"Хим", "khim"}, {"Строй", "stroy"}, {"Агро", "agro"}, {"Тех", "tekh"},
	{"Пром", "prom"}, {"Торг", "torg"}, {"Эко", "eko"}, {"Нефте", "nefte"},
	{"Лак", "lak"}, {"Металл", "metall"}, {"Урал", "ural"}, {"Сиб", "sib"},
};

static const struct pair word_tails[] = {
	{"пром", "prom"}, {"снаб", "snab"}, {"торг", "torg"}, {"сервис", "servis"},
	{"ресурс", "resurs"}, {"трейд", "treid"}, {"групп", "grupp"},
	{"инвест", "invest"}, {"маш", "mash"}, {"лит", "lit"}, {"хим", "khim"},
	{"комплект", "komplekt"},
};

static const char *const name_suffixes[] = {
	"-М", "-Юг", "-Север", " Плюс", "-Центр", " Групп", "-2000", "-Регион",
};

static const char *const streets[] = {
	"ул. Ленина", "ул. Мира", "ул. Советская", "ул. Гагарина", "ул. Садовая",
	"ул. Промышленная", "ул. Заводская", "ул. Лесная", "ул. Центральная",
	"ул. Московская", "ул. Пушкина", "ул. Октябрьская", "наб. Речная",
	"ул. Строителей", "ул. Кирова", "пр-т Победы", "ш. Энтузиастов",
	"ул. Чкалова", "пер. Почтовый", "ул. Льва Толстого",
};

static const struct {
	const char *name, *bik, *corr;
} banks[] = {
	{"ПАО Сбербанк", "044525225", "30101810400000000225"},
	{"АО \"Альфа-Банк\"", "044525593", "30101810200000000593"},
	{"Банк ВТБ (ПАО)", "044525187", "30101810700000000187"},
	{"АО \"Тинькофф Банк\"", "044525974", "30101810145250000974"},
	{"ПАО \"Промсвязьбанк\"", "044525555", "30101810400000000555"},
	{"АО \"Райффайзенбанк\"", "044525700", "30101810200000000700"},
};

static const char *const products[] = {
	"краска фасадная", "эмаль ПФ-115", "грунт ГФ-021", "лак паркетный",
	"растворитель 646", "шпатлёвка финишная", "антисептик", "олифа",
	"клей ПВА", "пропитка для дерева", "герметик", "смола эпоксидная",
	"отвердитель", "пигментная паста", "колеровка", "краска для пола",
	"эмаль по ржавчине", "грунт-эмаль 3 в 1", "лак яхтный", "морилка",
};

static const char *const comments[] = {
	"Перезвонить после 15:00",
	"Просит КП, срочно",
	"Нужен образец и паспорт качества",
	"Клиент сказал: \"дорого\", ждёт скидку",
	"Интересует опт от 1 т",
	"Отправили прайс на почту",
	"Сравнивает с конкурентами",
	"Доставка в регион, уточнить стоимость",
	"Звонил повторно.\nПросит перезвонить завтра",
	"Хочет отсрочку платежа 30 дней",
	"Запрос через форму \"Обратный звонок\"",
	"Объём: 200 кг в месяц",
	"Не дозвонились",
	"Ждёт решения руководства",
	"Встреча на выставке; визитка у менеджера",
};

static const char *const client_groups[] = {
	"Дилер", "Производство", "Розница", "Строительная компания", "Опт",
	"Маркетплейс", "Госзаказ",
};

static const char *const client_notes[] = {
	"Работаем по договору поставки",
	"Оплата только по счёту, с НДС",
	"Ключевой клиент, \"золотой\" статус",
	"Отгрузка со склада в Подольске,\nсамовывоз",
	"Требуют сертификаты на каждую партию",
	"Скидка 5% на весь ассортимент",
};

static const char *const mail_domains[] = {
	"mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru",
	"rambler.ru", "ya.ru",
};

static const char *const utm_sources[] = {"yandex", "google", "vk", "telegram", "email"};
static const char *const utm_mediums[] = {"cpc", "organic", "social", "email", "banner"};
static const char *const utm_campaigns[] = {
	"brand", "kraska_fasad", "emal_pf115", "spring_sale", "retarget",
	"lak_parket", "opt_2024", "b2b_search",
};

static const char *const fb_stages[] = {
	"new", "qualified", "proposal", "sample", "negotiation", "won", "lost",
};
static const char *const fb_sources[] = {
	"web", "phone", "email", "exhibition", "referral", "repeat", "other",
};
static const char *const fb_reasons[] = {
	"price", "competitor", "no_need", "no_answer", "terms", "other",
};
static const char *const fb_cities[] = {
	"moscow", "spb", "kazan", "nnovgorod", "ekb", "novosibirsk", "rostov", "krasnodar",
};

/* Region code and phone code for the default cities; others get Moscow's. */
static const struct {
	const char *id, *region, *phone;
} city_codes[] = {
	{"moscow", "77", "495"}, {"spb", "78", "812"}, {"kazan", "16", "843"},
	{"nnovgorod", "52", "831"}, {"ekb", "66", "343"}, {"novosibirsk", "54", "383"},
	{"rostov", "61", "863"}, {"krasnodar", "23", "861"},
};

/* ----------------------------------------------------------- generators */

static struct dict d_stage, d_source, d_reason, d_city;
static int st_won = -1, st_lost = -1, st_new = -1;
static int src_web = -1;

static const struct pair *person(int *female, char *out, size_t cap)
{
	const struct pair *sn = &PICK(surnames), *fn;
	char sur[128];
	size_t l;
	*female = pct(45);
	fn = *female ? &PICK(female_names) : &PICK(male_names);
	snprintf(sur, sizeof sur, "%s", sn->ru);
	if (*female) {
		l = strlen(sur);
		/* Cyrillic letters are two bytes in UTF-8. */
		if (l >= 4 && (!strcmp(sur + l - 4, "ов") || !strcmp(sur + l - 4, "ев") ||
		               !strcmp(sur + l - 4, "ёв") || !strcmp(sur + l - 4, "ин") ||
		               !strcmp(sur + l - 4, "ын")))
			strcat(sur, "а");
		else if (l >= 4 && !strcmp(sur + l - 4, "ий"))
			strcpy(sur + l - 4, "ая");
	}
	snprintf(out, cap, "%s %s", fn->ru, sur);
	return sn;
}

static void mobile(char out[16])
{
	snprintf(out, 16, "+79%09u", rn(1000000000u));
}

static void city_phone(const char *code, char out[16])
{
	snprintf(out, 16, "+7%s%07u", code, rn(10000000u));
}

static void money(char *out, size_t cap, uint64_t kopecks)
{
	snprintf(out, cap, "%llu.%02llu", (unsigned long long)(kopecks / 100),
	         (unsigned long long)(kopecks % 100));
}

/* An amount roughly log-uniform between 5,000 and 5,000,000 roubles. */
static uint64_t amount_kopecks(void)
{
	static const uint64_t dec[] = {5000, 50000, 500000};
	uint64_t base = dec[rn(3)];
	uint64_t r = base + (uint64_t)rn((uint32_t)(base * 9));
	if (pct(70))
		return (r / 100) * 10000;         /* round roubles */
	return r * 100 + rn(100);
}

static void inn10(const char *region, uint32_t serial, char out[11])
{
	static const int w[9] = {2, 4, 10, 3, 5, 9, 4, 6, 8};
	int i, s = 0;
	snprintf(out, 11, "%s%07u", region, serial % 10000000u);
	for (i = 0; i < 9; i++)
		s += (out[i] - '0') * w[i];
	out[9] = (char)('0' + s % 11 % 10);
	out[10] = 0;
}

static void inn12(const char *region, uint32_t serial, char out[13])
{
	static const int w1[10] = {7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
	static const int w2[11] = {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
	int i, s = 0;
	snprintf(out, 13, "%s0%07u", region, serial % 10000000u);
	for (i = 0; i < 10; i++)
		s += (out[i] - '0') * w1[i];
	out[10] = (char)('0' + s % 11 % 10);
	for (s = 0, i = 0; i < 11; i++)
		s += (out[i] - '0') * w2[i];
	out[11] = (char)('0' + s % 11 % 10);
	out[12] = 0;
}

/* OGRN (13 digits) or OGRNIP (15): check digit = number mod 11 (13) mod 10. */
static void ogrn(int ip, const char *region, int year, char *out, size_t cap)
{
	unsigned long long n;
	if (ip) {
		snprintf(out, cap, "3%02d%s%09u", year % 100, region, rn(1000000000u));
		n = strtoull(out, NULL, 10);
		snprintf(out + 14, cap - 14, "%llu", n % 13 % 10);
	} else {
		snprintf(out, cap, "1%02d%s%07u", year % 100, region, rn(10000000u));
		n = strtoull(out, NULL, 10);
		snprintf(out + 12, cap - 12, "%llu", n % 11 % 10);
	}
}

/* A settlement account 40702810... with the key digit valid for bik. */
static void account(const char *bik, char out[21])
{
	static const int w[3] = {7, 1, 3};
	char all[24];
	int i, s = 0;
	snprintf(out, 21, "407028100%011u", rn(2000000000u));
	memcpy(all, bik + 6, 3);
	memcpy(all + 3, out, 20);
	for (i = 0; i < 23; i++)
		s += (all[i] - '0') * w[i % 3];
	/* the key is at position 9 of the account, index 11 of all: weight 3 */
	out[8] = (char)('0' + (10 - s % 10) % 10 * 7 % 10);
}

static int days_in(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static void month_of(int mi, int *y, int *m)
{
	int k = (FIRST_YEAR * 12 + FIRST_MONTH - 1) + mi;
	*y = k / 12;
	*m = k % 12 + 1;
}

/* --shape=day: every lead created on one day (2026-11-20). */
static int one_day;

/* Every random draw is its own statement: the order in which a compiler
 * evaluates function arguments is unspecified, the output must not be. */
static void created_in(int mi, char out[32])
{
	int y, m, days;
	unsigned d, hh, mm, ss;
	month_of(mi, &y, &m);
	days = days_in(y, m);
	if (mi == NMONTHS - 1)
		days = 22; /* the last month is the current one: stay in the past */
	d = 1 + rn((uint32_t)days);
	if (one_day)
		d = 20;
	hh = 7 + rn(12);
	mm = rn(60);
	ss = rn(60);
	snprintf(out, 32, "%04d-%02d-%02uT%02u:%02u:%02uZ", y, m, d, hh, mm, ss);
}

/* Values of one record, by field name. */
struct rec {
	const char *name[MAXF];
	char *val[MAXF];
	int n;
	char arena[8192];
	size_t used;
};

static void rec_reset(struct rec *r)
{
	r->n = 0;
	r->used = 0;
}

static void rec_set(struct rec *r, const char *name, const char *val)
{
	size_t l = strlen(val) + 1;
	if (r->n == MAXF || r->used + l > sizeof r->arena)
		die("record too large");
	r->name[r->n] = name;
	r->val[r->n] = memcpy(r->arena + r->used, val, l);
	r->used += l;
	r->n++;
}

static const char *rec_get(const struct rec *r, const char *name)
{
	int i;
	for (i = 0; i < r->n; i++)
		if (!strcmp(r->name[i], name))
			return r->val[i];
	return "";
}

static void csv_field(struct buf *b, const char *s)
{
	size_t l = strlen(s);
	if (l && (strpbrk(s, ",\"\r\n") || s[0] == ' ' || s[l - 1] == ' ')) {
		buf_putc(b, '"');
		for (; *s; s++) {
			if (*s == '"')
				buf_putc(b, '"');
			buf_putc(b, *s);
		}
		buf_putc(b, '"');
	} else {
		buf_add(b, s, l);
	}
}

/* Appends "id,fields...,created\n" in the order of columns (ncols names,
 * the first "id"). */
static void rec_row(struct buf *b, const struct rec *r, char *const *cols, int ncols)
{
	int i;
	for (i = 0; i < ncols; i++) {
		if (i)
			buf_putc(b, ',');
		csv_field(b, rec_get(r, cols[i]));
	}
	buf_putc(b, '\n');
}

static char **schema_cols(const struct schema *s, int *n)
{
	char **c = xmalloc((size_t)(s->n + 2) * sizeof *c);
	int i;
	c[0] = "id";
	for (i = 0; i < s->n; i++)
		c[i + 1] = s->name[i];
	c[s->n + 1] = "created";
	*n = s->n + 2;
	return c;
}

/* ------------------------------------------------------------- clients */

struct client {
	char id[9];
	char inn[13];
	char *name;
	const char *domain;
};

static struct client *clients;
static size_t nclients;
static size_t client_cum[NMONTHS + 1]; /* clients created before month i */

static const char *city_region(const char *id, const char **phone)
{
	size_t i;
	for (i = 0; i < NELEM(city_codes); i++)
		if (!strcmp(city_codes[i].id, id)) {
			*phone = city_codes[i].phone;
			return city_codes[i].region;
		}
	*phone = "495";
	return "77";
}

static void gen_client(struct rec *r, size_t ci, int mi)
{
	struct client *c = &clients[ci];
	char name[256], legal[512], v[512], dom[160], created[32];
	int ip = pct(10), female, y, m, ci_city = (int)rn((uint32_t)d_city.n);
	const char *cityid = d_city.id[ci_city], *cityname = d_city.name[ci_city];
	const char *pcode, *region = city_region(cityid, &pcode);
	int bank = (int)rn(NELEM(banks));

	month_of(mi, &y, &m);
	created_in(mi, created);
	rec_reset(r);
	new_id('C', c->id);
	rec_set(r, "id", c->id);
	if (ip) {
		char who[256];
		const struct pair *sn = person(&female, who, sizeof who);
		char *sp = strchr(who, ' ');
		/* "ИП Петров А." from "Алексей Петров" */
		snprintf(name, sizeof name, "ИП %s %.2s.", sp + 1, who);
		snprintf(legal, sizeof legal, "Индивидуальный предприниматель %s", who);
		snprintf(dom, sizeof dom, "%s-ip.ru", sn->lat);
		inn12(region, (uint32_t)(ci * 7919u + 1234567u), c->inn);
	} else {
		const char *form, *longform;
		char word[128];
		const char *lat;
		char latb[128];
		switch (rn(10)) {
		case 0: case 1: form = "АО"; longform = "Акционерное общество"; break;
		case 2: form = "ПАО"; longform = "Публичное акционерное общество"; break;
		default: form = "ООО"; longform = "Общество с ограниченной ответственностью"; break;
		}
		if (pct(40)) {
			const struct pair *h = &PICK(word_heads), *t = &PICK(word_tails);
			snprintf(word, sizeof word, "%s%s", h->ru, t->ru);
			snprintf(latb, sizeof latb, "%s%s", h->lat, t->lat);
			lat = latb;
		} else {
			const struct pair *w = &PICK(company_words);
			snprintf(word, sizeof word, "%s", w->ru);
			lat = w->lat;
		}
		if (pct(20)) {
			strncat(word, PICK(name_suffixes), sizeof word - strlen(word) - 1);
		}
		if (pct(10))
			snprintf(name, sizeof name, "%s ТД %s", form, word);
		else
			snprintf(name, sizeof name, "%s %s", form, word);
		snprintf(legal, sizeof legal, "%s \"%s\"", longform, word);
		snprintf(dom, sizeof dom, "%s%s.ru", lat, pct(50) ? "" : (pct(50) ? "-opt" : "-chem"));
		inn10(region, (uint32_t)(ci * 7919u + 1234567u), c->inn);
	}
	c->name = xstrdup(name);
	c->domain = xstrdup(dom);
	rec_set(r, "name", name);
	rec_set(r, "legal_name", legal);
	rec_set(r, "inn", c->inn);
	if (!ip) {
		snprintf(v, sizeof v, "%s%02u01001", region, 1 + rn(40));
		rec_set(r, "kpp", v);
	}
	ogrn(ip, region, y - 1 - (int)rn(15), v, sizeof v);
	rec_set(r, "ogrn", v);
	{
		unsigned zip = 100000 + rn(600000);
		const char *street = PICK(streets);
		unsigned house = 1 + rn(120);
		const char *office = pct(40) ? ", оф. 12" : "";
		snprintf(v, sizeof v, "%06u, г. %s, %s, д. %u%s", zip, cityname, street,
		         house, office);
	}
	rec_set(r, "address", v);
	if (pct(30)) {
		const char *street = PICK(streets);
		unsigned house = 1 + rn(120), store = 1 + rn(9);
		snprintf(v, sizeof v, "г. %s, %s, д. %u, склад %u", cityname, street, house,
		         store);
		rec_set(r, "shipping_address", v);
	}
	if (pct(80)) {
		rec_set(r, "bank", banks[bank].name);
		rec_set(r, "bik", banks[bank].bik);
		rec_set(r, "corr_account", banks[bank].corr);
		account(banks[bank].bik, v);
		rec_set(r, "account", v);
	}
	city_phone(pcode, v);
	rec_set(r, "phone", v);
	snprintf(v, sizeof v, "%s@%s", pct(50) ? "info" : (pct(50) ? "zakaz" : "office"), dom);
	rec_set(r, "email", v);
	if (pct(60))
		rec_set(r, "site", dom);
	rec_set(r, "city", cityid);
	if (pct(60))
		rec_set(r, "group", PICK(client_groups));
	rec_set(r, "source", d_source.id[rn((uint32_t)d_source.n)]);
	if (pct(92)) {
		snprintf(v, sizeof v, "manager%02u", 1 + rn(NMANAGERS));
		rec_set(r, "manager", v);
	}
	if (pct(60)) {
		snprintf(v, sizeof v, "00-%09u", (unsigned)(ci * 37u + 1000u));
		rec_set(r, "onec_id", v);
	}
	if (pct(20)) {
		person(&female, v, sizeof v);
		rec_set(r, "sample_recipient", v);
		mobile(v);
		rec_set(r, "sample_recipient_phone", v);
	}
	if (pct(10))
		rec_set(r, "notes", PICK(client_notes));
	rec_set(r, "created", created);
}

/* --------------------------------------------------------------- leads */

static int pick_stage(int age_months)
{
	/* Old leads are mostly closed, fresh ones mostly open. */
	int r = (int)rn(100), nopen = 0, i, k;
	int open[32];
	for (i = 0; i < d_stage.n && nopen < 32; i++)
		if (i != st_won && i != st_lost)
			open[nopen++] = i;
	if (age_months >= 3) {
		if (st_won >= 0 && r < 25)
			return st_won;
		if (st_lost >= 0 && r < 70)
			return st_lost;
	} else {
		if (st_won >= 0 && r < 4)
			return st_won;
		if (st_lost >= 0 && r < 10)
			return st_lost;
		if (st_new >= 0 && r < 45)
			return st_new;
	}
	if (!nopen)
		return (int)rn((uint32_t)d_stage.n);
	/* earlier stages more likely */
	k = (int)rn((uint32_t)nopen);
	k = (int)rn((uint32_t)(k + 1));
	return open[k];
}

static uint64_t ext_serial = 4802756061ULL;

static void gen_lead(struct rec *r, int mi)
{
	char id[9], v[512], who[256], created[32];
	int female, st, src, linked = pct(30);
	const struct client *c = NULL;
	const struct pair *sn;

	created_in(mi, created);
	rec_reset(r);
	new_id('L', id);
	rec_set(r, "id", id);
	if (linked && client_cum[mi + 1])
		c = &clients[rn((uint32_t)client_cum[mi + 1])];
	src = (int)rn((uint32_t)d_source.n);
	if (src_web >= 0 && pct(35))
		src = src_web;
	sn = person(&female, who, sizeof who);

	if (c)
		snprintf(v, sizeof v, "%s: %s", c->name, PICK(products));
	else if (src == src_web)
	{
		int with = pct(50);
		const char *what = PICK(products);
		if (with)
			snprintf(v, sizeof v, "Заявка с сайта: %s", what);
		else
			snprintf(v, sizeof v, "Заявка с сайта");
	}
	else
		switch (rn(4)) {
		case 0: snprintf(v, sizeof v, "Запрос цены: %s", PICK(products)); break;
		case 1: snprintf(v, sizeof v, "Входящий звонок"); break;
		case 2: snprintf(v, sizeof v, "Запрос КП, %s", PICK(products)); break;
		default: snprintf(v, sizeof v, "%s, %s", who, PICK(products)); break;
		}
	rec_set(r, "title", v);
	if (c)
		rec_set(r, "client", c->id);
	rec_set(r, "name", who);
	if (pct(85)) {
		mobile(v);
		rec_set(r, "phone", v);
	}
	if (pct(60)) {
		if (c)
			snprintf(v, sizeof v, "%s@%s", sn->lat, c->domain);
		else if (pct(50))
		{
			unsigned num = rn(1000);
			snprintf(v, sizeof v, "%s%u@%s", sn->lat, num, PICK(mail_domains));
		}
		else
			snprintf(v, sizeof v, "%s.%s@%s", female ? "a" : "i", sn->lat, PICK(mail_domains));
		rec_set(r, "email", v);
	}
	if (c)
		rec_set(r, "inn", c->inn);
	else if (pct(15)) {
		char inn[13];
		const char *region = PICK(city_codes).region;
		inn10(region, rn(10000000u), inn);
		rec_set(r, "inn", inn);
	}
	st = pick_stage(NMONTHS - 1 - mi);
	rec_set(r, "stage", d_stage.id[st]);
	rec_set(r, "source", d_source.id[src]);
	if (src == src_web && pct(70)) {
		rec_set(r, "utm_source", PICK(utm_sources));
		rec_set(r, "utm_medium", PICK(utm_mediums));
		rec_set(r, "utm_campaign", PICK(utm_campaigns));
	}
	if (pct(70)) {
		money(v, sizeof v, amount_kopecks());
		rec_set(r, "amount", v);
	}
	if (pct(97)) {
		snprintf(v, sizeof v, "manager%02u", 1 + rn(NMANAGERS));
		rec_set(r, "manager", v);
	}
	rec_set(r, "processed", st == st_new && pct(50) ? "false" : "true");
	if (st == st_won)
		rec_set(r, "closed", "won");
	else if (st == st_lost) {
		rec_set(r, "closed", "lost");
		if (pct(80))
			rec_set(r, "lost_reason", d_reason.id[rn((uint32_t)d_reason.n)]);
	}
	if (src == src_web) {
		ext_serial += 1 + rn(50);
		snprintf(v, sizeof v, "5489108:%llu", (unsigned long long)ext_serial);
		rec_set(r, "external_id", v);
	}
	if (pct(25))
		rec_set(r, "comment", PICK(comments));
	rec_set(r, "created", created);
}

/* ------------------------------------------------------ shard writing */

struct rows {
	struct buf b;
	size_t *off;
	size_t n, cap;
};

static const char *sort_base;

static int cmp_rows(const void *a, const void *b)
{
	return memcmp(sort_base + *(const size_t *)a, sort_base + *(const size_t *)b, 8);
}

static void rows_begin(struct rows *rs)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 1024;
		rs->off = xrealloc(rs->off, rs->cap * sizeof *rs->off);
	}
	rs->off[rs->n++] = rs->b.n;
}

/* kontora's SHARD_SPLIT_BYTES (lib/model/model.h): a shard that would be
 * bigger is a directory of shards one id character longer. */
#define SPLIT_BYTES (2u << 20)

/* Returns the offset just past the row of t[0..len) starting at i (an LF
 * outside quotes ends it). */
static size_t row_end(const char *t, size_t len, size_t i)
{
	int q = 0;
	for (; i < len; i++) {
		if (t[i] == '"')
			q = !q;
		else if (t[i] == '\n' && !q)
			return i + 1;
	}
	return len;
}

/* Writes the shard text t (a header of hlen bytes, then rows sorted by
 * id, whose first plen characters are the same) to path, as kontora
 * would: past SPLIT_BYTES, into the directory path without .csv, a file
 * for each id character after those, split again while too big
 * (data/lead/2026-11/L3.csv -> L3/L3A.csv; 2026-11.csv -> 2026-11/C0.csv). */
static void shard_write(const char *path, const char *t, size_t len, size_t hlen, size_t plen)
{
	char dir[8192], file[8300];
	struct buf part = {0};
	size_t i = hlen, j;

	if (len <= SPLIT_BYTES || plen >= 8) {
		write_file(path, t, len);
		return;
	}
	snprintf(dir, sizeof dir, "%.*s", (int)(strlen(path) - 4), path);
	mkdir_p(dir);
	for (; i < len; i = j) {
		for (j = i; j < len && !memcmp(t + j, t + i, plen + 1); j = row_end(t, len, j))
			;
		part.n = 0;
		buf_add(&part, t, hlen);
		buf_add(&part, t + i, j - i);
		snprintf(file, sizeof file, "%s/%.*s.csv", dir, (int)plen + 1, t + i);
		shard_write(file, part.p, part.n, hlen, plen + 1);
	}
	free(part.p);
}

/* Writes the header and the rows sorted by id to path, and appends the rows
 * to all (if not NULL).  With split, path is a month's directory, made
 * here, and the rows go to one file for each first two characters of their
 * ids, path/XY.csv, each with the header; in id order, so all gets the rows
 * in the order of the files' names.  Returns the bytes written. */
static size_t rows_write(struct rows *rs, const char *hdr, const char *path,
                         int split, FILE *all)
{
	struct buf out = {0};
	size_t i, *ends = xmalloc((rs->n + 1) * sizeof *ends);
	size_t bytes = 0, hlen = strlen(hdr);
	char file[8192];

	/* each row ends where the next (in generation order) begins */
	for (i = 0; i < rs->n; i++)
		ends[i] = i + 1 < rs->n ? rs->off[i + 1] : rs->b.n;
	{
		/* sort (offset, end) pairs together */
		size_t *pairs = xmalloc(rs->n * 2 * sizeof *pairs);
		for (i = 0; i < rs->n; i++) {
			pairs[2 * i] = rs->off[i];
			pairs[2 * i + 1] = ends[i];
		}
		sort_base = rs->b.p;
		qsort(pairs, rs->n, 2 * sizeof *pairs, cmp_rows);
		if (split)
			mkdir_p(path);
		for (i = 0; i < rs->n; i++) {
			const char *row = rs->b.p + pairs[2 * i];
			if (i && !memcmp(row, rs->b.p + pairs[2 * i - 2], 8))
				die("duplicate id %.8s", row);
			if (!out.n)
				buf_puts(&out, hdr);
			buf_add(&out, row, pairs[2 * i + 1] - pairs[2 * i]);
			/* a file ends with the rows, or for split with the rows of
			 * its first two characters */
			if (i + 1 < rs->n && !(split && memcmp(row, rs->b.p + pairs[2 * i + 2], 2)))
				continue;
			if (split)
				snprintf(file, sizeof file, "%s/%.2s.csv", path, row);
			else
				snprintf(file, sizeof file, "%s", path);
			shard_write(file, out.p, out.n, hlen, split ? 2 : 1);
			if (all && fwrite(out.p + hlen, 1, out.n - hlen, all) != out.n - hlen)
				die("write error");
			bytes += out.n;
			out.n = 0;
		}
		free(pairs);
	}
	if (!rs->n && !split) {
		/* an empty month: the header alone, as before */
		write_file(path, hdr, hlen);
		bytes = hlen;
	}
	free(out.p);
	free(ends);
	rs->b.n = 0;
	rs->n = 0;
	return bytes;
}

/* ---------------------------------------------------------- employees */

/* Splits CSV text into records (LF outside quotes ends one).  Returns the
 * number of records; *starts[i] .. *starts[i+1] is record i (with its LF). */
static size_t csv_records(const char *t, size_t len, size_t **starts)
{
	size_t n = 0, cap = 16, i;
	int q = 0;
	*starts = xmalloc(cap * sizeof **starts);
	(*starts)[n++] = 0;
	for (i = 0; i < len; i++) {
		if (t[i] == '"')
			q = !q;
		else if (t[i] == '\n' && !q && i + 1 < len) {
			if (n + 1 >= cap)
				*starts = xrealloc(*starts, (cap *= 2) * sizeof **starts);
			(*starts)[n++] = i + 1;
		}
	}
	(*starts)[n] = len;
	return n;
}

/* Splits a header line into column names (headers are plain names). */
static char **split_header(const char *line, size_t len, int *n)
{
	char *s = xmalloc(len + 1), *p, *save = NULL, **cols = NULL;
	memcpy(s, line, len);
	s[len] = 0;
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = 0;
	*n = 0;
	for (p = strtok_r(s, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (*p == '"') {
			p++;
			if (*p && p[strlen(p) - 1] == '"')
				p[strlen(p) - 1] = 0;
		}
		cols = xrealloc(cols, (size_t)(*n + 1) * sizeof *cols);
		cols[(*n)++] = xstrdup(p);
	}
	free(s);
	return cols;
}

static void gen_employees(const char *dir, const struct schema *es)
{
	char edir[4096], path[8192], month[8] = "", created[32];
	DIR *dp;
	struct dirent *de;
	char *text = NULL, **cols;
	size_t len = 0, *st = NULL, nrec = 0, i;
	int ncols, k;
	struct rows rs = {0};
	struct buf hdr = {0};
	struct rec *r = xmalloc(sizeof *r);

	snprintf(edir, sizeof edir, "%s/data/employee", dir);
	mkdir_p(edir);
	/* the shard kontora init wrote: the latest YYYY-MM.csv */
	if ((dp = opendir(edir))) {
		while ((de = readdir(dp))) {
			const char *nm = de->d_name;
			if (strlen(nm) == 11 && !strcmp(nm + 7, ".csv") && nm[4] == '-' &&
			    strncmp(nm, month, 7) > 0) {
				memcpy(month, nm, 7);
				month[7] = 0;
			}
		}
		closedir(dp);
	}
	if (*month) {
		snprintf(path, sizeof path, "%s/%s.csv", edir, month);
		text = read_file(path, &len);
	}
	if (text && len) {
		nrec = csv_records(text, len, &st);
		cols = split_header(text, st[1] - st[0], &ncols);
		buf_add(&hdr, text, st[1] - st[0]);
		if (hdr.p[hdr.n - 1] != '\n')
			buf_putc(&hdr, '\n');
	} else {
		int y, m;
		month_of(0, &y, &m);
		snprintf(month, sizeof month, "%04d-%02d", y, m);
		snprintf(path, sizeof path, "%s/%s.csv", edir, month);
		cols = schema_cols(es, &ncols);
		for (k = 0; k < ncols; k++) {
			if (k)
				buf_putc(&hdr, ',');
			buf_puts(&hdr, cols[k]);
		}
		buf_putc(&hdr, '\n');
	}
	/* keep the existing rows as they are */
	for (i = 1; i < nrec; i++) {
		size_t a = st[i], b = st[i + 1];
		char id[9];
		if (b - a < 9)
			continue;
		memcpy(id, text + a, 8);
		id[8] = 0;
		id_register(id);
		rows_begin(&rs);
		buf_add(&rs.b, text + a, b - a);
		if (rs.b.p[rs.b.n - 1] != '\n')
			buf_putc(&rs.b, '\n');
	}
	for (k = 1; k <= NMANAGERS; k++) {
		char id[9], v[256];
		int female;
		rec_reset(r);
		new_id('E', id);
		rec_set(r, "id", id);
		snprintf(v, sizeof v, "manager%02d", k);
		rec_set(r, "login", v);
		person(&female, v, sizeof v);
		rec_set(r, "name", v);
		snprintf(v, sizeof v, "manager%02d@example.ru", k);
		rec_set(r, "email", v);
		mobile(v);
		rec_set(r, "phone", v);
		rec_set(r, "role", "manager");
		rec_set(r, "active", "true");
		money(v, sizeof v, (uint64_t)(1000000 + 100000 * rn(20)) * 100);
		rec_set(r, "plan_month", v);
		snprintf(created, sizeof created, "%s-01T09:%02d:00Z", month, k);
		rec_set(r, "created", created);
		rows_begin(&rs);
		rec_row(&rs.b, r, cols, ncols);
	}
	rows_write(&rs, hdr.p, path, 0, NULL);
	free(text);
	free(st);
	free(hdr.p);
	free(rs.b.p);
	free(rs.off);
	free(r);
}

/* ---------------------------------------------------------------- main */

static int run(char *const argv[])
{
	pid_t pid = fork();
	int status;
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "gen: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid: %s", strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Returns 1 if path or one of its month directories holds a CSV file. */
static int dir_has_csv(const char *path, int depth)
{
	DIR *dp = opendir(path);
	struct dirent *de;
	char sub[8192];
	int found = 0;
	if (!dp)
		return 0;
	while (!found && (de = readdir(dp))) {
		if (strstr(de->d_name, ".csv"))
			found = 1;
		else if (depth && de->d_name[0] != '.') {
			snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
			found = dir_has_csv(sub, depth - 1);
		}
	}
	closedir(dp);
	return found;
}

int main(int argc, char **argv)
{
	const char *dir, *size = "full", *shape = NULL;
	char leads_path[4096], clients_path[4096], path[8192];
	size_t nleads, i, total_bytes = 0;
	struct schema ls, cs, es;
	struct rows rs = {0};
	struct buf lhdr = {0}, chdr = {0};
	struct rec *r = xmalloc(sizeof *r);
	char **lcols, **ccols;
	int nlcols, nccols, mi;
	FILE *lf, *cf;
	struct stat sb;

	/* --shape=month|day: every lead created in the last month, or on one
	 * day of it (issue 16: books imported or grown at once). */
	if (argc > 1 && !strncmp(argv[1], "--shape=", 8)) {
		shape = argv[1] + 8;
		one_day = !strcmp(shape, "day");
		if (strcmp(shape, "month") && !one_day && strcmp(shape, "spread")) {
			fprintf(stderr, "gen: --shape must be spread, month or day\n");
			return 2;
		}
		if (!strcmp(shape, "spread"))
			shape = NULL;
		argv++;
		argc--;
	}
	if (argc < 2 || argc > 5) {
		fprintf(stderr, "usage: gen [--shape=spread|month|day] DIR [small|full|huge] [LEADS.csv [CLIENTS.csv]]\n");
		return 2;
	}
	dir = argv[1];
	if (argc > 2)
		size = argv[2];
	if (!strcmp(size, "full")) {
		nleads = 1000000;
		nclients = 100000;
	} else if (!strcmp(size, "small")) {
		nleads = 20000;
		nclients = 2000;
	} else if (!strcmp(size, "huge")) {
		nleads = 10000000;
		nclients = 1000000;
	} else {
		fprintf(stderr, "gen: size must be small, full or huge\n");
		return 2;
	}
	if (argc > 3)
		snprintf(leads_path, sizeof leads_path, "%s", argv[3]);
	else
		snprintf(leads_path, sizeof leads_path, "%s/../leads.csv", dir);
	if (argc > 4)
		snprintf(clients_path, sizeof clients_path, "%s", argv[4]);
	else {
		const char *sl = strrchr(leads_path, '/');
		snprintf(clients_path, sizeof clients_path, "%.*sclients.csv",
		         sl ? (int)(sl - leads_path + 1) : 0, leads_path);
	}

	snprintf(path, sizeof path, "%s/.git", dir);
	if (stat(path, &sb) != 0)
		die("%s: not a git repository (make it with kontora init)", dir);
	snprintf(path, sizeof path, "%s/data/lead", dir);
	if (dir_has_csv(path, 1))
		die("%s already has leads; give a fresh `kontora init` directory", dir);
	snprintf(path, sizeof path, "%s/data/client", dir);
	if (dir_has_csv(path, 1))
		die("%s already has clients; give a fresh `kontora init` directory", dir);

	schema_read(dir, "lead", &ls);
	schema_read(dir, "client", &cs);
	schema_read(dir, "employee", &es);
	dict_read(dir, "funnel_stage", &d_stage, fb_stages, NELEM(fb_stages));
	dict_read(dir, "lead_source", &d_source, fb_sources, NELEM(fb_sources));
	dict_read(dir, "refusal_reason", &d_reason, fb_reasons, NELEM(fb_reasons));
	dict_read(dir, "city", &d_city, fb_cities, NELEM(fb_cities));
	st_won = dict_find(&d_stage, "won");
	st_lost = dict_find(&d_stage, "lost");
	st_new = dict_find(&d_stage, "new");
	src_web = dict_find(&d_source, "web");

	for (idcap = 1; idcap < (nleads + nclients + 1024) * 2; idcap <<= 1)
		;
	idset = calloc(idcap, sizeof *idset);
	if (!idset)
		die("out of memory");

	gen_employees(dir, &es);

	lcols = schema_cols(&ls, &nlcols);
	ccols = schema_cols(&cs, &nccols);
	header(&lhdr, &ls);
	header(&chdr, &cs);
	if (!(lf = fopen(leads_path, "wb")))
		die("%s: %s", leads_path, strerror(errno));
	if (!(cf = fopen(clients_path, "wb")))
		die("%s: %s", clients_path, strerror(errno));
	fputs(lhdr.p, lf);
	fputs(chdr.p, cf);

	/* clients, month by month: month i gets an equal share */
	clients = calloc(nclients, sizeof *clients);
	if (!clients)
		die("out of memory");
	snprintf(path, sizeof path, "%s/data/client", dir);
	mkdir_p(path);
	for (mi = 0, i = 0; mi < NMONTHS; mi++) {
		size_t end = nclients * (size_t)(mi + 1) / NMONTHS;
		int y, m;
		client_cum[mi] = i;
		for (; i < end; i++) {
			gen_client(r, i, mi);
			rows_begin(&rs);
			rec_row(&rs.b, r, ccols, nccols);
		}
		month_of(mi, &y, &m);
		if (cs.split)
			snprintf(path, sizeof path, "%s/data/client/%04d-%02d", dir, y, m);
		else
			snprintf(path, sizeof path, "%s/data/client/%04d-%02d.csv", dir, y, m);
		total_bytes += rows_write(&rs, chdr.p, path, cs.split, cf);
	}
	client_cum[NMONTHS] = i;

	snprintf(path, sizeof path, "%s/data/lead", dir);
	mkdir_p(path);
	for (mi = 0, i = 0; mi < NMONTHS; mi++) {
		size_t end = shape && mi < NMONTHS - 1 ? 0 : nleads * (size_t)(mi + 1) / NMONTHS;
		int y, m;
		for (; i < end; i++) {
			gen_lead(r, mi);
			rows_begin(&rs);
			rec_row(&rs.b, r, lcols, nlcols);
		}
		month_of(mi, &y, &m);
		if (ls.split)
			snprintf(path, sizeof path, "%s/data/lead/%04d-%02d", dir, y, m);
		else
			snprintf(path, sizeof path, "%s/data/lead/%04d-%02d.csv", dir, y, m);
		total_bytes += rows_write(&rs, lhdr.p, path, ls.split, lf);
	}
	if (fclose(lf) != 0 || fclose(cf) != 0)
		die("write error: %s", strerror(errno));
	fprintf(stderr, "gen: %zu leads, %zu clients, %d managers, %.1f MB of shards\n",
	        nleads, nclients, NMANAGERS, total_bytes / 1e6);
	/* git add reads every shard again: give it back the id set and the
	 * clients (~400 MB at huge), which nothing needs any more */
	for (i = 0; i < nclients; i++) {
		free(clients[i].name);
		free((char *)clients[i].domain);
	}
	free(clients);
	free(idset);
	free(rs.b.p);
	free(rs.off);

	{
		char *add[] = {"git", "-C", (char *)dir, "add", "-A", NULL};
		char *commit[] = {"git", "-C", (char *)dir, "-c", "user.name=kontora bench",
		                  "-c", "user.email=bench@example.ru", "commit", "-q",
		                  "--no-verify", "-m", "bench: synthetic books", NULL};
		if (run(add) != 0)
			die("git add failed");
		if (run(commit) != 0)
			die("git commit failed");
	}
	return 0;
}
