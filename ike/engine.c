/* engine.c: the engine object, its SA tables and the dispatch of input,
 * timers and the agent's requests. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ike/crypto_nss.h"
#include "engine_int.h"
#include "ike/ike_names.h"
#include "ike/ike_wire.h"

uint64_t eng_now(struct ike_engine *e)
{
	return e->env.now_ms(e->env.ctx);
}

__attribute__((format(printf, 4, 0))) static void eng_vlog(struct ike_engine *e, enum ike_log_level lvl,
							   const char *prefix, const char *fmt, va_list ap)
{
	char msg[768];
	int n = snprintf(msg, sizeof(msg), "%s", prefix);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	if (e->env.log != NULL)
		e->env.log(e->env.ctx, lvl, msg);
}

void eng_log(struct ike_engine *e, enum ike_log_level lvl, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	eng_vlog(e, lvl, "", fmt, ap);
	va_end(ap);
}

void eng_sa_log(const struct ike_sa *sa, enum ike_log_level lvl, const char *fmt, ...)
{
	char prefix[96], a[64];
	snprintf(prefix, sizeof(prefix), "#%u %s: ", sa->serial, ike_addr_format(&sa->peer, a, sizeof(a)));
	va_list ap;
	va_start(ap, fmt);
	eng_vlog(sa->e, lvl, prefix, fmt, ap);
	va_end(ap);
}

const struct ike_notify *eng_msg_notify(const struct ike_msg *m, uint16_t type)
{
	for (unsigned i = 0; i < m->n_notify; i++)
		if (m->notify[i].type == type)
			return &m->notify[i];
	return NULL;
}

const char *ike_addr_format(const struct ike_addr *a, char *buf, size_t len)
{
	if (inet_ntop(a->family == AF_INET6 ? AF_INET6 : AF_INET, a->ip, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

size_t eng_addr_len(const struct ike_addr *a)
{
	return a->family == AF_INET6 ? 16 : 4;
}

bool eng_addr_eq(const struct ike_addr *a, const struct ike_addr *b)
{
	return a->family == b->family && memcmp(a->ip, b->ip, eng_addr_len(a)) == 0;
}

int eng_addr_cmp_ip(const struct ike_addr *a, const struct ike_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->ip, b->ip, eng_addr_len(a));
}

void eng_spi_bytes(uint64_t spi, uint8_t out[8])
{
	for (int i = 7; i >= 0; i--) {
		out[i] = (uint8_t)spi;
		spi >>= 8;
	}
}

static const char *const fail_names[] = {
	[IKE_FAIL_NONE] = "none", [IKE_FAIL_TIMEOUT] = "timeout", [IKE_FAIL_UNREACHABLE] = "unreachable",
	[IKE_FAIL_NOTIFY] = "notify", [IKE_FAIL_AUTH] = "authentication", [IKE_FAIL_PROPOSAL] = "proposal",
	[IKE_FAIL_TS] = "traffic-selectors", [IKE_FAIL_PROTOCOL] = "protocol", [IKE_FAIL_DELETED] = "deleted",
	[IKE_FAIL_LOCAL] = "local", [IKE_FAIL_REFUSED] = "refused",
};

const char *ike_fail_reason_name(enum ike_fail_reason r)
{
	return (unsigned)r < sizeof(fail_names) / sizeof(fail_names[0]) ? fail_names[r] : "?";
}

void ike_engine_set_limits(struct ike_engine *e, unsigned half_open_cookie, unsigned half_open_max,
			   unsigned half_open_per_source)
{
	e->conf.half_open_cookie = half_open_cookie;
	e->conf.half_open_max = half_open_max;
	e->conf.half_open_per_source = half_open_per_source;
}

int ike_engine_new(const struct ike_env *env, const struct ike_engine_conf *conf, struct ike_engine **out)
{
	*out = NULL;
	if (env == NULL || env->send == NULL || env->timer_arm == NULL || env->timer_cancel == NULL ||
	    env->now_ms == NULL || env->random == NULL || env->spi_alloc == NULL || env->peer_conf == NULL)
		return -EINVAL;
	struct ike_engine *e = calloc(1, sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	e->env = *env;
	if (conf != NULL)
		e->conf = *conf;
	if (e->conf.fragment_size == 0)
		e->conf.fragment_size = 1280;
	e->next_serial = 1;
	if (env->random(env->ctx, e->cookie_secret, sizeof(e->cookie_secret)) != 0) {
		free(e);
		return -EIO;
	}
	int r = eng_half_open_init(e);
	if (r != 0) {
		eng_half_open_free(e);
		free(e);
		return r;
	}
	*out = e;
	return 0;
}

void ike_engine_free(struct ike_engine *e)
{
	if (e == NULL)
		return;
	e->freeing = true;
	while (e->all != NULL)
		eng_sa_free(e->all);
	eng_half_open_free(e);
	eng_authn_keys_free(e);
	free(e);
}

static unsigned eng_bucket(uint64_t spi)
{
	return (unsigned)((spi ^ (spi >> 29) ^ (spi >> 47)) % ENG_HASH);
}

uint64_t eng_sa_local_spi(const struct ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

static void eng_unhash(struct ike_sa *sa)
{
	struct ike_sa **pp = &sa->e->hash[eng_bucket(eng_sa_local_spi(sa))];
	for (; *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == sa) {
			*pp = sa->hnext;
			break;
		}
	sa->hnext = NULL;
}

void eng_sa_rehash(struct ike_sa *sa)
{
	eng_unhash(sa);
	unsigned b = eng_bucket(eng_sa_local_spi(sa));
	sa->hnext = sa->e->hash[b];
	sa->e->hash[b] = sa;
}

struct ike_sa *eng_sa_by_spi(struct ike_engine *e, uint64_t spi)
{
	for (struct ike_sa *sa = e->hash[eng_bucket(spi)]; sa != NULL; sa = sa->hnext)
		if (eng_sa_local_spi(sa) == spi)
			return sa;
	return NULL;
}

struct ike_sa *eng_sa_by_serial(struct ike_engine *e, uint32_t serial)
{
	for (struct ike_sa *sa = e->all; sa != NULL; sa = sa->next)
		if (sa->serial == serial)
			return sa;
	return NULL;
}

int eng_new_spi(struct ike_engine *e, uint64_t *spi)
{
	for (int tries = 0; tries < 8; tries++) {
		uint8_t b[8];
		if (e->env.random(e->env.ctx, b, sizeof(b)) != 0)
			return -EIO;
		uint64_t v = 0;
		for (int i = 0; i < 8; i++)
			v = v << 8 | b[i];
		if (v != 0 && eng_sa_by_spi(e, v) == NULL) {
			*spi = v;
			return 0;
		}
	}
	return -EAGAIN;
}

struct ike_sa *eng_sa_new(struct ike_engine *e, bool initiator, const struct ike_addr *local,
			  const struct ike_addr *peer)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	if (sa == NULL)
		return NULL;
	uint64_t spi;
	if (eng_new_spi(e, &spi) != 0) {
		free(sa);
		return NULL;
	}
	sa->e = e;
	sa->serial = e->next_serial++;
	sa->initiator = initiator;
	if (initiator)
		sa->spi_i = spi;
	else
		sa->spi_r = spi;
	sa->local = *local;
	sa->peer = *peer;
	sa->created_ms = eng_now(e);
	if (eng_half_open_enter(sa) != 0) {
		free(sa);
		return NULL;
	}
	sa->next = e->all;
	if (e->all != NULL)
		e->all->prev = sa;
	e->all = sa;
	eng_sa_rehash(sa);
	return sa;
}

void eng_sa_free(struct ike_sa *sa)
{
	struct ike_engine *e = sa->e;
	if (!e->freeing)
		e->env.timer_cancel(e->env.ctx, sa->serial);
	eng_half_open_leave(sa);
	if (sa->child_spi_unused && e->env.spi_free != NULL)
		e->env.spi_free(e->env.ctx, &sa->local, &sa->peer, sa->child_spi_in);
	eng_unhash(sa);
	if (sa->prev != NULL)
		sa->prev->next = sa->next;
	else
		e->all = sa->next;
	if (sa->next != NULL)
		sa->next->prev = sa->prev;
	ike_crypto_dh_free(sa->dh);
	ike_crypto_dh_free(sa->ccs.dh);
	ike_crypto_keymat_ike_keys_free(&sa->keys);
	ike_crypto_sk_free(sa->sk_in);
	ike_crypto_sk_free(sa->sk_out);
	free(sa->init_req);
	free(sa->init_resp);
	free(sa->cookie);
	free(sa->pending_plain);
	eng_out_free(&sa->req);
	eng_out_free(&sa->resp);
	if (sa->reasm != NULL)
		ike_frag_reasm_free(sa->reasm);
	free(sa->reasm);
	explicit_bzero(sa->sk_d, sizeof(sa->sk_d)); /* a plain memset before free may be elided */
	memset(sa, 0, sizeof(*sa));
	free(sa);
}

