/* swasm/compiler.h - the public interface of libswasm-compiler: decode, validate and compile
 * WebAssembly modules to native objects.
 *
 * A module is decoded from a byte buffer into an arena-allocated IR (swasm_module_t, read-only
 * for callers), validated by the spec's algorithm, then compiled through LLVM to an ELF object in
 * memory. Every function that can fail returns an swasm_status_t and fills an swasm_diag_t: errors
 * are values, never global state, so several modules can be handled at once on different threads.
 */
#ifndef SWASM_COMPILER_H
#define SWASM_COMPILER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SWASM_VERSION "0.1.0"

struct swasm_module;
struct swasm_arena;

/* ---- status and diagnostics ------------------------------------------------------------- */

typedef enum swasm_status {
  SWASM_OK = 0,
  SWASM_MALFORMED,  /* the bytes are not a well-formed binary (spec: assert_malformed) */
  SWASM_INVALID,    /* well-formed but does not validate (spec: assert_invalid) */
  SWASM_LIMIT,      /* exceeds an implementation limit (counts, sizes, nesting) */
  SWASM_UNSUPPORTED,/* uses a feature not enabled or not implemented */
  SWASM_IO,         /* reading or writing a file failed */
  SWASM_INTERNAL    /* LLVM or another library failed; a bug in swasm */
} swasm_status_t;

/* One diagnostic. offset is the byte offset in the input the message is about; func is the
 * function index the error is in, or -1. The message is a complete sentence fragment without
 * the location, e.g. "type mismatch: i32.add expects i32, found f64". */
typedef struct swasm_diag {
  swasm_status_t status;
  uint64_t offset;
  int64_t func;
  char message[512];
} swasm_diag_t;

/* Formats "FILE:0xOFFSET: func N ($name): message" into buf (name from the module's name
 * section when module is not NULL). Returns buf. */
char *swasm_diag_format(const swasm_diag_t *d, const char *file,
                        const struct swasm_module *module, char *buf, size_t size);

/* ---- features --------------------------------------------------------------------------- */

/* WebAssembly 2.0 is always on. Proposals standardised later are opt-in. */
typedef struct swasm_features {
  bool relaxed_simd;
  bool tail_call;
  bool extended_const;
  bool multi_memory;
  bool memory64;
  bool exceptions;
} swasm_features_t;

/* Sets the feature named NAME ("relaxed-simd", "tail-call", ...) to on; false if unknown. */
bool swasm_features_enable(swasm_features_t *f, const char *name);

/* ---- the module IR ---------------------------------------------------------------------- */

typedef enum swasm_valtype {
  SWASM_I32 = 0x7f,
  SWASM_I64 = 0x7e,
  SWASM_F32 = 0x7d,
  SWASM_F64 = 0x7c,
  SWASM_V128 = 0x7b,
  SWASM_FUNCREF = 0x70,
  SWASM_EXTERNREF = 0x6f
} swasm_valtype_t;

typedef enum swasm_externkind {
  SWASM_EXTERN_FUNC = 0,
  SWASM_EXTERN_TABLE = 1,
  SWASM_EXTERN_MEMORY = 2,
  SWASM_EXTERN_GLOBAL = 3,
  SWASM_EXTERN_TAG = 4
} swasm_externkind_t;

typedef struct swasm_functype {
  uint32_t nparams, nresults;
  const uint8_t *params;   /* swasm_valtype_t bytes */
  const uint8_t *results;
} swasm_functype_t;

typedef struct swasm_limits {
  uint64_t min, max;       /* pages for memories, elements for tables */
  bool has_max;
  bool is64;               /* memory64 */
  bool shared;
} swasm_limits_t;

typedef struct swasm_tabletype {
  uint8_t elemtype;        /* SWASM_FUNCREF or SWASM_EXTERNREF */
  swasm_limits_t limits;
} swasm_tabletype_t;

/* A constant expression: bytes [offset, end) of the module, the final 0x0b included. */
typedef struct swasm_expr {
  uint32_t offset, end;
} swasm_expr_t;

typedef struct swasm_global {
  uint8_t type;            /* swasm_valtype_t */
  bool mut;
  swasm_expr_t init;       /* defined globals only */
} swasm_global_t;

typedef struct swasm_localgroup {
  uint32_t count;
  uint8_t type;
} swasm_localgroup_t;

typedef struct swasm_funcdef {
  uint32_t type;           /* type index */
  /* defined functions only: */
  uint32_t size_offset;    /* offset of the body's size field (for diagnostics) */
  uint32_t body_offset;    /* first instruction, after the local declarations */
  uint32_t body_end;       /* just past the body's final 0x0b */
  uint32_t nlocalgroups;
  const swasm_localgroup_t *localgroups;
  uint32_t nlocals;        /* declared locals, parameters not included */
  const char *name;        /* from the name section, or NULL */
} swasm_funcdef_t;

typedef struct swasm_import {
  const char *module, *name;   /* NUL-terminated UTF-8 copies */
  swasm_externkind_t kind;
  uint32_t index;              /* index in its kind's index space */
  uint32_t offset;             /* byte offset of the entry */
} swasm_import_t;

