/* target.h - what the files of compiler/target share: the resolved target (triple, CPU,
 * features), the LLVM target machine, the content hash of a compile, and diagnostics. */
#ifndef SWASM_TARGET_H
#define SWASM_TARGET_H

#include <stdint.h>
#include <sys/types.h>

#include <llvm-c/TargetMachine.h>

#include "ir.h"

#if defined(__x86_64__)
#define TGT_HOST_ARCH "x86_64"
#define TGT_HOST_TRIPLE "x86_64-unknown-linux-gnu"
#elif defined(__aarch64__)
#define TGT_HOST_ARCH "aarch64"
#define TGT_HOST_TRIPLE "aarch64-unknown-linux-gnu"
#else
#define TGT_HOST_ARCH "unknown"
#define TGT_HOST_TRIPLE NULL
#endif

/* A target resolved from swasm_compile_opts_t: what LLVM is told, and what the descriptor
 * records so the runtime can refuse a library the host cannot run. */
typedef struct tgt_spec {
  char triple[128];          /* normalised, e.g. "x86_64-unknown-linux-gnu" */
  char cpu[64];              /* resolved CPU name ("x86-64-v2", "generic", the host's CPU) */
  char *features;            /* LLVM feature string for the target machine (malloc'd, may be "") */
  char *required;            /* the "+a,+b" features the code may use, sorted (malloc'd) */
  bool x86;                  /* x86-64, else AArch64 */
} tgt_spec_t;

/* Registers the X86 and AArch64 targets with LLVM, once per process. */
IR_HIDDEN void tgt_llvm_init(void);
/* The LLVM options SWASM_LLVM_ARGS gave this process ("" when none), as LLVM received them. */
IR_HIDDEN const char *tgt_llvm_args(void);

/* Resolves opts->triple and opts->cpu. Unknown architectures are SWASM_UNSUPPORTED. */
IR_HIDDEN swasm_status_t tgt_resolve(const swasm_compile_opts_t *opts, tgt_spec_t *spec,
                                     swasm_diag_t *diag);
IR_HIDDEN void tgt_spec_free(tgt_spec_t *spec);

/* True when LLVM knows the CPU name for x86-64 (x86) or AArch64 (cpus.c). */
IR_HIDDEN bool tgt_cpu_known(bool x86, const char *name);

/* A PIC, small-code-model target machine for spec at opt_level 0..3. */
IR_HIDDEN LLVMTargetMachineRef tgt_machine_new(const tgt_spec_t *spec, int opt_level,
                                               swasm_diag_t *diag);

/* BLAKE3 over everything that decides the object's bytes: the module, the options, the
 * resolved target, the swasm, ABI and LLVM versions. Used as the descriptor's hash and the
 * compile cache's key. */
IR_HIDDEN void tgt_hash(const swasm_module_t *m, const swasm_compile_opts_t *opts,
                        const tgt_spec_t *spec, uint8_t out[32]);

/* ---- child processes (proc.c) --------------------------------------------------------- */

/* What a child printed on one stream: at most limit bytes are kept (data is NUL-terminated
 * for text); overflow says some were dropped. */
typedef struct tgt_output {
  uint8_t *data;
  size_t len, cap, limit;
  bool overflow;
} tgt_output_t;

/* Looks a program up like execvp; a name with a slash is a path. */
IR_HIDDEN bool tgt_find_program(const char *name, char *out, size_t size);
/* Runs argv[0] (a path) with stdin from /dev/null, collecting stdout and stderr. Returns the
 * exit status (128 + signal when killed), or -1 with diag filled when it could not run. */
IR_HIDDEN int tgt_run(char *const argv[], tgt_output_t *out, tgt_output_t *err,
                      swasm_diag_t *diag);
/* Reads both pipes until they close. */
IR_HIDDEN void tgt_collect(int out_fd, int err_fd, tgt_output_t *out, tgt_output_t *err);
IR_HIDDEN int tgt_wait(pid_t pid);
IR_HIDDEN void tgt_output_free(tgt_output_t *o);
/* The first non-empty line of o, for a diagnostic. */
IR_HIDDEN void tgt_first_line(const tgt_output_t *o, char *buf, size_t size);
/* Writes data to a new file $TMPDIR/swasm-XXXXXX<suffix>; its name goes to path. */
IR_HIDDEN swasm_status_t tgt_temp_file(const char *suffix, const void *data, size_t size,
                                       char *path, size_t path_size, swasm_diag_t *diag);

