/* IPSECKEY lookups through libunbound, driven by the libuv loop: the
 * context's fd is watched with uv_poll and ub_process() runs when it is
 * readable. libunbound resolves in its own thread (ub_ctx_async), which is
 * its documented way of answering asynchronously; all our state stays on
 * the loop thread. */
#include "dns_ipseckey.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <unbound.h>

#include "dns_name.h"
#include "io_watch.h"
#include "log.h"
#include "ipseckey.h"

#define DNS_RR_A 1
#define DNS_RR_PTR 12
#define DNS_RR_AAAA 28
#define DNS_RR_IPSECKEY 45
#define DNS_CLASS_IN 1
#define DNS_NAME_MAX 256

/* Reverse zones unbound answers locally (RFC 6303) unless told not to:
 * fleets put their IPSECKEY records exactly there. */
static const char *const dns_nodefault_zones[] = {
	"10.in-addr.arpa.", "16.172.in-addr.arpa.", "17.172.in-addr.arpa.", "18.172.in-addr.arpa.",
	"19.172.in-addr.arpa.", "20.172.in-addr.arpa.", "21.172.in-addr.arpa.", "22.172.in-addr.arpa.",
	"23.172.in-addr.arpa.", "24.172.in-addr.arpa.", "25.172.in-addr.arpa.", "26.172.in-addr.arpa.",
	"27.172.in-addr.arpa.", "28.172.in-addr.arpa.", "29.172.in-addr.arpa.", "30.172.in-addr.arpa.",
	"31.172.in-addr.arpa.", "168.192.in-addr.arpa.", "2.0.192.in-addr.arpa.", "100.51.198.in-addr.arpa.",
	"113.0.203.in-addr.arpa.", "8.b.d.0.1.0.0.2.ip6.arpa.", "d.f.ip6.arpa.",
};

struct dns_query {
	struct dns_ipseckey *d;
	char name[DNS_NAME_MAX];
	dns_ipseckey_cb cb;
	void *ctx;
	int async_id;
	/* A name's key speaks only for the addresses of the name: with an
	 * address to bind, the key waits here for the A/AAAA answer. */
	int af;                       /* 0: no address to check */
	uint8_t addr[16];
	char addr_text[64];
	SECKEYPublicKey *key;         /* owned while the address is checked */
	uv_timer_t timer;
	struct dns_query *next;
};

struct dns_cache_entry {
	char name[DNS_NAME_MAX];
	uint8_t rdata[3 + IPSECKEY_KEY_MAX];
	size_t len;
	uint64_t expires_ms;
	struct dns_cache_entry *next;
};

struct dns_ipseckey {
	uv_loop_t *loop;
	struct ub_ctx *ub;
	struct io_watch watch;
	unsigned timeout_ms;
	struct dns_query *queries;
	struct dns_cache_entry *cache;
	unsigned long cached, sent;
	unsigned long answered;       /* lookups finished (for the watch's counters) */
};

static int dns_fail(char *why, size_t whylen, const char *what, const char *detail)
{
	snprintf(why, whylen, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
	return -1;
}

/* `local-zone: Z nodefault` only takes effect from a configuration file
 * (ub_ctx_set_option() stores it where the resolver never looks), so the
 * list is handed over as an anonymous in-memory file. */
static int dns_nodefault(struct ub_ctx *ub)
{
	int fd = memfd_create("swanmesh-unbound", MFD_CLOEXEC);
	if (fd < 0)
		return UB_INITFAIL;
	FILE *f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		return UB_INITFAIL;
	}
	fputs("server:\n", f);
	for (size_t i = 0; i < sizeof(dns_nodefault_zones) / sizeof(dns_nodefault_zones[0]); i++)
		fprintf(f, "  local-zone: \"%s\" nodefault\n", dns_nodefault_zones[i]);
	fflush(f);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int e = ub_ctx_config(ub, path);
	fclose(f);
	return e;
}

