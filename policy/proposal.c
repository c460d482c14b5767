/* proposal: "aes_gcm16_256-prfsha384-x25519" <-> IKEv2 transform ids. */
#include "policy/proposal.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum tok_type { TOK_ENCR, TOK_INTEG, TOK_PRF, TOK_DH };

struct tok {
	const char *name;
	uint8_t type;      /* enum tok_type */
	uint16_t id;
	uint16_t bits;     /* key bits for ENCR */
	uint16_t prf;      /* for INTEG: the PRF of the same hash */
};

static const struct tok proposal_toks[] = {
	{ "aes_gcm16_128", TOK_ENCR, POLICY_ENCR_AES_GCM_16, 128, 0 },
	{ "aes_gcm16_192", TOK_ENCR, POLICY_ENCR_AES_GCM_16, 192, 0 },
	{ "aes_gcm16_256", TOK_ENCR, POLICY_ENCR_AES_GCM_16, 256, 0 },
	{ "aes_gcm12_128", TOK_ENCR, POLICY_ENCR_AES_GCM_12, 128, 0 },
	{ "aes_gcm12_256", TOK_ENCR, POLICY_ENCR_AES_GCM_12, 256, 0 },
	{ "aes_gcm8_128", TOK_ENCR, POLICY_ENCR_AES_GCM_8, 128, 0 },
	{ "aes_gcm8_256", TOK_ENCR, POLICY_ENCR_AES_GCM_8, 256, 0 },
	{ "chacha20poly1305", TOK_ENCR, POLICY_ENCR_CHACHA20_POLY1305, 0, 0 },
	{ "aes128", TOK_ENCR, POLICY_ENCR_AES_CBC, 128, 0 },
	{ "aes192", TOK_ENCR, POLICY_ENCR_AES_CBC, 192, 0 },
	{ "aes256", TOK_ENCR, POLICY_ENCR_AES_CBC, 256, 0 },
	{ "aes_ctr128", TOK_ENCR, POLICY_ENCR_AES_CTR, 128, 0 },
	{ "aes_ctr256", TOK_ENCR, POLICY_ENCR_AES_CTR, 256, 0 },
	{ "sha1", TOK_INTEG, POLICY_INTEG_HMAC_SHA1_96, 0, POLICY_PRF_HMAC_SHA1 },
	{ "sha256", TOK_INTEG, POLICY_INTEG_HMAC_SHA2_256_128, 0, POLICY_PRF_HMAC_SHA2_256 },
	{ "sha384", TOK_INTEG, POLICY_INTEG_HMAC_SHA2_384_192, 0, POLICY_PRF_HMAC_SHA2_384 },
	{ "sha512", TOK_INTEG, POLICY_INTEG_HMAC_SHA2_512_256, 0, POLICY_PRF_HMAC_SHA2_512 },
	{ "prfsha1", TOK_PRF, POLICY_PRF_HMAC_SHA1, 0, 0 },
	{ "prfsha256", TOK_PRF, POLICY_PRF_HMAC_SHA2_256, 0, 0 },
	{ "prfsha384", TOK_PRF, POLICY_PRF_HMAC_SHA2_384, 0, 0 },
	{ "prfsha512", TOK_PRF, POLICY_PRF_HMAC_SHA2_512, 0, 0 },
	{ "x25519", TOK_DH, POLICY_DH_CURVE25519, 0, 0 },
	{ "x448", TOK_DH, POLICY_DH_CURVE448, 0, 0 },
	{ "ecp256", TOK_DH, POLICY_DH_ECP256, 0, 0 },
	{ "ecp384", TOK_DH, POLICY_DH_ECP384, 0, 0 },
	{ "ecp521", TOK_DH, POLICY_DH_ECP521, 0, 0 },
	{ "modp2048", TOK_DH, POLICY_DH_MODP2048, 0, 0 },
	{ "modp3072", TOK_DH, POLICY_DH_MODP3072, 0, 0 },
	{ "modp4096", TOK_DH, POLICY_DH_MODP4096, 0, 0 },
};
#define NTOKS (sizeof(proposal_toks) / sizeof(proposal_toks[0]))

static const struct tok *proposal_tok_find(const char *s, size_t n)
{
	for (size_t i = 0; i < NTOKS; i++)
		if (strlen(proposal_toks[i].name) == n && strncmp(proposal_toks[i].name, s, n) == 0)
			return &proposal_toks[i];
	return NULL;
}

