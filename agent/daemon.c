/* swanmeshd skeleton: libuv loop, signals, control socket with status/ping/
 * reload/stop, pid lock next to the socket, systemd readiness. */
#include "daemon.h"
#include "ctl_server.h"
#include "daemon_detach.h"
#include "agent_core.h"
#include "ctl_ike.h"
#include "ctl_sockets.h"
#include "io_watch.h"
#include "log.h"
#include "pidfile.h"
#include "sd_notify.h"
#include "policy/config.h"
#include "policy/diag.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

struct daemon {
	uv_loop_t loop;
	uv_signal_t sig_term, sig_int, sig_hup;
	uv_idle_t stopper;
	struct ctl_server *ctl;
	const char *ctl_path;
	char pid_path[256];
	int pid_fd;
	uint64_t started_ms;
	bool stopping;
	int exit_code; /* non-zero: stopped by a failure, for systemd to restart us */
	const char *config;
	struct agent_core *core;
};

const char *daemon_ctl_path_from_config(const struct daemon_opts *opts)
{
	static char path[4096];
	if (opts->ctl != NULL)
		return opts->ctl;
	struct policy_config *cfg = NULL;
	struct policy_diags diags;
	memset(&diags, 0, sizeof(diags));
	const char *file = opts->config ? opts->config : DAEMON_DEFAULT_CONFIG;
	if (policy_config_load(file, &cfg, &diags) != 0) {
		/* A bad configuration is refused with its reasons; nothing starts. */
		for (size_t i = 0; i < diags.n; i++) {
			char line[1024];
			policy_diag_format(&diags.v[i], line, sizeof(line));
			log_error("%s", line);
		}
		policy_diags_free(&diags);
		return NULL;
	}
	policy_diags_free(&diags);
	snprintf(path, sizeof(path), "%s", cfg->control_socket);
	policy_config_free(cfg);
	return path;
}

static void daemon_stop(struct daemon *d, const char *why)
{
	if (d->stopping)
		return;
	d->stopping = true;
	log_info("stopping: %s", why);
	sd_notify_send("STOPPING=1");
	ctl_server_close(d->ctl);
	d->ctl = NULL;
	agent_core_stop(d->core);
	d->core = NULL;
	uv_close((uv_handle_t *)&d->sig_term, NULL);
	uv_close((uv_handle_t *)&d->sig_int, NULL);
	uv_close((uv_handle_t *)&d->sig_hup, NULL);
	uv_close((uv_handle_t *)&d->stopper, NULL);
}

/* A socket the loop can no longer read: a daemon that looks alive and
 * reads nothing is worse than none, so stop and exit non-zero. */
static void daemon_on_watch_failed(void *ctx, const char *name, const char *why)
{
	struct daemon *d = ctx;
	char text[256];
	snprintf(text, sizeof(text), "%s: %s (exit status 1, for the service manager to restart us)", name, why);
	d->exit_code = 1;
	daemon_stop(d, text);
}

static void daemon_do_reload(struct daemon *d)
{
	char why[1024];
	sd_notify_send("RELOADING=1");
	if (d->core != NULL && agent_core_reload(d->core, why, sizeof(why)) != 0)
		log_error("reload refused, the running configuration stays: %s", why);
	sd_notify_send("READY=1");
}

