/* cmd_inspect.c - 'swasm inspect': a readable summary of a module's structure (sections,
 * types, imports, exports, functions, tables, memories, globals, segments) or a component's
 * (sections, then every definition in order with the index it gets, nested components
 * indented) from the decoders' IR, for debugging and for users who want to know what a .wasm
 * file contains. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "swasm/compiler.h"

static const char *const section_names[] = {
  "custom", "type", "import", "function", "table", "memory", "global", "export",
  "start", "element", "code", "data", "datacount", "tag",
};

static const char *const kind_names[] = {"func", "table", "memory", "global", "tag"};

static const char *kind_name(swasm_externkind_t k) {
  return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : "?";
}

/* Names come from the module: control characters are escaped so that a hostile module cannot
 * send escape sequences to the terminal. */
static void print_name(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p < 0x20 || *p == 0x7f || *p == '\\' || *p == '"') printf("\\x%02x", *p);
    else putchar(*p);
  }
}

static void usage(FILE *f) {
  fprintf(f,
          "usage: swasm inspect [--enable-FEATURE...] FILE\n"
          "\n"
          "Prints the sections, types, imports, exports, functions, tables, memories, globals,\n"
          "element and data segments and custom sections of a WebAssembly module. The module is\n"
          "decoded, not validated ('swasm validate' does that).\n"
          "\n"
          "For a component, prints its sections and every definition in order (core modules and\n"
          "instances, types, aliases, canonical functions, imports, exports, nested components)\n"
          "with the index it defines; 'swasm wit' prints its world.\n");
}

static void print_functype(const swasm_functype_t *t) {
  printf("(");
  for (uint32_t i = 0; i < t->nparams; i++)
    printf("%s%s", i ? ", " : "", swasm_valtype_name(t->params[i]));
  printf(") -> (");
  for (uint32_t i = 0; i < t->nresults; i++)
    printf("%s%s", i ? ", " : "", swasm_valtype_name(t->results[i]));
  printf(")");
}

static void print_limits(const swasm_limits_t *l) {
  printf("min %" PRIu64, l->min);
  if (l->has_max) printf(", max %" PRIu64, l->max);
  if (l->is64) printf(", 64-bit");
  if (l->shared) printf(", shared");
}

static void print_sections(const swasm_module_t *m) {
  printf("sections (%u):\n  %-4s %-12s %10s %10s\n", m->nsections, "id", "kind", "offset", "size");
  for (uint32_t i = 0; i < m->nsections; i++) {
    const swasm_section_t *s = &m->sections[i];
    const char *kind = s->id < sizeof section_names / sizeof section_names[0]
                           ? section_names[s->id] : "?";
    printf("  %-4u %-12s 0x%08x %10u", s->id, kind, s->offset, s->size);
    if (s->name) {
      printf("  \"");
      print_name(s->name);
      printf("\"");
    }
    printf("\n");
  }
}

static void print_types(const swasm_module_t *m) {
  if (!m->ntypes) return;
  printf("\ntypes (%u):\n", m->ntypes);
  for (uint32_t i = 0; i < m->ntypes; i++) {
    printf("  %4u: ", i);
    print_functype(&m->types[i]);
    printf("\n");
  }
}

static void print_imports(const swasm_module_t *m) {
  if (!m->nimports) return;
  printf("\nimports (%u):\n", m->nimports);
  for (uint32_t i = 0; i < m->nimports; i++) {
    const swasm_import_t *im = &m->imports[i];
    printf("  %-6s %4u  ", kind_name(im->kind), im->index);
    print_name(im->module);
    printf(".");
    print_name(im->name);
    switch (im->kind) {
    case SWASM_EXTERN_FUNC: {
      uint32_t t = m->funcs[im->index].type;
      printf("  type %u ", t);
      if (t < m->ntypes) print_functype(&m->types[t]);
      break;
    }
    case SWASM_EXTERN_TABLE:
      printf("  %s ", swasm_valtype_name(m->tables[im->index].elemtype));
      print_limits(&m->tables[im->index].limits);
      break;
    case SWASM_EXTERN_MEMORY: printf("  "); print_limits(&m->memories[im->index]); break;
    case SWASM_EXTERN_GLOBAL:
      printf("  %s%s", m->globals[im->index].mut ? "mut " : "",
             swasm_valtype_name(m->globals[im->index].type));
      break;
    case SWASM_EXTERN_TAG: printf("  type %u", m->tags[im->index]); break;
    }
    printf("\n");
  }
}

