# kontora - see README.md.  `make demo` and `make check` are the two entry points.
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
DATADIR  ?= $(PREFIX)/share/kontora
MANDIR   ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
LOCALEDIR ?= $(PREFIX)/share/locale
LIBEXECDIR ?= $(PREFIX)/libexec/kontora
DESTDIR  ?=

CC       ?= cc
PKGS      = libgit2 sqlite3 libxml-2.0 xlsxwriter zlib jansson gmime-3.0 libqrencode
WARN      = -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Wpointer-arith -Wundef \
            -Wno-unused-parameter -Werror=implicit-function-declaration
CFLAGS   ?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -Ilib -I$(BUILD)
ALL_CFLAGS = -std=c11 -pthread $(WARN) $(CFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libgit2 is not linked: the store loads it when a command first needs
# git (lib/store/gitapi.h), by the soname of the library built against.
LIBS      = $(shell pkg-config --libs $(filter-out libgit2,$(PKGS)) 2>/dev/null) -lcsv -lhpdf -lm -pthread
# The executables export the function through which libgit2's init would
# parse every CA certificate of the system (lib/store/gitapi.c).
EXPORT_LDFLAGS = -Wl,--export-dynamic-symbol=mbedtls_x509_crt_parse_file
GIT2_SONAME := $(or $(shell objdump -p $$(pkg-config --variable=libdir libgit2 2>/dev/null)/libgit2.so 2>/dev/null | \
	awk '/SONAME/ { print $$2 }'),libgit2.so)
# What the thin kontora links (cmd/util-thin.c): no libxml2, libxlsxwriter,
# libharu, libqrencode or GMime.
THIN_PKGS = sqlite3 zlib jansson
THIN_LIBS = $(shell pkg-config --libs $(THIN_PKGS) 2>/dev/null) -lcsv -lm -pthread

ifeq ($(SAN),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS    += -fsanitize=address,undefined
endif

LIB_SRC  = $(sort $(wildcard lib/*.c lib/*/*.c))
CMD_SRC  = $(sort $(wildcard cmd/*.c))
UNIT_SRC = $(sort $(wildcard tests/unit/*.c))
BUILD    = build$(if $(filter 1,$(SAN)),-san)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ  = $(filter-out $(BUILD)/cmd/util-thin.o,$(CMD_SRC:%.c=$(BUILD)/%.o))
# The commands kontora-full runs for the thin kontora (cmd/util-thin.c).
HEAVY_CMD = contract export import invoice mail proposal report util-doc
THIN_OBJ = $(BUILD)/cmd/util-thin.o $(filter-out $(HEAVY_CMD:%=$(BUILD)/cmd/%.o),$(CMD_OBJ))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)
MANPAGES = $(sort $(wildcard man/*.[15]))

.PHONY: all deps check demo bench install lint mutate clean unit kontora po
all: kontora

deps:
	@sh tools/deps.sh

# The binaries of the last build mode (plain or SAN=1) are copied to
# ./kontora and ./kontora-full, where the tests and the demo run them:
# kontora is thin and runs kontora-full (beside it, or installed in
# LIBEXECDIR) for what needs the heavy libraries (cmd/util-thin.c).
kontora: $(BUILD)/kontora $(BUILD)/kontora-full locale/ru/LC_MESSAGES/kontora.mo
	@cmp -s $(BUILD)/kontora-full kontora-full || { cp $(BUILD)/kontora-full kontora-full.tmp && mv -f kontora-full.tmp kontora-full; }
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

# Messages in Russian (po/ru.po), compiled where an uninstalled kontora
# looks (locale/ beside it) and installed under LOCALEDIR.  make po
# extracts the messages again (xgettext) and merges them into po/ru.po,
# whose new entries then need translating.
XGETTEXT_KEYWORDS = -k_ -kN_ -kkt_ngettext:1,2 -kdie -kwarn -kusage_error:2 -kkt_error_set:3 \
	-kbad:2 -kproblem:5 -krefuse:2 -kcml_fail:4 -konec_note:5 -kzip_bad:2
locale/ru/LC_MESSAGES/kontora.mo: po/ru.po
	@mkdir -p $(dir $@)
	msgfmt -c -o $@ po/ru.po

po: po/kontora.pot
	msgmerge -q --no-wrap -U po/ru.po po/kontora.pot

po/kontora.pot: $(CMD_SRC) $(LIB_SRC)
	xgettext --from-code=UTF-8 --no-wrap --no-location --package-name=kontora $(XGETTEXT_KEYWORDS) \
		-o $@ $(CMD_SRC) $(LIB_SRC)

$(BUILD)/kontora-full: $(BUILD)/libkontora.a $(CMD_OBJ)
	$(CC) $(LDFLAGS) $(EXPORT_LDFLAGS) -o $@ $(CMD_OBJ) $(BUILD)/libkontora.a $(LIBS)

$(BUILD)/kontora: $(BUILD)/libkontora.a $(THIN_OBJ)
	$(CC) $(LDFLAGS) $(EXPORT_LDFLAGS) -o $@ $(THIN_OBJ) $(BUILD)/libkontora.a $(THIN_LIBS)

# The installed data directory, compiled in; rewritten only when it changes,
# so that make install PREFIX=... rebuilds what depends on it.
$(BUILD)/config.h: FORCE
	@mkdir -p $(BUILD)
	@printf '#define KT_DATADIR "%s"\n#define KT_LOCALEDIR "%s"\n#define KT_LIBEXECDIR "%s"\n' \
		"$(DATADIR)" "$(LOCALEDIR)" "$(LIBEXECDIR)" >$@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@
	@rm -f $@.tmp
FORCE:

$(BUILD)/cmd/main.o $(BUILD)/cmd/util-thin.o: $(BUILD)/config.h

$(BUILD)/lib/store/gitapi.o: CPPFLAGS += -DKT_LIBGIT2_SONAME='"$(GIT2_SONAME)"'

$(BUILD)/libkontora.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/unit/%: tests/unit/%.c $(BUILD)/libkontora.a tests/unit/tap.h tests/unit/books.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) $(EXPORT_LDFLAGS) -Itests/unit -o $@ $< $(BUILD)/libkontora.a $(LIBS)

unit: $(UNIT_BIN)

# Every test through prove: the C unit tests and the shell tests, after
# the house rules.
check: deps
	@$(MAKE) --no-print-directory kontora unit lint
	KONTORA_BUILD=$(BUILD) prove -f $(if $(V),-v) $(UNIT_BIN) tests/t/t[0-9]*.sh

demo: deps
	@$(MAKE) --no-print-directory kontora
	sh examples/demo.sh

# Breaks the code on purpose, block by block of tests/mutations.txt, and
# fails if the tests named do not fail (docs/testing.md).  Not part of
# check: it takes about an hour; J=2 runs two copies at once.
mutate: deps
	@$(MAKE) --no-print-directory kontora
	python3 tools/mutate.py -j $(or $(J),1)

bench: deps
	@$(MAKE) --no-print-directory kontora
	sh bench/run.sh; s=$$?; [ "$${SIZE:-full}" = huge ] || { sh bench/import.sh && sh bench/intake.sh; } && exit $$s

# The wings' includes (docs/architecture.md) and the manual pages.
lint:
	@sh tools/lint.sh
	@mandoc -Tlint -Wwarning $(MANPAGES)

install: kontora
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 kontora $(DESTDIR)$(BINDIR)/kontora
	install -d $(DESTDIR)$(LIBEXECDIR)
	install -m 755 kontora-full $(DESTDIR)$(LIBEXECDIR)/kontora-full
	cp -R schemas dicts workflows filters templates reports $(DESTDIR)$(DATADIR)/
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 completion/kontora.bash $(DESTDIR)$(BASHCOMPDIR)/kontora
	install -m 644 completion/_kontora $(DESTDIR)$(ZSHCOMPDIR)/_kontora
	install -d $(DESTDIR)$(LOCALEDIR)/ru/LC_MESSAGES
	install -m 644 locale/ru/LC_MESSAGES/kontora.mo $(DESTDIR)$(LOCALEDIR)/ru/LC_MESSAGES/kontora.mo

clean:
	rm -rf build build-san kontora kontora-full demo-out locale

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(BUILD)/cmd/util-thin.d