/* Reads a whole file into out. */
IR_HIDDEN swasm_status_t tgt_read_file(const char *path, swasm_buf_t *out, swasm_diag_t *diag);

/* ---- linking (link.c) --------------------------------------------------------------- */

/* The system linker: a plain ELF linker (ld.lld), or a cc-style driver. */
typedef struct tgt_linker {
  char path[4096];
  bool is_driver;
} tgt_linker_t;

/* SWASM_LINKER, else ld.lld-19, else LLVM 19's ld.lld, else cc (the cross gcc for a foreign
 * triple). */
IR_HIDDEN swasm_status_t tgt_find_linker(const char *triple, tgt_linker_t *lk,
                                         swasm_diag_t *diag);

/* A name no other thread or process is using, beside path, for writing then renaming. */
IR_HIDDEN void tgt_temp_name(const char *path, char *out, size_t size);

/* ---- parallel compilation (shard.c) -------------------------------------------------- */

/* How many shards the module's code is split into: a function of its size alone, never of the
 * machine, so that the object is the same everywhere. */
IR_HIDDEN unsigned tgt_shard_count(const swasm_module_t *m);

/* Builds, optimises and emits m as nshards parts (codegen's cg_build_part) on up to
 * opts->threads threads, and joins their objects (ld -r) into *out. */
IR_HIDDEN swasm_status_t tgt_compile_shards(const swasm_module_t *m, unsigned nshards,
                                            const swasm_compile_opts_t *opts,
                                            const tgt_spec_t *spec, swasm_buf_t *out,
                                            swasm_diag_t *diag);

/* Sets codegen's module's triple, data layout and tuning, stamps the descriptor (when desc:
 * the module holds it) with the compile's hash and CPU features, and verifies it (compile.c). */
IR_HIDDEN swasm_status_t tgt_finish_module(LLVMModuleRef mod, const swasm_module_t *m,
                                           const swasm_compile_opts_t *opts,
                                           const tgt_spec_t *spec, LLVMTargetMachineRef tm,
                                           bool desc, swasm_diag_t *diag);

/* Runs the optimisation pipeline (compile.c). */
IR_HIDDEN swasm_status_t tgt_optimise(LLVMModuleRef mod, LLVMTargetMachineRef tm, int level,
                                      swasm_diag_t *diag);

/* ---- LLVM's diagnostics (compile.c) ------------------------------------------------------ */

/* What LLVM reported on one context. Warnings and remarks (a loop marked for vectorisation
 * that the vectoriser could not do, say) are dropped: a library does not print. The first
 * error is kept, so the compile fails with it instead of LLVM's default handler exiting. */
typedef struct tgt_llvm_diag {
  bool error;
  char message[256];
} tgt_llvm_diag_t;

IR_HIDDEN void tgt_llvm_diag_attach(LLVMContextRef ctx, tgt_llvm_diag_t *d);
/* SWASM_INTERNAL with LLVM's message when an error was reported, else SWASM_OK. */
IR_HIDDEN swasm_status_t tgt_llvm_diag_check(const tgt_llvm_diag_t *d, swasm_diag_t *diag);

/* ---- phase timing (compile.c) -------------------------------------------------------- */

/* A developer aid: with SWASM_TIME set in the environment, each phase of a compile (codegen,
 * verify, optimise, emit per shard; join) prints one line on stderr with its wall and thread
 * CPU time. Off, a stamp costs one clock read. */
typedef struct tgt_stamp {
  double wall, cpu;
} tgt_stamp_t;

IR_HIDDEN bool tgt_timing_on(void);
IR_HIDDEN tgt_stamp_t tgt_stamp(void);
/* Prints "swasm-time: <what> [shard k] wall cpu" since *since, and resets *since to now. */
IR_HIDDEN void tgt_phase(tgt_stamp_t *since, const char *what, int shard);

/* Fills diag (offset 0, no function) and returns st. */
IR_HIDDEN swasm_status_t tgt_fail(swasm_diag_t *diag, swasm_status_t st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
