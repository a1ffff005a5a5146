/* SPDX-License-Identifier: MIT */
/*
 * HTTP/1.x request heads as a proxy receives them.  See http.h for what is
 * refused and why; the rule throughout is that a byte sequence two HTTP
 * implementations could read differently is refused, never repaired.
 */
#include <errno.h>
#include <string.h>

#include "core/util.h"
#include "net/http.h"

static bool is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool ieq(const char *a, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	if (n != m)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = a[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != lit[i])
			return false;
	}
	return true;
}

static bool iprefix(const char *a, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	return n >= m && ieq(a, m, lit);
}

struct line {
	const char *p;
	size_t n; /* without CRLF */
};

#define REFUSE(code, text)                                                     \
	do {                                                                   \
		*status = (code);                                              \
		*why = (text);                                                 \
		return -EINVAL;                                                \
	} while (0)

/*
 * Splits the head into lines, refusing NUL, bare CR, bare LF and long lines
 * in what has arrived so far, so a hostile client cannot make us wait for
 * the end of a head that is already wrong.  Returns the number of lines
 * (the last being the empty one) or -EAGAIN / -EINVAL / -E2BIG.
 */
static int split_lines(const char *buf, size_t len, struct line *lines,
		       size_t max_lines, size_t *head_len, int *status,
		       const char **why)
{
	size_t start = 0, n = 0;
	size_t lim = len < BH_HTTP_MAX_HEAD ? len : BH_HTTP_MAX_HEAD;
	for (size_t i = 0; i < lim; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == 0)
			REFUSE(400, "NUL byte in request head");
		if (c == '\n')
			REFUSE(400, "bare LF in request head");
		if (c != '\r') {
			if (i - start >= BH_HTTP_MAX_LINE) {
				*status = start == 0 ? 414 : 431;
				*why = "request line or header too long";
				return -E2BIG;
			}
			continue;
		}
		if (i + 1 >= len)
			return -EAGAIN;
		if (buf[i + 1] != '\n')
			REFUSE(400, "bare CR in request head");
		if (n >= max_lines) {
			*status = 431;
			*why = "too many header lines";
			return -E2BIG;
		}
		lines[n].p = buf + start;
		lines[n].n = i - start;
		n++;
		i++;
		start = i + 1;
		if (lines[n - 1].n == 0) {
			if (n == 1)
				REFUSE(400, "empty line before request line");
			*head_len = start;
			return (int)n;
		}
	}
	if (len >= BH_HTTP_MAX_HEAD) {
		*status = 431;
		*why = "request head too long";
		return -E2BIG;
	}
	return -EAGAIN;
}

/* "host[:port]" or "[v6][:port]" into a canonical host and port.  A port,
 * when present, is 1-5 digits, 1-65535; need_port: it must be present. */
static int parse_authority(const char *a, size_t n, bool need_port,
			   unsigned def_port, struct bh_host *h,
			   unsigned *port, const char **why)
{
	size_t hlen = n;
	const char *colon = NULL;
	if (n && a[0] == '[') {
		const char *close = memchr(a, ']', n);
		if (!close) {
			*why = "unterminated [ in authority";
			return -EINVAL;
		}
		hlen = (size_t)(close - a) + 1;
		if (hlen < n) {
			if (a[hlen] != ':') {
				*why = "junk after ] in authority";
				return -EINVAL;
			}
			colon = a + hlen;
		}
	} else {
		/* The last colon: a bare IPv6 address is not an authority,
		 * and bh_host_parse refuses what is left if it holds one. */
		for (size_t i = n; i > 0; i--)
			if (a[i - 1] == ':') {
				colon = a + i - 1;
				hlen = i - 1;
				break;
			}
	}
	if (a[0] != '[' && memchr(a, ':', hlen)) {
		*why = "IPv6 address without brackets";
		return -EINVAL;
	}
	if (memchr(a, '@', n)) {
		*why = "userinfo in authority";
		return -EINVAL;
	}
	if (colon) {
		const char *p = colon + 1;
		size_t pl = n - (size_t)(p - a);
		if (pl == 0 || pl > 5) {
			*why = "bad port";
			return -EINVAL;
		}
		unsigned v = 0;
		for (size_t i = 0; i < pl; i++) {
			if (p[i] < '0' || p[i] > '9') {
				*why = "bad port";
				return -EINVAL;
			}
			v = v * 10 + (unsigned)(p[i] - '0');
		}
		if (v == 0 || v > 65535) {
			*why = "port out of range";
			return -EINVAL;
		}
		*port = v;
	} else if (need_port) {
		*why = "CONNECT needs host:port";
		return -EINVAL;
	} else {
		*port = def_port;
	}
	if (hlen == 0) {
		*why = "empty host";
		return -EINVAL;
	}
	return bh_host_canon(a, hlen, h, why);
}