static int dns_configure(struct ub_ctx *ub, const struct dns_ipseckey_config *cfg, char *why, size_t whylen)
{
	int e = ub_ctx_async(ub, 1);
	if (e == 0)
		e = dns_nodefault(ub);
	if (e != 0)
		return dns_fail(why, whylen, "cannot configure libunbound", ub_strerror(e));
	for (size_t i = 0; i < cfg->ntrust_anchors; i++) {
		/* libunbound reads the file only at the first lookup: check it now. */
		if (access(cfg->trust_anchors[i], R_OK) != 0 || ub_ctx_add_ta_file(ub, cfg->trust_anchors[i]) != 0) {
			snprintf(why, whylen, "cannot read the DNSSEC trust anchor %s", cfg->trust_anchors[i]);
			return -1;
		}
	}
	for (size_t i = 0; i < cfg->ntrust_anchor_rrs; i++)
		if ((e = ub_ctx_add_ta(ub, cfg->trust_anchor_rrs[i])) != 0)
			return dns_fail(why, whylen, "bad DNSSEC trust anchor record", ub_strerror(e));
	for (size_t i = 0; i < cfg->nresolvers; i++)
		if ((e = ub_ctx_set_fwd(ub, cfg->resolvers[i])) != 0) {
			snprintf(why, whylen, "bad resolver address '%s': %s", cfg->resolvers[i], ub_strerror(e));
			return -1;
		}
	return 0;
}

/* libunbound's result pipe: ub_process() reads every answer waiting. */
static int dns_on_readable(void *ctx, bool error)
{
	struct dns_ipseckey *d = ctx;
	(void)error;
	unsigned long before = d->answered;
	int e = ub_process(d->ub);
	if (e != 0) {
		log_error("DNS: cannot read libunbound's answers: %s", ub_strerror(e));
		return -EIO;
	}
	return (int)(d->answered - before);
}

static void dns_closed(void *ctx);

int dns_ipseckey_new(uv_loop_t *loop, const struct dns_ipseckey_config *cfg, struct dns_ipseckey **out,
		     char *why, size_t whylen)
{
	*out = NULL;
	struct dns_ipseckey *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return dns_fail(why, whylen, "out of memory", NULL);
	d->loop = loop;
	d->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : 5000;
	d->ub = ub_ctx_create();
	if (d->ub == NULL || dns_configure(d->ub, cfg, why, whylen) != 0) {
		if (d->ub == NULL)
			dns_fail(why, whylen, "cannot create a libunbound context", NULL);
		else
			ub_ctx_delete(d->ub);
		free(d);
		return -1;
	}
	int r = io_watch_start(loop, &d->watch, ub_fd(d->ub), "DNS (libunbound)", dns_on_readable, d);
	if (r != 0) {
		snprintf(why, whylen, "cannot watch libunbound's socket: %s", uv_strerror(r));
		io_watch_close(&d->watch, dns_closed);
		return -1;
	}
	*out = d;
	return 0;
}

static uint64_t dns_now_ms(const struct dns_ipseckey *d)
{
	return uv_now(d->loop);
}

static void dns_cache_put(struct dns_ipseckey *d, const char *name, const uint8_t *rdata, size_t len, int ttl)
{
	if (ttl <= 0 || len > sizeof(((struct dns_cache_entry *)0)->rdata))
		return;
	struct dns_cache_entry *e = calloc(1, sizeof(*e));
	if (e == NULL)
		return;
	snprintf(e->name, sizeof(e->name), "%s", name);
	memcpy(e->rdata, rdata, len);
	e->len = len;
	e->expires_ms = dns_now_ms(d) + (uint64_t)ttl * 1000;
	e->next = d->cache;
	d->cache = e;
}

/* A fresh cache entry for name, dropping expired ones on the way. */
static const struct dns_cache_entry *dns_cache_get(struct dns_ipseckey *d, const char *name)
{
	uint64_t now = dns_now_ms(d);
	for (struct dns_cache_entry **p = &d->cache; *p != NULL;) {
		struct dns_cache_entry *e = *p;
		if (e->expires_ms <= now) {
			*p = e->next;
			free(e);
			continue;
		}
		if (strcmp(e->name, name) == 0)
			return e;
		p = &e->next;
	}
	return NULL;
}

/* The usable key of the record with the lowest precedence. */
static SECKEYPublicKey *dns_pick(struct ub_result *res, int *index, char *why, size_t whylen)
{
	SECKEYPublicKey *best = NULL;
	int best_prec = 256;
	for (int i = 0; res->data[i] != NULL; i++) {
		struct ipseckey k;
		SECKEYPublicKey *pk = NULL;
		if (res->len[i] < 0 || ipseckey_parse((const uint8_t *)res->data[i], (size_t)res->len[i], &k, why, whylen) != 0 ||
		    ipseckey_public_key(&k, &pk, why, whylen) != 0)
			continue;
		if (k.precedence < best_prec) {
			if (best != NULL)
				SECKEY_DestroyPublicKey(best);
			best = pk;
			best_prec = k.precedence;
			*index = i;
		} else {
			SECKEY_DestroyPublicKey(pk);
		}
	}
	return best;
}

