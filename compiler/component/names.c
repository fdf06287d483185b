/* names.c - component names: kebab-case labels, interface names with semantic versions,
 * [constructor]/[method]/[static] annotations and dependency names; strong uniqueness of
 * import and export names; the checks annotated functions must pass; labels of defined types. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cm.h"

/* ---- kebab case ------------------------------------------------------------------------- */

/* label ::= fragment ('-' fragment)*, every fragment all-lowercase or all-uppercase letters and
 * digits; the first fragment starts with a letter. words (namespaces, packages) allow no
 * uppercase. */
static bool kebab(const char *s, size_t n, bool allow_upper) {
  if (n == 0) return false;
  size_t i = 0;
  bool first = true;
  while (i <= n) {
    size_t start = i;
    bool lower = false, upper = false;
    while (i < n && s[i] != '-') {
      char c = s[i];
      if (c >= 'a' && c <= 'z') lower = true;
      else if (c >= 'A' && c <= 'Z') upper = true;
      else if (!(c >= '0' && c <= '9')) return false;
      i++;
    }
    if (i == start || (lower && upper) || (upper && !allow_upper)) return false;
    if (first && !isalpha((unsigned char)s[start])) return false;
    first = false;
    if (i == n) return true;
    i++;  /* the '-' */
    if (i == n) return false;
  }
  return true;
}

bool cm_is_kebab(const char *s, size_t n) { return kebab(s, n, true); }

static char *substr(cm_val_t *v, const char *s, size_t n) {
  char *c = cm_alloc(v, n + 1, 1);
  if (c) memcpy(c, s, n);
  return c;
}

/* ---- semantic versions ------------------------------------------------------------------ */

static bool semver_fail(cm_val_t *v, const char *name, const char *why, char c) {
  if (c) return cm_fail(v, SWASM_INVALID, v->offset, "`%s` is not a valid extern name: invalid "
                        "version: unexpected character '%c'", name, c);
  return cm_fail(v, SWASM_INVALID, v->offset, "`%s` is not a valid extern name: invalid version: %s",
                 name, why);
}

static bool number(cm_val_t *v, const char **p, const char *name) {
  const char *s = *p;
  if (!*s) return semver_fail(v, name, "unexpected end of input", 0);
  if (!isdigit((unsigned char)*s)) return semver_fail(v, name, NULL, *s);
  if (*s == '0' && isdigit((unsigned char)s[1]))
    return semver_fail(v, name, "invalid leading zero", 0);
  while (isdigit((unsigned char)*s)) s++;
  *p = s;
  return true;
}

static bool identifiers(cm_val_t *v, const char **p, const char *name, bool pre) {
  const char *s = *p;
  for (;;) {
    const char *start = s;
    bool digits = true;
    while (isalnum((unsigned char)*s) || *s == '-') {
      if (!isdigit((unsigned char)*s)) digits = false;
      s++;
    }
    if (s == start) return semver_fail(v, name, "empty identifier segment", 0);
    if (pre && digits && *start == '0' && s - start > 1)
      return semver_fail(v, name, "invalid leading zero", 0);
    if (*s != '.') break;
    s++;
  }
  *p = s;
  return true;
}

bool cm_semver_valid(cm_val_t *v, const char *s, const char *name) {
  if (!*s) return semver_fail(v, name, "empty string", 0);
  for (int part = 0; part < 3; part++) {
    if (!number(v, &s, name)) return false;
    if (part < 2) {
      if (!*s) return semver_fail(v, name, "unexpected end of input", 0);
      if (*s != '.') return semver_fail(v, name, NULL, *s);
      s++;
    }
  }
  if (*s == '-') {
    s++;
    if (!identifiers(v, &s, name, true)) return false;
  }
  if (*s == '+') {
    s++;
    if (!identifiers(v, &s, name, false)) return false;
  }
  if (*s) return semver_fail(v, name, NULL, *s);
  return true;
}

/* ---- parsing a name --------------------------------------------------------------------- */

static bool not_kebab(cm_val_t *v, const swasm_cm_name_t *name, const char *part, size_t n) {
  return cm_fail(v, SWASM_INVALID, v->offset, "`%s` is not a valid extern name: `%.*s` is not in "
                 "kebab case", name->name, (int)n, part);
}

