/* wit.c - the world of a validated component in WIT: its imports and exports, the interfaces
 * they name (grouped into packages, with `use` for types shared between interfaces), and the
 * resources, records, variants, enums and flags those mention, rebuilt from semantic types. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cm.h"

/* ---- output buffer ---------------------------------------------------------------------- */

typedef struct out {
  char *data;
  size_t len, cap;
  bool oom;
} out_t;

static void put(out_t *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void put(out_t *o, const char *fmt, ...) {
  if (o->oom) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    size_t room = o->cap - o->len;
    int n = vsnprintf(o->data ? o->data + o->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < room) {
      o->len += (size_t)n;
      return;
    }
    size_t cap = o->cap ? o->cap * 2 : 4096;
    while (cap - o->len <= (size_t)n) cap *= 2;
    char *d = realloc(o->data, cap);
    if (!d) {
      o->oom = true;
      return;
    }
    o->data = d;
    o->cap = cap;
  }
}

/* ---- interfaces and the names of types -------------------------------------------------- */

typedef struct iface {
  const char *name;          /* the import or export name */
  const char *ns, *pkg, *label, *version;  /* interface names; ns NULL for plain names */
  const swasm_cm_type_t *type;
  bool import;
} iface_t;

typedef struct tname {
  const char *name;
  int iface;                 /* index into ifaces, -1 for the world */
} tname_t;

typedef struct wit {
  const swasm_cm_type_t *ct;
  iface_t *ifaces;
  uint32_t nifaces;
  swasm_arena_t *arena;
  cm_map_t nodes;            /* type node -> tname_t */
  cm_map_t resources;        /* resource -> tname_t */
  int cur;                   /* interface being printed, -1 the world */
  cm_map_t uses;             /* per interface print: tname_t * needed from elsewhere */
  cm_map_t emitted;          /* ...and those its items already `use` */
  bool oom;
} wit_t;

static const char *const keywords[] = {
  "as", "async", "bool", "borrow", "char", "constructor", "enum", "error-context", "export",
  "f32", "f64", "flags", "float32", "float64", "func", "future", "import", "include",
  "interface", "list", "map", "option", "own", "package", "record", "resource", "result",
  "s16", "s32", "s64", "s8", "static", "stream", "string", "tuple", "type", "u16", "u32", "u64",
  "u8", "use", "variant", "with", "world",
};

static void ident(out_t *o, const char *s) {
  for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
    if (strcmp(s, keywords[i]) == 0) {
      put(o, "%%%s", s);
      return;
    }
  put(o, "%s", s);
}

/* Splits ns:pkg/label@version (names were validated, so the shape is known). */
static void split_interface(wit_t *w, iface_t *f) {
  const char *colon = strchr(f->name, ':'), *slash = colon ? strchr(colon, '/') : NULL;
  if (!colon || !slash) {
    f->label = f->name;
    return;
  }
  const char *at = strchr(slash, '@');
  f->ns = ir_arena_strndup(w->arena, f->name, (size_t)(colon - f->name));
  f->pkg = ir_arena_strndup(w->arena, colon + 1, (size_t)(slash - colon - 1));
  f->label = ir_arena_strndup(w->arena, slash + 1, at ? (size_t)(at - slash - 1) : strlen(slash + 1));
  f->version = at ? at + 1 : NULL;
  if (!f->ns || !f->pkg || !f->label) w->oom = true;
}

static void name_type(wit_t *w, const swasm_cm_type_t *t, const char *name, int iface) {
  if (cm_map_get(&w->nodes, t)) return;
  tname_t *n = ir_arena_alloc(w->arena, sizeof *n);
  if (!n) {
    w->oom = true;
    return;
  }
  n->name = name;
  n->iface = iface;
  if (!cm_map_put(w->arena, &w->nodes, t, n)) w->oom = true;
  if (t->kind == SWASM_CM_RESOURCE && !cm_map_get(&w->resources, t->resource) &&
      !cm_map_put(w->arena, &w->resources, t->resource, n))
    w->oom = true;
}

