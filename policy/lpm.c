/* lpm: longest-prefix match over the model's rules.
 *
 * A path-compressed binary trie per address family. Keys are two 64-bit words
 * (IPv4 in the top 32 bits of the first), so one walk serves both families.
 * Nodes live in one array and refer to each other by 32-bit index (0: none);
 * a trie of n prefixes has at most 2n - 1 nodes, 32 bytes each. A node with
 * rules points at the run of rules (sorted most specific first) that share
 * its prefix; branch nodes have none. A lookup walks at most one node per
 * distinct prefix length on the path and remembers the deepest match.
 *
 * Large tries get a jump table below the first branching node ("base", at
 * length J0): indexed by the next jbits bits (up to 16), it gives the first
 * node at length >= J0 + jbits and the deepest node with rules above it, so a
 * lookup starts a dozen levels down. Each node also links to its nearest
 * ancestor with rules ("up"): the lookup finds the deepest covering prefix,
 * then climbs while no rule there matches the protocol and ports. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

struct lpm_node {
	uint64_t k[2];
	uint32_t child[2];
	uint32_t rule;      /* first rule of this prefix */
	uint32_t up;        /* nearest ancestor with rules, 0: none */
	uint16_t nrules;    /* 0: branch node */
	uint8_t len;
	uint8_t pad;
};

struct lpm_jump {
	uint32_t node;      /* first node at length >= J0 + jbits in this slot, 0: none */
	uint32_t best;      /* deepest node with rules covering the whole slot, 0: none */
};

struct lpm_family {
	uint32_t base;      /* first node with two children (or a leaf) */
	uint8_t base_len, jbits;
	struct lpm_jump *jump;  /* 1 << jbits slots, NULL: plain walk */
};

struct lpm {
	struct lpm_node *nodes;
	size_t n, cap;
	uint32_t root[2];   /* [0] IPv4, [1] IPv6 */
	struct lpm_family fam[2];
	const struct policy_entry *rules;
	size_t nrules;
};

static inline uint64_t lpm_load64(const uint8_t *b)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | b[i];
	return v;
}

static inline void lpm_key(const uint8_t addr[16], uint64_t k[2])
{
	k[0] = lpm_load64(addr);
	k[1] = lpm_load64(addr + 8);
}

static inline unsigned lpm_bit(const uint64_t k[2], unsigned i)
{
	return i < 64 ? (unsigned)(k[0] >> (63 - i)) & 1 : (unsigned)(k[1] >> (127 - i)) & 1;
}

static inline bool lpm_covers(const struct lpm_node *n, const uint64_t k[2])
{
	unsigned len = n->len;
	uint64_t m0 = len >= 64 ? ~0ull : len == 0 ? 0 : ~0ull << (64 - len);
	uint64_t m1 = len <= 64 ? 0 : ~0ull << (128 - len);
	return ((k[0] ^ n->k[0]) & m0) == 0 && ((k[1] ^ n->k[1]) & m1) == 0;
}

/* Length of the common prefix of a and b, at most limit. */
static unsigned lpm_common(const uint64_t a[2], const uint64_t b[2], unsigned limit)
{
	uint64_t x0 = a[0] ^ b[0], x1 = a[1] ^ b[1];
	unsigned c = x0 ? (unsigned)__builtin_clzll(x0) : x1 ? 64 + (unsigned)__builtin_clzll(x1) : 128;
	return c < limit ? c : limit;
}

static void lpm_mask(uint64_t k[2], unsigned len)
{
	k[0] &= len >= 64 ? ~0ull : len == 0 ? 0 : ~0ull << (64 - len);
	k[1] &= len <= 64 ? 0 : ~0ull << (128 - len);
}