static void print_functions(const swasm_module_t *m) {
  uint32_t ndef = m->nfuncs - m->nimported_funcs;
  if (!ndef) return;
  printf("\nfunctions (%u defined, %u imported):\n  %6s %5s %10s %8s %7s  %s\n", ndef,
         m->nimported_funcs, "index", "type", "offset", "size", "locals", "name");
  for (uint32_t i = m->nimported_funcs; i < m->nfuncs; i++) {
    const swasm_funcdef_t *f = &m->funcs[i];
    printf("  %6u %5u 0x%08x %8u %7u  ", i, f->type, f->size_offset,
           f->body_end - f->size_offset, f->nlocals);
    if (f->name) print_name(f->name);
    printf("\n");
  }
}

static void print_tables_memories(const swasm_module_t *m) {
  if (m->ntables > m->nimported_tables) printf("\ntables:\n");
  for (uint32_t i = m->nimported_tables; i < m->ntables; i++) {
    printf("  %4u: %s ", i, swasm_valtype_name(m->tables[i].elemtype));
    print_limits(&m->tables[i].limits);
    printf("\n");
  }
  if (m->nmemories > m->nimported_memories) printf("\nmemories:\n");
  for (uint32_t i = m->nimported_memories; i < m->nmemories; i++) {
    printf("  %4u: ", i);
    print_limits(&m->memories[i]);
    printf("\n");
  }
}

static void print_globals(const swasm_module_t *m) {
  if (m->nglobals == m->nimported_globals) return;
  printf("\nglobals:\n");
  for (uint32_t i = m->nimported_globals; i < m->nglobals; i++) {
    const swasm_global_t *g = &m->globals[i];
    printf("  %4u: %-3s %-9s init 0x%08x (%u bytes)\n", i, g->mut ? "mut" : "",
           swasm_valtype_name(g->type), g->init.offset, g->init.end - g->init.offset);
  }
}

static void print_exports(const swasm_module_t *m) {
  if (!m->nexports) return;
  printf("\nexports (%u):\n", m->nexports);
  for (uint32_t i = 0; i < m->nexports; i++) {
    const swasm_export_t *e = &m->exports[i];
    printf("  %-6s %4u  \"", kind_name(e->kind), e->index);
    print_name(e->name);
    printf("\"\n");
  }
}

static const char *mode_name(swasm_segmode_t mode) {
  return mode == SWASM_SEG_ACTIVE ? "active" : mode == SWASM_SEG_PASSIVE ? "passive" : "declarative";
}

static void print_segments(const swasm_module_t *m) {
  if (m->start >= 0) printf("\nstart: func %" PRId64 "\n", m->start);
  if (m->nelems) printf("\nelement segments (%u):\n", m->nelems);
  for (uint32_t i = 0; i < m->nelems; i++) {
    const swasm_elem_t *e = &m->elems[i];
    printf("  %4u: %-11s %-9s %6u %s", i, mode_name(e->mode), swasm_valtype_name(e->reftype),
           e->count, e->funcs ? "functions" : "expressions");
    if (e->mode == SWASM_SEG_ACTIVE) printf("  table %u, offset expr at 0x%08x", e->table, e->offset.offset);
    printf("\n");
  }
  if (m->has_datacount) printf("\ndata count: %u\n", m->datacount);
  if (m->ndatas) printf("\ndata segments (%u):\n", m->ndatas);
  for (uint32_t i = 0; i < m->ndatas; i++) {
    const swasm_data_t *d = &m->datas[i];
    printf("  %4u: %-8s %10u bytes at 0x%08x", i, mode_name(d->mode), d->size, d->data_offset);
    if (d->mode == SWASM_SEG_ACTIVE) printf("  memory %u, offset expr at 0x%08x", d->memory, d->offset.offset);
    printf("\n");
  }
}

