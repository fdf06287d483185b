/* w2_io.c - wasi:io for WASI 0.2: the error resource, pollables with poll, and input and
 * output streams over the standard streams and files (through preview 1 fds). */
#include "w2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- making objects ---- */

uint32_t w2_new_input(swasm_wasi2_t *w, int kind, uint32_t fd, uint64_t offset,
                      swasm_error_t *err) {
  w2_input_t *s = calloc(1, sizeof *s);
  if (!s || !w2_fd_ref(w, fd)) {
    free(s);
    w2_trap(err, "out of memory");
    return 0;
  }
  s->kind = kind;
  s->fd = fd;
  s->offset = offset;
  uint32_t rep = w2_add(w, W2_T_INPUT, s, err);
  if (!rep)
    w2_fd_unref(w, fd);
  return rep;
}

uint32_t w2_new_output(swasm_wasi2_t *w, int kind, uint32_t fd, uint64_t offset,
                       swasm_error_t *err) {
  w2_output_t *s = calloc(1, sizeof *s);
  if (!s || !w2_fd_ref(w, fd)) {
    free(s);
    w2_trap(err, "out of memory");
    return 0;
  }
  s->kind = kind;
  s->fd = fd;
  s->offset = offset;
  uint32_t rep = w2_add(w, W2_T_OUTPUT, s, err);
  if (!rep)
    w2_fd_unref(w, fd);
  return rep;
}

/* A pollable of an fd holds no reference: WASI 0.2 drops pollables before their streams. */
uint32_t w2_new_pollable(swasm_wasi2_t *w, int kind, uint64_t deadline, uint32_t fd,
                         swasm_error_t *err) {
  w2_pollable_t *p = calloc(1, sizeof *p);
  if (p) {
    p->kind = kind;
    p->deadline = deadline;
    p->fd = fd;
  }
  return w2_add(w, W2_T_POLLABLE, p, err);
}

static void input_dtor(void *env, uint32_t rep) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_input_t *s = w2_tab_get(&w->tabs[W2_T_INPUT], rep);
  if (s)
    w2_fd_unref(w, s->fd);
  w2_tab_del(&w->tabs[W2_T_INPUT], rep);
}

static void output_dtor(void *env, uint32_t rep) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_output_t *s = w2_tab_get(&w->tabs[W2_T_OUTPUT], rep);
  if (s)
    w2_fd_unref(w, s->fd);
  w2_tab_del(&w->tabs[W2_T_OUTPUT], rep);
}

static void error_dtor(void *env, uint32_t rep) { w2_tab_del(&W2_ENV(env)->tabs[W2_T_ERROR], rep); }
static void pollable_dtor(void *env, uint32_t rep) {
  w2_tab_del(&W2_ENV(env)->tabs[W2_T_POLLABLE], rep);
}

/* ---- wasi:io/error ---- */

W2_HOSTFN(error_to_debug_string) {
  w2_errobj_t *e = w2_get(W2_ENV(env), W2_T_ERROR, args[0].u.handle, err);
  return e && w2_string(result, e->msg, strlen(e->msg), arena, err);
}

/* ---- stream-error ---- */

/* *r = err(stream-error): closed for a broken pipe, else last-operation-failed(error). */
static bool stream_fail(swasm_wasi2_t *w, swasm_cval_t *r, int p1errno, swasm_carena_t *a,
                        swasm_error_t *err) {
  swasm_cval_t se;
  if (p1errno == W2_E_PIPE) {
    se.u.var.index = 1;
    se.u.var.payload = NULL;
  } else {
    w2_errobj_t *e = calloc(1, sizeof *e);
    if (e) {
      e->code = (int)w2_errcode(p1errno);
      snprintf(e->msg, sizeof e->msg, "I/O error (WASI errno %d)", p1errno);
    }
    uint32_t rep = w2_add(w, W2_T_ERROR, e, err);
    if (!rep)
      return false;
    swasm_cval_t h = w2_handle(rep);
    if (!w2_case(&se, 0, &h, a, err))
      return false;
  }
  return w2_case(r, 1, &se, a, err);
}

static bool stream_closed(swasm_cval_t *r, swasm_carena_t *a, swasm_error_t *err) {
  swasm_cval_t se;
  se.u.var.index = 1;
  se.u.var.payload = NULL;
  return w2_case(r, 1, &se, a, err);
}

/* ---- input-stream ---- */

