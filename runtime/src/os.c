/* os.c - the runtime's platform layer: address space, thread stacks, signals and dlopen (POSIX). */
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "rt.h"

/* Large enough for the fault handler and a trap's unwinding, even in sanitizer builds. */
#define ALTSTACK_MIN (256u * 1024u)

size_t os_page_size(void) {
  static size_t page;
  if (!page) {
    long p = sysconf(_SC_PAGESIZE);
    page = p > 0 ? (size_t)p : 4096;
  }
  return page;
}

void *os_reserve(size_t bytes) {
  void *p = mmap(NULL, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

bool os_commit(void *addr, size_t bytes) {
  return bytes == 0 || mprotect(addr, bytes, PROT_READ | PROT_WRITE) == 0;
}

void os_release(void *addr, size_t bytes) {
  if (addr && bytes)
    munmap(addr, bytes);
}

#ifdef __GLIBC__
#define UNLIMITED_STACK_BOUND ((uintptr_t)256 << 20)

extern void *__libc_stack_end;   /* glibc: the top of the main thread's stack at start-up */

/* The main thread's stack: glibc's pthread_getattr_np finds it by reading /proc/self/maps,
 * which costs more than the rest of an executable's start-up; it ends at most RLIMIT_STACK
 * below its top. Taking __libc_stack_end (a little below the true top) as the top makes the
 * bounds a little tighter than the real ones, which is the safe side. */
static bool main_thread_stack(uintptr_t *low, uintptr_t *high) {
  uintptr_t top = (uintptr_t)__libc_stack_end;
  struct rlimit rl;
  char here;
  uintptr_t sp = (uintptr_t)&here;
  if (!top || getrlimit(RLIMIT_STACK, &rl) != 0)
    return false;
  /* An unlimited stack still gets a bound, or runaway recursion would eat all memory before
   * anything stopped it: the size below is far more than any default limit. */
  uintptr_t size = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > UNLIMITED_STACK_BOUND
                       ? UNLIMITED_STACK_BOUND : (uintptr_t)rl.rlim_cur;
  if (size > top || sp > top || sp < top - size)
    return false;   /* not on the main thread */
  *low = top - size;
  *high = top;
  return true;
}
#endif

bool os_thread_stack(uintptr_t *low, uintptr_t *high) {
#ifdef __GLIBC__
  if (main_thread_stack(low, high))
    return true;
#endif
  pthread_attr_t attr;
  void *addr;
  size_t size;
  if (pthread_getattr_np(pthread_self(), &attr) != 0)
    return false;
  bool ok = pthread_attr_getstack(&attr, &addr, &size) == 0;
  pthread_attr_destroy(&attr);
  if (!ok)
    return false;
  *low = (uintptr_t)addr;
  *high = (uintptr_t)addr + size;
  return true;
}

/* ---- alternate signal stacks: one per thread, freed when the thread exits ---- */

static pthread_key_t altstack_key;
static pthread_once_t altstack_once = PTHREAD_ONCE_INIT;
static _Thread_local bool altstack_ready;

typedef struct { void *mem; size_t size; } altstack_t;

static void altstack_free(void *p) {
  altstack_t *a = p;
  stack_t ss = { .ss_flags = SS_DISABLE };
  stack_t cur;
  /* Only touch the alternate stack if it is still ours: a sanitizer's thread-exit hook may
   * already have disabled and unmapped it, and unmapping twice could hit a new mapping. */
  if (sigaltstack(NULL, &cur) == 0 && cur.ss_sp == a->mem && sigaltstack(&ss, NULL) == 0)
    munmap(a->mem, a->size);
  free(a);
}

static void altstack_key_init(void) {
  pthread_key_create(&altstack_key, altstack_free);
}

bool os_altstack_ensure(void) {
  if (altstack_ready)
    return true;
  size_t want = ALTSTACK_MIN;
  long min = sysconf(_SC_SIGSTKSZ);
  if (min > 0 && (size_t)min * 4 > want)
    want = (size_t)min * 4;
  stack_t cur;
  /* Someone else (a sanitizer, the embedder) may have installed a big enough one already. */
  if (sigaltstack(NULL, &cur) == 0 && !(cur.ss_flags & SS_DISABLE) && cur.ss_size >= want) {
    altstack_ready = true;
    return true;
  }
  pthread_once(&altstack_once, altstack_key_init);
  altstack_t *a = malloc(sizeof *a);
  if (!a)
    return false;
  a->size = want;
  a->mem = mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (a->mem == MAP_FAILED) {
    free(a);
    return false;
  }
  stack_t ss = { .ss_sp = a->mem, .ss_size = want, .ss_flags = 0 };
  if (sigaltstack(&ss, NULL) != 0) {
    munmap(a->mem, want);
    free(a);
    return false;
  }
  pthread_setspecific(altstack_key, a);
  altstack_ready = true;
  return true;
}

/* ---- fault handlers ---- */

static os_fault_fn fault_fn;
static struct sigaction prev_segv, prev_bus;

static void on_fault(int sig, siginfo_t *info, void *uctx) {
  fault_fn(sig, info->si_addr, uctx);
  /* fault_fn returns only when the fault is not a trap. */
  os_fault_chain(sig, info, uctx);
}

bool os_fault_handlers_install(os_fault_fn fn) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  /* SA_NODEFER: a trap leaves the handler by siglongjmp without restoring the signal mask,
   * so the signal must not be blocked while the handler runs. */
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  fault_fn = fn;
  if (sigaction(SIGSEGV, &sa, &prev_segv) != 0)
    return false;
  if (sigaction(SIGBUS, &sa, &prev_bus) != 0) {
    sigaction(SIGSEGV, &prev_segv, NULL);
    return false;
  }
  return true;
}

void os_fault_chain(int sig, void *info_, void *uctx) {
  siginfo_t *info = info_;
  const struct sigaction *prev = sig == SIGBUS ? &prev_bus : &prev_segv;
  if ((prev->sa_flags & SA_SIGINFO) && prev->sa_sigaction) {
    prev->sa_sigaction(sig, info, uctx);
    return;
  }
  if (!(prev->sa_flags & SA_SIGINFO) && prev->sa_handler != SIG_DFL &&
      prev->sa_handler != SIG_IGN) {
    prev->sa_handler(sig);
    return;
  }
  /* Default action: a real crash. Returning re-executes the faulting instruction, which now
   * kills the process with the right signal and a core dump; a signal sent by kill() is
   * raised again instead. */
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, NULL);
  if (info->si_code <= 0)
    raise(sig);
}

/* ---- shared libraries ---- */

void *os_dlopen(const char *path, char *why, size_t why_len) {
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *e = dlerror();
    snprintf(why, why_len, "%s", e ? e : "dlopen failed");
  }
  return lib;
}

void *os_dlsym(void *lib, const char *name, size_t *size) {
  void *p = dlsym(lib, name);
  const ElfW(Sym) *sym = NULL;
  Dl_info info;
  *size = 0;
  if (p && dladdr1(p, &info, (void **)&sym, RTLD_DL_SYMENT) && sym)
    *size = sym->st_size;
  return p;
}

void os_dlclose(void *lib) {
  dlclose(lib);
}