/* ---- components ----------------------------------------------------------------------- */

static const char *const cm_section_names[] = {
  "custom", "core module", "core instance", "core type", "component", "instance", "alias",
  "type", "canon", "start", "import", "export", "value",
};

static void indent(int depth) {
  for (int i = 0; i < depth; i++) printf("  ");
}

static void print_valtype(swasm_cm_valtype_t t) {
  static const char *const prims[] = {"string", "char", "f64", "f32", "u64", "s64", "u32", "s32",
                                      "u16", "s16", "u8", "s8", "bool"};
  if (t.prim == SWASM_CM_ERROR_CONTEXT) printf("error-context");
  else if (t.prim >= SWASM_CM_STRING && t.prim <= SWASM_CM_BOOL) printf("%s", prims[t.prim - SWASM_CM_STRING]);
  else printf("type %u", t.index);
}

static void print_cm_name(const swasm_cm_name_t *n) {
  printf("\"");
  print_name(n->name);
  printf("\"");
  if (n->implements) {
    printf(" (implements \"");
    print_name(n->implements);
    printf("\")");
  }
  if (n->external_id) {
    printf(" (external-id \"");
    print_name(n->external_id);
    printf("\")");
  }
}

static void print_externdesc(const swasm_cm_externdesc_t *d) {
  switch (d->sort) {
  case SWASM_CM_CORE_MODULE: printf("core module (core type %u)", d->index); break;
  case SWASM_CM_TYPE:
    if (d->sub_resource) printf("type (sub resource)");
    else printf("type (eq %u)", d->index);
    break;
  case SWASM_CM_VALUE:
    if (d->value_eq) printf("value (eq %u)", d->index);
    else { printf("value "); print_valtype(d->valtype); }
    break;
  default: printf("%s (type %u)", swasm_cm_sort_name(d->sort), d->index); break;
  }
}

static void print_fields(const swasm_cm_deftype_t *t, const char *open, const char *close) {
  printf("%s", open);
  for (uint32_t i = 0; i < t->nfields; i++) {
    const swasm_cm_field_t *f = &t->fields[i];
    printf("%s", i ? ", " : "");
    if (f->name) print_name(f->name);
    if (f->name && f->has_type) printf(": ");
    if (f->has_type) print_valtype(f->type);
  }
  printf("%s", close);
}

static void print_deftype(const swasm_cm_deftype_t *t, int depth);

static void print_decls(const swasm_cm_deftype_t *t, int depth) {
  static const char *const kinds[] = {"core type", "type", "alias", "import", "export"};
  printf(" (%u declarations)\n", t->ndecls);
  for (uint32_t i = 0; i < t->ndecls; i++) {
    const swasm_cm_decl_t *d = &t->decls[i];
    indent(depth + 1);
    printf("%s ", kinds[d->kind]);
    if (d->kind == SWASM_CM_DECL_TYPE) print_deftype(d->type, depth + 1);
    else if (d->kind == SWASM_CM_DECL_CORE_TYPE)
      printf("%s\n", d->coretype->code == 0x50 ? "module type" : "func type");
    else if (d->kind == SWASM_CM_DECL_ALIAS) printf("%s\n", swasm_cm_sort_name(d->alias.sort));
    else {
      print_cm_name(&d->name);
      printf(" ");
      print_externdesc(&d->desc);
      printf("\n");
    }
  }
}

