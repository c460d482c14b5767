/* ike_bench_handshake [ROUNDS]: full IKEv2 handshakes per second, both
 * engines in this process over the tests' mock env (IKE_SA_INIT + IKE_AUTH
 * with the first Child SA: X25519, ECDSA P-256 signatures, AES-GCM-16-256,
 * PRF HMAC-SHA2-256), next to the public-key operations of one handshake
 * alone (as ike_bench_pk: X25519 keygen + derive on each side, each side
 * signs 600 bytes, the other verifies), measured alternately in the same
 * run. Prints both and their ratio (goal: at most 1.25), and a third
 * figure: the same public-key operations when the verifier's key is not in
 * the NSS token yet, as the engine gets it from peer_key (NSS imports and
 * validates the EC point on every verification, which ike_bench_pk does
 * not pay).
 * Identity keys are made once; engine creation and teardown are outside
 * the timing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <keyhi.h>
#include <pk11pub.h>

#include "exch_env.h"
#include "ike/crypto_dh.h"
#include "ike/crypto_nss.h"
#include "ike/crypto_sig.h"
#include "ike/ike_consts.h"

#define BENCH_GOAL 1.25

struct bench_key {
	SECKEYPrivateKey *priv;
	SECKEYPublicKey *pub;
};

static struct exch_world w;

static double bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Sets up the two engines of w with the bench's suites and keys. */
static int bench_world(const struct bench_key *ka, const struct bench_key *kb)
{
	const struct ike_suite ike = { IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, IKE_PRF_HMAC_SHA2_256,
				       IKE_DH_CURVE25519 };
	const struct ike_suite esp = { IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, 0, 0 };

	exch_world_init(&w);
	w.verbose = false;
	exch_conf_suite(&w.side[EXCH_A].conf, &ike, &esp);
	exch_conf_suite(&w.side[EXCH_B].conf, &ike, &esp);
	exch_conf_sig(&w.side[EXCH_A].conf, ka->priv, IKE_SIG_ECDSA_SHA256, "a.example");
	exch_conf_sig(&w.side[EXCH_B].conf, kb->priv, IKE_SIG_ECDSA_SHA256, "b.example");
	w.side[EXCH_A].peer_pub = kb->pub;
	w.side[EXCH_B].peer_pub = ka->pub;
	return exch_world_start(&w);
}

/* One timed handshake on the engines of w; < 0 if it did not complete. */
static double bench_handshake_once(void)
{
	unsigned up_a = w.side[EXCH_A].n_up, up_b = w.side[EXCH_B].n_up;
	double t0 = bench_now_us(), t1;

	if (exch_initiate(&w, EXCH_A) != 0)
		return -1;
	exch_run(&w, 0);
	t1 = bench_now_us() - t0;
	if (w.side[EXCH_A].n_up != up_a + 1 || w.side[EXCH_B].n_up != up_b + 1 || w.side[EXCH_A].n_fail != 0 ||
	    w.side[EXCH_B].n_fail != 0)
		return -1;
	return t1;
}

/* One handshake between fresh engines (creation outside the timing). */
static double bench_handshake(const struct bench_key *ka, const struct bench_key *kb)
{
	double t = -1;

	if (bench_world(ka, kb) == 0)
		t = bench_handshake_once();
	exch_world_free(&w);
	return t;
}

/* rounds handshakes on one pair of long-lived engines, as in the agent:
 * each IKE SA is deleted (untimed) before the next handshake. */
static int bench_long_lived(const struct bench_key *ka, const struct bench_key *kb, double *v, int rounds)
{
	int r = -1;

	if (bench_world(ka, kb) != 0)
		goto out;
	for (int i = 0; i < rounds; i++) {
		w.side[EXCH_A].n_up = w.side[EXCH_B].n_up = 0;
		w.side[EXCH_A].n_down = w.side[EXCH_B].n_down = 0;
		if ((v[i] = bench_handshake_once()) < 0)
			goto out;
		ike_delete_peer(w.side[EXCH_A].e, &w.side[EXCH_B].addr);
		exch_run(&w, 0);
		exch_trace_clear(&w);
	}
	r = 0;
out:
	exch_world_free(&w);
	return r;
}

static int bench_dh(void)
{
	struct ike_crypto_dh *a = NULL, *b = NULL;
	PK11SymKey *ka = NULL, *kb = NULL;
	uint8_t pa[32], pb[32];
	size_t la, lb;
	int r = -1;

	if (ike_crypto_dh_new(IKE_DH_CURVE25519, &a) != 0 || ike_crypto_dh_new(IKE_DH_CURVE25519, &b) != 0 ||
	    ike_crypto_dh_public(a, pa, sizeof(pa), &la) != 0 || ike_crypto_dh_public(b, pb, sizeof(pb), &lb) != 0 ||
	    ike_crypto_dh_derive(a, pb, lb, &ka) != 0 || ike_crypto_dh_derive(b, pa, la, &kb) != 0)
		goto out;
	r = 0;
out:
	if (ka != NULL)
		PK11_FreeSymKey(ka);
	if (kb != NULL)
		PK11_FreeSymKey(kb);
	ike_crypto_dh_free(a);
	ike_crypto_dh_free(b);
	return r;
}

/* signer signs, the other side verifies; with import, the verifier holds
 * the key as the engine gets it from peer_key (a copy not in the token, as
 * decoded from a certificate or IPSECKEY), so NSS imports and checks it. */