static bool same_host(const struct bh_host *a, const struct bh_host *b)
{
	return a->kind == b->kind && !strcmp(a->name, b->name);
}

/* Headers a proxy must not forward: its own, and hop-by-hop ones (we send
 * our own Connection, and Upgrade only for a WebSocket handshake).
 * HTTP2-Settings belongs to the h2c upgrade, which is dropped. */
static bool is_dropped_header(const char *name, size_t n)
{
	return iprefix(name, n, "proxy-") || ieq(name, n, "connection") ||
	       ieq(name, n, "keep-alive") || ieq(name, n, "te") ||
	       ieq(name, n, "trailer") || ieq(name, n, "upgrade") ||
	       ieq(name, n, "http2-settings") || ieq(name, n, "host");
}

/* Headers that frame the body: forwarded only as the proxy wrote them. */
static bool is_framing_header(const char *name, size_t n)
{
	return ieq(name, n, "content-length") ||
	       ieq(name, n, "transfer-encoding");
}

/* The raw value of a Transfer-Encoding line, after its colon: spaces, then
 * exactly "chunked".  No list ("chunked, gzip" or "gzip, chunked"), no
 * tab, nothing after it: whatever a lenient origin could read as another
 * coding, or as no coding at all, is refused rather than trimmed. */
static bool te_is_chunked(const char *v, const char *end)
{
	while (v < end && *v == ' ')
		v++;
	return ieq(v, (size_t)(end - v), "chunked");
}

/* True when the comma-separated list v holds tok (case-insensitive). */
static bool has_token(const char *v, size_t n, const char *tok)
{
	const char *end = v + n;
	while (v < end) {
		const char *comma = memchr(v, ',', (size_t)(end - v));
		const char *e = comma ? comma : end;
		const char *a = v;
		while (a < e && (*a == ' ' || *a == '\t'))
			a++;
		const char *b = e;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (ieq(a, (size_t)(b - a), tok))
			return true;
		v = comma ? comma + 1 : end;
	}
	return false;
}

static int parse_request_line(const struct line *l, struct bh_http_req *out,
			      const char **target, size_t *target_len,
			      int *minor, int *status, const char **why)
{
	const char *sp1 = memchr(l->p, ' ', l->n);
	if (!sp1 || sp1 == l->p)
		REFUSE(400, "malformed request line");
	size_t mlen = (size_t)(sp1 - l->p);
	if (mlen >= sizeof(out->method))
		REFUSE(501, "method too long");
	for (size_t i = 0; i < mlen; i++)
		if (!is_tchar((unsigned char)l->p[i]))
			REFUSE(400, "bad method");
	memcpy(out->method, l->p, mlen);
	out->method[mlen] = '\0';
	const char *t = sp1 + 1;
	const char *end = l->p + l->n;
	const char *sp2 = memchr(t, ' ', (size_t)(end - t));
	if (!sp2 || sp2 == t)
		REFUSE(400, "malformed request line");
	for (const char *q = t; q < sp2; q++)
		if ((unsigned char)*q <= 0x20 || (unsigned char)*q >= 0x7f)
			REFUSE(400, "bad byte in request target");
	const char *v = sp2 + 1;
	size_t vlen = (size_t)(end - v);
	if (vlen != 8 || memcmp(v, "HTTP/1.", 7) || (v[7] != '0' && v[7] != '1'))
		REFUSE(505, "not HTTP/1.0 or HTTP/1.1");
	*minor = v[7] - '0';
	*target = t;
	*target_len = (size_t)(sp2 - t);
	out->is_connect = !strcmp(out->method, "CONNECT");
	return 0;
}