typedef struct swasm_export {
  const char *name;
  swasm_externkind_t kind;
  uint32_t index;
  uint32_t offset;
} swasm_export_t;

typedef enum swasm_segmode {
  SWASM_SEG_ACTIVE = 0,
  SWASM_SEG_PASSIVE = 1,
  SWASM_SEG_DECLARATIVE = 2
} swasm_segmode_t;

typedef struct swasm_elem {
  swasm_segmode_t mode;
  uint8_t reftype;
  uint32_t table;              /* active only */
  swasm_expr_t offset;         /* active only */
  uint32_t count;
  const uint32_t *funcs;       /* encodings 0-3: function indices; else NULL */
  const swasm_expr_t *exprs;   /* encodings 4-7: one constant expression per element; else NULL */
  uint32_t section_offset;
} swasm_elem_t;

typedef struct swasm_data {
  swasm_segmode_t mode;        /* ACTIVE or PASSIVE */
  uint32_t memory;
  swasm_expr_t offset;
  uint32_t data_offset, size;  /* the bytes, in the module buffer */
  uint32_t section_offset;
} swasm_data_t;

typedef struct swasm_section {
  uint8_t id;                  /* 0 = custom */
  uint32_t offset;             /* of the id byte */
  uint32_t content_offset, size;
  const char *name;            /* custom sections only */
} swasm_section_t;

/* A decoded module. All memory belongs to the module's arena; bytes is a private copy of
 * the input, so the caller's buffer may be freed after decoding. Index spaces list imports
 * first: funcs[0 .. nimported_funcs) are imported, and so on for tables, memories, globals. */
typedef struct swasm_module {
  const uint8_t *bytes;
  size_t size;
  swasm_features_t features;

  uint32_t ntypes;        const swasm_functype_t *types;
  uint32_t nimports;      const swasm_import_t *imports;
  uint32_t nfuncs, nimported_funcs;       const swasm_funcdef_t *funcs;
  uint32_t ntables, nimported_tables;     const swasm_tabletype_t *tables;
  uint32_t nmemories, nimported_memories; const swasm_limits_t *memories;
  uint32_t nglobals, nimported_globals;   const swasm_global_t *globals;
  uint32_t nexports;      const swasm_export_t *exports;
  int64_t start;          /* function index, or -1 */
  uint32_t nelems;        const swasm_elem_t *elems;
  uint32_t ndatas;        const swasm_data_t *datas;
  bool has_datacount;     uint32_t datacount;
  uint32_t nsections;     const swasm_section_t *sections;
  const char *name;       /* module name from the name section, or NULL */

  struct swasm_arena *arena;

  /* exceptions proposal: the type index of each tag, imported tags first */
  uint32_t ntags, nimported_tags; const uint32_t *tags;
} swasm_module_t;

/* Decodes bytes[0..size) into *out. On failure returns the status, fills *diag, and *out is
 * NULL. Checks every count against the input's size before allocating. */
swasm_status_t swasm_module_decode(const uint8_t *bytes, size_t size,
                                   const swasm_features_t *features,
                                   swasm_module_t **out, swasm_diag_t *diag);

/* Validates a decoded module by the spec's algorithm (and finishes decoding function bodies:
 * malformed instructions are reported as SWASM_MALFORMED). */
swasm_status_t swasm_module_validate(const swasm_module_t *m, swasm_diag_t *diag);

void swasm_module_free(swasm_module_t *m);

/* Name of an opcode for messages ("i32.add"); prefix is 0, 0xfc or 0xfd. */
const char *swasm_opcode_name(uint32_t prefix, uint32_t code);
const char *swasm_valtype_name(uint8_t t);

/* ---- compiling --------------------------------------------------------------------------- */

typedef enum swasm_bounds {
  SWASM_BOUNDS_GUARD = 0,    /* 8 GiB reservation, no checks emitted (default on 64-bit hosts) */
  SWASM_BOUNDS_EXPLICIT = 1  /* a compare and branch before every access */
} swasm_bounds_t;

typedef enum swasm_emit {
  SWASM_EMIT_OBJ = 0,
  SWASM_EMIT_ASM,
  SWASM_EMIT_LLVM_IR,        /* before optimisation */
  SWASM_EMIT_LLVM_IR_OPT     /* after optimisation */
} swasm_emit_t;

typedef struct swasm_compile_opts {
  int opt_level;             /* 0..3 */
  const char *triple;        /* NULL = host ("x86_64-linux-gnu", "aarch64-linux-gnu") */
  const char *cpu;           /* NULL = baseline (x86-64-v2, generic armv8-a); "native" allowed */
  swasm_bounds_t bounds;
  swasm_emit_t emit;
  unsigned threads;          /* 0 = one per core */
} swasm_compile_opts_t;

typedef struct swasm_buf {
  uint8_t *data;
  size_t size;
} swasm_buf_t;

void swasm_buf_free(swasm_buf_t *b);