static int bench_auth(const struct bench_key *signer, const uint8_t *octets, size_t len, bool import)
{
	SECKEYPublicKey *key = signer->pub;
	uint8_t *auth = NULL;
	size_t alen;
	int r;

	if (ike_crypto_sig_sign(signer->priv, IKE_SIG_ECDSA_SHA256, octets, len, &auth, &alen) != 0)
		return -1;
	if (import && (key = SECKEY_CopyPublicKey(signer->pub)) == NULL) {
		free(auth);
		return -1;
	}
	r = ike_crypto_sig_verify(key, IKE_AUTH_METHOD_DIGITAL_SIG, auth, alen, octets, len, NULL);
	if (import)
		SECKEY_DestroyPublicKey(key);
	free(auth);
	return r;
}

/* The public-key operations of one handshake; microseconds or < 0. */
static double bench_pk(const struct bench_key *ka, const struct bench_key *kb, bool import)
{
	static uint8_t octets[600];
	double t0 = bench_now_us();

	memset(octets, 0x5a, sizeof(octets));
	if (bench_dh() != 0 || bench_auth(ka, octets, sizeof(octets), import) != 0 ||
	    bench_auth(kb, octets, sizeof(octets), import) != 0)
		return -1;
	return bench_now_us() - t0;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct bench_stats {
	double mean, median, min;
};

static struct bench_stats bench_stats(double *v, int n)
{
	struct bench_stats s = { 0, 0, 0 };

	for (int i = 0; i < n; i++)
		s.mean += v[i];
	s.mean /= n;
	qsort(v, (size_t)n, sizeof(*v), bench_cmp);
	s.median = v[n / 2];
	s.min = v[0];
	return s;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 500, r = 1;
	struct bench_key ka = { 0 }, kb = { 0 };
	double *hs, *pk, *pki, *ll, total = 0;
	struct bench_stats h, p, pi, l;

	if (rounds < 1 || (hs = calloc((size_t)rounds, sizeof(*hs))) == NULL ||
	    (pk = calloc((size_t)rounds, sizeof(*pk))) == NULL || (pki = calloc((size_t)rounds, sizeof(*pki))) == NULL ||
	    (ll = calloc((size_t)rounds, sizeof(*ll))) == NULL)
		return 2;
	if (exch_nss_init() != 0 || exch_keypair("p256", &ka.priv, &ka.pub) != 0 ||
	    exch_keypair("p256", &kb.priv, &kb.pub) != 0) {
		fprintf(stderr, "ike_bench_handshake: NSS or key generation failed\n");
		goto out;
	}
	/* warm-up: the first handshake pays for NSS's lazy set-up */
	if (bench_handshake(&ka, &kb) < 0 || bench_pk(&ka, &kb, false) < 0 || bench_pk(&ka, &kb, true) < 0) {
		fprintf(stderr, "ike_bench_handshake: the warm-up handshake failed\n");
		goto out;
	}
	for (int i = 0; i < rounds; i++) {
		if ((hs[i] = bench_handshake(&ka, &kb)) < 0 || (pk[i] = bench_pk(&ka, &kb, false)) < 0 ||
		    (pki[i] = bench_pk(&ka, &kb, true)) < 0) {
			fprintf(stderr, "ike_bench_handshake: round %d failed\n", i);
			goto out;
		}
		total += hs[i];
	}
	if (bench_long_lived(&ka, &kb, ll, rounds) != 0) {
		fprintf(stderr, "ike_bench_handshake: a handshake on the long-lived engines failed\n");
		goto out;
	}
	h = bench_stats(hs, rounds);
	l = bench_stats(ll, rounds);
	p = bench_stats(pk, rounds);
	pi = bench_stats(pki, rounds);
	printf("ike_bench_handshake: %d rounds (X25519, ECDSA P-256, AES-GCM-16-256, PRF SHA2-256)\n", rounds);
	printf("  full handshake (both sides): median %.1f us, mean %.1f us, min %.1f us; %.0f handshakes/s\n",
	       h.median, h.mean, h.min, rounds / (total / 1e6));
	printf("  public-key ops alone:        median %.1f us, mean %.1f us, min %.1f us\n", p.median, p.mean,
	       p.min);
	printf("  public-key ops + import of the peer's key (x2): median %.1f us, mean %.1f us, min %.1f us\n",
	       pi.median, pi.mean, pi.min);
	printf("  ratio handshake / public-key ops: median %.3f, mean %.3f (goal <= %.2f: %s)\n", h.median / p.median,
	       h.mean / p.mean, BENCH_GOAL, h.median / p.median <= BENCH_GOAL ? "met" : "NOT met");
	printf("  ratio handshake / public-key ops with key import: median %.3f, mean %.3f\n", h.median / pi.median,
	       h.mean / pi.mean);
	printf("  long-lived engines (the agent's case: the peer's key stays imported): median %.1f us, mean %.1f us,"
	       " min %.1f us; ratio to public-key ops: median %.3f (goal <= %.2f: %s)\n",
	       l.median, l.mean, l.min, l.median / p.median, BENCH_GOAL, l.median / p.median <= BENCH_GOAL ? "met" : "NOT met");
	r = 0;
out:
	if (ka.priv != NULL)
		SECKEY_DestroyPrivateKey(ka.priv);
	if (ka.pub != NULL)
		SECKEY_DestroyPublicKey(ka.pub);
	if (kb.priv != NULL)
		SECKEY_DestroyPrivateKey(kb.priv);
	if (kb.pub != NULL)
		SECKEY_DestroyPublicKey(kb.pub);
	free(hs);
	free(pk);
	free(pki);
	free(ll);
	return r;
}