static void daemon_on_signal(uv_signal_t *s, int signum)
{
	struct daemon *d = s->data;
	if (signum == SIGHUP)
		daemon_do_reload(d);
	else
		daemon_stop(d, signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

static void daemon_on_stopper(uv_idle_t *h)
{
	daemon_stop(h->data, "stop requested on the control socket");
}

static void daemon_ctl_status(void *ctx, const struct ctl_request *req, struct ctl_reply *r)
{
	struct daemon *d = ctx;
	(void)req;
	uint64_t up = (uv_now(&d->loop) - d->started_ms) / 1000;
	if (r->json) {
		struct json_writer *w = ctl_reply_json(r);
		jw_object_begin(w);
		jw_key(w, "version"); jw_string(w, PROJECT_VERSION);
		jw_key(w, "pid"); jw_int(w, getpid());
		jw_key(w, "uptime"); jw_uint(w, up);
		ctl_ike_status_json(d->core, w);
		ctl_sockets_status_json(d->ctl, uv_now(&d->loop), w);
		jw_object_end(w);
		return;
	}
	ctl_reply_printf(r, "swanmeshd %s, pid %ld, up %llus\n", PROJECT_VERSION, (long)getpid(),
			 (unsigned long long)up);
	ctl_ike_status_text(d->core, r);
	ctl_sockets_status_text(d->ctl, uv_now(&d->loop), r);
}

static void daemon_ctl_trafficstatus(void *ctx, const struct ctl_request *req, struct ctl_reply *r)
{
	struct daemon *d = ctx;
	ctl_ike_trafficstatus(d->core, req, r);
}

static void daemon_ctl_up(void *ctx, const struct ctl_request *req, struct ctl_reply *r)
{
	struct daemon *d = ctx;
	ctl_ike_up(d->core, req, r);
}

static void daemon_ctl_down(void *ctx, const struct ctl_request *req, struct ctl_reply *r)
{
	struct daemon *d = ctx;
	ctl_ike_down(d->core, req, r);
}

static void daemon_shunt_line(void *ctx, const char *text)
{
	ctl_reply_printf(ctx, "%s\n", text);
}

static void daemon_ctl_shuntstatus(void *ctx, const struct ctl_request *req, struct ctl_reply *r)
{
	struct daemon *d = ctx;
	(void)req;
	if (d->core != NULL)
		agent_core_shuntstatus(d->core, daemon_shunt_line, r);
}

static void daemon_ctl_simple(struct ctl_reply *r, const char *key, const char *text)
{
	if (r->json) {
		struct json_writer *w = ctl_reply_json(r);
		jw_object_begin(w);
		jw_key(w, key); jw_bool(w, true);
		jw_object_end(w);
	} else {
		ctl_reply_printf(r, "%s\n", text);
	}
}

static void daemon_ctl_ping(void *ctx, const struct ctl_request *req, struct ctl_reply *r)
{
	(void)ctx;
	(void)req;
	daemon_ctl_simple(r, "pong", "pong");
}

static void daemon_ctl_reload(void *ctx, const struct ctl_request *req, struct ctl_reply *r)
{
	struct daemon *d = ctx;
	char why[1024];
	(void)req;
	if (d->core != NULL && agent_core_reload(d->core, why, sizeof(why)) != 0) {
		ctl_reply_error(r, "reload refused, the running configuration stays: %s", why);
		return;
	}
	daemon_ctl_simple(r, "reloaded", "reloaded");
}

static void daemon_ctl_stop(void *ctx, const struct ctl_request *req, struct ctl_reply *r)
{
	struct daemon *d = ctx;
	(void)req;
	/* Stop on the next loop turn, after the answer has been written. */
	uv_idle_start(&d->stopper, daemon_on_stopper);
	daemon_ctl_simple(r, "stopping", "stopping");
}

/* Creates the socket's directory (0750) when missing. */
static int daemon_prepare_dir(const char *ctl_path)
{
	char tmp[256];
	if (strlen(ctl_path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	strcpy(tmp, ctl_path);
	const char *dir = dirname(tmp);
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int daemon_lock(struct daemon *d)
{
	pid_t holder;
	int n = snprintf(d->pid_path, sizeof(d->pid_path), "%s.pid", d->ctl_path);
	if (n < 0 || (size_t)n >= sizeof(d->pid_path)) {
		log_error("control socket path too long: %s", d->ctl_path);
		return -ENAMETOOLONG;
	}
	d->pid_fd = pidfile_acquire(d->pid_path, &holder);
	if (d->pid_fd == -EWOULDBLOCK) {
		log_error("another swanmeshd (pid %ld) already serves %s", (long)holder, d->ctl_path);
		return -EEXIST;
	}
	if (d->pid_fd < 0) {
		log_error("cannot lock %s: %s", d->pid_path, strerror(-d->pid_fd));
		return d->pid_fd;
	}
	return 0;
}

static int daemon_signals(struct daemon *d)
{
	uv_signal_t *s[] = { &d->sig_term, &d->sig_int, &d->sig_hup };
	int nums[] = { SIGTERM, SIGINT, SIGHUP };
	for (int i = 0; i < 3; i++) {
		uv_signal_init(&d->loop, s[i]);
		s[i]->data = d;
		int r = uv_signal_start(s[i], daemon_on_signal, nums[i]);
		if (r != 0)
			return r;
	}
	uv_idle_init(&d->loop, &d->stopper);
	d->stopper.data = d;
	return 0;
}

static int daemon_serve(struct daemon *d)
{
	int r = ctl_server_open(&d->loop, d->ctl_path, &d->ctl);
	if (r != 0) {
		log_error("cannot listen on %s: %s", d->ctl_path, uv_strerror(r));
		return r;
	}
	ctl_server_register(d->ctl, "status", daemon_ctl_status, d);
	ctl_server_register(d->ctl, "ping", daemon_ctl_ping, d);
	ctl_server_register(d->ctl, "reload", daemon_ctl_reload, d);
	ctl_server_register(d->ctl, "stop", daemon_ctl_stop, d);
	ctl_server_register(d->ctl, "shuntstatus", daemon_ctl_shuntstatus, d);
	ctl_server_register(d->ctl, "trafficstatus", daemon_ctl_trafficstatus, d);
	ctl_server_register(d->ctl, "up", daemon_ctl_up, d);
	ctl_server_register(d->ctl, "down", daemon_ctl_down, d);
	return 0;
}

static void daemon_close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

/* Loop + signals + socket; the pid lock is already held. */
static int daemon_main_loop(struct daemon *d, int ready_fd)
{
	int r;
	if ((r = uv_loop_init(&d->loop)) != 0) {
		log_error("cannot start the event loop: %s", uv_strerror(r));
		daemon_detach_done(ready_fd, 0);
		return 1;
	}
	d->started_ms = uv_now(&d->loop);
	io_watch_on_failure(daemon_on_watch_failed, d);
	char why[1024];
	r = daemon_signals(d);
	if (r == 0 && (r = agent_core_start(&d->loop, d->config, &d->core, why, sizeof(why))) != 0)
		log_error("cannot start: %s", why);
	if (r == 0)
		r = daemon_serve(d);
	daemon_detach_done(ready_fd, r == 0);
	if (r == 0) {
		log_info("swanmeshd %s started (pid %ld), control socket %s", PROJECT_VERSION, (long)getpid(),
			 d->ctl_path);
		sd_notify_send("READY=1\nSTATUS=policy plan installed, IKE listening");
		uv_run(&d->loop, UV_RUN_DEFAULT);
	}
	uv_walk(&d->loop, daemon_close_walk, NULL);
	uv_run(&d->loop, UV_RUN_DEFAULT);
	(void)uv_loop_close(&d->loop);
	io_watch_on_failure(NULL, NULL);
	return r == 0 ? d->exit_code : 1;
}

int daemon_run(const struct daemon_opts *opts)
{
	struct daemon d = { .pid_fd = -1 };
	int ready_fd = -1, parent_status, r;
	bool detach = !opts->foreground && getenv("NOTIFY_SOCKET") == NULL && getenv("INVOCATION_ID") == NULL;
	d.config = opts->config ? opts->config : DAEMON_DEFAULT_CONFIG;
	d.ctl_path = daemon_ctl_path_from_config(opts);
	if (d.ctl_path == NULL) {
		log_error("the configuration is invalid; nothing was started (see: swanmesh check)");
		return 1;
	}
	if ((r = daemon_prepare_dir(d.ctl_path)) != 0) {
		log_error("cannot create the directory of %s: %s", d.ctl_path, strerror(-r));
		return 1;
	}
	if (daemon_lock(&d) != 0)
		return 1;
	if (detach) {
		if ((r = daemon_detach(&ready_fd, &parent_status)) < 0) {
			log_error("cannot daemonize: %s", strerror(-r));
			pidfile_release(d.pid_fd);
			return 1;
		}
		if (r == 1) {
			close(d.pid_fd); /* the daemon keeps the lock */
			return parent_status;
		}
		log_init("swanmeshd", opts->debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO, LOG_TARGET_SYSLOG);
	}
	if ((r = pidfile_write(d.pid_fd, getpid())) != 0)
		log_warn("cannot write %s: %s", d.pid_path, strerror(-r));
	r = daemon_main_loop(&d, ready_fd);
	pidfile_release(d.pid_fd);
	return r;
}