static void print_deftype(const swasm_cm_deftype_t *t, int depth) {
  switch (t->code) {
  case SWASM_CM_RECORD: print_fields(t, "record {", "}"); break;
  case SWASM_CM_VARIANT: print_fields(t, "variant {", "}"); break;
  case SWASM_CM_TUPLE: print_fields(t, "tuple<", ">"); break;
  case SWASM_CM_FLAGS: print_fields(t, "flags {", "}"); break;
  case SWASM_CM_ENUM: print_fields(t, "enum {", "}"); break;
  case SWASM_CM_LIST: case SWASM_CM_OPTION: case SWASM_CM_FIXED_LIST:
    printf("%s<", t->code == SWASM_CM_OPTION ? "option" : "list");
    print_valtype(t->a);
    if (t->code == SWASM_CM_FIXED_LIST) printf(", %u", t->length);
    printf(">");
    break;
  case SWASM_CM_RESULT:
    printf("result<");
    if (t->has_a) print_valtype(t->a); else printf("_");
    printf(", ");
    if (t->has_b) print_valtype(t->b); else printf("_");
    printf(">");
    break;
  case SWASM_CM_OWN: printf("own<type %u>", t->a.index); break;
  case SWASM_CM_BORROW: printf("borrow<type %u>", t->a.index); break;
  case SWASM_CM_STREAM: case SWASM_CM_FUTURE:
    printf("%s", t->code == SWASM_CM_STREAM ? "stream" : "future");
    if (t->has_a) { printf("<"); print_valtype(t->a); printf(">"); }
    break;
  case SWASM_CM_MAP:
    printf("map<");
    print_valtype(t->a);
    printf(", ");
    print_valtype(t->b);
    printf(">");
    break;
  case SWASM_CM_RESOURCE:
    printf("resource (rep i32)");
    if (t->has_dtor) printf(" (dtor core func %u)", t->dtor);
    break;
  case SWASM_CM_FUNCTYPE: case SWASM_CM_ASYNC_FUNCTYPE:
    print_fields(t, t->code == SWASM_CM_FUNCTYPE ? "func(" : "async func(", ")");
    if (t->has_a) { printf(" -> "); print_valtype(t->a); }
    break;
  case SWASM_CM_COMPONENTTYPE: printf("component type"); print_decls(t, depth); return;
  case SWASM_CM_INSTANCETYPE: printf("instance type"); print_decls(t, depth); return;
  default: {
    swasm_cm_valtype_t v = {.prim = t->code};
    print_valtype(v);
  }
  }
  printf("\n");
}

static void print_canonopts(const swasm_cm_canonopts_t *o) {
  static const char *const enc[] = {"utf8", "utf16", "latin1+utf16"};
  if (o->has_string_encoding) printf(", string-encoding=%s", enc[o->string_encoding]);
  if (o->has_memory) printf(", memory %u", o->memory);
  if (o->has_realloc) printf(", realloc %u", o->realloc);
  if (o->has_post_return) printf(", post-return %u", o->post_return);
  if (o->async) printf(", async");
  if (o->has_callback) printf(", callback %u", o->callback);
}

static const char *canon_name(swasm_cm_canonkind_t k) {
  switch (k) {
  case SWASM_CANON_LIFT: return "lift";
  case SWASM_CANON_LOWER: return "lower";
  case SWASM_CANON_RESOURCE_NEW: return "resource.new";
  case SWASM_CANON_RESOURCE_DROP: return "resource.drop";
  case SWASM_CANON_RESOURCE_REP: return "resource.rep";
  case SWASM_CANON_TASK_RETURN: return "task.return";
  default: return "built-in";
  }
}

typedef struct counters {
  uint32_t n[SWASM_CM_NSORTS];
} counters_t;

/* The index a definition gets in its sort, printed before what it is. */
static void defines(counters_t *k, swasm_cm_sort_t sort, int depth) {
  indent(depth);
  printf("%-14s %4u  ", swasm_cm_sort_name(sort), k->n[sort]++);
}

static void print_component(const swasm_component_t *c, int depth);

