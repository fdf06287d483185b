/* inst.h - what the instantiation files (inst_*.c) share: the run-time index spaces of one
 * component instance (a frame), component-level values, and the root that owns and frees
 * every object an instantiation creates. Private to linker/instance. */
#ifndef SWASM_INST_H
#define SWASM_INST_H

#include "lk.h"

/* Bounds on what one instantiation creates: nested instantiations can multiply. */
enum { CI_MAX_FRAMES = 4096, CI_MAX_CORE_INSTANCES = 16384 };

typedef struct ci_frame ci_frame_t;
typedef struct ci_cinst ci_cinst_t;

/* A component definition as a value: the component and the frame it was defined in, where its
 * outer aliases resolve. */
typedef struct ci_comp {
  const swasm_component_t *c;
  ci_frame_t *scope;
} ci_comp_t;

/* An entry of a component-level index space (func, type, instance, component). A type is
 * kept as its node in the frame that holds it and, for resources, its run-time type. */
typedef struct ci_val {
  swasm_cm_sort_t sort;
  lk_func_t *func;
  const swasm_cm_type_t *type;
  lk_rtype_t *rt;
  ci_cinst_t *inst;
  ci_comp_t comp;
  swasm_module_t *module;          /* CORE_MODULE (an instantiation argument) */
} ci_val_t;

typedef struct ci_export {
  const char *name;
  ci_val_t v;
} ci_export_t;

/* A component instance as a value: its exports by name. */
struct ci_cinst {
  uint32_t n;
  ci_export_t *exports;
};

/* A core instance: one the runtime created, or a bag of inline exports. */
typedef struct ci_core {
  swasm_instance_t *inst;
  uint32_t n;
  const char *const *names;
  swasm_extern_t *items;
} ci_core_t;

/* A growable array of pointers (ownership lists, bindings). */
typedef struct ci_ptrs {
  void **p;
  uint32_t n, cap;
} ci_ptrs_t;

/* Everything one swasm_cinst_new creates. */
struct swasm_cinst {
  ci_frame_t *top;
  swasm_link_opts_t opts;
  void *blocks;                    /* ci_alloc'd memory, a linked list */
  ci_ptrs_t frames;                /* ci_frame_t *: their handle tables */
  ci_ptrs_t cores;                 /* swasm_instance_t *: freed in reverse order */
  ci_ptrs_t modules, loaded;       /* swasm_module_t * -> swasm_loaded_t *, pairwise */
  ci_ptrs_t host_funcs;            /* swasm_host_func_t * */
  ci_ptrs_t lowered;               /* lk_lowered_t * */
  ci_ptrs_t rnodes, rtypes;        /* every binding made: the fallback of lk_rtype_of */
  ci_ptrs_t names, funcs;          /* exported functions: "f", "iface#f" -> lk_func_t * */
  uint32_t steps;                  /* work budget of type walks */
};

/* The run-time index spaces of one component instance. lk comes first: the canonical ABI's
 * lk_instance_t pointers are frames. */
struct ci_frame {
  lk_instance_t lk;
  swasm_cinst_t *root;
  ci_frame_t *scope;               /* the frame the component was defined in */
  const swasm_component_t *c;
  const ci_export_t *args;         /* instantiation arguments (nested components) */
  uint32_t nargs;
  uint32_t n[SWASM_CM_NSORTS];     /* entries filled so far per sort */
  swasm_extern_t *core[SWASM_CM_CORE_TAG + 1];   /* core funcs, tables, memories, globals */
  swasm_module_t **modules;
  ci_core_t **cores;
  ci_val_t *vals[SWASM_CM_NSORTS]; /* component-level sorts */
  ci_cinst_t self;                 /* the exports so far */
  uint32_t def;                    /* the definition being instantiated, for messages */
};

/* ---- instance.c ---- */
LK_HIDDEN void *ci_alloc(swasm_cinst_t *r, size_t size);   /* zeroed, owned by r; NULL: OOM */
LK_HIDDEN bool ci_push(ci_ptrs_t *v, void *p);
LK_HIDDEN bool ci_fail(swasm_error_t *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Instantiates component cc (defined in scope) with args; the frame on success. */
LK_HIDDEN ci_frame_t *ci_instantiate(swasm_cinst_t *r, ci_frame_t *parent, ci_comp_t cc,
                                     const ci_export_t *args, uint32_t nargs,
                                     swasm_error_t *err);

/* ---- inst_core.c: core modules, core instances, core aliases, canon definitions ---- */
LK_HIDDEN bool ci_core_instance(ci_frame_t *f, const swasm_cm_core_instance_t *ci,
                                swasm_error_t *err);
LK_HIDDEN bool ci_core_alias(ci_frame_t *f, const swasm_cm_alias_t *a, swasm_error_t *err);
LK_HIDDEN bool ci_canon(ci_frame_t *f, const swasm_cm_canon_t *cn, swasm_error_t *err);
LK_HIDDEN bool ci_resource_def(ci_frame_t *f, const swasm_cm_deftype_t *dt, swasm_error_t *err);
LK_HIDDEN void ci_core_free(swasm_cinst_t *r);

/* ---- inst_host.c: imports of the outermost component bound to host interfaces ---- */
LK_HIDDEN bool ci_host_import(ci_frame_t *f, const swasm_cm_import_t *im,
                              const swasm_cm_entity_t *e, ci_val_t *out, swasm_error_t *err);
/* Does an interface name provided by a host satisfy an import (semver as Wasmtime)? */
LK_HIDDEN bool ci_iface_match(const char *import, const char *provided);

/* ---- inst_rtype.c: resource types ---- */
/* Binds the resources an entity's type names (type exports, also inside instance types) to
 * the run-time types of value v, in frame f. */
LK_HIDDEN bool ci_bind_entity(ci_frame_t *f, const swasm_cm_type_t *t, swasm_cm_sort_t sort,
                              const ci_val_t *v);
/* Binds in f the resource nodes of actual (another component's view of a function type) to
 * what the corresponding nodes of view (f's own view) are bound to in f. */
LK_HIDDEN bool ci_bind_like(ci_frame_t *f, const swasm_cm_type_t *view,
                            const swasm_cm_type_t *actual);

#endif
