/* SPDX-License-Identifier: MIT */
/* Prints the numbers of every open file descriptor, space-separated. */
#include <fcntl.h>
#include <stdio.h>

int main(void)
{
	const char *sep = "";
	for (int fd = 0; fd < 4096; fd++)
		if (fcntl(fd, F_GETFD) >= 0) {
			printf("%s%d", sep, fd);
			sep = " ";
		}
	printf("\n");
	return 0;
}
