/* cm.h - what the component decoder and validator share: the decoding context, growable
 * arrays in the arena, the validator's scopes and index spaces, and the type algebra (building,
 * substituting and comparing semantic types). Private to compiler/component. */
#ifndef SWASM_CM_H
#define SWASM_CM_H

#include <stdarg.h>

#include "ir.h"

/* Implementation limits: nesting bounds recursion on hostile input, the type size bounds the
 * work of comparing and substituting types (they are DAGs, and naive walks are exponential). */
enum {
  CM_MAX_DEPTH = 64,          /* nested components, component/instance types */
  CM_MAX_TYPE_SIZE = 100000,  /* effective size of one type, as wasmparser counts it */
  CM_MAX_TYPE_DEPTH = 1000,   /* types nested through type indices: bounds recursion */
  CM_MAX_VALIDATION_BYTES = 512 << 20,  /* memory validation may use: bounds substitution */
  CM_MAX_FLAGS = 32,
  CM_MAX_FLAT_PARAMS = 16,
  CM_MAX_FLAT_RESULTS = 1
};

/* ---- growable arrays in an arena ------------------------------------------------------- */

typedef struct cm_vec {
  void *data;
  uint32_t n, cap;
} cm_vec_t;

/* Room for one more item of size bytes; NULL when out of memory or past UINT32_MAX items. */
void *cm_vec_push(swasm_arena_t *a, cm_vec_t *v, size_t size);
#define CM_VEC_AT(v, T, i) (((T *)(v).data)[i])

/* ---- pointer sets and maps (open addressing, in the arena) ----------------------------- */

typedef struct cm_map {
  const void **keys;
  const void **vals;
  uint32_t n, cap;
} cm_map_t;

bool cm_map_put(swasm_arena_t *a, cm_map_t *m, const void *key, const void *val);
const void *cm_map_get(const cm_map_t *m, const void *key);   /* NULL when absent */
static inline bool cm_set_add(swasm_arena_t *a, cm_map_t *m, const void *key) {
  return cm_map_put(a, m, key, key);
}
static inline bool cm_set_has(const cm_map_t *m, const void *key) {
  return cm_map_get(m, key) != NULL;
}

/* A set of strings or string pairs (a may be NULL); add reports whether it was there. */
typedef struct cm_strset {
  const char **a, **b;
  uint32_t n, cap;
} cm_strset_t;

bool cm_strset_add(swasm_arena_t *ar, cm_strset_t *s, const char *a, const char *b, bool *dup);

/* ---- the decoder ------------------------------------------------------------------------ */

/* Decoding state. Every read goes through r over the whole file, whose errors longjmp to jmp
 * (swasm_component_decode is the only setjmp). section names the section being read so that
 * every message says where it is. */
typedef struct cm_dec {
  ir_reader_t r;
  jmp_buf jmp;
  swasm_diag_t *diag;
  swasm_arena_t *arena;
  swasm_features_t features;
  const char *section;
  uint32_t depth;
  cm_vec_t modules;           /* every core module decoded so far, freed on failure */
} cm_dec_t;