static bool invalid_name(cm_val_t *v, const swasm_cm_name_t *n, const char *why) {
  return cm_fail(v, SWASM_INVALID, v->offset, "`%s` is not a valid extern name: %s", n->name, why);
}

/* ns:pkg/iface@version; nested namespaces and projections are future syntax. */
static bool interface_name(cm_val_t *v, swasm_cm_name_t *n) {
  const char *s = n->name, *colon = strchr(s, ':');
  if (!kebab(s, (size_t)(colon - s), true)) return not_kebab(v, n, s, (size_t)(colon - s));
  if (!kebab(s, (size_t)(colon - s), false))
    return invalid_name(v, n, "the namespace must be lowercase kebab case");
  const char *pkg = colon + 1;
  size_t plen = strcspn(pkg, ":/@");
  if (!kebab(pkg, plen, true)) return not_kebab(v, n, pkg, plen);
  if (!kebab(pkg, plen, false)) return invalid_name(v, n, "the package must be lowercase kebab case");
  if (pkg[plen] != '/')
    return cm_fail(v, SWASM_INVALID, v->offset, "`%s` is not a valid extern name: expected `/` "
                   "after package name", n->name);
  const char *iface = pkg + plen + 1;
  size_t ilen = strcspn(iface, "/@");
  if (!kebab(iface, ilen, true)) return not_kebab(v, n, iface, ilen);
  if (iface[ilen] == '/')
    return cm_fail(v, SWASM_INVALID, v->offset, "`%s` is not a valid extern name: trailing "
                   "characters found: `%s`", n->name, iface + ilen);
  n->kind = SWASM_CM_NAME_INTERFACE;
  n->ns = substr(v, s, (size_t)(colon - s));
  n->package = substr(v, pkg, plen);
  n->label = substr(v, iface, ilen);
  if (iface[ilen] == '@') {
    if (!cm_semver_valid(v, iface + ilen + 1, n->name)) return false;
    n->version = iface + ilen + 1;
  }
  return !v->failed;
}

/* [method]R.f and [static]R.f: two labels around one dot. */
static bool dotted(cm_val_t *v, swasm_cm_name_t *n, const char *rest) {
  const char *dot = strchr(rest, '.');
  if (!dot) return cm_fail(v, SWASM_INVALID, v->offset, "`%s` is not a valid extern name: failed "
                           "to find `.` character", n->name);
  if (!kebab(rest, (size_t)(dot - rest), true)) return not_kebab(v, n, rest, (size_t)(dot - rest));
  if (!kebab(dot + 1, strlen(dot + 1), true)) return not_kebab(v, n, dot + 1, strlen(dot + 1));
  n->resource = substr(v, rest, (size_t)(dot - rest));
  n->label = substr(v, dot + 1, strlen(dot + 1));
  return !v->failed;
}

static const struct {
  const char *prefix;
  swasm_cm_namekind_t kind;
} annotations[] = {
  {"[constructor]", SWASM_CM_NAME_CONSTRUCTOR}, {"[method]", SWASM_CM_NAME_METHOD},
  {"[static]", SWASM_CM_NAME_STATIC}, {"[async]", SWASM_CM_NAME_PLAIN},
  {"[async method]", SWASM_CM_NAME_METHOD}, {"[async static]", SWASM_CM_NAME_STATIC},
};

static bool annotated(cm_val_t *v, swasm_cm_name_t *n) {
  for (size_t i = 0; i < sizeof annotations / sizeof annotations[0]; i++) {
    size_t plen = strlen(annotations[i].prefix);
    if (strncmp(n->name, annotations[i].prefix, plen) != 0) continue;
    const char *rest = n->name + plen;
    n->kind = annotations[i].kind;
    if (n->kind == SWASM_CM_NAME_METHOD || n->kind == SWASM_CM_NAME_STATIC) return dotted(v, n, rest);
    if (!kebab(rest, strlen(rest), true)) return not_kebab(v, n, rest, strlen(rest));
    n->label = rest;
    if (n->kind == SWASM_CM_NAME_CONSTRUCTOR) n->resource = rest;
    return true;
  }
  return cm_fail(v, SWASM_INVALID, v->offset, "`%s` is not a valid extern name: unknown annotation",
                 n->name);
}

/* unlocked-dep=<...>, locked-dep=<...>, url=<...>, integrity=<...>: import names only, checked
 * for their brackets; what is inside is a registry's business. */
