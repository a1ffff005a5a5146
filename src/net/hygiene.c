/* SPDX-License-Identifier: MIT */
/*
 * Hosts an allowlist should think twice about: an agent that may reach
 * them can hand data to anyone, whatever the proxy checks (threats.md
 * #49, #58).  The list is short and explained; `bulkhead explain` prints
 * the warnings, it does not refuse them.
 */
#include "net/hygiene.h"

#include <stdbool.h>
#include <string.h>

#include "core/util.h"

struct entry {
	const char *suffix; /* matches the name or any subdomain of it */
	const char *why;
};

static const struct entry entries[] = {
	{"gist.github.com", "gists are public or secret pastes: anything can "
			    "be published there"},
	{"gist.githubusercontent.com", "serves gists: a paste service"},
	{"pastebin.com", "a paste service: anything can be published"},
	{"paste.ee", "a paste service"},
	{"hastebin.com", "a paste service"},
	{"dpaste.org", "a paste service"},
	{"transfer.sh", "an anonymous file upload service"},
	{"file.io", "an anonymous file upload service"},
	{"0x0.st", "an anonymous file upload service"},
	{"webhook.site", "records every request: a ready-made exfiltration "
			 "sink"},
	{"requestbin.com", "records every request"},
	{"pipedream.net", "records every request"},
	{"ngrok.io", "tunnels to anyone's machine"},
	{"ngrok-free.app", "tunnels to anyone's machine"},
	{"trycloudflare.com", "tunnels to anyone's machine"},
	{"hooks.slack.com", "webhooks post to any workspace"},
	{"discord.com", "webhooks post to any server"},
	{"api.telegram.org", "bots send messages anywhere"},
	{"s3.amazonaws.com", "broad cloud storage: any bucket, including an "
			     "attacker's"},
	{"storage.googleapis.com", "broad cloud storage: any bucket"},
	{"blob.core.windows.net", "broad cloud storage: any account"},
	{"r2.dev", "broad cloud storage: any bucket"},
	{"cloudfront.net", "a CDN: any customer's distribution"},
	{"azureedge.net", "a CDN: any customer's endpoint"},
	{"fastly.net", "a CDN: any customer's service"},
	{"akamaized.net", "a CDN: any customer's property"},
	{"camo.githubusercontent.com", "an image proxy: fetches any URL"},
	{"images.weserv.nl", "an image proxy: fetches any URL"},
	{"github.com", "with a push-capable credential inside the sandbox, "
		       "git push publishes anything; keep tokens out of its "
		       "environment and files"},
	{"api.github.com", "with a token inside, the API can create gists, "
			   "issues and repositories"},
};

static bool name_is_under(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);
	if (n < s)
		return false;
	if (strcmp(name + n - s, suffix) != 0)
		return false;
	return n == s || name[n - s - 1] == '.';
}

const char *bh_net_hygiene(const char *host)
{
	const char *name = host;
	bool wildcard = bh_str_has_prefix(host, "*.");
	if (wildcard)
		name = host + 2;
	for (size_t i = 0; i < BH_ARRAY_SIZE(entries); i++)
		if (name_is_under(name, entries[i].suffix) ||
		    (wildcard && name_is_under(entries[i].suffix, name)))
			return entries[i].why;
	if (wildcard)
		return "a wildcard allows every subdomain, including ones "
		       "that serve anyone's content";
	return NULL;
}