static void print_def(const swasm_component_t *c, const swasm_cm_def_t *d, counters_t *k, int depth) {
  switch (d->kind) {
  case SWASM_CM_DEF_CORE_MODULE: {
    const swasm_module_t *m = c->modules[d->item];
    defines(k, SWASM_CM_CORE_MODULE, depth);
    printf("at 0x%08x, %zu bytes: %u types, %u imports, %u functions, %u exports\n",
           c->module_offsets[d->item], m->size, m->ntypes, m->nimports, m->nfuncs, m->nexports);
    break;
  }
  case SWASM_CM_DEF_CORE_INSTANCE: {
    const swasm_cm_core_instance_t *ci = &c->core_instances[d->item];
    defines(k, SWASM_CM_CORE_INSTANCE, depth);
    if (ci->instantiate) printf("instantiate core module %u", ci->module);
    else printf("exports");
    for (uint32_t i = 0; i < ci->nargs; i++) {
      printf("%s \"", i ? "," : ci->instantiate ? " with" : "");
      print_name(ci->args[i].name);
      printf("\" %s %u", swasm_cm_sort_name(ci->args[i].item.sort), ci->args[i].item.index);
    }
    printf("\n");
    break;
  }
  case SWASM_CM_DEF_CORE_TYPE: {
    const swasm_cm_coretype_t *t = c->core_types[d->item];
    defines(k, SWASM_CM_CORE_TYPE, depth);
    if (t->code == 0x50) printf("module type (%u declarations)\n", t->ndecls);
    else { print_functype(&t->functype); printf("\n"); }
    break;
  }
  case SWASM_CM_DEF_COMPONENT:
    defines(k, SWASM_CM_COMPONENT, depth);
    printf("at 0x%08x, %u bytes\n", c->components[d->item]->offset,
           c->components[d->item]->end - c->components[d->item]->offset);
    print_component(c->components[d->item], depth + 1);
    break;
  case SWASM_CM_DEF_INSTANCE: {
    const swasm_cm_instance_t *in = &c->instances[d->item];
    defines(k, SWASM_CM_INSTANCE, depth);
    if (in->instantiate) {
      printf("instantiate component %u", in->component);
      for (uint32_t i = 0; i < in->nargs; i++) {
        printf("%s \"", i ? "," : " with");
        print_name(in->args[i].name);
        printf("\" %s %u", swasm_cm_sort_name(in->args[i].item.sort), in->args[i].item.index);
      }
    } else {
      printf("exports");
      for (uint32_t i = 0; i < in->nexports; i++) {
        printf("%s ", i ? "," : "");
        print_cm_name(&in->exports[i].name);
        printf(" %s %u", swasm_cm_sort_name(in->exports[i].item.sort), in->exports[i].item.index);
      }
    }
    printf("\n");
    break;
  }
  case SWASM_CM_DEF_ALIAS: {
    const swasm_cm_alias_t *a = &c->aliases[d->item];
    defines(k, a->sort, depth);
    if (a->target == SWASM_CM_ALIAS_OUTER) printf("alias outer %u %u\n", a->count, a->index);
    else {
      printf("alias %sexport \"", a->target == SWASM_CM_ALIAS_CORE_EXPORT ? "core " : "");
      print_name(a->name);
      printf("\" of %sinstance %u\n", a->target == SWASM_CM_ALIAS_CORE_EXPORT ? "core " : "", a->instance);
    }
    break;
  }
  case SWASM_CM_DEF_TYPE:
    defines(k, SWASM_CM_TYPE, depth);
    print_deftype(c->types[d->item], depth);
    break;
  case SWASM_CM_DEF_CANON: {
    const swasm_cm_canon_t *cn = &c->canons[d->item];
    defines(k, cn->kind == SWASM_CANON_LIFT ? SWASM_CM_FUNC : SWASM_CM_CORE_FUNC, depth);
    printf("canon %s", canon_name(cn->kind));
    if (cn->kind == SWASM_CANON_LIFT) printf(" core func %u, type %u", cn->func, cn->type);
    else if (cn->kind == SWASM_CANON_LOWER) printf(" func %u", cn->func);
    else if (cn->kind <= SWASM_CANON_RESOURCE_REP) printf(" type %u", cn->type);
    else printf(" 0x%02x", cn->kind);
    print_canonopts(&cn->opts);
    printf("\n");
    break;
  }
  case SWASM_CM_DEF_START: {
    const swasm_cm_start_t *st = &c->starts[d->item];
    indent(depth);
    printf("start func %u (%u arguments, %u results)\n", st->func, st->nargs, st->nresults);
    k->n[SWASM_CM_VALUE] += st->nresults;
    break;
  }
  case SWASM_CM_DEF_IMPORT: {
    const swasm_cm_import_t *im = &c->imports[d->item];
    defines(k, im->desc.sort, depth);
    printf("import ");
    print_cm_name(&im->name);
    printf(": ");
    print_externdesc(&im->desc);
    printf("\n");
    break;
  }
  case SWASM_CM_DEF_EXPORT: {
    const swasm_cm_export_t *ex = &c->exports[d->item];
    defines(k, ex->item.sort, depth);
    printf("export ");
    print_cm_name(&ex->name);
    printf(" = %s %u", swasm_cm_sort_name(ex->item.sort), ex->item.index);
    if (ex->has_type) { printf(" as "); print_externdesc(&ex->desc); }
    printf("\n");
    break;
  }
  }
}

