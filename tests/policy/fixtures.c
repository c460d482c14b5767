/* Helpers for the fixture-driven policy tests. */
#include "fixtures.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *fixture_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 4096, n = 0;
	char *b = malloc(cap);
	size_t got;
	while (b != NULL && (got = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n < 2) {
			char *nb = realloc(b, cap * 2);
			if (nb == NULL) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (b != NULL)
		b[n] = '\0';
	if (len != NULL)
		*len = n;
	return b;
}

static int fixture_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t fixture_list(const char *dir, char ***names)
{
	size_t n = 0, cap = 64;
	char **v = malloc(cap * sizeof(*v));
	DIR *d = opendir(dir);
	struct dirent *e;
	*names = NULL;
	if (d == NULL || v == NULL) {
		free(v);
		if (d != NULL)
			closedir(d);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || (l > 7 && strcmp(e->d_name + l - 7, ".expect") == 0))
			continue;
		if (n == cap) {
			char **nv = realloc(v, cap * 2 * sizeof(*v));
			if (nv == NULL)
				break;
			v = nv;
			cap *= 2;
		}
		v[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(v, n, sizeof(*v), fixture_cmp);
	*names = v;
	return n;
}

void fixture_list_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

char *fixture_diags_text(const struct policy_diags *d)
{
	size_t cap = 1, off = 0;
	char line[2048];
	for (size_t i = 0; i < d->n; i++)
		cap += (size_t)policy_diag_format(&d->v[i], line, sizeof(line)) + 1;
	char *s = malloc(cap);
	if (s == NULL)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < d->n; i++) {
		int k = policy_diag_format(&d->v[i], s + off, cap - off);
		off += (size_t)k;
		s[off++] = '\n';
		s[off] = '\0';
	}
	return s;
}