/* Reads up to len bytes (what one preview 1 call gives) into the data area. */
static int input_read(swasm_wasi2_t *w, w2_input_t *s, uint64_t len, uint32_t *n) {
  uint32_t want = len > W2_M_DATA_SIZE ? W2_M_DATA_SIZE : (uint32_t)len;
  int e = s->kind == W2_IN_FILE ? w2_p1_io(w, W2_P1_fd_pread, s->fd, s->offset, want, n)
                                : w2_p1_io(w, W2_P1_fd_read, s->fd, 0, want, n);
  if (e == W2_E_SUCCESS) {
    s->offset += *n;
    if (*n == 0 && want > 0)
      s->closed = true;
  }
  return e;
}

static bool do_read(void *env, const swasm_cval_t *args, swasm_cval_t *result,
                    swasm_carena_t *arena, swasm_error_t *err, bool skip) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_input_t *s = w2_get(w, W2_T_INPUT, args[0].u.handle, err);
  if (!s)
    return false;
  if (s->closed)
    return stream_closed(result, arena, err);
  uint32_t n;
  int e = input_read(w, s, args[1].u.u, &n);
  if (e != W2_E_SUCCESS)
    return stream_fail(w, result, e, arena, err);
  if (s->closed)
    return stream_closed(result, arena, err);
  swasm_cval_t v;
  if (skip)
    v.u.u = n;
  else if (!w2_bytes(&v, w2_mem(w, W2_M_DATA), n, arena, err))
    return false;
  return w2_case(result, 0, &v, arena, err);
}

/* Reads block until some bytes are there; files and the standard input do both. */
W2_HOSTFN(input_read_fn) { return do_read(env, args, result, arena, err, false); }
W2_HOSTFN(input_skip) { return do_read(env, args, result, arena, err, true); }

W2_HOSTFN(input_subscribe) {
  (void)arena;
  swasm_wasi2_t *w = W2_ENV(env);
  w2_input_t *s = w2_get(w, W2_T_INPUT, args[0].u.handle, err);
  if (!s)
    return false;
  int kind = s->kind == W2_IN_STDIN ? W2_POLL_FD_READ : W2_POLL_READY;
  result->u.handle = w2_new_pollable(w, kind, 0, s->fd, err);
  return result->u.handle != 0;
}

/* ---- output-stream ---- */

/* How much a write may carry: what one preview 1 call takes. */
W2_HOSTFN(output_check_write) {
  swasm_wasi2_t *w = W2_ENV(env);
  if (!w2_get(w, W2_T_OUTPUT, args[0].u.handle, err))
    return false;
  swasm_cval_t v = w2_u(W2_M_DATA_SIZE);
  return w2_case(result, 0, &v, arena, err);
}

/* Writes the data area's first n bytes whole (short writes are continued); an errno. */
static int write_area(swasm_wasi2_t *w, w2_output_t *s, uint32_t n) {
  for (uint32_t off = 0; off < n;) {
    int e;
    if (s->kind == W2_OUT_APPEND) {
      e = w2_p1(w, W2_P1_fd_filestat_get, (uint64_t[]){s->fd, W2_M_OUT});
      if (e != W2_E_SUCCESS)
        return e;
      s->offset = w2_ld64(w2_mem(w, W2_M_OUT + 32));
    }
    w2_st32(w2_mem(w, W2_M_IOV), W2_M_DATA + off);
    w2_st32(w2_mem(w, W2_M_IOV + 4), n - off);
    if (s->kind == W2_OUT_STREAM)
      e = w2_p1(w, W2_P1_fd_write, (uint64_t[]){s->fd, W2_M_IOV, 1, W2_M_OUT});
    else
      e = w2_p1(w, W2_P1_fd_pwrite, (uint64_t[]){s->fd, W2_M_IOV, 1, s->offset, W2_M_OUT});
    if (e != W2_E_SUCCESS)
      return e;
    uint32_t wrote = w2_ld32(w2_mem(w, W2_M_OUT));
    if (wrote == 0 || wrote > n - off)
      return W2_E_IO;
    s->offset += wrote;
    off += wrote;
  }
  return W2_E_SUCCESS;
}

/* Writes data[0..n) whole (data NULL: zeroes), a data area at a time; an errno. */
static int output_put(swasm_wasi2_t *w, w2_output_t *s, const swasm_cval_t *data, uint64_t n) {
  for (uint64_t done = 0; done < n;) {
    uint32_t chunk = n - done > W2_M_DATA_SIZE ? W2_M_DATA_SIZE : (uint32_t)(n - done);
    uint8_t *buf = w2_mem(w, W2_M_DATA);
    for (uint32_t i = 0; i < chunk; i++)
      buf[i] = data ? (uint8_t)data[done + i].u.u : 0;
    int e = write_area(w, s, chunk);
    if (e != W2_E_SUCCESS)
      return e;
    done += chunk;
  }
  return W2_E_SUCCESS;
}

