/* SPDX-License-Identifier: MIT */
/*
 * The policy as text (canonical profile, the basis of the profile hash in
 * the audit log) and as JSON (for `bulkhead profile show --json` and the
 * audit record).
 *
 * The canonical text is flat: includes are already resolved, variables
 * already expanded, and every rule has its own line in a fixed order of
 * sections (scalars, paths, env, net, limits, seccomp, command), so two
 * profiles that produce the same policy produce the same text and hash.  Within
 * a section rules keep profile order, which matters for env (later wins). It is
 * itself a profile: parsing it gives an equal policy.
 */
#include <jansson.h>
#include <string.h>

#include "core/sha256.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "policy/internal.h"

/* A display name is a path: it may hold bytes that would end a comment. */
static void put_file_name(struct bh_strbuf *sb, const char *s)
{
	for (const char *c = s; *c; c++)
		bh_strbuf_putc(sb, (unsigned char)*c < 0x20 ? '?' : *c);
}

static void end_line(struct bh_strbuf *sb, const struct bh_loc *loc,
		     bool with_locations)
{
	if (with_locations && loc->file) {
		bh_strbuf_puts(sb, "  # ");
		put_file_name(sb, loc->file);
		bh_strbuf_printf(sb, ":%u:%u", loc->line, loc->col);
	}
	bh_strbuf_putc(sb, '\n');
}

static void dump_host(struct bh_strbuf *sb, const struct bh_host_rule *h)
{
	bool v6 = strchr(h->host, ':') != NULL;
	bh_strbuf_printf(sb, "%s%s%s", v6 ? "[" : "", h->host, v6 ? "]" : "");
	if (h->port)
		bh_strbuf_printf(sb, ":%u", h->port);
}

char *bh_policy_dump(const struct bh_policy *p, bool with_locations)
{
	struct bh_strbuf sb = BH_STRBUF_INIT;
	bool w = with_locations;

	if (w) {
		bh_strbuf_puts(&sb, "# effective policy; sources:");
		for (size_t i = 0; i < p->n_sources; i++) {
			bh_strbuf_putc(&sb, ' ');
			put_file_name(&sb, p->sources[i]);
		}
		bh_strbuf_putc(&sb, '\n');
	}
	if (p->tier != BH_TIER_UNSET) {
		bh_strbuf_printf(&sb, "tier %s", bh_tier_name(p->tier));
		end_line(&sb, &p->tier_loc, w);
	}
	if (p->min_tier != BH_TIER_UNSET) {
		bh_strbuf_printf(&sb, "min-tier %s", bh_tier_name(p->min_tier));
		end_line(&sb, &p->min_tier_loc, w);
	}
	if (p->strict) {
		bh_strbuf_puts(&sb, "strict");
		end_line(&sb, &p->strict_loc, w);
	}
	if (p->home_loc.file || p->home != BH_HOME_PRIVATE) {
		bh_strbuf_printf(&sb, "home %s",
				 p->home == BH_HOME_HOST ? "host" : "private");
		end_line(&sb, &p->home_loc, w);
	}
	if (p->ws_mode_loc.file || p->ws_mode != BH_WS_DIRECT) {
		bh_strbuf_printf(&sb, "workspace %s",
				 p->ws_mode == BH_WS_OVERLAY ? "overlay"
							     : "direct");
		end_line(&sb, &p->ws_mode_loc, w);
	}
	for (size_t i = 0; i < p->n_paths; i++) {
		bh_strbuf_printf(&sb, "%s ", bh_path_op_name(p->paths[i].op));
		bh_put_word(&sb, p->paths[i].path, true);
		end_line(&sb, &p->paths[i].loc, w);
	}
	for (size_t i = 0; i < p->n_env; i++) {
		const struct bh_env_rule *e = &p->env[i];
		bh_strbuf_printf(&sb, "env %s ", bh_env_op_name(e->op));
		if (e->op == BH_ENV_SET) {
			cleanup_free char *kv = bh_xasprintf(
			    "%s=%s", e->name, e->value ? e->value : "");
			bh_put_word(&sb, kv, true);
		} else {
			bh_strbuf_puts(&sb, e->name);
		}
		end_line(&sb, &e->loc, w);
	}
	if (p->net_declared && p->n_hosts == 0 && !p->net_unix) {
		bh_strbuf_puts(&sb, "net none");
		end_line(&sb, &p->net_loc, w);
	}
	for (size_t i = 0; i < p->n_hosts; i++) {
		bh_strbuf_printf(&sb, "net %s ",
				 p->hosts[i].allow ? "allow" : "deny");
		dump_host(&sb, &p->hosts[i]);
		end_line(&sb, &p->hosts[i].loc, w);
	}
	if (p->net_unix) {
		bh_strbuf_puts(&sb, "net unix");
		end_line(&sb, &p->net_unix_loc, w);
	}
	for (int k = 0; k < BH_LIMIT__COUNT; k++) {
		if (!p->limits[k].set)
			continue;
		bh_strbuf_printf(&sb, "limit %s ", bh_limit_name(k));
		bh_limit_format(k, p->limits[k].value, &sb);
		end_line(&sb, &p->limits[k].loc, w);
	}
	for (size_t i = 0; i < p->n_syscalls; i++) {
		bh_strbuf_printf(&sb, "seccomp %s %s",
				 p->syscalls[i].allow ? "allow" : "deny",
				 p->syscalls[i].name);
		end_line(&sb, &p->syscalls[i].loc, w);
	}
	if (p->cmd_default_set) {
		bh_strbuf_printf(&sb, "command default %s",
				 bh_cmd_decision_word(p->cmd_default));
		end_line(&sb, &p->cmd_default_loc, w);
	}
	for (size_t i = 0; i < p->n_cmd_rules; i++) {
		const struct bh_cmd_rule *c = &p->cmd_rules[i];
		bh_strbuf_printf(&sb, "command %s ",
				 bh_cmd_decision_word(c->decision));
		bh_put_word(&sb, c->program, true);
		for (size_t k = 0; k < c->n_args; k++) {
			bh_strbuf_putc(&sb, ' ');
			bh_put_word(&sb, c->args[k], true);
		}
		end_line(&sb, &c->loc, w);
	}
	return bh_strbuf_steal(&sb);
}