void eng_sa_established(struct ike_sa *sa)
{
	eng_half_open_leave(sa);
	sa->state = IKE_STATE_ESTABLISHED;
	sa->established_ms = eng_now(sa->e);
	sa->e->cnt.established++;
	uint64_t life = sa->conf.ike_lifetime_ms;
	if (life != 0) {
		sa->expire_ms = sa->established_ms + life;
		sa->rekey_ms = sa->established_ms + life / 100 * (sa->initiator ? 90 : 95);
	}
	if (sa->conf.liveness_ms != 0)
		sa->liveness_next = sa->established_ms + sa->conf.liveness_ms;
	/* Only SK_d is needed from now on (Child SA keys, rekeys), and as a
	 * value: the SK contexts hold their own keys, AUTH is done, and the
	 * IKE_SA_INIT messages were only signed. Less state per peer. */
	ike_crypto_dh_free(sa->dh);
	sa->dh = NULL;
	size_t dlen = 0;
	if (sa->keys.sk_d != NULL &&
	    ike_crypto_nss_key_bytes(sa->keys.sk_d, sa->sk_d, sizeof(sa->sk_d), &dlen) == 0 && dlen > 0) {
		sa->sk_d_len = (uint8_t)dlen;
		PK11_FreeSymKey(sa->keys.sk_d);
		sa->keys.sk_d = NULL;
	}
	PK11SymKey **gone[] = { &sa->keys.sk_ai, &sa->keys.sk_ar, &sa->keys.sk_ei, &sa->keys.sk_er,
				&sa->keys.sk_pi, &sa->keys.sk_pr };
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		if (*gone[i] != NULL) {
			PK11_FreeSymKey(*gone[i]);
			*gone[i] = NULL;
		}
	free(sa->init_req);
	free(sa->init_resp);
	sa->init_req = sa->init_resp = NULL;
	sa->init_req_len = sa->init_resp_len = 0;
}

