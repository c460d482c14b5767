/* IPSECKEY lookups through libunbound, driven by the libuv loop: the
 * context's fd is watched with uv_poll and ub_process() runs when it is
 * readable. libunbound resolves in its own thread (ub_ctx_async), which is
 * its documented way of answering asynchronously; all our state stays on
 * the loop thread. Each caller's lookup waits for one question at a time
 * (IPSECKEY, then A/AAAA and PTR when bound to an address); a question in
 * flight is shared (dns_flight.c), so its answer is judged once for the
 * IPSECKEY and once per waiter for the address checks. */
#include "dns_ipseckey.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <unbound.h>

#include "dns_flight.h"
#include "dns_name.h"
#include "io_watch.h"
#include "log.h"
#include "ipseckey.h"

#define DNS_RR_A 1
#define DNS_RR_PTR 12
#define DNS_RR_AAAA 28
#define DNS_RR_IPSECKEY 45
#define DNS_NAME_MAX DNS_FLIGHT_NAME_MAX
#define DNS_ADDR_TEXT_MAX 64

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

/* One caller's lookup, from the call to its answer. */
struct dns_lookup {
	struct dns_wait wait;         /* the question it waits for now */
	struct dns_ipseckey *d;
	char name[DNS_NAME_MAX];
	dns_ipseckey_cb cb;           /* NULL: a prefetch (the answer only fills the cache) */
	void *ctx;
	/* A name's key speaks only for the addresses of the name: with an
	 * address to bind, the key waits here for the A/AAAA and PTR answers. */
	int af;                       /* 0: no address to check */
	uint8_t addr[16];
	char addr_text[DNS_ADDR_TEXT_MAX];
	SECKEYPublicKey *key;         /* owned while the address is checked */
	uv_timer_t timer;             /* the whole lookup's deadline, every step included */
	struct dns_lookup *prev, *next; /* d->lookups */
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
	unsigned timeout_ms, max_inflight;
	struct dns_flights *flights;  /* the questions in flight */
	struct dns_lookup *lookups;   /* every lookup not answered yet */
	struct dns_cache_entry *cache;
	struct dns_ipseckey_counters n;
	unsigned long answered;       /* answers read (for the watch's counters) */
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
static void dns_on_answer(void *ctx, struct dns_flight *f, int err, struct ub_result *res);

int dns_ipseckey_new(uv_loop_t *loop, const struct dns_ipseckey_config *cfg, struct dns_ipseckey **out,
		     char *why, size_t whylen)
{
	*out = NULL;
	struct dns_ipseckey *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return dns_fail(why, whylen, "out of memory", NULL);
	d->loop = loop;
	d->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : 5000;
	d->max_inflight = cfg->max_inflight ? cfg->max_inflight : DNS_IPSECKEY_MAX_INFLIGHT;
	d->ub = ub_ctx_create();
	if (d->ub == NULL) {
		dns_fail(why, whylen, "cannot create a libunbound context", NULL);
		goto fail;
	}
	if (dns_configure(d->ub, cfg, why, whylen) != 0)
		goto fail;
	if (dns_flights_new(d->ub, d->max_inflight, dns_on_answer, d, &d->flights) != 0) {
		dns_fail(why, whylen, "out of memory", NULL);
		goto fail;
	}
	int r = io_watch_start(loop, &d->watch, ub_fd(d->ub), "DNS (libunbound)", dns_on_readable, d);
	if (r != 0) {
		snprintf(why, whylen, "cannot watch libunbound's socket: %s", uv_strerror(r));
		io_watch_close(&d->watch, dns_closed);
		return -1;
	}
	*out = d;
	return 0;
fail:
	if (d->ub != NULL)
		ub_ctx_delete(d->ub);
	free(d);
	return -1;
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

/* A fresh key from the cache entry for name, or NULL. */
static SECKEYPublicKey *dns_cache_key(struct dns_ipseckey *d, const char *name)
{
	SECKEYPublicKey *key = NULL;
	const struct dns_cache_entry *e = dns_cache_get(d, name);
	struct ipseckey k;
	char why[256];
	if (e != NULL && (ipseckey_parse(e->rdata, e->len, &k, why, sizeof(why)) != 0 ||
			  ipseckey_public_key(&k, &key, why, sizeof(why)) != 0))
		key = NULL;
	return key;
}

static struct dns_lookup *dns_lookup_of(struct dns_wait *w)
{
	return (struct dns_lookup *)(void *)((char *)w - offsetof(struct dns_lookup, wait));
}

static void dns_lookup_closed(uv_handle_t *h)
{
	free(h->data);
}

static void dns_on_timeout(uv_timer_t *t);

/* A lookup of name's IPSECKEY for cb (NULL: a prefetch), bound to address
 * when that is not NULL; its deadline runs from now. NULL when the name or
 * the address is malformed, or out of memory. */
static struct dns_lookup *dns_lookup_new(struct dns_ipseckey *d, const char *name, const char *address,
					 dns_ipseckey_cb cb, void *ctx)
{
	size_t nlen = strnlen(name, DNS_NAME_MAX);
	if (nlen == 0 || nlen >= DNS_NAME_MAX)
		return NULL;
	if (address != NULL && strnlen(address, DNS_ADDR_TEXT_MAX) >= DNS_ADDR_TEXT_MAX)
		return NULL;
	struct dns_lookup *l = calloc(1, sizeof(*l));
	if (l == NULL)
		return NULL;
	l->d = d;
	memcpy(l->name, name, nlen + 1);
	l->cb = cb;
	l->ctx = ctx;
	if (address != NULL) {
		l->af = strchr(address, ':') != NULL ? AF_INET6 : AF_INET;
		snprintf(l->addr_text, sizeof(l->addr_text), "%s", address);
		if (inet_pton(l->af, address, l->addr) != 1) {
			free(l);
			return NULL;
		}
	}
	uv_timer_init(d->loop, &l->timer);
	l->timer.data = l;
	uv_timer_start(&l->timer, dns_on_timeout, d->timeout_ms, 0);
	l->next = d->lookups;
	if (d->lookups != NULL)
		d->lookups->prev = l;
	d->lookups = l;
	return l;
}

/* Forgets l without answering it: it leaves its question (a query nobody
 * waits for is cancelled), its key is destroyed, and it is freed once its
 * timer handle is closed. */
static void dns_lookup_release(struct dns_lookup *l)
{
	struct dns_ipseckey *d = l->d;
	dns_flights_leave(&l->wait);
	if (l->prev != NULL)
		l->prev->next = l->next;
	else
		d->lookups = l->next;
	if (l->next != NULL)
		l->next->prev = l->prev;
	if (l->key != NULL) {
		SECKEY_DestroyPublicKey(l->key);
		l->key = NULL;
	}
	uv_timer_stop(&l->timer);
	uv_close((uv_handle_t *)&l->timer, dns_lookup_closed);
}

/* Answers l's caller (key passes to it) once l is released: the callback
 * may start lookups or free d. */
static void dns_lookup_finish(struct dns_lookup *l, SECKEYPublicKey *key, const char *why)
{
	dns_ipseckey_cb cb = l->cb;
	void *ctx = l->ctx;
	dns_lookup_release(l);
	if (cb != NULL)
		cb(ctx, key, why);
	else if (key != NULL)
		SECKEY_DestroyPublicKey(key);
}

/* l waits for (type, name): it joins the question in flight, or a query
 * is sent while fewer than limit are in flight; when none may be sent, l
 * is answered with the reason now. FAILED is the caller's to report. */
static enum dns_flight_join dns_lookup_ask(struct dns_lookup *l, int type, const char *name, unsigned limit)
{
	struct dns_ipseckey *d = l->d;
	enum dns_flight_join j = dns_flights_join(d->flights, type, name, limit, &l->wait);
	if (j == DNS_FLIGHT_JOINED) {
		d->n.joined++;
	} else if (j == DNS_FLIGHT_SENT) {
		d->n.sent++;
	} else if (j == DNS_FLIGHT_FULL) {
		char why[96];
		d->n.refused++;
		snprintf(why, sizeof(why), "too many DNS lookups in flight (%u): not looked up", d->max_inflight);
		dns_lookup_finish(l, NULL, why);
	}
	return j;
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

/* The secure A/AAAA answer of l's name: NULL when it holds l's address,
 * else why not (in why). */
static const char *dns_address_verdict(const struct dns_lookup *l, int err, struct ub_result *res, char *why,
				       size_t whylen)
{
	const char *rr = l->af == AF_INET ? "A" : "AAAA";
	char what[DNS_NAME_MAX + 32], unless[128];
	snprintf(what, sizeof(what), "the %s records of %s", rr, l->name);
	snprintf(unless, sizeof(unless), "its key cannot speak for %s", l->addr_text);
	if (dns_answer_unusable(err, res, what, unless, why, whylen) != NULL)
		return why;
	if (!res->havedata) {
		snprintf(why, whylen, "%s has no %s record: %s", l->name, rr, unless);
		return why;
	}
	size_t alen = l->af == AF_INET ? 4 : 16;
	for (int i = 0; res->data[i] != NULL; i++)
		if (res->len[i] == (int)alen && memcmp(res->data[i], l->addr, alen) == 0)
			return NULL;
	snprintf(why, whylen, "the secure %s records of %s do not contain %s: its key does not speak for that address",
		 rr, l->name, l->addr_text);
	return why;
}

/* The secure PTR answer of l's address: NULL when it names l's name. */
static const char *dns_ptr_verdict(const struct dns_lookup *l, const char *rev, int err, struct ub_result *res,
				   char *why, size_t whylen)
{
	char what[DNS_NAME_MAX + 32], unless[DNS_NAME_MAX + 96];
	snprintf(what, sizeof(what), "the PTR records of %s", rev);
	snprintf(unless, sizeof(unless), "the owner of %s does not vouch for %s", l->addr_text, l->name);
	if (dns_answer_unusable(err, res, what, unless, why, whylen) != NULL)
		return why;
	if (!res->havedata) {
		snprintf(why, whylen, "%s has no PTR record: %s", rev, unless);
		return why;
	}
	for (int i = 0; res->data[i] != NULL; i++)
		if (res->len[i] > 0 && dns_name_wire_is((const uint8_t *)res->data[i], (size_t)res->len[i], l->name))
			return NULL;
	snprintf(why, whylen, "the secure PTR records of %s do not name %s: the owner of %s does not vouch for it", rev,
		 l->name, l->addr_text);
	return why;
}

/* Hands the key over, or destroys it when the check refused (why). */
static void dns_bound_finish(struct dns_lookup *l, const char *refused)
{
	SECKEYPublicKey *key = l->key;
	l->key = NULL;
	if (refused != NULL && key != NULL) {
		SECKEY_DestroyPublicKey(key);
		key = NULL;
	}
	dns_lookup_finish(l, key, refused);
}

/* The third step: the name's addresses hold the peer's; the owner of the
 * address (its reverse zone) must name the name too, or anyone with a
 * signed zone of their own could list any address in it. */
static void dns_check_ptr(struct dns_lookup *l)
{
	char rev[DNS_NAME_MAX];
	if (dns_name_reverse(l->addr_text, rev, sizeof(rev)) != 0 ||
	    dns_lookup_ask(l, DNS_RR_PTR, rev, l->d->max_inflight) == DNS_FLIGHT_FAILED)
		dns_bound_finish(l, "the DNS lookup of the address's PTR records could not start");
}

/* The second step of a bound lookup, once the key is known. */
static void dns_check_address(struct dns_lookup *l, SECKEYPublicKey *key)
{
	l->key = key;
	int type = l->af == AF_INET ? DNS_RR_A : DNS_RR_AAAA;
	if (dns_lookup_ask(l, type, l->name, l->d->max_inflight) == DNS_FLIGHT_FAILED)
		dns_bound_finish(l, "the DNS lookup of the name's addresses could not start");
}

/* An IPSECKEY answer is judged (and cached) once; each waiter gets its own
 * copy of the key, or the same reason. */
static void dns_on_ipseckey(struct dns_ipseckey *d, struct dns_flight *f, int err, struct ub_result *res)
{
	char why[512] = "";
	SECKEYPublicKey *key = dns_evaluate(d, dns_flight_name(f), err, res, why, sizeof(why));
	for (struct dns_wait *w; (w = dns_flight_take(f)) != NULL;) {
		struct dns_lookup *l = dns_lookup_of(w);
		SECKEYPublicKey *mine = key != NULL ? SECKEY_CopyPublicKey(key) : NULL;
		if (key != NULL && mine == NULL)
			dns_lookup_finish(l, NULL, "out of memory (copying the key)");
		else if (mine != NULL && l->af != 0)
			dns_check_address(l, mine);
		else
			dns_lookup_finish(l, mine, mine != NULL ? NULL : why);
	}
	if (key != NULL)
		SECKEY_DestroyPublicKey(key);
}

/* A/AAAA and PTR answers: the verdict depends on each waiter's address
 * and name. */
static void dns_on_address(struct dns_flight *f, int err, struct ub_result *res)
{
	for (struct dns_wait *w; (w = dns_flight_take(f)) != NULL;) {
		struct dns_lookup *l = dns_lookup_of(w);
		char why[512] = "";
		const char *refused = dns_address_verdict(l, err, res, why, sizeof(why));
		if (refused == NULL)
			dns_check_ptr(l);
		else
			dns_bound_finish(l, refused);
	}
}

static void dns_on_ptr(struct dns_flight *f, int err, struct ub_result *res)
{
	for (struct dns_wait *w; (w = dns_flight_take(f)) != NULL;) {
		struct dns_lookup *l = dns_lookup_of(w);
		char why[512] = "";
		dns_bound_finish(l, dns_ptr_verdict(l, dns_flight_name(f), err, res, why, sizeof(why)));
	}
}

static void dns_on_answer(void *ctx, struct dns_flight *f, int err, struct ub_result *res)
{
	struct dns_ipseckey *d = ctx;
	d->answered++;
	if (dns_flight_type(f) == DNS_RR_IPSECKEY)
		dns_on_ipseckey(d, f, err, res);
	else if (dns_flight_type(f) == DNS_RR_PTR)
		dns_on_ptr(f, err, res);
	else
		dns_on_address(f, err, res);
}

static void dns_on_timeout(uv_timer_t *t)
{
	struct dns_lookup *l = t->data;
	char why[512];
	snprintf(why, sizeof(why), "DNS timeout: no answer for %s within %u ms", l->name, l->d->timeout_ms);
	dns_lookup_finish(l, NULL, why);
}

/* A lookup of name's IPSECKEY, bound to address when that is not NULL
 * (then the key is handed over only once the name's secure addresses are
 * seen to hold it). The cache spares the IPSECKEY lookup, not the check. */
static int dns_lookup(struct dns_ipseckey *d, const char *name, const char *address, dns_ipseckey_cb cb, void *ctx)
{
	SECKEYPublicKey *cached = dns_cache_key(d, name);
	if (cached != NULL && address == NULL) {
		d->n.cached++;
		cb(ctx, cached, NULL);
		return 0;
	}
	struct dns_lookup *l = dns_lookup_new(d, name, address, cb, ctx);
	if (l == NULL) {
		if (cached != NULL)
			SECKEY_DestroyPublicKey(cached);
		return -1;
	}
	if (cached != NULL) {
		d->n.cached++;
		dns_check_address(l, cached);
		return 0;
	}
	if (dns_lookup_ask(l, DNS_RR_IPSECKEY, l->name, d->max_inflight) == DNS_FLIGHT_FAILED) {
		dns_lookup_release(l);
		return -1;
	}
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

int dns_ipseckey_prefetch_address(struct dns_ipseckey *d, const char *address)
{
	char name[DNS_NAME_MAX];
	if (dns_name_reverse(address, name, sizeof(name)) != 0)
		return -1;
	if (dns_cache_get(d, name) != NULL) {
		d->n.cached++;
		return 0;
	}
	if (dns_flights_has(d->flights, DNS_RR_IPSECKEY, name)) {
		d->n.joined++; /* its answer fills the cache: nobody needs to wait */
		return 0;
	}
	/* Checked before anything is allocated: a flood costs no more than this. */
	if (dns_flights_count(d->flights) >= d->max_inflight / 2) {
		d->n.prefetch_refused++;
		return -1;
	}
	struct dns_lookup *l = dns_lookup_new(d, name, NULL, NULL, NULL);
	if (l == NULL)
		return -1;
	if (dns_flights_join(d->flights, DNS_RR_IPSECKEY, l->name, d->max_inflight / 2, &l->wait) != DNS_FLIGHT_SENT) {
		dns_lookup_release(l);
		return -1;
	}
	d->n.sent++;
	return 0;
}

void dns_ipseckey_counters(const struct dns_ipseckey *d, struct dns_ipseckey_counters *out)
{
	*out = d->n;
	out->inflight = dns_flights_count(d->flights);
	out->max_inflight = d->max_inflight;
}

static void dns_closed(void *ctx)
{
	struct dns_ipseckey *d = ctx;
	dns_flights_free(d->flights); /* before the context its queries live in */
	ub_ctx_delete(d->ub);
	while (d->cache != NULL) {
		struct dns_cache_entry *e = d->cache;
		d->cache = e->next;
		free(e);
	}
	free(d);
}

/* The table itself is freed with d, once the loop is done with the watch:
 * this may run inside a waiter's callback, while its flight is answered. */
void dns_ipseckey_free(struct dns_ipseckey *d)
{
	if (d == NULL)
		return;
	while (d->lookups != NULL)
		dns_lookup_release(d->lookups);
	io_watch_close(&d->watch, dns_closed);
}