int bh_http_parse_request(const char *buf, size_t len, struct bh_http_req *out,
			  struct bh_strbuf *fwd, int *status, const char **why)
{
	struct line lines[BH_HTTP_MAX_HEADERS + 2];
	size_t head_len = 0;
	memset(out, 0, sizeof(*out));
	*status = 400;
	int nl = split_lines(buf, len, lines, BH_HTTP_MAX_HEADERS + 2,
			     &head_len, status, why);
	if (nl < 0)
		return nl;
	out->head_len = head_len;

	const char *target;
	size_t tlen;
	int minor;
	int r = parse_request_line(&lines[0], out, &target, &tlen, &minor,
				   status, why);
	if (r)
		return r;

	const char *path = "/";
	size_t plen = 1;
	bool path_is_query = false;
	if (out->is_connect) {
		if (parse_authority(target, tlen, true, 0, &out->host,
				    &out->port, why))
			REFUSE(400, *why);
	} else {
		if (tlen && target[0] == '/')
			REFUSE(400, "origin-form request to a proxy");
		if (iprefix(target, tlen, "https://"))
			REFUSE(400, "https:// URI to a plain proxy (use CONNECT)");
		if (!iprefix(target, tlen, "http://"))
			REFUSE(400, "request target is not an http:// URI");
		const char *a = target + 7;
		const char *tend = target + tlen;
		if (memchr(a, '#', (size_t)(tend - a)))
			REFUSE(400, "fragment in request target");
		const char *ae = a;
		while (ae < tend && *ae != '/' && *ae != '?')
			ae++;
		if (parse_authority(a, (size_t)(ae - a), false, 80, &out->host,
				    &out->port, why))
			REFUSE(400, *why);
		if (ae < tend) {
			path = ae;
			plen = (size_t)(tend - ae);
			path_is_query = *ae == '?';
		}
	}

