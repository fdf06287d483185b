/* w2_cli.c - wasi:cli (environment, exit, standard streams, terminals), wasi:clocks and
 * wasi:random for WASI 0.2: what a command sees of its process besides files. */
#include "w2.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* ---- wasi:cli/environment ---- */

W2_HOSTFN(get_arguments) {
  (void)args;
  swasm_wasi2_t *w = W2_ENV(env);
  swasm_cval_t *items = w->argc ? swasm_carena_alloc(arena, w->argc * sizeof *items) : NULL;
  if (w->argc && !items)
    return w2_trap(err, "out of memory");
  for (uint32_t i = 0; i < w->argc; i++)
    if (!w2_string(&items[i], w->argv[i], strlen(w->argv[i]), arena, err))
      return false;
  result->u.list.items = items;
  result->u.list.n = w->argc;
  return true;
}

W2_HOSTFN(get_environment) {
  (void)args;
  swasm_wasi2_t *w = W2_ENV(env);
  swasm_cval_t *items = w->nenv ? swasm_carena_alloc(arena, w->nenv * sizeof *items) : NULL;
  swasm_cval_t *pairs = w->nenv ? swasm_carena_alloc(arena, 2 * w->nenv * sizeof *pairs) : NULL;
  if (w->nenv && (!items || !pairs))
    return w2_trap(err, "out of memory");
  for (uint32_t i = 0; i < w->nenv; i++) {
    const char *s = w->env[i], *eq = strchr(s, '=');
    size_t nlen = eq ? (size_t)(eq - s) : strlen(s);
    const char *val = eq ? eq + 1 : "";
    if (!w2_string(&pairs[2 * i], s, nlen, arena, err) ||
        !w2_string(&pairs[2 * i + 1], val, strlen(val), arena, err))
      return false;
    items[i].u.list.items = &pairs[2 * i];
    items[i].u.list.n = 2;
  }
  result->u.list.items = items;
  result->u.list.n = w->nenv;
  return true;
}

/* The guest has no working directory of the host's: none. */
W2_HOSTFN(initial_cwd) {
  (void)env; (void)args; (void)arena; (void)err;
  return w2_case(result, 0, NULL, arena, err);
}

/* ---- wasi:cli/exit ---- */

static bool exit_with(int code, swasm_error_t *err) {
  memset(err, 0, sizeof *err);
  err->trap = SWASM_TRAP_EXIT;
  err->exit_code = code;
  strcpy(err->message, "exit");
  return false;
}

W2_HOSTFN(exit_fn) {
  (void)env; (void)result; (void)arena;
  return exit_with(args[0].u.var.index == 0 ? 0 : 1, err);
}

W2_HOSTFN(exit_with_code) {
  (void)env; (void)result; (void)arena;
  return exit_with((int)(args[0].u.u & 0xff), err);
}

/* ---- wasi:cli/stdin, stdout, stderr, terminal-* ---- */

W2_HOSTFN(get_stdin) {
  (void)args; (void)arena;
  uint32_t rep = w2_new_input(W2_ENV(env), W2_IN_STDIN, 0, 0, err);
  result->u.handle = rep;
  return rep != 0;
}

W2_HOSTFN(get_stdout) {
  (void)args; (void)arena;
  uint32_t rep = w2_new_output(W2_ENV(env), W2_OUT_STREAM, 1, 0, err);
  result->u.handle = rep;
  return rep != 0;
}

W2_HOSTFN(get_stderr) {
  (void)args; (void)arena;
  uint32_t rep = w2_new_output(W2_ENV(env), W2_OUT_STREAM, 2, 0, err);
  result->u.handle = rep;
  return rep != 0;
}

/* No stream is presented as a terminal: terminals would be a capability of their own. */
W2_HOSTFN(get_terminal_none) {
  (void)env; (void)args;
  return w2_case(result, 0, NULL, arena, err);
}

static void terminal_dtor(void *env, uint32_t rep) { (void)env; (void)rep; }

/* ---- wasi:clocks ---- */

static uint64_t clock_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t w2_monotonic_now(void) { return clock_ns(CLOCK_MONOTONIC); }

static uint64_t clock_res_ns(clockid_t id) {
  struct timespec ts;
  if (clock_getres(id, &ts) != 0)
    return 1;
  uint64_t r = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  return r ? r : 1;
}

W2_HOSTFN(wall_now) {
  (void)env; (void)args;
  return w2_datetime(result, clock_ns(CLOCK_REALTIME), arena, err);
}

W2_HOSTFN(wall_resolution) {
  (void)env; (void)args;
  return w2_datetime(result, clock_res_ns(CLOCK_REALTIME), arena, err);
}

W2_HOSTFN(mono_now) {
  (void)env; (void)args; (void)arena; (void)err;
  result->u.u = w2_monotonic_now();
  return true;
}

W2_HOSTFN(mono_resolution) {
  (void)env; (void)args; (void)arena; (void)err;
  result->u.u = clock_res_ns(CLOCK_MONOTONIC);
  return true;
}

W2_HOSTFN(subscribe_instant) {
  (void)arena;
  result->u.handle = w2_new_pollable(W2_ENV(env), W2_POLL_CLOCK, args[0].u.u, 0, err);
  return result->u.handle != 0;
}

W2_HOSTFN(subscribe_duration) {
  (void)arena;
  uint64_t now = w2_monotonic_now(), d = args[0].u.u;
  uint64_t when = d > UINT64_MAX - now ? UINT64_MAX : now + d;
  result->u.handle = w2_new_pollable(W2_ENV(env), W2_POLL_CLOCK, when, 0, err);
  return result->u.handle != 0;
}

