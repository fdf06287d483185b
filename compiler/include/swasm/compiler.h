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

#ifdef __cplusplus
}
#endif
#endif