	int n_host = 0, n_cl = 0, n_te = 0, n_upgrade = 0;
	bool upgrade_ws = false, conn_upgrade = false;
	for (int i = 1; i < nl - 1; i++) {
		const struct line *l = &lines[i];
		if (l->p[0] == ' ' || l->p[0] == '\t')
			REFUSE(400, "obsolete line folding");
		const char *colon = memchr(l->p, ':', l->n);
		if (!colon || colon == l->p)
			REFUSE(400, "malformed header line");
		size_t nlen = (size_t)(colon - l->p);
		for (size_t k = 0; k < nlen; k++)
			if (!is_tchar((unsigned char)l->p[k]))
				REFUSE(400, "bad byte in header name");
		const char *v = colon + 1, *ve = l->p + l->n;
		for (const char *q = v; q < ve; q++) {
			unsigned char c = (unsigned char)*q;
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				REFUSE(400, "control byte in header value");
		}
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		size_t vlen = (size_t)(ve - v);

		if (ieq(l->p, nlen, "host")) {
			if (++n_host > 1)
				REFUSE(400, "more than one Host header");
			struct bh_host hh;
			unsigned hport;
			const char *w;
			if (parse_authority(v, vlen, false,
					    out->is_connect ? out->port : 80,
					    &hh, &hport, &w))
				REFUSE(400, "bad Host header");
			if (!same_host(&hh, &out->host) || hport != out->port)
				REFUSE(400, "Host header differs from the "
					    "request target");
		} else if (ieq(l->p, nlen, "content-length")) {
			if (++n_cl > 1)
				REFUSE(400, "more than one Content-Length");
			if (vlen == 0 || vlen > 15)
				REFUSE(400, "bad Content-Length");
			uint64_t cl = 0;
			for (size_t k = 0; k < vlen; k++) {
				if (v[k] < '0' || v[k] > '9')
					REFUSE(400, "bad Content-Length");
				cl = cl * 10 + (uint64_t)(v[k] - '0');
			}
			out->content_length = cl;
		} else if (ieq(l->p, nlen, "transfer-encoding")) {
			if (++n_te > 1)
				REFUSE(400, "more than one Transfer-Encoding");
			if (!te_is_chunked(colon + 1, l->p + l->n))
				REFUSE(400, "Transfer-Encoding other than "
					    "exactly chunked");
			out->chunked = true;
		} else if (ieq(l->p, nlen, "upgrade")) {
			if (++n_upgrade > 1)
				REFUSE(400, "more than one Upgrade");
			upgrade_ws = ieq(v, vlen, "websocket");
		} else if (ieq(l->p, nlen, "connection")) {
			conn_upgrade |= has_token(v, vlen, "upgrade");
		} else if (ieq(l->p, nlen, "proxy-authorization")) {
			if (out->proxy_auth)
				REFUSE(400, "more than one Proxy-Authorization");
			out->proxy_auth = v;
			out->proxy_auth_len = vlen;
		}
	}
	if (out->chunked && n_cl)
		REFUSE(400, "Content-Length with Transfer-Encoding");
	if (out->is_connect && (out->chunked || out->content_length))
		REFUSE(400, "CONNECT with a body");
	/* RFC 9112 6.1: an HTTP/1.0 origin need not know chunked, and would
	 * read the body as the next request. */
	if (out->chunked && minor == 0)
		REFUSE(400, "Transfer-Encoding in an HTTP/1.0 request");
	/* An Upgrade is a WebSocket handshake only with Connection: upgrade;
	 * any other Upgrade (h2c, TLS) is dropped below, as hop-by-hop, and
	 * the origin answers in HTTP/1.x. */
	out->websocket = !out->is_connect && upgrade_ws && conn_upgrade;
	if (out->websocket) {
		if (strcmp(out->method, "GET"))
			REFUSE(400, "WebSocket handshake that is not a GET");
		if (minor != 1)
			REFUSE(400, "WebSocket handshake not in HTTP/1.1");
		if (out->chunked || out->content_length)
			REFUSE(400, "WebSocket handshake with a body");
	}

	if (out->is_connect || !fwd)
		return 0;
	bh_strbuf_printf(fwd, "%s ", out->method);
	if (path_is_query)
		bh_strbuf_putc(fwd, '/');
	bh_strbuf_append(fwd, path, plen);
	bh_strbuf_printf(fwd, " HTTP/1.%d\r\nHost: ", minor);
	if (out->host.kind == BH_HOST_IPV6)
		bh_strbuf_printf(fwd, "[%s]", out->host.name);
	else
		bh_strbuf_puts(fwd, out->host.name);
	if (out->port != 80)
		bh_strbuf_printf(fwd, ":%u", out->port);
	bh_strbuf_puts(fwd, "\r\n");
	for (int i = 1; i < nl - 1; i++) {
		const struct line *l = &lines[i];
		const char *colon = memchr(l->p, ':', l->n);
		size_t nlen = (size_t)(colon - l->p);
		if (is_dropped_header(l->p, nlen) ||
		    ieq(l->p, nlen, "transfer-encoding"))
			continue;
		bh_strbuf_append(fwd, l->p, l->n);
		bh_strbuf_puts(fwd, "\r\n");
	}
	/* Written the one way every origin reads it. */
	if (out->chunked)
		bh_strbuf_puts(fwd, "Transfer-Encoding: chunked\r\n");
	if (out->websocket)
		bh_strbuf_puts(fwd, "Connection: Upgrade\r\n"
				    "Upgrade: websocket\r\n\r\n");
	else
		bh_strbuf_puts(fwd, "Connection: close\r\n\r\n");
	return 0;
}

