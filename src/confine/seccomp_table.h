/* SPDX-License-Identifier: MIT */
/*
 * Internal to the seccomp module: the default deny list as data
 * (seccomp_table.c), read by the builder (seccomp.c).
 */
#pragma once

/* How a refusal matches its system call. */
enum sc_kind {
	SC_ALL = 0,	/* every call */
	SC_CLONE_NS,	/* clone() with any CLONE_NEW* flag */
	SC_TTY_INJECT,	/* ioctl(TIOCSTI), ioctl(TIOCLINUX), low 32 bits */
	SC_PERSONA,	/* personality() other than 0 and 0xffffffff */
	SC_SOCKET,	/* socket() outside what the net options allow */
	SC_SOCKETPAIR,	/* socketpair() other than AF_UNIX */
	SC_FASTOPEN,	/* send*() with MSG_FASTOPEN in argument `arg` */
	SC_TFO_CONNECT, /* setsockopt(IPPROTO_TCP, TCP_FASTOPEN_CONNECT) */
};

struct sc_entry {
	const char *name; /* as libseccomp (or sc_extras()) knows it */
	enum sc_kind kind;
	int err;      /* the errno the call gets */
	unsigned arg; /* SC_FASTOPEN: index of the flags argument */
};

struct sc_group {
	const char *name; /* "@ptrace"; NULL when a profile cannot name it */
	const char *rule; /* enforcement report text, short and stable */
	const struct sc_entry *entries; /* ends with a NULL name */
};

struct sc_extra {
	const char *name;
	int nr;
};

/* Ends with an entry whose rule is NULL. */
const struct sc_group *sc_groups(void);
/* Ends with a NULL name. */
const struct sc_extra *sc_extras(void);
/* NULL-terminated lists of names. */
const char *const *sc_essential(void);
const char *const *sc_net_governed(void);
