/* ike_bench_pk [ROUNDS]: the public-key operations of one IKEv2
 * handshake, both sides, through the ike/ crypto API:
 *   X25519: key pair generation and derivation on each side;
 *   ECDSA P-256 (RFC 7427): each side signs its AUTH octets, the other
 *   verifies. Identity keys are generated once, outside the timing.
 * Prints per-handshake microseconds (median, mean, min) and the split. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <keyhi.h>
#include <pk11pub.h>
#include <secoid.h>

#include "ike/crypto_algs.h"
#include "ike/crypto_dh.h"
#include "ike/crypto_nss.h"
#include "ike/crypto_sig.h"

struct id_key {
	SECKEYPrivateKey *priv;
	SECKEYPublicKey *pub;
};

static double
bench_pk_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
bench_pk_idkey(struct id_key *k)
{
	SECOidData *oid = SECOID_FindOIDByTag(SEC_OID_ANSIX962_EC_PRIME256V1);
	uint8_t der[16];
	SECItem params = { siBuffer, der, 0 };
	PK11SlotInfo *slot = PK11_GetInternalSlot();

	if (oid == NULL || slot == NULL)
		return -1;
	der[0] = 0x06;
	der[1] = (uint8_t)oid->oid.len;
	memcpy(der + 2, oid->oid.data, oid->oid.len);
	params.len = oid->oid.len + 2;
	k->priv = PK11_GenerateKeyPair(slot, CKM_EC_KEY_PAIR_GEN, &params,
	    &k->pub, PR_FALSE, PR_FALSE, NULL);
	PK11_FreeSlot(slot);
	return k->priv != NULL ? 0 : -1;
}

/* One side pair of X25519: both key pairs, both derivations. */
static int
bench_pk_dh(void)
{
	struct ike_crypto_dh *a = NULL, *b = NULL;
	PK11SymKey *ka = NULL, *kb = NULL;
	uint8_t pa[32], pb[32];
	size_t la, lb;
	int r = -1;

	if (ike_crypto_dh_new(IKE_DH_CURVE25519, &a) != 0 ||
	    ike_crypto_dh_new(IKE_DH_CURVE25519, &b) != 0 ||
	    ike_crypto_dh_public(a, pa, sizeof(pa), &la) != 0 ||
	    ike_crypto_dh_public(b, pb, sizeof(pb), &lb) != 0 ||
	    ike_crypto_dh_derive(a, pb, lb, &ka) != 0 ||
	    ike_crypto_dh_derive(b, pa, la, &kb) != 0)
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

/* signer signs octets, the peer verifies. */
static int
bench_pk_auth(const struct id_key *signer, const uint8_t *octets, size_t len)
{
	uint8_t *auth = NULL;
	size_t alen;
	int r;

	if (ike_crypto_sig_sign(signer->priv, IKE_SIG_ECDSA_SHA256, octets,
	    len, &auth, &alen) != 0)
		return -1;
	r = ike_crypto_sig_verify(signer->pub, IKE_AUTH_METHOD_DIGITAL_SIG,
	    auth, alen, octets, len, NULL);
	free(auth);
	return r;
}

static int
bench_pk_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 500, i;
	struct id_key ki = { 0 }, kr = { 0 };
	uint8_t octets[600];
	double *tot, t0, t1, t2, dh = 0, sig = 0, sum = 0;

	if (rounds < 1 || (tot = calloc((size_t)rounds, sizeof(*tot))) == NULL)
		return 2;
	memset(octets, 0x5a, sizeof(octets));
	if (ike_crypto_nss_init(NULL) != 0 || bench_pk_idkey(&ki) != 0 ||
	    bench_pk_idkey(&kr) != 0)
		return 1;
	for (i = 0; i < rounds; i++) {
		t0 = bench_pk_now_us();
		if (bench_pk_dh() != 0)
			return 1;
		t1 = bench_pk_now_us();
		if (bench_pk_auth(&ki, octets, sizeof(octets)) != 0 ||
		    bench_pk_auth(&kr, octets, sizeof(octets)) != 0)
			return 1;
		t2 = bench_pk_now_us();
		dh += t1 - t0;
		sig += t2 - t1;
		tot[i] = t2 - t0;
		sum += tot[i];
	}
	qsort(tot, (size_t)rounds, sizeof(*tot), bench_pk_cmp);
	printf("ike_bench_pk: %d handshakes (both sides)\n", rounds);
	printf("  public-key ops per handshake: median %.1f us, mean %.1f us, "
	    "min %.1f us\n", tot[rounds / 2], sum / rounds, tot[0]);
	printf("  X25519 keygen+derive x2: mean %.1f us\n", dh / rounds);
	printf("  ECDSA P-256 sign+verify x2: mean %.1f us\n", sig / rounds);
	free(tot);
	SECKEY_DestroyPrivateKey(ki.priv);
	SECKEY_DestroyPublicKey(ki.pub);
	SECKEY_DestroyPrivateKey(kr.priv);
	SECKEY_DestroyPublicKey(kr.pub);
	ike_crypto_nss_shutdown();
	return 0;
}