/* Compiles a validated module to *out (an ELF object, assembly text or LLVM IR text as opts
 * asks). The object defines the symbol SWASM_DESC_SYMBOL (see swasm/runtime.h). */
swasm_status_t swasm_compile(const swasm_module_t *m, const swasm_compile_opts_t *opts,
                             swasm_buf_t *out, swasm_diag_t *diag);

/* Links an object (from swasm_compile) into a shared library at path, through ld.lld or the
 * system C compiler driver (SWASM_LINKER in the environment overrides). The library leaves the
 * swasm_rt_* symbols undefined: they bind to libswasm-rt in the loading process. Written to a
 * temporary name and renamed into place. triple NULL = host. */
swasm_status_t swasm_link_shared(const swasm_buf_t *obj, const char *path, const char *triple,
                                 swasm_diag_t *diag);

/* What swasm_link_executable links with the object. */
typedef struct swasm_exe_opts {
  const char *triple;              /* NULL = host */
  const char *const *libs;         /* NULL-terminated: the runtime archives (libswasm-rt-main.a
                                      then libswasm-rt.a) or other files to link after it */
  const char *const *grants;       /* NULL-terminated swasm_wasi_grants strings to bake in
                                      (see swasm/runtime.h), or NULL for the default, none */
  const char *const *link_args;    /* NULL-terminated extra driver arguments, or NULL */
  bool shared_libc;                /* link the C library dynamically; by default the whole
                                      executable is static (and position-independent), which
                                      starts fastest and runs on any Linux of the architecture */
} swasm_exe_opts_t;

/* Links an object (from swasm_compile) of a WASI command into a standalone executable at path,
 * through the system C compiler driver ($SWASM_CC, else cc, else clang-19, else gcc; the cross
 * gcc for a foreign triple). Written to a temporary name and renamed into place. */
swasm_status_t swasm_link_executable(const swasm_buf_t *obj, const char *path,
                                     const swasm_exe_opts_t *opts, swasm_diag_t *diag);

/* Compiles (if not cached) and links m with opts into the compile cache
 * ($SWASM_CACHE_DIR, else $XDG_CACHE_HOME/swasm, else ~/.cache/swasm), keyed by a hash of the
 * module bytes, the options and the swasm version. Writes the library's path to path_out. */
swasm_status_t swasm_compile_cached(const swasm_module_t *m, const swasm_compile_opts_t *opts,
                                    char *path_out, size_t path_size, swasm_diag_t *diag);


/* Converts the text format (.wat) to the binary format through binaryen's parser, run in a
 * child process (binaryen exits on bad input). The bytes still need swasm_module_decode and
 * swasm_module_validate. On failure returns SWASM_MALFORMED (with binaryen's message), SWASM_IO
 * or SWASM_LIMIT. Free out with swasm_buf_free. */
swasm_status_t swasm_wat_to_wasm(const char *text, size_t len, swasm_buf_t *out,
                                 swasm_diag_t *diag);

/* ---- components ----------------------------------------------------------------------------
 *
 * A component (binary preamble version 0x0d, layer 1) is decoded into a syntactic IR that keeps
 * every definition in binary order with the indices it was written with, then validated. The
 * validator resolves every index space (imports, aliases, instances, canon definitions, exports)
 * to semantic types (swasm_cm_type_t): what canonical-ABI codegen, instantiation and linking by
 * interface name need. All memory belongs to the component; embedded core modules are decoded
 * and validated with swasm_module_decode / swasm_module_validate and kept beside it. Diagnostic
 * offsets are relative to the whole file, also for errors inside nested components and modules. */

struct swasm_component;
struct swasm_cm_type;
struct swasm_cm_resource;

/* The sorts of a component's index spaces. Core sorts first, then component-level sorts. */
typedef enum swasm_cm_sort {
  SWASM_CM_CORE_FUNC = 0,
  SWASM_CM_CORE_TABLE,
  SWASM_CM_CORE_MEMORY,
  SWASM_CM_CORE_GLOBAL,
  SWASM_CM_CORE_TAG,
  SWASM_CM_CORE_TYPE,
  SWASM_CM_CORE_MODULE,
  SWASM_CM_CORE_INSTANCE,
  SWASM_CM_FUNC,
  SWASM_CM_VALUE,
  SWASM_CM_TYPE,
  SWASM_CM_COMPONENT,
  SWASM_CM_INSTANCE,
  SWASM_CM_NSORTS
} swasm_cm_sort_t;

/* "core func", "type", ... for messages and tools. */
const char *swasm_cm_sort_name(swasm_cm_sort_t s);
/* The name of a type kind (SWASM_CM_RECORD, ...: "record", "u32", "func"; "?" if unknown). */
const char *swasm_cm_kind_name(uint8_t kind);

typedef struct swasm_cm_sortidx {
  swasm_cm_sort_t sort;
  uint32_t index;
} swasm_cm_sortidx_t;

