/* SPDX-License-Identifier: MIT */
/*
 * The server name of a TLS ClientHello, read incrementally from the bytes a
 * client sent after CONNECT (pure, fuzzed).
 *
 * Fail closed (DESIGN.md traps): a hello split across reads or across TLS
 * records is waited for (-EAGAIN) up to BH_SNI_MAX_INPUT bytes; anything
 * that is not a well-formed ClientHello, a hello without a server name, a
 * hello with two names, and an Encrypted ClientHello (whose outer name is by
 * design not the real one) are refused.  The caller canonicalises the name
 * with bh_host_canon() and compares it with the CONNECT host.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define BH_SNI_MAX_HANDSHAKE 16384 /* the ClientHello message itself */
#define BH_SNI_MAX_INPUT 20480     /* record headers included */

/*
 * Returns 0 with name[0..*name_len) (name >= 256 bytes, not terminated) set
 * to the server name; -EAGAIN: need more bytes; -ENOENT: a valid hello
 * without a server name; -EINVAL: not a valid ClientHello; -E2BIG: over the
 * bounds above.  *why says what on every refusal.
 */
int bh_sni_parse(const uint8_t *buf, size_t len, char *name, size_t *name_len,
		 const char **why);
