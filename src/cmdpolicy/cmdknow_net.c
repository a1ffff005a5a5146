/* SPDX-License-Identifier: MIT */
/*
 * Built-in knowledge of programs, part three: network clients, archivers
 * and container tools.
 *
 * What it defends against: options that run a local command (ssh -o
 * ProxyCommand, rsync -e, tar --to-command, zip -TT), read their options
 * from a file the check cannot see (curl -K, ssh -F), send a file away
 * (curl -d @file, wget --post-file), write outside the workspace (curl
 * -o, tar -C /), or give a container the host (docker run --privileged,
 * -v /:/host, --pid=host).  Plain downloads are allowed when the URL is
 * written out: the egress proxy decides which hosts answer (network.md).
 */
#include <string.h>

#include "cmdpolicy/cmdint.h"
#include "core/util.h"

/* A file the command sends away: inside the workspace it asks, anywhere
 * else (home, credentials) it is denied. */
static void upload_file(struct kctx *k, size_t val, const char *path)
{
	const char *raw = k->av->a[val].raw;
	if (!path && (k_home_word(raw) || strstr(raw, "@~") ||
		      strstr(raw, "@$HOME") || strstr(raw, "@\"$HOME"))) {
		k_note(k, KN_DENY, true, val, "builtin: upload",
		       "sends a file from the home directory (keys, "
		       "credentials) to the network");
		return;
	}
	if (!path || !path[0] || strcmp(path, "-") == 0) {
		k_note(k, KN_ASK, true, val, "builtin: upload",
		       "sends data from its input or a file named at run "
		       "time");
		return;
	}
	bool outside =
	    path[0] == '/' || path[0] == '~' || strstr(path, "..") != NULL;
	k_note(k, outside ? KN_DENY : KN_ASK, true, val, "builtin: upload",
	       outside ? "sends a file from outside the workspace (keys, "
			 "credentials) to the network"
		       : "sends a file from the workspace to the network");
}

/* curl -d @file, -F name=@file, --data-urlencode name@file. */
static void curl_data(struct kctx *k, size_t val, const char *v)
{
	if (!v) {
		k_note(k, KN_ASK, true, val, "builtin: upload",
		       "sends data computed at run time");
		return;
	}
	const char *at = strchr(v, '@');
	const char *lt = strstr(v, "=<");
	if (v[0] == '@')
		upload_file(k, val, v + 1);
	else if (lt)
		upload_file(k, val, lt + 2);
	else if (at && (at[-1] == '=' || !strchr(v, '=')))
		upload_file(k, val, at + 1);
	else
		k_note(k, KN_ASK, true, val, "builtin: curl POST",
		       "sends data to the network");
}

static void curl_upload(struct kctx *k, size_t val, const char *v)
{
	upload_file(k, val, v);
}