static uint32_t lpm_new(struct lpm *t, const uint64_t k[2], unsigned len, uint32_t rule, uint16_t nrules)
{
	struct lpm_node *n = &t->nodes[t->n];
	memset(n, 0, sizeof(*n));
	n->k[0] = k[0];
	n->k[1] = k[1];
	lpm_mask(n->k, len);
	n->len = (uint8_t)len;
	n->rule = rule;
	n->nrules = nrules;
	return (uint32_t)t->n++;
}

/* Inserts one prefix with its run of rules; capacity is reserved by lpm_build. */
static void lpm_insert(struct lpm *t, uint32_t *link, const uint64_t k[2], unsigned len,
		       uint32_t rule, uint16_t nrules)
{
	for (;;) {
		uint32_t ni = *link;
		if (ni == 0) {
			*link = lpm_new(t, k, len, rule, nrules);
			return;
		}
		struct lpm_node *n = &t->nodes[ni];
		unsigned cpl = lpm_common(k, n->k, len < n->len ? len : n->len);
		if (cpl < n->len) {
			uint64_t nk[2] = { n->k[0], n->k[1] };
			if (cpl == len) {
				uint32_t p = lpm_new(t, k, len, rule, nrules);
				t->nodes[p].child[lpm_bit(nk, len)] = ni;
				*link = p;
				return;
			}
			uint32_t b = lpm_new(t, k, cpl, 0, 0);
			uint32_t leaf = lpm_new(t, k, len, rule, nrules);
			t->nodes[b].child[lpm_bit(nk, cpl)] = ni;
			t->nodes[b].child[lpm_bit(k, cpl)] = leaf;
			*link = b;
			return;
		}
		if (n->len == len) {
			n->rule = rule;
			n->nrules = nrules;
			return;
		}
		link = &n->child[lpm_bit(k, n->len)];
	}
}

static bool lpm_same_prefix(const struct policy_entry *a, const struct policy_entry *b)
{
	return a->family == b->family && a->len == b->len && memcmp(a->addr, b->addr, 16) == 0;
}

/* Sets every node's link to its nearest ancestor with rules. */
static void lpm_link_up(struct lpm *t, uint32_t ni, uint32_t up, unsigned depth)
{
	if (ni == 0 || depth > 130)
		return;
	struct lpm_node *n = &t->nodes[ni];
	n->up = up;
	uint32_t next = n->nrules ? ni : up;
	lpm_link_up(t, n->child[0], next, depth + 1);
	lpm_link_up(t, n->child[1], next, depth + 1);
}

/* Bits [from, from + count) of a key, count 1..16. */
static inline uint32_t lpm_slot(const uint64_t k[2], unsigned from, unsigned count)
{
	uint64_t hi = from < 64 ? (k[0] << from) | (from ? k[1] >> (64 - from) : 0) : k[1] << (from - 64);
	return (uint32_t)(hi >> (64 - count));
}

static void lpm_jump_fill(struct lpm *t, struct lpm_family *f, uint32_t ni, uint32_t best, unsigned depth)
{
	if (ni == 0 || depth > 130)
		return;
	const struct lpm_node *n = &t->nodes[ni];
	unsigned end = f->base_len + f->jbits;
	uint32_t first = lpm_slot(n->k, f->base_len, f->jbits);
	if (n->len >= end) {
		f->jump[first] = (struct lpm_jump){ ni, best };
		return;
	}
	if (n->nrules)
		best = ni;
	uint32_t count = 1u << (end - n->len);
	for (uint32_t s = 0; s < count; s++)
		f->jump[first + s] = (struct lpm_jump){ 0, best };
	lpm_jump_fill(t, f, n->child[0], best, depth + 1);
	lpm_jump_fill(t, f, n->child[1], best, depth + 1);
}

