/* SPDX-License-Identifier: MIT */
/* Allowlist hygiene: hosts that let data out by design (issue 4, item 6).
 * Pure. */
#pragma once

/* A one-line warning for an allowed host pattern ("gist.github.com",
 * "*.s3.amazonaws.com"), or NULL when it is not a known exfiltration
 * channel.  Static strings. */
const char *bh_net_hygiene(const char *host);