static bool other_import_name(cm_val_t *v, swasm_cm_name_t *n, bool is_import) {
  static const struct {
    const char *prefix;
    swasm_cm_namekind_t kind;
  } forms[] = {
    {"unlocked-dep=<", SWASM_CM_NAME_DEP}, {"locked-dep=<", SWASM_CM_NAME_DEP},
    {"url=<", SWASM_CM_NAME_URL}, {"integrity=<", SWASM_CM_NAME_HASH},
  };
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
    size_t plen = strlen(forms[i].prefix);
    if (strncmp(n->name, forms[i].prefix, plen) != 0) continue;
    if (!is_import) return invalid_name(v, n, "only imports can have this form");
    const char *close = strchr(n->name + plen, '>');
    if (!close || close == n->name + plen) return invalid_name(v, n, "expected `<...>`");
    n->kind = forms[i].kind;
    n->label = substr(v, n->name + plen, (size_t)(close - n->name - plen));
    return !v->failed;
  }
  return false;
}

static bool check_attributes(cm_val_t *v, swasm_cm_name_t *n) {
  if (!n->implements) return true;
  if (n->kind != SWASM_CM_NAME_PLAIN)
    return cm_fail(v, SWASM_INVALID, v->offset, "name `%s` is not valid with `implements`", n->name);
  swasm_cm_name_t iface = {.name = n->implements};
  if (!*n->implements)
    return cm_fail(v, SWASM_INVALID, v->offset, "`` is not a valid name for `implements`");
  if (!strchr(n->implements, ':'))
    return cm_fail(v, SWASM_INVALID, v->offset, "`implements` value `%s` must be an interface name",
                   n->implements);
  return interface_name(v, &iface);
}

bool cm_check_name(cm_val_t *v, swasm_cm_name_t *n, bool is_import) {
  const char *s = n->name;
  n->kind = SWASM_CM_NAME_PLAIN;
  bool ok;
  if (s[0] == '[') ok = annotated(v, n);
  else if (other_import_name(v, n, is_import) || v->failed) ok = !v->failed;
  else if (strchr(s, ':')) ok = interface_name(v, n);
  else if (!kebab(s, strlen(s), true)) ok = not_kebab(v, n, s, strlen(s));
  else {
    n->label = s;
    ok = true;
  }
  return ok && check_attributes(v, n);
}

/* ---- strong uniqueness ------------------------------------------------------------------ */

typedef struct entry {
  const char *name, *key;      /* key: lowercase, annotation stripped */
  swasm_cm_namekind_t kind;
  const char *label;           /* plain labels: for the l vs [constructor]l exception */
} entry_t;

static uint32_t hash_str(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
  return h;
}

static char *lowered(cm_val_t *v, const char *s) {
  size_t n = strlen(s);
  char *c = cm_alloc(v, n + 1, 1);
  if (!c) return NULL;
  for (size_t i = 0; i < n; i++) c[i] = (char)tolower((unsigned char)s[i]);
  return c;
}

static const char *strip(const char *name) {
  if (name[0] != '[') return name;
  const char *close = strchr(name, ']');
  return close ? close + 1 : name;
}

/* Index of the entry with key, or UINT32_MAX; *slot gets where it is or would go. */
static uint32_t lookup(const cm_names_t *ns, const char *key, uint32_t *slot) {
  if (!ns->nslots) return UINT32_MAX;
  uint32_t h = hash_str(key) & (ns->nslots - 1);
  while (ns->slots[h]) {
    const entry_t *e = &CM_VEC_AT(ns->entries, entry_t, ns->slots[h] - 1);
    if (strcmp(e->key, key) == 0) {
      *slot = h;
      return ns->slots[h] - 1;
    }
    h = (h + 1) & (ns->nslots - 1);
  }
  *slot = h;
  return UINT32_MAX;
}

static bool rehash(cm_val_t *v, cm_names_t *ns) {
  uint32_t n = ns->nslots ? ns->nslots * 2 : 16;
  uint32_t *slots = cm_alloc(v, n, sizeof *slots);
  if (!slots) return false;
  ns->slots = slots;
  ns->nslots = n;
  for (uint32_t i = 0; i < ns->entries.n; i++) {
    const entry_t *e = &CM_VEC_AT(ns->entries, entry_t, i);
    uint32_t h = hash_str(e->key) & (n - 1);
    while (slots[h]) h = (h + 1) & (n - 1);
    slots[h] = i + 1;
  }
  return true;
}

