/* The bridge's UDP 500/4500 sockets (see ike_bridge_int.h). */
#include "ike_bridge_int.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr_conv.h"
#include "log.h"

static void ike_bridge_net_recv(void *ctx, struct ike_socket *s, const uint8_t *buf, size_t len,
				const struct sockaddr_storage *from, const struct sockaddr_storage *to)
{
	struct ike_bridge *b = ctx;
	struct ike_addr f, t;
	(void)s;
	if (addr_conv_from_sockaddr(from, &f) != 0 || addr_conv_from_sockaddr(to, &t) != 0)
		return;
	ike_bridge_net_cork(b);
	ike_input(b->engine, buf, len, &f, &t);
	ike_bridge_net_uncork(b);
}

static void ike_bridge_net_unreachable(void *ctx, struct ike_socket *s, const struct sockaddr_storage *peer,
				       const uint8_t *quoted, size_t len, const char *why)
{
	struct ike_bridge *b = ctx;
	struct ike_addr p;
	(void)s;
	if (addr_conv_from_sockaddr(peer, &p) != 0)
		return;
	/* Only an error that quotes our own IKE_SA_INIT to that peer counts. */
	if (ike_unreachable(b->engine, &p, quoted, len, why) == 0) {
		char text[64];
		log_debug("IKE: %s from %s ignored: it quotes no IKE_SA_INIT of ours to it",
			  why, ike_addr_format(&p, text, sizeof(text)));
	}
}

static const struct ike_socket_cbs ike_bridge_net_cbs = { ike_bridge_net_recv, ike_bridge_net_unreachable };

static void ike_bridge_net_one(struct ike_bridge *b, const struct policy_addr *a, int family, uint16_t port)
{
	char text[POLICY_ADDR_STRLEN] = "";
	char why[256];
	if (a != NULL)
		policy_addr_format(a, text, sizeof(text));
	struct ike_bridge_sock *bs = &b->socks[b->nsocks];
	memset(bs, 0, sizeof(*bs));
	if (ike_socket_open(b->loop, a ? text : NULL, family, port, port == IKE_BRIDGE_NATT_PORT, &ike_bridge_net_cbs,
			    b, &bs->s, why, sizeof(why)) != 0) {
		log_error("IKE: %s", why);
		return;
	}
	bs->addr.family = (uint8_t)family;
	bs->addr.port = port;
	bs->any = a == NULL;
	if (a != NULL)
		memcpy(bs->addr.ip, a->bytes, family == AF_INET ? 4 : 16);
	b->nsocks++;
}

/* Moves the socket for (a or any, family, port) from old[] into b->socks
 * when there is one; true if moved. */
static bool ike_bridge_net_keep(struct ike_bridge *b, struct ike_bridge_sock *old, unsigned nold,
				const struct policy_addr *a, int family, uint16_t port)
{
	size_t alen = family == AF_INET ? 4 : 16;
	for (unsigned i = 0; i < nold; i++) {
		struct ike_bridge_sock *o = &old[i];
		if (o->s == NULL || o->addr.family != family || o->addr.port != port || o->any != (a == NULL))
			continue;
		if (a != NULL && memcmp(o->addr.ip, a->bytes, alen) != 0)
			continue;
		b->socks[b->nsocks++] = *o;
		o->s = NULL;
		return true;
	}
	return false;
}

static void ike_bridge_net_want(struct ike_bridge *b, struct ike_bridge_sock *old, unsigned nold,
				const struct policy_addr *a, int family, uint16_t port)
{
	if (!ike_bridge_net_keep(b, old, nold, a, family, port))
		ike_bridge_net_one(b, a, family, port);
}

unsigned ike_bridge_net_sync(struct ike_bridge *b)
{
	size_t n = 0;
	const struct policy_addr *own = policy_model_own(b->model, &n);
	struct ike_bridge_sock *old = b->socks;
	unsigned nold = b->nsocks;
	b->socks = calloc(n > 0 ? 2 * n : 4, sizeof(*b->socks));
	b->nsocks = 0;
	if (b->socks == NULL) {
		b->socks = old; /* keep what we have */
		b->nsocks = nold;
		return b->nsocks;
	}
	static const uint16_t ports[] = { IKE_BRIDGE_PORT, IKE_BRIDGE_NATT_PORT };
	for (unsigned p = 0; p < 2; p++) {
		if (n == 0) {
			/* No address known: listen on all of them. */
			ike_bridge_net_want(b, old, nold, NULL, AF_INET, ports[p]);
			ike_bridge_net_want(b, old, nold, NULL, AF_INET6, ports[p]);
		}
		for (size_t i = 0; i < n; i++)
			ike_bridge_net_want(b, old, nold, &own[i], own[i].family == POLICY_AF_INET6 ? AF_INET6 : AF_INET,
					    ports[p]);
	}
	for (unsigned i = 0; i < nold; i++) {
		if (old[i].s == NULL)
			continue;
		char text[64];
		log_info("IKE: no longer listening on %s port %u", old[i].any ? "any address" :
			 ike_addr_format(&old[i].addr, text, sizeof(text)), old[i].addr.port);
		ike_socket_close(old[i].s);
	}
	free(old);
	return b->nsocks;
}

