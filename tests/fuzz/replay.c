/* SPDX-License-Identifier: MIT */
/*
 * Replays a stored fuzz corpus through a libFuzzer entry point without
 * libFuzzer, so the normal (and the ASan) test run covers every input the
 * fuzzer ever kept.  Usage: fuzz-replay-NAME DIR|FILE...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	fclose(f);
	if (!buf)
		return -1;
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (replay_file(argv[i]) != 0)
				return 1;
			count++;
			continue;
		}
		struct dirent **ents = NULL;
		int n = scandir(argv[i], &ents, NULL, alphasort);
		for (int j = 0; j < n; j++) {
			if (ents[j]->d_name[0] != '.') {
				char p[4096];
				snprintf(p, sizeof(p), "%s/%s", argv[i],
					 ents[j]->d_name);
				if (replay_file(p) != 0)
					return 1;
				count++;
			}
			free(ents[j]);
		}
		free(ents);
	}
	printf("replayed %zu inputs: 0 crashes\n", count);
	return count ? 0 : 1;
}