static bool do_write(void *env, const swasm_cval_t *self, const swasm_cval_t *data, uint64_t n,
                     swasm_cval_t *result, swasm_carena_t *arena, swasm_error_t *err) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_output_t *s = w2_get(w, W2_T_OUTPUT, self->u.handle, err);
  if (!s)
    return false;
  int e = output_put(w, s, data, n);
  if (e != W2_E_SUCCESS)
    return stream_fail(w, result, e, arena, err);
  return w2_ok_unit(result);
}

/* Writes are not buffered: write, blocking-write-and-flush and the flushes are the same. */
W2_HOSTFN(output_write) {
  return do_write(env, &args[0], args[1].u.list.items, args[1].u.list.n, result, arena, err);
}

W2_HOSTFN(output_write_zeroes) {
  return do_write(env, &args[0], NULL, args[1].u.u, result, arena, err);
}

W2_HOSTFN(output_flush) {
  return do_write(env, &args[0], NULL, 0, result, arena, err);
}

W2_HOSTFN(output_subscribe) {
  (void)arena;
  swasm_wasi2_t *w = W2_ENV(env);
  if (!w2_get(w, W2_T_OUTPUT, args[0].u.handle, err))
    return false;
  result->u.handle = w2_new_pollable(w, W2_POLL_READY, 0, 0, err);
  return result->u.handle != 0;
}

/* splice(src, len) -> result<u64, stream-error>: one read of up to len, written whole. */
W2_HOSTFN(output_splice) {
  swasm_wasi2_t *w = W2_ENV(env);
  w2_output_t *o = w2_get(w, W2_T_OUTPUT, args[0].u.handle, err);
  w2_input_t *in = o ? w2_get(w, W2_T_INPUT, args[1].u.handle, err) : NULL;
  if (!in)
    return false;
  if (in->closed)
    return stream_closed(result, arena, err);
  uint32_t n;
  int e = input_read(w, in, args[2].u.u, &n);
  if (e != W2_E_SUCCESS)
    return stream_fail(w, result, e, arena, err);
  if (in->closed)
    return stream_closed(result, arena, err);
  e = write_area(w, o, n);
  if (e != W2_E_SUCCESS)
    return stream_fail(w, result, e, arena, err);
  swasm_cval_t v = w2_u(n);
  return w2_case(result, 0, &v, arena, err);
}

/* ---- wasi:io/poll ---- */

enum { MAX_POLL = 10000, SUB_SIZE = 48, EVENT_SIZE = 32 };

/* Marks ready[i] for the pollables reps[0..n) that are ready; block: waits until one is. */
static bool poll_reps(swasm_wasi2_t *w, const uint32_t *reps, uint32_t n, bool *ready,
                      bool block, swasm_error_t *err) {
  if (n == 0 || n > MAX_POLL)
    return w2_trap(err, n ? "poll: too many pollables" : "poll: empty list");
  uint64_t now = w2_monotonic_now();
  bool any = false;
  uint32_t nsubs = 0;
  uint8_t *subs = w2_mem(w, W2_M_DATA);
  for (uint32_t i = 0; i < n; i++) {
    w2_pollable_t *p = w2_get(w, W2_T_POLLABLE, reps[i], err);
    if (!p)
      return false;
    ready[i] = p->kind == W2_POLL_READY || (p->kind == W2_POLL_CLOCK && now >= p->deadline);
    any |= ready[i];
    if (ready[i])
      continue;
    uint8_t *s = subs + (size_t)nsubs++ * SUB_SIZE;
    memset(s, 0, SUB_SIZE);
    w2_st64(s, i);
    if (p->kind == W2_POLL_CLOCK) {
      s[8] = 0;                       /* clock */
      w2_st32(s + 16, 1);             /* monotonic */
      w2_st64(s + 24, p->deadline);
      s[40] = 1;                      /* absolute */
    } else {
      s[8] = 1;                       /* fd_read */
      w2_st32(s + 16, p->fd);
    }
  }
  if (nsubs == 0 || any)
    return true;
  if (!block) { /* only look: a relative timeout of 0 */
    uint8_t *s = subs + (size_t)nsubs++ * SUB_SIZE;
    memset(s, 0, SUB_SIZE);
    w2_st64(s, UINT64_MAX);
    w2_st32(s + 16, 1);
  }
  uint32_t events = W2_M_DATA + nsubs * SUB_SIZE;
  int e = w2_p1(w, W2_P1_poll_oneoff, (uint64_t[]){W2_M_DATA, events, nsubs, W2_M_OUT});
  if (e != W2_E_SUCCESS)
    return w2_trap(err, "poll: the host's poll failed");
  uint32_t nev = w2_ld32(w2_mem(w, W2_M_OUT));
  for (uint32_t k = 0; k < nev && k < nsubs; k++) {
    uint64_t i = w2_ld64(w2_mem(w, events + k * EVENT_SIZE));
    if (i < n)
      ready[i] = true;
  }
  return true;
}

