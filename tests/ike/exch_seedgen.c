/* Writes the seed corpora of the engine fuzz targets from real in-process
 * exchanges: ike_exch_seedgen RESPONDER_DIR INITIATOR_DIR. What A sent goes
 * to the responder corpus, what B answered to the initiator corpus. Not a
 * test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keyhi.h>

#include "exch_env.h"
#include "exch_fuzz.h"

static const char *dir_resp, *dir_init;
static unsigned n_written;

static const char *seed_exch(uint8_t x)
{
	switch (x) {
	case IKE_EXCH_IKE_SA_INIT: return "init";
	case IKE_EXCH_IKE_AUTH: return "auth";
	case IKE_EXCH_CREATE_CHILD_SA: return "child";
	case IKE_EXCH_INFORMATIONAL: return "info";
	default: return "other";
	}
}

static int seed_write(const char *dir, const char *name, unsigned i, const struct exch_dgram *d)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s_%02u_%s_%s%s", dir, name, i, seed_exch(d->exchange),
		 (d->flags & IKE_FLAG_R) ? "resp" : "req", d->first == IKE_PT_SKF ? "_frag" : "");
	if ((f = fopen(path, "wb")) == NULL || fwrite(d->buf, 1, d->len, f) != d->len) {
		fprintf(stderr, "seedgen: %s failed\n", path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	fclose(f);
	n_written++;
	return 0;
}

/* Saves the trace of w: A's datagrams (requests) for the responder target,
 * B's for the initiator target. At most 4 fragments of a message. */
static int seed_save(struct exch_world *w, const char *name)
{
	for (unsigned i = 0; i < w->n_trace && i < EXCH_TRACE_MAX; i++) {
		const struct exch_dgram *d = &w->trace[i];
		if (d->first == IKE_PT_SKF && d->frag_num > 4)
			continue;
		if (seed_write(d->from == EXCH_A ? dir_resp : dir_init, name, i, d) != 0)
			return -1;
	}
	return 0;
}

static struct exch_world w;

static int seed_start(void)
{
	exch_world_init(&w);
	exch_fuzz_conf(&w.side[EXCH_A].conf, 7);
	exch_fuzz_conf(&w.side[EXCH_B].conf, 9);
	w.side[EXCH_A].econf.test_fixed_nonce = true;
	w.side[EXCH_B].econf.test_fixed_nonce = true;
	return 0;
}

/* B accepts only IKE suite i (an INVALID_KE round first unless i == 0),
 * then A deletes the SA. */
static int seed_suite(unsigned i)
{
	char name[32];
	int r;

	seed_start();
	w.side[EXCH_B].conf.ike[0] = exch_fuzz_ike[i];
	w.side[EXCH_B].conf.n_ike = 1;
	if (exch_world_start(&w) != 0 || exch_initiate(&w, EXCH_A) != 0)
		return -1;
	exch_advance(&w, 2000);
	(void)ike_delete_peer(w.side[EXCH_A].e, &w.side[EXCH_B].addr);
	exch_advance(&w, 2000);
	snprintf(name, sizeof(name), "suite%u", i);
	r = w.side[EXCH_A].n_up == 1 ? seed_save(&w, name) : -1;
	exch_world_free(&w);
	return r;
}

/* No common proposal: B answers NO_PROPOSAL_CHOSEN. */
static int seed_no_proposal(void)
{
	int r;

	seed_start();
	w.side[EXCH_B].conf.ike[0].encr = IKE_ENCR_AES_CBC;
	w.side[EXCH_B].conf.ike[0].integ = IKE_INTEG_HMAC_SHA2_512_256;
	w.side[EXCH_B].conf.ike[0].prf = IKE_PRF_HMAC_SHA2_512;
	w.side[EXCH_B].conf.n_ike = 1;
	if (exch_world_start(&w) != 0 || exch_initiate(&w, EXCH_A) != 0)
		return -1;
	exch_advance(&w, 2000);
	r = seed_save(&w, "noprop");
	exch_world_free(&w);
	return r;
}

/* Liveness check and its answer. */
static int seed_liveness(void)
{
	int r;

	seed_start();
	if (exch_world_start(&w) != 0 || exch_initiate(&w, EXCH_A) != 0)
		return -1;
	exch_advance(&w, 7000);
	r = seed_save(&w, "live");
	exch_world_free(&w);
	return r;
}

/* Signature auth with large fake certificates, fragments of 576 bytes. */
static int seed_fragments(void)
{
	static uint8_t cert[3000];
	SECKEYPrivateKey *pa, *pb;
	SECKEYPublicKey *ua, *ub;
	int r = -1;

	if (exch_keypair("p256", &pa, &ua) != 0 || exch_keypair("p256", &pb, &ub) != 0)
		return -1;
	memset(cert, 0x42, sizeof(cert));
	cert[0] = 0x30;
	seed_start();
	exch_conf_sig(&w.side[EXCH_A].conf, pa, IKE_SIG_ECDSA_SHA256, "a.example");
	exch_conf_sig(&w.side[EXCH_B].conf, pb, IKE_SIG_ECDSA_SHA256, "b.example");
	w.side[EXCH_A].peer_pub = ub;
	w.side[EXCH_B].peer_pub = ua;
	for (int s = 0; s < 2; s++) {
		w.side[s].conf.our_certs[0] = cert;
		w.side[s].conf.our_cert_len[0] = sizeof(cert);
		w.side[s].conf.n_our_certs = 1;
		w.side[s].econf.fragment_size = 576;
	}
	if (exch_world_start(&w) == 0 && exch_initiate(&w, EXCH_A) == 0) {
		exch_advance(&w, 2000);
		r = w.side[EXCH_A].n_up == 1 ? seed_save(&w, "frag") : -1;
	}
	exch_world_free(&w);
	SECKEY_DestroyPrivateKey(pa);
	SECKEY_DestroyPrivateKey(pb);
	SECKEY_DestroyPublicKey(ua);
	SECKEY_DestroyPublicKey(ub);
	return r;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s RESPONDER_DIR INITIATOR_DIR\n", argv[0]);
		return 2;
	}
	dir_resp = argv[1];
	dir_init = argv[2];
	if (exch_nss_init() != 0)
		return 1;
	for (unsigned i = 0; i < EXCH_FUZZ_N_IKE; i++)
		if (seed_suite(i) != 0) {
			fprintf(stderr, "seedgen: suite %u exchange failed\n", i);
			return 1;
		}
	if (seed_no_proposal() != 0 || seed_liveness() != 0 || seed_fragments() != 0) {
		fprintf(stderr, "seedgen: an exchange failed\n");
		return 1;
	}
	printf("seedgen: %u seeds written\n", n_written);
	return 0;
}
