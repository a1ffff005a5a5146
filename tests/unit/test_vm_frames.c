/* SPDX-License-Identifier: MIT */
/* The microvm tier's frames (guest/proto.h): what one end writes, the
 * other reads whole, however the bytes arrive. */
#include <unistd.h>

#include "guest/proto.h"
#include "test.h"

TEST(vm_frames_round_trip_and_split)
{
	int p[2];
	REQUIRE(pipe(p) == 0);
	REQUIRE(bh_frame_send(p[1], BH_FRAME_STDOUT, "hello", 5) == 0);
	unsigned char st[4] = {0x00, 0x07, 0, 0};
	REQUIRE(bh_frame_send(p[1], BH_FRAME_STATUS, st, 4) == 0);
	REQUIRE(bh_frame_send(p[1], BH_FRAME_ACK, NULL, 0) == 0);
	close(p[1]);
	unsigned char buf[64];
	ssize_t n = read(p[0], buf, sizeof(buf));
	close(p[0]);
	REQUIRE(n == 10 + 9 + 5);
	char type;
	const unsigned char *pl;
	uint32_t len;
	/* Every prefix shorter than the first frame is "not yet". */
	for (size_t cut = 0; cut < 10; cut++)
		CHECK(bh_frame_next(buf, cut, &type, &pl, &len) == 0);
	CHECK(bh_frame_next(buf, (size_t)n, &type, &pl, &len) == 10);
	CHECK(type == BH_FRAME_STDOUT && len == 5 && !memcmp(pl, "hello", 5));
	CHECK(bh_frame_next(buf + 10, (size_t)n - 10, &type, &pl, &len) == 9);
	CHECK(type == BH_FRAME_STATUS && bh_frame_le32(pl) == 0x0700);
	CHECK(bh_frame_next(buf + 19, 5, &type, &pl, &len) == 5);
	CHECK(type == BH_FRAME_ACK && len == 0);
	/* A length past the limit is refused, not waited for. */
	unsigned char big[5] = {'o', 0xff, 0xff, 0xff, 0x7f};
	CHECK(bh_frame_next(big, 5, &type, &pl, &len) == -1);
}