static void collect(wit_t *w) {
  const swasm_cm_type_t *ct = w->ct;
  w->ifaces = ir_arena_alloc(w->arena, ((size_t)ct->nimports + ct->nexports + 1) * sizeof *w->ifaces);
  if (!w->ifaces) {
    w->oom = true;
    return;
  }
  for (int pass = 0; pass < 2; pass++) {
    const swasm_cm_entity_t *es = pass ? ct->exports : ct->imports;
    uint32_t n = pass ? ct->nexports : ct->nimports;
    for (uint32_t i = 0; i < n; i++) {
      const swasm_cm_entity_t *e = &es[i];
      if (e->sort == SWASM_CM_TYPE) name_type(w, e->type, e->name, -1);
      if (e->sort != SWASM_CM_INSTANCE) continue;
      iface_t *f = &w->ifaces[w->nifaces];
      memset(f, 0, sizeof *f);
      f->name = e->name;
      f->type = e->type;
      f->import = !pass;
      split_interface(w, f);
      for (uint32_t k = 0; k < e->type->nexports; k++)
        if (e->type->exports[k].sort == SWASM_CM_TYPE)
          name_type(w, e->type->exports[k].type, e->type->exports[k].name, (int)w->nifaces);
      w->nifaces++;
    }
  }
}

/* The name a type is known by: its own node, the node it names anew, or its resource. */
static const tname_t *lookup(wit_t *w, const swasm_cm_type_t *t) {
  for (const swasm_cm_type_t *n = t; n; n = n->origin) {
    const tname_t *tn = cm_map_get(&w->nodes, n);
    if (tn) return tn;
  }
  if (t->kind == SWASM_CM_RESOURCE) return cm_map_get(&w->resources, t->resource);
  return NULL;
}

/* ---- types ------------------------------------------------------------------------------ */

static void type_ref(wit_t *w, out_t *o, const swasm_cm_type_t *t);

static void type_name(wit_t *w, out_t *o, const tname_t *tn) {
  if (tn->iface != w->cur && tn->iface >= 0 && !cm_map_put(w->arena, &w->uses, tn, tn)) w->oom = true;
  ident(o, tn->name);
}

static void type_list(wit_t *w, out_t *o, const char *kw, const swasm_cm_type_t *a,
                      const swasm_cm_type_t *b) {
  put(o, "%s<", kw);
  type_ref(w, o, a);
  if (b) {
    put(o, ", ");
    type_ref(w, o, b);
  }
  put(o, ">");
}

static void type_ref(wit_t *w, out_t *o, const swasm_cm_type_t *t) {
  if (!t) {
    put(o, "_");
    return;
  }
  if (t == cm_prim(t->kind)) {
    put(o, "%s", cm_kind_name(t->kind));
    return;
  }
  const tname_t *tn = lookup(w, t);
  if (!tn && cm_is_prim(t->kind)) {
    put(o, "%s", cm_kind_name(t->kind));
    return;
  }
  if (tn && t->kind != SWASM_CM_OWN && t->kind != SWASM_CM_BORROW) {
    type_name(w, o, tn);
    return;
  }
  switch (t->kind) {
  case SWASM_CM_LIST: type_list(w, o, "list", t->a, NULL); break;
  case SWASM_CM_FIXED_LIST:
    put(o, "list<");
    type_ref(w, o, t->a);
    put(o, ", %u>", t->length);
    break;
  case SWASM_CM_OPTION: type_list(w, o, "option", t->a, NULL); break;
  case SWASM_CM_MAP: type_list(w, o, "map", t->a, t->b); break;
  case SWASM_CM_RESULT:
    if (!t->a && !t->b) put(o, "result");
    else if (!t->b) type_list(w, o, "result", t->a, NULL);
    else type_list(w, o, "result", t->a, t->b);
    break;
  case SWASM_CM_TUPLE:
    put(o, "tuple<");
    for (uint32_t i = 0; i < t->n; i++) {
      if (i) put(o, ", ");
      type_ref(w, o, t->fields[i].type);
    }
    put(o, ">");
    break;
  case SWASM_CM_OWN: type_ref(w, o, t->a); break;
  case SWASM_CM_BORROW: type_list(w, o, "borrow", t->a, NULL); break;
  case SWASM_CM_STREAM: case SWASM_CM_FUTURE:
    if (t->a) type_list(w, o, cm_kind_name(t->kind), t->a, NULL);
    else put(o, "%s", cm_kind_name(t->kind));
    break;
  case SWASM_CM_RESOURCE: put(o, "resource-%u", t->resource->id); break;
  default: put(o, "%s /* without a name here */", cm_kind_name(t->kind)); break;
  }
}

static void func_sig(wit_t *w, out_t *o, const swasm_cm_type_t *f, uint32_t skip) {
  if (f->async) put(o, "async ");
  put(o, "func(");
  for (uint32_t i = skip; i < f->n; i++) {
    if (i > skip) put(o, ", ");
    ident(o, f->fields[i].name);
    put(o, ": ");
    type_ref(w, o, f->fields[i].type);
  }
  put(o, ")");
  if (f->a) {
    put(o, " -> ");
    type_ref(w, o, f->a);
  }
}