/* An import or export name. The decoder fills name, the attributes and offset; the validator
 * parses the name and fills the rest. "wasi:http/types@0.2.0" gives kind INTERFACE, ns "wasi",
 * package "http", label "types", version "0.2.0"; "[method]blob.read" gives kind METHOD,
 * resource "blob", label "read". */
typedef enum swasm_cm_namekind {
  SWASM_CM_NAME_PLAIN = 0,
  SWASM_CM_NAME_CONSTRUCTOR,
  SWASM_CM_NAME_METHOD,
  SWASM_CM_NAME_STATIC,
  SWASM_CM_NAME_INTERFACE,
  SWASM_CM_NAME_DEP,         /* unlocked-dep=<...> / locked-dep=<...> */
  SWASM_CM_NAME_URL,         /* url=<...> */
  SWASM_CM_NAME_HASH         /* integrity=<...> */
} swasm_cm_namekind_t;

typedef struct swasm_cm_name {
  const char *name;
  const char *implements;      /* the `implements` attribute, or NULL */
  const char *external_id;     /* the `external-id` attribute, or NULL */
  uint32_t offset;
  swasm_cm_namekind_t kind;
  const char *label;           /* plain label, method/static function name, interface name */
  const char *resource;        /* [constructor]R, [method]R.f, [static]R.f: R; else NULL */
  const char *ns, *package;    /* interface names */
  const char *version;         /* interface names with @version: the semver text; else NULL */
} swasm_cm_name_t;

/* ---- syntactic IR: type definitions ---- */

/* Type opcodes, as in the binary format. */
enum {
  SWASM_CM_BOOL = 0x7f, SWASM_CM_S8 = 0x7e, SWASM_CM_U8 = 0x7d, SWASM_CM_S16 = 0x7c,
  SWASM_CM_U16 = 0x7b, SWASM_CM_S32 = 0x7a, SWASM_CM_U32 = 0x79, SWASM_CM_S64 = 0x78,
  SWASM_CM_U64 = 0x77, SWASM_CM_F32 = 0x76, SWASM_CM_F64 = 0x75, SWASM_CM_CHAR = 0x74,
  SWASM_CM_STRING = 0x73, SWASM_CM_ERROR_CONTEXT = 0x64,
  SWASM_CM_RECORD = 0x72, SWASM_CM_VARIANT = 0x71, SWASM_CM_LIST = 0x70, SWASM_CM_TUPLE = 0x6f,
  SWASM_CM_FLAGS = 0x6e, SWASM_CM_ENUM = 0x6d, SWASM_CM_OPTION = 0x6b, SWASM_CM_RESULT = 0x6a,
  SWASM_CM_OWN = 0x69, SWASM_CM_BORROW = 0x68, SWASM_CM_FIXED_LIST = 0x67,
  SWASM_CM_STREAM = 0x66, SWASM_CM_FUTURE = 0x65, SWASM_CM_MAP = 0x63,
  SWASM_CM_RESOURCE = 0x3f, SWASM_CM_FUNCTYPE = 0x40, SWASM_CM_COMPONENTTYPE = 0x41,
  SWASM_CM_INSTANCETYPE = 0x42, SWASM_CM_ASYNC_FUNCTYPE = 0x43
};

/* A value type as written: a primitive opcode, or (prim 0) an index in the type index space. */
typedef struct swasm_cm_valtype {
  uint8_t prim;
  uint32_t index;
} swasm_cm_valtype_t;

/* A labelled or unlabelled part: record field, variant case, tuple element, flag or enum
 * label, function parameter. has_type is false for labels and payload-less cases. */
typedef struct swasm_cm_field {
  const char *name;
  bool has_type;
  swasm_cm_valtype_t type;
} swasm_cm_field_t;

/* An extern description (import, export, instance/component type declarations). */
typedef struct swasm_cm_externdesc {
  swasm_cm_sort_t sort;        /* CORE_MODULE, FUNC, VALUE, TYPE, COMPONENT or INSTANCE */
  bool sub_resource;           /* TYPE: (sub resource) rather than (eq index) */
  bool value_eq;               /* VALUE: (eq valueidx) rather than a value type */
  uint32_t index;              /* type index (core type index for CORE_MODULE), or value index */
  swasm_cm_valtype_t valtype;  /* VALUE with a type */
} swasm_cm_externdesc_t;

typedef enum swasm_cm_aliastarget {
  SWASM_CM_ALIAS_EXPORT = 0,   /* export `name` of component instance `instance` */
  SWASM_CM_ALIAS_CORE_EXPORT,  /* export `name` of core instance `instance` */
  SWASM_CM_ALIAS_OUTER         /* item `index` of the `count`-th enclosing component */
} swasm_cm_aliastarget_t;

typedef struct swasm_cm_alias {
  swasm_cm_sort_t sort;
  swasm_cm_aliastarget_t target;
  uint32_t instance;           /* EXPORT, CORE_EXPORT */
  const char *name;            /* EXPORT, CORE_EXPORT */
  uint32_t count, index;       /* OUTER */
  uint32_t offset;
} swasm_cm_alias_t;

