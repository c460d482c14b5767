#ifndef SWANMESH_AGENT_ESP_ALGS_H
#define SWANMESH_AGENT_ESP_ALGS_H
/* The bridge from negotiated ESP transforms (IANA ids, ike/) to the kernel's
 * algorithm names (kernel/). It lives in agent/ so that kernel/ stays
 * IKE-free. Key lengths come from ike/'s transform table. */
#include <stddef.h>
#include <stdint.h>

#include "kernel/kernel.h"

/* Fills sa->aead, sa->enc and sa->auth from the transforms and the keys
 * (encr_key includes the salt for AEAD ciphers). Returns 0, or -EINVAL /
 * -ENOTSUP with a sentence in why. Keys are copied into *sa. */
int esp_algs_to_kernel(unsigned encr_id, unsigned key_bits, unsigned integ_id, const uint8_t *encr_key,
		       size_t encr_len, const uint8_t *integ_key, size_t integ_len, struct kernel_sa *sa, char *why,
		       size_t whylen);

/* The kernel name of an encryption or integrity transform; NULL if none. */
const char *esp_algs_encr_name(unsigned encr_id);
const char *esp_algs_integ_name(unsigned integ_id);

#endif
