/* An established peer in one call: both SAs, the tunnel policies, then the
 * release of the packets the kernel held while we negotiated. All or
 * nothing: a failure removes what this call had added.
 *
 * Order matters: once the outbound policy stands, the kernel's hold queue
 * may send the held packets on its own timer, and the peer's answers,
 * decrypted from a tunnel-mode SA, are dropped (XfrmInNoPols) while no
 * inbound policy admits them. So the inbound and forward policies first. */
#include "xfrm_internal.h"

#include <errno.h>
#include <stdio.h>

/* `placed`: bit i set when policies[i] was written by this call. */
static void xfrm_tunnel_rollback(struct kernel *k, const struct kernel_tunnel *t, bool out_sa, bool in_sa,
				 uint32_t placed)
{
	for (size_t i = 0; i < t->npolicies; i++)
		if (placed & (1u << i))
			kernel_policy_delete(k, &t->policies[i].sel, t->policies[i].dir, NULL);
	if (in_sa)
		kernel_sa_delete(k, &t->in_sa.src, &t->in_sa.dst, t->in_sa.spi, NULL);
	if (out_sa)
		kernel_sa_delete(k, &t->out_sa.src, &t->out_sa.dst, t->out_sa.spi, NULL);
}

int kernel_tunnel_install(struct kernel *k, const struct kernel_tunnel *t, struct kernel_error *err)
{
	int r;
	if (t->npolicies > 32)
		return xfrm_error_set(err, -EINVAL, "a tunnel has at most 32 policies, not %zu", t->npolicies);
	/* The inbound SA first: the peer may send as soon as it has its own. */
	if ((r = kernel_sa_add(k, &t->in_sa, err)) != 0)
		return r;
	if ((r = kernel_sa_add(k, &t->out_sa, err)) != 0) {
		xfrm_tunnel_rollback(k, t, false, true, 0u);
		return r;
	}
	uint32_t placed = 0;
	for (int outbound = 0; outbound <= 1; outbound++) {
		for (size_t i = 0; i < t->npolicies; i++) {
			if ((t->policies[i].dir == KERNEL_DIR_OUT) != (outbound == 1))
				continue;
			/* Update, not add: a policy left by an earlier tunnel is replaced. */
			if ((r = kernel_policy_update(k, &t->policies[i], err)) != 0) {
				xfrm_tunnel_rollback(k, t, true, true, placed);
				return r;
			}
			placed |= 1u << i;
		}
	}
	/* The tunnel stands; a failed release only delays the held packets
	 * until the kernel's own retry, so report it without undoing. */
	return kernel_hold_release(k, t->holding, t->nholding, err);
}

int kernel_hold_release(struct kernel *k, const struct kernel_policy *p, size_t n, struct kernel_error *err)
{
	int first = 0;
	for (size_t i = 0; i < n; i++) {
		int r = kernel_policy_update(k, &p[i], first ? NULL : err);
		if (r != 0 && first == 0)
			first = r;
	}
	return first;
}

static int xfrm_sysctl_write(const char *path, unsigned value, struct kernel_error *err)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return xfrm_error_set(err, -errno, "cannot open %s: %m", path);
	int ok = fprintf(f, "%u\n", value) > 0;
	if (fclose(f) != 0 || !ok)
		return xfrm_error_set(err, -EIO, "cannot write %u to %s", value, path);
	return 0;
}

int kernel_hold_enable(unsigned acq_expires_seconds, struct kernel_error *err)
{
	int r = xfrm_sysctl_write("/proc/sys/net/core/xfrm_larval_drop", 0, err);
	if (r == 0 && acq_expires_seconds > 0)
		r = xfrm_sysctl_write("/proc/sys/net/core/xfrm_acq_expires", acq_expires_seconds, err);
	return r;
}
