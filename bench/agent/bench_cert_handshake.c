/* agent_bench_cert_handshake [ROUNDS]: full IKEv2 handshakes per second
 * with certificate authentication, both engines in this process over the
 * tests' mock env (X25519, ECDSA P-256, AES-GCM-16-256, PRF SHA2-256). Each
 * side signs with its node key from an NSS database, sends its certificate
 * (CERT, a chain of two: CA -> node, the CA trusted in the database) and
 * its subject as ID; the peer_key callback is the agent's
 * cert_verify_peer (chain validation in NSS, ID and address checks), as in
 * swanmeshd. Measured alternately with the same handshake where peer_key
 * hands over the peer's bare public key (no certificate work), and with
 * cert_verify_peer alone. The certificates come from bench-pki.sh (openssl,
 * certutil, pk12util) in a temporary directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include <cert.h>
#include <keyhi.h>
#include <pk11pub.h>

#include "cert_verify.h"
#include "exch_env.h"
#include "ike/crypto_nss.h"
#include "ike/ike_consts.h"

struct bench_node {
	CERTCertificate *cert;
	SECKEYPrivateKey *priv;
	SECKEYPublicKey *pub;
};

static struct exch_world w;
static struct bench_node nodes[2];
static unsigned long verify_calls;

static double bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* peer_key as swanmeshd answers it for a group with auth [cert]. */
static int bench_peer_key(void *ctx, const struct ike_peer_auth_req *req, SECKEYPublicKey **key, char *why,
			  size_t whylen)
{
	(void)ctx;
	SECItem chain[IKE_MAX_OUR_CERTS];
	char addr[64];

	inet_ntop(AF_INET, req->peer->ip, addr, sizeof(addr));
	for (unsigned i = 0; i < req->n_certs; i++)
		chain[i] = (SECItem){ siBuffer, (unsigned char *)(uintptr_t)req->certs[i], (unsigned)req->cert_len[i] };
	struct cert_verify_request cr = {
		.chain = chain,
		.nchain = req->n_certs,
		.id = { req->id_type, req->id, req->id_len },
		.address = addr,
	};
	verify_calls++;
	return cert_verify_peer(&cr, key, why, whylen) == 0 ? 0 : -1;
}

static void bench_conf(struct ike_peer_conf *c, const struct bench_node *n)
{
	const struct ike_suite ike = { IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, IKE_PRF_HMAC_SHA2_256,
				       IKE_DH_CURVE25519 };
	const struct ike_suite esp = { IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, 0, 0 };

	exch_conf_suite(c, &ike, &esp);
	exch_conf_sig(c, n->priv, IKE_SIG_ECDSA_SHA256, "x");
	c->our_id_type = IKE_ID_DER_ASN1_DN;
	c->our_id_len = n->cert->derSubject.len;
	memcpy(c->our_id, n->cert->derSubject.data, c->our_id_len);
	c->our_certs[0] = n->cert->derCert.data;
	c->our_cert_len[0] = n->cert->derCert.len;
	c->n_our_certs = 1;
}

/* One handshake; its microseconds, or < 0 if it did not complete. */
static double bench_handshake(bool certs)
{
	double t0, t1 = -1;

	exch_world_init(&w);
	w.verbose = false;
	for (int i = 0; i < 2; i++) {
		bench_conf(&w.side[i].conf, &nodes[i]);
		w.side[i].peer_pub = nodes[1 - i].pub;
		if (certs)
			w.side[i].env.peer_key = bench_peer_key;
	}
	if (exch_world_start(&w) != 0)
		goto out;
	t0 = bench_now_us();
	if (exch_initiate(&w, EXCH_A) != 0)
		goto out;
	exch_run(&w, 0);
	t1 = bench_now_us() - t0;
	if (w.side[EXCH_A].n_up != 1 || w.side[EXCH_B].n_up != 1 || w.side[EXCH_A].n_fail != 0 ||
	    w.side[EXCH_B].n_fail != 0) {
		if (w.side[EXCH_A].n_fail > 0)
			fprintf(stderr, "A failed: %s\n", w.side[EXCH_A].fail[0].f.why);
		if (w.side[EXCH_B].n_fail > 0)
			fprintf(stderr, "B failed: %s\n", w.side[EXCH_B].fail[0].f.why);
		t1 = -1;
	}
out:
	exch_world_free(&w);
	return t1;
}

