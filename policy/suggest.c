/* suggest: "did you mean" for unknown keys and values. */
#include "internal.h"

#include <string.h>

/* Damerau-free Levenshtein distance, capped: words are short keys. */
static size_t suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[64];
	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *suggest_closest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = 3, wl = strlen(word);
	for (size_t i = 0; i < n; i++) {
		size_t d = suggest_distance(word, candidates[i]);
		/* "idle" for "idle-timeout": a prefix of at least 4 characters. */
		if (d > 2 && wl >= 4 && strncmp(word, candidates[i], wl) == 0)
			d = 2;
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best;
}