void bh_policy_hash(const struct bh_policy *p, char out[65])
{
	cleanup_free char *text = bh_policy_dump(p, false);
	unsigned char digest[32];
	bh_sha256(text, strlen(text), digest);
	bh_hex(digest, sizeof(digest), out);
}

/* JSON. */

/* Rule texts are valid UTF-8 (the parser checks them), but display names
 * come from the reader and may be any bytes: those are shown lossily
 * rather than dropped. */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s);
	if (j)
		return j;
	cleanup_free char *copy = bh_xstrdup(s);
	for (char *c = copy; *c; c++)
		if ((unsigned char)*c >= 0x80)
			*c = '?';
	return json_string(copy);
}

static json_t *jloc(const struct bh_loc *l)
{
	if (!l->file)
		return json_null();
	json_t *o = json_object();
	json_object_set_new(o, "file", jstr(l->file));
	json_object_set_new(o, "line", json_integer(l->line));
	json_object_set_new(o, "col", json_integer(l->col));
	return o;
}

static json_t *json_paths(const struct bh_policy *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->n_paths; i++) {
		json_t *o = json_object();
		json_object_set_new(
		    o, "op", json_string(bh_path_op_name(p->paths[i].op)));
		json_object_set_new(o, "path", jstr(p->paths[i].path));
		json_object_set_new(o, "loc", jloc(&p->paths[i].loc));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *json_env(const struct bh_policy *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->n_env; i++) {
		const struct bh_env_rule *e = &p->env[i];
		json_t *o = json_object();
		json_object_set_new(o, "op",
				    json_string(bh_env_op_name(e->op)));
		json_object_set_new(o, "name", jstr(e->name));
		if (e->op == BH_ENV_SET)
			json_object_set_new(o, "value",
					    jstr(e->value ? e->value : ""));
		json_object_set_new(o, "loc", jloc(&e->loc));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *json_net(const struct bh_policy *p)
{
	json_t *o = json_object(), *rules = json_array();
	bool egress = false;
	for (size_t i = 0; i < p->n_hosts; i++) {
		const struct bh_host_rule *h = &p->hosts[i];
		json_t *r = json_object();
		egress |= h->allow;
		json_object_set_new(r, "action",
				    json_string(h->allow ? "allow" : "deny"));
		json_object_set_new(r, "host", jstr(h->host));
		json_object_set_new(
		    r, "port", h->port ? json_integer(h->port) : json_null());
		json_object_set_new(r, "loc", jloc(&h->loc));
		json_array_append_new(rules, r);
	}
	json_object_set_new(o, "declared", json_boolean(p->net_declared));
	json_object_set_new(o, "egress", json_boolean(egress));
	json_object_set_new(o, "unix", json_boolean(p->net_unix));
	json_object_set_new(o, "loc", jloc(&p->net_loc));
	json_object_set_new(o, "unix_loc", jloc(&p->net_unix_loc));
	json_object_set_new(o, "rules", rules);
	return o;
}

static json_t *json_limits(const struct bh_policy *p)
{
	static const char *const units[BH_LIMIT__COUNT] = {
	    [BH_LIMIT_MEMORY] = "bytes",   [BH_LIMIT_PIDS] = "tasks",
	    [BH_LIMIT_CPU] = "millicores", [BH_LIMIT_CPUTIME] = "seconds",
	    [BH_LIMIT_TIME] = "ms",	   [BH_LIMIT_FSIZE] = "bytes",
	    [BH_LIMIT_NOFILE] = "files",
	};
	json_t *o = json_object();
	for (int k = 0; k < BH_LIMIT__COUNT; k++) {
		if (!p->limits[k].set)
			continue;
		struct bh_strbuf text = BH_STRBUF_INIT;
		bh_limit_format(k, p->limits[k].value, &text);
		json_t *l = json_object();
		json_object_set_new(
		    l, "value", json_integer((json_int_t)p->limits[k].value));
		json_object_set_new(l, "unit", json_string(units[k]));
		json_object_set_new(l, "text", json_string(text.buf));
		json_object_set_new(l, "loc", jloc(&p->limits[k].loc));
		json_object_set_new(o, bh_limit_name(k), l);
		bh_strbuf_release(&text);
	}
	return o;
}

static json_t *json_seccomp(const struct bh_policy *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->n_syscalls; i++) {
		json_t *o = json_object();
		json_object_set_new(
		    o, "action",
		    json_string(p->syscalls[i].allow ? "allow" : "deny"));
		json_object_set_new(o, "name", jstr(p->syscalls[i].name));
		json_object_set_new(o, "loc", jloc(&p->syscalls[i].loc));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *json_commands(const struct bh_policy *p)
{
	json_t *o = json_object(), *rules = json_array();
	for (size_t i = 0; i < p->n_cmd_rules; i++) {
		const struct bh_cmd_rule *c = &p->cmd_rules[i];
		json_t *r = json_object(), *args = json_array();
		for (size_t k = 0; k < c->n_args; k++)
			json_array_append_new(args, jstr(c->args[k]));
		json_object_set_new(
		    r, "decision",
		    json_string(bh_cmd_decision_word(c->decision)));
		json_object_set_new(r, "program", jstr(c->program));
		json_object_set_new(r, "args", args);
		json_object_set_new(r, "loc", jloc(&c->loc));
		json_array_append_new(rules, r);
	}
	json_object_set_new(
	    o, "default",
	    json_string(bh_cmd_decision_word(p->cmd_default_set ? p->cmd_default
								: BH_CMD_ASK)));
	json_object_set_new(o, "default_loc", jloc(&p->cmd_default_loc));
	json_object_set_new(o, "rules", rules);
	return o;
}

static json_t *json_tier(enum bh_tier_id t)
{
	return t == BH_TIER_UNSET ? json_null() : json_string(bh_tier_name(t));
}

void *bh_policy_to_json(const struct bh_policy *p)
{
	json_t *o = json_object(), *sources = json_array();
	char hash[65];

	for (size_t i = 0; i < p->n_sources; i++)
		json_array_append_new(sources, jstr(p->sources[i]));
	bh_policy_hash(p, hash);
	json_object_set_new(o, "name", jstr(p->name ? p->name : ""));
	json_object_set_new(o, "hash", json_string(hash));
	json_object_set_new(o, "sources", sources);
	json_object_set_new(o, "tier", json_tier(p->tier));
	json_object_set_new(o, "min_tier", json_tier(p->min_tier));
	json_object_set_new(o, "strict", json_boolean(p->strict));
	json_object_set_new(
	    o, "home",
	    json_string(p->home == BH_HOME_HOST ? "host" : "private"));
	json_object_set_new(
	    o, "workspace_mode",
	    json_string(p->ws_mode == BH_WS_OVERLAY ? "overlay" : "direct"));
	json_object_set_new(o, "paths", json_paths(p));
	json_object_set_new(o, "env", json_env(p));
	json_object_set_new(o, "net", json_net(p));
	json_object_set_new(o, "limits", json_limits(p));
	json_object_set_new(o, "seccomp", json_seccomp(p));
	json_object_set_new(o, "commands", json_commands(p));
	return o;
}
