/* swasm/linker.h - the public interface of libswasm-linker: components at run time.
 *
 * A validated component (compiler.h) is instantiated here: its embedded core modules are
 * compiled (through the compile cache) and loaded by libswasm-rt, its core and component
 * instances are created in definition order, `canon lower` turns component functions into core
 * functions, `canon lift` turns core functions into component functions, and the canonical ABI
 * moves values between them: flattening, strings in three encodings, lists, records, variants,
 * flags, own and borrow handles in per-instance handle tables, realloc and post-return, and
 * every trap the ABI requires.
 *
 * Component values are swasm_cval_t trees interpreted against a semantic type
 * (swasm_cm_type_t, filled by swasm_component_validate). Hosts provide interfaces (WASI 0.2 is
 * one, in Part 3) as tables of functions over such values; the WAVE text syntax (Part 4) reads
 * and prints them for `swasm run --invoke`.
 */
#ifndef SWASM_LINKER_H
#define SWASM_LINKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swasm/compiler.h"
#include "swasm/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================================== */
/* Part 1: values                                                                            */
/* ======================================================================================== */

/* Every allocation a call makes for values (arguments, results, strings, lists) comes from an
 * arena freed at once: values never own memory of their own. */
typedef struct swasm_carena swasm_carena_t;
swasm_carena_t *swasm_carena_new(void);
void *swasm_carena_alloc(swasm_carena_t *a, size_t size);   /* zeroed, 16-aligned; NULL: OOM */
void swasm_carena_free(swasm_carena_t *a);

/* A component value. Which member is meant follows from the type it is read against (the
 * function type's parameter or result), never from the value itself: hosts fill values without
 * naming types. Despecialised view: option is a variant of none/some, result of ok/error, enum a
 * variant without payloads, tuple a record without names. */
typedef struct swasm_cval swasm_cval_t;
struct swasm_cval {
  union {
    bool b;                                             /* bool */
    int64_t s;                                          /* s8, s16, s32, s64 */
    uint64_t u;                                         /* u8, u16, u32, u64 */
    float f32;
    double f64;
    uint32_t ch;                                        /* char: a Unicode scalar value */
    struct { const char *ptr; size_t len; } str;        /* string: UTF-8, not NUL-terminated */
    struct { swasm_cval_t *items; uint32_t n; } list;   /* list; record and tuple: the fields */
    struct { uint32_t index; swasm_cval_t *payload; } var;  /* variant, enum, option (0 none,
                                                           1 some), result (0 ok, 1 error);
                                                           payload NULL when the case has none */
    uint64_t flags;                                     /* flags: bit i = label i (<= 32) */
    uint32_t handle;                                    /* own, borrow: see below */
  } u;
};

/* Handles: u.handle is the resource's representation (rep), never a table index. A host
 * function's own/borrow argument of a resource the host defines (Part 3) is the rep the host
 * chose when it created it; an own result is a rep the linker puts into a new handle of the
 * caller's table. Between two components the linker moves the rep from the caller's table to
 * the callee's. An own handle of a component-defined resource that reaches the host (an
 * --invoke result) is kept by the host and not dropped. */

/* ======================================================================================== */
/* Part 2: component instances                                                               */
/* ======================================================================================== */

typedef struct swasm_cinst swasm_cinst_t;
typedef struct swasm_chost swasm_chost_t;        /* Part 3 */

typedef struct swasm_link_opts {
  swasm_compile_opts_t compile;    /* how embedded core modules are compiled (cached) */
  /* Host interfaces that satisfy the component's instance and function imports, matched by
   * interface name and semver (x.y.z satisfies an import of x.y.w when x.y > 0.0 and
   * z >= w... as Wasmtime does: 0.2.x interchangeable). */
  swasm_chost_t *const *hosts;
  uint32_t nhosts;
  /* Imported functions and instances no host provides: NULL makes instantiation fail with
   * "unknown import NAME". */
  /* Where embedded core modules' code comes from: NULL compiles each through the compile
   * cache (swasm_compile_cached) and loads the library; else load(load_env, m, err) returns m
   * loaded, or NULL with err filled (executables built by swasmc link the code in and answer
   * with swasm_load_desc). A module is asked for once per swasm_cinst_new. */
  swasm_loaded_t *(*load)(void *load_env, const swasm_module_t *m, swasm_error_t *err);
  void *load_env;
} swasm_link_opts_t;