_Noreturn void cm_dec_fail(cm_dec_t *d, swasm_status_t st, size_t offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
void *cm_dec_alloc(cm_dec_t *d, size_t n, size_t size);
uint32_t cm_dec_count(cm_dec_t *d, size_t min_item);   /* vector length, bounded by input */
uint8_t cm_dec_byte(cm_dec_t *d);
uint32_t cm_dec_u32(cm_dec_t *d);
bool cm_dec_bool(cm_dec_t *d);                         /* 0x00 or 0x01 */
const char *cm_dec_name(cm_dec_t *d);                   /* UTF-8 string, NUL-terminated copy */
_Noreturn void cm_dec_bad_byte(cm_dec_t *d, size_t at, uint8_t b, const char *what);
bool cm_utf8_valid(const uint8_t *s, size_t n);

/* Grammar pieces (decode_types.c). */
void cm_dec_valtype(cm_dec_t *d, swasm_cm_valtype_t *t);
const swasm_cm_deftype_t *cm_dec_deftype(cm_dec_t *d);
const swasm_cm_coretype_t *cm_dec_coretype(cm_dec_t *d, bool in_module_type);
void cm_dec_externdesc(cm_dec_t *d, swasm_cm_externdesc_t *e);
void cm_dec_externname(cm_dec_t *d, swasm_cm_name_t *n);
void cm_dec_alias(cm_dec_t *d, swasm_cm_alias_t *a);
swasm_cm_sort_t cm_dec_sort(cm_dec_t *d, const char *what);
void cm_dec_core_limits(cm_dec_t *d, swasm_limits_t *l, bool table);
void cm_dec_core_externdesc(cm_dec_t *d, swasm_cm_coreextern_t *e, uint8_t kind, size_t at);

/* Section readers (decode_defs.c); each appends to the component being built. */
typedef struct cm_build {
  swasm_component_t *c;
  cm_vec_t defs, modules, module_offsets, core_instances, core_types, components, instances,
      aliases, types, canons, starts, imports, exports, sections;
} cm_build_t;

void cm_dec_core_instances(cm_dec_t *d, cm_build_t *b);
void cm_dec_instances(cm_dec_t *d, cm_build_t *b);
void cm_dec_aliases(cm_dec_t *d, cm_build_t *b);
void cm_dec_types(cm_dec_t *d, cm_build_t *b);
void cm_dec_core_types(cm_dec_t *d, cm_build_t *b);
void cm_dec_canons(cm_dec_t *d, cm_build_t *b);
void cm_dec_start(cm_dec_t *d, cm_build_t *b);
void cm_dec_imports(cm_dec_t *d, cm_build_t *b);
void cm_dec_exports(cm_dec_t *d, cm_build_t *b);
void cm_build_def(cm_dec_t *d, cm_build_t *b, swasm_cm_defkind_t kind, uint32_t item);
void *cm_build_push(cm_dec_t *d, cm_vec_t *v, size_t size);

/* Recursion for nested components (decode.c). */
swasm_component_t *cm_dec_component(cm_dec_t *d, size_t start, size_t end);

/* ---- the validator ---------------------------------------------------------------------- */

typedef enum cm_scopekind {
  CM_SCOPE_COMPONENT,        /* a concrete component */
  CM_SCOPE_COMPONENT_TYPE,   /* (type (component ...)) */
  CM_SCOPE_INSTANCE_TYPE     /* (type (instance ...)) */
} cm_scopekind_t;

/* A core type index space entry: a function type or a module type. */
typedef struct cm_coretype {
  const swasm_functype_t *func;
  const swasm_cm_moduletype_t *module;
} cm_coretype_t;

/* A resource as the validator sees it: the public record plus the scope that defined it (for
 * resource.new / resource.rep, which need a resource of the current component). */
typedef struct cm_resource {
  swasm_cm_resource_t pub;
  const struct cm_scope *owner;
} cm_resource_t;

/* Names in one namespace (imports, or exports): strong uniqueness, and which resource type
 * node each top-level type name introduced, for [constructor]/[method]/[static] checks. */
typedef struct cm_names {
  cm_vec_t entries;          /* private to names.c */
  uint32_t *slots;           /* hash index over the entries' uniqueness keys */
  uint32_t nslots;
  cm_map_t resources;        /* resource type node -> const char * name */
} cm_names_t;

/* One level of validation: a component, a component type or an instance type. */
typedef struct cm_scope {
  struct cm_scope *parent;
  cm_scopekind_t kind;
  struct cm_val *v;
  swasm_component_t *c;      /* concrete components */

  /* Index spaces. Core: funcs and tags hold swasm_functype_t *, tables swasm_tabletype_t,
   * memories swasm_limits_t, globals swasm_global_t, types cm_coretype_t, modules and
   * instances swasm_cm_moduletype_t *. Component: funcs, types, components, instances and
   * values hold swasm_cm_type_t *. */
  cm_vec_t core_funcs, core_tables, core_memories, core_globals, core_tags, core_types,
      core_modules, core_instances;
  cm_vec_t funcs, values, types, components, instances;
  cm_vec_t origins[SWASM_CM_NSORTS];   /* concrete components: uint32_t def index per entry */

  cm_vec_t imports, exports;           /* swasm_cm_entity_t */
  cm_names_t import_names, export_names;
  cm_vec_t imported_resources;         /* cm_resource_t *: bound by this scope's imports */
  cm_vec_t defined_resources;          /* created here: fresh per instantiation */
  cm_map_t imported_types, exported_types;  /* type nodes named by an import / export */
  uint32_t def;                        /* the definition being validated */
} cm_scope_t;

/* Validation of one component tree. */
typedef struct cm_val {
  swasm_diag_t *diag;
  swasm_arena_t *arena;      /* the component's arena: semantic types live as long as it */
  const char *section;       /* for messages */
  uint32_t next_resource_id;
  uint32_t offset;           /* of the item being validated */
  size_t allocated;          /* bytes, against CM_MAX_VALIDATION_BYTES */
  bool failed;
} cm_val_t;

/* Errors: the first one wins; functions return false after calling cm_fail. */
bool cm_fail(cm_val_t *v, swasm_status_t st, uint32_t offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
void *cm_alloc(cm_val_t *v, size_t n, size_t size);   /* zeroed; NULL (and a LIMIT error) */
/* Counts memory used outside cm_alloc (maps, arrays) against the limit; false when over. */
bool cm_charge(cm_val_t *v, size_t bytes);
char *cm_strdup(cm_val_t *v, const char *s);

/* Scope helpers (validate.c). */
uint32_t cm_space_size(const cm_scope_t *s, swasm_cm_sort_t sort);
bool cm_push(cm_scope_t *s, swasm_cm_sort_t sort, const void *item, size_t size);
bool cm_scope_init(cm_val_t *v, cm_scope_t *s, cm_scope_t *parent, cm_scopekind_t kind);
bool cm_validate_component(cm_val_t *v, cm_scope_t *parent, swasm_component_t *c,
                           const swasm_cm_type_t **type_out);

/* Index lookups with "X index out of bounds" errors: NULL / false on failure. */
const swasm_cm_type_t *cm_get_type(cm_scope_t *s, uint32_t idx);
const swasm_cm_type_t *cm_get(cm_scope_t *s, swasm_cm_sort_t sort, uint32_t idx);
const swasm_functype_t *cm_get_core_func(cm_scope_t *s, uint32_t idx);
void *cm_get_entry(cm_scope_t *s, swasm_cm_sort_t sort, uint32_t idx, size_t size);
/* The type a component or component/instance type scope describes (kind says which). */
const swasm_cm_type_t *cm_scope_type(cm_scope_t *s, uint8_t kind);
/* The entity an index of a component-level sort (or core module) refers to. */
bool cm_entity_of(cm_scope_t *s, swasm_cm_sortidx_t idx, swasm_cm_entity_t *out);
/* A value type as written, resolved in s: a primitive or a defined value type. */
const swasm_cm_type_t *cm_val_valtype(cm_scope_t *s, swasm_cm_valtype_t vt);

/* ---- semantic types (types.c) ---- */

static inline bool cm_is_prim(uint8_t k) {
  return (k >= SWASM_CM_STRING && k <= SWASM_CM_BOOL) || k == SWASM_CM_ERROR_CONTEXT;
}
bool cm_is_valtype_kind(uint8_t k);          /* primitive or defined value type */
const swasm_cm_type_t *cm_prim(uint8_t code);  /* shared primitive nodes */
const char *cm_kind_name(uint8_t k);           /* "record", "u32", "func", ... */

swasm_cm_type_t *cm_new_type(cm_val_t *v, uint8_t kind);
cm_resource_t *cm_new_resource(cm_val_t *v, const cm_scope_t *owner, bool defined);
const swasm_cm_type_t *cm_resource_type(cm_val_t *v, const swasm_cm_resource_t *r);
/* A new node with the same structure: a type name (import/export) gets its own identity. */
const swasm_cm_type_t *cm_named_copy(cm_val_t *v, const swasm_cm_type_t *t);
/* Computes t->size from its parts; false (LIMIT error) when too large. */
bool cm_finish_type(cm_val_t *v, swasm_cm_type_t *t);
bool cm_contains_borrow(const swasm_cm_type_t *t);
bool cm_contains_resource(const swasm_cm_type_t *t);      /* free: not bound by t itself */
bool cm_needs_memory(const swasm_cm_type_t *t);    /* strings or lists inside */

/* Substitution of resources and type nodes. Nodes are rebuilt only where something changes;
 * memo keeps sharing (and identity) within one substitution. */
typedef struct cm_subst {
  cm_map_t nodes;            /* type node -> type node */
  cm_map_t resources;        /* swasm_cm_resource_t * -> swasm_cm_resource_t * */
  cm_map_t memo;
} cm_subst_t;

const swasm_cm_type_t *cm_subst_type(cm_val_t *v, cm_subst_t *s, const swasm_cm_type_t *t);
bool cm_subst_entity(cm_val_t *v, cm_subst_t *s, const swasm_cm_entity_t *in,
                     swasm_cm_entity_t *out);
/* Gives the resources a type binds new identities (abstract, owned by scope) and returns the
 * substituted type, which binds nothing; the new resources are appended to list. */
const swasm_cm_type_t *cm_freshen(cm_val_t *v, cm_scope_t *scope, const swasm_cm_type_t *t,
                                  cm_vec_t *list);

/* ---- subtyping (subtype.c) ---- */

/* Is a (what is provided) a subtype of b (what is expected)? On failure writes the reason into
 * err (CM_ERRLEN bytes), innermost cause last, and returns false. Component types bind their
 * abstract resources while being compared, which allocates in v's arena. */
enum { CM_ERRLEN = 400 };
bool cm_sub_valtype(const swasm_cm_type_t *a, const swasm_cm_type_t *b, char *err);
bool cm_sub_entity(cm_val_t *v, const swasm_cm_entity_t *a, const swasm_cm_entity_t *b,
                   char *err);
bool cm_sub_type(cm_val_t *v, const swasm_cm_type_t *a, const swasm_cm_type_t *b, char *err);
bool cm_sub_moduletype(const swasm_cm_moduletype_t *a, const swasm_cm_moduletype_t *b,
                       char *err);
bool cm_sub_coreentity(const swasm_cm_coreentity_t *a, const swasm_cm_coreentity_t *b,
                       char *err);
bool cm_functype_eq(const swasm_functype_t *a, const swasm_functype_t *b);
void cm_format_functype(const swasm_functype_t *f, char *buf, size_t size);
const char *cm_entity_sort_name(swasm_cm_sort_t s);

/* Instantiation of a component type with arguments (instantiate.c): binds its imported
 * resources and type imports, checks each argument, and gives back the instance type of its
 * exports with fresh resources for those it defines. */
typedef struct cm_arg {
  const char *name;
  swasm_cm_entity_t entity;
} cm_arg_t;
const swasm_cm_type_t *cm_instantiate(cm_val_t *v, cm_scope_t *s, const swasm_cm_type_t *ct,
                                      const cm_arg_t *args, uint32_t nargs);
/* Binds the resource variables of vars found in expected (or, with nodes, the type nodes its
 * type entities introduce) to the corresponding parts of actual, recording them in subst (and
 * clearing its memo when anything was added). */
bool cm_bind(cm_val_t *v, cm_subst_t *s, const cm_map_t *vars, const swasm_cm_entity_t *expected,
             const swasm_cm_entity_t *actual, bool nodes);

/* ---- names (names.c) ---- */

bool cm_check_name(cm_val_t *v, swasm_cm_name_t *n, bool is_import);
bool cm_is_kebab(const char *s, size_t n);
/* Adds name to the namespace; false (INVALID) if not strongly unique. what: "import"/"export". */
bool cm_names_add(cm_val_t *v, cm_names_t *ns, const swasm_cm_name_t *n, const char *what);
/* The [constructor]/[method]/[static] rules for an import or export of entity e. */
bool cm_check_annotated(cm_val_t *v, const cm_names_t *ns, const swasm_cm_name_t *n,
                        const swasm_cm_entity_t *e);
/* Labels of a record, variant, flags, enum or function: non-empty, kebab-case, unique
 * ignoring case. what names them in messages ("record field", "flag", ...). */
bool cm_check_labels(cm_val_t *v, const swasm_cm_tfield_t *fields, uint32_t n, const char *what);
bool cm_semver_valid(cm_val_t *v, const char *s, const char *name);

/* ---- the parts of validation (validate_*.c) ---- */

bool cm_val_type(cm_scope_t *s, const swasm_cm_deftype_t *dt);
bool cm_val_core_type(cm_scope_t *s, const swasm_cm_coretype_t *ct);
bool cm_val_core_module(cm_scope_t *s, swasm_module_t *m, uint32_t offset);
bool cm_val_core_instance(cm_scope_t *s, const swasm_cm_core_instance_t *ci);
/* Adds a core entity (an export of a core instance) to its core sort's index space. */
bool cm_push_core(cm_scope_t *s, const swasm_cm_coreentity_t *e);
bool cm_val_instance(cm_scope_t *s, const swasm_cm_instance_t *in);
bool cm_val_alias(cm_scope_t *s, const swasm_cm_alias_t *a);
bool cm_val_canon(cm_scope_t *s, swasm_cm_canon_t *cn);
bool cm_val_start(cm_scope_t *s, const swasm_cm_start_t *st);
bool cm_val_import(cm_scope_t *s, swasm_cm_import_t *im);
bool cm_val_export(cm_scope_t *s, swasm_cm_export_t *ex);
bool cm_val_decls(cm_scope_t *s, const swasm_cm_deftype_t *dt);
/* An extern description as an entity type for an import or export of scope s. */
bool cm_val_externdesc(cm_scope_t *s, const swasm_cm_externdesc_t *d, bool is_import,
                       swasm_cm_entity_t *out);
/* Visibility of the types an import or export mentions (external-visibility rules). */
bool cm_register_named(cm_scope_t *s, const swasm_cm_entity_t *e, bool is_import);
bool cm_first_layer_named(const swasm_cm_type_t *t, const cm_map_t *set);
/* Canonical ABI flattening (validate_canon.c). */
bool cm_flatten(const swasm_cm_type_t *t, uint8_t *out, uint32_t *n, uint32_t max);

#endif
