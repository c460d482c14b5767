/* Configuration shared by the engine fuzz targets and their seed generator,
 * so that the recorded answers fit what the fuzzed engine proposes. */
#ifndef EXCH_FUZZ_H
#define EXCH_FUZZ_H

#include "exch_env.h"
#include "ike/ike_consts.h"

static const struct ike_suite exch_fuzz_ike[] = {
	{ IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, IKE_PRF_HMAC_SHA2_256, IKE_DH_CURVE25519 },
	{ IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_256_128, IKE_PRF_HMAC_SHA2_256, IKE_DH_ECP256 },
	{ IKE_ENCR_CHACHA20_POLY1305, 0, IKE_INTEG_NONE, IKE_PRF_HMAC_SHA2_512, IKE_DH_MODP2048 },
	{ IKE_ENCR_AES_GCM_16, 128, IKE_INTEG_NONE, IKE_PRF_HMAC_SHA2_384, IKE_DH_ECP384 },
};
#define EXCH_FUZZ_N_IKE (sizeof(exch_fuzz_ike) / sizeof(exch_fuzz_ike[0]))

/* NULL auth, all of exch_fuzz_ike, two ESP suites, a short timeout so the
 * timers run out quickly. */
static inline void exch_fuzz_conf(struct ike_peer_conf *c, uint32_t group)
{
	exch_conf_null(c, group);
	for (unsigned i = 0; i < EXCH_FUZZ_N_IKE; i++)
		c->ike[i] = exch_fuzz_ike[i];
	c->n_ike = EXCH_FUZZ_N_IKE;
	c->esp[1] = (struct ike_suite){ IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_256_128, 0, 0 };
	c->n_esp = 2;
	c->retransmit_timeout_ms = 500;
	c->retransmit_tries = 2;
	c->liveness_ms = 5000;
}

#endif
