/* layerscope serve: scan on push, as ECR's scan-on-push with EventBridge. A docker-registry
 * posts its notifications here; each pushed manifest is scanned once, in the background;
 * findings are served in ECR's DescribeImageScanFindings shape and each finished scan is
 * posted to subscribers as an "ECR Image Scan" event (docs/serve.md). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "report/gather.h"
#include "server/log.h"
#include "server/server.h"
#include "util/strutil.h"
#include "vuln/vulndb.h"

static const char *serve_help =
	"Usage: layerscope serve [options]\n\n"
	"Scan images as they are pushed: point a docker-registry's notifications at\n"
	"http://HOST:PORT/v1/notifications; findings in ECR's shape at /v1/scans/REPO/DIGEST,\n"
	"\"ECR Image Scan\" events POSTed to /v1/subscriptions (docs/serve.md).\n\n"
	"  --listen HOST:PORT     where to answer (default 127.0.0.1:8080)\n"
	"  --db FILE              advisory database (default ~/.cache/layerscope/vuln.db)\n"
	"  --store FILE           findings store, SQLite (default ./layerscope-findings.db)\n"
	"  --registry-insecure    read registries over plain HTTP or unverified TLS\n"
	"  --creds USER:PASS      registry credentials (default: auth files, as skopeo)\n"
	"  --workers N            scans run side by side (default 1)\n"
	"  --scanners LIST        vuln, secret or vuln,secret (default: vuln)\n"
	"  --token TOKEN          require \"Authorization: Bearer TOKEN\" on every request but\n"
	"                         GET /v1/health (default: $LAYERSCOPE_SERVE_TOKEN, which ps\n"
	"                         does not show; none: anyone who reaches the port may use it)\n"
	"  --allow-registry HOST[:PORT]  scan images of this registry only (repeatable; default:\n"
	"                         any registry a notification or a caller names)\n\n"
	"Runs until SIGINT or SIGTERM, then finishes requests and scans in flight and exits 0.\n";

enum { MAX_ALLOWED_REGISTRIES = 64 };

static int parse_args(struct server_config *c, const char **allowed, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"db", required_argument, NULL, 'd'},
		{"store", required_argument, NULL, 's'},
		{"registry-insecure", no_argument, NULL, 'k'},
		{"creds", required_argument, NULL, 'c'},
		{"workers", required_argument, NULL, 'w'},
		{"scanners", required_argument, NULL, 'S'},
		{"token", required_argument, NULL, 't'},
		{"allow-registry", required_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	uint64_t n;
	int opt;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l': c->listen = optarg; break;
		case 'd': c->scan.db_path = optarg; break;
		case 's': c->store_path = optarg; break;
		case 'k': c->scan.image.insecure = true; break;
		case 'c': c->scan.image.creds = optarg; break;
		case 'w':
			if (!parse_u64(optarg, &n) || n < 1 || n > 64)
				return usage_error("serve", "--workers takes a number from 1 to 64");
			c->workers = (unsigned)n;
			break;
		case 'S':
			if (gather_parse_scanners(optarg, &c->scan.vuln, &c->scan.secret) < 0)
				return usage_error("serve", "--scanners takes vuln, secret or vuln,secret");
			break;
		case 't':
			if (!*optarg)
				return usage_error("serve", "--token must not be empty");
			c->token = optarg;
			break;
		case 'a':
			if (c->n_registries == MAX_ALLOWED_REGISTRIES)
				return usage_error("serve", "at most %d --allow-registry", MAX_ALLOWED_REGISTRIES);
			allowed[c->n_registries++] = optarg;
			break;
		case 'h': printf("%s", serve_help); return EXIT_OK;
		default: return usage_error("serve", "unknown option");
		}
	}
	if (optind != argc)
		return usage_error("serve", "no arguments expected");
	return -1; /* go on */
}

/* Fail now, not at the first scan, when the advisory database does not open. */
static int check_db(const struct scan_config *c)
{
	struct vulndb *db;
	ls_error err;
	if (!c->vuln)
		return 0;
	if (vulndb_open(c->db_path, false, &db, &err) < 0) {
		print_error("%s", err.msg);
		return -1;
	}
	vulndb_close(db);
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	struct server_config c = {.listen = "127.0.0.1:8080", .store_path = "./layerscope-findings.db",
				  .workers = 1, .scan.vuln = true};
	struct server *s;
	ls_error err;
	sigset_t stop;
	int sig;

	const char *allowed[MAX_ALLOWED_REGISTRIES];
	const char *env_token = getenv("LAYERSCOPE_SERVE_TOKEN");
	c.token = env_token && *env_token ? env_token : NULL;
	c.registries = allowed;
	int r = parse_args(&c, allowed, argc, argv);
	if (r >= 0)
		return r;
	if (check_db(&c.scan) < 0)
		return EXIT_ERROR;
	/* Every thread inherits the mask: the signals wait for sigwait() here. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (server_start(&c, &s, &err) < 0) {
		print_error("%s", err.msg);
		return EXIT_ERROR;
	}
	server_log("listening on %s (store %s, %u worker%s, %s, %s)", c.listen, c.store_path,
		   c.workers, c.workers == 1 ? "" : "s", c.token ? "token required" : "no token",
		   c.n_registries ? "allowed registries only" : "any registry");
	sigwait(&stop, &sig);
	server_log("%s: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
	server_stop(s);
	server_log("stopped");
	return EXIT_OK;
}