/* ---- wasi:random ---- */

static void fill_random(uint8_t *p, size_t n) {
  while (n) {
    ssize_t got = getrandom(p, n, 0);
    if (got <= 0)
      continue; /* EINTR; the kernel's pool never runs dry once initialised */
    p += got;
    n -= (size_t)got;
  }
}

/* At most 4 MiB a call: more would let a guest exhaust the host's memory. */
W2_HOSTFN(random_bytes) {
  (void)env;
  uint64_t n = args[0].u.u;
  if (n > (4u << 20))
    return w2_trap(err, "get-random-bytes: length too large");
  uint8_t *buf = swasm_carena_alloc(arena, n ? n : 1);
  if (!buf)
    return w2_trap(err, "out of memory");
  fill_random(buf, n);
  return w2_bytes(result, buf, (uint32_t)n, arena, err);
}

W2_HOSTFN(random_u64) {
  (void)env; (void)args; (void)arena; (void)err;
  uint64_t v;
  fill_random((uint8_t *)&v, sizeof v);
  result->u.u = v;
  return true;
}

W2_HOSTFN(insecure_seed) {
  (void)env; (void)args;
  swasm_cval_t *f = swasm_carena_alloc(arena, 2 * sizeof *f);
  if (!f)
    return w2_trap(err, "out of memory");
  uint64_t v[2];
  fill_random((uint8_t *)v, sizeof v);
  f[0].u.u = v[0];
  f[1].u.u = v[1];
  result->u.list.items = f;
  result->u.list.n = 2;
  return true;
}

/* ---- the interfaces ---- */

static const swasm_chost_func_t environment_fns[] = {
  {"get-environment", get_environment}, {"get-arguments", get_arguments},
  {"initial-cwd", initial_cwd},
};
static const swasm_chost_func_t exit_fns[] = {
  {"exit", exit_fn}, {"exit-with-code", exit_with_code},
};
static const swasm_chost_func_t stdin_fns[] = {{"get-stdin", get_stdin}};
static const swasm_chost_func_t stdout_fns[] = {{"get-stdout", get_stdout}};
static const swasm_chost_func_t stderr_fns[] = {{"get-stderr", get_stderr}};
static const swasm_chost_func_t tstdin_fns[] = {{"get-terminal-stdin", get_terminal_none}};
static const swasm_chost_func_t tstdout_fns[] = {{"get-terminal-stdout", get_terminal_none}};
static const swasm_chost_func_t tstderr_fns[] = {{"get-terminal-stderr", get_terminal_none}};
static const swasm_chost_resource_t tin_res[] = {{"terminal-input", terminal_dtor}};
static const swasm_chost_resource_t tout_res[] = {{"terminal-output", terminal_dtor}};
static const swasm_chost_func_t wall_fns[] = {
  {"now", wall_now}, {"resolution", wall_resolution},
};
static const swasm_chost_func_t mono_fns[] = {
  {"now", mono_now}, {"resolution", mono_resolution},
  {"subscribe-instant", subscribe_instant}, {"subscribe-duration", subscribe_duration},
};
static const swasm_chost_func_t random_fns[] = {
  {"get-random-bytes", random_bytes}, {"get-random-u64", random_u64},
};
static const swasm_chost_func_t insecure_fns[] = {
  {"get-insecure-random-bytes", random_bytes}, {"get-insecure-random-u64", random_u64},
};
static const swasm_chost_func_t seed_fns[] = {{"insecure-seed", insecure_seed}};

bool w2_cli_hosts(swasm_wasi2_t *w) {
  return w2_add_host(w, "wasi:cli/environment" W2_AT, environment_fns, W2_N(environment_fns),
                     NULL, 0) &&
         w2_add_host(w, "wasi:cli/exit" W2_AT, exit_fns, W2_N(exit_fns), NULL, 0) &&
         w2_add_host(w, "wasi:cli/stdin" W2_AT, stdin_fns, 1, NULL, 0) &&
         w2_add_host(w, "wasi:cli/stdout" W2_AT, stdout_fns, 1, NULL, 0) &&
         w2_add_host(w, "wasi:cli/stderr" W2_AT, stderr_fns, 1, NULL, 0) &&
         w2_add_host(w, "wasi:cli/terminal-input" W2_AT, NULL, 0, tin_res, 1) &&
         w2_add_host(w, "wasi:cli/terminal-output" W2_AT, NULL, 0, tout_res, 1) &&
         w2_add_host(w, "wasi:cli/terminal-stdin" W2_AT, tstdin_fns, 1, NULL, 0) &&
         w2_add_host(w, "wasi:cli/terminal-stdout" W2_AT, tstdout_fns, 1, NULL, 0) &&
         w2_add_host(w, "wasi:cli/terminal-stderr" W2_AT, tstderr_fns, 1, NULL, 0) &&
         w2_add_host(w, "wasi:clocks/wall-clock" W2_AT, wall_fns, W2_N(wall_fns), NULL, 0) &&
         w2_add_host(w, "wasi:clocks/monotonic-clock" W2_AT, mono_fns, W2_N(mono_fns), NULL, 0) &&
         w2_add_host(w, "wasi:random/random" W2_AT, random_fns, W2_N(random_fns), NULL, 0) &&
         w2_add_host(w, "wasi:random/insecure" W2_AT, insecure_fns, W2_N(insecure_fns), NULL, 0) &&
         w2_add_host(w, "wasi:random/insecure-seed" W2_AT, seed_fns, 1, NULL, 0);
}