/* Instantiates a validated component (which must outlive the instance). On failure returns
 * NULL with err filled: a missing import, a type mismatch, a core module that does not compile,
 * or a trap during a core start function or a component start. */
swasm_cinst_t *swasm_cinst_new(const swasm_component_t *c, const swasm_link_opts_t *opts,
                               swasm_error_t *err);
/* Frees every core instance, loaded module and handle table of the instance. */
void swasm_cinst_free(swasm_cinst_t *inst);

/* An exported component function: name is a top-level export ("f") or an export of an
 * exported instance ("wasi:cli/run@0.2.0#run", interface name and function joined by '#').
 * The type is a SWASM_CM_FUNCTYPE swasm_cm_type_t. */
typedef struct swasm_cfunc {
  swasm_cinst_t *inst;
  const swasm_cm_type_t *type;
  uint32_t index;                  /* private to the linker */
} swasm_cfunc_t;
bool swasm_cinst_export(swasm_cinst_t *inst, const char *name, swasm_cfunc_t *out);
/* Calls f with f->type->n arguments; writes its result (0 or 1 value) to *result, allocated in
 * arena. A trap returns false with err->message the canonical ABI's or the core trap's reason,
 * e.g. "string pointer/length out of bounds of memory". After a trap the instance may not be
 * entered again (later calls trap with "cannot enter component instance"). */
bool swasm_cinst_call(const swasm_cfunc_t *f, const swasm_cval_t *args, swasm_cval_t *result,
                      swasm_carena_t *arena, swasm_error_t *err);

/* ======================================================================================== */
/* Part 3: host interfaces                                                                   */
/* ======================================================================================== */

/* A host function: reads args (as many as its type has parameters), writes *result (when the
 * type has one) with memory from arena. Returns false after filling err to trap
 * (SWASM_TRAP_HOST) or to exit (SWASM_TRAP_EXIT with err->exit_code). */
typedef bool (*swasm_chost_fn)(void *env, const swasm_cval_t *args, swasm_cval_t *result,
                               swasm_carena_t *arena, swasm_error_t *err);

typedef struct swasm_chost_func {
  const char *name;                /* "get-stdout", "[method]output-stream.write", ... */
  swasm_chost_fn fn;
} swasm_chost_func_t;

/* A resource type the host defines: reps are the host's own (indices into its tables). The
 * linker calls dtor when the last own handle of a rep is dropped by a guest. */
typedef struct swasm_chost_resource {
  const char *name;                /* "output-stream" */
  void (*dtor)(void *env, uint32_t rep);
} swasm_chost_resource_t;

/* An interface ("wasi:cli/stdout@0.2.3"). Hosts provide whole interfaces (instance imports);
 * a component's bare function imports are satisfied only by other components. */
struct swasm_chost {
  const char *name;                /* interface name with version */
  const swasm_chost_func_t *funcs;
  uint32_t nfuncs;
  const swasm_chost_resource_t *resources;
  uint32_t nresources;
  void *env;
};

/* ======================================================================================== */
/* Part 4: WAVE, the WebAssembly Value Encoding (as Wasmtime's --invoke reads and prints it)  */
/* ======================================================================================== */

/* Parses one value of type t from text[0..len) into *out (memory from arena). On error returns
 * false with a one-line message in err (with the byte position). */
bool swasm_wave_parse(const char *text, size_t len, const swasm_cm_type_t *t, swasm_cval_t *out,
                      swasm_carena_t *arena, char *err, size_t errsize);
/* Parses a call "name(arg, ...)" against inst's exports: fills *f and args (an array of
 * f->type->n values in arena). */
bool swasm_wave_parse_call(swasm_cinst_t *inst, const char *text, swasm_cfunc_t *f,
                           swasm_cval_t **args, swasm_carena_t *arena, char *err,
                           size_t errsize);
/* Prints v of type t in WAVE to out; *out is malloc'd and NUL-terminated (free it). */
bool swasm_wave_print(const swasm_cm_type_t *t, const swasm_cval_t *v, char **out);

/* ======================================================================================== */
/* Part 5: WASI 0.2                                                                          */
/* ======================================================================================== */

/* The WASI 0.2 interfaces a wasi:cli/command imports (wasi:cli environment, exit, stdin,
 * stdout, stderr, terminal-*; wasi:io error, streams, poll; wasi:clocks wall-clock,
 * monotonic-clock; wasi:random random, insecure, insecure-seed; wasi:filesystem types,
 * preopens), configured like preview 1 (runtime.h Part 3: arguments, environment, preopened
 * directories with the same sandbox). */
