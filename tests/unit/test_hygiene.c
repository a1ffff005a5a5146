/* SPDX-License-Identifier: MIT */
#include "net/hygiene.h"
#include "test.h"

TEST(hygiene_flags_exfiltration_channels)
{
	CHECK(bh_net_hygiene("gist.github.com") != NULL);
	CHECK(bh_net_hygiene("pastebin.com") != NULL);
	CHECK(bh_net_hygiene("my-bucket.s3.amazonaws.com") != NULL);
	CHECK(bh_net_hygiene("*.s3.amazonaws.com") != NULL);
	CHECK(bh_net_hygiene("*.amazonaws.com") != NULL); /* covers s3 */
	CHECK(bh_net_hygiene("github.com") != NULL);
	CHECK(bh_net_hygiene("*.example.com") != NULL); /* any wildcard */
	CHECK(bh_net_hygiene("registry.npmjs.org") == NULL);
	CHECK(bh_net_hygiene("pypi.org") == NULL);
	/* Labels, not substrings. */
	CHECK(bh_net_hygiene("notpastebin.com") == NULL);
	CHECK(bh_net_hygiene("pastebin.com.example.org") == NULL);
}