int eng_sk_d(struct ike_sa *sa, PK11SymKey **out)
{
	*out = NULL;
	if (sa->keys.sk_d != NULL) {
		*out = PK11_ReferenceSymKey(sa->keys.sk_d);
		return *out != NULL ? 0 : -1;
	}
	if (sa->sk_d_len == 0)
		return -1;
	return ike_crypto_nss_import_key(sa->sk_d, sa->sk_d_len, CKM_GENERIC_SECRET_KEY_GEN, out) == 0 ? 0 : -1;
}

void eng_sa_drop(struct ike_sa *sa)
{
	eng_child_down_all(sa);
	eng_sa_free(sa);
}

void eng_sa_fail(struct ike_sa *sa, enum ike_fail_reason reason, uint16_t notify, const char *fmt, ...)
{
	struct ike_engine *e = sa->e;
	struct ike_failure f;
	memset(&f, 0, sizeof(f));
	f.ike_serial = sa->serial;
	f.group = sa->conf.group;
	f.local = sa->local;
	f.peer = sa->peer;
	f.initiator = sa->initiator;
	f.established = sa->state == IKE_STATE_ESTABLISHED || sa->state == IKE_STATE_DELETING;
	f.reason = reason;
	f.notify = notify;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f.why, sizeof(f.why), fmt, ap);
	va_end(ap);
	/* An unauthenticated responder SA proves nothing of its sender and can
	 * come by the thousand (a spoofed flood): the agent reports it. */
	eng_sa_log(sa, !f.initiator && !f.established ? IKE_LOG_DEBUG : IKE_LOG_INFO, "IKE SA failed: %s", f.why);
	e->cnt.failed++;
	eng_child_down_all(sa);
	eng_sa_free(sa);
	if (e->env.ike_failed != NULL)
		e->env.ike_failed(e->env.ctx, &f);
}