static const struct kopt curl_opts[] = {
    {"-K", KO_ARG | KO_DENY, "builtin: curl -K",
     "reads options from a file this check cannot see", NULL},
    {"--config", KO_ARG | KO_DENY, "builtin: curl -K",
     "reads options from a file this check cannot see", NULL},
    {"-o", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--output", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--output-dir", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"-D", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--dump-header", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"-c", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--cookie-jar", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--trace", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--trace-ascii", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--libcurl", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--stderr", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--etag-save", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"-T", KO_ARG, NULL, NULL, curl_upload},
    {"--upload-file", KO_ARG, NULL, NULL, curl_upload},
    {"-d", KO_ARG, NULL, NULL, curl_data},
    {"--data", KO_ARG, NULL, NULL, curl_data},
    {"--data-binary", KO_ARG, NULL, NULL, curl_data},
    {"--data-ascii", KO_ARG, NULL, NULL, curl_data},
    {"--data-urlencode", KO_ARG, NULL, NULL, curl_data},
    {"--json", KO_ARG, NULL, NULL, curl_data},
    {"-F", KO_ARG, NULL, NULL, curl_data},
    {"--form", KO_ARG, NULL, NULL, curl_data},
    {"--data-raw", KO_ARG | KO_ASK, "builtin: curl POST",
     "sends data to the network", NULL},
};
static const char curl_opts_valued[] =
    "-X --request -H --header -u --user -A -e -w -m -x -b -r -Y "
    "-y -z -C -E --url";

/* The file `curl -O` or plain `wget` names after the URL's last part. */
static void url_file(struct kctx *k, size_t i)
{
	const char *u = k->av->a[i].s;
	if (!u) {
		k_note(k, KN_ASK, true, i, "builtin: download",
		       "saves a file named after a URL computed at run time");
		return;
	}
	cleanup_free char *path = bh_xstrndup(u, strcspn(u, "?#"));
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	if (!name[0] || strstr(path, "://") + 3 > slash)
		return; /* index.html */
	k_write_path(k, i, name);
}

static bool is_url(const struct cmd_arg *a)
{
	return !a->s || strstr(a->s, "://") || a->s[0] != '-';
}

void k_curl(struct kctx *k)
{
	struct kscan ks;
	bool remote_name = false, method = false;
	k_allow(k, "downloads to its output; the egress proxy decides which "
		   "hosts answer");
	SCAN(k, 1, curl_opts, curl_opts_valued, KS_DYNOPT, &ks);
	for (size_t i = 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		if (s[0] == '-' && s[1] != '-' && strchr(s, 'O') &&
		    strcspn(s, "KodcDTFXHuAewmxbrYyzCE") >
			(size_t)(strchr(s, 'O') - s))
			remote_name = true;
		remote_name |= k_optmatch(s, "--remote-name") ||
			       k_optmatch(s, "--remote-name-all");
		if ((!strcmp(s, "-X") || k_optmatch(s, "--request")) &&
		    strcmp(strchr(s, '=') ? strchr(s, '=') + 1 : k_s(k, i + 1),
			   "GET") != 0)
			method = true;
	}
	if (method)
		k_note(k, KN_ASK, true, CMD_NONE, "builtin: curl -X",
		       "a request that changes something on the server");
	for (size_t i = 0; i < ks.n_pos && i < 64; i++) {
		const struct cmd_arg *a = &k->av->a[ks.pos[i]];
		if (!a->s)
			k_note(k, KN_ASK, true, ks.pos[i], "builtin: curl URL",
			       "a URL computed at run time can carry data "
			       "out");
		if (remote_name && is_url(a))
			url_file(k, ks.pos[i]);
	}
}

static void wget_post_file(struct kctx *k, size_t val, const char *v)
{
	upload_file(k, val, v);
}

static const struct kopt wget_opts[] = {
    {"-e", KO_ARG | KO_DENY, "builtin: wget -e", "runs a wgetrc command", NULL},
    {"--execute", KO_ARG | KO_DENY, "builtin: wget -e", "runs a wgetrc command",
     NULL},
    {"--config", KO_ARG | KO_DENY, "builtin: wget --config",
     "reads options from a file this check cannot see", NULL},
    {"-o", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--output-file", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"-a", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--append-output", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"-P", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--directory-prefix", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--post-file", KO_ARG, NULL, NULL, wget_post_file},
    {"--body-file", KO_ARG, NULL, NULL, wget_post_file},
    {"--post-data", KO_ARG | KO_ASK, "builtin: wget POST",
     "sends data to the network", NULL},
    {"--body-data", KO_ARG | KO_ASK, "builtin: wget POST",
     "sends data to the network", NULL},
    {"--method", KO_ARG | KO_ASK, "builtin: wget --method",
     "a request that may change something on the server", NULL},
    {"-i", KO_ARG | KO_ASK, "builtin: wget -i", "reads URLs from a file", NULL},
    {"-r", KO_ASK, "builtin: wget -r", "downloads a whole site", NULL},
    {"--recursive", KO_ASK, "builtin: wget -r", "downloads a whole site", NULL},
    {"-m", KO_ASK, "builtin: wget -r", "downloads a whole site", NULL},
    {"--mirror", KO_ASK, "builtin: wget -r", "downloads a whole site", NULL},
};
static const char wget_opts_valued[] = "-O --output-document -U --header -t -T";

void k_wget(struct kctx *k)
{
	struct kscan ks;
	size_t out = CMD_NONE;
	k_allow(k, "downloads a file; the egress proxy decides which hosts "
		   "answer");
	SCAN(k, 1, wget_opts, wget_opts_valued, KS_DYNOPT, &ks);
	for (size_t i = 1; i < k->av->n; i++) {
		const char *s = k_s(k, i);
		if (!strcmp(s, "-O") || !strcmp(s, "--output-document"))
			out = i + 1;
		else if (!strncmp(s, "-O", 2) ||
			 k_optmatch(s, "--output-document"))
			out = i;
	}
	if (out != CMD_NONE && out < k->av->n) {
		const char *v = k_s(k, out);
		size_t skip = strchr(v, '=') ? (size_t)(strchr(v, '=') - v) + 1
			      : !strncmp(v, "-O", 2) ? 2
						     : 0;
		if (strcmp(v + skip, "-") != 0)
			k_write(k, out, skip);
	}
	for (size_t i = 0; i < ks.n_pos && i < 64; i++) {
		if (!k->av->a[ks.pos[i]].s)
			k_note(k, KN_ASK, true, ks.pos[i], "builtin: wget URL",
			       "a URL computed at run time can carry data "
			       "out");
		else if (out == CMD_NONE)
			url_file(k, ks.pos[i]);
	}
}

/* ssh, scp, sftp. */

static void ssh_option(struct kctx *k, size_t val, const char *v)
{
	static const char *const keys[] = {"proxycommand",
					   "localcommand",
					   "permitlocalcommand",
					   "knownhostscommand",
					   "include",
					   "pkcs11provider",
					   "securitykeyprovider",
					   "match",
					   "identityagent",
					   "controlpath",
					   "proxyjump",
					   "sendenv",
					   "setenv"};
	if (!v) {
		k_note(k, KN_DENY, true, val, "builtin: ssh -o",
		       "an ssh option computed at run time");
		return;
	}
	size_t n = strcspn(v, "= \t");
	for (size_t i = 0; i < BH_ARRAY_SIZE(keys); i++)
		if (strlen(keys[i]) == n && strncasecmp(v, keys[i], n) == 0)
			k_note(k, KN_DENY, true, val, "builtin: ssh -o",
			       "an ssh option that runs a local command, "
			       "loads code or reads more options");
}

static const struct kopt ssh_opts[] = {
    {"-o", KO_ARG, NULL, NULL, ssh_option},
    {"-F", KO_ARG | KO_DENY, "builtin: ssh -F",
     "reads ssh options from a file this check cannot see", NULL},
    {"-S", KO_ARG | KO_DENY, "builtin: scp -S", "runs another program as ssh",
     NULL},
    {"-D", KO_ARG | KO_ASK, "builtin: ssh forwarding",
     "forwards ports through the connection", NULL},
    {"-L", KO_ARG | KO_ASK, "builtin: ssh forwarding",
     "forwards ports through the connection", NULL},
    {"-R", KO_ARG | KO_ASK, "builtin: ssh forwarding",
     "forwards ports through the connection", NULL},
    {"-J", KO_ARG | KO_ASK, "builtin: ssh -J", "connects through another host",
     NULL},
    {"-b", KO_ARG | KO_ASK, "builtin: sftp -b",
     "runs sftp commands from a file", NULL},
};
static const char ssh_opts_valued[] = "-i -p -P -l -c -E -e -m -Q -W -w";

void k_ssh(struct kctx *k)
{
	struct kscan ks;
	k_note(k, KN_ASK, false, CMD_NONE, "builtin: ssh",
	       "connects to another host (a shell, or files copied there)");
	SCAN(k, 1, ssh_opts, ssh_opts_valued, KS_DYNOPT, &ks);
	if (strcmp(k->name, "sftp") == 0)
		for (size_t i = 1; i < k->av->n; i++)
			if (!strcmp(k_s(k, i), "-D"))
				k_note(k, KN_DENY, true, i, "builtin: sftp -D",
				       "runs a local program as the server");
}

/* rsync -e CMD runs CMD as the remote shell: ssh (whose options are
 * checked as ssh's), or denied. */
static void rsync_rsh(struct kctx *k, size_t val, const char *v)
{
	size_t n = v ? strcspn(v, " \t") : 0;
	if (v && ((n == 3 && !strncmp(v, "ssh", 3)) ||
		  (n == 12 && !strncmp(v, "/usr/bin/ssh", 12))))
		k_shell_text(k, val, v);
	else
		k_note(k, KN_DENY, true, val, "builtin: rsync -e",
		       "runs a command other than ssh as the remote shell");
}

static const struct kopt rsync_opts[] = {
    {"-e", KO_ARG, NULL, NULL, rsync_rsh},
    {"--rsh", KO_ARG, NULL, NULL, rsync_rsh},
    {"--rsync-path", KO_ARG | KO_DENY, "builtin: rsync --rsync-path",
     "runs a command as the remote rsync", NULL},
    {"--log-file", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--write-batch", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--only-write-batch", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--backup-dir", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--temp-dir", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"-T", KO_ARG | KO_WRITE, NULL, NULL, NULL},
};
static const char rsync_opts_valued[] =
    "--exclude --include --filter -f --files-from "
    "--exclude-from --chmod -B";

/* A remote operand: HOST:PATH, USER@HOST:PATH, rsync://... */
static bool remote_operand(const char *s)
{
	const char *colon = strchr(s, ':');
	return colon && !memchr(s, '/', (size_t)(colon - s));
}

void k_rsync(struct kctx *k)
{
	struct kscan ks;
	k_allow(k, "copies files within the places it may write");
	SCAN(k, 1, rsync_opts, rsync_opts_valued, KS_DYNOPT, &ks);
	if (ks.n_pos == 0 || ks.n_pos > 64)
		return;
	for (size_t i = 0; i < ks.n_pos; i++)
		if (!k->av->a[ks.pos[i]].s || remote_operand(k_s(k, ks.pos[i])))
			k_note(k, KN_ASK, false, ks.pos[i],
			       "builtin: rsync remote",
			       "copies files to or from another host");
	if (ks.n_pos > 1)
		k_write(k, ks.pos[ks.n_pos - 1], 0);
}

/* tar, zip. */

static void tar_checkpoint(struct kctx *k, size_t val, const char *v)
{
	if (!v || strncmp(v, "exec", 4) == 0 || strchr(v, '='))
		k_note(k, KN_DENY, true, val,
		       "builtin: tar --checkpoint-action",
		       "runs a command at checkpoints");
}

static const struct kopt tar_opts[] = {
    {"--checkpoint-action", KO_ARG, NULL, NULL, tar_checkpoint},
    {"--to-command", KO_ARG | KO_DENY, "builtin: tar --to-command",
     "pipes every file to a command", NULL},
    {"-I", KO_ARG | KO_CODE, NULL, NULL, NULL},
    {"--use-compress-program", KO_ARG | KO_CODE, NULL, NULL, NULL},
    {"--rsh-command", KO_ARG | KO_DENY, "builtin: tar --rsh-command",
     "runs a command to reach a remote archive", NULL},
    {"-F", KO_ARG | KO_DENY, "builtin: tar --info-script",
     "runs a script at the end of each volume", NULL},
    {"--info-script", KO_ARG | KO_DENY, "builtin: tar --info-script",
     "runs a script at the end of each volume", NULL},
    {"--new-volume-script", KO_ARG | KO_DENY, "builtin: tar --info-script",
     "runs a script at the end of each volume", NULL},
    {"-P", KO_DENY, "builtin: tar -P", "extracts to absolute paths, anywhere",
     NULL},
    {"--absolute-names", KO_DENY, "builtin: tar -P",
     "extracts to absolute paths, anywhere", NULL},
    {"-C", KO_ARG | KO_WRITE, NULL, NULL, NULL},
    {"--directory", KO_ARG | KO_WRITE, NULL, NULL, NULL},
};
static const char tar_opts_valued[] =
    "-f --file -T -X --exclude --transform -b -g -K -L -N -V -H";

void k_tar(struct kctx *k)
{
	struct kscan ks;
	const struct cmd_argv *av = k->av;
	k_allow(k, "reads or writes archives in the places it may write");
	/* Old style: `tar xzf a.tgz -C dir`, letters without a dash. */
	const char *first = k_s(k, 1);
	if (av->n > 1 && av->a[1].s && first[0] != '-' &&
	    first[strspn(first, "AcdrtuxfzjJvpkmoOSwWhlGgMBiaZ")] == '\0') {
		struct cmd_arg *copy = bh_xcalloc(av->n + 1, sizeof(*copy));
		char *dashed = bh_xasprintf("-%s", first);
		memcpy(copy, av->a, av->n * sizeof(*copy));
		copy[1].s = dashed;
		copy[1].raw = dashed;
		struct cmd_argv alt = {copy, av->n};
		const struct cmd_argv *saved = k->av;
		k->av = &alt;
		SCAN(k, 1, tar_opts, tar_opts_valued, KS_DYNOPT, &ks);
		k->av = saved;
		free(copy);
		free(dashed);
	} else {
		SCAN(k, 1, tar_opts, tar_opts_valued, KS_DYNOPT, &ks);
	}
	/* The archive written by -c/-r/-u, and a remote one. */
	bool create = false;
	size_t file = CMD_NONE;
	for (size_t i = 1; i < av->n; i++) {
		const char *s = k_s(k, i);
		bool cluster = (s[0] == '-' && s[1] != '-') ||
			       (i == 1 && s[0] && s[0] != '-');
		if ((cluster && strpbrk(s, "cru") &&
		     strcspn(s, "cru") < strcspn(s, "fCIT")) ||
		    k_optmatch(s, "--create") || k_optmatch(s, "--append"))
			create = true;
		if (cluster && strchr(s, 'f') && !strchr(s, '=')) {
			const char *f = strchr(s, 'f');
			file = f[1] ? CMD_NONE : i + 1;
			if (i == 1 && s[0] != '-') {
				/* Old style: values follow in letter order. */
				file = i + 1;
				for (const char *c = s; c < f; c++)
					file +=
					    strchr("CITXbgKLNV", *c) != NULL;
			}
		} else if (k_optmatch(s, "--file")) {
			file = strchr(s, '=') ? i : i + 1;
		}
	}
	if (file != CMD_NONE && file < av->n) {
		const char *f = k_s(k, file);
		size_t skip = strchr(f, '=') && f[0] == '-'
				  ? (size_t)(strchr(f, '=') - f) + 1
				  : 0;
		if (av->a[file].s && remote_operand(f + skip) &&
		    !strstr(f + skip, "://"))
			k_note(k, KN_ASK, true, file, "builtin: tar remote",
			       "a remote archive is reached through rsh/ssh");
		else if (create && strcmp(f + skip, "-") != 0)
			k_write(k, file, skip);
	}
}

void k_zip(struct kctx *k)
{
	static const struct kopt opts[] = {
	    {"-TT", KO_ARG | KO_DENY, "builtin: zip -TT",
	     "runs a command to test the archive", NULL},
	    {"--unzip-command", KO_ARG | KO_DENY, "builtin: zip -TT",
	     "runs a command to test the archive", NULL},
	    {"-O", KO_ARG | KO_WRITE, NULL, NULL, NULL},
	    {"--output-file", KO_ARG | KO_WRITE, NULL, NULL, NULL},
	};
	static const char opts_valued[] = "-b -x -i -n -P";
	struct kscan ks;
	k_allow(k, "writes an archive in the places it may write");
	for (size_t i = 1; i < k->av->n; i++)
		if (!strncmp(k_s(k, i), "-TT", 3))
			k_note(k, KN_DENY, true, i, "builtin: zip -TT",
			       "runs a command to test the archive");
	SCAN(k, 1, opts, opts_valued, KS_DYNOPT | KS_SINGLE, &ks);
	if (ks.n_pos > 0 && ks.n_pos <= 64)
		k_write(k, ks.pos[0], 0);
}

/* Containers. */

static void docker_mount(struct kctx *k, size_t val, const char *v)
{
	if (!v) {
		k_note(k, KN_ASK, true, val, "builtin: docker -v",
		       "mounts a host path computed at run time");
		return;
	}
	/* -v SRC:DST[:opts] or --mount type=bind,source=SRC,... */
	const char *src = strstr(v, "source=") ? strstr(v, "source=") + 7
			  : strstr(v, "src=")  ? strstr(v, "src=") + 4
					       : v;
	cleanup_free char *path = bh_xstrndup(src, strcspn(src, ":,"));
	if (path[0] != '/' && path[0] != '~' && path[0] != '.')
		return; /* a named volume */
	if (path[0] != '/' || strcmp(path, "/") == 0 ||
	    strstr(path, "docker.sock") || strstr(path, "podman.sock") ||
	    strncmp(path, "/etc", 4) == 0 || strncmp(path, "/root", 5) == 0 ||
	    strncmp(path, "/proc", 5) == 0 || strncmp(path, "/sys", 4) == 0 ||
	    strncmp(path, "/dev", 4) == 0 || strncmp(path, "/var", 4) == 0 ||
	    strncmp(path, "/home", 5) == 0 || strncmp(path, "/run", 4) == 0 ||
	    strncmp(path, "/boot", 5) == 0 || strncmp(path, "/usr", 4) == 0)
		k_note(k, KN_DENY, true, val, "builtin: docker -v",
		       "mounts a host system, home or socket path into the "
		       "container");
}

static void docker_ns(struct kctx *k, size_t val, const char *v)
{
	if (!v || strcmp(v, "host") == 0 || strncmp(v, "container:", 10) == 0)
		k_note(k, KN_DENY, true, val, "builtin: docker --pid=host",
		       "shares the host's namespaces with the container");
}

static const struct kopt docker_opts[] = {
    {"--privileged", KO_DENY, "builtin: docker --privileged",
     "gives the container the host's devices and capabilities", NULL},
    {"-v", KO_ARG, NULL, NULL, docker_mount},
    {"--volume", KO_ARG, NULL, NULL, docker_mount},
    {"--mount", KO_ARG, NULL, NULL, docker_mount},
    {"--pid", KO_ARG, NULL, NULL, docker_ns},
    {"--net", KO_ARG, NULL, NULL, docker_ns},
    {"--network", KO_ARG, NULL, NULL, docker_ns},
    {"--ipc", KO_ARG, NULL, NULL, docker_ns},
    {"--uts", KO_ARG, NULL, NULL, docker_ns},
    {"--userns", KO_ARG, NULL, NULL, docker_ns},
    {"--cgroupns", KO_ARG, NULL, NULL, docker_ns},
    {"--cap-add", KO_ARG | KO_DENY, "builtin: docker --cap-add",
     "gives the container more privileges", NULL},
    {"--security-opt", KO_ARG | KO_DENY, "builtin: docker --security-opt",
     "turns confinement of the container off", NULL},
    {"--device", KO_ARG | KO_DENY, "builtin: docker --device",
     "gives the container a host device", NULL},
    {"-H", KO_ARG | KO_ASK, "builtin: docker -H",
     "talks to another Docker daemon", NULL},
    {"--host", KO_ARG | KO_ASK, "builtin: docker -H",
     "talks to another Docker daemon", NULL},
};
static const char docker_opts_valued[] =
    "-e --env -w -p --name -t -f -u --context -c -l --config";

void k_docker(struct kctx *k)
{
	static const char *const ro[] = {
	    "ps",      "images", "version", "info",   "inspect", "logs",  "top",
	    "history", "port",	 "diff",    "search", "stats",	 "events"};
	static const char *const ro2[] = {
	    "ls", "list", "inspect", "ps",	"logs", "config",
	    "df", "show", "history", "version", "top"};
	static const char *const with_value[] = {
	    "-H",	   "--host", "--context", "-c",	   "--config",	  "-l",
	    "--log-level", "--root", "--runroot", "--url", "--connection"};
	struct kscan ks;
	size_t at = k_subcommand(k, 1, with_value, BH_ARRAY_SIZE(with_value));
	SCAN(k, 1, docker_opts, docker_opts_valued, KS_DYNOPT, &ks);
	const char *sub = at == CMD_NONE ? "" : k_s(k, at);
	bool ro_form = false;
	for (size_t j = 0; j < BH_ARRAY_SIZE(ro) && !ro_form; j++)
		ro_form = !strcmp(sub, ro[j]);
	for (size_t j = 0; j < BH_ARRAY_SIZE(ro2) && !ro_form && at != CMD_NONE;
	     j++)
		ro_form = !strcmp(k_s(k, at + 1), ro2[j]) &&
			  strcmp(sub, "run") != 0 && strcmp(sub, "exec") != 0;
	if (at == CMD_NONE || ro_form)
		k_allow(k, "reads container state");
	else
		k_note(k, KN_ASK, false, at, "builtin: docker run",
		       "runs, builds or changes containers");
}

void k_kubectl(struct kctx *k)
{
	static const char *const ro[] = {
	    "get",     "describe",	"logs",		"explain",
	    "version", "api-resources", "api-versions", "cluster-info",
	    "top",     "diff",		"auth",		"wait"};
	static const char *const with_value[] = {
	    "-n",	 "--namespace", "--context", "--kubeconfig",
	    "--cluster", "--user",	"-s",	     "--server",
	    "--token",	 "-l",		"--selector"};
	size_t at = k_subcommand(k, 1, with_value, BH_ARRAY_SIZE(with_value));
	const char *sub = at == CMD_NONE ? "" : k_s(k, at);
	bool ro_form = at == CMD_NONE;
	for (size_t j = 0; j < BH_ARRAY_SIZE(ro) && !ro_form; j++)
		ro_form = !strcmp(sub, ro[j]);
	if (!strcmp(sub, "config"))
		ro_form = !strcmp(k_s(k, at + 1), "view") ||
			  !strcmp(k_s(k, at + 1), "get-contexts") ||
			  !strcmp(k_s(k, at + 1), "current-context");
	for (size_t i = at == CMD_NONE ? 1 : at + 1; i < k->av->n; i++)
		if (!strncmp(k_s(k, i), "secret", 6)) {
			k_note(k, KN_ASK, false, i, "builtin: kubectl secrets",
			       "reads or changes cluster secrets");
			return;
		}
	if (ro_form)
		k_allow(k, "reads cluster state");
	else
		k_note(k, KN_ASK, false, at, "builtin: kubectl apply",
		       "changes the cluster or runs commands in it");
}

void k_gh(struct kctx *k)
{
	static const char *const ro_verbs[] = {"view", "list",	 "status",
					       "diff", "checks", "watch",
					       "ls",   "browse"};
	static const char *const groups[] = {
	    "pr",	"issue",   "repo", "run",   "release",
	    "workflow", "label",   "gist", "cache", "search",
	    "project",	"ruleset", "org"};
	const char *sub = k_s(k, 1), *verb = k_s(k, 2);
	k->sub = 1;
	if (k->av->n == 1 || !strcmp(sub, "--version") ||
	    !strcmp(sub, "version") || !strcmp(sub, "help")) {
		k_allow(k, "prints help or the version");
		return;
	}
	if (!strcmp(sub, "secret") ||
	    (!strcmp(sub, "auth") && !strcmp(verb, "token"))) {
		k_note(k, KN_DENY, true, 1, "builtin: gh secret",
		       "reads or changes secrets or tokens");
		return;
	}
	if (!strcmp(sub, "alias") && strcmp(verb, "list") != 0) {
		k_note(k, KN_DENY, true, 2, "builtin: gh alias",
		       "defines a command alias, possibly a shell one");
		return;
	}
	if (!strcmp(sub, "api")) {
		bool write = false;
		for (size_t i = 2; i < k->av->n; i++) {
			const char *s = k_s(k, i);
			if ((!strcmp(s, "-X") || k_optmatch(s, "--method")) &&
			    strcasecmp(strchr(s, '=') ? strchr(s, '=') + 1
						      : k_s(k, i + 1),
				       "GET") != 0)
				write = true;
			if (!strncmp(s, "-X", 2) && s[2] &&
			    strcasecmp(s + 2, "GET") != 0)
				write = true;
			if (!strcmp(s, "-f") || !strcmp(s, "-F") ||
			    k_optmatch(s, "--field") ||
			    k_optmatch(s, "--raw-field") ||
			    k_optmatch(s, "--input"))
				write = true;
		}
		k_note(k, write ? KN_ASK : KN_ALLOW, write, CMD_NONE,
		       write ? "builtin: gh api -X" : "builtin: read-only",
		       write ? "an API request that changes something"
			     : "reads from the GitHub API");
		return;
	}
	for (size_t g = 0; g < BH_ARRAY_SIZE(groups); g++) {
		if (strcmp(sub, groups[g]) != 0)
			continue;
		for (size_t j = 0; j < BH_ARRAY_SIZE(ro_verbs); j++)
			if (!strcmp(verb, ro_verbs[j]) ||
			    !strcmp(sub, "search")) {
				k_allow(k, "reads from GitHub");
				return;
			}
	}
	if (!strcmp(sub, "auth") && !strcmp(verb, "status")) {
		for (size_t i = 3; i < k->av->n; i++)
			if (!strcmp(k_s(k, i), "-t") ||
			    k_optmatch(k_s(k, i), "--show-token"))
				k_note(k, KN_DENY, true, i,
				       "builtin: gh secret",
				       "prints the token");
		k_allow(k, "shows the login state");
		return;
	}
	k_note(k, KN_ASK, false, 1, "builtin: gh",
	       "changes something on GitHub, or runs an extension");
}
