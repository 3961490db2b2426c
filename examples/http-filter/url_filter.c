/*
 * A URL firewall run on every request by HttpFilterServer (policy: url-filter.eim, class
 * urlFirewall): deny paths under /admin, paths with "..", paths longer than the configured
 * maximum, and, unless the configuration allows writes, every method but GET and HEAD.
 * Build: examples/http-filter/build.sh (clang -target bpf).
 */
#define SEC(name) __attribute__((section(name), used))
#define __ksym __attribute__((section(".ksyms")))

typedef unsigned int u32;

#define MAX_PATH 248
#define ALLOW 0
#define DENY 1
#define GET 1
#define HEAD 2

struct HttpRequest {
	u32 method;
	u32 path_len;
	char path[MAX_PATH];
};

struct FilterConfig {
	u32 max_path_len;
	u32 allow_writes;
};

extern struct FilterConfig filter_config __ksym;

static int under_admin(const struct HttpRequest *req, u32 len)
{
	return len >= 6 && req->path[0] == '/' && req->path[1] == 'a' && req->path[2] == 'd' && req->path[3] == 'm'
	       && req->path[4] == 'i' && req->path[5] == 'n' && (len == 6 || req->path[6] == '/');
}

SEC("eim/filterRequest")
int filter(struct HttpRequest *req)
{
	u32 len = req->path_len;

	if (len > MAX_PATH || len > filter_config.max_path_len)
		return DENY;
	if (!filter_config.allow_writes && req->method != GET && req->method != HEAD)
		return DENY;
	if (under_admin(req, len))
		return DENY;
	/*
	 * Up to the path's end only, so a request pays for its own path, not for MAX_PATH bytes.
	 * The counter also stops at the constant MAX_PATH, in place (i++), which is what the
	 * verifier proves terminates (at most 247 rounds).
	 */
	u32 i = 1;
	while (i < len) {
		if (req->path[i] == '.' && req->path[i - 1] == '.')
			return DENY;
		i++;
		if (i >= MAX_PATH)
			break;
	}
	return ALLOW;
}