static bool conflict(cm_val_t *v, const char *what, const swasm_cm_name_t *n, const char *prev) {
  return cm_fail(v, SWASM_INVALID, v->offset, "%s name `%s` conflicts with previous name `%s`",
                 what, n->name, prev);
}

/* The Explainer's rules: l and [constructor]l are strongly unique; l and [method]l.l (or
 * [static]l.l) are not; otherwise names clash when equal after lowercasing and dropping the
 * annotation. Several entries may share a key only through the constructor exception, so
 * the table keeps the first and the exception is re-checked against it. */
bool cm_names_add(cm_val_t *v, cm_names_t *ns, const swasm_cm_name_t *n, const char *what) {
  char *key = lowered(v, strip(n->name));
  if (!key) return false;
  uint32_t slot;
  uint32_t found = lookup(ns, key, &slot);
  if (found != UINT32_MAX) {
    const entry_t *e = &CM_VEC_AT(ns->entries, entry_t, found);
    bool ctor_pair = (e->kind == SWASM_CM_NAME_CONSTRUCTOR && n->kind == SWASM_CM_NAME_PLAIN &&
                      strcmp(e->label, n->name) == 0) ||
                     (n->kind == SWASM_CM_NAME_CONSTRUCTOR && e->kind == SWASM_CM_NAME_PLAIN &&
                      strcmp(n->label, e->name) == 0);
    if (!ctor_pair) return conflict(v, what, n, e->name);
  }
  /* l against [method]l.l: look the other form up. */
  if (n->kind == SWASM_CM_NAME_PLAIN || n->kind == SWASM_CM_NAME_METHOD ||
      n->kind == SWASM_CM_NAME_STATIC) {
    char other[600];
    if (n->kind == SWASM_CM_NAME_PLAIN) snprintf(other, sizeof other, "%s.%s", key, key);
    else if (strcasecmp(n->resource, n->label) == 0) snprintf(other, sizeof other, "%s", key);
    else other[0] = 0;
    if (other[0] && n->kind != SWASM_CM_NAME_PLAIN) other[strcspn(other, ".")] = 0;
    uint32_t oslot, o = other[0] ? lookup(ns, other, &oslot) : UINT32_MAX;
    if (o != UINT32_MAX) {
      const entry_t *e = &CM_VEC_AT(ns->entries, entry_t, o);
      bool clash = n->kind == SWASM_CM_NAME_PLAIN ? (e->kind == SWASM_CM_NAME_METHOD ||
                                                     e->kind == SWASM_CM_NAME_STATIC)
                                                  : e->kind == SWASM_CM_NAME_PLAIN;
      if (clash) return conflict(v, what, n, e->name);
    }
  }
  entry_t *e = cm_vec_push(v->arena, &ns->entries, sizeof *e);
  if (!e) return cm_fail(v, SWASM_LIMIT, v->offset, "too many names");
  e->name = n->name;
  e->key = key;
  e->kind = n->kind;
  e->label = n->label ? n->label : n->name;
  if (found != UINT32_MAX) return true;  /* the first of the key stays indexed */
  if ((ns->entries.n + 1) * 2 > ns->nslots) return rehash(v, ns);
  lookup(ns, key, &slot);
  ns->slots[slot] = ns->entries.n;
  return true;
}

/* ---- annotated functions ---------------------------------------------------------------- */

static const char *resource_name(const cm_names_t *ns, const swasm_cm_type_t *handle) {
  if (!handle || (handle->kind != SWASM_CM_OWN && handle->kind != SWASM_CM_BORROW)) return NULL;
  return cm_map_get(&ns->resources, handle->a);
}

static bool named_resource(cm_val_t *v, const cm_names_t *ns, const swasm_cm_name_t *n,
                           const swasm_cm_type_t *handle) {
  const char *name = resource_name(ns, handle);
  if (!name)
    return cm_fail(v, SWASM_INVALID, v->offset, "import/export `%s`: resource used in function "
                   "does not have a name in this context", n->name);
  if (strcmp(name, n->resource) != 0)
    return cm_fail(v, SWASM_INVALID, v->offset, "import/export `%s`: function does not match "
                   "expected resource name `%s`", n->name, name);
  return true;
}