static SECKEYPublicKey *dns_evaluate(struct dns_ipseckey *d, const char *name, int err, struct ub_result *res,
				     char *why, size_t whylen)
{
	char detail[256] = "";
	if (err != 0) {
		snprintf(why, whylen, "DNS lookup of %s failed: %s", name, ub_strerror(err));
		return NULL;
	}
	if (res->rcode == 2) {
		/* A validating resolver in front of us answers SERVFAIL for a broken signature. */
		snprintf(why, whylen, "the resolver answered SERVFAIL for %s (a validating resolver does that for a "
				      "broken DNSSEC signature, or the zone's servers failed)", name);
		return NULL;
	}
	if (res->bogus) {
		snprintf(why, whylen, "DNSSEC validation failed for %s: %s", name,
			 res->why_bogus ? res->why_bogus : "bogus answer");
		return NULL;
	}
	if (!res->secure) {
		snprintf(why, whylen, "%s is not DNSSEC-signed (insecure answer): refused", name);
		return NULL;
	}
	if (!res->havedata) {
		snprintf(why, whylen, "no IPSECKEY record for %s%s", name, res->nxdomain ? " (the name does not exist)" : "");
		return NULL;
	}
	int index = -1;
	SECKEYPublicKey *pk = dns_pick(res, &index, detail, sizeof(detail));
	if (pk == NULL) {
		snprintf(why, whylen, "no usable IPSECKEY record for %s: %s", name, detail);
		return NULL;
	}
	dns_cache_put(d, name, (const uint8_t *)res->data[index], (size_t)res->len[index], res->ttl);
	return pk;
}

static void dns_query_closed(uv_handle_t *h)
{
	free(h->data);
}

/* Unlinks q, reports, and frees it once its timer handle is closed. */
static void dns_query_finish(struct dns_query *q, SECKEYPublicKey *key, const char *why)
{
	struct dns_ipseckey *d = q->d;
	for (struct dns_query **p = &d->queries; *p != NULL; p = &(*p)->next)
		if (*p == q) {
			*p = q->next;
			break;
		}
	uv_timer_stop(&q->timer);
	d->answered++;
	q->cb(q->ctx, key, why);
	uv_close((uv_handle_t *)&q->timer, dns_query_closed);
}

/* What keeps an answer about `what` ("the A records of N") from counting
 * at all: a failed lookup, SERVFAIL, a bogus or an insecure answer. NULL
 * when it is secure; else the sentence in why, ending with `unless`. */
static const char *dns_answer_unusable(int err, const struct ub_result *res, const char *what, const char *unless,
				       char *why, size_t whylen)
{
	if (err != 0)
		snprintf(why, whylen, "DNS lookup of %s failed: %s", what, ub_strerror(err));
	else if (res->rcode == 2)
		snprintf(why, whylen, "the resolver answered SERVFAIL for %s", what);
	else if (res->bogus)
		snprintf(why, whylen, "DNSSEC validation failed for %s: %s", what,
			 res->why_bogus ? res->why_bogus : "bogus answer");
	else if (!res->secure)
		snprintf(why, whylen, "%s are not DNSSEC-signed (insecure answer): %s", what, unless);
	else
		return NULL;
	return why;
}

/* The secure A/AAAA answer of q's name: NULL when it holds q's address,
 * else why not (in why). */
static const char *dns_address_verdict(const struct dns_query *q, int err, struct ub_result *res, char *why,
				       size_t whylen)
{
	const char *rr = q->af == AF_INET ? "A" : "AAAA";
	char what[DNS_NAME_MAX + 32], unless[128];
	snprintf(what, sizeof(what), "the %s records of %s", rr, q->name);
	snprintf(unless, sizeof(unless), "its key cannot speak for %s", q->addr_text);
	if (dns_answer_unusable(err, res, what, unless, why, whylen) != NULL)
		return why;
	if (!res->havedata) {
		snprintf(why, whylen, "%s has no %s record: %s", q->name, rr, unless);
		return why;
	}
	size_t alen = q->af == AF_INET ? 4 : 16;
	for (int i = 0; res->data[i] != NULL; i++)
		if (res->len[i] == (int)alen && memcmp(res->data[i], q->addr, alen) == 0)
			return NULL;
	snprintf(why, whylen, "the secure %s records of %s do not contain %s: its key does not speak for that address",
		 rr, q->name, q->addr_text);
	return why;
}