/* cert_verify_peer alone, on b's certificate as a sees it. */
static double bench_verify(void)
{
	SECItem der = nodes[1].cert->derCert;
	SECKEYPublicKey *key = NULL;
	char why[256];
	struct cert_verify_request cr = {
		.chain = &der,
		.nchain = 1,
		.id = { IKE_ID_DER_ASN1_DN, nodes[1].cert->derSubject.data, nodes[1].cert->derSubject.len },
		.address = "192.0.2.2",
	};
	double t0 = bench_now_us();

	if (cert_verify_peer(&cr, &key, why, sizeof(why)) != 0) {
		fprintf(stderr, "agent_bench_cert_handshake: %s\n", why);
		return -1;
	}
	SECKEY_DestroyPublicKey(key);
	return bench_now_us() - t0;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double bench_median(double *v, int n, double *mean)
{
	*mean = 0;
	for (int i = 0; i < n; i++)
		*mean += v[i];
	*mean /= n;
	qsort(v, (size_t)n, sizeof(*v), bench_cmp);
	return v[n / 2];
}

static int bench_setup(char *dir)
{
	char cmd[512], db[300];

	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s '%s'", BENCH_PKI_SCRIPT, dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(db, sizeof(db), "%s/db", dir);
	if (ike_crypto_nss_init(db) != 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		struct bench_node *n = &nodes[i];
		n->cert = CERT_FindCertByNickname(CERT_GetDefaultCertDB(), i == 0 ? "a" : "b");
		if (n->cert == NULL || (n->priv = PK11_FindKeyByAnyCert(n->cert, NULL)) == NULL ||
		    (n->pub = CERT_ExtractPublicKey(n->cert)) == NULL)
			return -1;
	}
	return 0;
}

static void bench_teardown(const char *dir)
{
	char cmd[300];

	for (int i = 0; i < 2; i++) {
		if (nodes[i].pub != NULL)
			SECKEY_DestroyPublicKey(nodes[i].pub);
		if (nodes[i].priv != NULL)
			SECKEY_DestroyPrivateKey(nodes[i].priv);
		if (nodes[i].cert != NULL)
			CERT_DestroyCertificate(nodes[i].cert);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "agent_bench_cert_handshake: could not remove %s\n", dir);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 300, r = 1;
	char dir[] = "/tmp/swanmesh-bench-cert-XXXXXX";
	double *hc = NULL, *hk = NULL, *vf = NULL, total = 0, mc, mk, mv;

	if (rounds < 1 || (hc = calloc((size_t)rounds, sizeof(*hc))) == NULL ||
	    (hk = calloc((size_t)rounds, sizeof(*hk))) == NULL || (vf = calloc((size_t)rounds, sizeof(*vf))) == NULL)
		return 2;
	if (bench_setup(dir) != 0) {
		fprintf(stderr, "agent_bench_cert_handshake: certificates or NSS database could not be made\n");
		goto out;
	}
	/* warm-up: NSS's lazy set-up, the certificate cache */
	if (bench_handshake(true) < 0 || bench_handshake(false) < 0 || bench_verify() < 0) {
		fprintf(stderr, "agent_bench_cert_handshake: the warm-up handshake failed\n");
		goto out;
	}
	verify_calls = 0;
	for (int i = 0; i < rounds; i++) {
		if ((hc[i] = bench_handshake(true)) < 0 || (hk[i] = bench_handshake(false)) < 0 ||
		    (vf[i] = bench_verify()) < 0) {
			fprintf(stderr, "agent_bench_cert_handshake: round %d failed\n", i);
			goto out;
		}
		total += hc[i];
	}
	double med_c = bench_median(hc, rounds, &mc), med_k = bench_median(hk, rounds, &mk);
	double med_v = bench_median(vf, rounds, &mv);
	printf("agent_bench_cert_handshake: %d rounds (X25519, ECDSA P-256, AES-GCM-16-256, PRF SHA2-256; "
	       "CERT chain CA -> node, %lu cert_verify_peer calls)\n", rounds, verify_calls);
	printf("  handshake with certificates (both sides verify): median %.1f us, mean %.1f us; %.0f handshakes/s\n",
	       med_c, mc, rounds / (total / 1e6));
	printf("  handshake with bare keys (no certificate work):  median %.1f us, mean %.1f us\n", med_k, mk);
	printf("  cert_verify_peer alone:                          median %.1f us, mean %.1f us\n", med_v, mv);
	printf("  certificate overhead per handshake: %.1f us (median), ratio %.3f\n", med_c - med_k, med_c / med_k);
	r = 0;
out:
	bench_teardown(dir);
	free(hc);
	free(hk);
	free(vf);
	return r;
}