static void labels(wit_t *w, out_t *o, const swasm_cm_type_t *t, const char *indent, bool typed) {
  for (uint32_t i = 0; i < t->n; i++) {
    put(o, "%s  ", indent);
    ident(o, t->fields[i].name);
    if (typed && t->fields[i].type) {
      if (t->kind == SWASM_CM_RECORD) {
        put(o, ": ");
        type_ref(w, o, t->fields[i].type);
      } else {
        put(o, "(");
        type_ref(w, o, t->fields[i].type);
        put(o, ")");
      }
    }
    put(o, ",\n");
  }
}

/* ---- interfaces and worlds -------------------------------------------------------------- */

static bool is_member(const swasm_cm_entity_t *e) {
  return e->sort == SWASM_CM_FUNC && e->name[0] == '[' && strncmp(e->name, "[async]", 7) != 0;
}

/* The resource a [constructor]/[method]/[static] name belongs to. */
static bool member_of(const char *name, const char *resource, const char **fname) {
  const char *close = strchr(name, ']');
  if (!close) return false;
  const char *r = close + 1, *dot = strchr(r, '.');
  size_t rlen = dot ? (size_t)(dot - r) : strlen(r);
  if (strlen(resource) != rlen || strncmp(r, resource, rlen) != 0) return false;
  *fname = dot ? dot + 1 : NULL;
  return true;
}

static void resource_block(wit_t *w, out_t *o, const char *name, const swasm_cm_entity_t *es,
                           uint32_t n, const char *indent) {
  bool any = false;
  for (uint32_t i = 0; i < n; i++) {
    const char *fname;
    if (!is_member(&es[i]) || !member_of(es[i].name, name, &fname)) continue;
    if (!any) {
      put(o, " {\n");
      any = true;
    }
    const swasm_cm_type_t *f = es[i].type;
    put(o, "%s  ", indent);
    if (strncmp(es[i].name, "[constructor]", 13) == 0) {
      put(o, "constructor(");
      for (uint32_t k = 0; k < f->n; k++) {
        if (k) put(o, ", ");
        ident(o, f->fields[k].name);
        put(o, ": ");
        type_ref(w, o, f->fields[k].type);
      }
      put(o, ")");
      if (f->a && f->a->kind == SWASM_CM_RESULT) {
        put(o, " -> ");
        type_ref(w, o, f->a);
      }
    } else {
      bool method = strstr(es[i].name, "method]") != NULL;
      ident(o, fname);
      put(o, ": %s", method ? "" : "static ");
      func_sig(w, o, f, method ? 1 : 0);
    }
    put(o, ";\n");
  }
  put(o, any ? "%s}\n" : ";\n", indent);
}

static void type_def(wit_t *w, out_t *o, const swasm_cm_entity_t *e, const swasm_cm_entity_t *es,
                     uint32_t n, const char *indent) {
  const swasm_cm_type_t *t = e->type;
  put(o, "%s", indent);
  switch (t->kind) {
  case SWASM_CM_RESOURCE:
    put(o, "resource ");
    ident(o, e->name);
    resource_block(w, o, e->name, es, n, indent);
    return;
  case SWASM_CM_RECORD: case SWASM_CM_VARIANT: case SWASM_CM_ENUM: case SWASM_CM_FLAGS:
    put(o, "%s ", cm_kind_name(t->kind));
    ident(o, e->name);
    put(o, " {\n");
    labels(w, o, t, indent, t->kind == SWASM_CM_RECORD || t->kind == SWASM_CM_VARIANT);
    put(o, "%s}\n", indent);
    return;
  default:
    put(o, "type ");
    ident(o, e->name);
    put(o, " = ");
    /* Print the structure, not this name itself. */
    {
      const void *saved = cm_map_get(&w->nodes, t);
      if (saved) cm_map_put(w->arena, &w->nodes, t, NULL);
      const swasm_cm_type_t *origin = t->origin;
      const tname_t *on = origin ? lookup(w, origin) : NULL;
      if (on && on != saved) type_name(w, o, on);
      else if (cm_is_prim(t->kind)) put(o, "%s", cm_kind_name(t->kind));
      else {
        swasm_cm_type_t copy = *t;
        copy.origin = NULL;
        type_ref(w, o, &copy);
      }
      if (saved) cm_map_put(w->arena, &w->nodes, t, saved);
    }
    put(o, ";\n");
  }
}

