/* engine_halfopen.c: the count of half-open responder SAs, engine-wide and
 * per source IP address, in one place: every SA enters when it is made
 * and leaves once, when it authenticates or goes, whatever the way
 * (established, failed, timed out, deleted, engine freed).
 *
 * Per source: a small hash of the addresses that have half-open SAs, an
 * entry living while its count is above zero, so the table never holds
 * more entries than there are half-open SAs. Its buckets are chosen by
 * SipHash-2-4 under a random key: the addresses come from the network, and
 * a sender that could aim them at one bucket would turn every lookup into
 * a walk. Each entry also lists its SAs that have proven nothing yet
 * (made before COOKIEs were demanded, no message authenticated), oldest
 * first: those anyone can make "from" the address, so a request that
 * returns our COOKIE may take the place of the oldest (exch_init.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine_int.h"

#define ENG_SRC_MIN_BUCKETS 64u
#define ENG_SRC_MAX_BUCKETS (1u << 22)

struct eng_src {
	struct eng_src *next;       /* bucket chain */
	uint8_t family;
	uint8_t ip[16];             /* 4 bytes used for IPv4 */
	unsigned n;                 /* half-open SAs from here, never 0 */
	struct ike_sa *unproven, *unproven_tail; /* oldest first, by ho_next */
};

/* A responder SA that has not authenticated yet: what a flood of
 * IKE_SA_INIT makes, and what the COOKIE threshold and the half-open
 * limits count. Our own initiations do not: an ACQUIRE storm (spoofed SYNs
 * whose answers we trap) must not lock real peers out. */
bool eng_sa_half_open(const struct ike_sa *sa)
{
	return !sa->initiator && sa->state != IKE_STATE_ESTABLISHED && sa->state != IKE_STATE_DELETING;
}

static uint64_t eng_le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t eng_rotl(uint64_t x, unsigned b)
{
	return x << b | x >> (64 - b);
}

static void eng_sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = eng_rotl(v[1], 13) ^ v[0];
	v[0] = eng_rotl(v[0], 32);
	v[2] += v[3];
	v[3] = eng_rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = eng_rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = eng_rotl(v[1], 17) ^ v[2];
	v[2] = eng_rotl(v[2], 32);
}

static void eng_sip_absorb(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	eng_sip_round(v);
	eng_sip_round(v);
	v[0] ^= m;
}

