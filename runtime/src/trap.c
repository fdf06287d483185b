/* trap.c - traps: the fault handler that turns guard-page hits and stack overflows into wasm
 * traps, the per-thread chain of entries into wasm that a trap unwinds to, and swasm_call.
 *
 * Every call into wasm (swasm_call, init, start) pushes an rt_entry_t on the calling thread's
 * chain and sigsetjmps into it; a trap, raised by generated code through swasm_rt_trap or by the
 * fault handler, siglongjmps to the innermost entry. Calls nest (host -> wasm -> host -> wasm):
 * a trap unwinds only the innermost wasm activation, and the host function between the two
 * entries decides what to do with the error. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "rt.h"

struct rt_entry {
  sigjmp_buf jb;
  rt_entry_t *prev;
  volatile int code;               /* the trap, set before jumping */
  volatile uintptr_t pc;           /* where it happened, or 0 */
};

/* The margin kept free below the stack limit for host frames: the trap path, host functions
 * called from wasm and what they call. */
#define STACK_MARGIN ((uintptr_t)256 * 1024)
/* How far below the thread's stack a fault still counts as overflowing it (guard pages, a
 * frame too big to have touched the guard first). */
#define STACK_SLACK ((uintptr_t)1024 * 1024)

static _Thread_local rt_entry_t *cur_entry;
static _Thread_local bool stack_known;
static _Thread_local uintptr_t stack_lo, stack_lim;
/* The message and exit code of a SWASM_TRAP_HOST or SWASM_TRAP_EXIT on its way to an entry. */
static _Thread_local swasm_error_t host_err;

static const char *const messages[SWASM_TRAP_COUNT] = {
  [SWASM_TRAP_NONE] = "no trap",
  [SWASM_TRAP_UNREACHABLE] = "unreachable",
  [SWASM_TRAP_MEMORY_OOB] = "out of bounds memory access",
  [SWASM_TRAP_TABLE_OOB] = "out of bounds table access",
  [SWASM_TRAP_UNDEFINED_ELEMENT] = "undefined element",
  [SWASM_TRAP_UNINITIALIZED] = "uninitialized element",
  [SWASM_TRAP_INDIRECT_TYPE] = "indirect call type mismatch",
  [SWASM_TRAP_DIV_ZERO] = "integer divide by zero",
  [SWASM_TRAP_INT_OVERFLOW] = "integer overflow",
  [SWASM_TRAP_INVALID_CONVERSION] = "invalid conversion to integer",
  [SWASM_TRAP_STACK_EXHAUSTED] = "call stack exhausted",
  [SWASM_TRAP_NULL_REFERENCE] = "null reference",
  [SWASM_TRAP_HOST] = "host function failed",
  [SWASM_TRAP_EXIT] = "exit",
};

SWASM_API const char *swasm_trap_message(swasm_trap_t trap) {
  if ((unsigned)trap >= SWASM_TRAP_COUNT)
    return "unknown trap";
  return messages[trap];
}

bool rt_fail(swasm_error_t *err, const char *fmt, ...) {
  if (!err)
    return false;
  err->trap = SWASM_TRAP_NONE;
  err->exit_code = 0;
  err->pc = 0;
  err->func_known = false;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return false;
}

void rt_err_clear(swasm_error_t *err) {
  if (!err)
    return;
  err->trap = SWASM_TRAP_NONE;
  err->exit_code = 0;
  err->message[0] = 0;
  err->pc = 0;
  err->func_known = false;
}

/* ---- the stack limit ---- */

static void stack_probe(void) {
  uintptr_t lo, hi;
  if (os_thread_stack(&lo, &hi)) {
    uintptr_t size = hi - lo;
    stack_lo = lo;
    stack_lim = lo + (size >= 4 * STACK_MARGIN ? STACK_MARGIN : size / 4);
  } else {
    /* Unknown bounds: no limit from us; overflow then crashes as native code would. */
    stack_lo = 0;
    stack_lim = 0;
  }
  stack_known = true;
}

uintptr_t rt_stack_limit(void) {
  if (!stack_known)
    stack_probe();
  return stack_lim;
}

/* ---- raising and catching traps ---- */

static __attribute__((noreturn)) void jump(rt_entry_t *e, int code, uintptr_t pc) {
  e->code = code;
  e->pc = pc;
  siglongjmp(e->jb, 1);
}

/* A return address points after the call, which may be the first byte of the next function
 * when the call (to a noreturn trap) ends its function: one byte back is in the call. */
static uintptr_t call_site(void *ret) {
  uintptr_t a;
  memcpy(&a, &ret, sizeof a);
  return a ? a - 1 : 0;
}

__attribute__((noreturn)) void rt_trap_at(uint32_t code, void *ret) {
  rt_entry_t *e = cur_entry;
  if (code == SWASM_TRAP_NONE || code >= SWASM_TRAP_COUNT)
    code = SWASM_TRAP_UNREACHABLE;
  if (!e) {
    fprintf(stderr, "swasm: trap outside of any call into wasm: %s\n",
            swasm_trap_message((swasm_trap_t)code));
    abort();
  }
  jump(e, (int)code, call_site(ret));
}

SWASM_API __attribute__((noreturn)) void swasm_rt_trap(uint32_t code) {
  rt_trap_at(code, __builtin_return_address(0));
}

