/* engine_proposal.c: our suites as SA payload proposals, and the choice of
 * a suite among the peer's proposals (RFC 7296 3.3). */
#include <string.h>

#include "engine_int.h"

void eng_suite_to_prop(const struct ike_suite *s, uint8_t proto, uint8_t num, const uint8_t *spi,
		       size_t spi_len, struct ike_proposal *p)
{
	memset(p, 0, sizeof(*p));
	p->num = num;
	p->proto = proto;
	p->spi_size = (uint8_t)spi_len;
	if (spi_len > 0)
		memcpy(p->spi, spi, spi_len);
	unsigned n = 0;
	p->xf[n++] = (struct ike_transform){ .type = IKE_TRANS_ENCR, .id = s->encr, .key_len = s->key_bits };
	if (proto == IKE_PROTO_IKE)
		p->xf[n++] = (struct ike_transform){ .type = IKE_TRANS_PRF, .id = s->prf };
	if (s->integ != 0)
		p->xf[n++] = (struct ike_transform){ .type = IKE_TRANS_INTEG, .id = s->integ };
	if (s->dh != 0)
		p->xf[n++] = (struct ike_transform){ .type = IKE_TRANS_DH, .id = s->dh };
	if (proto == IKE_PROTO_ESP)
		p->xf[n++] = (struct ike_transform){ .type = IKE_TRANS_ESN, .id = IKE_ESN_NO };
	p->n_transforms = n;
}

void eng_proposal_build_ike(const struct ike_peer_conf *c, const uint8_t *spi, size_t spi_len,
			    struct ike_sa_payload *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < c->n_ike && i < IKE_MAX_PROPOSALS; i++)
		eng_suite_to_prop(&c->ike[i], IKE_PROTO_IKE, (uint8_t)(i + 1), spi, spi_len, &out->prop[i]);
	out->n_proposals = c->n_ike < IKE_MAX_PROPOSALS ? c->n_ike : IKE_MAX_PROPOSALS;
}

void eng_proposal_build_esp(const struct ike_suite *v, unsigned n, uint32_t spi, struct ike_sa_payload *out)
{
	uint8_t b[4] = { (uint8_t)(spi >> 24), (uint8_t)(spi >> 16), (uint8_t)(spi >> 8), (uint8_t)spi };
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < n && i < IKE_MAX_PROPOSALS; i++)
		eng_suite_to_prop(&v[i], IKE_PROTO_ESP, (uint8_t)(i + 1), b, 4, &out->prop[i]);
	out->n_proposals = n < IKE_MAX_PROPOSALS ? n : IKE_MAX_PROPOSALS;
}

/* Does the proposal offer transform (type, id, key length)? Transforms
 * with attributes we do not know are never chosen (RFC 7296 3.3.6). */
static bool prop_has(const struct ike_proposal *p, uint8_t type, uint16_t id, uint16_t key_len)
{
	for (unsigned i = 0; i < p->n_transforms; i++) {
		const struct ike_transform *t = &p->xf[i];
		if (t->type == type && t->id == id && t->key_len == key_len && t->unknown_attrs == 0)
			return true;
	}
	return false;
}

static bool prop_has_type(const struct ike_proposal *p, uint8_t type)
{
	for (unsigned i = 0; i < p->n_transforms; i++)
		if (p->xf[i].type == type)
			return true;
	return false;
}

/* The peer's proposal offers exactly what suite s needs, and nothing of a
 * type that s does not have (an INTEG with AEAD, a DH where we have none). */
static bool prop_fits(const struct ike_proposal *p, uint8_t proto, const struct ike_suite *s)
{
	if (p->proto != proto)
		return false;
	if (proto == IKE_PROTO_ESP && p->spi_size != 4)
		return false;
	if (proto == IKE_PROTO_IKE && p->spi_size != 0 && p->spi_size != 8)
		return false;
	if (!prop_has(p, IKE_TRANS_ENCR, s->encr, s->key_bits))
		return false;
	if (proto == IKE_PROTO_IKE && !prop_has(p, IKE_TRANS_PRF, s->prf, 0))
		return false;
	if (s->integ != 0 ? !prop_has(p, IKE_TRANS_INTEG, s->integ, 0)
			  : (prop_has_type(p, IKE_TRANS_INTEG) && !prop_has(p, IKE_TRANS_INTEG, 0, 0)))
		return false;
	/* Without a group of ours, a DH offer is ignored: the first Child SA
	 * of IKE_AUTH has no KE even when the peer lists its PFS groups. */
	if (s->dh != 0 && !prop_has(p, IKE_TRANS_DH, s->dh, 0))
		return false;
	if (proto == IKE_PROTO_ESP && prop_has_type(p, IKE_TRANS_ESN) && !prop_has(p, IKE_TRANS_ESN, IKE_ESN_NO, 0))
		return false;
	return true;
}

int eng_proposal_select(const struct ike_suite *ours, unsigned n, const struct ike_sa_payload *sa, uint8_t proto,
			uint16_t ke_group, struct ike_suite *chosen, const struct ike_proposal **prop)
{
	int best = -1;
	const struct ike_proposal *bestp = NULL;
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < sa->n_proposals; j++) {
			if (!prop_fits(&sa->prop[j], proto, &ours[i]))
				continue;
			/* With a KE already sent, a suite of that group saves a round trip. */
			if (proto == IKE_PROTO_IKE && ours[i].dh == ke_group) {
				*chosen = ours[i];
				*prop = &sa->prop[j];
				return (int)i;
			}
			if (best < 0) {
				best = (int)i;
				bestp = &sa->prop[j];
			}
		}
	if (best >= 0) {
		*chosen = ours[best];
		*prop = bestp;
	}
	return best;
}

int eng_proposal_accept(const struct ike_suite *ours, unsigned n, const struct ike_sa_payload *sa, uint8_t proto,
			struct ike_suite *chosen)
{
	if (sa->n_proposals != 1)
		return -1;
	const struct ike_proposal *p = &sa->prop[0];
	for (unsigned i = 0; i < n; i++) {
		/* The answer must carry exactly one transform of each type. */
		unsigned want = 1 + (proto == IKE_PROTO_IKE) + (ours[i].integ != 0) + (ours[i].dh != 0) +
				(proto == IKE_PROTO_ESP && prop_has_type(p, IKE_TRANS_ESN)) +
				(ours[i].dh == 0 && prop_has_type(p, IKE_TRANS_DH));
		if (p->n_transforms == want && prop_fits(p, proto, &ours[i])) {
			*chosen = ours[i];
			return (int)i;
		}
	}
	return -1;
}