/* SipHash-2-4 (Aumasson, Bernstein 2012) of in under key. */
static uint64_t eng_siphash(const uint8_t key[16], const uint8_t *in, size_t len)
{
	uint64_t k0 = eng_le64(key), k1 = eng_le64(key + 8);
	uint64_t v[4] = { k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull, k0 ^ 0x6c7967656e657261ull,
			  k1 ^ 0x7465646279746573ull };
	size_t i = 0;
	for (; len - i >= 8; i += 8)
		eng_sip_absorb(v, eng_le64(in + i));
	uint64_t last = (uint64_t)(len & 0xff) << 56;
	for (unsigned j = 0; i + j < len; j++)
		last |= (uint64_t)in[i + j] << (8 * j);
	eng_sip_absorb(v, last);
	v[2] ^= 0xff;
	for (int r = 0; r < 4; r++)
		eng_sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static unsigned eng_src_bucket(const struct ike_engine *e, uint8_t family, const uint8_t *ip, unsigned nbuckets)
{
	uint8_t in[1 + 16];
	size_t n = family == AF_INET6 ? 16 : 4;
	in[0] = family;
	memcpy(in + 1, ip, n);
	return (unsigned)eng_siphash(e->src_key, in, 1 + n) & (nbuckets - 1);
}

int eng_half_open_init(struct ike_engine *e)
{
	if (e->env.random(e->env.ctx, e->src_key, sizeof(e->src_key)) != 0)
		return -EIO;
	e->src = calloc(ENG_SRC_MIN_BUCKETS, sizeof(e->src[0]));
	if (e->src == NULL)
		return -ENOMEM;
	e->n_src_buckets = ENG_SRC_MIN_BUCKETS;
	e->n_src = 0;
	return 0;
}

void eng_half_open_free(struct ike_engine *e)
{
	/* Every SA left before (eng_sa_free), so the chains are empty; free
	 * what a mistake left rather than leak it. */
	for (unsigned b = 0; e->src != NULL && b < e->n_src_buckets; b++)
		while (e->src[b] != NULL) {
			struct eng_src *s = e->src[b];
			e->src[b] = s->next;
			free(s);
		}
	free(e->src);
	e->src = NULL;
	e->n_src_buckets = e->n_src = 0;
}

static struct eng_src *eng_src_find(struct ike_engine *e, const struct ike_addr *a)
{
	if (e->src == NULL)
		return NULL;
	size_t n = eng_addr_len(a);
	for (struct eng_src *s = e->src[eng_src_bucket(e, a->family, a->ip, e->n_src_buckets)]; s != NULL;
	     s = s->next)
		if (s->family == a->family && memcmp(s->ip, a->ip, n) == 0)
			return s;
	return NULL;
}

/* Twice the buckets once the chains grow past two entries on average; a
 * failed allocation leaves the table as it is (longer chains, still right). */
static void eng_src_grow(struct ike_engine *e)
{
	if (e->n_src <= 2 * e->n_src_buckets || e->n_src_buckets >= ENG_SRC_MAX_BUCKETS)
		return;
	unsigned nb = e->n_src_buckets * 2;
	struct eng_src **t = calloc(nb, sizeof(t[0]));
	if (t == NULL)
		return;
	for (unsigned b = 0; b < e->n_src_buckets; b++)
		while (e->src[b] != NULL) {
			struct eng_src *s = e->src[b];
			e->src[b] = s->next;
			unsigned nbk = eng_src_bucket(e, s->family, s->ip, nb);
			s->next = t[nbk];
			t[nbk] = s;
		}
	free(e->src);
	e->src = t;
	e->n_src_buckets = nb;
}

int eng_half_open_enter(struct ike_sa *sa)
{
	struct ike_engine *e = sa->e;
	if (sa->ho_src != NULL || !eng_sa_half_open(sa))
		return 0;
	struct eng_src *s = eng_src_find(e, &sa->peer);
	if (s == NULL) {
		if (e->src == NULL || (s = calloc(1, sizeof(*s))) == NULL)
			return -ENOMEM;
		s->family = sa->peer.family;
		memcpy(s->ip, sa->peer.ip, eng_addr_len(&sa->peer));
		unsigned b = eng_src_bucket(e, s->family, s->ip, e->n_src_buckets);
		s->next = e->src[b];
		e->src[b] = s;
		e->n_src++;
		eng_src_grow(e);
	}
	s->n++;
	sa->ho_src = s;
	sa->ho_proven = false;
	sa->ho_next = NULL;
	sa->ho_prev = s->unproven_tail;
	if (s->unproven_tail != NULL)
		s->unproven_tail->ho_next = sa;
	else
		s->unproven = sa;
	s->unproven_tail = sa;
	e->n_half_open++;
	return 0;
}

/* Off its source's list of unproven SAs. */
static void eng_src_unlist(struct ike_sa *sa)
{
	struct eng_src *s = sa->ho_src;
	if (sa->ho_proven)
		return;
	if (sa->ho_prev != NULL)
		sa->ho_prev->ho_next = sa->ho_next;
	else
		s->unproven = sa->ho_next;
	if (sa->ho_next != NULL)
		sa->ho_next->ho_prev = sa->ho_prev;
	else
		s->unproven_tail = sa->ho_prev;
	sa->ho_next = sa->ho_prev = NULL;
	sa->ho_proven = true;
}

static void eng_src_remove(struct ike_engine *e, struct eng_src *s)
{
	struct eng_src **pp = &e->src[eng_src_bucket(e, s->family, s->ip, e->n_src_buckets)];
	for (; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			e->n_src--;
			break;
		}
	free(s);
}

void eng_half_open_leave(struct ike_sa *sa)
{
	struct ike_engine *e = sa->e;
	struct eng_src *s = sa->ho_src;
	if (s == NULL)
		return;
	eng_src_unlist(sa);
	sa->ho_src = NULL;
	if (--s->n == 0)
		eng_src_remove(e, s);
	if (e->n_half_open > 0)
		e->n_half_open--;
}

void eng_half_open_proven(struct ike_sa *sa)
{
	if (sa->ho_src != NULL)
		eng_src_unlist(sa);
}

unsigned eng_half_open_from(struct ike_engine *e, const struct ike_addr *a)
{
	const struct eng_src *s = eng_src_find(e, a);
	return s != NULL ? s->n : 0;
}

struct ike_sa *eng_half_open_unproven(struct ike_engine *e, const struct ike_addr *a)
{
	const struct eng_src *s = eng_src_find(e, a);
	return s != NULL ? s->unproven : NULL;
}