/* The earliest of the SA's deadlines. */
void eng_sa_schedule(struct ike_sa *sa)
{
	struct ike_engine *e = sa->e;
	uint64_t now = eng_now(e), next = UINT64_MAX;
	if (sa->req_busy)
		next = sa->req_next;
	else if (sa->state == IKE_STATE_ESTABLISHED && sa->liveness_next != 0)
		next = sa->liveness_next;
	if (sa->expire_ms != 0 && sa->expire_ms < next)
		next = sa->expire_ms;
	if (sa->rekey_ms != 0 && sa->rekey_ms < next)
		next = sa->rekey_ms;
	for (unsigned i = 0; sa->state == IKE_STATE_ESTABLISHED && i < sa->n_children; i++)
		if (sa->child[i].rekey_ms != 0 && !sa->child[i].rekeying && sa->child[i].rekey_ms < next)
			next = sa->child[i].rekey_ms;
	if (sa->state == IKE_STATE_INIT_RECEIVED || sa->state == IKE_STATE_AUTH_WAIT_KEY) {
		uint64_t t = sa->created_ms + eng_half_open_ms(sa);
		if (t < next)
			next = t;
	}
	if (next == UINT64_MAX) {
		e->env.timer_cancel(e->env.ctx, sa->serial);
		return;
	}
	e->env.timer_arm(e->env.ctx, sa->serial, next > now ? next - now : 0);
}

uint64_t eng_half_open_ms(const struct ike_sa *sa)
{
	(void)sa;
	return 30000;
}

bool eng_sa_pending_with(struct ike_engine *e, const struct ike_addr *peer)
{
	for (struct ike_sa *sa = e->all; sa != NULL; sa = sa->next)
		if (eng_addr_eq(&sa->peer, peer) && eng_sa_half_open(sa))
			return true;
	return false;
}