/* A type export that names a type defined in another interface becomes a `use`. */
static const tname_t *foreign_origin(wit_t *w, const swasm_cm_type_t *t, int self) {
  /* A resource is used from where it was first named; other types from the interface that
   * defines them, the end of the chain of names. */
  if (t->kind == SWASM_CM_RESOURCE) {
    const tname_t *tn = cm_map_get(&w->resources, t->resource);
    return tn && tn->iface != self && tn->iface >= 0 ? tn : NULL;
  }
  const tname_t *found = NULL;
  for (const swasm_cm_type_t *n = t->origin; n; n = n->origin) {
    const tname_t *tn = cm_map_get(&w->nodes, n);
    if (tn && tn->iface != self) found = tn;
  }
  return found;
}

static void use_path(wit_t *w, out_t *o, int from, int target) {
  const iface_t *f = &w->ifaces[target];
  const iface_t *cur = from >= 0 ? &w->ifaces[from] : NULL;
  bool same_pkg = cur && cur->ns && f->ns && strcmp(cur->ns, f->ns) == 0 &&
                  strcmp(cur->pkg, f->pkg) == 0 &&
                  ((!cur->version && !f->version) ||
                   (cur->version && f->version && strcmp(cur->version, f->version) == 0));
  if (!f->ns || same_pkg) ident(o, f->label);
  else put(o, "%s", f->name);
}

static void world_interface(wit_t *w, out_t *o, const swasm_cm_entity_t *e, const char *kw);

static void items(wit_t *w, out_t *o, const swasm_cm_entity_t *es, uint32_t n, const char *indent,
                  const char *kw) {
  for (uint32_t i = 0; i < n; i++) {
    const swasm_cm_entity_t *e = &es[i];
    switch (e->sort) {
    case SWASM_CM_TYPE: {
      const tname_t *from = foreign_origin(w, e->type, w->cur);
      if (from && from->iface >= 0) {
        if (!cm_map_put(w->arena, &w->emitted, from, from)) w->oom = true;
        put(o, "%suse ", indent);
        use_path(w, o, w->cur, from->iface);
        put(o, ".{");
        ident(o, from->name);
        if (strcmp(from->name, e->name) != 0) {
          put(o, " as ");
          ident(o, e->name);
        }
        put(o, "};\n");
      } else {
        type_def(w, o, e, es, n, indent);
      }
      break;
    }
    case SWASM_CM_FUNC:
      if (is_member(e)) break;
      put(o, "%s%s", indent, kw);
      ident(o, strncmp(e->name, "[async]", 7) == 0 ? e->name + 7 : e->name);
      put(o, ": ");
      func_sig(w, o, e->type, 0);
      put(o, ";\n");
      break;
    case SWASM_CM_INSTANCE:
      if (w->cur < 0) {
        world_interface(w, o, e, kw);
        break;
      }
      /* fall through */
    case SWASM_CM_COMPONENT: case SWASM_CM_CORE_MODULE: case SWASM_CM_VALUE:
      put(o, "%s/* %s%s: %s (not representable in WIT) */\n", indent, kw, e->name,
          cm_entity_sort_name(e->sort));
      break;
    default: break;
    }
  }
}

static void print_uses(wit_t *w, out_t *o, int from, const char *indent);

/* The body is printed first so that the `use`s it needs are known, then put in front. */
static void interface_body(wit_t *w, out_t *o, int idx, const char *indent) {
  out_t body = {0};
  w->cur = idx;
  memset(&w->uses, 0, sizeof w->uses);
  memset(&w->emitted, 0, sizeof w->emitted);
  const swasm_cm_type_t *t = w->ifaces[idx].type;
  items(w, &body, t->exports, t->nexports, indent, "");
  print_uses(w, o, idx, indent);
  if (body.data) put(o, "%s", body.data);
  if (body.oom) o->oom = true;
  free(body.data);
}

/* An instance import or export of the world: a reference to a named interface, or an
 * interface written inline for a plain name. */
