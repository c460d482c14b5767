#ifndef SWANMESH_AGENT_IKE_SOCKET_H
#define SWANMESH_AGENT_IKE_SOCKET_H
/* The agent's IKE sockets: UDP 500, and 4500 with the non-ESP marker and
 * ESP-in-UDP decapsulation, on the libuv loop. They bypass IPsec policies
 * (a trap must never catch our own IKE packets) and report ICMP
 * port/host unreachable for what we sent (IP_RECVERR), so that a peer
 * without IPsec is known at once instead of after retransmissions. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <uv.h>

struct ike_socket;

struct ike_socket_cbs {
	/* A datagram (non-ESP marker removed on 4500); from/to are the peer's
	 * and our addresses. buf is borrowed for the call. */
	void (*recv)(void *ctx, struct ike_socket *s, const uint8_t *buf, size_t len,
		     const struct sockaddr_storage *from, const struct sockaddr_storage *to);
	/* The network said a peer cannot be reached ("ICMP port unreachable",
	 * ...) for a datagram we sent to it: quoted (len bytes, borrowed for the
	 * call) is what the ICMP error quotes of that datagram, from the IKE
	 * header on (the 4500 marker removed). "Fragmentation needed" is not
	 * reported: it says nothing about the peer's IKE. */
	void (*unreachable)(void *ctx, struct ike_socket *s, const struct sockaddr_storage *peer, const uint8_t *quoted,
			    size_t len, const char *why);
};

/* Opens a socket bound to address (text; NULL: any of family) and port.
 * natt: the 4500 behaviour. *out owned by the caller (ike_socket_close).
 * Returns 0 or -1 with a sentence in why. */
int ike_socket_open(uv_loop_t *loop, const char *address, int family, uint16_t port, bool natt,
		    const struct ike_socket_cbs *cbs, void *ctx, struct ike_socket **out, char *why, size_t whylen);

/* Sends one IKE message (the marker is added on 4500). 0 or -errno. */
int ike_socket_send(struct ike_socket *s, const uint8_t *buf, size_t len, const struct sockaddr_storage *to);

/* Counters: datagrams received, sent, dropped (too short, ESP on 4500, truncated). */
void ike_socket_counters(const struct ike_socket *s, unsigned long *rx, unsigned long *tx, unsigned long *dropped);

/* Closes; the memory is freed once the loop has run the close callback. */
void ike_socket_close(struct ike_socket *s);

#endif
