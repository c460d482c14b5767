/* The mock env's callbacks other than send and timers (exch_net.c):
 * configuration, SPIs, randomness, peer keys and the recorded events. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keyhi.h>
#include <pk11pub.h>
#include <secoid.h>

#include "exch_env.h"
#include "exch_env_int.h"
#include "ike/crypto_nss.h"
#include "ike/crypto_rand.h"
#include "ike/ike_consts.h"

static const char *const exch_level_name[] = { "ERROR", "WARN", "INFO", "DEBUG" };

int exch_nss_init(void)
{
	static int done = 0;

	if (done)
		return 0;
	if (ike_crypto_nss_init(NULL) != 0)
		return -1;
	done = 1;
	return 0;
}

static uint64_t exch_cb_now(void *ctx)
{
	struct exch_side *s = ctx;

	return s->w->now;
}

static int exch_cb_random(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	return ike_crypto_rand_nss(NULL, buf, len);
}

static void exch_cb_spi_free(void *ctx, const struct ike_addr *local, const struct ike_addr *peer, uint32_t spi)
{
	struct exch_side *s = ctx;
	(void)local;
	(void)peer;
	(void)spi;
	s->n_spi_freed++;
}

static int exch_cb_spi(void *ctx, const struct ike_addr *local, const struct ike_addr *peer, uint32_t *spi)
{
	struct exch_side *s = ctx;

	(void)local;
	(void)peer;
	*spi = s->next_spi++;
	s->n_spi++;
	return 0;
}

static int exch_cb_conf(void *ctx, const struct ike_addr *local, const struct ike_addr *peer, bool initiator,
			struct ike_peer_conf *out, char *why, size_t whylen)
{
	struct exch_side *s = ctx;

	(void)local;
	(void)peer;
	(void)initiator;
	s->n_conf_calls++;
	if (s->refuse_conf) {
		snprintf(why, whylen, "exch: peer refused by the test");
		return -1;
	}
	*out = s->conf;
	return 0;
}

static void exch_copy_req(struct exch_key_req *r, const struct ike_peer_auth_req *req)
{
	memset(r, 0, sizeof(*r));
	r->token = req->token;
	r->group = req->group;
	r->id_type = req->id_type;
	r->auth_method = req->auth_method;
	r->id_len = req->id_len < sizeof(r->id) ? req->id_len : sizeof(r->id);
	if (r->id_len > 0)
		memcpy(r->id, req->id, r->id_len);
	r->n_certs = req->n_certs <= IKE_MAX_OUR_CERTS ? req->n_certs : IKE_MAX_OUR_CERTS;
	for (unsigned i = 0; i < r->n_certs; i++) {
		r->cert_len[i] = req->cert_len[i];
		if (req->certs[i] != NULL)
			memcpy(r->cert_head[i], req->certs[i], req->cert_len[i] < 8 ? req->cert_len[i] : 8);
	}
}

static int exch_cb_key(void *ctx, const struct ike_peer_auth_req *req, SECKEYPublicKey **key, char *why,
		       size_t whylen)
{
	struct exch_side *s = ctx;

	s->n_key_reqs++;
	exch_copy_req(&s->key_req, req);
	switch (s->key_mode) {
	case EXCH_KEY_PENDING:
		return IKE_PENDING;
	case EXCH_KEY_GIVE:
		if (s->peer_pub != NULL && (*key = SECKEY_CopyPublicKey(s->peer_pub)) != NULL)
			return 0;
		snprintf(why, whylen, "exch: no key set by the test");
		return -1;
	case EXCH_KEY_REFUSE:
	default:
		snprintf(why, whylen, "exch: key refused by the test");
		return -1;
	}
}

static void exch_copy_key(uint8_t *dst, const uint8_t *src, size_t len, bool *had)
{
	if (had != NULL)
		*had = src != NULL;
	if (src != NULL && len <= IKE_CRYPTO_CHILD_KEY_MAX)
		memcpy(dst, src, len);
}

static int exch_cb_up(void *ctx, const struct ike_child_info *c)
{
	struct exch_side *s = ctx;
	struct exch_child *x;

	if (s->refuse_child) {
		s->n_child_refused++;
		return -1;
	}
	if (s->n_up >= EXCH_EVENTS) {
		s->n_up++;
		return 0;
	}
	x = &s->up[s->n_up++];
	memset(x, 0, sizeof(*x));
	x->info = *c;
	exch_copy_key(x->in_encr, c->key_in_encr, c->encr_len, NULL);
	exch_copy_key(x->out_encr, c->key_out_encr, c->encr_len, NULL);
	exch_copy_key(x->in_integ, c->key_in_integ, c->integ_len, &x->had_in_integ);
	exch_copy_key(x->out_integ, c->key_out_integ, c->integ_len, &x->had_out_integ);
	snprintf(x->peer_id, sizeof(x->peer_id), "%s", c->peer_id != NULL ? c->peer_id : "(null)");
	x->info.key_in_encr = x->info.key_in_integ = NULL;
	x->info.key_out_encr = x->info.key_out_integ = NULL;
	x->info.peer_id = NULL;
	x->up_ms = s->w->now;
	x->up_seq = ++s->w->event_seq;
	return 0;
}

static void exch_cb_down(void *ctx, const struct ike_child_info *c)
{
	struct exch_side *s = ctx;

	for (unsigned i = 0; i < s->n_up && i < EXCH_EVENTS; i++)
		if (!s->up[i].down && s->up[i].info.serial == c->serial && s->up[i].info.spi_in == c->spi_in) {
			s->up[i].down = true;
			s->up[i].down_seq = ++s->w->event_seq;
			break;
		}
	if (s->n_down >= EXCH_EVENTS) {
		s->n_down++;
		return;
	}
	s->down[s->n_down] = *c;
	s->down[s->n_down].key_in_encr = s->down[s->n_down].key_in_integ = NULL;
	s->down[s->n_down].key_out_encr = s->down[s->n_down].key_out_integ = NULL;
	s->down[s->n_down].peer_id = NULL;
	s->n_down++;
}

static void exch_cb_failed(void *ctx, const struct ike_failure *f)
{
	struct exch_side *s = ctx;

	if (s->w->verbose)
		fprintf(stderr, "[%s t=%llu] ike_failed: %s notify %u: %s\n", s->name,
			(unsigned long long)(s->w->now - EXCH_T0), ike_fail_reason_name(f->reason), f->notify,
			f->why);
	if (s->n_fail >= EXCH_EVENTS) {
		s->n_fail++;
		return;
	}
	s->fail[s->n_fail].f = *f;
	s->fail[s->n_fail].f.why[sizeof(f->why) - 1] = '\0';
	s->fail[s->n_fail].at_ms = s->w->now;
	s->n_fail++;
}

static void exch_cb_log(void *ctx, enum ike_log_level level, const char *msg)
{
	struct exch_side *s = ctx;
	unsigned lv = (unsigned)level <= IKE_LOG_DEBUG ? (unsigned)level : IKE_LOG_DEBUG;

	s->n_log_level[lv]++;
	snprintf(s->log[s->n_log % EXCH_LOG_LINES], sizeof(s->log[0]), "t=%llu %s %s",
		 (unsigned long long)(s->w->now - EXCH_T0), exch_level_name[lv], msg != NULL ? msg : "(null)");
	if (s->w->verbose)
		fprintf(stderr, "[%s] %s\n", s->name, s->log[s->n_log % EXCH_LOG_LINES]);
	s->n_log++;
}

void exch_conf_null(struct ike_peer_conf *c, uint32_t group)
{
	memset(c, 0, sizeof(*c));
	c->group = group;
	c->our_auth = IKE_AUTH_NULL;
	c->our_id_type = IKE_ID_NULL;
	c->accept_null = true;
	c->transport = true;
	c->ike[0] = (struct ike_suite){ IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, IKE_PRF_HMAC_SHA2_256,
					IKE_DH_CURVE25519 };
	c->n_ike = 1;
	c->esp[0] = (struct ike_suite){ IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, 0, 0 };
	c->n_esp = 1;
	c->retransmit_timeout_ms = 500;
	c->retransmit_tries = 3;
}

uint64_t exch_give_up_ms(const struct ike_peer_conf *c)
{
	uint64_t t = c->retransmit_timeout_ms ? c->retransmit_timeout_ms : 500;
	unsigned n = c->retransmit_tries ? c->retransmit_tries : 5;

	return t * ((2ull << n) - 1);
}

void exch_conf_suite(struct ike_peer_conf *c, const struct ike_suite *ike, const struct ike_suite *esp)
{
	c->ike[0] = *ike;
	c->n_ike = 1;
	c->esp[0] = *esp;
	c->n_esp = 1;
}

void exch_conf_sig(struct ike_peer_conf *c, SECKEYPrivateKey *key, enum ike_crypto_sig_alg alg,
		   const char *fqdn)
{
	c->our_auth = (uint8_t)ike_crypto_sig_method(alg);
	c->our_key = key;
	c->our_sig = alg;
	c->our_id_type = IKE_ID_FQDN;
	c->our_id_len = strlen(fqdn);
	memcpy(c->our_id, fqdn, c->our_id_len);
	c->accept_null = false;
	c->accept_sig = true;
}

static void exch_side_init(struct exch_world *w, int idx)
{
	struct exch_side *s = &w->side[idx];

	s->w = w;
	s->idx = idx;
	s->name = idx == EXCH_A ? "A" : "B";
	s->addr.family = AF_INET;
	s->addr.ip[0] = 192;
	s->addr.ip[1] = 0;
	s->addr.ip[2] = 2;
	s->addr.ip[3] = (uint8_t)(idx + 1);
	s->addr.port = 500;
	exch_conf_null(&s->conf, idx == EXCH_A ? 7 : 9);
	s->next_spi = idx == EXCH_A ? 0xa0000100u : 0xb0000200u;
	s->env = (struct ike_env){
		.ctx = s,
		.send = exch_cb_send,
		.timer_arm = exch_cb_timer_arm,
		.timer_cancel = exch_cb_timer_cancel,
		.now_ms = exch_cb_now,
		.random = exch_cb_random,
		.spi_alloc = exch_cb_spi,
		.spi_free = exch_cb_spi_free,
		.peer_conf = exch_cb_conf,
		.peer_key = exch_cb_key,
		.child_up = exch_cb_up,
		.child_down = exch_cb_down,
		.ike_failed = exch_cb_failed,
		.log = exch_cb_log,
	};
}

void exch_world_init(struct exch_world *w)
{
	memset(w, 0, sizeof(*w));
	w->now = EXCH_T0;
	w->verbose = getenv("EXCH_VERBOSE") != NULL;
	exch_side_init(w, EXCH_A);
	exch_side_init(w, EXCH_B);
}

int exch_world_start(struct exch_world *w)
{
	int r;

	for (int i = 0; i < 2; i++)
		if ((r = ike_engine_new(&w->side[i].env, &w->side[i].econf, &w->side[i].e)) != 0)
			return r;
	return 0;
}

void exch_side_free_engine(struct exch_world *w, int idx)
{
	struct exch_side *s = &w->side[idx];

	if (s->e != NULL)
		ike_engine_free(s->e);
	s->e = NULL;
	memset(s->timers, 0, sizeof(s->timers));
	s->n_timers = 0;
}

void exch_world_free(struct exch_world *w)
{
	exch_side_free_engine(w, EXCH_A);
	exch_side_free_engine(w, EXCH_B);
	exch_queue_clear(w);
	exch_trace_clear(w);
}

int exch_initiate(struct exch_world *w, int from)
{
	struct exch_side *s = &w->side[from];

	return ike_initiate(s->e, &s->addr, &w->side[!from].addr);
}

unsigned exch_live_children(const struct exch_side *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->n_up && i < EXCH_EVENTS; i++)
		n += !s->up[i].down;
	return n;
}

const struct exch_child *exch_live_child(const struct exch_side *s)
{
	const struct exch_child *c = NULL;

	for (unsigned i = 0; i < s->n_up && i < EXCH_EVENTS; i++)
		if (!s->up[i].down)
			c = &s->up[i];
	return c;
}

struct exch_sa_walk {
	unsigned n;
	struct ike_sa_info first;
};

static void exch_sa_cb(void *ctx, const struct ike_sa_info *sa)
{
	struct exch_sa_walk *wk = ctx;

	if (wk->n++ == 0) {
		wk->first = *sa;
		wk->first.state_name = NULL;
		wk->first.peer_id = NULL;
	}
}

unsigned exch_sa_count(struct exch_world *w, int idx)
{
	struct exch_sa_walk wk = { 0 };

	if (w->side[idx].e != NULL)
		ike_engine_each_sa(w->side[idx].e, exch_sa_cb, &wk);
	return wk.n;
}

int exch_sa_first(struct exch_world *w, int idx, struct ike_sa_info *out)
{
	struct exch_sa_walk wk = { 0 };

	memset(out, 0, sizeof(*out));
	if (w->side[idx].e != NULL)
		ike_engine_each_sa(w->side[idx].e, exch_sa_cb, &wk);
	if (wk.n == 0)
		return -1;
	*out = wk.first;
	return 0;
}

static void exch_dump_side(const struct exch_side *s)
{
	unsigned first = s->n_log > EXCH_LOG_LINES ? s->n_log - EXCH_LOG_LINES : 0;

	fprintf(stderr, "--- side %s: %u up, %u down, %u failures, %u sent, %u logs\n", s->name, s->n_up,
		s->n_down, s->n_fail, s->n_sent, s->n_log);
	for (unsigned i = 0; i < s->n_fail && i < EXCH_EVENTS; i++)
		fprintf(stderr, "  failure: %s notify %u established %d: %s\n",
			ike_fail_reason_name(s->fail[i].f.reason), s->fail[i].f.notify, s->fail[i].f.established,
			s->fail[i].f.why);
	for (unsigned i = first; i < s->n_log; i++)
		fprintf(stderr, "  %s\n", s->log[i % EXCH_LOG_LINES]);
}

void exch_dump(const struct exch_world *w)
{
	exch_dump_side(&w->side[EXCH_A]);
	exch_dump_side(&w->side[EXCH_B]);
	fprintf(stderr, "--- trace: %u datagrams\n", w->n_trace);
	for (unsigned i = 0; i < w->n_trace && i < EXCH_TRACE_MAX; i++) {
		const struct exch_dgram *d = &w->trace[i];
		fprintf(stderr, "  t=%llu %s->%s exch %u %s id %u first %u len %zu%s\n",
			(unsigned long long)(d->sent_ms - EXCH_T0), d->from == EXCH_A ? "A" : "B",
			d->from == EXCH_A ? "B" : "A", d->exchange, (d->flags & IKE_FLAG_R) ? "resp" : "req",
			d->msg_id, d->first, d->len,
			d->action == EXCH_DROP ? " DROPPED" : d->action == EXCH_DUP ? " DUPLICATED" : "");
	}
}

static int exch_ec_params(SECItem *params, uint8_t *der, size_t size)
{
	SECOidData *oid = SECOID_FindOIDByTag(SEC_OID_ANSIX962_EC_PRIME256V1);

	if (oid == NULL || oid->oid.len + 2 > size)
		return -1;
	der[0] = 0x06;
	der[1] = (uint8_t)oid->oid.len;
	memcpy(der + 2, oid->oid.data, oid->oid.len);
	params->type = siBuffer;
	params->data = der;
	params->len = oid->oid.len + 2;
	return 0;
}

int exch_keypair(const char *kind, SECKEYPrivateKey **priv, SECKEYPublicKey **pub)
{
	PK11SlotInfo *slot = PK11_GetInternalSlot();
	PK11RSAGenParams rsa = { 2048, 65537 };
	uint8_t der[16];
	SECItem ec;

	*priv = NULL;
	*pub = NULL;
	if (slot == NULL)
		return -1;
	if (strcmp(kind, "p256") == 0 && exch_ec_params(&ec, der, sizeof(der)) == 0)
		*priv = PK11_GenerateKeyPair(slot, CKM_EC_KEY_PAIR_GEN, &ec, pub, PR_FALSE, PR_FALSE, NULL);
	else if (strcmp(kind, "rsa2048") == 0)
		*priv = PK11_GenerateKeyPair(slot, CKM_RSA_PKCS_KEY_PAIR_GEN, &rsa, pub, PR_FALSE, PR_FALSE, NULL);
	PK11_FreeSlot(slot);
	return *priv != NULL ? 0 : -1;
}
