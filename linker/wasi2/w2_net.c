/* w2_net.c - wasi:sockets for WASI 0.2 with no network granted: a command that imports the
 * sockets interfaces (wasi-libc links them in for its socket functions) instantiates, and
 * every attempt to make a socket or look up a name fails with access-denied. Since no socket
 * can exist, the socket methods are never reachable; they trap if the linker calls one. */
#include "w2.h"

/* wasi:sockets/network error-code: unknown, access-denied, ... */
enum { ACCESS_DENIED = 1 };

/* The one network object: every instance-network handle has rep 1, nothing to free. */
static void network_dtor(void *env, uint32_t rep) { (void)env; (void)rep; }
static void no_dtor(void *env, uint32_t rep) { (void)env; (void)rep; }

W2_HOSTFN(instance_network) {
  (void)env; (void)args; (void)arena; (void)err;
  result->u.handle = 1;
  return true;
}

/* result<_, error-code> = err(access-denied), for socket creation and name lookup. */
W2_HOSTFN(denied) {
  (void)env; (void)args;
  swasm_cval_t code = w2_u(ACCESS_DENIED);
  return w2_case(result, 1, &code, arena, err);
}

W2_HOSTFN(network_error_code) {
  (void)env; (void)args;
  return w2_case(result, 0, NULL, arena, err);
}

W2_HOSTFN(unreachable) {
  (void)env; (void)args; (void)result; (void)arena;
  return w2_trap(err, "wasi:sockets: no socket exists (no network is granted)");
}

static const swasm_chost_func_t network_fns[] = {
  {"network-error-code", network_error_code},
};
static const swasm_chost_resource_t network_res[] = {{"network", network_dtor}};
static const swasm_chost_func_t inet_fns[] = {{"instance-network", instance_network}};
static const swasm_chost_func_t tcp_create_fns[] = {{"create-tcp-socket", denied}};
static const swasm_chost_func_t udp_create_fns[] = {{"create-udp-socket", denied}};
static const swasm_chost_func_t lookup_fns[] = {
  {"resolve-addresses", denied},
  {"[method]resolve-address-stream.resolve-next-address", unreachable},
  {"[method]resolve-address-stream.subscribe", unreachable},
};
static const swasm_chost_resource_t lookup_res[] = {{"resolve-address-stream", no_dtor}};

#define TCP(m) {"[method]tcp-socket." m, unreachable}
static const swasm_chost_func_t tcp_fns[] = {
  TCP("start-bind"), TCP("finish-bind"), TCP("start-connect"), TCP("finish-connect"),
  TCP("start-listen"), TCP("finish-listen"), TCP("accept"), TCP("local-address"),
  TCP("remote-address"), TCP("is-listening"), TCP("address-family"),
  TCP("set-listen-backlog-size"), TCP("keep-alive-enabled"), TCP("set-keep-alive-enabled"),
  TCP("keep-alive-idle-time"), TCP("set-keep-alive-idle-time"), TCP("keep-alive-interval"),
  TCP("set-keep-alive-interval"), TCP("keep-alive-count"), TCP("set-keep-alive-count"),
  TCP("hop-limit"), TCP("set-hop-limit"), TCP("receive-buffer-size"),
  TCP("set-receive-buffer-size"), TCP("send-buffer-size"), TCP("set-send-buffer-size"),
  TCP("subscribe"), TCP("shutdown"),
};
#undef TCP
static const swasm_chost_resource_t tcp_res[] = {{"tcp-socket", no_dtor}};

#define UDP(m) {"[method]udp-socket." m, unreachable}
static const swasm_chost_func_t udp_fns[] = {
  UDP("start-bind"), UDP("finish-bind"), UDP("stream"), UDP("local-address"),
  UDP("remote-address"), UDP("address-family"), UDP("unicast-hop-limit"),
  UDP("set-unicast-hop-limit"), UDP("receive-buffer-size"), UDP("set-receive-buffer-size"),
  UDP("send-buffer-size"), UDP("set-send-buffer-size"), UDP("subscribe"),
  {"[method]incoming-datagram-stream.receive", unreachable},
  {"[method]incoming-datagram-stream.subscribe", unreachable},
  {"[method]outgoing-datagram-stream.check-send", unreachable},
  {"[method]outgoing-datagram-stream.send", unreachable},
  {"[method]outgoing-datagram-stream.subscribe", unreachable},
};
#undef UDP
static const swasm_chost_resource_t udp_res[] = {
  {"udp-socket", no_dtor}, {"incoming-datagram-stream", no_dtor},
  {"outgoing-datagram-stream", no_dtor},
};

bool w2_net_hosts(swasm_wasi2_t *w) {
  return w2_add_host(w, "wasi:sockets/network" W2_AT, network_fns, 1, network_res, 1) &&
         w2_add_host(w, "wasi:sockets/instance-network" W2_AT, inet_fns, 1, NULL, 0) &&
         w2_add_host(w, "wasi:sockets/tcp-create-socket" W2_AT, tcp_create_fns, 1, NULL, 0) &&
         w2_add_host(w, "wasi:sockets/udp-create-socket" W2_AT, udp_create_fns, 1, NULL, 0) &&
         w2_add_host(w, "wasi:sockets/ip-name-lookup" W2_AT, lookup_fns, W2_N(lookup_fns),
                     lookup_res, 1) &&
         w2_add_host(w, "wasi:sockets/tcp" W2_AT, tcp_fns, W2_N(tcp_fns), tcp_res, 1) &&
         w2_add_host(w, "wasi:sockets/udp" W2_AT, udp_fns, W2_N(udp_fns), udp_res, 3);
}