struct swasm_cm_deftype;
struct swasm_cm_coretype;

typedef enum swasm_cm_declkind {
  SWASM_CM_DECL_CORE_TYPE = 0, SWASM_CM_DECL_TYPE = 1, SWASM_CM_DECL_ALIAS = 2,
  SWASM_CM_DECL_IMPORT = 3, SWASM_CM_DECL_EXPORT = 4
} swasm_cm_declkind_t;

/* One declarator of a component or instance type. */
typedef struct swasm_cm_decl {
  swasm_cm_declkind_t kind;
  const struct swasm_cm_coretype *coretype;  /* CORE_TYPE */
  const struct swasm_cm_deftype *type;       /* TYPE */
  swasm_cm_alias_t alias;                    /* ALIAS */
  swasm_cm_name_t name;                      /* IMPORT, EXPORT */
  swasm_cm_externdesc_t desc;                /* IMPORT, EXPORT */
} swasm_cm_decl_t;

/* A type definition. code is one of the type opcodes above. */
typedef struct swasm_cm_deftype {
  uint8_t code;
  uint32_t offset;
  uint32_t nfields;                  /* record, variant, tuple, flags, enum; function params */
  const swasm_cm_field_t *fields;
  bool has_a, has_b;
  swasm_cm_valtype_t a, b;           /* list/option/fixed-list/stream/future element, own/borrow
                                        resource, result ok (a) and error (b), map key (a) and
                                        value (b), function result (a) */
  uint32_t length;                   /* fixed-size list length */
  uint8_t rep;                       /* resource representation (0x7f: i32) */
  bool has_dtor;
  uint32_t dtor;                     /* resource destructor: core function index */
  uint32_t ndecls;                   /* component and instance types */
  const swasm_cm_decl_t *decls;
} swasm_cm_deftype_t;

/* A core type: a function type (code 0x60) or a module type (code 0x50) of declarations. */
typedef enum swasm_cm_coredeclkind {
  SWASM_CM_COREDECL_IMPORT = 0, SWASM_CM_COREDECL_TYPE = 1, SWASM_CM_COREDECL_ALIAS = 2,
  SWASM_CM_COREDECL_EXPORT = 3
} swasm_cm_coredeclkind_t;

typedef struct swasm_cm_coreextern {
  swasm_externkind_t kind;
  uint32_t type;               /* FUNC, TAG: type index */
  swasm_tabletype_t table;
  swasm_limits_t memory;
  swasm_global_t global;
} swasm_cm_coreextern_t;

typedef struct swasm_cm_coredecl {
  swasm_cm_coredeclkind_t kind;
  const char *module, *name;   /* IMPORT: both; EXPORT: name */
  swasm_cm_coreextern_t desc;  /* IMPORT, EXPORT */
  swasm_functype_t functype;   /* TYPE */
  uint32_t count, index;       /* ALIAS (outer type alias) */
  uint32_t offset;
} swasm_cm_coredecl_t;

typedef struct swasm_cm_coretype {
  uint8_t code;                /* 0x60 function type, 0x50 module type */
  uint32_t offset;
  swasm_functype_t functype;
  uint32_t ndecls;
  const swasm_cm_coredecl_t *decls;
} swasm_cm_coretype_t;

/* ---- syntactic IR: definitions ---- */

/* A `with` argument or an inline export of a core instance (name, core sort and index), or a
 * `with` argument of a component instantiation. */
typedef struct swasm_cm_arg {
  const char *name;
  swasm_cm_sortidx_t item;
} swasm_cm_arg_t;

typedef struct swasm_cm_export {
  swasm_cm_name_t name;
  swasm_cm_sortidx_t item;
  bool has_type;               /* an ascribed type follows */
  swasm_cm_externdesc_t desc;
  uint32_t offset;
} swasm_cm_export_t;

typedef struct swasm_cm_import {
  swasm_cm_name_t name;
  swasm_cm_externdesc_t desc;
  uint32_t offset;
} swasm_cm_import_t;

typedef struct swasm_cm_core_instance {
  bool instantiate;            /* (instantiate module args) rather than inline exports */
  uint32_t module;
  uint32_t nargs;              /* instantiate: args (sort CORE_INSTANCE); else the exports */
  const swasm_cm_arg_t *args;
  uint32_t offset;
} swasm_cm_core_instance_t;

typedef struct swasm_cm_instance {
  bool instantiate;
  uint32_t component;
  uint32_t nargs;              /* instantiate */
  const swasm_cm_arg_t *args;
  uint32_t nexports;           /* inline exports */
  const swasm_cm_export_t *exports;
  uint32_t offset;
} swasm_cm_instance_t;