/* --- chunked request bodies ----------------------------------------------- */

enum {
	CK_SIZE0 = 0, /* the first hex digit of a chunk size */
	CK_SIZE,      /* more hex digits, or CR */
	CK_SIZE_LF,
	CK_DATA,
	CK_DATA_CR,   /* the CRLF after chunk data */
	CK_DATA_LF,
	CK_LINE0,     /* the start of a trailer line, or the final CRLF */
	CK_NAME,
	CK_VALUE,
	CK_LINE_LF,
	CK_END_LF,
	CK_DONE,
	CK_BAD,
};

/* A trailer a careless origin could merge into the head must not change
 * its framing, its routing or what is hop-by-hop. */
static bool trailer_refused(const struct bh_chunked *ck)
{
	size_t n = ck->name_len;
	if (n > sizeof(ck->name))
		return iprefix(ck->name, sizeof(ck->name), "proxy-");
	return is_dropped_header(ck->name, n) || is_framing_header(ck->name, n);
}

void bh_chunked_init(struct bh_chunked *ck)
{
	memset(ck, 0, sizeof(*ck));
	ck->state = CK_SIZE0;
}

#define CK_FAIL(text)                                                          \
	do {                                                                   \
		ck->state = CK_BAD;                                            \
		*used = i;                                                     \
		*why = (text);                                                 \
		return -EINVAL;                                                \
	} while (0)

/* One byte of the framing (everything but chunk data); i is its offset
 * for CK_FAIL.  Returns 1 when the body ended with it, 0 to go on. */
static int chunked_byte(struct bh_chunked *ck, unsigned char c, size_t i,
			size_t *used, const char **why)
{
	if (ck->state >= CK_LINE0) {
		if (++ck->trailer > BH_HTTP_MAX_HEAD)
			CK_FAIL("trailer section too long");
		if (++ck->line > BH_HTTP_MAX_LINE)
			CK_FAIL("trailer line too long");
	}
	switch (ck->state) {
	case CK_SIZE0:
	case CK_SIZE: {
		int h = bh_hex_value((char)c);
		if (h >= 0) {
			if (++ck->digits > BH_CHUNK_MAX_DIGITS)
				CK_FAIL("chunk size has too many digits");
			ck->left = ck->left * 16 + (unsigned)h;
			if (ck->left > BH_CHUNK_MAX_SIZE)
				CK_FAIL("chunk size too large");
			ck->state = CK_SIZE;
			return 0;
		}
		if (ck->state == CK_SIZE0)
			CK_FAIL(c == '\r' ? "empty chunk size"
					  : "chunk size is not hex");
		if (c == '\r') {
			ck->state = CK_SIZE_LF;
			return 0;
		}
		if (c == ';')
			CK_FAIL("chunk extension");
		if (c == ' ' || c == '\t')
			CK_FAIL("whitespace in a chunk size line");
		if (c == '\n')
			CK_FAIL("bare LF after a chunk size");
		CK_FAIL("chunk size is not hex");
	}
	case CK_SIZE_LF:
		if (c != '\n')
			CK_FAIL("bare CR after a chunk size");
		ck->digits = 0;
		ck->state = ck->left ? CK_DATA : CK_LINE0;
		return 0;
	case CK_DATA_CR:
		if (c != '\r')
			CK_FAIL("no CRLF after chunk data");
		ck->state = CK_DATA_LF;
		return 0;
	case CK_DATA_LF:
		if (c != '\n')
			CK_FAIL("bare CR after chunk data");
		ck->state = CK_SIZE0;
		return 0;
	case CK_LINE0:
		if (c == '\r') {
			ck->state = CK_END_LF;
			return 0;
		}
		if (c == ' ' || c == '\t')
			CK_FAIL("obsolete line folding in a trailer");
		if (++ck->fields > BH_HTTP_MAX_HEADERS)
			CK_FAIL("too many trailer fields");
		ck->name_len = 0;
		ck->state = CK_NAME;
		/* c is the name's first byte */
		__attribute__((fallthrough));
	case CK_NAME:
		if (c == ':' && ck->name_len) {
			if (trailer_refused(ck))
				CK_FAIL("trailer names a framing, routing or "
					"hop-by-hop field");
			ck->state = CK_VALUE;
			return 0;
		}
		if (c == '\n')
			CK_FAIL("bare LF in a trailer");
		if (!is_tchar(c))
			CK_FAIL("bad byte in a trailer name");
		if (ck->name_len < sizeof(ck->name))
			ck->name[ck->name_len] = (char)c;
		ck->name_len++;
		return 0;
	case CK_VALUE:
		if (c == '\r') {
			ck->state = CK_LINE_LF;
			return 0;
		}
		if (c == '\n')
			CK_FAIL("bare LF in a trailer");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			CK_FAIL("control byte in a trailer");
		return 0;
	case CK_LINE_LF:
		if (c != '\n')
			CK_FAIL("bare CR in a trailer");
		ck->line = 0;
		ck->state = CK_LINE0;
		return 0;
	case CK_END_LF:
		if (c != '\n')
			CK_FAIL("bare CR at the end of a chunked body");
		ck->state = CK_DONE;
		return 1;
	default:
		CK_FAIL("chunked parser in a bad state");
	}
}

