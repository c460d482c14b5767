#ifndef SWANMESH_AGENT_IO_WATCH_H
#define SWANMESH_AGENT_IO_WATCH_H
/* A file descriptor the loop watches for reading, that survives its
 * errors. libuv's uv_poll stops itself when an event carries POLLERR
 * without POLLPRI (LAB.md): an ICMP error queued on a UDP socket, ENOBUFS
 * on a netlink socket. A watcher stopped that way leaves a daemon that
 * looks alive and reads nothing, so every fd of the agent goes through
 * here: the owner drains the fd (errors included) on every event, the
 * watch re-arms itself, counts what it saw for `status`, and hands a fd
 * that is truly broken to the failure hook (the daemon exits non-zero,
 * systemd restarts it). */
#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

/* Called on every event. error: the event carried POLLERR (drain the
 * error queue, then read). Returns how many items it took off the fd
 * (datagrams, queued errors, messages), or a negative errno when the fd
 * cannot be read any more. */
typedef int (*io_watch_ready_fn)(void *ctx, bool error);

struct io_watch_stats {
	const char *name;       /* borrowed: valid while the watch is */
	uint64_t events;        /* readiness events */
	uint64_t received;      /* items the owner took off the fd */
	uint64_t error_events;  /* events with POLLERR (each re-armed) */
	uint64_t last_receive_ms; /* loop time of the last item; 0: none yet */
	bool reading;           /* filled by io_watch_each, from libuv: armed and not failed */
};

struct io_watch {
	uv_poll_t poll;
	char name[80];
	io_watch_ready_fn ready;
	void *ctx;
	void (*closed)(void *ctx);
	struct io_watch_stats st;
	unsigned unproductive; /* error events in a row that drained nothing */
	bool failed;
	bool open;             /* the uv handle exists and must be closed */
	struct io_watch *next; /* the registry `status` walks */
};

/* Starts watching fd for reading on loop. w is owned by the caller and
 * must stay put until io_watch_close's callback ran; name is copied (e.g.
 * "IKE 192.0.2.1 port 500"). Returns 0 or a libuv error; either way the
 * caller ends it with io_watch_close. */
int io_watch_start(uv_loop_t *loop, struct io_watch *w, int fd, const char *name, io_watch_ready_fn ready,
		   void *ctx);

/* Stops and closes the watch; closed (may be NULL) runs with the watch's
 * ctx once libuv is done with the handle (free the memory there). */
void io_watch_close(struct io_watch *w, void (*closed)(void *ctx));

/* The failure hook: called once per watch whose fd failed (why is a
 * sentence). One hook per process, set by the daemon; NULL: only logged. */
typedef void (*io_watch_failed_fn)(void *ctx, const char *name, const char *why);
void io_watch_on_failure(io_watch_failed_fn fn, void *ctx);

/* Every live watch, in the order they were started. */
void io_watch_each(void (*fn)(void *ctx, const struct io_watch_stats *st), void *ctx);

#endif