static void world_interface(wit_t *w, out_t *o, const swasm_cm_entity_t *e, const char *kw) {
  bool import = strcmp(kw, "import ") == 0;
  for (uint32_t k = 0; k < w->nifaces; k++) {
    const iface_t *f = &w->ifaces[k];
    if (f->type != e->type || f->import != import || strcmp(f->name, e->name) != 0) continue;
    if (f->ns) {
      put(o, "  %s%s;\n", kw, f->name);
      return;
    }
    put(o, "  %s", kw);
    ident(o, f->name);
    put(o, ": interface {\n");
    cm_map_t uses = w->uses, emitted = w->emitted;  /* the world's, while it is printed */
    interface_body(w, o, (int)k, "    ");
    w->uses = uses;
    w->emitted = emitted;
    w->cur = -1;
    put(o, "  }\n");
    return;
  }
}

static void print_uses(wit_t *w, out_t *o, int from, const char *indent) {
  for (uint32_t i = 0; i < w->uses.cap; i++) {
    const tname_t *tn = w->uses.keys[i];
    if (!tn || cm_map_get(&w->emitted, tn)) continue;
    put(o, "%suse ", indent);
    use_path(w, o, from, tn->iface);
    put(o, ".{");
    ident(o, tn->name);
    put(o, "};\n");
  }
}

/* World items may use types of the interfaces it imports: those `use`s go first. */
static void world(wit_t *w, out_t *o, const char *name) {
  out_t body = {0};
  w->cur = -1;
  memset(&w->uses, 0, sizeof w->uses);
  memset(&w->emitted, 0, sizeof w->emitted);
  items(w, &body, w->ct->imports, w->ct->nimports, "  ", "import ");
  items(w, &body, w->ct->exports, w->ct->nexports, "  ", "export ");
  cm_map_t uses = w->uses, emitted = w->emitted;
  put(o, "package root:component;\n\nworld ");
  ident(o, name);
  put(o, " {\n");
  w->uses = uses;
  w->emitted = emitted;
  print_uses(w, o, -1, "  ");
  if (body.data) put(o, "%s", body.data);
  if (body.oom) o->oom = true;
  free(body.data);
  put(o, "}\n");
}

static bool same_package(const iface_t *a, const iface_t *b) {
  return strcmp(a->ns, b->ns) == 0 && strcmp(a->pkg, b->pkg) == 0 &&
         ((!a->version && !b->version) || (a->version && b->version && strcmp(a->version, b->version) == 0));
}

static void packages(wit_t *w, out_t *o) {
  bool *done = calloc(w->nifaces + 1, 1);
  if (!done) {
    o->oom = true;
    return;
  }
  for (uint32_t i = 0; i < w->nifaces; i++) {
    if (done[i] || !w->ifaces[i].ns) continue;
    const iface_t *p = &w->ifaces[i];
    put(o, "\npackage %s:%s%s%s {\n", p->ns, p->pkg, p->version ? "@" : "", p->version ? p->version : "");
    for (uint32_t k = i; k < w->nifaces; k++) {
      if (done[k] || !w->ifaces[k].ns || !same_package(p, &w->ifaces[k])) continue;
      /* An interface both imported and exported is defined once. */
      bool dup = false;
      for (uint32_t j = i; j < k && !dup; j++)
        dup = done[j] && strcmp(w->ifaces[j].label, w->ifaces[k].label) == 0 &&
              same_package(&w->ifaces[j], &w->ifaces[k]);
      done[k] = true;
      if (dup) continue;
      put(o, "  interface ");
      ident(o, w->ifaces[k].label);
      put(o, " {\n");
      interface_body(w, o, (int)k, "    ");
      put(o, "  }\n");
    }
    put(o, "}\n");
  }
  free(done);
}

swasm_status_t swasm_component_wit(const swasm_component_t *c, const char *world_name,
                                   swasm_buf_t *out, swasm_diag_t *diag) {
  memset(diag, 0, sizeof *diag);
  diag->func = -1;
  out->data = NULL;
  out->size = 0;
  if (!c->validated || !c->type) {
    diag->status = SWASM_INVALID;
    snprintf(diag->message, sizeof diag->message, "the component must be validated first");
    return SWASM_INVALID;
  }
  wit_t w;
  memset(&w, 0, sizeof w);
  w.ct = c->type;
  w.arena = ir_arena_new();
  out_t o = {0};
  if (w.arena) {
    collect(&w);
    world(&w, &o, world_name && *world_name ? world_name : "root");
    packages(&w, &o);
  }
  bool oom = !w.arena || w.oom || o.oom;
  ir_arena_free(w.arena);
  if (oom) {
    free(o.data);
    diag->status = SWASM_LIMIT;
    snprintf(diag->message, sizeof diag->message, "out of memory");
    return SWASM_LIMIT;
  }
  out->data = (uint8_t *)o.data;
  out->size = o.len;
  return SWASM_OK;
}