typedef struct swasm_wasi2 swasm_wasi2_t;
swasm_wasi2_t *swasm_wasi2_new(const swasm_wasi_config_t *cfg, swasm_error_t *err);
/* The host interfaces, for swasm_link_opts_t.hosts; valid until swasm_wasi2_free. */
swasm_chost_t *const *swasm_wasi2_hosts(swasm_wasi2_t *w, uint32_t *n);
void swasm_wasi2_free(swasm_wasi2_t *w);

/* Runs a wasi:cli/command component: instantiates c with WASI 0.2 from cfg, calls the export
 * "wasi:cli/run@0.2.x#run". Returns the process exit status: 0 for ok, 1 for err, N after
 * exit / exit-with-code, SWASM_WASI_STATUS_TRAP after a trap (err says why),
 * SWASM_WASI_STATUS_ERROR when it is not a command or does not instantiate. */
int swasm_component_run_command(const swasm_component_t *c, const swasm_compile_opts_t *copts,
                                const swasm_wasi_config_t *cfg, swasm_error_t *err);
/* The same with link options: their compile options and module loader are used, and their
 * hosts are offered after WASI's. */
int swasm_component_run_command_with(const swasm_component_t *c, const swasm_link_opts_t *opts,
                                     const swasm_wasi_config_t *cfg, swasm_error_t *err);

/* ======================================================================================== */
/* Part 6: compiled components                                                               */
/* ======================================================================================== */

/* A component compiled ahead of time by swasmc: its bytes (decoded again when opened: the
 * structure and types the linker needs), the features its modules were compiled with, the
 * world it describes in WIT, and the compiled code of each distinct core module it embeds.
 * `swasmc -shared` links them into one shared library that defines the symbols below;
 * executables from `swasmc app.component.wasm` link them in statically. Each module's code is
 * an ordinary compiled module (its descriptor renamed, so several share one library) and is
 * found by a hash and the size of the module's bytes: nothing depends on the order in which
 * the component lists its modules. */
typedef struct swasm_cpkg_module {
  uint64_t hash;                   /* swasm_cpkg_hash of the module's bytes */
  uint64_t size;                   /* their length */
  const swasm_module_desc_t *desc;
} swasm_cpkg_module_t;

#define SWASM_CPKG_COMPONENT "swasm_cexe_component"       /* const uint8_t[] */
#define SWASM_CPKG_COMPONENT_SIZE "swasm_cexe_component_size"  /* const uint64_t */
#define SWASM_CPKG_FEATURES "swasm_cexe_features"         /* const uint8_t[8] */
#define SWASM_CPKG_MODULES "swasm_cexe_modules"           /* const swasm_cpkg_module_t[] */
#define SWASM_CPKG_NMODULES "swasm_cexe_nmodules"         /* const uint64_t */
#define SWASM_CPKG_WORLD "swasm_cexe_world"               /* const char[]: WIT (libraries) */

/* FNV-1a, 64 bits. */
static inline uint64_t swasm_cpkg_hash(const uint8_t *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3u;
  return h;
}

typedef struct swasm_cpkg swasm_cpkg_t;
/* From the parts (an executable's own symbols); they must outlive the package. features are
 * swasm_features_t's flags in order, one byte each. Decodes and validates the component. */
swasm_cpkg_t *swasm_cpkg_new(const uint8_t *component, size_t size, const uint8_t features[8],
                             const swasm_cpkg_module_t *modules, size_t nmodules,
                             swasm_error_t *err);
/* Opens a library made by `swasmc -shared` (dlopen: libswasm-rt must be in the process). */
swasm_cpkg_t *swasm_cpkg_open(const char *path, swasm_error_t *err);
const swasm_component_t *swasm_cpkg_component(const swasm_cpkg_t *p);
const char *swasm_cpkg_world(const swasm_cpkg_t *p);     /* NULL when it carries none */
/* Sets opts->load and opts->load_env so that instantiation uses the package's code. */
void swasm_cpkg_link_opts(swasm_cpkg_t *p, swasm_link_opts_t *opts);
/* After every instance made with it is freed. */
void swasm_cpkg_close(swasm_cpkg_t *p);

#ifdef __cplusplus
}
#endif
#endif
