// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SHA-256 of the file a process runs, for exe-sha256 rules.  Read
 * through /proc/PID/exe, which opens the file itself whatever its path
 * shows (another mount namespace, deleted, replaced), and kept by device,
 * inode, size and modification time: a binary is hashed once, not once
 * per packet.  A file changed in place within the clock's granularity
 * keeps its old digest until its size or mtime moves.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "procfs_int.h"

/* Larger executables are not hashed: their digest stays unknown. */
#define PROCFS_DIGEST_MAX (512LL << 20)

static bool digest_key_eq(const struct procfs_digest *d, const struct stat *st)
{
	return d->valid && d->dev == st->st_dev && d->ino == st->st_ino &&
	       d->size == st->st_size &&
	       d->mtime.tv_sec == st->st_mtim.tv_sec &&
	       d->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

static int digest_file(struct procfs *pfs, int fd, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	char *buf = (char *)pfs->dirbuf[0];
	ssize_t n;
	int ok;

	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while (ok && (n = read(fd, buf, sizeof(pfs->dirbuf[0]))) > 0)
		ok = EVP_DigestUpdate(ctx, buf, (size_t)n);
	ok = ok && n == 0 && EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == 32;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

void procfs_exe_digest(struct procfs *pfs, int dfd, char hex[65])
{
	struct procfs_digest *d;
	struct stat st;
	int i, fd;

	hex[0] = '\0';
	fd = openat(dfd, "exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > PROCFS_DIGEST_MAX)
		goto out;
	for (i = 0; i < PROCFS_DIGESTS; i++)
		if (digest_key_eq(&pfs->digests[i], &st)) {
			memcpy(hex, pfs->digests[i].hex, 65);
			goto out;
		}
	if (digest_file(pfs, fd, hex) < 0) {
		hex[0] = '\0';
		goto out;
	}
	d = &pfs->digests[pfs->next_digest++ % PROCFS_DIGESTS];
	d->valid = true;
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	d->size = st.st_size;
	d->mtime = st.st_mtim;
	memcpy(d->hex, hex, 65);
out:
	close(fd);
}