void ike_bridge_net_close(struct ike_bridge *b)
{
	ike_bridge_net_uncork(b);
	for (unsigned i = 0; i < b->nsocks; i++)
		ike_socket_close(b->socks[i].s);
	free(b->socks);
	b->socks = NULL;
	b->nsocks = 0;
}

/* The socket bound to local (address and port), else a wildcard one. */
static struct ike_bridge_sock *ike_bridge_net_find(struct ike_bridge *b, const struct ike_addr *local)
{
	struct ike_bridge_sock *any = NULL;
	size_t alen = local->family == AF_INET ? 4 : 16;
	for (unsigned i = 0; i < b->nsocks; i++) {
		struct ike_bridge_sock *s = &b->socks[i];
		if (s->addr.family != local->family || s->addr.port != local->port)
			continue;
		if (!s->any && memcmp(s->addr.ip, local->ip, alen) == 0)
			return s;
		if (s->any && any == NULL)
			any = s;
	}
	return any;
}

void ike_bridge_net_cork(struct ike_bridge *b)
{
	b->corked++;
	if (b->out_tail == NULL)
		b->out_tail = &b->out_head;
}

void ike_bridge_net_uncork(struct ike_bridge *b)
{
	if (b->corked > 0 && --b->corked > 0)
		return;
	while (b->out_head != NULL) {
		struct ike_bridge_out *o = b->out_head;
		b->out_head = o->next;
		int r = ike_socket_send(o->sock->s, o->buf, o->len, &o->to);
		if (r != 0)
			log_debug("IKE: a held-back datagram could not be sent: %s", strerror(-r));
		free(o);
	}
	b->out_tail = &b->out_head;
}

static int ike_bridge_net_queue(struct ike_bridge *b, struct ike_bridge_sock *s, const uint8_t *buf, size_t len,
				const struct sockaddr_storage *to)
{
	struct ike_bridge_out *o = malloc(sizeof(*o) + len);
	if (o == NULL)
		return -ENOMEM;
	o->sock = s;
	o->to = *to;
	o->len = len;
	o->next = NULL;
	memcpy(o->buf, buf, len);
	*b->out_tail = o;
	b->out_tail = &o->next;
	return 0;
}

int ike_bridge_net_send(void *ctx, const uint8_t *buf, size_t len, const struct ike_addr *local,
			const struct ike_addr *peer)
{
	struct ike_bridge *b = ctx;
	struct ike_bridge_sock *s = ike_bridge_net_find(b, local);
	struct sockaddr_storage to;
	if (s == NULL)
		return -EADDRNOTAVAIL;
	if (addr_conv_to_sockaddr(peer, &to) != 0)
		return -EAFNOSUPPORT;
	if (b->corked)
		return ike_bridge_net_queue(b, s, buf, len, &to);
	return ike_socket_send(s->s, buf, len, &to);
}

/* The kernel's choice of source address: a connected UDP socket sends
 * nothing but knows its route. */
static int ike_bridge_net_route(const struct kernel_addr *peer, struct kernel_addr *local)
{
	struct ike_addr p, l;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	addr_conv_kernel_to_ike(peer, IKE_BRIDGE_PORT, &p);
	addr_conv_to_sockaddr(&p, &ss);
	int fd = socket(peer->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	socklen_t sl = peer->family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	int r = connect(fd, (struct sockaddr *)&ss, sl) == 0 && getsockname(fd, (struct sockaddr *)&ss, &len) == 0
			? 0 : -errno;
	close(fd);
	if (r == 0 && (r = addr_conv_from_sockaddr(&ss, &l)) == 0)
		addr_conv_ike_to_kernel(&l, local);
	return r;
}

int ike_bridge_net_local_for(struct ike_bridge *b, const struct kernel_addr *peer, struct kernel_addr *local,
			     char *why, size_t whylen)
{
	char text[64];
	kernel_addr_format(peer, text, sizeof(text));
	int r = ike_bridge_net_route(peer, local);
	if (r != 0) {
		snprintf(why, whylen, "no route to %s: %s", text, strerror(-r));
		return -1;
	}
	struct ike_addr l;
	addr_conv_kernel_to_ike(local, IKE_BRIDGE_PORT, &l);
	if (ike_bridge_net_find(b, &l) == NULL) {
		char ltext[64];
		kernel_addr_format(local, ltext, sizeof(ltext));
		snprintf(why, whylen, "no IKE socket on %s, the address that reaches %s", ltext, text);
		return -1;
	}
	return 0;
}