/* A jump table for tries of 256 nodes or more. Returns -1 when out of memory. */
static int lpm_jump_build(struct lpm *t, struct lpm_family *f, uint32_t root, unsigned maxlen)
{
	uint32_t ni = root, above = 0;
	if (root == 0 || t->n < 256)
		return 0;
	for (;;) {
		const struct lpm_node *n = &t->nodes[ni];
		if ((n->child[0] != 0) == (n->child[1] != 0))
			break;  /* two children, or a leaf */
		if (n->nrules)
			above = ni;
		ni = n->child[0] ? n->child[0] : n->child[1];
	}
	unsigned bits = 0;
	while (bits < 16 && (2u << bits) <= t->n)
		bits++;
	f->base = ni;
	f->base_len = t->nodes[ni].len;
	f->jbits = (uint8_t)(maxlen - f->base_len < bits ? maxlen - f->base_len : bits);
	if (f->jbits == 0)
		return 0;
	if ((f->jump = malloc(((size_t)1 << f->jbits) * sizeof(*f->jump))) == NULL)
		return -1;
	lpm_jump_fill(t, f, ni, above, 0);
	return 0;
}

struct lpm *lpm_build(const struct policy_entry *rules, size_t n)
{
	struct lpm *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->cap = 2 * n + 2;
	t->nodes = malloc(t->cap * sizeof(*t->nodes));
	if (t->nodes == NULL || n >= UINT32_MAX / 2) {
		lpm_free(t);
		return NULL;
	}
	t->n = 1;  /* node 0 stands for "none" */
	t->rules = rules;
	t->nrules = n;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && j - i < UINT16_MAX && lpm_same_prefix(&rules[i], &rules[j]))
			j++;
		uint64_t k[2];
		lpm_key(rules[i].addr, k);
		uint32_t *root = &t->root[rules[i].family == POLICY_AF_INET ? 0 : 1];
		lpm_insert(t, root, k, rules[i].len, (uint32_t)i, (uint16_t)(j - i));
		i = j;
	}
	struct lpm_node *shrunk = realloc(t->nodes, t->n * sizeof(*t->nodes));
	if (shrunk != NULL) {
		t->nodes = shrunk;
		t->cap = t->n;
	}
	for (int f = 0; f < 2; f++) {
		lpm_link_up(t, t->root[f], 0, 0);
		if (lpm_jump_build(t, &t->fam[f], t->root[f], f == 0 ? 32 : 128) != 0) {
			lpm_free(t);
			return NULL;
		}
	}
	return t;
}

void lpm_free(struct lpm *t)
{
	if (t == NULL)
		return;
	free(t->fam[0].jump);
	free(t->fam[1].jump);
	free(t->nodes);
	free(t);
}

static inline bool lpm_rule_matches(const struct policy_entry *r, uint8_t proto, uint16_t lport, uint16_t rport)
{
	return (r->proto == 0 || r->proto == proto) && (r->sport == 0 || r->sport == lport) &&
	       (r->dport == 0 || r->dport == rport);
}

/* The plain walk from the root, checking rules on the way. */
static const struct policy_entry *lpm_walk(const struct lpm *t, uint32_t ni, const uint64_t k[2],
					   unsigned maxlen, uint8_t proto, uint16_t lport, uint16_t rport)
{
	const struct policy_entry *best = NULL;

	while (ni != 0) {
		const struct lpm_node *n = &t->nodes[ni];
		if (!lpm_covers(n, k))
			break;
		for (uint32_t i = 0; i < n->nrules; i++) {
			const struct policy_entry *r = &t->rules[n->rule + i];
			if (lpm_rule_matches(r, proto, lport, rport)) {
				best = r;
				break;
			}
		}
		if (n->len >= maxlen)
			break;
		ni = n->child[lpm_bit(k, n->len)];
	}
	return best;
}

