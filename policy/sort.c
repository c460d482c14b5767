/* sort: introsort of group entries by policy_entry_cmp, inlined. qsort()
 * costs a call per comparison and copies 28-byte elements through memcpy. */
#include "internal.h"

static inline void sort_swap(struct policy_entry *a, struct policy_entry *b)
{
	struct policy_entry t = *a;
	*a = *b;
	*b = t;
}

static void sort_insertion(struct policy_entry *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct policy_entry x = v[i];
		size_t j = i;
		while (j > 0 && entry_cmp(&v[j - 1], &x) > 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

static void sort_sift(struct policy_entry *v, size_t n, size_t i)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && entry_cmp(&v[c], &v[c + 1]) < 0)
			c++;
		if (entry_cmp(&v[i], &v[c]) >= 0)
			return;
		sort_swap(&v[i], &v[c]);
		i = c;
	}
}

/* The fallback that keeps the worst case at n log n. */
static void sort_heap(struct policy_entry *v, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sort_sift(v, n, i);
	for (size_t i = n; i-- > 1;) {
		sort_swap(&v[0], &v[i]);
		sort_sift(v, i, 0);
	}
}

static void sort_intro(struct policy_entry *v, size_t n, unsigned depth)
{
	while (n > 16) {
		if (depth-- == 0) {
			sort_heap(v, n);
			return;
		}
		size_t m = n / 2;
		/* Median of three into v[0], then a Hoare partition around it. */
		if (entry_cmp(&v[m], &v[0]) < 0)
			sort_swap(&v[m], &v[0]);
		if (entry_cmp(&v[n - 1], &v[0]) < 0)
			sort_swap(&v[n - 1], &v[0]);
		if (entry_cmp(&v[n - 1], &v[m]) < 0)
			sort_swap(&v[n - 1], &v[m]);
		sort_swap(&v[0], &v[m]);
		size_t i = 0, j = n;
		for (;;) {
			do
				i++;
			while (i < n && entry_cmp(&v[i], &v[0]) < 0);
			do
				j--;
			while (entry_cmp(&v[j], &v[0]) > 0);
			if (i >= j)
				break;
			sort_swap(&v[i], &v[j]);
		}
		sort_swap(&v[0], &v[j]);
		/* Recurse into the smaller side, loop on the larger. */
		if (j < n - j - 1) {
			sort_intro(v, j, depth);
			v += j + 1;
			n -= j + 1;
		} else {
			sort_intro(v + j + 1, n - j - 1, depth);
			n = j;
		}
	}
	sort_insertion(v, n);
}

void policy_entries_sort(struct policy_entry *v, size_t n)
{
	unsigned depth = 0;
	for (size_t k = n; k > 1; k >>= 1)
		depth += 2;
	sort_intro(v, n, depth);
}