W2_HOSTFN(pollable_ready) {
  (void)arena;
  bool r;
  if (!poll_reps(W2_ENV(env), &args[0].u.handle, 1, &r, false, err))
    return false;
  result->u.b = r;
  return true;
}

W2_HOSTFN(pollable_block) {
  (void)result; (void)arena;
  bool r = false;
  while (!r)
    if (!poll_reps(W2_ENV(env), &args[0].u.handle, 1, &r, true, err))
      return false;
  return true;
}

W2_HOSTFN(poll_fn) {
  uint32_t n = args[0].u.list.n;
  if (n == 0 || n > MAX_POLL)
    return w2_trap(err, n ? "poll: too many pollables" : "poll: empty list");
  uint32_t *reps = swasm_carena_alloc(arena, n * sizeof *reps);
  bool *ready = swasm_carena_alloc(arena, n * sizeof *ready);
  swasm_cval_t *out = swasm_carena_alloc(arena, n * sizeof *out);
  if (!reps || !ready || !out)
    return w2_trap(err, "out of memory");
  for (uint32_t i = 0; i < n; i++)
    reps[i] = args[0].u.list.items[i].u.handle;
  uint32_t k = 0;
  while (k == 0) {
    if (!poll_reps(W2_ENV(env), reps, n, ready, true, err))
      return false;
    for (uint32_t i = 0; i < n; i++)
      if (ready[i])
        out[k++].u.u = i;
  }
  result->u.list.items = out;
  result->u.list.n = k;
  return true;
}

/* ---- the interfaces ---- */

static const swasm_chost_func_t error_fns[] = {
  {"[method]error.to-debug-string", error_to_debug_string},
};
static const swasm_chost_resource_t error_res[] = {{"error", error_dtor}};
static const swasm_chost_func_t poll_fns[] = {
  {"[method]pollable.ready", pollable_ready}, {"[method]pollable.block", pollable_block},
  {"poll", poll_fn},
};
static const swasm_chost_resource_t poll_res[] = {{"pollable", pollable_dtor}};
static const swasm_chost_func_t streams_fns[] = {
  {"[method]input-stream.read", input_read_fn},
  {"[method]input-stream.blocking-read", input_read_fn},
  {"[method]input-stream.skip", input_skip},
  {"[method]input-stream.blocking-skip", input_skip},
  {"[method]input-stream.subscribe", input_subscribe},
  {"[method]output-stream.check-write", output_check_write},
  {"[method]output-stream.write", output_write},
  {"[method]output-stream.blocking-write-and-flush", output_write},
  {"[method]output-stream.flush", output_flush},
  {"[method]output-stream.blocking-flush", output_flush},
  {"[method]output-stream.subscribe", output_subscribe},
  {"[method]output-stream.write-zeroes", output_write_zeroes},
  {"[method]output-stream.blocking-write-zeroes-and-flush", output_write_zeroes},
  {"[method]output-stream.splice", output_splice},
  {"[method]output-stream.blocking-splice", output_splice},
};
static const swasm_chost_resource_t streams_res[] = {
  {"input-stream", input_dtor}, {"output-stream", output_dtor},
};

bool w2_io_hosts(swasm_wasi2_t *w) {
  return w2_add_host(w, "wasi:io/error" W2_AT, error_fns, W2_N(error_fns), error_res, 1) &&
         w2_add_host(w, "wasi:io/poll" W2_AT, poll_fns, W2_N(poll_fns), poll_res, 1) &&
         w2_add_host(w, "wasi:io/streams" W2_AT, streams_fns, W2_N(streams_fns), streams_res, 2);
}
