/* wasi2.c - the WASI 0.2 host interfaces a wasi:cli/command component imports: creation,
 * the resource tables, and the helpers that build component values. */
#include "w2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- resource tables ---- */

uint32_t w2_tab_add(w2_tab_t *t, void *item) {
  for (uint32_t i = 0; i < t->n; i++)
    if (!t->items[i]) {
      t->items[i] = item;
      return i + 1;
    }
  if (t->n == t->cap) {
    uint32_t cap = t->cap ? t->cap * 2 : 16;
    void **p = cap > t->cap ? realloc(t->items, (size_t)cap * sizeof *p) : NULL;
    if (!p) {
      free(item);
      return 0;
    }
    t->items = p;
    t->cap = cap;
  }
  t->items[t->n++] = item;
  return t->n;
}

void *w2_tab_get(const w2_tab_t *t, uint32_t rep) {
  return rep >= 1 && rep <= t->n ? t->items[rep - 1] : NULL;
}

void w2_tab_del(w2_tab_t *t, uint32_t rep) {
  if (rep < 1 || rep > t->n)
    return;
  free(t->items[rep - 1]);
  t->items[rep - 1] = NULL;
}

void w2_tab_free(w2_tab_t *t) {
  for (uint32_t i = 0; i < t->n; i++)
    free(t->items[i]);
  free(t->items);
  memset(t, 0, sizeof *t);
}

static const char *const tab_names[W2_T_N] = {
  "input-stream", "output-stream", "error", "pollable", "descriptor", "directory-entry-stream"
};

void *w2_get(swasm_wasi2_t *w, int t, uint32_t rep, swasm_error_t *err) {
  void *p = w2_tab_get(&w->tabs[t], rep);
  if (!p) {
    char msg[96];
    snprintf(msg, sizeof msg, "unknown %s handle (rep %u)", tab_names[t], rep);
    w2_trap(err, msg);
  }
  return p;
}

uint32_t w2_add(swasm_wasi2_t *w, int t, void *item, swasm_error_t *err) {
  uint32_t rep = item ? w2_tab_add(&w->tabs[t], item) : 0;
  if (!rep)
    w2_trap(err, "out of memory");
  return rep;
}

/* ---- values ---- */

bool w2_trap(swasm_error_t *err, const char *msg) {
  if (err) {
    memset(err, 0, sizeof *err);
    err->trap = SWASM_TRAP_HOST;
    snprintf(err->message, sizeof err->message, "%s", msg);
  }
  return false;
}

swasm_cval_t *w2_box(swasm_carena_t *a, swasm_cval_t v) {
  swasm_cval_t *p = swasm_carena_alloc(a, sizeof *p);
  if (p)
    *p = v;
  return p;
}

bool w2_case(swasm_cval_t *r, uint32_t index, const swasm_cval_t *p, swasm_carena_t *a,
             swasm_error_t *err) {
  r->u.var.index = index;
  r->u.var.payload = NULL;
  if (p && !(r->u.var.payload = w2_box(a, *p)))
    return w2_trap(err, "out of memory");
  return true;
}

bool w2_ok_unit(swasm_cval_t *r) {
  r->u.var.index = 0;
  r->u.var.payload = NULL;
  return true;
}

bool w2_err_code(swasm_cval_t *r, int p1errno, swasm_carena_t *a, swasm_error_t *err) {
  swasm_cval_t code = w2_u(w2_errcode(p1errno));
  return w2_case(r, 1, &code, a, err);
}

bool w2_bytes(swasm_cval_t *out, const uint8_t *data, uint32_t n, swasm_carena_t *a,
              swasm_error_t *err) {
  out->u.list.n = n;
  out->u.list.items = NULL;
  if (!n)
    return true;
  swasm_cval_t *items = swasm_carena_alloc(a, (size_t)n * sizeof *items);
  if (!items)
    return w2_trap(err, "out of memory");
  for (uint32_t i = 0; i < n; i++)
    items[i].u.u = data[i];
  out->u.list.items = items;
  return true;
}

bool w2_string(swasm_cval_t *out, const char *s, size_t len, swasm_carena_t *a,
               swasm_error_t *err) {
  char *p = swasm_carena_alloc(a, len + 1);
  if (!p)
    return w2_trap(err, "out of memory");
  memcpy(p, s, len);
  out->u.str.ptr = p;
  out->u.str.len = len;
  return true;
}

bool w2_datetime(swasm_cval_t *r, uint64_t ns, swasm_carena_t *a, swasm_error_t *err) {
  swasm_cval_t *f = swasm_carena_alloc(a, 2 * sizeof *f);
  if (!f)
    return w2_trap(err, "out of memory");
  f[0].u.u = ns / 1000000000u;
  f[1].u.u = ns % 1000000000u;
  r->u.list.items = f;
  r->u.list.n = 2;
  return true;
}

/* ---- interfaces ---- */

bool w2_add_host(swasm_wasi2_t *w, const char *name, const swasm_chost_func_t *f, uint32_t nf,
                 const swasm_chost_resource_t *r, uint32_t nr) {
  if (w->nhosts == W2_MAX_HOSTS)
    return false;
  swasm_chost_t *h = &w->hosts[w->nhosts];
  h->name = name;
  h->funcs = f;
  h->nfuncs = nf;
  h->resources = r;
  h->nresources = nr;
  h->env = w;
  w->hostp[w->nhosts++] = h;
  return true;
}

swasm_wasi2_t *swasm_wasi2_new(const swasm_wasi_config_t *cfg, swasm_error_t *err) {
  swasm_wasi2_t *w = calloc(1, sizeof *w);
  if (!w) {
    w2_trap(err, "out of memory");
    return NULL;
  }
  if (!w2_p1_init(w, cfg, err)) {
    swasm_wasi2_free(w);
    return NULL;
  }
  if (!w2_cli_hosts(w) || !w2_io_hosts(w) || !w2_fs_hosts(w) || !w2_net_hosts(w)) {
    w2_trap(err, "WASI 0.2: too many host interfaces");
    swasm_wasi2_free(w);
    return NULL;
  }
  if (err)
    memset(err, 0, sizeof *err);
  return w;
}

swasm_chost_t *const *swasm_wasi2_hosts(swasm_wasi2_t *w, uint32_t *n) {
  *n = w->nhosts;
  return w->hostp;
}

void swasm_wasi2_free(swasm_wasi2_t *w) {
  if (!w)
    return;
  for (int t = 0; t < W2_T_N; t++)
    w2_tab_free(&w->tabs[t]);
  w2_p1_free(w);
  free(w);
}
