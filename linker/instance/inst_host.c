/* inst_host.c - the outermost component's imports bound to host interfaces: an instance
 * import is matched to a swasm_chost_t by interface name and semver (as Wasmtime does: the
 * same major version, and for 0.x the same minor, are interchangeable), each function it
 * exports becomes a host lk_func_t, and each resource type a host lk_rtype_t. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inst.h"

typedef struct semver {
  unsigned long major, minor, patch;
  bool pre;                        /* a pre-release or build suffix: only equal text matches */
} semver_t;

static bool parse_num(const char **s, unsigned long *out) {
  if (**s < '0' || **s > '9') return false;
  char *end;
  *out = strtoul(*s, &end, 10);
  *s = end;
  return true;
}

static bool parse_semver(const char *s, semver_t *v) {
  memset(v, 0, sizeof *v);
  if (!parse_num(&s, &v->major) || *s++ != '.' || !parse_num(&s, &v->minor) || *s++ != '.' ||
      !parse_num(&s, &v->patch))
    return false;
  v->pre = *s != 0;
  return *s == 0 || *s == '-' || *s == '+';
}

bool ci_iface_match(const char *import, const char *provided) {
  if (strcmp(import, provided) == 0) return true;
  const char *ia = strchr(import, '@'), *pa = strchr(provided, '@');
  if (!ia || !pa || ia - import != pa - provided ||
      strncmp(import, provided, (size_t)(ia - import)) != 0)
    return false;
  semver_t a, b;
  if (!parse_semver(ia + 1, &a) || !parse_semver(pa + 1, &b) || a.pre || b.pre) return false;
  if (a.major != b.major) return false;
  if (a.major > 0) return true;
  if (a.minor != b.minor) return false;
  return a.minor > 0 || a.patch == b.patch;
}

static const swasm_chost_t *find_host(const swasm_link_opts_t *o, const char *name) {
  for (uint32_t i = 0; i < o->nhosts; i++)
    if (o->hosts[i] && strcmp(o->hosts[i]->name, name) == 0) return o->hosts[i];
  for (uint32_t i = 0; i < o->nhosts; i++)
    if (o->hosts[i] && ci_iface_match(name, o->hosts[i]->name)) return o->hosts[i];
  return NULL;
}

static bool host_func(ci_frame_t *f, const swasm_chost_t *h, const char *iface,
                      const swasm_cm_entity_t *e, ci_val_t *out, swasm_error_t *err) {
  const swasm_chost_func_t *hf = NULL;
  for (uint32_t i = 0; i < h->nfuncs && !hf; i++)
    if (strcmp(h->funcs[i].name, e->name) == 0) hf = &h->funcs[i];
  if (!hf || !hf->fn) return ci_fail(err, "host has no function %s in %s", e->name, iface);
  lk_func_t *fn = ci_alloc(f->root, sizeof *fn);
  size_t n = strlen(iface) + strlen(e->name) + 2;
  char *name = ci_alloc(f->root, n);
  if (!fn || !name) return ci_fail(err, "out of memory");
  snprintf(name, n, "%s#%s", iface, e->name);
  fn->type = e->type;
  fn->is_host = true;
  fn->host_fn = hf->fn;
  fn->host_env = h->env;
  fn->name = name;
  out->func = fn;
  return true;
}

static bool host_resource(ci_frame_t *f, const swasm_chost_t *h, const char *iface,
                          const swasm_cm_entity_t *e, ci_val_t *out, swasm_error_t *err) {
  out->type = e->type;
  if (!e->type || e->type->kind != SWASM_CM_RESOURCE) return true;   /* a named value type */
  /* (eq R) of a resource another import brought (wasi:io/streams' error): already bound. */
  if ((out->rt = lk_rtype_of(&f->lk, e->type->resource))) return true;
  const swasm_chost_resource_t *hr = NULL;
  for (uint32_t i = 0; i < h->nresources && !hr; i++)
    if (strcmp(h->resources[i].name, e->name) == 0) hr = &h->resources[i];
  if (!hr) return ci_fail(err, "host has no resource %s in %s", e->name, iface);
  lk_rtype_t *rt = ci_alloc(f->root, sizeof *rt);
  if (!rt) return ci_fail(err, "out of memory");
  rt->host = hr;
  rt->host_env = h->env;
  rt->name = hr->name;
  out->rt = rt;
  return true;
}

bool ci_host_import(ci_frame_t *f, const swasm_cm_import_t *im, const swasm_cm_entity_t *e,
                    ci_val_t *out, swasm_error_t *err) {
  const char *name = im->name.name;
  memset(out, 0, sizeof *out);
  out->sort = e->sort;
  /* A type import that is not a resource only names a type: nothing to provide. */
  if (e->sort == SWASM_CM_TYPE && e->type && e->type->kind != SWASM_CM_RESOURCE) return true;
  if (e->sort != SWASM_CM_INSTANCE || !e->type || e->type->kind != SWASM_CM_INSTANCETYPE)
    return ci_fail(err, "unknown import %s: hosts provide only interfaces (instances), not a %s",
                   name, swasm_cm_sort_name(e->sort));
  const swasm_chost_t *h = find_host(&f->root->opts, name);
  if (!h) return ci_fail(err, "unknown import %s", name);
  const swasm_cm_type_t *it = e->type;
  ci_cinst_t *ci = ci_alloc(f->root, sizeof *ci);
  ci_export_t *xs = ci ? ci_alloc(f->root, (size_t)it->nexports * sizeof *xs) : NULL;
  if (!xs) return ci_fail(err, "out of memory");
  for (uint32_t i = 0; i < it->nexports; i++) {
    const swasm_cm_entity_t *x = &it->exports[i];
    xs[i].name = x->name;
    xs[i].v.sort = x->sort;
    bool ok;
    if (x->sort == SWASM_CM_FUNC) ok = host_func(f, h, name, x, &xs[i].v, err);
    else if (x->sort == SWASM_CM_TYPE) ok = host_resource(f, h, name, x, &xs[i].v, err);
    else ok = ci_fail(err, "import %s: a host cannot provide the %s export `%s`", name,
                      swasm_cm_sort_name(x->sort), x->name);
    if (!ok) return false;
  }
  ci->n = it->nexports;
  ci->exports = xs;
  out->inst = ci;
  return true;
}