static bool proposal_is_aead(uint16_t encr)
{
	return encr == POLICY_ENCR_AES_GCM_8 || encr == POLICY_ENCR_AES_GCM_12 ||
	       encr == POLICY_ENCR_AES_GCM_16 || encr == POLICY_ENCR_CHACHA20_POLY1305;
}

/* Splits s at '-' and fills p; checks the order encr, integ, prf, dh. */
static int proposal_tokens(const char *s, enum policy_proposal_kind kind, struct policy_proposal *p,
			   uint16_t *integ_prf, char *err, size_t errlen)
{
	int last = -1;
	const char *cur = s;
	for (;;) {
		const char *dash = strchr(cur, '-');
		size_t n = dash ? (size_t)(dash - cur) : strlen(cur);
		const struct tok *t = proposal_tok_find(cur, n);
		if (t == NULL) {
			snprintf(err, errlen, "unknown algorithm '%.*s' in '%s'", (int)(n > 40 ? 40 : n), cur, s);
			return -1;
		}
		if ((int)t->type <= last) {
			snprintf(err, errlen, "'%s' is out of place in '%s' (expected encryption, integrity, prf, key exchange, in that order, each at most once)", t->name, s);
			return -1;
		}
		if (last == -1 && t->type != TOK_ENCR) {
			snprintf(err, errlen, "'%s' must start with an encryption algorithm", s);
			return -1;
		}
		if (t->type == TOK_PRF && kind == POLICY_PROPOSAL_ESP) {
			snprintf(err, errlen, "ESP proposal '%s' takes no prf", s);
			return -1;
		}
		last = t->type;
		if (t->type == TOK_ENCR) {
			p->encr = t->id;
			p->key_bits = t->bits;
		} else if (t->type == TOK_INTEG) {
			p->integ = t->id;
			*integ_prf = t->prf;
		} else if (t->type == TOK_PRF) {
			p->prf = t->id;
		} else {
			p->dh = t->id;
		}
		if (dash == NULL)
			return 0;
		cur = dash + 1;
	}
}

int policy_proposal_parse(const char *s, enum policy_proposal_kind kind,
			  struct policy_proposal *out, char *err, size_t errlen)
{
	struct policy_proposal p = { 0 };
	uint16_t integ_prf = 0;

	memset(out, 0, sizeof(*out));
	if (proposal_tokens(s, kind, &p, &integ_prf, err, errlen) != 0)
		return -1;
	bool aead = proposal_is_aead(p.encr);
	if (aead && p.integ != 0) {
		snprintf(err, errlen, "'%s': an AEAD cipher takes no integrity algorithm", s);
		return -1;
	}
	if (!aead && p.integ == 0) {
		snprintf(err, errlen, "'%s': a non-AEAD cipher needs an integrity algorithm (sha256, sha384, sha512, sha1)", s);
		return -1;
	}
	if (kind == POLICY_PROPOSAL_IKE) {
		if (p.prf == 0)
			p.prf = integ_prf;
		if (p.prf == 0) {
			snprintf(err, errlen, "'%s': an IKE proposal with an AEAD cipher needs a prf (prfsha256, prfsha384, prfsha512)", s);
			return -1;
		}
		if (p.dh == 0) {
			snprintf(err, errlen, "'%s': an IKE proposal needs a key exchange (x25519, ecp256, ecp384, modp3072, ...)", s);
			return -1;
		}
	}
	*out = p;
	return 0;
}

static const char *proposal_name(uint8_t type, uint16_t id, uint16_t bits)
{
	for (size_t i = 0; i < NTOKS; i++)
		if (proposal_toks[i].type == type && proposal_toks[i].id == id &&
		    (type != TOK_ENCR || proposal_toks[i].bits == bits))
			return proposal_toks[i].name;
	return "?";
}

char *policy_proposal_format(const struct policy_proposal *p, char *buf, size_t len)
{
	size_t o = 0;
	o += (size_t)snprintf(buf + o, len - o, "%s", proposal_name(TOK_ENCR, p->encr, p->key_bits));
	if (p->integ != 0 && o < len)
		o += (size_t)snprintf(buf + o, len - o, "-%s", proposal_name(TOK_INTEG, p->integ, 0));
	if (p->prf != 0 && o < len)
		o += (size_t)snprintf(buf + o, len - o, "-%s", proposal_name(TOK_PRF, p->prf, 0));
	if (p->dh != 0 && o < len)
		snprintf(buf + o, len - o, "-%s", proposal_name(TOK_DH, p->dh, 0));
	return buf;
}
