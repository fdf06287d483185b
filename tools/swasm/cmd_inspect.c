/* cmd_inspect.c - 'swasm inspect': a readable summary of a module's structure (sections,
 * types, imports, exports, functions, tables, memories, globals, segments) from the decoder's
 * IR, for debugging and for users who want to know what a .wasm file contains. */
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
          "decoded, not validated ('swasm validate' does that).\n");
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
