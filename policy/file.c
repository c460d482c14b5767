/* file: reading a whole configuration or group file into memory. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define FILE_MAX (256u << 20)  /* refuse anything larger than 256 MiB */

int policy_file_read(const char *path, char **buf, size_t *len)
{
	char *b = NULL;
	size_t n = 0, cap = 0;
	int r;

	*buf = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return -errno;
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return -EISDIR;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
	    (uint64_t)st.st_size < FILE_MAX) {
		/* One allocation of the right size (+1 so the read loop sees EOF at once). */
		cap = (size_t)st.st_size + 65536 + 2;
		if ((b = malloc(cap)) == NULL) {
			fclose(f);
			return -ENOMEM;
		}
	}
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536 * 2;
			if (cap > FILE_MAX) {
				r = -EFBIG;
				goto out;
			}
			char *nb = realloc(b, cap);
			if (nb == NULL) {
				r = -ENOMEM;
				goto out;
			}
			b = nb;
		}
		size_t got = fread(b + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		r = -EIO;
		goto out;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
	r = 0;
out:
	free(b);
	fclose(f);
	return r;
}