/* Canonical definitions, numbered by their binary opcode. */
typedef enum swasm_cm_canonkind {
  SWASM_CANON_LIFT = 0x00, SWASM_CANON_LOWER = 0x01, SWASM_CANON_RESOURCE_NEW = 0x02,
  SWASM_CANON_RESOURCE_DROP = 0x03, SWASM_CANON_RESOURCE_REP = 0x04,
  SWASM_CANON_TASK_CANCEL = 0x05, SWASM_CANON_SUBTASK_CANCEL = 0x06,
  SWASM_CANON_RESOURCE_DROP_ASYNC = 0x07, SWASM_CANON_BACKPRESSURE_SET = 0x08,
  SWASM_CANON_TASK_RETURN = 0x09, SWASM_CANON_CONTEXT_GET = 0x0a,
  SWASM_CANON_CONTEXT_SET = 0x0b, SWASM_CANON_THREAD_YIELD = 0x0c,
  SWASM_CANON_SUBTASK_DROP = 0x0d, SWASM_CANON_STREAM_NEW = 0x0e,
  SWASM_CANON_STREAM_READ = 0x0f, SWASM_CANON_STREAM_WRITE = 0x10,
  SWASM_CANON_STREAM_CANCEL_READ = 0x11, SWASM_CANON_STREAM_CANCEL_WRITE = 0x12,
  SWASM_CANON_STREAM_DROP_READABLE = 0x13, SWASM_CANON_STREAM_DROP_WRITABLE = 0x14,
  SWASM_CANON_FUTURE_NEW = 0x15, SWASM_CANON_FUTURE_READ = 0x16,
  SWASM_CANON_FUTURE_WRITE = 0x17, SWASM_CANON_FUTURE_CANCEL_READ = 0x18,
  SWASM_CANON_FUTURE_CANCEL_WRITE = 0x19, SWASM_CANON_FUTURE_DROP_READABLE = 0x1a,
  SWASM_CANON_FUTURE_DROP_WRITABLE = 0x1b, SWASM_CANON_ERROR_CONTEXT_NEW = 0x1c,
  SWASM_CANON_ERROR_CONTEXT_DEBUG_MESSAGE = 0x1d, SWASM_CANON_ERROR_CONTEXT_DROP = 0x1e,
  SWASM_CANON_WAITABLE_SET_NEW = 0x1f, SWASM_CANON_WAITABLE_SET_WAIT = 0x20,
  SWASM_CANON_WAITABLE_SET_POLL = 0x21, SWASM_CANON_WAITABLE_SET_DROP = 0x22,
  SWASM_CANON_WAITABLE_JOIN = 0x23, SWASM_CANON_BACKPRESSURE_INC = 0x24,
  SWASM_CANON_BACKPRESSURE_DEC = 0x25, SWASM_CANON_THREAD_INDEX = 0x26,
  SWASM_CANON_THREAD_NEW_INDIRECT = 0x27, SWASM_CANON_THREAD_RESUME_LATER = 0x28,
  SWASM_CANON_THREAD_SUSPEND = 0x29, SWASM_CANON_THREAD_SUSPEND_THEN_RESUME = 0x2a,
  SWASM_CANON_THREAD_YIELD_THEN_RESUME = 0x2b, SWASM_CANON_THREAD_SUSPEND_THEN_PROMOTE = 0x2c,
  SWASM_CANON_THREAD_YIELD_THEN_PROMOTE = 0x2d,
  SWASM_CANON_NKINDS
} swasm_cm_canonkind_t;

typedef enum swasm_cm_strenc {
  SWASM_CM_UTF8 = 0, SWASM_CM_UTF16 = 1, SWASM_CM_LATIN1_UTF16 = 2
} swasm_cm_strenc_t;

typedef struct swasm_cm_canonopts {
  swasm_cm_strenc_t string_encoding;
  bool has_string_encoding, has_memory, has_realloc, has_post_return, async, has_callback;
  uint32_t memory, realloc, post_return, callback;   /* core memory / core func indices */
} swasm_cm_canonopts_t;

typedef struct swasm_cm_canon {
  swasm_cm_canonkind_t kind;
  uint32_t func;               /* LIFT: core func; LOWER: component func */
  uint32_t type;               /* LIFT: func type; resource and stream/future built-ins: type;
                                  THREAD_NEW_INDIRECT: core type; CONTEXT_*: slot */
  uint32_t table;              /* THREAD_NEW_INDIRECT */
  bool flag;                   /* async / cancellable immediates */
  bool has_result;             /* TASK_RETURN */
  swasm_cm_valtype_t result;   /* TASK_RETURN */
  swasm_cm_canonopts_t opts;
  uint32_t offset;
  /* After validation: LIFT the function's type, LOWER the lowered function's type. */
  const struct swasm_cm_type *functype;
} swasm_cm_canon_t;

typedef struct swasm_cm_start {
  uint32_t func;
  uint32_t nargs;
  const uint32_t *args;        /* value indices */
  uint32_t nresults;
  uint32_t offset;
} swasm_cm_start_t;

/* One definition, in binary order. */
typedef enum swasm_cm_defkind {
  SWASM_CM_DEF_CORE_MODULE, SWASM_CM_DEF_CORE_INSTANCE, SWASM_CM_DEF_CORE_TYPE,
  SWASM_CM_DEF_COMPONENT, SWASM_CM_DEF_INSTANCE, SWASM_CM_DEF_ALIAS, SWASM_CM_DEF_TYPE,
  SWASM_CM_DEF_CANON, SWASM_CM_DEF_START, SWASM_CM_DEF_IMPORT, SWASM_CM_DEF_EXPORT
} swasm_cm_defkind_t;