/* The secure PTR answer of q's address: NULL when it names q's name. */
static const char *dns_ptr_verdict(const struct dns_query *q, const char *rev, int err, struct ub_result *res,
				   char *why, size_t whylen)
{
	char what[DNS_NAME_MAX + 32], unless[DNS_NAME_MAX + 96];
	snprintf(what, sizeof(what), "the PTR records of %s", rev);
	snprintf(unless, sizeof(unless), "the owner of %s does not vouch for %s", q->addr_text, q->name);
	if (dns_answer_unusable(err, res, what, unless, why, whylen) != NULL)
		return why;
	if (!res->havedata) {
		snprintf(why, whylen, "%s has no PTR record: %s", rev, unless);
		return why;
	}
	for (int i = 0; res->data[i] != NULL; i++)
		if (res->len[i] > 0 && dns_name_wire_is((const uint8_t *)res->data[i], (size_t)res->len[i], q->name))
			return NULL;
	snprintf(why, whylen, "the secure PTR records of %s do not name %s: the owner of %s does not vouch for it", rev,
		 q->name, q->addr_text);
	return why;
}

/* Hands the key over, or destroys it when the check refused (why). */
static void dns_bound_finish(struct dns_query *q, const char *refused)
{
	SECKEYPublicKey *key = q->key;
	q->key = NULL;
	if (refused != NULL && key != NULL) {
		SECKEY_DestroyPublicKey(key);
		key = NULL;
	}
	dns_query_finish(q, key, refused);
}

static void dns_on_ptr(void *mydata, int err, struct ub_result *res)
{
	struct dns_query *q = mydata;
	char why[512] = "", rev[DNS_NAME_MAX] = "";
	dns_name_reverse(q->addr_text, rev, sizeof(rev));
	const char *refused = dns_ptr_verdict(q, rev, err, res, why, sizeof(why));
	if (res != NULL)
		ub_resolve_free(res);
	dns_bound_finish(q, refused);
}

/* The third step: the name's addresses hold the peer's; the owner of the
 * address (its reverse zone) must name the name too, or anyone with a
 * signed zone of their own could list any address in it. */
static void dns_check_ptr(struct dns_query *q)
{
	char rev[DNS_NAME_MAX];
	if (dns_name_reverse(q->addr_text, rev, sizeof(rev)) != 0 ||
	    ub_resolve_async(q->d->ub, rev, DNS_RR_PTR, DNS_CLASS_IN, q, dns_on_ptr, &q->async_id) != 0) {
		dns_bound_finish(q, "the DNS lookup of the address's PTR records could not start");
		return;
	}
	q->d->sent++;
}

static void dns_on_address(void *mydata, int err, struct ub_result *res)
{
	struct dns_query *q = mydata;
	char why[512] = "";
	const char *refused = dns_address_verdict(q, err, res, why, sizeof(why));
	if (res != NULL)
		ub_resolve_free(res);
	if (refused == NULL) {
		dns_check_ptr(q);
		return;
	}
	dns_bound_finish(q, refused);
}

/* The second step of a bound lookup, once the key is known. */
static void dns_check_address(struct dns_query *q, SECKEYPublicKey *key)
{
	q->key = key;
	int type = q->af == AF_INET ? DNS_RR_A : DNS_RR_AAAA;
	if (ub_resolve_async(q->d->ub, q->name, type, DNS_CLASS_IN, q, dns_on_address, &q->async_id) != 0) {
		dns_bound_finish(q, "the DNS lookup of the name's addresses could not start");
		return;
	}
	q->d->sent++;
}

static void dns_on_result(void *mydata, int err, struct ub_result *res)
{
	struct dns_query *q = mydata;
	char why[512] = "";
	SECKEYPublicKey *key = dns_evaluate(q->d, q->name, err, res, why, sizeof(why));
	if (res != NULL)
		ub_resolve_free(res);
	if (key != NULL && q->af != 0) {
		dns_check_address(q, key);
		return;
	}
	dns_query_finish(q, key, key ? NULL : why);
}