static void print_component(const swasm_component_t *c, int depth) {
  counters_t k;
  memset(&k, 0, sizeof k);
  if (c->name) {
    indent(depth);
    printf("name \"");
    print_name(c->name);
    printf("\"\n");
  }
  for (uint32_t i = 0; i < c->ndefs; i++) print_def(c, &c->defs[i], &k, depth);
}

static int inspect_component(const char *path, const uint8_t *bytes, size_t size,
                             const swasm_features_t *features) {
  swasm_component_t *c;
  swasm_diag_t diag;
  char line[1024];
  if (swasm_component_decode(bytes, size, features, &c, &diag) != SWASM_OK) {
    fprintf(stderr, "%s\n", swasm_diag_format(&diag, path, NULL, line, sizeof line));
    return 1;
  }
  printf("%s: %zu bytes, component (binary version 0x%x)\n\nsections (%u):\n  %-4s %-14s %10s %10s\n",
         path, c->size, bytes[4], c->nsections, "id", "kind", "offset", "size");
  for (uint32_t i = 0; i < c->nsections; i++) {
    const swasm_cm_section_t *s = &c->sections[i];
    printf("  %-4u %-14s 0x%08x %10u", s->id, s->id < 13 ? cm_section_names[s->id] : "?", s->offset, s->size);
    if (s->name) { printf("  \""); print_name(s->name); printf("\""); }
    printf("\n");
  }
  printf("\ndefinitions (%u), with the index each defines:\n", c->ndefs);
  print_component(c, 1);
  if (swasm_component_validate(c, &diag) != SWASM_OK)
    printf("\nnot valid: %s\n", swasm_diag_format(&diag, path, NULL, line, sizeof line));
  else
    printf("\nvalid: %u imports, %u exports ('swasm wit %s' prints the world)\n", c->type->nimports,
           c->type->nexports, path);
  swasm_component_free(c);
  return 0;
}

int cmd_inspect(int argc, char **argv) {
  swasm_features_t features = {0};
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (tool_is_help(argv[i])) { usage(stdout); return 0; }
    if (strncmp(argv[i], "--enable-", 9) == 0 && swasm_features_enable(&features, argv[i] + 9))
      continue;
    if (argv[i][0] == '-' || path) { usage(stderr); return 2; }
    path = argv[i];
  }
  if (!path) { usage(stderr); return 2; }
  size_t size;
  uint8_t *bytes = tool_read_file(path, &size);
  if (!bytes) {
    fprintf(stderr, "swasm inspect: %s: %s\n", path, strerror(errno));
    return 2;
  }
  if (swasm_is_component(bytes, size)) {
    int r = inspect_component(path, bytes, size, &features);
    free(bytes);
    return r;
  }
  swasm_module_t *m;
  swasm_diag_t diag;
  swasm_status_t st = swasm_module_decode(bytes, size, &features, &m, &diag);
  free(bytes);
  if (st != SWASM_OK) {
    char line[1024];
    fprintf(stderr, "%s\n", swasm_diag_format(&diag, path, NULL, line, sizeof line));
    return 1;
  }
  printf("%s: %zu bytes", path, m->size);
  if (m->name) {
    printf(", module name \"");
    print_name(m->name);
    printf("\"");
  }
  printf("\n\n");
  print_sections(m);
  print_types(m);
  print_imports(m);
  print_functions(m);
  print_tables_memories(m);
  print_globals(m);
  print_exports(m);
  print_segments(m);
  swasm_module_free(m);
  return 0;
}