static void eng_sa_timer(struct ike_sa *sa)
{
	uint64_t now = eng_now(sa->e);
	if (sa->req_busy && now >= sa->req_next) {
		eng_retransmit_due(sa); /* may free sa */
		return;
	}
	if ((sa->state == IKE_STATE_INIT_RECEIVED || sa->state == IKE_STATE_AUTH_WAIT_KEY) &&
	    now >= sa->created_ms + eng_half_open_ms(sa)) {
		eng_sa_log(sa, IKE_LOG_INFO, "half-open responder SA expired");
		eng_sa_free(sa);
		return;
	}
	if (sa->expire_ms != 0 && now >= sa->expire_ms) {
		/* Lifetime over: delete; the next packet negotiates a fresh SA. */
		eng_sa_log(sa, IKE_LOG_INFO, "lifetime expired, deleting");
		sa->expire_ms = 0;
		if (eng_info_send_delete(sa) != 0)
			eng_sa_drop(sa);
		return;
	}
	if (sa->state == IKE_STATE_ESTABLISHED && sa->rekey_ms != 0 && now >= sa->rekey_ms) {
		/* Window of one: wait for the outstanding request. */
		sa->rekey_ms = sa->req_busy ? now + 1000 : 0;
		if (!sa->req_busy && eng_ccs_rekey_ike(sa) != 0 && !eng_sa_pending_with(sa->e, &sa->peer))
			eng_start(sa->e, &sa->local, &sa->peer);
		eng_sa_schedule(sa);
		return;
	}
	for (unsigned i = 0; sa->state == IKE_STATE_ESTABLISHED && i < sa->n_children; i++) {
		struct eng_child *c = &sa->child[i];
		if (c->rekey_ms == 0 || c->rekeying || now < c->rekey_ms)
			continue;
		c->rekey_ms = sa->req_busy ? now + 1000 : 0;
		if (!sa->req_busy && eng_ccs_rekey_child(sa, c->serial) != 0 && !eng_sa_pending_with(sa->e, &sa->peer))
			eng_start(sa->e, &sa->local, &sa->peer);
		eng_sa_schedule(sa);
		return;
	}
	if (sa->state == IKE_STATE_ESTABLISHED && sa->liveness_next != 0 && now >= sa->liveness_next) {
		sa->liveness_next = now + sa->conf.liveness_ms;
		if (!sa->req_busy && now - sa->last_rx_ms >= sa->conf.liveness_ms)
			eng_info_send_liveness(sa);
	}
	eng_sa_schedule(sa);
}

void ike_timer_fired(struct ike_engine *e, uint64_t token)
{
	struct ike_sa *sa = eng_sa_by_serial(e, (uint32_t)token);
	if (sa != NULL)
		eng_sa_timer(sa);
}

/* An SA with peer that is being negotiated or carries a Child SA: an IKE
 * SA left without children, or being deleted, does not count. */
/* An SA that makes a new initiation pointless: ours under way, or one up
 * with Child SAs. A responder SA that has not authenticated does not
 * count: anyone can send an IKE_SA_INIT "from" the peer. */
static struct ike_sa *eng_sa_with_peer(struct ike_engine *e, const struct ike_addr *peer)
{
	for (struct ike_sa *sa = e->all; sa != NULL; sa = sa->next) {
		if (!eng_addr_eq(&sa->peer, peer) || sa->state == IKE_STATE_DELETING)
			continue;
		if (sa->state == IKE_STATE_ESTABLISHED ? sa->n_children > 0 : sa->initiator)
			return sa;
	}
	return NULL;
}

int ike_initiate(struct ike_engine *e, const struct ike_addr *local, const struct ike_addr *peer)
{
	if (local->family != peer->family)
		return -EINVAL;
	if (eng_sa_with_peer(e, peer) != NULL)
		return 0;
	return eng_start(e, local, peer);
}

int eng_start(struct ike_engine *e, const struct ike_addr *local, const struct ike_addr *peer)
{
	struct ike_sa *sa = eng_sa_new(e, true, local, peer);
	if (sa == NULL)
		return -ENOMEM;
	char why[256] = "";
	if (e->env.peer_conf(e->env.ctx, local, peer, true, &sa->conf, why, sizeof(why)) != 0) {
		eng_sa_fail(sa, IKE_FAIL_REFUSED, 0, "%s", why[0] ? why : "refused by local policy");
		return -EPERM;
	}
	if (sa->conf.n_ike == 0 || sa->conf.n_esp == 0) {
		eng_sa_fail(sa, IKE_FAIL_LOCAL, 0, "no IKE or ESP proposals configured");
		return -EINVAL;
	}
	int r = eng_init_start(sa);
	if (r != 0) {
		eng_sa_fail(sa, IKE_FAIL_LOCAL, 0, "cannot start IKE_SA_INIT (%s)", strerror(-r));
		return r;
	}
	return 0;
}