static void dns_on_timeout(uv_timer_t *t)
{
	struct dns_query *q = t->data;
	char why[512];
	ub_cancel(q->d->ub, q->async_id);
	snprintf(why, sizeof(why), "DNS timeout: no answer for %s within %u ms", q->name, q->d->timeout_ms);
	if (q->key != NULL) {
		SECKEY_DestroyPublicKey(q->key);
		q->key = NULL;
	}
	dns_query_finish(q, NULL, why);
}

/* A query for name's IPSECKEY, bound to address when that is not NULL
 * (then the key is handed over only once the name's secure addresses are
 * seen to hold it). The cache spares the IPSECKEY lookup, not the check. */
static int dns_lookup(struct dns_ipseckey *d, const char *name, const char *address, dns_ipseckey_cb cb, void *ctx)
{
	struct dns_query *q = calloc(1, sizeof(*q));
	if (q == NULL)
		return -1;
	q->d = d;
	snprintf(q->name, sizeof(q->name), "%s", name);
	q->cb = cb;
	q->ctx = ctx;
	if (address != NULL) {
		q->af = strchr(address, ':') != NULL ? AF_INET6 : AF_INET;
		snprintf(q->addr_text, sizeof(q->addr_text), "%s", address);
		if (inet_pton(q->af, address, q->addr) != 1) {
			free(q);
			return -1;
		}
	}
	SECKEYPublicKey *cached = NULL;
	const struct dns_cache_entry *e = dns_cache_get(d, name);
	if (e != NULL) {
		struct ipseckey k;
		char why[256];
		if (ipseckey_parse(e->rdata, e->len, &k, why, sizeof(why)) != 0 ||
		    ipseckey_public_key(&k, &cached, why, sizeof(why)) != 0)
			cached = NULL;
	}
	if (cached != NULL && q->af == 0) {
		d->cached++;
		free(q);
		cb(ctx, cached, NULL);
		return 0;
	}
	uv_timer_init(d->loop, &q->timer);
	q->timer.data = q;
	q->next = d->queries;
	d->queries = q;
	uv_timer_start(&q->timer, dns_on_timeout, d->timeout_ms, 0);
	if (cached != NULL) {
		d->cached++;
		dns_check_address(q, cached);
		return 0;
	}
	if (ub_resolve_async(d->ub, q->name, DNS_RR_IPSECKEY, DNS_CLASS_IN, q, dns_on_result, &q->async_id) != 0) {
		d->queries = q->next;
		uv_timer_stop(&q->timer);
		uv_close((uv_handle_t *)&q->timer, dns_query_closed);
		return -1;
	}
	d->sent++;
	return 0;
}

int dns_ipseckey_lookup_name(struct dns_ipseckey *d, const char *name, dns_ipseckey_cb cb, void *ctx)
{
	return dns_lookup(d, name, NULL, cb, ctx);
}

int dns_ipseckey_lookup_name_for(struct dns_ipseckey *d, const char *name, const char *address, dns_ipseckey_cb cb,
				 void *ctx)
{
	return dns_lookup(d, name, address, cb, ctx);
}

int dns_ipseckey_lookup_address(struct dns_ipseckey *d, const char *address, dns_ipseckey_cb cb, void *ctx)
{
	char name[DNS_NAME_MAX];
	if (dns_name_reverse(address, name, sizeof(name)) != 0)
		return -1;
	return dns_ipseckey_lookup_name(d, name, cb, ctx);
}

void dns_ipseckey_counters(const struct dns_ipseckey *d, unsigned long *cached, unsigned long *sent)
{
	*cached = d->cached;
	*sent = d->sent;
}

static void dns_closed(void *ctx)
{
	struct dns_ipseckey *d = ctx;
	ub_ctx_delete(d->ub);
	while (d->cache != NULL) {
		struct dns_cache_entry *e = d->cache;
		d->cache = e->next;
		free(e);
	}
	free(d);
}

void dns_ipseckey_free(struct dns_ipseckey *d)
{
	if (d == NULL)
		return;
	while (d->queries != NULL) {
		struct dns_query *q = d->queries;
		d->queries = q->next;
		ub_cancel(d->ub, q->async_id);
		if (q->key != NULL)
			SECKEY_DestroyPublicKey(q->key);
		uv_timer_stop(&q->timer);
		uv_close((uv_handle_t *)&q->timer, dns_query_closed);
	}
	io_watch_close(&d->watch, dns_closed);
}