const struct policy_entry *lpm_lookup(const struct lpm *t, uint8_t family, const uint8_t addr[16],
				      uint8_t proto, uint16_t lport, uint16_t rport)
{
	uint64_t k[2];
	unsigned maxlen = family == POLICY_AF_INET ? 32 : 128;
	const struct lpm_family *f = &t->fam[family == POLICY_AF_INET ? 0 : 1];
	uint32_t root = t->root[family == POLICY_AF_INET ? 0 : 1];

	lpm_key(addr, k);
	if (f->jump == NULL || !lpm_covers(&t->nodes[f->base], k))
		return lpm_walk(t, root, k, maxlen, proto, lport, rport);
	const struct lpm_jump *j = &f->jump[lpm_slot(k, f->base_len, f->jbits)];
	uint32_t best = j->best;
	for (uint32_t ni = j->node; ni != 0;) {
		const struct lpm_node *n = &t->nodes[ni];
		if (!lpm_covers(n, k))
			break;
		if (n->nrules)
			best = ni;
		if (n->len >= maxlen)
			break;
		ni = n->child[lpm_bit(k, n->len)];
	}
	while (best != 0) {
		const struct lpm_node *n = &t->nodes[best];
		for (uint32_t i = 0; i < n->nrules; i++) {
			const struct policy_entry *r = &t->rules[n->rule + i];
			if (lpm_rule_matches(r, proto, lport, rport))
				return r;
		}
		best = n->up;
	}
	return NULL;
}

size_t lpm_host_rules(const struct lpm *t, uint8_t family, const uint8_t addr[16], unsigned depth,
		      const struct policy_entry **host, const struct policy_entry **port, size_t max)
{
	uint64_t k[2];
	unsigned maxlen = family == POLICY_AF_INET ? 32 : 128;
	uint32_t chain[129];
	size_t nchain = 0, nport = 0;

	*host = NULL;
	lpm_key(addr, k);
	for (uint32_t ni = t->root[family == POLICY_AF_INET ? 0 : 1]; ni != 0;) {
		const struct lpm_node *n = &t->nodes[ni];
		if (n->len > depth || !lpm_covers(n, k))
			break;
		if (n->nrules && nchain < sizeof(chain) / sizeof(chain[0]))
			chain[nchain++] = ni;
		if (n->len >= maxlen)
			break;
		ni = n->child[lpm_bit(k, n->len)];
	}
	/* Deepest first; within a node the rules run most specific first, so
	 * the host-wide rule (if any) comes after the port rules that beat it. */
	while (nchain > 0 && *host == NULL) {
		const struct lpm_node *n = &t->nodes[chain[--nchain]];
		for (uint32_t i = 0; i < n->nrules && *host == NULL; i++) {
			const struct policy_entry *r = &t->rules[n->rule + i];
			if (r->proto == 0 && r->sport == 0 && r->dport == 0)
				*host = r;
			else if (nport++ < max)
				port[nport - 1] = r;
		}
	}
	return nport;
}

bool lpm_covered_by_nonclear(const struct lpm *t, uint8_t family, const uint8_t addr[16])
{
	uint64_t k[2];
	unsigned maxlen = family == POLICY_AF_INET ? 32 : 128;

	lpm_key(addr, k);
	uint32_t ni = t->root[family == POLICY_AF_INET ? 0 : 1];
	while (ni != 0) {
		const struct lpm_node *n = &t->nodes[ni];
		if (!lpm_covers(n, k))
			return false;
		for (uint32_t i = 0; i < n->nrules; i++) {
			uint8_t g = t->rules[n->rule + i].group;
			if (g != POLICY_GROUP_CLEAR && g != POLICY_GROUP_CLEAR_OR_PRIVATE)
				return true;
		}
		if (n->len >= maxlen)
			return false;
		ni = n->child[lpm_bit(k, n->len)];
	}
	return false;
}

size_t lpm_memory(const struct lpm *t)
{
	size_t jumps = 0;
	for (int f = 0; f < 2; f++)
		if (t->fam[f].jump != NULL)
			jumps += ((size_t)1 << t->fam[f].jbits) * sizeof(struct lpm_jump);
	return sizeof(*t) + t->cap * sizeof(*t->nodes) + jumps;
}