int ike_unreachable(struct ike_engine *e, const struct ike_addr *peer, const uint8_t *quoted, size_t len,
		    const char *why)
{
	/* SPIi, then a zero SPIr: the quoted message is our IKE_SA_INIT request. */
	if (quoted == NULL || len < 16)
		return 0;
	struct ike_rd rd;
	ike_wire_rd_init(&rd, quoted, len);
	uint64_t spi_i = ike_wire_get_u64(&rd), spi_r = ike_wire_get_u64(&rd);
	if (spi_r != 0)
		return 0;
	int n = 0;
	struct ike_sa *next;
	for (struct ike_sa *sa = e->all; sa != NULL; sa = next) {
		next = sa->next;
		if (!eng_addr_eq(&sa->peer, peer) || !sa->initiator || sa->state != IKE_STATE_INIT_SENT ||
		    sa->spi_i != spi_i)
			continue;
		eng_sa_fail(sa, IKE_FAIL_UNREACHABLE, 0, "%s%s",
			    why && strstr(why, "port unreachable") ? "no IKE daemon: " : "", why ? why : "unreachable");
		n++;
	}
	return n;
}

void ike_peer_key_done(struct ike_engine *e, uint64_t token, SECKEYPublicKey *key, const char *why)
{
	struct ike_sa *sa = eng_sa_by_serial(e, (uint32_t)token);
	if (sa == NULL || sa->state != IKE_STATE_AUTH_WAIT_KEY) {
		if (key != NULL)
			SECKEY_DestroyPublicKey(key);
		return;
	}
	eng_auth_key_done(sa, key, why);
}

int ike_delete_sa(struct ike_engine *e, uint32_t serial)
{
	struct ike_sa *sa = eng_sa_by_serial(e, serial);
	if (sa == NULL)
		return -ENOENT;
	if (sa->state != IKE_STATE_ESTABLISHED || eng_info_send_delete(sa) != 0)
		eng_sa_drop(sa);
	return 0;
}

int ike_delete_peer(struct ike_engine *e, const struct ike_addr *peer)
{
	int n = 0;
	struct ike_sa *next;
	for (struct ike_sa *sa = e->all; sa != NULL; sa = next) {
		next = sa->next;
		if (!eng_addr_eq(&sa->peer, peer))
			continue;
		n++;
		if (sa->state != IKE_STATE_ESTABLISHED || eng_info_send_delete(sa) != 0)
			eng_sa_drop(sa);
	}
	return n;
}

void ike_delete_all(struct ike_engine *e)
{
	/* One Delete each, without waiting for answers: we are going away. */
	while (e->all != NULL) {
		struct ike_sa *sa = e->all;
		if (sa->state == IKE_STATE_ESTABLISHED) {
			sa->req_busy = false;
			eng_info_send_delete(sa);
		}
		eng_sa_drop(sa);
	}
}

static const char *const state_names[] = {
	[IKE_STATE_INIT_SENT] = "IKE_SA_INIT sent", [IKE_STATE_INIT_RECEIVED] = "IKE_SA_INIT answered",
	[IKE_STATE_AUTH_SENT] = "IKE_AUTH sent", [IKE_STATE_AUTH_WAIT_KEY] = "waiting for the peer's key",
	[IKE_STATE_ESTABLISHED] = "established", [IKE_STATE_DELETING] = "deleting",
};

void ike_engine_each_sa(struct ike_engine *e, ike_sa_each_cb cb, void *ctx)
{
	for (struct ike_sa *sa = e->all; sa != NULL; sa = sa->next) {
		struct ike_sa_info i;
		memset(&i, 0, sizeof(i));
		i.serial = sa->serial;
		i.local = sa->local;
		i.peer = sa->peer;
		i.spi_i = sa->spi_i;
		i.spi_r = sa->spi_r;
		i.initiator = sa->initiator;
		i.state = sa->state;
		i.state_name = state_names[sa->state];
		i.group = sa->conf.group;
		i.suite = sa->suite;
		i.peer_id = sa->peer_id;
		i.peer_auth = sa->peer_auth;
		i.established_ms = sa->established_ms;
		i.n_children = sa->n_children;
		cb(ctx, &i);
	}
}