typedef struct swasm_cm_def {
  swasm_cm_defkind_t kind;
  uint32_t item;               /* index into the array of that kind in swasm_component_t */
} swasm_cm_def_t;

/* Where an entry of an index space comes from: the definition that created it. For exports
 * (which add an index in their sort) and canon/instantiation results, def names the export,
 * canon or instance. */
typedef struct swasm_cm_origin {
  uint32_t def;                /* index into defs */
} swasm_cm_origin_t;

typedef struct swasm_cm_section {
  uint8_t id;
  uint32_t offset, content_offset, size;
  const char *name;            /* custom sections */
} swasm_cm_section_t;

/* ---- semantic types (filled by validation) ---- */

/* A resource's identity: two handles have the same resource type iff they point to the same
 * swasm_cm_resource_t. */
typedef struct swasm_cm_resource {
  uint32_t id;                 /* unique within the component tree, for printing */
  const char *name;            /* a name it was imported or exported under, for printing */
  bool defined;                /* defined by a (resource) type definition, not abstract */
  bool has_dtor;
  uint32_t dtor;               /* core func index in the defining component */
} swasm_cm_resource_t;

/* A named part of a semantic type: type is NULL for a label or a payload-less case. */
typedef struct swasm_cm_tfield {
  const char *name;
  const struct swasm_cm_type *type;
} swasm_cm_tfield_t;

/* An import or export of a component or instance type. For TYPE entities, type is the type
 * the name introduces; for CORE_MODULE, module. */
typedef struct swasm_cm_entity {
  const char *name;
  swasm_cm_sort_t sort;
  const struct swasm_cm_type *type;
  const struct swasm_cm_moduletype *module;
} swasm_cm_entity_t;

/* A resolved type. kind is a type opcode (primitive codes, SWASM_CM_RECORD, ...,
 * SWASM_CM_RESOURCE, SWASM_CM_FUNCTYPE, SWASM_CM_COMPONENTTYPE, SWASM_CM_INSTANCETYPE). Value
 * types point to other types; primitives are shared nodes. */
typedef struct swasm_cm_type {
  uint8_t kind;
  bool async;                        /* async function types */
  uint32_t n;                        /* record fields, variant cases, tuple elements, flag and
                                        enum labels, function params */
  const swasm_cm_tfield_t *fields;
  const struct swasm_cm_type *a, *b; /* element, own/borrow target (a resource type), result
                                        ok/err, map key/value, function result (or NULL) */
  uint32_t length;                   /* fixed-size list */
  const swasm_cm_resource_t *resource;
  uint32_t nimports, nexports;       /* component types (imports) and instance types */
  const swasm_cm_entity_t *imports, *exports;
  /* Component and instance types: the abstract resources the type binds, those its imports
   * introduce first (the first nimported_resources), then those of its exports (fresh for
   * every instantiation or use as an import). */
  uint32_t nresources, nimported_resources;
  const swasm_cm_resource_t *const *resources;
  uint32_t size;                     /* effective size, bounded by an implementation limit */
  uint32_t depth;                    /* nesting depth, bounded by an implementation limit */
  const struct swasm_cm_type *origin;/* a type import or export names its type anew (a distinct
                                        node, for the visibility rules): the type it names */
} swasm_cm_type_t;

/* A core extern type and a core module (or instance) type. */
typedef struct swasm_cm_coreentity {
  const char *module, *name;         /* module is NULL for exports */
  swasm_cm_coreextern_t desc;
  const swasm_functype_t *functype;  /* FUNC, TAG */
} swasm_cm_coreentity_t;

typedef struct swasm_cm_moduletype {
  uint32_t nimports, nexports;
  const swasm_cm_coreentity_t *imports, *exports;
} swasm_cm_moduletype_t;

/* ---- the component ---- */

