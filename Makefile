# bulkhead — plain make.  `make` builds build/bulkhead; `make test` runs every
# suite; `make asan` runs the unit tests and fuzz corpora under ASan+UBSan;
# `make fuzz` builds the libFuzzer targets with clang.
CC        ?= gcc
BUILD     ?= build
PREFIX    ?= /usr/local
PKGS      := libseccomp jansson libpcre2-8 libidn2 libpsl libcares

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	     -Wmissing-prototypes -Wformat=2 -Wformat-security -Wvla \
	     -Wpointer-arith -Wundef -Wno-unused-parameter
HARDEN    := -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
	     -fstack-clash-protection -fcf-protection -fPIE
OPT       ?= -O2 -g
CPPFLAGS  += -Isrc -I$(BUILD)/gen -D_GNU_SOURCE
CFLAGS    += -std=c11 $(OPT) $(WARN) $(HARDEN) \
	     $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS   += -pie -Wl,-z,relro,-z,now -Wl,--as-needed
LDLIBS    += $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lseccomp -ljansson -lpcre2-8)

LIB_SRC   := $(sort $(wildcard src/core/*.c src/policy/*.c src/audit/*.c \
	       src/confine/*.c src/tier/*.c src/secrets/*.c src/net/*.c \
	       src/inventory/*.c src/cmdpolicy/*.c src/workspace/*.c \
	       src/guest/netmux*.c))
CLI_SRC   := $(sort $(wildcard src/cli/*.c))
UNIT_SRC  := $(sort $(wildcard tests/unit/*.c))
HELPER_SRC:= $(sort $(wildcard tests/helpers/*.c))
PROFILES  := $(sort $(wildcard profiles/*.profile))

GEN_C     := $(BUILD)/gen/builtin_profiles.c
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/builtin_profiles.o \
	     $(BUILD)/gen/guest_init.o
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ  := $(UNIT_SRC:%.c=$(BUILD)/%.o)
HELPERS   := $(HELPER_SRC:tests/helpers/%.c=$(BUILD)/helpers/%)

.PHONY: all test unit integration corpus asan asan-build fuzz bench clean install format lint
all: $(BUILD)/bulkhead

$(GEN_C): $(PROFILES) tools/embed-profiles.sh
	@mkdir -p $(dir $@)
	sh tools/embed-profiles.sh $(PROFILES) > $@.tmp && mv $@.tmp $@

# The microvm tier's guest init: pid 1 inside the VM, static (the initramfs
# holds nothing else), embedded into bulkhead, which writes it into the
# initramfs it builds.
GUEST_SRC := src/guest/init.c src/guest/netmux.c src/guest/netmux_io.c
$(BUILD)/guest/init: $(GUEST_SRC) src/guest/proto.h src/guest/netmux.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=gnu11 -O2 $(WARN) -static -s -o $@ $(GUEST_SRC)

$(BUILD)/gen/guest_init.o: $(BUILD)/guest/init
	@mkdir -p $(dir $@)
	printf '\t.section .rodata\n\t.balign 16\n\t.globl bh_guest_init_start\n\t.globl bh_guest_init_size\nbh_guest_init_start:\n\t.incbin "%s"\n1:\n\t.balign 8\nbh_guest_init_size:\n\t.quad 1b - bh_guest_init_start\n\t.section .note.GNU-stack,"",@progbits\n' $< > $(BUILD)/gen/guest_init.S
	$(CC) -c -o $@ $(BUILD)/gen/guest_init.S

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libbulkhead.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/bulkhead: $(CLI_OBJ) $(BUILD)/libbulkhead.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit-tests: $(UNIT_OBJ) $(BUILD)/libbulkhead.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/fuzz-replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(BUILD)/libbulkhead.a
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Recall and false positives of the secret rules on tests/corpus/secrets.
$(BUILD)/corpus-score: tests/corpus/score.c $(BUILD)/libbulkhead.a
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Test helpers are deliberately small, static where they try raw syscalls.
$(BUILD)/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=gnu11 -O1 -g -Wall -Wextra -Werror -o $@ $< $(LDLIBS)

FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

corpus: $(FUZZ_TARGETS:%=$(BUILD)/fuzz-replay-%)
	@for t in $(FUZZ_TARGETS); do $(BUILD)/fuzz-replay-$$t tests/fuzz/corpus/$$t || exit 1; done

integration: $(BUILD)/bulkhead $(HELPERS)
	BULKHEAD=$(CURDIR)/$(BUILD)/bulkhead HELPERS=$(CURDIR)/$(BUILD)/helpers \
		bash tests/integration/run.sh

# The whole suite: unit, fuzz corpora, the secret corpus, ASan+UBSan unit run,
# integration as root and as an unprivileged user.  Ends with "N passed, N
# failed".
test: $(BUILD)/bulkhead $(BUILD)/unit-tests $(BUILD)/corpus-score $(HELPERS) $(FUZZ_TARGETS:%=$(BUILD)/fuzz-replay-%)
	bash tests/run-all.sh

asan-build:
	$(MAKE) BUILD=build-asan CC=gcc \
		OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		HARDEN="-fPIE" build-asan/unit-tests $(FUZZ_TARGETS:%=build-asan/fuzz-replay-%) build-asan/bulkhead

asan: asan-build
	ASAN_OPTIONS=detect_leaks=1 build-asan/unit-tests
	@for t in $(FUZZ_TARGETS); do ASAN_OPTIONS=detect_leaks=1 build-asan/fuzz-replay-$$t tests/fuzz/corpus/$$t || exit 1; done

fuzz: $(BUILD)/gen/builtin_profiles.c
	@mkdir -p $(BUILD)/fuzz
	@for t in $(FUZZ_TARGETS); do \
	  clang-14 $(CPPFLAGS) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o $(BUILD)/fuzz/$$t tests/fuzz/fuzz_$$t.c $(LIB_SRC) $(BUILD)/gen/builtin_profiles.c $(LDLIBS) || exit 1; \
	  echo "built $(BUILD)/fuzz/$$t (run: $(BUILD)/fuzz/$$t tests/fuzz/corpus/$$t)"; done

bench: $(BUILD)/bulkhead
	bash bench/run.sh

install: $(BUILD)/bulkhead
	install -D -m 0755 $(BUILD)/bulkhead $(DESTDIR)$(PREFIX)/bin/bulkhead
	install -D -m 0644 docs/bulkhead.1 $(DESTDIR)$(PREFIX)/share/man/man1/bulkhead.1

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(UNIT_SRC) $(wildcard src/*/*.h)

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr -D_GNU_SOURCE -Isrc -I$(BUILD)/gen src tests/unit

clean:
	rm -rf build build-asan

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_OBJ:.o=.d)
