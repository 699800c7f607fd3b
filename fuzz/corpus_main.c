// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A main() for a fuzz target built without libFuzzer: each seed of the
 * target's corpus goes once through LLVMFuzzerTestOneInput, so that make
 * check replays every corpus with whatever compiler built the tree.  The
 * program fuzz/corpus_NAME reads $top_srcdir/fuzz/corpus/fuzz_NAME/ unless
 * files or directories are named on the command line.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each seed gets a buffer of exactly its size, so that ASan sees a read
 * past its end as libFuzzer would. */
static int corpus_run_file(const char *path)
{
	struct stat st;
	uint8_t *buf = NULL;
	FILE *f;
	int rc = -EIO;

	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -errno;
	}
	if (fstat(fileno(f), &st) < 0)
		goto out;
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf)
		goto out;
	if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		fprintf(stderr, "%s: short read\n", path);
		goto out;
	}
	LLVMFuzzerTestOneInput(buf, (size_t)st.st_size);
	rc = 0;
out:
	free(buf);
	fclose(f);
	return rc;
}

/* Seeds in name order, so that a failure names the same seed every run. */
static int corpus_run_dir(const char *dir, int *seeds)
{
	struct dirent **ents = NULL;
	char path[PATH_MAX];
	int n, i, rc = 0;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -errno;
	}
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' && rc == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir,
				 ents[i]->d_name);
			rc = corpus_run_file(path);
			*seeds += rc == 0;
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

static int corpus_run_path(const char *path, int *seeds)
{
	struct stat st;
	int rc;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -errno;
	}
	if (S_ISDIR(st.st_mode))
		return corpus_run_dir(path, seeds);
	rc = corpus_run_file(path);
	*seeds += rc == 0;
	return rc;
}

/* fuzz/corpus_decode -> $top_srcdir/fuzz/corpus/fuzz_decode */
static int corpus_default(const char *argv0, char *dir, size_t len)
{
	const char *top = getenv("top_srcdir");
	const char *base = strrchr(argv0, '/');

	base = base ? base + 1 : argv0;
	if (strncmp(base, "corpus_", 7) != 0) {
		fprintf(stderr, "%s: name a corpus directory\n", argv0);
		return -EINVAL;
	}
	snprintf(dir, len, "%s/fuzz/corpus/fuzz_%s", top ? top : ".", base + 7);
	return 0;
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX];
	int i, seeds = 0, rc = 0;

	if (argc < 2) {
		if (corpus_default(argv[0], dir, sizeof(dir)) < 0)
			return 2;
		rc = corpus_run_path(dir, &seeds);
	}
	for (i = 1; i < argc && rc == 0; i++)
		rc = corpus_run_path(argv[i], &seeds);
	if (rc == 0 && seeds == 0) {
		fprintf(stderr, "%s: no seeds\n", argv[0]);
		return 1;
	}
	printf("%s: %d seeds\n", argv[0], seeds);
	return rc == 0 ? 0 : 1;
}