typedef struct swasm_component {
  const uint8_t *bytes;        /* the whole file (shared by nested components) */
  size_t size;
  uint32_t offset, end;        /* this component's bytes within the file */
  uint32_t depth;              /* 0 for the outermost component */

  uint32_t ndefs;              const swasm_cm_def_t *defs;
  uint32_t nmodules;           swasm_module_t *const *modules;       /* embedded core modules */
  const uint32_t *module_offsets;                                    /* their file offsets */
  uint32_t ncore_instances;    const swasm_cm_core_instance_t *core_instances;
  uint32_t ncore_types;        const swasm_cm_coretype_t *const *core_types;
  uint32_t ncomponents;        struct swasm_component *const *components;
  uint32_t ninstances;         const swasm_cm_instance_t *instances;
  uint32_t naliases;           const swasm_cm_alias_t *aliases;
  uint32_t ntypes;             const swasm_cm_deftype_t *const *types;
  uint32_t ncanons;            swasm_cm_canon_t *canons;
  uint32_t nstarts;            const swasm_cm_start_t *starts;
  uint32_t nimports;           swasm_cm_import_t *imports;
  uint32_t nexports;           swasm_cm_export_t *exports;
  uint32_t nsections;          const swasm_cm_section_t *sections;
  const char *name;            /* from the component-name custom section, or NULL */

  /* After validation: the component's type (its imports and exports) and, per sort, the size
   * of each index space and the definition that created each entry. */
  const swasm_cm_type_t *type;
  uint32_t space_size[SWASM_CM_NSORTS];
  const swasm_cm_origin_t *space[SWASM_CM_NSORTS];
  bool validated;

  struct swasm_arena *arena;   /* the outermost component's arena holds everything */

  /* After validation, for the component-level sorts (FUNC, VALUE, TYPE, COMPONENT, INSTANCE;
   * NULL for core sorts): the semantic type of each index space entry, [space_size[sort]]. A
   * resource type definition's entry has kind SWASM_CM_RESOURCE and its resource node;
   * instantiation binds such nodes to run-time resource types (libswasm-linker). */
  const struct swasm_cm_type *const *space_types[SWASM_CM_NSORTS];
} swasm_component_t;

/* True when bytes start with the magic number and layer 1: a component (of any version; the
 * decoder accepts 0x0d and rejects others), false for a core module or anything else. */
bool swasm_is_component(const uint8_t *bytes, size_t size);

/* Decodes a component. Embedded core modules are decoded with features. On failure returns
 * the status, fills *diag (offset relative to bytes) and *out is NULL. */
swasm_status_t swasm_component_decode(const uint8_t *bytes, size_t size,
                                      const swasm_features_t *features,
                                      swasm_component_t **out, swasm_diag_t *diag);

/* Validates a decoded component (embedded core modules included) and fills its semantic
 * information: the index spaces, canon function types and the component's type. */
swasm_status_t swasm_component_validate(swasm_component_t *c, swasm_diag_t *diag);

void swasm_component_free(swasm_component_t *c);

/* Writes the world of a validated component in WIT (its imports and exports, with the
 * interfaces, resources and named types they use) to *out, NUL-terminated. world names the
 * world. Free with swasm_buf_free. */
swasm_status_t swasm_component_wit(const swasm_component_t *c, const char *world,
                                   swasm_buf_t *out, swasm_diag_t *diag);

/* ---- fused adapters ----------------------------------------------------------------------
 *
 * A `canon lower` whose callee is a `canon lift` of another core instance can be a generated
 * adapter: a small core module (compiler/component/adapter*.c) whose one export "adapter" has
 * the lowered core type and moves values straight from the caller's memory and core values to
 * the callee's, checking what the canonical ABI checks. Its imports, all from module "a":
 * "callee" (the lifted core function), "mem_caller" and "mem_callee" (memories 0 and 1, when
 * the type needs memory), "post" (when the lift has post-return: the callee's flat results ->
 * ()) and the helpers the linker provides (enter, leave, check_leave, trap, str_in, str_out,
 * list_in, list_out, range_caller, range_callee, realloc_caller, realloc_callee, and the direct
 * enter_fast, leave_fast, check_leave_fast, str_in_fast, str_out_fast; their types and meaning
 * are in adapter_body.c's opening comment). Types the adapters do not cover keep the linker's
 * tree path. */
typedef struct swasm_adapter_side {
  const swasm_cm_type_t *type;       /* SWASM_CM_FUNCTYPE as this side sees it */
  swasm_cm_strenc_t enc;
  bool has_memory, has_realloc, has_post_return, async;
} swasm_adapter_side_t;

/* The first argument of the "trap" helper; the second is the offending value. */
enum { SWASM_ADAPTER_TRAP_CHAR = 0, SWASM_ADAPTER_TRAP_DISCRIMINANT = 1 };
/* The last argument of the realloc helpers: what the memory is for (trap messages). */
enum { SWASM_ADAPTER_FOR_STRING = 0, SWASM_ADAPTER_FOR_LIST = 1 };

/* Whether a generated adapter covers a call from the lowering side to the lifting side. */
bool swasm_adapter_supported(const swasm_adapter_side_t *lower, const swasm_adapter_side_t *lift);
/* The adapter module's binary (free with swasm_buf_free). SWASM_UNSUPPORTED when not covered. */
swasm_status_t swasm_adapter_wasm(const swasm_adapter_side_t *lower,
                                  const swasm_adapter_side_t *lift, swasm_buf_t *out,
                                  swasm_diag_t *diag);
/* The adapter compiled and linked through the compile cache (multi-memory enabled); the
 * library's path in path_out, as swasm_compile_cached gives it. */
swasm_status_t swasm_adapter_compile(const swasm_adapter_side_t *lower,
                                     const swasm_adapter_side_t *lift,
                                     const swasm_compile_opts_t *opts, char *path_out,
                                     size_t path_size, swasm_diag_t *diag);

#ifdef __cplusplus
}
#endif
#endif