void ike_engine_counters(const struct ike_engine *e, struct ike_counters *out)
{
	*out = e->cnt;
	out->half_open = e->n_half_open;
}

/* The cached answer again, for a retransmitted request: at most once per
 * ENG_RESEND_MIN_MS, whatever arrives (every fragment of a request, or a
 * captured datagram replayed at line rate, would each make us send the
 * whole answer before anything is decrypted). */
#define ENG_RESEND_MIN_MS 250
static void eng_resend_response(struct ike_sa *sa)
{
	uint64_t now = eng_now(sa->e);
	if (sa->resp_resent_ms != 0 && now - sa->resp_resent_ms < ENG_RESEND_MIN_MS) {
		sa->e->cnt.dropped_malformed++;
		return;
	}
	sa->resp_resent_ms = now ? now : 1;
	eng_send_out(sa, &sa->resp);
	sa->e->cnt.retransmits++;
}

/* A message on an existing SA: decrypt, order by message id, dispatch.
 * from/to move the SA's ports only once the message authenticated: a
 * datagram with the right SPIs and a bad ICV must not redirect our IKE. */
static void eng_input_sa(struct ike_sa *sa, uint8_t *buf, size_t len, const struct ike_msg *m,
			 const struct ike_addr *from, const struct ike_addr *to)
{
	bool response = (m->hdr.flags & IKE_FLAG_R) != 0;
	if (response) {
		if (!sa->req_busy || m->hdr.msg_id != sa->req_msgid || m->hdr.exchange != sa->req_exch) {
			sa->e->cnt.dropped_malformed++;
			return;
		}
	} else if (m->hdr.msg_id + 1 == sa->peer_msgid && sa->have_resp) {
		eng_resend_response(sa); /* a retransmitted request */
		return;
	} else if (m->hdr.msg_id != sa->peer_msgid) {
		sa->e->cnt.dropped_malformed++;
		return;
	}
	uint8_t *plain = NULL, first = 0;
	size_t plen = 0;
	int r = eng_open(sa, buf, len, m, &plain, &plen, &first);
	if (r != 0) {
		if (r < 0)
			sa->e->cnt.dropped_auth++;
		return;
	}
	/* Authenticated: the peer may have moved ports (NAT, or floating to
	 * 4500 as strongSwan does): answer where it spoke from, from where it
	 * spoke to. */
	sa->peer.port = from->port;
	sa->local.port = to->port;
	sa->last_rx_ms = eng_now(sa->e);
	eng_half_open_proven(sa); /* its initiator has our IKE_SA_INIT answer */
	uint32_t id = m->hdr.msg_id;
	switch (m->hdr.exchange) {
	case IKE_EXCH_IKE_AUTH:
		if (response)
			eng_auth_response(sa, plain, plen, first);
		else
			eng_auth_request(sa, id, plain, plen, first); /* takes plain */
		if (!response)
			plain = NULL;
		break;
	case IKE_EXCH_INFORMATIONAL:
		if (response)
			eng_info_response(sa, plain, plen, first);
		else
			eng_info_request(sa, id, plain, plen, first);
		break;
	case IKE_EXCH_CREATE_CHILD_SA:
		if (response)
			eng_ccs_response(sa, plain, plen, first);
		else
			eng_ccs_request(sa, id, plain, plen, first);
		break;
	default:
		sa->e->cnt.dropped_malformed++;
	}
	free(plain);
}

void eng_drop(struct ike_engine *e, const struct ike_addr *peer, const char *why)
{
	e->cnt.dropped_malformed++;
	eng_drop_log(e, peer, why);
}