static bool constructor(cm_val_t *v, const cm_names_t *ns, const swasm_cm_name_t *n,
                        const swasm_cm_type_t *f) {
  const swasm_cm_type_t *r = f->a;
  if (!r) return cm_fail(v, SWASM_INVALID, v->offset, "`%s`: function should return one value", n->name);
  if (r->kind == SWASM_CM_RESULT && r->a && r->a->kind == SWASM_CM_OWN) r = r->a;
  if (r->kind != SWASM_CM_OWN)
    return cm_fail(v, SWASM_INVALID, v->offset, "`%s`: function should return `(own $T)` or "
                   "`(result (own $T))`", n->name);
  return named_resource(v, ns, n, r);
}

static bool method(cm_val_t *v, const cm_names_t *ns, const swasm_cm_name_t *n,
                   const swasm_cm_type_t *f) {
  if (f->n == 0)
    return cm_fail(v, SWASM_INVALID, v->offset, "`%s`: function should have at least one argument",
                   n->name);
  if (strcmp(f->fields[0].name, "self") != 0)
    return cm_fail(v, SWASM_INVALID, v->offset, "`%s`: function should have a first argument called "
                   "`self`", n->name);
  if (f->fields[0].type->kind != SWASM_CM_BORROW)
    return cm_fail(v, SWASM_INVALID, v->offset, "`%s`: function should take a first argument of "
                   "`(borrow $T)`", n->name);
  return named_resource(v, ns, n, f->fields[0].type);
}

static bool is_known_resource(const cm_names_t *ns, const char *name) {
  for (uint32_t i = 0; i < ns->resources.cap; i++)
    if (ns->resources.keys[i] && strcmp(ns->resources.vals[i], name) == 0) return true;
  return false;
}

bool cm_check_annotated(cm_val_t *v, const cm_names_t *ns, const swasm_cm_name_t *n,
                        const swasm_cm_entity_t *e) {
  if (n->kind != SWASM_CM_NAME_CONSTRUCTOR && n->kind != SWASM_CM_NAME_METHOD &&
      n->kind != SWASM_CM_NAME_STATIC)
    return true;
  if (e->sort != SWASM_CM_FUNC)
    return cm_fail(v, SWASM_INVALID, v->offset, "`%s` is not a func", n->name);
  if (n->kind == SWASM_CM_NAME_CONSTRUCTOR) return constructor(v, ns, n, e->type);
  if (n->kind == SWASM_CM_NAME_METHOD) return method(v, ns, n, e->type);
  if (!is_known_resource(ns, n->resource))
    return cm_fail(v, SWASM_INVALID, v->offset, "`%s`: static resource name is not known in this "
                   "context", n->name);
  return true;
}

/* ---- labels of defined types ------------------------------------------------------------ */

bool cm_check_labels(cm_val_t *v, const swasm_cm_tfield_t *fields, uint32_t n, const char *what) {
  const char *shortwhat = strrchr(what, ' ') ? strrchr(what, ' ') + 1 : what;
  cm_names_t seen;
  memset(&seen, 0, sizeof seen);
  for (uint32_t i = 0; i < n; i++) {
    const char *name = fields[i].name;
    if (!*name) return cm_fail(v, SWASM_INVALID, v->offset, "%s name cannot be empty", what);
    if (!kebab(name, strlen(name), true))
      return cm_fail(v, SWASM_INVALID, v->offset, "%s name `%s` is not in kebab case", what, name);
    char *key = lowered(v, name);
    if (!key) return false;
    uint32_t slot, found = lookup(&seen, key, &slot);
    if (found != UINT32_MAX)
      return cm_fail(v, SWASM_INVALID, v->offset, "%s name `%s` conflicts with previous %s name `%s`",
                     what, name, shortwhat, CM_VEC_AT(seen.entries, entry_t, found).name);
    entry_t *e = cm_vec_push(v->arena, &seen.entries, sizeof *e);
    if (!e) return cm_fail(v, SWASM_LIMIT, v->offset, "too many labels");
    e->name = name;
    e->key = key;
    if ((seen.entries.n + 1) * 2 > seen.nslots) {
      if (!rehash(v, &seen)) return false;
    } else {
      lookup(&seen, key, &slot);
      seen.slots[slot] = seen.entries.n;
    }
  }
  return true;
}