int bh_chunked_feed(struct bh_chunked *ck, const uint8_t *buf, size_t len,
		    size_t *used, const char **why)
{
	*used = 0;
	if (ck->state == CK_DONE)
		return 0;
	if (ck->state == CK_BAD) {
		*why = "after an invalid chunked body";
		return -EINVAL;
	}
	size_t i = 0;
	while (i < len) {
		if (ck->state == CK_DATA) {
			/* Chunk data is opaque: counted, never looked at. */
			size_t n = len - i;
			if (n > ck->left)
				n = (size_t)ck->left;
			i += n;
			ck->left -= n;
			if (!ck->left)
				ck->state = CK_DATA_CR;
			continue;
		}
		int r = chunked_byte(ck, buf[i], i, used, why);
		if (r < 0)
			return r;
		i++;
		if (r) {
			*used = i;
			return 0;
		}
	}
	*used = len;
	return -EAGAIN;
}

int bh_http_response_status(const char *buf, size_t len, int *status)
{
	static const char version[] = "HTTP/1.";
	for (size_t i = 0; i < len && i < 13; i++) {
		char c = buf[i];
		bool ok;
		if (i < 7)
			ok = c == version[i];
		else if (i == 7)
			ok = c == '0' || c == '1';
		else if (i == 8)
			ok = c == ' ';
		else if (i < 12)
			ok = c >= (i == 9 ? '1' : '0') && c <= '9';
		else
			ok = c == ' ' || c == '\r';
		if (!ok)
			return -EINVAL;
	}
	if (len < 13)
		return -EAGAIN;
	*status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	return 0;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool bh_http_auth_ok(const char *value, size_t len, const char *token)
{
	static const char user[] = "bulkhead:";
	char dec[512];
	size_t dn = 0;
	if (!value || !token || len < 6 || !ieq(value, 6, "basic "))
		return false;
	const char *p = value + 6, *e = value + len;
	while (p < e && *p == ' ')
		p++;
	unsigned acc = 0;
	int bits = 0;
	for (; p < e && *p != '='; p++) {
		int v = b64val((unsigned char)*p);
		if (v < 0 || dn >= sizeof(dec))
			return false;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			dec[dn++] = (char)((acc >> bits) & 0xff);
		}
	}
	size_t tl = strlen(token), ul = sizeof(user) - 1;
	bool ok = dn == ul + tl && !memcmp(dec, user, ul);
	/* Constant time over the token's length. */
	unsigned char diff = ok ? 0 : 1;
	for (size_t i = 0; i < tl; i++)
		diff |= (unsigned char)(dec[(ul + i) % sizeof(dec)] ^ token[i]);
	explicit_bzero(dec, sizeof(dec));
	return diff == 0;
}