void eng_drop_log(struct ike_engine *e, const struct ike_addr *peer, const char *why)
{
	unsigned h = 0;
	for (size_t i = 0; i < eng_addr_len(peer); i++)
		h = h * 31 + peer->ip[i];
	struct eng_droplog *d = &e->droplog[h % ENG_DROPLOG];
	uint64_t now = eng_now(e);
	if (eng_addr_eq(&d->peer, peer) && d->last_ms != 0 && now - d->last_ms < ENG_DROPLOG_MS) {
		d->suppressed++;
		return;
	}
	char a[64];
	ike_addr_format(peer, a, sizeof(a));
	if (eng_addr_eq(&d->peer, peer) && d->suppressed > 0)
		eng_log(e, IKE_LOG_INFO, "%s: message dropped: %s (and %u more in the last minute)", a, why, d->suppressed);
	else
		eng_log(e, IKE_LOG_INFO, "%s: message dropped: %s", a, why);
	d->peer = *peer;
	d->last_ms = now ? now : 1;
	d->suppressed = 0;
}

void ike_input(struct ike_engine *e, const uint8_t *buf, size_t len, const struct ike_addr *from,
	       const struct ike_addr *to)
{
	e->cnt.rx++;
	if (len < IKE_HDR_LEN || len > 65535) {
		e->cnt.dropped_malformed++;
		return;
	}
	/* Our own copy: decryption works in place, and parsed pointers borrow it. */
	uint8_t *copy = malloc(len);
	struct ike_msg *m = malloc(sizeof(*m));
	if (copy == NULL || m == NULL)
		goto out;
	memcpy(copy, buf, len);
	int r = ike_msg_parse(copy, len, m);
	if (r != 0) {
		/* An IKE_SA_INIT request learns why (RFC 7296 2.21.1); others are
		 * dropped: without keys, an answer could not be trusted anyway. */
		if (r > 0 && m->hdr.exchange == IKE_EXCH_IKE_SA_INIT && !(m->hdr.flags & IKE_FLAG_R) &&
		    m->hdr.spi_i != 0 && m->hdr.spi_r == 0) {
			uint8_t t = m->unsupported_type;
			eng_send_bare_notify(e, &m->hdr, (uint16_t)r, r == IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD ? &t : NULL,
					     r == IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD ? 1 : 0, to, from);
		}
		eng_drop(e, from, r > 0 ? ike_name_notify((uint16_t)r) : "unparsable");
		goto out;
	}
	bool from_initiator = (m->hdr.flags & IKE_FLAG_I) != 0;
	if (m->hdr.exchange == IKE_EXCH_IKE_SA_INIT && !(m->hdr.flags & IKE_FLAG_R)) {
		if (from_initiator && m->hdr.spi_r == 0 && m->hdr.msg_id == 0)
			eng_init_request(e, copy, len, m, from, to);
		else
			e->cnt.dropped_malformed++;
		goto out;
	}
	uint64_t ours = from_initiator ? m->hdr.spi_r : m->hdr.spi_i;
	struct ike_sa *sa = eng_sa_by_spi(e, ours);
	if (sa == NULL || !eng_addr_eq(&sa->peer, from) || sa->initiator == from_initiator ||
	    (sa->initiator && m->hdr.exchange != IKE_EXCH_IKE_SA_INIT && sa->spi_r != m->hdr.spi_r) ||
	    (!sa->initiator && sa->spi_i != m->hdr.spi_i)) {
		e->cnt.dropped_unknown_spi++;
		goto out;
	}
	if (m->hdr.exchange == IKE_EXCH_IKE_SA_INIT) {
		if (sa->state == IKE_STATE_INIT_SENT && m->hdr.msg_id == 0)
			eng_init_response(sa, copy, len, m);
		goto out;
	}
	if (sa->state == IKE_STATE_INIT_SENT || sa->sk_in == NULL) {
		e->cnt.dropped_malformed++;
		goto out;
	}
	eng_input_sa(sa, copy, len, m, from, to);
out:
	free(m);
	free(copy);
}