__attribute__((noreturn)) void rt_trap_with(const swasm_error_t *err) {
  host_err = *err;
  rt_trap_at(err->trap == SWASM_TRAP_EXIT ? SWASM_TRAP_EXIT : SWASM_TRAP_HOST, NULL);
}

/* The instruction a fault happened at, from the signal's machine context. */
static uintptr_t fault_pc(void *uctx) {
  const ucontext_t *uc = uctx;
  if (!uc)
    return 0;
#if defined(__x86_64__) && defined(__linux__)
  return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__) && defined(__linux__)
  return (uintptr_t)uc->uc_mcontext.pc;
#else
  return 0;
#endif
}

/* Runs on the alternate stack. Returns when the fault is not a trap, and then the caller chains
 * to the previous handler or the default action: a fault in runtime or host code outside any
 * memory reservation is a bug and must crash, not be hidden as a trap. */
static void on_fault(int sig, void *addr, void *uctx) {
  rt_entry_t *e = cur_entry;
  if (!e)
    return;
  uintptr_t a = (uintptr_t)addr;
  if (rt_memory_owns(a))
    jump(e, SWASM_TRAP_MEMORY_OOB, fault_pc(uctx));
  if (stack_known && stack_lim && a < stack_lim && a + STACK_SLACK >= stack_lo)
    jump(e, SWASM_TRAP_STACK_EXHAUSTED, fault_pc(uctx));
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static bool init_ok;

static void init_handlers(void) {
  init_ok = os_fault_handlers_install(on_fault);
}

SWASM_API bool swasm_rt_init(swasm_error_t *err) {
  pthread_once(&init_once, init_handlers);
  if (!init_ok)
    return rt_fail(err, "cannot install the runtime's signal handlers");
  if (!os_altstack_ensure())
    return rt_fail(err, "cannot allocate an alternate signal stack");
  return true;
}

/* Appends " in $NAME (func N)" (or " in func N" for a function the name section does not
 * name) to err's message. A name is cut short and its control characters replaced, so the
 * message stays one line. */
static void append_location(swasm_error_t *err) {
  const swasm_module_desc_t *d;
  uint32_t func;
  if (!err->pc || !rt_code_lookup(err->pc, &d, &func))
    return;
  err->func = func;
  err->func_known = true;
  const char *name = d->func_names ? d->func_names[func] : NULL;
  size_t len = strlen(err->message);
  if (!name || !*name) {
    snprintf(err->message + len, sizeof err->message - len, " in func %u", func);
    return;
  }
  char shown[200];
  size_t n = 0;
  for (; name[n] && n + 1 < sizeof shown; n++)
    shown[n] = (unsigned char)name[n] < 0x20 || name[n] == 0x7f ? '?' : name[n];
  shown[n] = 0;
  snprintf(err->message + len, sizeof err->message - len, " in $%s%s (func %u)", shown,
           name[n] ? "..." : "", func);
}

static void trap_fill(swasm_error_t *err, int code, uintptr_t pc) {
  if (!err)
    return;
  if (code == SWASM_TRAP_HOST || code == SWASM_TRAP_EXIT) {
    *err = host_err;
    err->trap = (swasm_trap_t)code;
    err->pc = 0;
    err->func_known = false;
    if (!err->message[0])
      snprintf(err->message, sizeof err->message, "%s", swasm_trap_message(err->trap));
    return;
  }
  err->trap = (swasm_trap_t)code;
  err->exit_code = 0;
  err->pc = pc;
  err->func_known = false;
  snprintf(err->message, sizeof err->message, "%s", swasm_trap_message(err->trap));
  append_location(err);
}

bool rt_call_guarded(swasm_trampoline_t tramp, void *code, swasm_vmctx_t *ctx,
                     swasm_val_t *args, swasm_error_t *err) {
  if (!swasm_rt_init(err))
    return false;
  ctx->stack_limit = rt_stack_limit();
  rt_entry_t e;
  e.prev = cur_entry;
  e.code = SWASM_TRAP_NONE;
  e.pc = 0;
  if (sigsetjmp(e.jb, 0) == 0) {
    cur_entry = &e;
    tramp(code, ctx, args);
    cur_entry = e.prev;
    rt_err_clear(err);
    return true;
  }
  cur_entry = e.prev;
  trap_fill(err, e.code, e.pc);
  return false;
}

static void call_init(void *code, swasm_vmctx_t *ctx, swasm_val_t *args) {
  void (*fn)(swasm_vmctx_t *);
  memcpy(&fn, &code, sizeof fn);
  fn(ctx);
}

bool rt_run_guarded(void (*fn)(swasm_vmctx_t *), swasm_vmctx_t *ctx, swasm_error_t *err) {
  void *code;
  memcpy(&code, &fn, sizeof code);
  return rt_call_guarded(call_init, code, ctx, NULL, err);
}

SWASM_API bool swasm_call(const swasm_func_t *f, swasm_val_t *args_results, swasm_error_t *err) {
  swasm_error_t local;
  if (!err)
    err = &local;
  if (!f || !f->ref)
    return rt_fail(err, "call of a null function reference");
  if (!f->tramp) {
    if (rt_is_host_func(f->ref))
      return rt_host_call_direct(f->ref, args_results, err);
    return rt_fail(err, "function has neither a trampoline nor a host callback");
  }
  return rt_call_guarded(f->tramp, f->ref->code, f->ref->ctx, args_results, err);
}
